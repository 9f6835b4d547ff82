// The one-time invite link a drawn expert without an account receives: choose a username and a
// password, then continue to the invitation. Public by design; the token is the credential.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { PASSWORD_MIN } from '~/utils/password-rules'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { acceptInvite, openInvite } from '~/services/expert-invite.server'

export const meta: MetaFunction = () => [{ title: '专家邀请 · EvalDesk' }, { name: 'referrer', content: 'no-referrer' }]

export async function loader({ params }: LoaderFunctionArgs) {
  const opened = openInvite(getDb(), params.token ?? '', now())
  if (!opened) throw new Response('邀请链接无效、已使用或已过期', { status: 404 })
  return { expertName: opened.expertName }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await acceptInvite(getDb(), params.token ?? '', await request.formData(), { ip: context.clientIp, userAgent: request.headers.get('user-agent') ?? '' }, now())
  if (!result.ok) return data({ errors: result.errors, values: result.values ?? {} }, { status: result.status })
  throw redirect('/expert', { headers: { 'Set-Cookie': result.setCookie } })
}

export default function InvitePage() {
  const { expertName } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>EvalDesk</h1>
        <p className="subtitle">{expertName}专家您好：请设置登录账号，随后查看并答复评审邀请。</p>
        <Form method="post" noValidate>
          <FormError error={errors._form} />
          <Field name="username" label="用户名" error={errors.username} hint="3–32 位小写字母、数字或 . _ -">
            {(p) => <input {...p} autoComplete="username" defaultValue={values.username ?? ''} />}
          </Field>
          <Field name="password" label="密码" error={errors.password} hint={`至少 ${PASSWORD_MIN} 位`}>
            {(p) => <input {...p} type="password" autoComplete="new-password" />}
          </Field>
          <Field name="passwordConfirm" label="确认密码" error={errors.passwordConfirm}>
            {(p) => <input {...p} type="password" autoComplete="new-password" />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            设置账号并继续
          </button>
        </Form>
      </div>
    </main>
  )
}
