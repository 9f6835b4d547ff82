import { Form, Link } from '@remix-run/react'
import { useState } from 'react'
import { Field, FormError } from '~/components/field'
import { useHydrated } from '~/components/use-hydrated'
import { EXPERT_STATUSES, RELATION_KINDS, TITLES } from '~/domain/experts/vocab'
import { EXPERT_ROW_GROUPS } from '~/utils/expert-form'

export type ExpertFormValues = Record<string, string | string[] | undefined>
type Errors = Record<string, string | undefined>
type Specialty = { code: string; label: string; active: boolean }

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : [])

/** A select's options: a blank first choice, then the list. */
export function Choices({ list }: { list: readonly { code: string; label: string }[] }) {
  return (
    <>
      <option value="">请选择</option>
      {list.map((x) => (
        <option key={x.code} value={x.code}>
          {x.label}
        </option>
      ))}
    </>
  )
}

export function statusBadge(status: string) {
  const label = EXPERT_STATUSES.find((s) => s.code === status)?.label ?? status
  return <span className={status === 'active' ? 'badge ok' : 'badge off'}>{label}</span>
}

type Props = {
  specialties: readonly Specialty[]
  values: ExpertFormValues
  errors: Errors
  /** The edit form carries the optimistic-concurrency token and its intent. */
  version?: number
  submitLabel: string
  cancelTo: string
  busy: boolean
}

