// 绩效运行监控 of a monitoring engagement: the warnings, the monitoring table (rows added and removed
// in the page, each cell's message beside it), budget execution against 序时进度, the thresholds and
// the report's suggestions; the 监控报告 as DOCX or PDF. The team edits; the commissioning bureau reads.
import { useState, type ReactNode } from 'react'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CellError } from '~/components/cell-error'
import { Field, FormError } from '~/components/field'
import { DEVIATION_CAUSES, LIKELIHOODS, MEASURES, SCHEDULE_BASES, type MonitoringIndicatorInput, type WarningLevel } from '~/domain/fieldwork/monitoring'
import { DIRECTIONS } from '~/domain/indicators/tree'
import { formatFenAsWanYuan } from '~/domain/money'
import { MONITORING_INTENTS, monitoringPage, saveMonitoring, type MonitoringIntent } from '~/services/monitoring.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `绩效运行监控 · ${data?.engagement.name ?? ''} · EvalDesk` }]

/** After a 409 show the data someone else saved, beside the conflict message. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = monitoringPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  return page
}

type ActionData = { intent: string; errors: Record<string, string>; values: Record<string, string | string[]>; done: string | null; seq: number }

const DONE: Record<MonitoringIntent, string> = {
  indicators: '监控表已保存。',
  budget: '预算执行情况已保存。',
  thresholds: '预警阈值已保存。',
  suggestions: '下一步工作建议已保存。',
}

let answered = 0

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  // Refuse whoever may not edit before reading the form; the service checks again in its transaction.
  const page = monitoringPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  if (!page.mayEdit) throw forbidden()
  const fd = await request.formData()
  const intent = MONITORING_INTENTS.find((i) => i === fd.get('intent'))
  const reply = (status: number, d: Partial<ActionData>) => data<ActionData>({ intent: intent ?? '', errors: {}, values: {}, done: null, seq: ++answered, ...d }, { status })
  if (!intent) return reply(400, { errors: { _form: '不支持此操作' } })
  const result = saveMonitoring(getDb(), actor, page.engagement.id, intent, fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return reply(result.status, { errors: result.errors, values: result.values ?? {} })
  }
  const warnings = result.value.warnings === 0 ? '当前无预警。' : `当前预警 ${result.value.warnings} 项。`
  return reply(200, { done: `${DONE[intent]}${warnings}` })
}

function LevelBadge({ level, label }: { level: WarningLevel; label: string }) {
  if (level === 'none') return <span className="badge ok">{label}</span>
  if (level === 'red') return <span className="badge off" data-level="red">{label}</span>
  return (
    <span className="badge" data-level="yellow" style={{ background: '#fefcbf', color: 'var(--warn)' }}>
      {label}
    </span>
  )
}

export default function MonitoringPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const e = d.engagement
  return (
    <section data-testid="monitoring-page">
      <p>
        <Link to={`/engagements/${e.id}`}>← {e.name}</Link>
      </p>
      <h1>绩效运行监控</h1>
      <p className="muted">
        预算年度 {e.year} · 被监控单位：{e.units.join('、') || '—'} · 项目资金 {formatFenAsWanYuan(e.fundsFen)} 万元
        {d.updated ? ` · ${d.updated.byName} 于 ${formatDateTime(d.updated.at)} 更新` : ''}
      </p>
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      {actionData && !actionData.done && actionData.intent === '' ? <FormError error={actionData.errors._form} /> : null}

      <div className="card" data-testid="monitoring-warnings">
        <h2>预警情况</h2>
        {d.warnings.length === 0 ? (
          <p className="muted">当前无黄色或红色预警。</p>
        ) : (
          <ul>
            {d.warnings.map((w, i) => (
              <li key={i}>
                <LevelBadge level={w.level} label={w.level === 'red' ? '红色预警' : '黄色预警'} /> <strong>{w.subject}</strong>：{w.message}
              </li>
            ))}
          </ul>
        )}
        <p className="small">
          监控报告：<a href={`/engagements/${e.id}/monitoring/report/docx`}>下载 Word</a> · <a href={`/engagements/${e.id}/monitoring/report/pdf`}>下载 PDF</a>
        </p>
      </div>

      {d.mayEdit ? <IndicatorForm /> : <IndicatorTable />}
      <BudgetSection />
      <ThresholdSection />
      <SuggestionSection />
    </section>
  )
}

/** What the form should show: what was typed when this form's save was refused, else the stored value. */
function useTyped(intent: MonitoringIntent) {
  const actionData = useActionData<typeof action>()
  const mine = actionData && actionData.intent === intent && !actionData.done ? actionData : undefined
  const errors: Record<string, string | undefined> = mine?.errors ?? {}
  const typed = (key: string, stored: string) => {
    const v = mine?.values[key]
    return typeof v === 'string' ? v : stored
  }
  return { mine, errors, typed }
}

