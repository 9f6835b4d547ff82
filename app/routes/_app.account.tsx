import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import Bowser from 'bowser'
import { getDb } from '../../db/client.server'
import { requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { roleLabel } from '~/domain/roles'
import { listSessionsOf } from '~/models/user.server'
import { answerRefusal, changeOwnPassword, endMyOtherSessions, OwnPasswordForm } from '~/services/user-admin.server'
import { formatDateTime } from '~/utils/datetime'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '我的账号 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const at = now()
  return {
    sessions: listSessionsOf(getDb(), user.actor.userId, user.sessionId, at).map((s) => ({
      ...s,
      createdAt: formatDateTime(s.createdAt),
      lastSeenAt: formatDateTime(s.lastSeenAt),
      browser: describeBrowser(s.userAgent),
    })),
    username: user.username,
    displayName: user.displayName,
    roleLabel: roleLabel(user.actor.role),
    organizationName: user.organizationName,
    mustChangePassword: user.mustChangePassword,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = await request.formData()
  if (form.get('intent') === 'end-other-sessions') {
    const ended = endMyOtherSessions(getDb(), user, now())
    throw redirect(`/account?ended=${ended}`)
  }
  const parsed = parseForm(OwnPasswordForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = await changeOwnPassword(getDb(), user, parsed.data, now(), context?.clientIp)
  if (!result.ok) return answerRefusal(result, formValues(form))
  throw redirect('/account?changed=1')
}

/** A short, human name for a User-Agent string: enough to recognise one's own devices. */
function describeBrowser(userAgent: string): string {
  if (!userAgent) return '未知设备'
  const { browser, os } = Bowser.parse(userAgent)
  return [browser.name, os.name].filter(Boolean).join(' · ') || '未知设备'
}

export default function AccountPage() {
  const me = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  return (
    <section className="narrow-section">
      <h1>我的账号</h1>
      {me.mustChangePassword ? (
        <p className="form-error" data-testid="must-change-password">
          管理员为您设置了初始密码或重置了密码，请先修改密码后再继续使用。
        </p>
      ) : null}
      {params.get('changed') === '1' && !me.mustChangePassword ? <p className="notice">密码已修改，您在其他设备上的登录已结束。</p> : null}
      <div className="card">
        <dl className="facts">
          <dt>姓名</dt>
          <dd>{me.displayName}</dd>
          <dt>用户名</dt>
          <dd>{me.username}</dd>
          <dt>角色</dt>
          <dd>{me.roleLabel}</dd>
          <dt>所属单位</dt>
          <dd>{me.organizationName ?? '—'}</dd>
        </dl>
      </div>
      <h2>登录设备</h2>
      <div className="card" data-testid="my-sessions">
        {params.get('ended') !== null ? (
          <p className="notice">已退出其他 {Number(params.get('ended')) || 0} 个设备上的登录。</p>
        ) : null}
        <table>
          <thead>
            <tr>
              <th>浏览器</th>
              <th>IP 地址</th>
              <th>登录时间</th>
              <th>最近活动</th>
            </tr>
          </thead>
          <tbody>
            {me.sessions.map((s, i) => (
              <tr key={i}>
                <td>
                  {s.browser}
                  {s.current ? (
                    <>
                      {' '}
                      <span className="badge ok">当前设备</span>
                    </>
                  ) : null}
                </td>
                <td>{s.ip || '—'}</td>
                <td>{s.createdAt}</td>
                <td>{s.lastSeenAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {me.sessions.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="end-other-sessions" />
            <p>
              <button type="submit">退出其他设备上的登录</button>
            </p>
          </Form>
        ) : (
          <p className="muted">除当前设备外没有其他登录。</p>
        )}
      </div>
      <h2>修改密码</h2>
      <Form method="post" className="card stack" noValidate>
        <FormError error={errors._form} />
        <Field name="currentPassword" label="当前密码" error={errors.currentPassword}>
          {(p) => <input {...p} type="password" autoComplete="current-password" />}
        </Field>
        <Field name="newPassword" label="新密码" error={errors.newPassword} hint="至少 12 个字符，不能包含用户名">
          {(p) => <input {...p} type="password" autoComplete="new-password" />}
        </Field>
        <Field name="newPasswordConfirm" label="再次输入新密码" error={errors.newPasswordConfirm}>
          {(p) => <input {...p} type="password" autoComplete="new-password" />}
        </Field>
        <div>
          <button type="submit" className="primary" disabled={busy}>
            修改密码
          </button>
        </div>
      </Form>
    </section>
  )
}
