import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CellError } from '~/components/cell-error'
import { Field, FormError } from '~/components/field'
import { formatScore, MAX_REASON, MAX_VETO_REASON } from '~/domain/finance/quality'
import {
  actionAnswer,
  qualityRatingPage,
  saveQualityRating,
  type RatingIntent,
} from '~/services/quality.server'
import { automaticEntryOf } from '~/services/credit-automatic.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '执业质量评价 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = qualityRatingPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  // Where the submitted result went: 优秀 and 不合格 enter the agency's credit file.
  const entry = page.rating?.status === 'submitted' ? automaticEntryOf(getDb(), 'auto_quality_rating', page.rating.id) : undefined
  return { ...page, credit: page.rating ? { agencyId: page.rating.agencyId, entered: entry !== undefined } : null }
}

const INTENTS: Record<string, RatingIntent> = { draft: 'draft', submit: 'submit' }
const UNSUPPORTED = { ok: false, status: 400, errors: { _form: '不支持此操作' } } as const

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  // Refuse whoever may not rate before reading the form; the service checks again in its transaction.
  const page = qualityRatingPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  if (!page.mayRate) throw forbidden()
  const fd = await request.formData()
  const intent = INTENTS[String(fd.get('intent') ?? '')]
  const result = intent ? saveQualityRating(getDb(), actor, params.id ?? '', intent, fd, now()) : UNSUPPORTED
  if (!result.ok && result.status === 404) throw notFound()
  const answer = actionAnswer(result, (v) => (v.status === 'submitted' ? '评价已提交。' : '草稿已保存。'))
  return data(answer.body, { status: answer.status })
}

export default function QualityRating() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { rating } = d
  return (
    <section data-testid="quality-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>执业质量评价</h1>
      <p className="muted">
        评价机构：{d.engagement.agencyName} · 委托财政局：{d.engagement.bureauName}
        {d.accepted ? `。所评报告：${d.accepted.title}（第 ${d.accepted.versionNo} 版）` : ''}
      </p>
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      {d.mayEdit ? (
        <RatingForm />
      ) : rating && (rating.status === 'submitted' || !d.mayRate) ? (
        <RatingView />
      ) : d.mayRate ? (
        <p className="card muted" data-testid="quality-waiting">
          评价报告经验收后方可进行执业质量评价。
        </p>
      ) : (
        <p className="card muted" data-testid="quality-none">
          委托财政局尚未提交执业质量评价。
        </p>
      )}
    </section>
  )
}

function RatingView() {
  const { rating, credit } = useLoaderData<typeof loader>()
  if (!rating) return null
  return (
    <div className="card" data-testid="quality-result">
      <h2>
        评价结果：
        <span className={rating.grade === 'fail' ? 'badge off' : 'badge ok'}>{rating.gradeLabel}</span>{' '}
        {`· 总分 ${formatScore(rating.total)} 分`}
      </h2>
      {rating.veto ? (
        <p className="field-error" data-testid="quality-veto">
          一票否决：{rating.vetoReason}
        </p>
      ) : null}
      <div className="table-wrap">
        <table>
          <ItemsHead />
          <tbody>
            {rating.items.map((item, i) => (
              <tr key={i}>
                <td>{item.name}</td>
                <td>{formatScore(item.points)}</td>
                <td>{item.score === null ? '—' : formatScore(item.score)}</td>
                <td>{item.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rating.ratedAt ? (
        <p className="muted small">
          {rating.ratedByName} 于 {formatDateTime(rating.ratedAt)} 提交。
        </p>
      ) : null}
      {credit && rating.status === 'submitted' ? (
        <p className="small" data-testid="quality-credit">
          {credit.entered ? (
            <>
              评价结果已记入评价机构信用档案：<Link to={`/credit/${credit.agencyId}`}>查看信用档案</Link>
            </>
          ) : (
            '良好、合格不产生信用记录；优秀、不合格记入评价机构信用档案。'
          )}
        </p>
      ) : null}
    </div>
  )
}

function RatingForm() {
  const { form, rating } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = actionData?.values ?? {}
  const typed = (key: string, stored: string) => {
    const v = values[key]
    return typeof v === 'string' ? v : stored
  }
  const vetoed =
    actionData?.errors && Object.keys(actionData.errors).length > 0
      ? values.veto === 'on'
      : (rating?.veto ?? false)
  const { bands } = form.config
  return (
    <Form
      method="post"
      noValidate
      className="stack card"
      data-testid="quality-form"
      key={rating?.version ?? 0}
    >
      <input type="hidden" name="formKey" value={form.key} />
      <input type="hidden" name="version" value={rating?.version ?? 0} />
      <FormError error={errors._form} />
      <p className="muted small">
        各项以 0.5 分为单位打分，未得满分须写明扣分理由。等级：优秀 {formatScore(bands.excellent)}{' '}
        分及以上，良好 {formatScore(bands.good)} 分及以上，合格 {formatScore(bands.pass)}{' '}
        分及以上，其余不合格。
        {rating
          ? `草稿合计 ${formatScore(rating.total)} 分${rating.gradeLabel ? `，${rating.gradeLabel}` : ''}（${formatDateTime(rating.updatedAt)} 保存）。`
          : ''}
      </p>
      <div className="table-wrap">
        <table>
          <ItemsHead />
          <tbody>
            {form.config.items.map((item, i) => {
              const stored = rating?.items[i]
              const scoreError = errors[`scores.${i}.score`]
              const reasonError = errors[`scores.${i}.reason`]
              return (
                <tr key={i} data-item={item.name}>
                  <td>{item.name}</td>
                  <td>{formatScore(item.points)}</td>
                  <td>
                    <input
                      name={`score.${i}`}
                      aria-label={`${item.name}得分`}
                      inputMode="decimal"
                      size={5}
                      defaultValue={typed(
                        `score.${i}`,
                        stored?.score == null ? '' : formatScore(stored.score),
                      )}
                      aria-invalid={Boolean(scoreError)}
                    />
                    <CellError error={scoreError} />
                  </td>
                  <td>
                    <textarea
                      name={`reason.${i}`}
                      aria-label={`${item.name}扣分理由`}
                      rows={2}
                      maxLength={MAX_REASON}
                      defaultValue={typed(`reason.${i}`, stored?.reason ?? '')}
                      aria-invalid={Boolean(reasonError)}
                    />
                    <CellError error={reasonError} />
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <label>
        <input type="checkbox" name="veto" defaultChecked={vetoed} />{' '}
        一票否决（弄虚作假、串通等严重违规，等级为不合格）
      </label>
      <Field name="vetoReason" label="一票否决理由" error={errors.vetoReason}>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            maxLength={MAX_VETO_REASON}
            defaultValue={typed('vetoReason', rating?.vetoReason ?? '')}
          />
        )}
      </Field>
      <div className="inline-form">
        <button type="submit" name="intent" value="draft" disabled={busy}>
          保存草稿
        </button>
        <button type="submit" name="intent" value="submit" className="primary" disabled={busy}>
          提交评价
        </button>
        <span className="muted small">提交后不能修改，评价机构可以看到结果。</span>
      </div>
    </Form>
  )
}

function ItemsHead() {
  return (
    <thead>
      <tr>
        <th>评价项目</th>
        <th>分值</th>
        <th>得分</th>
        <th>扣分理由</th>
      </tr>
    </thead>
  )
}
