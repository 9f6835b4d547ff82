// Views around indicator trees: the tree table, the validation list, a version diff, and the
// small shared pieces of the library and sheet pages (version picker, Excel upload, import problems).
import { Form, useNavigation } from '@remix-run/react'
import { describeRule, formatRuleSpec } from '~/domain/indicators/rule-spec'
import type { TreeDiff } from '~/domain/indicators/diff'
import {
  DIRECTIONS,
  INDICATOR_SOURCES,
  RULE_TYPES,
  WEIGHT_BASES,
  flattenTree,
  labelOf,
  type IndicatorTree,
} from '~/domain/indicators/tree'
import type { ValidationIssue } from '~/domain/indicators/validate'
import { pointsText } from '~/domain/indicators/rules'

const LEVEL_NAMES = ['一级指标', '二级指标', '三级指标', '四级指标'] as const

/** "15", "12.5": weights as people write them. */
export const weightText = pointsText

export function IndicatorTreeTable({ tree, issues = [] }: { tree: IndicatorTree; issues?: ValidationIssue[] }) {
  const rows = flattenTree(tree)
  const depth = Math.max(3, ...rows.map((r) => r.level))
  const problemsByCode = new Map<string, ValidationIssue[]>()
  for (const issue of issues) if (issue.code) problemsByCode.set(issue.code, [...(problemsByCode.get(issue.code) ?? []), issue])
  if (rows.length === 0) return <p className="muted">尚无指标。</p>
  return (
    <div className="table-wrap">
      <table className="indicator-table" data-testid="indicator-table">
        <thead>
          <tr>
            <th>编码</th>
            {LEVEL_NAMES.slice(0, depth).map((n) => (
              <th key={n}>{n}</th>
            ))}
            <th>权重</th>
            <th>指标解释</th>
            <th>评价要点</th>
            <th>计分规则</th>
            <th>计量单位</th>
            <th>目标值</th>
            <th>方向</th>
            <th>佐证材料</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, index) => {
            const leaf = (rows[index + 1]?.level ?? 0) <= r.level
            const problems = problemsByCode.get(r.code) ?? []
            const hasError = problems.some((p) => p.severity === 'error')
            return (
              <tr key={r.code} className={`level-${r.level}${hasError ? ' has-error' : ''}`} data-code={r.code}>
                <td className="code">{r.code}</td>
                {LEVEL_NAMES.slice(0, depth).map((n, i) => (
                  <td key={n} className={i + 1 === r.level ? 'name' : undefined}>
                    {i + 1 === r.level ? (
                      <>
                        {r.name}
                        {r.source === 'project' || r.source === 'typical' ? <span className="badge">{labelOf(INDICATOR_SOURCES, r.source)}</span> : null}
                        {problems.map((p, k) => (
                          <span key={k} className={p.severity === 'error' ? 'field-error' : 'warning'} role={p.severity === 'error' ? 'alert' : undefined}>
                            {p.message}
                          </span>
                        ))}
                      </>
                    ) : null}
                  </td>
                ))}
                <td className="num">
                  {tree.weighted ? weightText(r.weight) : '—'}
                  {tree.weighted ? <span className={r.weightBasis === 'official' ? 'badge ok' : 'badge'}>{labelOf(WEIGHT_BASES, r.weightBasis)}</span> : null}
                </td>
                <td className="wide">{r.explanation}</td>
                <td className="wide">
                  {r.points.length > 0 ? (
                    <ol className="points">
                      {r.points.map((p, k) => (
                        <li key={k}>{p}</li>
                      ))}
                    </ol>
                  ) : null}
                  {r.formula ? <p className="formula">{r.formula}</p> : null}
                </td>
                <td className="wide">
                  {r.rule ? (
                    <>
                      <strong>{labelOf(RULE_TYPES, r.rule.type)}</strong>
                      <p>{r.ruleText || describeRule(r.rule, r.weight, r.direction)}</p>
                      <code className="rule-spec">{formatRuleSpec(r.rule)}</code>
                    </>
                  ) : null}
                </td>
                <td>{r.unit}</td>
                <td>{r.target}</td>
                <td>{leaf ? labelOf(DIRECTIONS, r.direction) : null}</td>
                <td>{r.evidence}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

export function ValidationSummary({ issues }: { issues: ValidationIssue[] }) {
  const errors = issues.filter((i) => i.severity === 'error')
  const warnings = issues.filter((i) => i.severity === 'warning')
  if (issues.length === 0)
    return (
      <p className="notice" role="status" data-testid="validation-ok">
        校验通过：权重、编码与计分规则均无问题。
      </p>
    )
  return (
    <div className="validation" data-testid="validation">
      {errors.length > 0 ? (
        <>
          <h3 className="field-error">校验错误 {errors.length} 处（须全部改正后才能发布或冻结）</h3>
          <ul>
            {errors.map((e, k) => (
              <li key={k} className="field-error">
                {e.path ? <span className="muted">{e.path}：</span> : null}
                {e.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {warnings.length > 0 ? (
        <>
          <h3 className="warning">提示 {warnings.length} 处</h3>
          <ul>
            {warnings.map((w, k) => (
              <li key={k} className="warning">
                {w.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  )
}

export function TreeDiffView({ diff }: { diff: TreeDiff }) {
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) return <p className="muted">两个版本的指标完全相同。</p>
  return (
    <div data-testid="tree-diff">
      <IndicatorList title="新增指标" rows={diff.added} />
      <IndicatorList title="删除指标" rows={diff.removed} />
      {diff.changed.length > 0 ? (
        <>
          <h3>修改指标（{diff.changed.length}）</h3>
          <table>
            <thead>
              <tr>
                <th>指标</th>
                <th>项目</th>
                <th>原值</th>
                <th>新值</th>
              </tr>
            </thead>
            <tbody>
              {diff.changed.flatMap((c) =>
                c.changes.map((x, k) => (
                  <tr key={`${c.code}-${k}`}>
                    <td>{k === 0 ? `${c.code} ${c.name}` : ''}</td>
                    <td>{x.label}</td>
                    <td className="pre">{x.before}</td>
                    <td className="pre">{x.after}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  )
}

function IndicatorList({ title, rows }: { title: string; rows: readonly { code: string; name: string; weight: number }[] }) {
  if (rows.length === 0) return null
  return (
    <>
      <h3>
        {title}（{rows.length}）
      </h3>
      <ul>
        {rows.map((r) => (
          <li key={r.code}>
            {r.code} {r.name}（{weightText(r.weight)} 分）
          </li>
        ))}
      </ul>
    </>
  )
}

/** A <select> of a framework's versions ("第 N 版"). */
export function VersionSelect({ name, versions, defaultValue, label }: { name: string; versions: readonly { id: string; versionNo: number }[]; defaultValue?: string; label?: string }) {
  const select = (
    <select name={name} defaultValue={defaultValue}>
      {versions.map((v) => (
        <option key={v.id} value={v.id}>
          第 {v.versionNo} 版
        </option>
      ))}
    </select>
  )
  return label ? (
    <label>
      {label}
      {select}
    </label>
  ) : (
    select
  )
}

/** The list of problems an import was refused for. */
export function ImportProblems({ problems }: { problems: readonly string[] }) {
  if (problems.length === 0) return null
  return (
    <div className="card" data-testid="import-problems">
      <p className="form-error" role="alert">
        未导入：发现 {problems.length} 处问题
      </p>
      <ul>
        {problems.map((p, i) => (
          <li key={i} className="field-error">
            {p}
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The Excel upload form of the import pages (multipart, one .xlsx file, optional hidden fields). */
export function WorkbookUploadForm({
  label,
  submitLabel,
  hidden = {},
  action,
}: {
  label: string
  submitLabel: string
  hidden?: Record<string, string | number>
  action?: string
}) {
  const busy = useNavigation().state === 'submitting'
  return (
    <Form method="post" encType="multipart/form-data" className="stack" action={action}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label>
        {label}
        <input type="file" name="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
      </label>
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? '正在导入…' : submitLabel}
        </button>
      </div>
    </Form>
  )
}

/** A <select> of the sheet rows a new indicator may go under. */
export function TargetSelect({
  props,
  targets,
  emptyLabel,
  defaultValue,
}: {
  props: { id: string; name: string }
  targets: readonly { code: string; label: string }[]
  emptyLabel: string
  defaultValue: string
}) {
  return (
    <select {...props} defaultValue={defaultValue}>
      <option value="">{emptyLabel}</option>
      {targets.map((t) => (
        <option key={t.code} value={t.code}>
          {t.label}
        </option>
      ))}
    </select>
  )
}
