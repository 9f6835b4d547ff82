// 结果应用汇总: the year's accepted engagements, grade against budget decision, as a cross table and a list.
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireBureauYear } from '~/auth/require-bureau.server'
import { BureauYearBar } from '~/components/bureau-nav'
import { formatPoints } from '~/domain/money'
import { resultsSummary } from '~/services/results.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.year ?? ''}年度结果应用汇总 · EvalDesk` }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { bureauId, year, years } = await requireBureauYear(request)
  return { year, years, summary: resultsSummary(getDb(), bureauId, year) }
}

export default function BureauResults() {
  const { year, years, summary } = useLoaderData<typeof loader>()
  const t = summary.table
  return (
    <section data-testid="bureau-results">
      <h1>{year}年度结果应用汇总</h1>
      <BureauYearBar year={year} years={years} />
      {t.total === 0 ? (
        <p className="card muted">本年度尚无已验收的评价项目。</p>
      ) : (
        <>
          <div className="card table-wrap" data-testid="grade-decision-table">
            <h2>评价等级与预算安排</h2>
            <table>
              <thead>
                <tr>
                  <th>评价等级</th>
                  {t.columns.map((c) => (
                    <th key={c.code}>{c.label}</th>
                  ))}
                  <th>合计</th>
                </tr>
              </thead>
              <tbody>
                {t.grades.map((g) => (
                  <tr key={g}>
                    <th scope="row">{g}</th>
                    {t.columns.map((c) => (
                      <td key={c.code}>{t.counts[g]![c.code] || ''}</td>
                    ))}
                    <td>{t.rowTotals[g]}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">合计</th>
                  {t.columns.map((c) => (
                    <td key={c.code}>{t.columnTotals[c.code]}</td>
                  ))}
                  <td>{t.total}</td>
                </tr>
              </tbody>
            </table>
          </div>
          <div className="card table-wrap">
            <h2>项目明细</h2>
            <table>
              <thead>
                <tr>
                  <th>项目名称</th>
                  <th>被评价单位</th>
                  <th>得分</th>
                  <th>等级</th>
                  <th>预算安排</th>
                </tr>
              </thead>
              <tbody>
                {summary.rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/engagements/${r.id}/results`}>{r.name}</Link>
                    </td>
                    <td>{r.units.join('、')}</td>
                    <td>{r.total === null ? '—' : formatPoints(Math.round(r.total))}</td>
                    <td>{r.grade}</td>
                    <td>{r.decision ?? <span className="muted">尚未决定</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}
