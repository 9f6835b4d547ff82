// 评价数据: a card per leaf indicator where the agency records the facts its scoring rule needs and
// where they come from; after saving, the rule's suggested score with its computation. Experts see
// the same data beside the indicator when they score.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { pointsText } from '~/domain/indicators/rules'
import { RULE_TYPES, labelOf } from '~/domain/indicators/tree'
import { PHASE_LABELS } from '~/domain/scoring/phases'
import {
  indicatorDataPage,
  NOTE_MAX,
  saveIndicatorData,
  type IndicatorDataCard,
} from '~/services/indicator-data.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `评价数据 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = indicatorDataPage(getDb(), actor, params.id ?? '')
  if (!page) throw notFound()
  return {
    engagement: { id: page.engagement.id, name: page.engagement.name },
    sheet: page.sheet,
    scoringPhase: page.scoringPhase ? PHASE_LABELS[page.scoringPhase] : null,
    mayEdit: page.mayEdit,
    items: page.items,
  }
}

type ActionData = {
  code: string
  errors: Record<string, string>
  values: Record<string, string | string[]>
  saved: boolean
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  // The service decides who may see and edit, inside its transaction; the door refuses the rest early.
  if (!indicatorDataPage(db, actor, params.id ?? '')) throw notFound()
  const fd = await request.formData()
  const code = typeof fd.get('code') === 'string' ? String(fd.get('code')) : ''
  const result = saveIndicatorData(db, actor, params.id ?? '', fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return data<ActionData>(
      { code, errors: result.errors, values: result.values ?? {}, saved: false },
      { status: result.status },
    )
  }
  return data<ActionData>({ code: result.value.code, errors: {}, values: {}, saved: true })
}

export default function IndicatorDataPage() {
  const { engagement: e, sheet, scoringPhase, mayEdit, items } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const entered = items.filter((i) => i.version > 0).length
  return (
    <section data-testid="indicator-data-page" className="scoring">
      <p>
        <Link to={`/engagements/${e.id}`}>← {e.name}</Link>
      </p>
      <h1>评价数据</h1>
      {!sheet ? (
        <p className="muted">
          尚未建立评分表。<Link to={`/engagements/${e.id}/sheet`}>去建立评分表</Link>
        </p>
      ) : (
        <>
          <p className="muted">
            评分表第 {sheet.versionNo} 版 · 已录入 <strong data-testid="data-progress">{entered}</strong> /{' '}
            {items.length} 个末级指标
          </p>
          <p className="muted small">
            按指标录入计分规则所需的实际数据，并说明数据来源；保存后显示按规则计算的建议得分。专家评分时可看到这些数据和建议得分，仅供参考。
          </p>
          {scoringPhase ? (
            <p className="warning" role="status">
              专家评分已开始（{scoringPhase}）：修改仍会保存，专家看到的是最新数据，每次修改都记入审计日志。
            </p>
          ) : null}
          {!mayEdit ? (
            <p className="muted">您可以查看评价数据；只有项目组成员可以修改，项目归档后不能再修改。</p>
          ) : null}
          {items.map((item) => (
            <DataCard
              key={`${item.code}-${item.version}`}
              item={item}
              mayEdit={mayEdit}
              result={actionData?.code === item.code ? actionData : undefined}
            />
          ))}
        </>
      )}
    </section>
  )
}

