import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { ExpertForm, type ExpertFormValues } from '~/components/expert-form'
import { createExpert, specialtyChoices } from '~/services/expert-pool.server'
import { parseExpertForm } from '~/utils/expert-form'

export const meta: MetaFunction = () => [{ title: '新增专家 · EvalDesk' }]

const POOL = { type: 'expert_pool' } as const

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'expert.manage', POOL)
  return { specialties: specialtyChoices(getDb()) }
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requirePermission(request, 'expert.manage', POOL)
  const parsed = parseExpertForm(await request.formData())
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = createExpert(getDb(), { kind: 'user', actor }, parsed.data, now())
  if (!result.ok) {
    if (result.status === 403) throw forbidden()
    return data({ errors: result.errors, values: parsed.values }, { status: result.status })
  }
  throw redirect(`/experts/${result.value.id}`)
}

export default function NewExpert() {
  const { specialties } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as { errors: Record<string, string>; values: ExpertFormValues } | undefined
  const busy = useNavigation().state === 'submitting'
  return (
    <section>
      <p>
        <Link to="/experts">← 专家库</Link>
      </p>
      <h1>新增专家</h1>
      <ExpertForm
        specialties={specialties}
        values={actionData?.values ?? { region: '浙江省杭州市' }}
        errors={actionData?.errors ?? {}}
        submitLabel="保存"
        cancelTo="/experts"
        busy={busy}
      />
    </section>
  )
}
