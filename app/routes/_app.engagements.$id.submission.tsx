import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { agencyActionRefusal } from '~/services/report.server'
import { answerComment, submissionPage, submitReport } from '~/services/review.server'
import { formatDateTime } from '~/utils/datetime'
import { runIntent, withNotice } from '~/utils/intent-action.server'

export const meta: MetaFunction = () => [{ title: '提交财政 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = submissionPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  return page
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const id = params.id ?? ''
  const refusal = agencyActionRefusal(db, actor, id)
  if (refusal) throw refusal === 404 ? notFound() : forbidden()
  const fd = await request.formData()
  return runIntent(
    fd,
    {
      submit: () => withNotice(submitReport(db, actor, id, fd, now()), (v) => `已提交第 ${v.roundNo} 轮，等待财政局审核。${v.movedTo ? `项目阶段已进入“${v.movedTo}”。` : ''}`),
      answer: () => withNotice(answerComment(db, actor, id, fd, now()), () => '答复已保存。'),
    },
    'commentId',
  )
}

export default function SubmissionPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const submitErrors: Record<string, string | undefined> = actionData?.intent === 'submit' ? actionData.errors : {}
  const last = d.rounds[d.rounds.length - 1]
  const choices = d.issued.filter((v) => !v.submitted)
  return (
    <section data-testid="submission-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>提交财政 · {d.engagement.name}</h1>
      <p className="muted">
        委托方：{d.engagement.bureauName} · 当前阶段：{d.engagement.stageLabel}
      </p>

      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}

      {last && last.status === 'returned' ? (
        <div className="card" data-testid="returned-comments">
          <h2>第 {last.roundNo} 轮退回的审核意见</h2>
          <p className="muted small">
            {last.decidedBy} 于 {last.decidedAt ? formatDateTime(last.decidedAt) : ''} 退回修改{last.decisionNote ? `：${last.decisionNote}` : '。'}请逐条答复，修改报告并签发新的定稿后再次提交。
          </p>
          <ol className="stack">
            {last.comments.map((c) => {
              const mine = actionData?.intent === 'answer' && actionData.target === c.id
              const errors: Record<string, string | undefined> = mine ? actionData.errors : {}
              const typed = mine && typeof actionData.values.answer === 'string' ? actionData.values.answer : (c.answer ?? '')
              return (
                <li key={c.id} data-testid="review-comment" data-answered={c.answer !== null}>
                  <p>
                    <strong>{c.anchorKind === 'section' ? '章节' : '指标'}：{c.anchorLabel}</strong>
                  </p>
                  <p className="pre">{c.body}</p>
                  {d.mayAnswer ? (
                    <Form method="post" noValidate className="stack">
                      <input type="hidden" name="intent" value="answer" />
                      <input type="hidden" name="commentId" value={c.id} />
                      <FormError error={errors._form ?? errors.commentId} />
                      {mine && actionData.done ? (
                        <p className="notice" role="status">
                          {actionData.done}
                        </p>
                      ) : null}
                      {/* One answer box per comment: ids carry the comment so labels stay unique. */}
                      <div className={errors.answer ? 'field has-error' : 'field'}>
                        <label htmlFor={`answer-${c.id}`}>{c.answer === null ? '答复（未答复）' : `答复（${c.answeredBy ?? ''} ${c.answeredAt ? formatDateTime(c.answeredAt) : ''}）`}</label>
                        <textarea id={`answer-${c.id}`} name="answer" rows={3} maxLength={2000} defaultValue={typed} key={c.answeredAt ?? 'new'} aria-invalid={Boolean(errors.answer)} aria-describedby={errors.answer ? `answer-${c.id}-error` : undefined} />
                        {errors.answer ? (
                          <p className="field-error" id={`answer-${c.id}-error`} role="alert">
                            {errors.answer}
                          </p>
                        ) : null}
                      </div>
                      <div>
                        <button type="submit" disabled={busy}>
                          保存答复
                        </button>
                      </div>
                    </Form>
                  ) : c.answer !== null ? (
                    <p>答复：{c.answer}</p>
                  ) : (
                    <p className="muted">尚未答复</p>
                  )}
                </li>
              )
            })}
          </ol>
        </div>
      ) : null}

      {d.maySubmit ? (
        <div className="card">
          <h2>{d.rounds.length === 0 ? '提交报告' : `提交第 ${d.rounds.length + 1} 轮`}</h2>
          {d.blocker ? (
            <p className="warning" data-testid="submit-blocker">
              {d.blocker}
            </p>
          ) : (
            <Form method="post" noValidate className="stack" data-testid="submit-form">
              <input type="hidden" name="intent" value="submit" />
              <FormError error={submitErrors._form} />
              <Field name="versionId" label="已签发的版本" error={submitErrors.versionId}>
                {(f) => (
                  <select {...f} defaultValue={actionData?.intent === 'submit' && typeof actionData.values.versionId === 'string' ? actionData.values.versionId : (choices[0]?.id ?? '')}>
                    {choices.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.typeLabel} 第 {v.versionNo} 版（验证码 {v.verificationCode}，{v.issuedAt ? formatDateTime(v.issuedAt) : ''} 签发）
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <div>
                <button type="submit" className="primary" disabled={busy}>
                  提交财政局审核
                </button>
              </div>
            </Form>
          )}
        </div>
      ) : d.blocker ? null : (
        <p className="muted">向财政局提交报告须由项目负责人或机构管理员操作。</p>
      )}

      <div className="card" data-testid="rounds">
        <h2>提交记录</h2>
        {d.rounds.length === 0 ? (
          <p className="muted">尚未向财政局提交报告。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>轮次</th>
                  <th>版本</th>
                  <th>提交</th>
                  <th>状态</th>
                  <th>审核</th>
                  <th>意见</th>
                </tr>
              </thead>
              <tbody>
                {[...d.rounds].reverse().map((r) => (
                  <tr key={r.id} data-round={r.roundNo}>
                    <td>第 {r.roundNo} 轮</td>
                    <td>
                      {r.version.typeLabel} 第 {r.version.versionNo} 版<br />
                      <span className="muted small">验证码 {r.version.verificationCode}</span>
                    </td>
                    <td>
                      {r.submittedBy}
                      <br />
                      <span className="muted small">{formatDateTime(r.submittedAt)}</span>
                    </td>
                    <td>
                      <span className={r.status === 'accepted' ? 'badge ok' : r.status === 'returned' ? 'badge off' : 'badge'}>{r.statusLabel}</span>
                    </td>
                    <td>
                      {r.decidedAt ? (
                        <>
                          {r.decidedBy} <span className="muted small">{formatDateTime(r.decidedAt)}</span>
                          {r.decisionNote ? <div className="small pre">{r.decisionNote}</div> : null}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      {r.comments.length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        `${r.comments.length} 条，已答复 ${r.comments.filter((c) => c.answer !== null).length} 条`
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  )
}
