import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { StatusBadge } from '~/components/user-table'
import { ORG_KINDS, orgKindLabel } from '~/domain/roles'
import { listOrganizationsWithUserCounts } from '~/models/organization.server'
import { createOrganizationWithAdmin, NewOrganizationForm } from '~/services/organization.server'
import { answerRefusal, operatorOf } from '~/services/user-admin.server'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '机构管理 · EvalDesk' }]

const requirePlatformAdmin = (request: Request) => requirePermission(request, 'organization.list', { type: 'platform' })

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request)
  return { organizations: listOrganizationsWithUserCounts(getDb()) }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePlatformAdmin(request)
  const form = await request.formData()
  const parsed = parseForm(NewOrganizationForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = await createOrganizationWithAdmin(getDb(), operatorOf(user), parsed.data, now())
  if (!result.ok) return answerRefusal(result, formValues(form))
  throw redirect(`/admin/organizations/${result.value.organizationId}`)
}

export default function OrganizationsPage() {
  const { organizations } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  const busy = useNavigation().state === 'submitting'
  return (
    <section>
      <h1>机构管理</h1>
      <table data-testid="organization-table">
        <thead>
          <tr>
            <th>类型</th>
            <th>名称</th>
            <th>所在地区</th>
            <th>统一社会信用代码</th>
            <th>状态</th>
            <th className="num">账号数</th>
          </tr>
        </thead>
        <tbody>
          {organizations.map((o) => (
            <tr key={o.id}>
              <td>{orgKindLabel(o.kind)}</td>
              <td>
                <Link to={`/admin/organizations/${o.id}`}>{o.name}</Link>
              </td>
              <td>{o.region || '—'}</td>
              <td>{o.creditCode ?? '—'}</td>
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td className="num">{o.userCount}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>新建机构及其管理员</h2>
      <Form method="post" className="card stack" noValidate>
        <FormError error={errors._form} />
        <div className="form-grid">
          <Field name="kind" label="机构类型" error={errors.kind}>
            {(p) => (
              <select {...p} defaultValue={values.kind ?? 'agency'}>
                {ORG_KINDS.map((k) => (
                  <option key={k.code} value={k.code}>
                    {k.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="name" label="机构名称" error={errors.name}>
            {(p) => <input {...p} defaultValue={values.name ?? ''} />}
          </Field>
          <Field name="creditCode" label="统一社会信用代码（选填）" error={errors.creditCode}>
            {(p) => <input {...p} maxLength={18} defaultValue={values.creditCode ?? ''} />}
          </Field>
          <Field name="region" label="所在地区（选填）" error={errors.region}>
            {(p) => <input {...p} defaultValue={values.region ?? ''} />}
          </Field>
          <Field name="adminUsername" label="管理员用户名" error={errors.adminUsername} hint="3–32 位小写字母、数字或 . _ -">
            {(p) => <input {...p} autoComplete="off" defaultValue={values.adminUsername ?? ''} />}
          </Field>
          <Field name="adminName" label="管理员姓名" error={errors.adminName}>
            {(p) => <input {...p} autoComplete="off" defaultValue={values.adminName ?? ''} />}
          </Field>
          <Field name="adminPassword" label="管理员初始密码" error={errors.adminPassword} hint="至少 12 个字符；首次登录后须修改">
            {(p) => <input {...p} type="password" autoComplete="new-password" />}
          </Field>
          <Field name="adminPasswordConfirm" label="再次输入密码" error={errors.adminPasswordConfirm}>
            {(p) => <input {...p} type="password" autoComplete="new-password" />}
          </Field>
        </div>
        <p className="hint">评价机构的首个账号为机构管理员；财政局的首个账号为财政审核人员并兼任账号管理员。</p>
        <div>
          <button type="submit" className="primary" disabled={busy}>
            创建机构
          </button>
        </div>
      </Form>
    </section>
  )
}
