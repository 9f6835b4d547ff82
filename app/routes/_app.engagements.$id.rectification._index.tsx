// 整改跟踪 of one engagement: the items (the unit sees its own, once confirmed), proposing items by
// hand or from the issued report's 存在的问题, and confirming the other side's proposals.
import type { ReactNode } from 'react'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { completionRate } from '~/domain/finance/rectification'
import { confirmItem, createItems, draftsFromReport, rectificationPage, type ItemDraft } from '~/services/rectification.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `整改跟踪 · ${data?.engagement.name ?? ''} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = rectificationPage(getDb(), actor, params.id ?? '', now())
  if (!page) throw notFound()
  return page
}

type ActionData = { intent: string; errors: Record<string, string>; rows: ItemDraft[]; reportVersionId: string; done: string | null }

const BLANK_ROWS = 3
const blank = (): ItemDraft => ({ problem: '', requirement: '', unitId: '', deadline: '' })

function rowsOf(fd: FormData): ItemDraft[] {
  const col = (k: string) => fd.getAll(k).map((v) => (typeof v === 'string' ? v : ''))
  const problems = col('problem')
  const requirements = col('requirement')
  const unitIds = col('unitId')
  const deadlines = col('deadline')
  const n = Math.min(Math.max(problems.length, requirements.length, unitIds.length, deadlines.length), 50)
  return Array.from({ length: n }, (_, i) => ({ problem: problems[i] ?? '', requirement: requirements[i] ?? '', unitId: unitIds[i] ?? '', deadline: deadlines[i] ?? '' }))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = rectificationPage(db, actor, params.id ?? '', now())
  if (!page) throw notFound()
  if (!page.mayManage) throw forbidden()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const reply = (status: number, d: Partial<ActionData>) => data<ActionData>({ intent, errors: {}, rows: [], reportVersionId: '', done: null, ...d }, { status })
  if (intent === 'prefill') {
    const drafts = draftsFromReport(db, actor, page.engagement.id)
    if (!drafts.ok) return reply(drafts.status, { errors: drafts.errors })
    return reply(200, { rows: drafts.value.drafts, reportVersionId: drafts.value.reportVersionId, done: `已从第 ${drafts.value.versionNo} 版签发报告的「存在的问题」生成 ${drafts.value.drafts.length} 项草稿，请补充整改要求、责任单位和期限后提交。` })
  }
  if (intent === 'create') {
    const result = createItems(db, actor, page.engagement.id, fd, now())
    if (!result.ok) return reply(result.status, { errors: result.errors, rows: rowsOf(fd), reportVersionId: String(fd.get('reportVersionId') ?? '') })
    return reply(200, { done: `已提出 ${result.value.ids.length} 项整改事项，待${actor.role === 'finance_reviewer' ? '项目组或本局' : '委托财政局'}确认。` })
  }
  if (intent === 'confirm') {
    const itemId = String(fd.get('itemId') ?? '')
    const result = confirmItem(db, actor, itemId, fd, now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return reply(result.status, { errors: { [`confirm.${itemId}`]: result.errors._form ?? '未能确认' } })
    }
    return reply(200, { done: '已确认，整改事项已送达责任单位。' })
  }
  return reply(400, { errors: { _form: '不支持此操作' } })
}

