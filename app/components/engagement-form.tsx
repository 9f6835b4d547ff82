import { Form, Link } from '@remix-run/react'
import { useState } from 'react'
import { Field, FormError } from '~/components/field'
import { useHydrated } from '~/components/use-hydrated'
import { BUDGET_TYPES, ENGAGEMENT_KINDS } from '~/domain/engagement'
import { roleLabel } from '~/domain/roles'

export type EngagementFormValues = Record<string, string | string[] | undefined>

type Props = {
  bureaus: { id: string; name: string }[]
  staff: { id: string; displayName: string; role: string }[]
  values: EngagementFormValues
  errors: Record<string, string | undefined>
  /** Present on the edit form: the optimistic-concurrency token. */
  version?: number
  submitLabel: string
  cancelTo: string
  busy: boolean
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : [])

/** The engagement form shared by 新建 and 编辑. Works without JavaScript except adding unit rows. */
export function EngagementForm({ bureaus, staff, values, errors, version, submitLabel, cancelTo, busy }: Props) {
  const members = new Set(many(values.memberIds))
  return (
    <Form method="post" noValidate className="stack engagement-form">
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      <FormError error={errors._form ?? errors.version} />
      <Field name="name" label="项目名称" error={errors.name}>
        {(p) => <input {...p} type="text" maxLength={200} defaultValue={one(values.name)} />}
      </Field>
      <div className="form-grid">
        <Field name="year" label="评价年度" error={errors.year}>
          {(p) => <input {...p} type="text" inputMode="numeric" defaultValue={one(values.year)} />}
        </Field>
        <Field name="kind" label="评价类型" error={errors.kind}>
          {(p) => (
            <select {...p} defaultValue={one(values.kind)}>
              <option value="">请选择</option>
              {ENGAGEMENT_KINDS.map((k) => (
                <option key={k.code} value={k.code}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="budgetType" label="预算类型" error={errors.budgetType}>
          {(p) => (
            <select {...p} defaultValue={one(values.budgetType)}>
              <option value="">请选择</option>
              {BUDGET_TYPES.map((b) => (
                <option key={b.code} value={b.code}>
                  {b.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="financeBureauId" label="委托财政局" error={errors.financeBureauId}>
          {(p) => (
            <select {...p} defaultValue={one(values.financeBureauId)}>
              <option value="">请选择</option>
              {bureaus.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="funds" label="项目资金（万元）" error={errors.funds} hint="最多 6 位小数，例如 1286.5">
          {(p) => <input {...p} type="text" inputMode="decimal" defaultValue={one(values.funds)} />}
        </Field>
        <Field name="contractNo" label="合同编号" error={errors.contractNo} hint="签订委托合同后填写；进入前期调研前必须填写">
          {(p) => <input {...p} type="text" maxLength={64} defaultValue={one(values.contractNo)} />}
        </Field>
        <Field name="periodStart" label="评价期间起始日" error={errors.periodStart}>
          {(p) => <input {...p} type="date" defaultValue={one(values.periodStart)} />}
        </Field>
        <Field name="periodEnd" label="评价期间截止日" error={errors.periodEnd}>
          {(p) => <input {...p} type="date" defaultValue={one(values.periodEnd)} />}
        </Field>
      </div>

      <UnitRows names={many(values.unitName)} departments={many(values.unitDepartment)} errors={errors} />

      <div className="form-grid">
        <Field name="leadUserId" label="项目负责人" error={errors.leadUserId}>
          {(p) => (
            <select {...p} defaultValue={one(values.leadUserId)}>
              <option value="">请选择</option>
              {staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.displayName}（{roleLabel(s.role)}）
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset className={errors.memberIds ? 'checks has-error' : 'checks'} aria-describedby={errors.memberIds ? 'memberIds-error' : undefined}>
        <legend>项目组成员</legend>
        {staff.length === 0 ? <p className="muted">本机构暂无其他在岗人员。</p> : null}
        {staff.map((s) => (
          <label key={s.id} className="check">
            <input type="checkbox" name="memberIds" value={s.id} defaultChecked={members.has(s.id)} />
            {s.displayName}
            <span className="muted">（{roleLabel(s.role)}）</span>
          </label>
        ))}
        {errors.memberIds ? (
          <p className="field-error" id="memberIds-error" role="alert">
            {errors.memberIds}
          </p>
        ) : null}
      </fieldset>

      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? '正在保存…' : submitLabel}
        </button>
        <Link to={cancelTo}>取消</Link>
      </div>
    </Form>
  )
}

/**
 * Rows of 被评价单位 + 主管部门. Rows carry stable keys so removing one keeps what was typed in
 * the others; the row index in the submitted form is the index the server's errors refer to.
 */
function UnitRows({ names, departments, errors }: { names: string[]; departments: string[]; errors: Record<string, string | undefined> }) {
  const initial = Math.max(1, names.length, departments.length)
  const [rows, setRows] = useState(() => Array.from({ length: initial }, (_, i) => i))
  const [nextKey, setNextKey] = useState(initial)
  // Adding rows needs JavaScript; until the page is hydrated the button would do nothing, so it waits.
  const interactive = useHydrated()
  return (
    <fieldset className={errors.units ? 'units has-error' : 'units'}>
      <legend>被评价单位及主管部门</legend>
      {rows.map((key, index) => {
        const nameError = errors[`unitName.${index}`]
        const deptError = errors[`unitDepartment.${index}`]
        return (
          <div className="unit-row" key={key} data-testid="unit-row">
            <div className={nameError ? 'field has-error' : 'field'}>
              <label htmlFor={`unit-name-${key}`}>被评价单位 {index + 1}</label>
              <input
                id={`unit-name-${key}`}
                name="unitName"
                type="text"
                maxLength={100}
                defaultValue={names[key] ?? ''}
                aria-invalid={Boolean(nameError)}
              />
              {nameError ? <p className="field-error" role="alert">{nameError}</p> : null}
            </div>
            <div className={deptError ? 'field has-error' : 'field'}>
              <label htmlFor={`unit-dept-${key}`}>主管部门</label>
              <input
                id={`unit-dept-${key}`}
                name="unitDepartment"
                type="text"
                maxLength={100}
                defaultValue={departments[key] ?? ''}
                aria-invalid={Boolean(deptError)}
              />
              {deptError ? <p className="field-error" role="alert">{deptError}</p> : null}
            </div>
            {interactive && rows.length > 1 ? (
              <button type="button" className="remove-row" onClick={() => setRows(rows.filter((k) => k !== key))} aria-label={`删除被评价单位 ${index + 1}`}>
                删除
              </button>
            ) : null}
          </div>
        )
      })}
      {errors.units ? (
        <p className="field-error" role="alert">
          {errors.units}
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
          添加被评价单位
        </button>
      ) : null}
    </fieldset>
  )
}
