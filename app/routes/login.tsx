import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { getDb } from '../../db/client.server'
import { safeRedirect } from '~/auth/require.server'
import { getSessionUser } from '~/auth/session.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { DEFAULT_THROTTLE } from '~/domain/login-throttle'
import { attemptLogin } from '~/services/login.server'
import { parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '登录 · EvalDesk' }]

const LoginForm = z.object({
  username: z.string().trim().min(1, '请填写用户名').max(64, '用户名过长'),
  password: z.string().min(1, '请填写密码').max(128, '密码最多 128 个字符'),
  redirectTo: z.string().optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect('/dashboard')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(LoginForm, await request.formData())
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = await attemptLogin(
    getDb(),
    {
      username: parsed.data.username,
      password: parsed.data.password,
      ip: context?.clientIp ?? 'unknown',
      userAgent: request.headers.get('User-Agent') ?? '',
    },
    now(),
  )
  if (result.kind === 'throttled') {
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_THROTTLE.refusalDelayMs))
    return data(
      { errors: { _form: '登录失败次数过多，请 15 分钟后再试。' } as Record<string, string>, values: { username: parsed.data.username } },
      { status: 429 },
    )
  }
  if (result.kind === 'invalid') {
    return data(
      { errors: { _form: '用户名或密码不正确。' } as Record<string, string>, values: { username: parsed.data.username } },
      { status: 400 },
    )
  }
  throw redirect(safeRedirect(parsed.data.redirectTo), { headers: { 'Set-Cookie': result.setCookie } })
}

export default function LoginRoute() {
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>EvalDesk</h1>
        <p className="subtitle">第三方预算绩效评价工作台</p>
        <Form method="post" noValidate>
          <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
          <FormError error={errors._form} />
          <Field name="username" label="用户名" error={errors.username}>
            {(p) => <input {...p} type="text" autoComplete="username" defaultValue={values.username ?? ''} autoFocus />}
          </Field>
          <Field name="password" label="密码" error={errors.password}>
            {(p) => <input {...p} type="password" autoComplete="current-password" />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? '正在登录…' : '登录'}
          </button>
        </Form>
      </div>
    </main>
  )
}