function SaveButton({ children }: { children: ReactNode }) {
  const busy = useNavigation().state === 'submitting'
  return (
    <button type="submit" className="primary" disabled={busy}>
      {children}
    </button>
  )
}

/** One of the page's small forms: its intent, the sheet's version, its form-level message and its save button. */
function SectionForm({ intent, version, error, submit, children }: { intent: MonitoringIntent; version: number; error?: string; submit: string; children: ReactNode }) {
  return (
    <Form method="post" noValidate className="stack" key={version}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={version} />
      <FormError error={error} />
      {children}
      <div>
        <SaveButton>{submit}</SaveButton>
      </div>
    </Form>
  )
}

function IndicatorTable() {
  const d = useLoaderData<typeof loader>()
  return (
    <div className="card" data-testid="monitoring-table">
      <h2>绩效目标监控表</h2>
      {d.rows.length === 0 ? (
        <p className="muted">项目组尚未填报监控表。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <IndicatorHead readOnly />
            <tbody>
              {d.rows.map((r, i) => (
                <tr key={i}>
                  <td>{r.name}</td>
                  <td>{r.unit}</td>
                  <td>{DIRECTIONS.find((x) => x.code === r.direction)?.label}</td>
                  <td>{MEASURES.find((x) => x.code === r.measure)?.label}</td>
                  <td>{r.annualTarget}</td>
                  <td>{r.ytdActual}</td>
                  <td>{r.expectedFullYear}</td>
                  <td>{r.cause ? DEVIATION_CAUSES.find((x) => x.code === r.cause)?.label : '—'}</td>
                  <td>{r.causeNote}</td>
                  <td>{LIKELIHOODS.find((x) => x.code === r.likelihood)?.label}</td>
                  <td>{r.remark}</td>
                  <td>
                    {r.deviationRate} <LevelBadge level={r.level} label={r.levelLabel} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function IndicatorHead({ readOnly = false }: { readOnly?: boolean }) {
  return (
    <thead>
      <tr>
        <th>绩效指标</th>
        <th>计量单位</th>
        <th>方向</th>
        <th>性质</th>
        <th>年度指标值</th>
        <th>当年累计执行</th>
        <th>全年预计完成</th>
        <th>偏差原因</th>
        <th>原因说明</th>
        <th>完成目标可能性</th>
        <th>备注</th>
        <th>{readOnly ? '偏差率 · 预警' : '预警'}</th>
      </tr>
    </thead>
  )
}

type RowState = MonitoringIndicatorInput & { key: number; source: number | null; assessment: { level: WarningLevel; levelLabel: string; deviationRate: string; reason: string } | null }

const BLANK: MonitoringIndicatorInput = { name: '', unit: '', direction: 'positive', measure: 'quantitative', annualTarget: '', ytdActual: '', expectedFullYear: '', cause: '', causeNote: '', likelihood: '', remark: '' }
const COLUMNS = Object.keys(BLANK) as (keyof MonitoringIndicatorInput)[]

function IndicatorForm() {
  const d = useLoaderData<typeof loader>()
  const { mine } = useTyped('indicators')
  // A refused save shows the rows as posted; otherwise the stored rows, or one blank row to start.
  const initial = (): RowState[] => {
    if (mine) {
      const col = (k: keyof MonitoringIndicatorInput) => {
        const v = mine.values[k]
        return Array.isArray(v) ? v : v === undefined ? [] : [v]
      }
      const count = Math.max(0, ...COLUMNS.map((k) => col(k).length))
      return Array.from({ length: count }, (_, i) => ({ ...BLANK, ...Object.fromEntries(COLUMNS.map((k) => [k, col(k)[i] ?? ''])), key: i, source: i, assessment: null }))
    }
    const stored = d.rows.map((r, i) => ({ ...r, cause: r.cause ?? '', key: i, source: i, assessment: r }))
    return stored.length > 0 ? stored : [{ ...BLANK, key: 0, source: null, assessment: null }]
  }
  return <IndicatorRows key={`${d.version}:${mine?.seq ?? ''}`} initial={initial()} version={d.version} />
}

function IndicatorRows({ initial, version }: { initial: RowState[]; version: number }) {
  const { errors } = useTyped('indicators')
  const [rows, setRows] = useState(initial)
  const [nextKey, setNextKey] = useState(initial.length)
  const errorOf = (row: RowState, field: keyof MonitoringIndicatorInput) => (row.source === null ? undefined : errors[`${field}.${row.source}`])
  const add = () => {
    setRows([...rows, { ...BLANK, key: nextKey, source: null, assessment: null }])
    setNextKey(nextKey + 1)
  }
  const text = (row: RowState, field: keyof MonitoringIndicatorInput, label: string, size: number) => (
    <>
      <input name={field} aria-label={`第 ${rows.indexOf(row) + 1} 行${label}`} size={size} defaultValue={row[field]} aria-invalid={Boolean(errorOf(row, field))} />
      <CellError error={errorOf(row, field)} />
    </>
  )
  const select = (row: RowState, field: keyof MonitoringIndicatorInput, label: string, options: readonly { code: string; label: string }[], blank?: string) => (
    <>
      <select name={field} aria-label={`第 ${rows.indexOf(row) + 1} 行${label}`} defaultValue={row[field]} aria-invalid={Boolean(errorOf(row, field))}>
        {blank !== undefined ? <option value="">{blank}</option> : null}
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.label}
          </option>
        ))}
      </select>
      <CellError error={errorOf(row, field)} />
    </>
  )
  return (
    <Form method="post" noValidate className="card" data-testid="monitoring-form">
      <h2>绩效目标监控表</h2>
      <input type="hidden" name="intent" value="indicators" />
      <input type="hidden" name="version" value={version} />
      <FormError error={errors._form} />
      <p className="muted small">定量指标填写数字；预计不能完成年度目标或可能性不是「确定能」时须选择偏差原因，选「其他」须说明。整行留空不保存。</p>
      <div className="table-wrap">
        <table>
          <IndicatorHead />
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-row={row.name}>
                <td>{text(row, 'name', '指标名称', 16)}</td>
                <td>{text(row, 'unit', '计量单位', 4)}</td>
                <td>{select(row, 'direction', '方向', DIRECTIONS)}</td>
                <td>{select(row, 'measure', '性质', MEASURES)}</td>
                <td>{text(row, 'annualTarget', '年度指标值', 8)}</td>
                <td>{text(row, 'ytdActual', '当年累计执行', 8)}</td>
                <td>{text(row, 'expectedFullYear', '全年预计完成', 8)}</td>
                <td>{select(row, 'cause', '偏差原因', DEVIATION_CAUSES, '无偏差')}</td>
                <td>{text(row, 'causeNote', '原因说明', 12)}</td>
                <td>{select(row, 'likelihood', '完成目标可能性', LIKELIHOODS, '请选择')}</td>
                <td>{text(row, 'remark', '备注', 10)}</td>
                <td>
                  {row.assessment ? (
                    <span title={row.assessment.reason}>
                      {row.assessment.deviationRate} <LevelBadge level={row.assessment.level} label={row.assessment.levelLabel} />
                    </span>
                  ) : null}{' '}
                  <button type="button" className="link" onClick={() => setRows(rows.filter((r) => r !== row))}>
                    删除
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="inline-form">
        <button type="button" onClick={add}>
          增加一行
        </button>
        <SaveButton>保存监控表</SaveButton>
      </div>
    </Form>
  )
}

function BudgetSection() {
  const d = useLoaderData<typeof loader>()
  const { errors, typed } = useTyped('budget')
  const b = d.budget
  return (
    <div className="card" data-testid="monitoring-budget">
      <h2>预算执行与序时进度</h2>
      {b ? (
        <p>
          预算执行率 {b.execution} · 序时进度 {b.elapsed} <LevelBadge level={b.level} label={b.levelLabel} />
          <br />
          <span className="muted small">{b.reason}</span>
        </p>
      ) : (
        <p className="muted">尚未填报预算执行情况。</p>
      )}
      {d.mayEdit ? (
        <SectionForm intent="budget" version={d.version} error={errors._form} submit="保存预算执行情况">
          <Field name="budget" id="m-budget" label="预算金额（万元）" error={errors.budget}>
            {(p) => <input {...p} inputMode="decimal" defaultValue={typed('budget', formatFenAsWanYuan(b?.budgetFen ?? d.engagement.fundsFen))} />}
          </Field>
          <Field name="spent" id="m-spent" label="已支出金额（万元）" error={errors.spent}>
            {(p) => <input {...p} inputMode="decimal" defaultValue={typed('spent', b ? formatFenAsWanYuan(b.spentFen) : '')} />}
          </Field>
          <Field name="asOf" id="m-asOf" label="监控截止日期" error={errors.asOf}>
            {(p) => <input {...p} type="date" defaultValue={typed('asOf', b?.asOf ?? '')} />}
          </Field>
          <Field name="basis" id="m-basis" label="序时进度计算方式" error={errors.basis}>
            {(p) => (
              <select {...p} defaultValue={typed('basis', b?.basis ?? 'month')}>
                {SCHEDULE_BASES.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </SectionForm>
      ) : null}
    </div>
  )
}

const pointsOf = (hundredths: number) => String(hundredths / 100)

function ThresholdSection() {
  const d = useLoaderData<typeof loader>()
  const { errors, typed } = useTyped('thresholds')
  const t = d.thresholds
  const fields = [
    { name: 'budgetYellow', label: '预算执行黄色预警（落后序时进度，百分点）', stored: t.budget.yellow },
    { name: 'budgetRed', label: '预算执行红色预警（落后序时进度，百分点）', stored: t.budget.red },
    { name: 'indicatorYellow', label: '绩效指标黄色预警（预计偏差，%）', stored: t.indicator.yellow },
    { name: 'indicatorRed', label: '绩效指标红色预警（预计偏差，%）', stored: t.indicator.red },
  ]
  return (
    <div className="card" data-testid="monitoring-thresholds">
      <h2>预警阈值</h2>
      {d.mayEdit ? (
        <SectionForm intent="thresholds" version={d.version} error={errors._form} submit="保存预警阈值">
          {fields.map((f) => (
            <Field key={f.name} name={f.name} id={`m-${f.name}`} label={f.label} error={errors[f.name]}>
              {(p) => <input {...p} inputMode="decimal" size={6} defaultValue={typed(f.name, pointsOf(f.stored))} />}
            </Field>
          ))}
        </SectionForm>
      ) : (
        <ul>
          {fields.map((f) => (
            <li key={f.name}>
              {f.label}：{pointsOf(f.stored)}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function SuggestionSection() {
  const d = useLoaderData<typeof loader>()
  const { errors, typed } = useTyped('suggestions')
  return (
    <div className="card" data-testid="monitoring-suggestions">
      <h2>下一步工作建议</h2>
      {d.mayEdit ? (
        <SectionForm intent="suggestions" version={d.version} error={errors._form} submit="保存建议">
          <Field name="suggestions" id="m-suggestions" label="建议（写入监控报告，每段一行）" error={errors.suggestions}>
            {(p) => <textarea {...p} rows={5} defaultValue={typed('suggestions', d.suggestions)} />}
          </Field>
        </SectionForm>
      ) : (
        <p style={{ whiteSpace: 'pre-wrap' }}>{d.suggestions || '（未填写）'}</p>
      )}
    </div>
  )
}
