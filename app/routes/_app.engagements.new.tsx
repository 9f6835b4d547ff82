import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import type { SessionUser } from '~/auth/session.server'
import { now } from '~/clock.server'
import { EngagementForm, type EngagementFormValues } from '~/components/engagement-form'
import { can } from '~/domain/permissions'
import { listActiveFinanceBureaus, listAgencyStaff } from '~/models/engagement.server'
import { createEngagement, parseEngagementForm } from '~/services/engagement.server'

export const meta: MetaFunction = () => [{ title: '新建评价项目 · EvalDesk' }]

async function requireCreator(request: Request): Promise<SessionUser & { agencyId: string }> {
  const user = await requireUser(request)
  const agencyId = user.actor.organizationId
  if (!agencyId || !can(user.actor, 'engagement.create', { type: 'agency', organizationId: agencyId })) throw forbidden()
  return { ...user, agencyId }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCreator(request)
  const db = getDb()
  const year = String(now().getUTCFullYear())
  const defaults: EngagementFormValues = {
    year,
    kind: 'project',
    budgetType: 'general_public',
    periodStart: `${year}-01-01`,
    periodEnd: `${year}-12-31`,
    leadUserId: user.actor.userId,
  }
  return { bureaus: listActiveFinanceBureaus(db), staff: listAgencyStaff(db, user.agencyId), defaults }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCreator(request)
  const parsed = parseEngagementForm(await request.formData())
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = createEngagement(getDb(), user.actor, parsed.data, now())
  if (!result.ok) {
    if (result.status === 403) throw forbidden()
    return data({ errors: result.errors, values: parsed.values }, { status: result.status })
  }
  throw redirect(`/engagements/${result.value.id}`)
}

export default function NewEngagement() {
  const { bureaus, staff, defaults } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as { errors: Record<string, string>; values: EngagementFormValues } | undefined
  const busy = useNavigation().state === 'submitting'
  return (
    <section>
      <p>
        <Link to="/engagements">← 评价项目</Link>
      </p>
      <h1>新建评价项目</h1>
      <EngagementForm
        bureaus={bureaus}
        staff={staff}
        values={actionData?.values ?? defaults}
        errors={actionData?.errors ?? {}}
        submitLabel="创建项目"
        cancelTo="/engagements"
        busy={busy}
      />
    </section>
  )
}
