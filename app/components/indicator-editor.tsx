// The tree editor for framework drafts and scoring sheet drafts. Every row posts as parallel arrays;
// the row buttons (添加下级, 上移, 下移, 删除) post the whole form with an intent, so nothing typed is
// lost and the page works without JavaScript.
import { Form, useNavigation } from '@remix-run/react'
import { formatRuleSpec } from '~/domain/indicators/rule-spec'
import { DIRECTIONS, INDICATOR_SOURCES, MAX_LEVEL, RULE_TYPES, WEIGHT_BASES, flattenTree, type IndicatorTree } from '~/domain/indicators/tree'
import type { ValidationIssue } from '~/domain/indicators/validate'
import { EDITOR_ROW_FIELDS, type EditorField } from '~/utils/indicator-form'
import { FormError } from './field'
import { weightText } from './indicator-tree'

const FIELDS = EDITOR_ROW_FIELDS
type Field = EditorField
export type EditorRow = Record<Field, string>

export function editorRowsFromTree(tree: IndicatorTree): EditorRow[] {
  return flattenTree(tree).map((r) => ({
    level: String(r.level),
    code: r.code,
    name: r.name,
    weight: weightText(r.weight),
    weightBasis: r.weightBasis,
    source: r.source,
    explanation: r.explanation,
    points: r.points.join('\n'),
    formula: r.formula,
    ruleType: r.rule?.type ?? '',
    ruleParams: r.rule ? formatRuleSpec(r.rule) : '',
    ruleText: r.ruleText,
    unit: r.unit,
    target: r.target,
    direction: r.direction,
    evidence: r.evidence,
  }))
}

