// 结果应用: the commissioning bureau records its budget decision on an accepted engagement, with the
// accepted report's grade beside it and the grade's suggestion preselected (a suggestion only).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { BUDGET_DECISIONS, budgetDecisionLabel, NOT_ACCEPTED_MESSAGE } from '~/domain/finance/results'
import { formatFenAsWanYuan, formatPoints } from '~/domain/money'
import { budgetDecisionPage, saveBudgetDecision } from '~/services/results.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `结果应用 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = budgetDecisionPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  return page
}

type ActionData = { errors: Record<string, string>; values: Record<string, string | string[]>; saved?: undefined } | { saved: string; errors?: undefined; values?: undefined }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  // Refuse whoever may not see the page before reading the form; the service checks again in its transaction.
  if (!budgetDecisionPage(getDb(), actor, params.id ?? '')) throw notFound()
  const result = saveBudgetDecision(getDb(), actor, params.id ?? '', await request.formData(), now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data({ errors: result.errors, values: result.values ?? {} } satisfies ActionData, { status: result.status })
  }
  return { saved: result.value.label } satisfies ActionData
}

const str = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined)

export default function BudgetDecisionPage() {
  const { engagement: e, accepted, decision, suggestion } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = actionData?.values ?? {}
  const initial = str(values.decision) ?? decision?.decision ?? suggestion ?? ''
  return (
    <section data-testid="budget-decision">
      <p>
        <Link to={`/engagements/${e.id}`}>← {e.name}</Link>
      </p>
      <h1>结果应用</h1>
      <div className="card">
        <dl className="facts">
          <dt>被评价单位</dt>
          <dd>{e.units.join('、')}</dd>
          <dt>评价机构</dt>
          <dd>{e.agencyName}</dd>
          <dt>项目资金</dt>
          <dd>{formatFenAsWanYuan(e.fundsFen)} 万元</dd>
          <dt>验收报告</dt>
          <dd>{accepted ? `${accepted.title}（第 ${accepted.versionNo} 版${accepted.acceptedAt ? `，${formatDateTime(accepted.acceptedAt)} 验收` : ''}）` : <span className="muted">尚未验收</span>}</dd>
          <dt>评价得分</dt>
          <dd>{accepted?.total != null ? formatPoints(Math.round(accepted.total)) : '—'}</dd>
          <dt>评价等级</dt>
          <dd data-testid="grade">{accepted ? <strong>{accepted.grade}</strong> : '—'}</dd>
          <dt>预算安排</dt>
          <dd data-testid="decision">
            {decision ? (
              <>
                <strong>{decision.label}</strong> <span className="muted">（{decision.decidedBy}，{formatDateTime(decision.decidedAt)}，依据等级「{decision.grade}」）</span>
                {decision.note ? <p>{decision.note}</p> : null}
              </>
            ) : (
              <span className="muted">尚未登记</span>
            )}
          </dd>
        </dl>
      </div>

      {accepted ? (
        <Form method="post" noValidate className="card stack" key={decision?.version ?? 0}>
          <h2>{decision ? '修改预算安排意见' : '登记预算安排意见'}</h2>
          {actionData?.saved ? (
            <p className="notice" role="status">
              {`已保存：${actionData.saved}。`}
            </p>
          ) : null}
          <FormError error={errors._form ?? errors.version} />
          <input type="hidden" name="version" value={decision?.version ?? 0} />
          <Field
            name="decision"
            label="预算安排"
            error={errors.decision}
            hint={suggestion ? `按评价等级「${accepted.grade}」建议：${budgetDecisionLabel(suggestion)}（仅为建议，可另行选择）` : undefined}
          >
            {(p) => (
              <select {...p} defaultValue={initial}>
                <option value="">请选择</option>
                {BUDGET_DECISIONS.map((d) => (
                  <option key={d.code} value={d.code}>
                    {d.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="cutPercent" label="压减比例（%）" error={errors.cutPercent} hint="选择“压减”时填写 1 到 100 的整数">
            {(p) => <input {...p} inputMode="numeric" defaultValue={str(values.cutPercent) ?? (decision?.cutPercent != null ? String(decision.cutPercent) : '')} />}
          </Field>
          <Field name="note" label="说明" error={errors.note}>
            {(p) => <textarea {...p} maxLength={1000} defaultValue={str(values.note) ?? decision?.note ?? ''} />}
          </Field>
          <div>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? '正在保存…' : '保存'}
            </button>
          </div>
        </Form>
      ) : (
        <p className="card muted">{NOT_ACCEPTED_MESSAGE}。</p>
      )}
    </section>
  )
}
