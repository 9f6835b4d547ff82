// 报告验证 (public, no login): type the code printed on a report's cover or footer.
import { data, redirect, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData } from '@remix-run/react'
import { Field } from '~/components/field'
import { normalizeCode } from '~/domain/reports/verification'

export const meta: MetaFunction = () => [{ title: '报告验证 · EvalDesk' }]

export async function action({ request }: ActionFunctionArgs) {
  const fd = await request.formData()
  const typed = String(fd.get('code') ?? '')
  const code = normalizeCode(typed)
  if (!code) return data({ errors: { code: '验证码为 8 位字母和数字（如 K7M2-Q9XD），请核对后重新输入' }, typed }, { status: 400 })
  throw redirect(`/verify/${code}`)
}

export default function VerifyIndex() {
  const actionData = useActionData<typeof action>()
  return (
    <main className="narrow" data-testid="verify-index">
      <h1>报告验证</h1>
      <p className="muted">输入绩效评价报告封面或页脚上的验证码，查看该报告的签发信息，并可上传文件核对是否与签发版本一致。</p>
      <Form method="post" noValidate className="stack">
        <Field name="code" label="验证码" error={actionData?.errors.code}>
          {(f) => <input {...f} autoComplete="off" defaultValue={actionData?.typed ?? ''} />}
        </Field>
        <div>
          <button type="submit" className="primary">
            查询
          </button>
        </div>
      </Form>
    </main>
  )
}
