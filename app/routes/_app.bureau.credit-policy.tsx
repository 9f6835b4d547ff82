import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CellError } from '~/components/cell-error'
import { Field, FormError } from '~/components/field'
import { ENTRY_KINDS, POSITIVE_KIND_CODES, SEVERITIES, labelOf } from '~/domain/credit/categories'
import { creditPolicyPage, saveCreditPolicy } from '~/services/credit-policy.server'
import { actionAnswer } from '~/services/quality.server'
import {
  allValues,
  MAX_BANDS,
  MAX_ROW_INDEX,
  MAX_RULES,
  oneValue,
  policyField as field,
  rowsIn,
} from '~/utils/credit-policy-form'
import type { FormValues } from '~/utils/form'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '信用评价政策 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = creditPolicyPage(getDb(), actor)
  if (!page) throw forbidden()
  return page
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!creditPolicyPage(getDb(), actor)) throw forbidden()
  const result = saveCreditPolicy(getDb(), actor, await request.formData(), now())
  const answer = actionAnswer(result, (v) =>
    v.changed ? `已保存为第 ${v.versionNo} 版，此后计算的信用等级使用新版本。` : '与现行政策相同，未作修改。',
  )
  return data(answer.body, { status: answer.status })
}

const NEGATIVE_KINDS = ENTRY_KINDS.filter((k) => k.direction === 'negative')

const DECAY_OPTIONS = [
  { code: 'none', label: '不衰减：有效期内全额计分' },
  { code: 'linear', label: '线性衰减：自生效日起逐日递减，至到期日为零' },
] as const

/** The next free row index: rows keep their index for good, so a new one never reuses a name. */
const nextRow = (rows: number[]) => Math.min(MAX_ROW_INDEX, Math.max(-1, ...rows) + 1)

