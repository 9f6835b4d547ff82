// 满意度调查 of one engagement: each survey with its sample and rate, and 新建调查 by title.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { createSurvey, surveysPage } from '~/services/surveys.server'
import { MAX_SURVEY_TITLE } from '~/utils/survey-limits'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `满意度调查 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = surveysPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  return page
}

type ActionData = { errors: Record<string, string>; values: Record<string, string | string[]> }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = surveysPage(db, actor, params.id ?? '')
  if (!page) throw notFound()
  if (!page.mayManage) throw forbidden()
  const fd = await request.formData()
  const result = createSurvey(db, actor, page.engagement.id, fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return data<ActionData>({ errors: result.errors, values: result.values ?? {} }, { status: result.status })
  }
  return redirect(`/engagements/${page.engagement.id}/surveys/${result.value.id}`)
}

export default function SurveysPage() {
  const { engagement: e, surveys, mayManage } = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const typed = a?.values.title
  return (
    <section data-testid="surveys-page">
      <p>
        <Link to={`/engagements/${e.id}`}>← {e.name}</Link>
      </p>
      <h1>满意度调查</h1>
      <p className="muted small">设计问卷，导入调查平台导出的答卷（.xlsx 或 .csv），查看满意率、各题分布和误差范围；结果写入关联的满意度指标，作为该指标的建议得分依据。</p>
      {surveys.length === 0 ? (
        <p className="muted">尚无满意度调查。</p>
      ) : (
        <table className="table" data-testid="survey-list">
          <thead>
            <tr>
              <th>调查</th>
              <th>关联指标</th>
              <th>样本量</th>
              <th>有效样本</th>
              <th>满意率</th>
            </tr>
          </thead>
          <tbody>
            {surveys.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/engagements/${e.id}/surveys/${s.id}`}>{s.title}</Link>
                  {s.status === 'draft' ? <span className="badge"> 未导入答卷</span> : null}
                </td>
                <td>{s.indicatorCode ?? '—'}</td>
                <td>{s.sampleSize}</td>
                <td>{s.validResponses}</td>
                <td>{s.rateText ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayManage ? (
        <Form method="post" noValidate className="card stack" aria-label="新建调查">
          <h2>新建调查</h2>
          <FormError error={a?.errors._form} />
          <Field name="title" label="调查名称" error={a?.errors.title}>
            {(p) => <input {...p} type="text" maxLength={MAX_SURVEY_TITLE} defaultValue={typeof typed === 'string' ? typed : ''} placeholder="如：受助学生及家长满意度调查" />}
          </Field>
          <button type="submit" disabled={busy}>
            新建调查
          </button>
        </Form>
      ) : null}
    </section>
  )
}
