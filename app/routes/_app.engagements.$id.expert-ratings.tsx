// 专家履职评价: once scoring is closed, the agency's admin or the engagement's lead rates each expert
// of the panel (four aspects and an overall rating); each rating is final and enters the expert's
// credit file. The rest of the engagement's team reads the ratings.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { EXPERT_RATINGS, EXPERT_RATING_ASPECTS } from '~/domain/credit/categories'
import { MAX_RATING_COMMENT } from '~/domain/credit/expert-rating'
import { NOT_OPEN_MESSAGE, expertRatingsPage, rateExpert, type ExpertRatingView } from '~/services/expert-rating.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `专家履职评价 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = expertRatingsPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  return page
}

type ActionData =
  | { expertId: string; errors: Record<string, string>; values: Record<string, string | string[]>; done?: undefined }
  | { done: string; expertId?: undefined; errors?: undefined; values?: undefined }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  // Refuse whoever may not rate before reading the form; the service checks again in its transaction.
  const page = expertRatingsPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  if (!page.mayRate) throw forbidden()
  const fd = await request.formData()
  const result = rateExpert(getDb(), actor, params.id ?? '', fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return data({ expertId: String(fd.get('expertId') ?? ''), errors: result.errors, values: result.values ?? {} } satisfies ActionData, { status: result.status })
  }
  const r = result.value
  return { done: `已保存对${r.name}的评价：${r.overallLabel}${r.creditEntryId ? '，已记入专家信用档案' : '（称职不产生信用记录）'}。` } satisfies ActionData
}

export default function ExpertRatingsPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  return (
    <section data-testid="expert-ratings">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>专家履职评价</h1>
      <p className="muted">
        评价机构：{d.engagement.agencyName} · 委托财政局：{d.engagement.bureauName}。评分结束后，由机构管理员或项目负责人对专家组每位专家的出勤、专业水平、独立性、及时性逐项评价；综合评价默认取最低单项，另选须在评语中说明理由，基本称职、不称职须填写评语。评价保存后不能修改，优秀、基本称职、不称职记入专家信用档案（专家可申诉）。
      </p>
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      {!d.open ? (
        <p className="card muted" data-testid="ratings-not-open">
          {NOT_OPEN_MESSAGE}
          {d.phaseLabel ? `（当前评分阶段：${d.phaseLabel}）` : '（尚未开始评分）'}。
        </p>
      ) : null}
      {actionData?.errors?._form && !d.experts.some((x) => x.expertId === actionData.expertId) ? <FormError error={actionData.errors._form} /> : null}
      {d.experts.length === 0 ? <p className="muted">专家组中没有已接受邀请的专家。</p> : null}
      {d.experts.map((x) => (
        <div className="card" key={x.expertId} data-expert={x.name}>
          <h2>
            {x.name}
            {x.isLeader ? <span className="badge ok">组长</span> : null} <span className="muted small">{x.employer}</span>
          </h2>
          {x.rating ? (
            <RatingView rating={x.rating} expertId={x.expertId} />
          ) : d.open && d.mayRate ? (
            <RatingForm expertId={x.expertId} />
          ) : (
            <p className="muted">尚未评价。</p>
          )}
        </div>
      ))}
    </section>
  )
}

function RatingView({ rating, expertId }: { rating: ExpertRatingView; expertId: string }) {
  return (
    <div data-testid="rating-result">
      <p>
        综合评价：<strong>{rating.overallLabel}</strong>
        {rating.followsWeakest ? <span className="muted small">（取最低单项）</span> : null}
      </p>
      <p>{rating.aspects.map((a) => `${a.label}：${a.ratingLabel}`).join('；')}</p>
      {rating.comment ? <p>评语：{rating.comment}</p> : null}
      <p className="muted small">
        {rating.ratedByName} 于 {formatDateTime(rating.ratedAt)} 评价。
        {rating.creditEntry ? (
          <>
            已记入专家信用档案（{rating.creditEntry.kindLabel}）：<Link to={`/credit/${expertId}`}>查看信用档案</Link>
          </>
        ) : (
          '称职为应有水平，不产生信用记录。'
        )}
      </p>
    </div>
  )
}

function RatingForm({ expertId }: { expertId: string }) {
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const busy = useNavigation().state === 'submitting'
  const mine = actionData?.expertId === expertId
  const errors: Record<string, string | undefined> = mine ? actionData.errors : {}
  const values = mine ? actionData.values : {}
  const typed = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '')
  return (
    <Form method="post" noValidate className="stack" key={mine ? 'typed' : 'fresh'}>
      <input type="hidden" name="expertId" value={expertId} />
      <FormError error={errors._form} />
      <div className="detail-grid">
        {EXPERT_RATING_ASPECTS.map((a) => (
          <Field key={a.code} id={`${expertId}-aspect.${a.code}`} name={`aspect.${a.code}`} label={a.label} error={errors[`aspect.${a.code}`]}>
            {(p) => <RatingSelect {...p} defaultValue={typed(`aspect.${a.code}`)} blank="请选择" />}
          </Field>
        ))}
        <Field id={`${expertId}-overall`} name="overall" label="综合评价" error={errors.overall}>
          {(p) => <RatingSelect {...p} defaultValue={typed('overall')} blank="取最低单项" />}
        </Field>
      </div>
      <Field id={`${expertId}-comment`} name="comment" label="评语" error={errors.comment} hint="综合评价为基本称职、不称职，或与最低单项不一致时必填">
        {(p) => <textarea {...p} rows={3} maxLength={MAX_RATING_COMMENT} defaultValue={typed('comment')} />}
      </Field>
      <div className="inline-form">
        <button type="submit" className="primary" disabled={busy}>
          保存评价
        </button>
        <span className="muted small">保存后不能修改。</span>
      </div>
    </Form>
  )
}

type ControlProps = { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }

function RatingSelect({ blank, ...p }: ControlProps & { defaultValue: string; blank: string }) {
  return (
    <select {...p}>
      <option value="">{blank}</option>
      {EXPERT_RATINGS.map((r) => (
        <option key={r.code} value={r.code}>
          {r.label}
        </option>
      ))}
    </select>
  )
}