export default function CreditPolicyPage() {
  const { caption, values: inForce, versionNo, versions, mayEdit } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const typed = actionData && Object.keys(actionData.values).length > 0 ? actionData.values : null
  const latest = versions[0]
  return (
    <section data-testid="credit-policy">
      <h1>信用评价政策</h1>
      <p data-testid="policy-in-force">
        现行政策：<strong>{caption}</strong>
        {latest ? `，${latest.createdByName}于 ${formatDateTime(latest.createdAt)} 设置。` : '。本局尚未设置，现采用平台默认政策。'}
      </p>
      <p className="muted">
        本局查看的信用档案均按本政策计算得分、等级和失信名单，并在等级旁注明政策名称和版本；每次保存形成新版本，原有版本不再改动，此前记录的信用快照仍按其当时的版本复核。
        {mayEdit ? null : '仅本局账号管理员可以修改。'}
      </p>
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      <PolicyForm
        // A new version (saved here or elsewhere) starts the form afresh from it; a refused save keeps what was typed.
        key={versionNo}
        values={typed ?? inForce}
        spareRows={typed === null && mayEdit}
        errors={actionData?.errors ?? {}}
        basedOn={versionNo}
        mayEdit={mayEdit}
      />
      {versions.length > 0 ? (
        <div className="card" data-testid="policy-versions">
          <h2>历史版本</h2>
          <ul>
            {versions.map((v) => (
              <li key={v.versionNo}>{`第 ${v.versionNo} 版 · ${v.createdByName} · ${formatDateTime(v.createdAt)}`}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  )
}

type Errors = Record<string, string | undefined>

type FormProps = {
  values: FormValues
  spareRows: boolean
  errors: Errors
  basedOn: number
  mayEdit: boolean
}

/** The rows of one table, by their index in the field names; removing one keeps the others' names. */
function useRows(initial: number[], spare: boolean) {
  // One blank row under each table lets a row be added without script; the button adds more.
  const [rows, setRows] = useState(() => (spare ? [...initial, nextRow(initial)] : initial))
  return {
    rows,
    add: () => setRows((r) => [...r, nextRow(r)]),
    remove: (row: number) => setRows((r) => r.filter((x) => x !== row)),
  }
}

type CellProps = {
  name: string
  label: string
  values: FormValues
  errors: Errors
  size: number
  inputMode?: 'decimal' | 'numeric'
}

/** One input of a table row, with its message under it (the row's cells have no label of their own). */
function InputCell({ name, label, values, errors, size, inputMode }: CellProps) {
  return (
    <td>
      <input
        name={name}
        aria-label={label}
        inputMode={inputMode}
        size={size}
        defaultValue={oneValue(values, name)}
        aria-invalid={Boolean(errors[name])}
      />
      <CellError error={errors[name]} />
    </td>
  )
}

function RemoveCell({ onRemove }: { onRemove: () => void }) {
  return (
    <td>
      <button type="button" onClick={onRemove}>
        删除
      </button>
    </td>
  )
}

function AddRow({ label, onAdd }: { label: string; onAdd: () => void }) {
  return (
    <div>
      <button type="button" onClick={onAdd}>
        {label}
      </button>
    </div>
  )
}

function PolicyForm({ values, spareRows, errors, basedOn, mayEdit }: FormProps) {
  const busy = useNavigation().state === 'submitting'
  const bands = useRows(rowsIn(values, 'band'), spareRows)
  const rules = useRows(rowsIn(values, 'rule'), spareRows)
  const v = (key: string) => oneValue(values, key)
  const cell = { values, errors }
  return (
    <Form method="post" noValidate className="stack card" data-testid="credit-policy-form">
      <input type="hidden" name="basedOn" value={basedOn} />
      <FormError error={errors._form} />
      <fieldset disabled={!mayEdit} className="stack">
        <h2>基本设置</h2>
        <Field name="name" label="政策名称" error={errors.name}>
          {(p) => <input {...p} defaultValue={v('name')} size={30} />}
        </Field>
        <p className="muted small">分值以“分”填写，最多两位小数。</p>
        <Field name="baseScore" label="基础分" error={errors.baseScore}>
          {(p) => <input {...p} inputMode="decimal" size={8} defaultValue={v('baseScore')} />}
        </Field>
        <Field name="minScore" label="最低分" error={errors.minScore}>
          {(p) => <input {...p} inputMode="decimal" size={8} defaultValue={v('minScore')} />}
        </Field>
        <Field name="maxScore" label="最高分" error={errors.maxScore}>
          {(p) => <input {...p} inputMode="decimal" size={8} defaultValue={v('maxScore')} />}
        </Field>
        <Field name="decay" label="时间衰减" error={errors.decay}>
          {(p) => (
            <select {...p} defaultValue={v('decay')}>
              {DECAY_OPTIONS.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="appealWindowDays" label="申诉期限（天，自记录生效或录入之日起）" error={errors.appealWindowDays}>
          {(p) => <input {...p} inputMode="numeric" size={5} defaultValue={v('appealWindowDays')} />}
        </Field>

        <h2>失信记录扣分</h2>
        <p className="muted small">按严重程度扣分，录入时可另定分值；有效期留空表示长期有效。</p>
        <table data-testid="negative-points">
          <thead>
            <tr>
              <th>严重程度</th>
              <th>扣分</th>
              <th>有效期（月）</th>
            </tr>
          </thead>
          <tbody>
            {SEVERITIES.map((s) => (
              <tr key={s.code}>
                <td>{s.label}</td>
                <InputCell {...cell} name={field.negPoints(s.code)} label={`「${s.label}」扣分`} inputMode="decimal" size={8} />
                <InputCell {...cell} name={field.negExpiry(s.code)} label={`「${s.label}」有效期（月）`} inputMode="numeric" size={5} />
              </tr>
            ))}
          </tbody>
        </table>

        <h2>守信记录加分</h2>
        <table data-testid="positive-points">
          <thead>
            <tr>
              <th>类别</th>
              <th>加分</th>
            </tr>
          </thead>
          <tbody>
            {POSITIVE_KIND_CODES.map((k) => (
              <tr key={k}>
                <td>{labelOf(ENTRY_KINDS, k)}</td>
                <InputCell {...cell} name={field.posPoints(k)} label={`「${labelOf(ENTRY_KINDS, k)}」加分`} inputMode="decimal" size={8} />
              </tr>
            ))}
          </tbody>
        </table>
        <Field name="positiveExpiry" label="守信记录有效期（月，留空为长期有效）" error={errors.positiveExpiry}>
          {(p) => <input {...p} inputMode="numeric" size={5} defaultValue={v('positiveExpiry')} />}
        </Field>

        <h2>信用等级</h2>
        <p className="muted small">
          自高到低填写；得分达到分数下限（含本数）即为该等级，最后一个等级须覆盖到最低分。清空一行即删除该等级。
        </p>
        <table data-testid="grade-bands">
          <thead>
            <tr>
              <th>等级</th>
              <th>说明</th>
              <th>分数下限</th>
              {mayEdit ? <th aria-label="操作" /> : null}
            </tr>
          </thead>
          <tbody>
            {bands.rows.map((row, i) => (
              <tr key={row}>
                <InputCell {...cell} name={field.band(row, 'grade')} label={`第 ${i + 1} 个等级名称`} size={4} />
                <InputCell {...cell} name={field.band(row, 'label')} label={`第 ${i + 1} 个等级说明`} size={24} />
                <InputCell {...cell} name={field.band(row, 'minScore')} label={`第 ${i + 1} 个等级分数下限`} inputMode="decimal" size={8} />
                {mayEdit ? <RemoveCell onRemove={() => bands.remove(row)} /> : null}
              </tr>
            ))}
          </tbody>
        </table>
        <CellError error={errors.bands} />
        {mayEdit && bands.rows.length < MAX_BANDS ? <AddRow label="添加等级" onAdd={bands.add} /> : null}
        <Field name="blacklistedGrade" label="失信名单期间的等级（留空则按得分定级）" error={errors.blacklistedGrade}>
          {(p) => <input {...p} size={4} defaultValue={v('blacklistedGrade')} />}
        </Field>
        <Field name="drawMinGrade" label="专家参加抽取和邀请的最低等级（留空不限）" error={errors.drawMinGrade}>
          {(p) => <input {...p} size={4} defaultValue={v('drawMinGrade')} />}
        </Field>

        <h2>失信名单规则</h2>
        <p className="muted small">
          统计期间内累计达到次数的所列类别记录（不低于最低严重程度），自达到之日起列入失信名单若干年；次数为 1
          时无需统计期间。清空一行即删除该规则。
        </p>
        <table data-testid="blacklist-rules">
          <thead>
            <tr>
              <th>规则说明</th>
              <th>记录类别</th>
              <th>最低严重程度</th>
              <th>次数</th>
              <th>统计期间（月）</th>
              <th>失信期限（年）</th>
              {mayEdit ? <th aria-label="操作" /> : null}
            </tr>
          </thead>
          <tbody>
            {rules.rows.map((row, i) => (
              <tr key={row}>
                <InputCell {...cell} name={field.rule(row, 'label')} label={`第 ${i + 1} 条规则说明`} size={24} />
                <td>
                  <input type="hidden" name={field.rule(row, 'id')} value={v(field.rule(row, 'id'))} />
                  <select
                    multiple
                    size={5}
                    name={field.rule(row, 'kinds')}
                    aria-label={`第 ${i + 1} 条规则记录类别`}
                    defaultValue={allValues(values, field.rule(row, 'kinds'))}
                    aria-invalid={Boolean(errors[field.rule(row, 'kinds')])}
                  >
                    {NEGATIVE_KINDS.map((k) => (
                      <option key={k.code} value={k.code}>
                        {k.label}
                      </option>
                    ))}
                  </select>
                  <CellError error={errors[field.rule(row, 'kinds')]} />
                </td>
                <td>
                  <select
                    name={field.rule(row, 'minSeverity')}
                    aria-label={`第 ${i + 1} 条规则最低严重程度`}
                    defaultValue={v(field.rule(row, 'minSeverity'))}
                    aria-invalid={Boolean(errors[field.rule(row, 'minSeverity')])}
                  >
                    <option value="">不限</option>
                    {SEVERITIES.map((s) => (
                      <option key={s.code} value={s.code}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                  <CellError error={errors[field.rule(row, 'minSeverity')]} />
                </td>
                <InputCell {...cell} name={field.rule(row, 'count')} label={`第 ${i + 1} 条规则次数`} inputMode="numeric" size={3} />
                <InputCell {...cell} name={field.rule(row, 'withinMonths')} label={`第 ${i + 1} 条规则统计期间`} inputMode="numeric" size={4} />
                <InputCell {...cell} name={field.rule(row, 'years')} label={`第 ${i + 1} 条规则失信期限`} inputMode="numeric" size={3} />
                {mayEdit ? <RemoveCell onRemove={() => rules.remove(row)} /> : null}
              </tr>
            ))}
          </tbody>
        </table>
        <CellError error={errors.rules} />
        {mayEdit && rules.rows.length < MAX_RULES ? <AddRow label="添加规则" onAdd={rules.add} /> : null}
      </fieldset>
      {mayEdit ? (
        <div>
          <button type="submit" className="primary" disabled={busy}>
            保存为新版本
          </button>
        </div>
      ) : null}
    </Form>
  )
}
