import { Link } from '@remix-run/react'
import { roleLabel } from '~/domain/roles'

export type UserRow = {
  id: string
  username: string
  displayName: string
  role: string
  orgAdmin: boolean
  status: string
  mustChangePassword: boolean
  phone: string
  email: string
  organizationName?: string | null
  unitName?: string | null
}

export function StatusBadge({ status }: { status: string }) {
  return status === 'active' ? <span className="badge ok">启用</span> : <span className="badge off">停用</span>
}

/** Accounts, each linking to its management page. */
export function UserTable({ rows, showOrganization = false }: { rows: readonly UserRow[]; showOrganization?: boolean }) {
  if (rows.length === 0) return <p className="muted">暂无账号。</p>
  return (
    <table data-testid="user-table">
      <thead>
        <tr>
          <th>姓名</th>
          <th>用户名</th>
          <th>角色</th>
          {showOrganization ? <th>所属单位</th> : null}
          <th>电话</th>
          <th>邮箱</th>
          <th>状态</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((u) => (
          <tr key={u.id}>
            <td>
              <Link to={`/users/${u.id}`}>{u.displayName}</Link>
            </td>
            <td>{u.username}</td>
            <td>
              {roleLabel(u.role)}
              {u.orgAdmin && u.role !== 'agency_admin' ? '（管理员）' : ''}
            </td>
            {showOrganization ? <td>{u.organizationName ?? u.unitName ?? '—'}</td> : null}
            <td>{u.phone || '—'}</td>
            <td>{u.email || '—'}</td>
            <td>
              <StatusBadge status={u.status} />
              {u.mustChangePassword ? <span className="badge">待改密码</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
