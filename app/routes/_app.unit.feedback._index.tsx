// 征求意见 of the signed-in unit contact: the drafts sent to their unit, newest first, with deadlines.
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { unitFeedbackRounds } from '~/services/feedback.server'

export const meta: MetaFunction = () => [{ title: '征求意见 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  return { rounds: unitFeedbackRounds(getDb(), actor, now()) }
}

export default function UnitFeedbackList() {
  const { rounds } = useLoaderData<typeof loader>()
  return (
    <section data-testid="unit-feedback">
      <h1>征求意见</h1>
      {rounds.length === 0 ? (
        <p className="card muted">暂无征求意见稿。</p>
      ) : (
        <div className="card table-wrap">
          <table>
            <thead>
              <tr>
                <th>评价项目</th>
                <th>报告版本</th>
                <th>反馈截止</th>
                <th>本单位意见</th>
              </tr>
            </thead>
            <tbody>
              {rounds.map((r) => (
                <tr key={r.id}>
                  <td>{r.engagementName}</td>
                  <td>
                    <Link to={`/unit/feedback/${r.id}`}>{r.versionLabel}</Link>
                  </td>
                  <td>
                    {r.deadline}
                    {r.closed ? <span className="badge"> 已截止</span> : null}
                  </td>
                  <td>{r.points} 条</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
