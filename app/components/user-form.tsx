import { Form } from '@remix-run/react'
import { Field, FormError } from './field'

type Errors = Record<string, string | undefined>
type Values = Record<string, string | string[] | undefined>
export type RoleOption = { code: string; label: string }
export type UnitOption = { id: string; name: string; bureauName: string; competentDepartment: string }

function str(values: Values, key: string): string {
  const v = values[key]
  return typeof v === 'string' ? v : ''
}

/** New accounts default to the least powerful role on offer, so a hurried click makes no admin. */
function defaultRole(roles: readonly RoleOption[]): string | undefined {
  return (roles.find((r) => r.code !== 'agency_admin' && r.code !== 'system_admin') ?? roles[0])?.code
}

/**
 * The fields of a new account. `units` is offered when a unit contact may be created; `orgAdminRole`
 * names the role for which the "also administers the organization" box is shown.
 */
export function NewUserFields({
  errors,
  values,
  roles,
  units,
  orgAdminRole,
}: {
  errors: Errors
  values: Values
  roles: readonly RoleOption[]
  units?: readonly UnitOption[]
  orgAdminRole?: string
}) {
  return (
    <div className="form-grid">
      <Field name="username" label="用户名" error={errors.username} hint="3–32 位小写字母、数字或 . _ -">
        {(p) => <input {...p} autoComplete="off" defaultValue={str(values, 'username')} />}
      </Field>
      <Field name="displayName" label="姓名" error={errors.displayName}>
        {(p) => <input {...p} autoComplete="off" defaultValue={str(values, 'displayName')} />}
      </Field>
      <Field name="role" label="角色" error={errors.role}>
        {(p) => (
          <select {...p} defaultValue={str(values, 'role') || defaultRole(roles)}>
            {roles.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {units ? (
        <Field name="evaluatedUnitId" label="被评价单位（仅单位联系人）" error={errors.evaluatedUnitId}>
          {(p) => (
            <select {...p} defaultValue={str(values, 'evaluatedUnitId')}>
              <option value="">—</option>
              {units.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}（{u.bureauName}）
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field name="phone" label="电话（选填）" error={errors.phone}>
        {(p) => <input {...p} type="tel" autoComplete="off" defaultValue={str(values, 'phone')} />}
      </Field>
      <Field name="email" label="邮箱（选填）" error={errors.email}>
        {(p) => <input {...p} type="email" autoComplete="off" defaultValue={str(values, 'email')} />}
      </Field>
      <Field name="password" label="初始密码" error={errors.password} hint="至少 12 个字符；用户首次登录后须修改">
        {(p) => <input {...p} type="password" autoComplete="new-password" />}
      </Field>
      <Field name="passwordConfirm" label="再次输入密码" error={errors.passwordConfirm}>
        {(p) => <input {...p} type="password" autoComplete="new-password" />}
      </Field>
      {orgAdminRole && roles.some((r) => r.code === orgAdminRole) ? (
        <div className="field">
          <label>
            <input type="checkbox" name="orgAdmin" defaultChecked={values.orgAdmin === 'on'} /> 同时担任本单位账号管理员
          </label>
        </div>
      ) : null}
    </div>
  )
}

/**
 * The whole "新增账号" form: the notice after a creation, the form-level error, the fields and the
 * button. The form is re-mounted after each creation (`key`), so it comes back empty.
 */
export function CreateUserForm({
  created,
  createdNotice,
  busy,
  intent,
  errors,
  values,
  ...fields
}: {
  created: string | null
  createdNotice?: (username: string) => string
  busy: boolean
  /** Hidden `intent` for pages whose action does more than one thing. */
  intent?: string
  errors: Errors
  values: Values
  roles: readonly RoleOption[]
  units?: readonly UnitOption[]
  orgAdminRole?: string
}) {
  return (
    <>
      {created ? <p className="notice">{createdNotice ? createdNotice(created) : `已创建账号 ${created}。`}</p> : null}
      <Form method="post" className="card stack" noValidate key={created ?? 'form'}>
        {intent ? <input type="hidden" name="intent" value={intent} /> : null}
        <FormError error={errors._form} />
        <NewUserFields errors={errors} values={values} {...fields} />
        <div>
          <button type="submit" className="primary" disabled={busy}>
            创建账号
          </button>
        </div>
      </Form>
    </>
  )
}
