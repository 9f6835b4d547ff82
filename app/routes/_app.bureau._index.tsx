// 年度概览: the bureau's engagements of a year by kind and stage, the grades of accepted reports,
// review time and rectification progress. Its reviewers only; every count is the bureau's own.
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireBureauYear } from '~/auth/require-bureau.server'
import { now } from '~/clock.server'
import { BarChart } from '~/components/bar-chart'
import { BureauYearBar } from '~/components/bureau-nav'
import { CommissionFlagBadge } from '~/components/commission-flag'
import { bureauDashboard } from '~/services/bureau-overview.server'
import { flaggedCommissions } from '~/services/commission-flag.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.year ?? ''}年度概览 · EvalDesk` }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { bureauId, year, years } = await requireBureauYear(request)
  const db = getDb()
  return { year, years, dashboard: bureauDashboard(db, bureauId, year, now()), flagged: flaggedCommissions(db, bureauId, year) }
}

export default function BureauDashboard() {
  const { year, years, dashboard: d, flagged } = useLoaderData<typeof loader>()
  return (
    <section data-testid="bureau-dashboard">
      <h1>{year}年度概览</h1>
      <BureauYearBar year={year} years={years} />

      <div className="card" data-testid="by-kind-stage">
        <h2>评价项目（共 {d.total} 个）</h2>
        {d.total === 0 ? (
          <p className="muted">本年度没有委托的评价项目。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>评价类型</th>
                  {d.byKindStage.stages.map((s) => (
                    <th key={s.code}>{s.label}</th>
                  ))}
                  <th>合计</th>
                </tr>
              </thead>
              <tbody>
                {d.byKindStage.rows.map((r) => (
                  <tr key={r.code}>
                    <th scope="row">{r.label}</th>
                    {r.counts.map((n, i) => (
                      <td key={d.byKindStage.stages[i]!.code}>{n || ''}</td>
                    ))}
                    <td>{r.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      {flagged.length > 0 ? (
        <div className="card" data-testid="flagged-commissions">
          <h2>委托时有信用提示的项目（{flagged.length}）</h2>
          <p className="muted">委托时评价机构信用等级为最低等级或处于失信期；项目照常创建，请审慎委托。</p>
          <table>
            <thead>
              <tr>
                <th>评价项目</th>
                <th>评价机构</th>
                <th>信用提示</th>
              </tr>
            </thead>
            <tbody>
              {flagged.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Link to={`/engagements/${f.id}`}>{f.name}</Link>
                  </td>
                  <td>
                    {f.agencyName} <CommissionFlagBadge flag={f.flag} />
                  </td>
                  <td>
                    {f.flag.reasons.join('；')}
                    <div className="muted small">{f.flag.basis}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <div className="detail-grid">
        <div className="card" data-testid="grades">
          <h2>已验收项目评价等级分布</h2>
          {d.grades.length === 0 ? <p className="muted">本年度尚无已验收的评价报告。</p> : <BarChart title={`${year}年度评价等级分布`} items={d.grades.map((g) => ({ label: g.grade, value: g.count }))} />}
        </div>
        <div className="card" data-testid="review-time">
          <h2>报告审核</h2>
          <dl className="facts">
            <dt>平均审核时长</dt>
            <dd>{d.review.averageDays === null ? '—' : `${d.review.averageDays} 天`}</dd>
            <dt>已审核轮次</dt>
            <dd>
              {d.review.decided}（验收 {d.review.accepted}，退回 {d.review.returned}）
            </dd>
            <dt>待审核</dt>
            <dd>{d.review.pending}</dd>
          </dl>
        </div>
        <div className="card" data-testid="rectification">
          <h2>整改</h2>
          <dl className="facts">
            <dt>整改完成率</dt>
            <dd>{d.rectification.rate === null ? '—' : `${d.rectification.rate}%`}</dd>
            <dt>整改事项</dt>
            <dd>{d.rectification.total === 0 ? '—' : `${d.rectification.passed}/${d.rectification.total} 项已通过验证`}</dd>
            <dt>逾期事项</dt>
            <dd>{d.rectification.overdue}</dd>
          </dl>
          <Link to={`/bureau/rectification?year=${year}`}>各单位整改情况与逾期事项</Link>
        </div>
      </div>
    </section>
  )
}
