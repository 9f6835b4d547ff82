import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CommissionFlagBadge } from '~/components/commission-flag'
import { SUBMISSION_STATUSES } from '~/domain/reports/review'
import { commissionFlagsOf } from '~/services/commission-flag.server'
import { INBOX_PAGE_SIZE, parseInboxStatus, reviewInbox } from '~/services/review.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '报告审核 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['finance_reviewer'])
  const q = new URL(request.url).searchParams
  const status = parseInboxStatus(q.get('status'))
  const page = Math.max(1, Math.min(10_000, Number.parseInt(q.get('page') ?? '1', 10) || 1))
  const db = getDb()
  const inbox = reviewInbox(db, actor, { status, page }, now())
  if (!inbox) throw forbidden()
  const flags = commissionFlagsOf(
    db,
    inbox.rows.map((r) => r.engagementId),
  )
  const rows = inbox.rows.map((r) => ({ ...r, creditFlag: flags.get(r.engagementId) ?? null }))
  return { ...inbox, rows, status: status ?? null, page, pages: Math.max(1, Math.ceil(inbox.total / INBOX_PAGE_SIZE)) }
}

export default function ReviewInbox() {
  const d = useLoaderData<typeof loader>()
  const all = d.counts.pending + d.counts.returned + d.counts.accepted
  const href = (status: string | null, page = 1) => {
    const q = new URLSearchParams()
    if (status) q.set('status', status)
    if (page > 1) q.set('page', String(page))
    const s = q.toString()
    return s ? `/review?${s}` : '/review'
  }
  return (
    <section data-testid="review-inbox">
      <h1>报告审核</h1>
      <p className="muted">评价机构提交的报告（每个项目显示最近一轮）。打开报告可在线阅读、下载 Word 与 PDF、提出意见并退回修改或验收。</p>
      <nav className="toolbar" aria-label="按状态筛选">
        <Link to={href(null)} aria-current={d.status === null ? 'page' : undefined} className={d.status === null ? 'button primary' : 'button'}>
          全部（{all}）
        </Link>
        {SUBMISSION_STATUSES.map((s) => (
          <Link key={s.code} to={href(s.code)} aria-current={d.status === s.code ? 'page' : undefined} className={d.status === s.code ? 'button primary' : 'button'} data-status={s.code}>
            {s.label}（{d.counts[s.code]}）
          </Link>
        ))}
      </nav>
      {d.rows.length === 0 ? (
        <p className="muted">暂无报告。</p>
      ) : (
        <div className="table-wrap card">
          <table>
            <thead>
              <tr>
                <th>状态</th>
                <th>评价项目</th>
                <th>评价机构</th>
                <th>评价类型</th>
                <th>等级</th>
                <th>提交时间</th>
                <th className="num">等待天数</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.submissionId} data-testid="inbox-row">
                  <td>
                    <span className={r.status === 'accepted' ? 'badge ok' : r.status === 'returned' ? 'badge off' : 'badge'}>{r.statusLabel}</span>
                  </td>
                  <td>
                    <Link to={`/review/${r.submissionId}`}>{r.engagementName}</Link>
                    <div className="muted small">
                      {r.typeLabel} · 第 {r.roundNo} 轮
                    </div>
                  </td>
                  <td>
                    {r.agencyName}
                    {r.creditFlag ? (
                      <>
                        {' '}
                        <CommissionFlagBadge flag={r.creditFlag} />
                      </>
                    ) : null}
                  </td>
                  <td>{r.kindLabel}</td>
                  <td>{r.grade ?? <span className="muted">—</span>}</td>
                  <td>{formatDateTime(r.submittedAt)}</td>
                  <td className="num">{r.status === 'pending' ? r.daysWaiting : <span className="muted" title="自提交至审核完成的天数">{r.daysWaiting}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {d.pages > 1 ? (
        <nav className="pager" aria-label="分页">
          {d.page > 1 ? <Link to={href(d.status, d.page - 1)}>上一页</Link> : null}
          <span>
            第 {d.page} / {d.pages} 页
          </span>
          {d.page < d.pages ? <Link to={href(d.status, d.page + 1)}>下一页</Link> : null}
        </nav>
      ) : null}
    </section>
  )
}
