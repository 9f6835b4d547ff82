import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { TITLES, labelOf } from '~/domain/experts/vocab'
import { feeRatesPage, saveFeeRates } from '~/services/panel.server'

export const meta: MetaFunction = () => [{ title: '专家咨询费标准 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = feeRatesPage(getDb(), actor)
  if (!page) throw forbidden()
  return page
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!feeRatesPage(getDb(), actor)) throw forbidden()
  const result = saveFeeRates(getDb(), actor, await request.formData(), now())
  if (!result.ok) return data({ errors: result.errors as Record<string, string>, values: result.values ?? {}, saved: false }, { status: result.status })
  return { errors: {} as Record<string, string>, values: {}, saved: true }
}

export default function FeeRates() {
  const { rates } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>
  return (
    <section data-testid="fee-rates">
      <h1>专家咨询费标准</h1>
      <p className="muted">本局委托项目的评审专家按职称和评审天数计酬（半天按日标准的 60% 计）。未设置时采用默认标准：高级职称 1,500 元/天，其他 900 元/天（参照财科教〔2017〕128号会议费标准下限）。</p>
      {actionData?.saved ? (
        <p className="notice" role="status">
          已保存。
        </p>
      ) : null}
      <Form method="post" noValidate className="stack card">
        <FormError error={errors._form} />
        {rates.map((r) => (
          <Field key={r.title} name={r.title} label={`${labelOf(TITLES, r.title)}（元/天）${r.isDefault ? '（默认）' : ''}`} error={errors[r.title]}>
            {(p) => <input {...p} inputMode="decimal" defaultValue={values[r.title] ?? (r.rateFen / 100).toFixed(2)} />}
          </Field>
        ))}
        <div>
          <button type="submit" className="primary" disabled={busy}>
            保存
          </button>
        </div>
      </Form>
    </section>
  )
}
