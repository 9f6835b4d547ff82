// 整改情况 of the signed-in reviewer's bureau: completion per evaluation year, per responsible unit in
// the year chosen, and the overdue items. Every figure is narrowed to the bureau in SQL.
import type { ReactNode } from 'react'
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { can } from '~/domain/permissions'
import { rectificationRates, rectificationYears } from '~/services/rectification.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.year ?? ''}年度整改情况 · EvalDesk` }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const bureauId = actor.organizationId
  if (!bureauId || !can(actor, 'bureau.overview', { type: 'organization', id: bureauId, kind: 'finance_bureau' })) throw forbidden()
  const db = getDb()
  const at = now()
  const years = rectificationYears(db, bureauId, at)
  const asked = new URL(request.url).searchParams.get('year') ?? ''
  const year = /^\d{4}$/.test(asked) ? Number(asked) : (years[0]?.year ?? at.getUTCFullYear())
  return { year, years, rates: rectificationRates(db, bureauId, year, at) }
}

const percent = (rate: number | null) => (rate === null ? '—' : `${rate}%`)

export default function BureauRectification() {
  const { year, years, rates } = useLoaderData<typeof loader>()
  const choices = years.some((y) => y.year === year) ? years.map((y) => y.year) : [year, ...years.map((y) => y.year)]
  return (
    <section data-testid="bureau-rectification">
      <h1>{year}年度整改情况</h1>
      <Form method="get" className="toolbar">
        <div className="field">
          <label htmlFor="rectification-year">评价年度</label>
          <select id="rectification-year" name="year" defaultValue={year}>
            {choices.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">查看</button>
      </Form>

      <div className="card" data-testid="rectification-total">
        <dl className="facts">
          <dt>整改完成率</dt>
          <dd>{percent(rates.total.rate)}</dd>
          <dt>已确认事项</dt>
          <dd>{rates.total.total}</dd>
          <dt>已通过核验</dt>
          <dd>{rates.total.passed}</dd>
          <dt>逾期事项</dt>
          <dd>{rates.total.overdue}</dd>
        </dl>
      </div>

      <div className="card table-wrap" data-testid="rectification-by-unit">
        <h2>各责任单位</h2>
        <RatesTable head="责任单位" empty="本年度尚无已确认的整改事项。" rows={rates.byUnit.map((u) => ({ key: u.unitId, label: u.unitName, ...u }))} />
      </div>

      <div className="card table-wrap" data-testid="rectification-overdue">
        <h2>逾期事项</h2>
        {rates.overdue.length === 0 ? (
          <p className="muted">没有逾期事项。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>评价项目</th>
                <th>责任单位</th>
                <th>问题</th>
                <th>整改期限</th>
                <th>状态</th>
              </tr>
            </thead>
            <tbody>
              {rates.overdue.map((o) => (
                <tr key={o.id}>
                  <td>{o.engagementName}</td>
                  <td>{o.unitName}</td>
                  <td>
                    <Link to={`/engagements/${o.engagementId}/rectification/${o.id}`}>{o.problem}</Link>
                  </td>
                  <td>{o.deadline}</td>
                  <td>{o.statusLabel}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <div className="card table-wrap" data-testid="rectification-by-year">
        <h2>各年度</h2>
        <RatesTable head="评价年度" empty="尚无已确认的整改事项。" rows={years.map((y) => ({ key: String(y.year), label: <Link to={`?year=${y.year}`}>{y.year}</Link>, ...y }))} />
      </div>
    </section>
  )
}

type RateRowView = { key: string; label: ReactNode; total: number; passed: number; overdue: number; rate: number | null }

function RatesTable({ head, empty, rows }: { head: string; empty: string; rows: RateRowView[] }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>
  return (
    <table>
      <thead>
        <tr>
          <th>{head}</th>
          <th>事项</th>
          <th>已通过</th>
          <th>逾期</th>
          <th>完成率</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.label}</td>
            <td>{r.total}</td>
            <td>{r.passed}</td>
            <td>{r.overdue}</td>
            <td>{percent(r.rate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