export default function EngagementRectification() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = a?.errors ?? {}
  const rows = a && a.rows.length > 0 ? a.rows : Array.from({ length: BLANK_ROWS }, blank)
  const rate = completionRate(d.summary)
  return (
    <section data-testid="rectification-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>整改跟踪</h1>
      <p className="muted" data-testid="rectification-summary">
        已确认 {d.summary.total} 项 · 已通过 {d.summary.passed} 项 · 逾期 {d.summary.overdue} 项{rate === null ? '' : ` · 完成率 ${rate}%`}
      </p>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      {a?.intent !== 'create' && a?.intent !== 'prefill' ? <FormError error={errors._form} /> : null}

      <div className="card table-wrap" data-testid="rectification-items">
        <h2>整改事项</h2>
        {d.items.length === 0 ? (
          <p className="muted">暂无整改事项。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>问题</th>
                <th>整改要求</th>
                <th>责任单位</th>
                <th>整改期限</th>
                <th>状态</th>
                {d.mayManage ? <th>确认</th> : null}
              </tr>
            </thead>
            <tbody>
              {d.items.map((i) => (
                <tr key={i.id} data-item={i.id}>
                  <td>
                    <Link to={`/engagements/${d.engagement.id}/rectification/${i.id}`}>{i.problem}</Link>
                  </td>
                  <td>{i.requirement}</td>
                  <td>{i.unitName}</td>
                  <td>
                    {i.deadline}
                    {i.overdue ? <span className="badge warn"> 逾期</span> : null}
                  </td>
                  <td>
                    {i.statusLabel}
                    {i.status === 'pending' ? <span className="muted small">（{i.proposedBy === 'bureau' ? '财政局提出' : '项目组提出'}）</span> : null}
                  </td>
                  {d.mayManage ? (
                    <td>
                      {i.mayConfirm ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="confirm" />
                          <input type="hidden" name="itemId" value={i.id} />
                          <input type="hidden" name="version" value={i.version} />
                          <button type="submit" disabled={busy}>
                            确认
                          </button>
                        </Form>
                      ) : (
                        <span className="muted">—</span>
                      )}
                      {errors[`confirm.${i.id}`] ? (
                        <p className="field-error" role="alert">
                          {errors[`confirm.${i.id}`]}
                        </p>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      {d.mayManage ? (
        <div className="card stack" data-testid="propose-items">
          <h2>提出整改事项</h2>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="prefill" />
            <button type="submit" disabled={busy}>
              从报告问题生成
            </button>
            <span className="muted small">按最新签发的绩效评价报告「存在的问题及原因分析」逐行生成草稿，修改后再提交。</span>
          </Form>
          {a?.intent === 'prefill' || a?.intent === 'create' ? <FormError error={errors._form} /> : null}
          <Form method="post" noValidate className="stack" key={a?.reportVersionId ? `r-${a.reportVersionId}` : 'manual'}>
            <input type="hidden" name="intent" value="create" />
            <input type="hidden" name="reportVersionId" value={a?.reportVersionId ?? ''} />
            {rows.map((r, i) => (
              <fieldset key={i} className="stack" data-row={i}>
                <legend>第 {i + 1} 项</legend>
                <RowField label="问题" name="problem" index={i} error={errors[`problem.${i}`]}>
                  {(p) => <textarea {...p} rows={2} maxLength={2000} defaultValue={r.problem} />}
                </RowField>
                <RowField label="整改要求" name="requirement" index={i} error={errors[`requirement.${i}`]}>
                  {(p) => <textarea {...p} rows={2} maxLength={2000} defaultValue={r.requirement} />}
                </RowField>
                <RowField label="责任单位" name="unitId" index={i} error={errors[`unitId.${i}`]}>
                  {(p) => (
                    <select {...p} defaultValue={r.unitId || (d.units.length === 1 ? d.units[0]!.id : '')}>
                      <option value="">请选择</option>
                      {d.units.map((u) => (
                        <option key={u.id} value={u.id}>
                          {u.name}
                        </option>
                      ))}
                    </select>
                  )}
                </RowField>
                <RowField label="整改期限" name="deadline" index={i} error={errors[`deadline.${i}`]}>
                  {(p) => <input {...p} type="date" defaultValue={r.deadline} />}
                </RowField>
              </fieldset>
            ))}
            <p className="muted small">留空的行不会保存。提出后须由另一方（或委托财政局）确认，确认后责任单位才能看到。</p>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                提交整改事项
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </section>
  )
}

type RowFieldProps = {
  label: string
  name: string
  index: number
  error?: string
  children: (p: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode
}

/** One field of one row: the rows share names, so ids carry the row number. */
function RowField({ label, name, index, error, children }: RowFieldProps) {
  const id = `f-${name}-${index}`
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'aria-invalid': Boolean(error), 'aria-describedby': error ? `${id}-error` : undefined })}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
