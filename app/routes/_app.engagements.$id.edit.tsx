import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { EngagementForm, type EngagementFormValues } from '~/components/engagement-form'
import { formatFenAsWanYuan } from '~/domain/money'
import { can } from '~/domain/permissions'
import { engagementResource, listActiveFinanceBureaus, listAgencyStaff } from '~/models/engagement.server'
import { engagementForViewer, parseEngagementForm, updateEngagement } from '~/services/engagement.server'
import { versionField } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '编辑评价项目 · EvalDesk' }]

/** The engagement if this actor may edit it: 404 when it is not theirs to see, 403 when only to see. */
async function requireEditable(request: Request, id: string) {
  const { actor } = await requireUser(request)
  const e = engagementForViewer(getDb(), actor, id)
  if (!e) throw notFound()
  if (!can(actor, 'engagement.edit', engagementResource(e))) throw forbidden()
  return { actor, e }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { e } = await requireEditable(request, params.id ?? '')
  const db = getDb()
  const values: EngagementFormValues = {
    name: e.name,
    year: String(e.year),
    kind: e.kind,
    budgetType: e.budgetType,
    financeBureauId: e.financeBureauId,
    funds: formatFenAsWanYuan(e.fundsFen).replace(/,/g, ''),
    periodStart: e.periodStart,
    periodEnd: e.periodEnd,
    contractNo: e.contractNo,
    leadUserId: e.leadUserId,
    memberIds: e.members.map((m) => m.id),
    unitName: e.units.map((u) => u.name),
    unitDepartment: e.units.map((u) => u.competentDepartment),
  }
  return {
    id: e.id,
    name: e.name,
    version: e.version,
    values,
    bureaus: listActiveFinanceBureaus(db),
    staff: listAgencyStaff(db, e.agencyId),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireEditable(request, params.id ?? '')
  const fd = await request.formData()
  const version = versionField.safeParse(fd.get('version'))
  const parsed = parseEngagementForm(fd)
  if (!version.success) {
    return data({ errors: { _form: '表单已过期，请刷新后重试' } as Record<string, string>, values: parsed.values }, { status: 400 })
  }
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const id = params.id ?? ''
  const result = updateEngagement(getDb(), actor, id, version.data, parsed.data, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return data({ errors: result.errors, values: parsed.values }, { status: result.status })
  }
  throw redirect(`/engagements/${id}`)
}

export default function EditEngagement() {
  const { id, name, version, values, bureaus, staff } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as { errors: Record<string, string>; values: EngagementFormValues } | undefined
  const busy = useNavigation().state === 'submitting'
  return (
    <section>
      <p>
        <Link to={`/engagements/${id}`}>← {name}</Link>
      </p>
      <h1>编辑评价项目</h1>
      <EngagementForm
        bureaus={bureaus}
        staff={staff}
        values={actionData?.values ?? values}
        errors={actionData?.errors ?? {}}
        version={version}
        submitLabel="保存修改"
        cancelTo={`/engagements/${id}`}
        busy={busy}
      />
    </section>
  )
}
