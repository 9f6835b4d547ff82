// 征求意见 of one engagement, the team's side: send the 征求意见稿 to the evaluated units with a
// deadline, read each unit's points and decide them (采纳 / 部分采纳 / 不采纳 with an explanation; the
// decided points become the report's annex), and open the comparison with the next version.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { ADOPTIONS } from '~/domain/fieldwork/requests'
import { decidePoint, feedbackPage, sendRound } from '~/services/feedback.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `征求意见 · ${data?.engagement.name ?? ''} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = feedbackPage(getDb(), actor, params.id ?? '', now())
  if (!page) throw notFound()
  return page
}

type ActionData = { intent: string; pointId: string; errors: Record<string, string>; values: Record<string, string>; done: string | null }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = feedbackPage(db, actor, params.id ?? '', now())
  if (!page) throw notFound()
  if (!page.mayManage) throw forbidden()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const pointId = String(fd.get('pointId') ?? '')
  const values = Object.fromEntries(['deadline', 'adoption', 'response'].map((k) => [k, String(fd.get(k) ?? '')]))
  const reply = (status: number, d: Partial<ActionData>) => data<ActionData>({ intent, pointId, errors: {}, values: {}, done: null, ...d }, { status })
  if (intent === 'send') {
    const result = sendRound(db, actor, page.engagement.id, fd, now())
    if (!result.ok) return reply(result.status, { errors: result.errors, values })
    return reply(200, { done: `已将${result.value.versionLabel}发送被评价单位征求意见，截止 ${values.deadline}。` })
  }
  if (intent === 'decide') {
    if (!page.rounds.some((r) => r.points.some((p) => p.id === pointId))) throw notFound()
    const result = decidePoint(db, actor, pointId, fd, now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return reply(result.status, { errors: result.errors, values })
    }
    return reply(200, { done: '已记录处理意见。' })
  }
  return reply(400, { errors: { _form: '不支持此操作' } })
}

export default function EngagementFeedback() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string, pointId = ''): Record<string, string | undefined> => (a?.intent === intent && a.pointId === pointId ? a.errors : {})
  const valueOf = (intent: string, key: string, fallback: string, pointId = '') => (a?.intent === intent && a.pointId === pointId ? (a.values[key] ?? fallback) : fallback)
  const sent = errorsFor('send')
  return (
    <section data-testid="feedback-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>征求意见</h1>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      {a && a.intent !== 'send' && a.intent !== 'decide' ? <FormError error={a.errors._form} /> : null}

      {d.mayManage ? (
        <div className="card">
          <h2>发送征求意见稿</h2>
          {d.candidate ? (
            <Form method="post" noValidate className="stack" data-testid="send-form">
              <input type="hidden" name="intent" value="send" />
              <input type="hidden" name="versionId" value={d.candidate.id} />
              <p>
                将发送：<strong>{d.candidate.label}</strong>
              </p>
              <FormError error={sent._form} />
              <Field name="deadline" label="反馈截止日期" error={sent.deadline}>
                {(f) => <input {...f} type="date" defaultValue={valueOf('send', 'deadline', '')} />}
              </Field>
              <div>
                <button type="submit" className="primary" disabled={busy}>
                  发送被评价单位
                </button>
              </div>
            </Form>
          ) : (
            <p className="muted">
              尚无可发送的报告版本，请先在<Link to={`/engagements/${d.engagement.id}/reports`}>报告</Link>页生成征求意见稿或初稿。
            </p>
          )}
        </div>
      ) : null}

      {d.rounds.length === 0 ? <p className="card muted">尚未发送征求意见稿。</p> : null}
      {d.rounds.map((r) => (
        <div className="card" key={r.id} data-round={r.id}>
          <h2>{r.versionLabel}</h2>
          <p className="muted small">
            {r.sentBy} 于 {formatDateTime(r.sentAt)} 发送 · 反馈截止 {r.deadline}
            {r.closed ? '（已截止）' : ''}
            {r.compare ? (
              <>
                {' · '}
                <Link to={`/engagements/${d.engagement.id}/reports/${r.compare.type}/compare?from=${r.compare.from}&to=${r.compare.to}`}>查看第 {r.compare.toNo} 版的修改</Link>
              </>
            ) : null}
          </p>
          {r.points.length === 0 ? <p className="muted">被评价单位尚未提出意见。</p> : null}
          <ol className="stack">
            {r.points.map((p) => {
              const errors = errorsFor('decide', p.id)
              return (
                <li key={p.id} data-point={p.id}>
                  <p>
                    <strong>{p.unitName}</strong>（{p.anchorLabel}）：{p.comment}
                  </p>
                  <p className="muted small">
                    {p.authorName} · {formatDateTime(p.createdAt)} · <span data-testid="point-adoption">{p.adoptionLabel}</span>
                    {p.response ? `：${p.response}` : ''}
                  </p>
                  {d.mayManage ? (
                    <Form method="post" noValidate className="stack" key={p.version}>
                      <input type="hidden" name="intent" value="decide" />
                      <input type="hidden" name="pointId" value={p.id} />
                      <input type="hidden" name="version" value={p.version} />
                      <FormError error={errors._form} />
                      <Field name="adoption" id={`adoption-${p.id}`} label="采纳情况" error={errors.adoption}>
                        {(f) => (
                          <select {...f} defaultValue={valueOf('decide', 'adoption', p.adoption ?? '', p.id)}>
                            <option value="">请选择</option>
                            {ADOPTIONS.map((o) => (
                              <option key={o.code} value={o.code}>
                                {o.label}
                              </option>
                            ))}
                          </select>
                        )}
                      </Field>
                      <Field name="response" id={`response-${p.id}`} label="处理说明" error={errors.response}>
                        {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={valueOf('decide', 'response', p.response, p.id)} />}
                      </Field>
                      <div>
                        <button type="submit" disabled={busy}>
                          {p.adoption ? '修改处理意见' : '记录处理意见'}
                        </button>
                      </div>
                    </Form>
                  ) : null}
                </li>
              )
            })}
          </ol>
        </div>
      ))}
    </section>
  )
}
