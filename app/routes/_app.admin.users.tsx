import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CreateUserForm } from '~/components/user-form'
import { UserTable } from '~/components/user-table'
import { ROLE_CODES, ROLES, roleLabel, ROLES_WITHOUT_ORG, type Role } from '~/domain/roles'
import { listEvaluatedUnitsWithBureau, listOrganizations } from '~/models/organization.server'
import { listUsers, USER_PAGE_SIZE } from '~/models/user.server'
import { answerRefusal, createUser, NewUserForm, operatorOf } from '~/services/user-admin.server'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '账号管理 · EvalDesk' }]

const requirePlatformAdmin = (request: Request) => requirePermission(request, 'organization.list', { type: 'platform' })

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request)
  const db = getDb()
  const params = new URL(request.url).searchParams
  const organizations = listOrganizations(db)
  // Unknown filter values are ignored rather than refused: a stale bookmark still shows a list.
  const roleParam = params.get('role') ?? ''
  const role = (ROLE_CODES as readonly string[]).includes(roleParam) ? (roleParam as Role) : undefined
  const orgParam = params.get('org') ?? ''
  const organizationId = orgParam === 'none' ? null : organizations.some((o) => o.id === orgParam) ? orgParam : undefined
  const pageParam = Number(params.get('page') ?? '1')
  const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= 100_000 ? pageParam : 1
  const { rows, total } = listUsers(db, { organizationId, role, page })
  return {
    filter: { role: role ?? '', org: organizationId === null ? 'none' : (organizationId ?? '') },
    page,
    pages: Math.max(1, Math.ceil(total / USER_PAGE_SIZE)),
    total,
    users: rows,
    organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
    units: listEvaluatedUnitsWithBureau(db),
    newRoles: ROLES_WITHOUT_ORG.map((code) => ({ code, label: roleLabel(code) })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePlatformAdmin(request)
  const form = await request.formData()
  const parsed = parseForm(NewUserForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = await createUser(getDb(), operatorOf(user), { ...parsed.data, organizationId: null }, now())
  if (!result.ok) return answerRefusal(result, formValues(form))
  return { errors: {}, values: {}, created: result.value.username }
}

function pageLink(filter: { role: string; org: string }, page: number): string {
  const q = new URLSearchParams()
  if (filter.role) q.set('role', filter.role)
  if (filter.org) q.set('org', filter.org)
  q.set('page', String(page))
  return `?${q.toString()}`
}

export default function AdminUsersPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  const created = actionData && 'created' in actionData ? actionData.created : null
  const busy = useNavigation().state === 'submitting'
  return (
    <section>
      <h1>账号管理</h1>
      <Form method="get" className="toolbar">
        <div className="field">
          <label htmlFor="filter-role">角色</label>
          <select id="filter-role" name="role" defaultValue={d.filter.role}>
            <option value="">全部角色</option>
            {ROLES.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-org">所属机构</label>
          <select id="filter-org" name="org" defaultValue={d.filter.org}>
            <option value="">全部</option>
            <option value="none">不属于任何机构</option>
            {d.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">筛选</button>
      </Form>
      <p className="muted">共 {d.total} 个账号</p>
      <UserTable rows={d.users} showOrganization />
      {d.pages > 1 ? (
        <div className="pager">
          {d.page > 1 ? <Link to={pageLink(d.filter, d.page - 1)}>上一页</Link> : null}
          <span>
            第 {d.page} / {d.pages} 页
          </span>
          {d.page < d.pages ? <Link to={pageLink(d.filter, d.page + 1)}>下一页</Link> : null}
        </div>
      ) : null}

      <h2>新增不属于机构的账号</h2>
      <p className="hint">评审专家、被评价单位联系人和系统管理员不隶属于任何机构；机构人员请在对应机构页面中添加。</p>
      <CreateUserForm created={created} busy={busy} errors={errors} values={values} roles={d.newRoles} units={d.units} />
    </section>
  )
}
