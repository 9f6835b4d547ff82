import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { ReportView, sectionId } from '../../reports/html/ReportView'
import { headingsOf } from '../../reports/document'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { addComment, decideSubmission, deleteComment, mayReview, reviewPage, type CommentView } from '~/services/review.server'
import type { SectionChange } from '~/domain/reports/section-diff'
import { formatDateTime } from '~/utils/datetime'
import { runIntent, withNotice } from '~/utils/intent-action.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.engagement.name ?? '报告审核'} · 报告审核 · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['finance_reviewer'])
  const page = reviewPage(getDb(), actor, params.submissionId ?? '')
  if (!page) throw notFound()
  return page
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['finance_reviewer'])
  const db = getDb()
  const id = params.submissionId ?? ''
  if (!mayReview(db, actor, id)) throw notFound()
  const fd = await request.formData()
  return runIntent(fd, {
    comment: () => withNotice(addComment(db, actor, id, fd, now()), () => '意见已添加（退回或验收时一并发给评价机构）。'),
    'delete-comment': () => withNotice(deleteComment(db, actor, id, fd, now()), () => '意见已删除。'),
    decide: () => withNotice(decideSubmission(db, actor, id, fd, now()), (v) => (v.status === 'accepted' ? '已验收。' : '已退回修改，意见已发给评价机构。')),
  })
}

const CHANGE_LABELS: Record<SectionChange['kind'], string> = { same: '未变化', added: '新增', removed: '删除', changed: '有修改' }

function Changes({ changes }: { changes: SectionChange[] }) {
  const shown = changes.filter((c) => c.kind !== 'same')
  if (shown.length === 0) return <p className="muted">报告内容与上一轮相同。</p>
  return (
    <ul data-testid="round-diff">
      {shown.map((c, i) => (
        <li key={i} data-kind={c.kind}>
          <strong>{c.heading}</strong> <span className="muted small">{CHANGE_LABELS[c.kind]}</span>
          {c.kind === 'changed'
            ? c.parts
                .filter((p) => p.op !== 'same')
                .map((p, k) => (
                  <p key={k} className={`small pre ${p.op === 'add' ? 'diff-add' : 'diff-remove'}`}>
                    {p.op === 'add' ? '＋ ' : '－ '}
                    {p.text}
                  </p>
                ))
            : null}
        </li>
      ))}
    </ul>
  )
}

function AnchorLink({ c, sectionAnchors }: { c: CommentView; sectionAnchors: Map<string, string> }) {
  const anchor = c.anchorKind === 'section' ? sectionAnchors.get(c.anchor) : undefined
  const label = `${c.anchorKind === 'section' ? '章节' : '指标'}：${c.anchorLabel}`
  return anchor ? <a href={`#${sectionId(anchor)}`}>{label}</a> : <span>{label}</span>
}