function DataCard({
  item,
  mayEdit,
  result,
}: {
  item: IndicatorDataCard
  mayEdit: boolean
  result?: ActionData
}) {
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' && navigation.formData?.get('code') === item.code
  const errors = result?.errors ?? {}
  const typed = (name: string, saved: string) => {
    if (!result || result.saved) return saved
    const v = result.values[name]
    return typeof v === 'string' ? v : ''
  }
  const id = (name: string) => `d-${item.code}-${name}`
  // Point-by-point checkboxes read as a list; figures sit side by side.
  const checks = item.fields.filter((f) => f.kind === 'checkbox')
  const entries = item.fields.filter((f) => f.kind !== 'checkbox')
  const input = (f: IndicatorDataCard['fields'][number]) => (
    <RuleFieldInput
      key={f.name}
      field={f}
      id={id(f.name)}
      value={typed(f.name, f.value)}
      error={errors[f.name]}
      disabled={!mayEdit}
    />
  )
  return (
    <Form
      method="post"
      noValidate
      preventScrollReset
      className={`card stack${Object.keys(errors).length > 0 ? ' has-error' : ''}`}
      data-code={item.code}
      id={`data-${item.code}`}
    >
      <input type="hidden" name="code" value={item.code} />
      <input type="hidden" name="version" value={item.version} />
      <p className="muted small">{item.path}</p>
      <h2>
        {item.code} {item.name}{' '}
        <span className="muted">
          （{pointsText(item.weight)} 分{item.ruleType ? `，${labelOf(RULE_TYPES, item.ruleType)}` : ''}）
        </span>
      </h2>
      {item.explanation ? <p className="small">{item.explanation}</p> : null}
      {item.points.length > 0 ? (
        <ol className="points small">
          {item.points.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ol>
      ) : null}
      {item.ruleText ? <p className="small">评分标准：{item.ruleText}</p> : null}
      {item.evidence ? <p className="muted small">佐证材料：{item.evidence}</p> : null}
      <FormError error={errors._form ?? errors.version ?? errors.code} />
      {item.stale ? (
        <p className="warning small">计分规则已变更，此前录入的数据不再适用，请按现行规则重新录入。</p>
      ) : null}
      {item.fields.length === 0 ? (
        <p className="muted small">本指标没有可计算的计分规则，请在下方说明数据情况。</p>
      ) : null}
      {checks.length > 0 ? <div className="stack">{checks.map(input)}</div> : null}
      {entries.length > 0 ? <div className="score-fields">{entries.map(input)}</div> : null}
      <div className={errors.note ? 'field has-error' : 'field'}>
        <label htmlFor={id('note')}>数据说明与来源</label>
        <textarea
          id={id('note')}
          name="note"
          rows={3}
          maxLength={NOTE_MAX}
          defaultValue={typed('note', item.note)}
          disabled={!mayEdit}
          aria-invalid={Boolean(errors.note)}
          aria-describedby={errors.note ? `${id('note')}-error` : undefined}
        />
        {errors.note ? (
          <p className="field-error" id={`${id('note')}-error`} role="alert">
            {errors.note}
          </p>
        ) : null}
      </div>
      {item.suggestion ? (
        item.suggestion.ok ? (
          <p className="notice" data-testid="suggestion">
            建议得分 <strong>{pointsText(item.suggestion.score)} 分</strong>：{item.suggestion.reasoning}
          </p>
        ) : (
          <p className="warning" data-testid="suggestion">
            暂无法计算建议得分：{item.suggestion.message}
          </p>
        )
      ) : null}
      <p className="small muted">
        {result?.saved ? '已保存。' : ''}
        {item.updatedAt
          ? `最近修改：${formatDateTime(item.updatedAt)}${item.updatedByName ? `，${item.updatedByName}` : ''}`
          : '尚未录入'}{' '}
        {mayEdit ? (
          <button type="submit" disabled={busy}>
            {busy ? '正在保存…' : '保存'}
          </button>
        ) : null}
      </p>
    </Form>
  )
}

function RuleFieldInput({
  field: f,
  id,
  value,
  error,
  disabled,
}: {
  field: IndicatorDataCard['fields'][number]
  id: string
  value: string
  error?: string
  disabled: boolean
}) {
  const common = {
    id,
    name: f.name,
    disabled,
    'aria-invalid': Boolean(error),
    'aria-describedby': error ? `${id}-error` : undefined,
  }
  return (
    <div>
      {f.kind === 'checkbox' ? (
        <label className="check" htmlFor={id}>
          <input type="checkbox" {...common} defaultChecked={value !== ''} /> {f.label}
        </label>
      ) : (
        <label htmlFor={id}>
          {f.label}
          {f.kind === 'select' ? (
            <select {...common} defaultValue={value}>
              <option value="">未评定</option>
              {f.options?.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input {...common} defaultValue={value} inputMode="decimal" maxLength={40} />
          )}
        </label>
      )}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
