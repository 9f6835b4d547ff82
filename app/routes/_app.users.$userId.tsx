import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { StatusBadge } from '~/components/user-table'
import { roleLabel } from '~/domain/roles'
import { isId } from '~/ids.server'
import {
  answerRefusal,
  getManageableUser,
  operatorOf,
  ProfileForm,
  resetPassword,
  ResetPasswordForm,
  setUserStatus,
  StatusForm,
  updateProfile,
} from '~/services/user-admin.server'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.target.displayName ?? '账号'} · EvalDesk` }]

/** Only administrators reach this page; a user outside their reach is simply not found. */
async function load(request: Request, userId: string | undefined) {
  const user = await requireUser(request)
  if (user.actor.role !== 'system_admin' && !user.actor.orgAdmin) throw forbidden()
  const target = isId(userId) ? getManageableUser(getDb(), operatorOf(user), userId) : null
  if (!target) throw notFound()
  return { user, target }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, target } = await load(request, params.userId)
  const platform = user.actor.role === 'system_admin'
  return {
    target,
    isSelf: target.id === user.actor.userId,
    back: platform ? (target.organizationId ? `/admin/organizations/${target.organizationId}` : '/admin/users') : '/users',
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, target } = await load(request, params.userId)
  const form = await request.formData()
  const intent = form.get('intent')
  const db = getDb()
  const op = operatorOf(user)
  if (intent === 'profile') {
    const parsed = parseForm(ProfileForm, form)
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
    const result = await updateProfile(db, op, { userId: target.id, ...parsed.data }, now())
    if (!result.ok) return answerRefusal(result, formValues(form))
    return { errors: {}, values: { intent }, done: '资料已保存。' }
  }
  if (intent === 'reset') {
    const parsed = parseForm(ResetPasswordForm, form)
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
    const result = await resetPassword(db, op, { userId: target.id, ...parsed.data }, now())
    if (!result.ok) return answerRefusal(result, formValues(form))
    return { errors: {}, values: { intent }, done: '密码已重置，该用户的所有登录已结束，下次登录须修改密码。' }
  }
  if (intent === 'status') {
    const parsed = parseForm(StatusForm, form)
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
    const result = await setUserStatus(db, op, { userId: target.id, ...parsed.data }, now())
    if (!result.ok) return answerRefusal(result, formValues(form))
    return { errors: {}, values: { intent }, done: parsed.data.status === 'disabled' ? '账号已停用，其所有登录已结束。' : '账号已重新启用。' }
  }
  return data({ errors: { _form: '未知操作' } as Record<string, string>, values: {} }, { status: 400 })
}

export default function UserPage() {
  const { target: u, isSelf, back } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  const answered = values.intent
  const errorsFor = (intent: string): Record<string, string | undefined> => (answered === intent ? (actionData?.errors ?? {}) : {})
  const done = actionData && 'done' in actionData ? actionData.done : null
  const busy = useNavigation().state === 'submitting'
  const profileErrors = errorsFor('profile')
  const resetErrors = errorsFor('reset')
  const statusErrors = errorsFor('status')
  const typed = answered === 'profile' && !done ? values : null
  return (
    <section>
      <p>
        <Link to={back}>← 返回</Link>
      </p>
      <h1>
        {u.displayName} <StatusBadge status={u.status} />
      </h1>
      {done ? <p className="notice">{done}</p> : null}
      <div className="card">
        <dl className="facts">
          <dt>用户名</dt>
          <dd>{u.username}</dd>
          <dt>角色</dt>
          <dd>
            {roleLabel(u.role)}
            {u.orgAdmin && u.role !== 'agency_admin' ? '（账号管理员）' : ''}
          </dd>
          <dt>所属单位</dt>
          <dd>{u.organizationName ?? u.unitName ?? '—'}</dd>
          <dt>密码</dt>
          <dd>{u.mustChangePassword ? '下次登录须修改' : '正常'}</dd>
        </dl>
      </div>

      <h2>资料</h2>
      <Form method="post" className="card stack" noValidate key={`profile-${u.version}`}>
        <input type="hidden" name="intent" value="profile" />
        <input type="hidden" name="version" value={u.version} />
        <FormError error={profileErrors._form ?? profileErrors.version} />
        <div className="form-grid">
          <Field name="displayName" label="姓名" error={profileErrors.displayName}>
            {(p) => <input {...p} defaultValue={typed?.displayName ?? u.displayName} />}
          </Field>
          <Field name="phone" label="电话" error={profileErrors.phone}>
            {(p) => <input {...p} type="tel" defaultValue={typed?.phone ?? u.phone} />}
          </Field>
          <Field name="email" label="邮箱" error={profileErrors.email}>
            {(p) => <input {...p} type="email" defaultValue={typed?.email ?? u.email} />}
          </Field>
        </div>
        <div>
          <button type="submit" className="primary" disabled={busy}>
            保存资料
          </button>
        </div>
      </Form>

      {isSelf ? (
        <p className="muted">
          修改自己的密码请到 <Link to="/account">我的账号</Link>。
        </p>
      ) : (
        <>
          <h2>重置密码</h2>
          <Form method="post" className="card stack" noValidate key={`reset-${u.version}`}>
            <input type="hidden" name="intent" value="reset" />
            <FormError error={resetErrors._form} />
            <div className="form-grid">
              <Field name="password" label="新密码" error={resetErrors.password} hint="至少 12 个字符；用户下次登录须修改">
                {(p) => <input {...p} type="password" autoComplete="new-password" />}
              </Field>
              <Field name="passwordConfirm" label="再次输入新密码" error={resetErrors.passwordConfirm}>
                {(p) => <input {...p} type="password" autoComplete="new-password" />}
              </Field>
            </div>
            <div>
              <button type="submit" disabled={busy}>
                重置密码
              </button>
            </div>
          </Form>

          <h2>账号状态</h2>
          <Form method="post" className="card toolbar">
            <input type="hidden" name="intent" value="status" />
            <input type="hidden" name="version" value={u.version} />
            <input type="hidden" name="status" value={u.status === 'active' ? 'disabled' : 'active'} />
            <button type="submit" disabled={busy}>
              {u.status === 'active' ? '停用账号' : '重新启用账号'}
            </button>
            <FormError error={statusErrors._form ?? statusErrors.version} />
          </Form>
        </>
      )}
    </section>
  )
}
