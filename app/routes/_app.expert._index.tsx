import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireRole } from '~/auth/require.server'
import { SEAT_STATUS_LABELS } from '~/components/panel-labels'
import { expertHome } from '~/services/panel.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '我的评审邀请 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const home = expertHome(getDb(), actor)
  return { hasProfile: Boolean(home?.expert), seats: home?.seats ?? [] }
}

export default function ExpertHome() {
  const { hasProfile, seats } = useLoaderData<typeof loader>()
  return (
    <section data-testid="expert-home">
      <h1>我的评审邀请</h1>
      {!hasProfile ? <p className="muted">您的账号尚未关联专家库记录，请联系专家库管理员。</p> : null}
      {seats.length === 0 ? (
        <p className="muted">暂无评审邀请。</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>评价项目</th>
              <th>评价机构</th>
              <th>评审日期</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {seats.map((s) => (
              <tr key={s.id}>
                <td>{s.engagementName}</td>
                <td>{s.agencyName}</td>
                <td>{s.reviewDate}</td>
                <td>
                  {SEAT_STATUS_LABELS[s.status]}
                  {s.status === 'invited' && s.replyBy ? <p className="muted small">请于 {formatDateTime(s.replyBy)} 前答复</p> : null}
                  {s.status === 'accepted' ? <p className="small">{s.certified ? '已签署承诺' : <span className="warning">待签署回避与保密承诺</span>}</p> : null}
                </td>
                <td>
                  <Link to={`/expert/seats/${s.id}`}>{s.status === 'invited' ? '答复邀请' : '查看'}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