/** The expert form shared by 新增 and 编辑. Works without JavaScript except adding rows. */
export function ExpertForm({ specialties, values, errors, version, submitLabel, cancelTo, busy }: Props) {
  const chosen = new Set(many(values.specialties))
  // A retired specialty is offered only to an expert who already has it.
  const offered = specialties.filter((s) => s.active || chosen.has(s.code))
  const g = EXPERT_ROW_GROUPS
  return (
    <Form method="post" noValidate className="stack expert-form">
      {version !== undefined ? (
        <>
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="version" value={version} />
        </>
      ) : null}
      <FormError error={errors._form ?? errors.version} />
      <div className="form-grid">
        <Field name="name" label="姓名" error={errors.name}>
          {(p) => <input {...p} type="text" maxLength={50} defaultValue={one(values.name)} />}
        </Field>
        <Field name="title" label="职称" error={errors.title}>
          {(p) => (
            <select {...p} defaultValue={one(values.title)}>
              <Choices list={TITLES} />
            </select>
          )}
        </Field>
        <Field name="employer" label="工作单位" error={errors.employer}>
          {(p) => <input {...p} type="text" maxLength={100} defaultValue={one(values.employer)} />}
        </Field>
        <Field name="region" label="地区" error={errors.region} hint="如：浙江省杭州市">
          {(p) => <input {...p} type="text" maxLength={50} defaultValue={one(values.region)} />}
        </Field>
        <Field name="phone" label="手机/电话" error={errors.phone} hint="手机 11 位；座机带区号，如 0571-87654321">
          {(p) => <input {...p} type="tel" maxLength={30} defaultValue={one(values.phone)} />}
        </Field>
        <Field name="email" label="邮箱" error={errors.email}>
          {(p) => <input {...p} type="email" maxLength={254} defaultValue={one(values.email)} />}
        </Field>
      </div>
      <fieldset className={errors.specialties ? 'checks has-error' : 'checks'} aria-describedby={errors.specialties ? 'specialties-error' : undefined}>
        <legend>专业领域</legend>
        {offered.map((s) => (
          <label key={s.code} className="check">
            <input type="checkbox" name="specialties" value={s.code} defaultChecked={chosen.has(s.code)} />
            {s.label}
            {s.active ? null : <span className="muted">（已停用）</span>}
          </label>
        ))}
        {errors.specialties ? (
          <p className="field-error" id="specialties-error" role="alert">
            {errors.specialties}
          </p>
        ) : null}
      </fieldset>

      <RowGroup
        legend="任职经历"
        hint="用于回避判断：在被评价单位或其主管部门任职的，按回避年限自动回避。仍在职的截止日期留空。"
        group="employments"
        columns={[
          { name: g.employments.fields.organization, label: '单位', kind: 'text' },
          { name: g.employments.fields.fromDate, label: '起始日期', kind: 'date' },
          { name: g.employments.fields.toDate, label: '截止日期', kind: 'date' },
        ]}
        values={values}
        errors={errors}
      />
      <RowGroup
        legend="关联关系"
        hint="本人或近亲属与某单位的关系：近亲属任职、持股、顾问等。"
        group="relations"
        columns={[
          { name: g.relations.fields.kind, label: '关系类型', kind: 'select', options: RELATION_KINDS },
          { name: g.relations.fields.organization, label: '单位', kind: 'text' },
          { name: g.relations.fields.note, label: '说明', kind: 'text', max: 200 },
        ]}
        values={values}
        errors={errors}
      />
      <RowGroup
        legend="不可参加日期"
        hint="这些日期内不会被抽取。"
        group="unavailability"
        columns={[
          { name: g.unavailability.fields.fromDate, label: '起', kind: 'date' },
          { name: g.unavailability.fields.toDate, label: '止', kind: 'date' },
          { name: g.unavailability.fields.note, label: '说明', kind: 'text', max: 200 },
        ]}
        values={values}
        errors={errors}
      />

      <Field name="note" label="备注" error={errors.note}>
        {(p) => <textarea {...p} maxLength={1000} defaultValue={one(values.note)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? '正在保存…' : submitLabel}
        </button>
        <Link to={cancelTo}>取消</Link>
      </div>
    </Form>
  )
}

type Column = { name: string; label: string; kind: 'text' | 'date' | 'select'; max?: number; options?: readonly { code: string; label: string }[] }

/**
 * Repeatable rows. Rows carry stable keys so removing one keeps what was typed in the others; the
 * row's index in the submitted form is the index the server's errors ("employmentFrom.2") name.
 */
function RowGroup({ legend, hint, group, columns, values, errors }: { legend: string; hint: string; group: string; columns: Column[]; values: ExpertFormValues; errors: Errors }) {
  const lists = columns.map((c) => many(values[c.name]))
  const initial = Math.max(1, ...lists.map((l) => l.length))
  const [rows, setRows] = useState(() => Array.from({ length: initial }, (_, i) => i))
  const [nextKey, setNextKey] = useState(initial)
  const interactive = useHydrated()
  const layout = { gridTemplateColumns: `${columns.map((c) => (c.kind === 'date' ? '10rem' : '1fr')).join(' ')} auto` }
  return (
    <fieldset className={errors[group] ? 'units has-error' : 'units'} data-testid={`rows-${group}`}>
      <legend>{legend}</legend>
      <p className="hint">{hint}</p>
      {rows.map((key, index) => (
        <div className="unit-row" key={key} style={layout}>
          {columns.map((c, ci) => {
            const error = errors[`${c.name}.${index}`]
            const id = `${c.name}-${key}`
            const value = lists[ci]![key] ?? ''
            return (
              <div className={error ? 'field has-error' : 'field'} key={c.name}>
                <label htmlFor={id}>
                  {c.label}
                  {ci === 0 ? ` ${index + 1}` : ''}
                </label>
                {c.kind === 'select' ? (
                  <select id={id} name={c.name} defaultValue={value} aria-invalid={Boolean(error)}>
                    <Choices list={c.options ?? []} />
                  </select>
                ) : (
                  <input id={id} name={c.name} type={c.kind} maxLength={c.kind === 'text' ? (c.max ?? 100) : undefined} defaultValue={value} aria-invalid={Boolean(error)} />
                )}
                {error ? (
                  <p className="field-error" role="alert">
                    {error}
                  </p>
                ) : null}
              </div>
            )
          })}
          {interactive && rows.length > 1 ? (
            <button type="button" className="remove-row" onClick={() => setRows(rows.filter((k) => k !== key))} aria-label={`删除${legend} ${index + 1}`}>
              删除
            </button>
          ) : (
            <span />
          )}
        </div>
      ))}
      {errors[group] ? (
        <p className="field-error" role="alert">
          {errors[group]}
        </p>
      ) : null}
      {interactive ? (
        <button
          type="button"
          onClick={() => {
            setRows([...rows, nextKey])
            setNextKey(nextKey + 1)
          }}
        >
          添加一行
        </button>
      ) : null}
    </fieldset>
  )
}