export default function ReviewSubmission() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string): Record<string, string | undefined> => (actionData?.intent === intent ? actionData.errors : {})
  const valuesFor = (intent: string): Record<string, string | string[] | undefined> => (actionData?.intent === intent ? actionData.values : {})
  const sectionAnchors = new Map(headingsOf(d.document).map((h) => [h.text, h.anchor]))
  const r = d.round
  const files = `/review/${r.id}/files`
  return (
    <section data-testid="review-page">
      <p>
        <Link to="/review">← 报告审核</Link>
      </p>
      <div className="page-head">
        <h1>{d.engagement.name}</h1>
        <span className={r.status === 'accepted' ? 'badge ok' : r.status === 'returned' ? 'badge off' : 'badge'} data-testid="round-status">
          {r.statusLabel}
        </span>
      </div>
      <p className="muted">
        {d.engagement.agencyName} · {d.engagement.kindLabel} · {r.version.typeLabel}第 {r.version.versionNo} 版（验证码 {r.version.verificationCode}）· 第 {r.roundNo} 轮，{r.submittedBy} 于 {formatDateTime(r.submittedAt)} 提交
        {d.grade ? ` · 评价等级：${d.grade}` : ''}
      </p>
      <p>
        下载送审版本：
        <a href={`${files}/docx`} download>
          Word
        </a>{' '}
        ·{' '}
        <a href={`${files}/pdf`} download>
          PDF
        </a>
        {d.rounds.length > 1 ? (
          <span className="muted small">
            {' '}
            · 各轮：
            {d.rounds.map((x) => (
              <span key={x.id}>
                {' '}
                {x.id === r.id ? (
                  <strong>第 {x.roundNo} 轮</strong>
                ) : (
                  <Link to={`/review/${x.id}`}>
                    第 {x.roundNo} 轮（{x.statusLabel}）
                  </Link>
                )}
              </span>
            ))}
          </span>
        ) : null}
      </p>
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      {r.decidedAt ? (
        <p data-testid="decision">
          {r.decidedBy} 于 {formatDateTime(r.decidedAt)} {r.status === 'accepted' ? '验收' : '退回修改'}
          {r.decisionNote ? `：${r.decisionNote}` : ''}
        </p>
      ) : null}

      {d.previous ? (
        <div className="card" data-testid="previous-round">
          <h2>与第 {d.previous.round.roundNo} 轮相比</h2>
          <h3>上一轮意见及答复</h3>
          <ol>
            {d.previous.comments.map((c) => (
              <li key={c.id} data-testid="previous-comment" data-answered={c.answer !== null}>
                <AnchorLink c={c} sectionAnchors={sectionAnchors} />：{c.body}
                <div className={c.answer === null ? 'warning' : undefined}>{c.answer === null ? '未答复' : `答复（${c.answeredBy ?? ''}）：${c.answer}`}</div>
              </li>
            ))}
          </ol>
          <h3>报告的修改（按章节）</h3>
          <Changes changes={d.previous.changes} />
        </div>
      ) : null}

      <div className="card" data-testid="comments">
        <h2>本轮审核意见</h2>
        <FormError error={errorsFor('delete-comment')._form} />
        {d.comments.length === 0 ? (
          <p className="muted">暂无意见。</p>
        ) : (
          <ol>
            {d.comments.map((c) => (
              <li key={c.id} data-testid="comment">
                <AnchorLink c={c} sectionAnchors={sectionAnchors} />：<span className="pre">{c.body}</span>{' '}
                <span className="muted small">
                  {c.authorName} {formatDateTime(c.createdAt)}
                  {c.published ? '' : '（未发出）'}
                </span>
                {c.answer !== null ? <div>答复（{c.answeredBy}）：{c.answer}</div> : null}
                {d.mayDecide && !c.published ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="delete-comment" />
                    <input type="hidden" name="commentId" value={c.id} />
                    <button type="submit" className="link" disabled={busy}>
                      删除
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {d.mayDecide ? (
          <Form method="post" noValidate className="stack" data-testid="comment-form" key={d.comments.length}>
            <input type="hidden" name="intent" value="comment" />
            <h3>添加意见</h3>
            <FormError error={errorsFor('comment')._form} />
            <Field name="anchor" label="针对" error={errorsFor('comment').anchor}>
              {(f) => (
                <select {...f} defaultValue={String(valuesFor('comment').anchor ?? '')}>
                  <option value="">请选择章节或指标</option>
                  <optgroup label="章节">
                    {d.anchors.sections.map((a) => (
                      <option key={a.value} value={a.value}>
                        {a.label}
                      </option>
                    ))}
                  </optgroup>
                  {d.anchors.indicators.length > 0 ? (
                    <optgroup label="末级指标">
                      {d.anchors.indicators.map((a) => (
                        <option key={a.value} value={a.value}>
                          {a.label}
                        </option>
                      ))}
                    </optgroup>
                  ) : null}
                </select>
              )}
            </Field>
            <Field name="body" label="意见" error={errorsFor('comment').body}>
              {(f) => <textarea {...f} rows={3} maxLength={2000} defaultValue={String(valuesFor('comment').body ?? '')} />}
            </Field>
            <div>
              <button type="submit" disabled={busy}>
                添加意见
              </button>
            </div>
          </Form>
        ) : null}
      </div>

      {d.mayDecide ? (
        <div className="card" data-testid="decide-form">
          <h2>审核结论</h2>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="decide" />
            <FormError error={errorsFor('decide')._form} />
            <Field name="note" label="审核说明（可空）" error={errorsFor('decide').note}>
              {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={String(valuesFor('decide').note ?? '')} />}
            </Field>
            {errorsFor('decide').decision ? (
              <p className="field-error" role="alert">
                {errorsFor('decide').decision}
              </p>
            ) : null}
            <div className="actions">
              <button type="submit" name="decision" value="return" disabled={busy}>
                退回修改
              </button>
              <button type="submit" name="decision" value="accept" className="primary" disabled={busy}>
                验收
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      <ReportView document={d.document} />
    </section>
  )
}
