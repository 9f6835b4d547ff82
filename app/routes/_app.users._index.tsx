import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CreateUserForm } from '~/components/user-form'
import { UserTable } from '~/components/user-table'
import { can } from '~/domain/permissions'
import { roleLabel, ROLES_BY_ORG_KIND } from '~/domain/roles'
import { getOrganization } from '~/models/organization.server'
import { listUsers, USER_PAGE_SIZE } from '~/models/user.server'
import { answerRefusal, createUser, NewUserForm, operatorOf } from '~/services/user-admin.server'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '人员管理 · EvalDesk' }]

/** An organization administrator and their organization; the platform admin has its own pages. */
async function requireOrgAdmin(request: Request) {
  const user = await requireUser(request)
  if (user.actor.role === 'system_admin') throw redirect('/admin/users')
  const org = user.actor.organizationId ? getOrganization(getDb(), user.actor.organizationId) : undefined
  if (!org || !can(user.actor, 'user.list', { type: 'organization', id: org.id, kind: org.kind })) throw forbidden()
  const roles = ROLES_BY_ORG_KIND[org.kind].filter((role) => can(user.actor, 'user.manage', { type: 'user', organizationId: org.id, role }))
  return { user, org, roles }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, roles } = await requireOrgAdmin(request)
  const pageParam = Number(new URL(request.url).searchParams.get('page') ?? '1')
  const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= 100_000 ? pageParam : 1
  const { rows, total } = listUsers(getDb(), { organizationId: org.id, page })
  return {
    organizationName: org.name,
    users: rows,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / USER_PAGE_SIZE)),
    roles: roles.map((code) => ({ code, label: roleLabel(code) })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, org } = await requireOrgAdmin(request)
  const form = await request.formData()
  const parsed = parseForm(NewUserForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  // The organization is always the administrator's own: it is never taken from the form.
  const result = await createUser(getDb(), operatorOf(user), { ...parsed.data, organizationId: org.id }, now())
  if (!result.ok) return answerRefusal(result, formValues(form))
  return { errors: {}, values: {}, created: result.value.username }
}

export default function UsersPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  const created = actionData && 'created' in actionData ? actionData.created : null
  const busy = useNavigation().state === 'submitting'
  return (
    <section>
      <h1>人员管理 · {d.organizationName}</h1>
      <p className="muted">共 {d.total} 个账号。点击姓名可修改资料、重置密码或停用账号。</p>
      <UserTable rows={d.users} />
      {d.pages > 1 ? (
        <div className="pager">
          {d.page > 1 ? <Link to={`?page=${d.page - 1}`}>上一页</Link> : null}
          <span>
            第 {d.page} / {d.pages} 页
          </span>
          {d.page < d.pages ? <Link to={`?page=${d.page + 1}`}>下一页</Link> : null}
        </div>
      ) : null}
      <h2>新增账号</h2>
      <CreateUserForm
        created={created}
        createdNotice={(username) => `已创建账号 ${username}，请将初始密码告知本人，首次登录后须修改。`}
        busy={busy}
        errors={errors}
        values={values}
        roles={d.roles}
        orgAdminRole="finance_reviewer"
      />
    </section>
  )
}
