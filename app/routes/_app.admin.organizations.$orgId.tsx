import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { CreateUserForm } from '~/components/user-form'
import { StatusBadge, UserTable } from '~/components/user-table'
import { can } from '~/domain/permissions'
import { orgKindLabel, roleLabel, ROLES_BY_ORG_KIND } from '~/domain/roles'
import { isId } from '~/ids.server'
import { getOrganization } from '~/models/organization.server'
import { listUsers, USER_PAGE_SIZE } from '~/models/user.server'
import { setOrganizationStatus } from '~/services/organization.server'
import { answerRefusal, createUser, NewUserForm, operatorOf, StatusForm } from '~/services/user-admin.server'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organization.name ?? '机构'} · EvalDesk` }]

async function load(request: Request, orgId: string | undefined) {
  const user = await requireUser(request)
  if (!can(user.actor, 'organization.list', { type: 'platform' })) throw forbidden()
  const organization = isId(orgId) ? getOrganization(getDb(), orgId) : undefined
  if (!organization) throw notFound()
  return { user, organization }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { organization } = await load(request, params.orgId)
  const { rows, total } = listUsers(getDb(), { organizationId: organization.id, page: 1 })
  return {
    organization,
    users: rows,
    total,
    pageSize: USER_PAGE_SIZE,
    roles: ROLES_BY_ORG_KIND[organization.kind].map((code) => ({ code, label: roleLabel(code) })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, organization } = await load(request, params.orgId)
  const form = await request.formData()
  const db = getDb()
  if (form.get('intent') === 'status') {
    const parsed = parseForm(StatusForm, form)
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
    const result = await setOrganizationStatus(db, operatorOf(user), { organizationId: organization.id, ...parsed.data }, now())
    if (!result.ok) return answerRefusal(result, formValues(form))
    return { errors: {}, values: { intent: 'status' } }
  }
  const parsed = parseForm(NewUserForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = await createUser(db, operatorOf(user), { ...parsed.data, organizationId: organization.id }, now())
  if (!result.ok) return answerRefusal(result, formValues(form))
  return { errors: {}, values: { intent: 'createUser' }, created: result.value.username }
}

export default function OrganizationPage() {
  const { organization: org, users, total, pageSize, roles } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  const busy = useNavigation().state === 'submitting'
  const created = actionData && 'created' in actionData ? actionData.created : null
  const statusAnswer = values.intent === 'status'
  return (
    <section>
      <p>
        <Link to="/admin/organizations">← 机构管理</Link>
      </p>
      <h1>{org.name}</h1>
      <div className="card">
        <dl className="facts">
          <dt>类型</dt>
          <dd>{orgKindLabel(org.kind)}</dd>
          <dt>所在地区</dt>
          <dd>{org.region || '—'}</dd>
          <dt>统一社会信用代码</dt>
          <dd>{org.creditCode ?? '—'}</dd>
          <dt>状态</dt>
          <dd>
            <StatusBadge status={org.status} />
          </dd>
        </dl>
        <Form method="post" className="toolbar" style={{ marginTop: '0.75rem', marginBottom: 0 }}>
          <input type="hidden" name="intent" value="status" />
          <input type="hidden" name="version" value={org.version} />
          <input type="hidden" name="status" value={org.status === 'active' ? 'disabled' : 'active'} />
          <button type="submit" disabled={busy}>
            {org.status === 'active' ? '停用该机构（其全部账号将被登出）' : '重新启用该机构'}
          </button>
          {statusAnswer ? <FormError error={errors._form ?? errors.version} /> : null}
        </Form>
      </div>

      <h2>账号（{total}）</h2>
      <UserTable rows={users} />
      {total > pageSize ? <p className="muted">仅显示前 {pageSize} 个，完整列表见“账号管理”。</p> : null}

      <h2>新增账号</h2>
      <CreateUserForm
        created={created ?? null}
        busy={busy}
        intent="createUser"
        errors={statusAnswer ? {} : errors}
        values={statusAnswer ? {} : values}
        roles={roles}
        orgAdminRole="finance_reviewer"
      />
    </section>
  )
}
