// 整改事项 of the signed-in unit contact: their unit's confirmed items across engagements, overdue first.
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { unitItems } from '~/services/rectification.server'

export const meta: MetaFunction = () => [{ title: '整改事项 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  const items = unitItems(getDb(), actor, now()) ?? []
  return { items: [...items.filter((i) => i.overdue), ...items.filter((i) => !i.overdue)] }
}

export default function UnitRectification() {
  const { items } = useLoaderData<typeof loader>()
  const open = items.filter((i) => i.status !== 'passed').length
  return (
    <section data-testid="unit-rectification">
      <h1>整改事项</h1>
      <p className="muted">
        共 {items.length} 项，其中待完成 {open} 项、逾期 {items.filter((i) => i.overdue).length} 项。请按期报告整改情况并上传佐证材料。
      </p>
      {items.length === 0 ? (
        <p className="card muted">暂无需要整改的事项。</p>
      ) : (
        <div className="card table-wrap">
          <table>
            <thead>
              <tr>
                <th>评价项目</th>
                <th>问题</th>
                <th>整改要求</th>
                <th>整改期限</th>
                <th>状态</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id} data-item={i.id}>
                  <td>{i.engagementName}</td>
                  <td>
                    <Link to={`/engagements/${i.engagementId}/rectification/${i.id}`}>{i.problem}</Link>
                  </td>
                  <td>{i.requirement}</td>
                  <td>
                    {i.deadline}
                    {i.overdue ? <span className="badge warn"> 逾期</span> : null}
                  </td>
                  <td>{i.statusLabel}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
