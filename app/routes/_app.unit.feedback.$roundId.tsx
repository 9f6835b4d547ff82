// One 征求意见稿 as the unit's contact reads it (exactly the version sent), the points the unit raised
// with the agency's decisions, and the form to raise one on a section or an indicator by the deadline.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { ReportView } from '../../reports/html/ReportView'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { answerRound, unitRoundPage } from '~/services/feedback.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `征求意见 · ${data?.engagement.name ?? ''} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  const page = unitRoundPage(getDb(), actor, params.roundId ?? '', now())
  if (!page) throw notFound()
  return page
}

type ActionData = { errors: Record<string, string>; values: Record<string, string>; done: string | null }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  const fd = await request.formData()
  const values = { anchor: String(fd.get('anchor') ?? ''), comment: String(fd.get('comment') ?? '') }
  const result = answerRound(getDb(), actor, params.roundId ?? '', fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data<ActionData>({ errors: result.errors, values, done: null }, { status: result.status })
  }
  return data<ActionData>({ errors: {}, values: {}, done: '已提交意见。' })
}

export default function UnitFeedbackRound() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = a?.errors ?? {}
  return (
    <section data-testid="unit-feedback-round">
      <p>
        <Link to="/unit/feedback">← 征求意见</Link>
      </p>
      <h1>{d.engagement.name}</h1>
      <p className="muted">
        {d.round.versionLabel} · {formatDateTime(d.round.sentAt)} 发送 · 反馈截止 <strong>{d.round.deadline}</strong> · 下载{' '}
        <a href={`/unit/feedback/${d.round.id}/pdf`} download>
          PDF
        </a>{' '}
        <a href={`/unit/feedback/${d.round.id}/docx`} download>
          Word
        </a>
      </p>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      {d.round.closed ? <p className="notice">{d.round.closed}</p> : null}

      <div className="card" data-testid="feedback-points">
        <h2>本单位意见（{d.points.length}）</h2>
        {d.points.length === 0 ? <p className="muted">尚未提出意见。</p> : null}
        <ol className="stack">
          {d.points.map((p) => (
            <li key={p.id}>
              <p>
                （{p.anchorLabel}）{p.comment}
              </p>
              <p className="muted small">
                {p.authorName} · {formatDateTime(p.createdAt)} · 评价机构处理：{p.adoptionLabel}
                {p.response ? `——${p.response}` : ''}
              </p>
            </li>
          ))}
        </ol>
        {d.mayAnswer || a?.errors._form ? (
          <Form method="post" noValidate className="stack" data-testid="answer-form" key={d.points.length}>
            <h3>提出意见</h3>
            <FormError error={errors._form} />
            <Field name="anchor" label="针对" error={errors.anchor}>
              {(f) => (
                <select {...f} defaultValue={a?.values.anchor ?? ''}>
                  <option value="">请选择章节或指标</option>
                  <optgroup label="章节">
                    {d.anchors.sections.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </optgroup>
                  {d.anchors.indicators.length > 0 ? (
                    <optgroup label="末级指标">
                      {d.anchors.indicators.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </optgroup>
                  ) : null}
                </select>
              )}
            </Field>
            <Field name="comment" label="意见内容" error={errors.comment}>
              {(f) => <textarea {...f} rows={3} maxLength={2000} defaultValue={a?.values.comment ?? ''} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy || !d.mayAnswer}>
                提交意见
              </button>
            </div>
          </Form>
        ) : null}
      </div>

      <ReportView document={d.document} />
    </section>
  )
}