/** The rows exactly as they were posted, so a refused form shows what was typed. */
export function editorRowsFromValues(values: Record<string, string | string[] | undefined>): EditorRow[] {
  const col = (f: Field) => {
    const v = values[f]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  const count = col('level').length
  return Array.from({ length: count }, (_, i) => Object.fromEntries(FIELDS.map((f) => [f, col(f)[i] ?? ''])) as EditorRow)
}

type Props = {
  rows: EditorRow[]
  version: number
  weighted: boolean
  errors: Record<string, string | undefined>
  issues: ValidationIssue[]
}

export function IndicatorEditor({ rows, version, weighted, errors, issues }: Props) {
  const busy = useNavigation().state === 'submitting'
  const issuesByCode = new Map<string, ValidationIssue[]>()
  for (const i of issues) if (i.code) issuesByCode.set(i.code, [...(issuesByCode.get(i.code) ?? []), i])
  return (
    <Form method="post" noValidate className="indicator-editor" data-testid="indicator-editor">
      <input type="hidden" name="version" value={version} />
      <FormError error={errors._form} />
      <div className="editor-rows">
        {rows.map((row, i) => {
          const err = (f: Field) => errors[`${f}.${i}`]
          const level = Math.min(Math.max(Number(row.level) || 1, 1), MAX_LEVEL)
          const rowIssues = issuesByCode.get(row.code) ?? []
          return (
            <fieldset key={i} className={`editor-row level-${level}`} data-row={i} data-code={row.code}>
              <legend className="visually-hidden">第 {i + 1} 行</legend>
              <input type="hidden" name="level" value={row.level} />
              <div className="editor-line">
                <span className="level-tag">{['一级', '二级', '三级', '四级'][level - 1]}</span>
                <label>
                  <span className="visually-hidden">编码</span>
                  <input name="code" defaultValue={row.code} aria-label={`第${i + 1}行 编码`} className="code-input" maxLength={40} aria-invalid={Boolean(err('code'))} />
                </label>
                <label className="grow">
                  <span className="visually-hidden">名称</span>
                  <input name="name" defaultValue={row.name} aria-label={`第${i + 1}行 名称`} placeholder="指标名称" maxLength={200} aria-invalid={Boolean(err('name'))} />
                </label>
                <label>
                  <span className="visually-hidden">权重</span>
                  <input
                    name="weight"
                    defaultValue={row.weight}
                    aria-label={`第${i + 1}行 权重`}
                    inputMode="decimal"
                    className="weight-input"
                    disabled={!weighted}
                    aria-invalid={Boolean(err('weight'))}
                  />
                  {weighted ? <span className="unit">分</span> : null}
                </label>
                {!weighted ? <input type="hidden" name="weight" value={row.weight} /> : null}
                <label>
                  <span className="visually-hidden">计分规则</span>
                  <select
                    name="ruleType"
                    defaultValue={row.ruleType}
                    aria-label={`第${i + 1}行 计分规则`}
                    onChange={(e) => {
                      // A new type rarely fits the old parameters: start from that type's defaults.
                      const params = e.currentTarget.form?.querySelectorAll<HTMLInputElement>('input[name="ruleParams"]')[i]
                      if (params) params.value = ''
                    }}
                  >
                    <option value="">（非末级，不计分）</option>
                    {RULE_TYPES.map((t) => (
                      <option key={t.code} value={t.code}>
                        {t.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="grow">
                  <span className="visually-hidden">规则参数</span>
                  <input name="ruleParams" defaultValue={row.ruleParams} aria-label={`第${i + 1}行 规则参数`} placeholder="留空则用默认参数" maxLength={2000} aria-invalid={Boolean(err('ruleParams'))} />
                </label>
                <span className="row-actions">
                  {level < MAX_LEVEL ? (
                    <button type="submit" name="intent" value={`add-child:${i}`} disabled={busy} title="在本指标下添加下级指标">
                      添加下级
                    </button>
                  ) : null}
                  <button type="submit" name="intent" value={`up:${i}`} disabled={busy} aria-label={`上移第${i + 1}行`}>
                    ↑
                  </button>
                  <button type="submit" name="intent" value={`down:${i}`} disabled={busy} aria-label={`下移第${i + 1}行`}>
                    ↓
                  </button>
                  <button type="submit" name="intent" value={`remove:${i}`} disabled={busy} className="danger" aria-label={`删除第${i + 1}行（含下级）`}>
                    删除
                  </button>
                </span>
              </div>
              {FIELDS.map((f) =>
                err(f) ? (
                  <p key={f} className="field-error" role="alert">
                    {FIELD_LABELS[f]}：{err(f)}
                  </p>
                ) : null,
              )}
              {rowIssues.map((issue, k) => (
                <p key={k} className={issue.severity === 'error' ? 'field-error' : 'warning'}>
                  {issue.message}
                </p>
              ))}
              <details>
                <summary>解释、评价要点、目标值等</summary>
                <div className="editor-details">
                  <label>
                    指标解释
                    <textarea name="explanation" defaultValue={row.explanation} rows={2} maxLength={4000} />
                  </label>
                  <label>
                    评价要点（每行一个）
                    <textarea name="points" defaultValue={row.points} rows={3} maxLength={10000} />
                  </label>
                  <label>
                    计算公式
                    <input name="formula" defaultValue={row.formula} maxLength={1000} />
                  </label>
                  <label>
                    评分标准（文字）
                    <textarea name="ruleText" defaultValue={row.ruleText} rows={2} maxLength={4000} />
                  </label>
                  <label>
                    计量单位
                    <input name="unit" defaultValue={row.unit} maxLength={40} aria-invalid={Boolean(err('unit'))} />
                  </label>
                  <label>
                    目标值
                    <input name="target" defaultValue={row.target} maxLength={200} aria-invalid={Boolean(err('target'))} />
                  </label>
                  <CodeSelect label="方向" name="direction" value={row.direction} options={DIRECTIONS} />
                  <label>
                    佐证材料
                    <input name="evidence" defaultValue={row.evidence} maxLength={2000} />
                  </label>
                  <CodeSelect label="权重性质" name="weightBasis" value={row.weightBasis} options={WEIGHT_BASES} />
                  <CodeSelect label="指标来源" name="source" value={row.source} options={INDICATOR_SOURCES} />
                </div>
              </details>
            </fieldset>
          )
        })}
      </div>
      <div className="editor-footer">
        <button type="submit" name="intent" value="add-root" disabled={busy}>
          添加一级指标
        </button>
        <button type="submit" name="intent" value="save" className="primary" disabled={busy}>
          {busy ? '正在保存…' : '保存并校验'}
        </button>
      </div>
    </Form>
  )
}

const FIELD_LABELS: Record<Field, string> = {
  level: '层级',
  code: '编码',
  name: '名称',
  weight: '权重',
  weightBasis: '权重性质',
  source: '来源',
  explanation: '指标解释',
  points: '评价要点',
  formula: '计算公式',
  ruleType: '计分规则',
  ruleParams: '规则参数',
  ruleText: '评分标准',
  unit: '计量单位',
  target: '目标值',
  direction: '方向',
  evidence: '佐证材料',
}

function CodeSelect({ label, name, value, options }: { label: string; name: string; value: string; options: readonly { code: string; label: string }[] }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value}>
        {options.map((d) => (
          <option key={d.code} value={d.code}>
            {d.label}
          </option>
        ))}
      </select>
    </label>
  )
}
