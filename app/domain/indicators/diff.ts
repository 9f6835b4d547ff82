// Comparing two versions of an indicator tree (framework versions, sheet versions): what was added,
// removed and changed, as display strings for the comparison page and the audit log.

import { circledNumber, formatRuleSpec } from './rule-spec'
import { pointsText } from './rules'
import type { IndicatorNode, IndicatorRow, IndicatorTree, ScoringRule } from './tree'
import { DIRECTIONS, INDICATOR_SOURCES, labelOf, RULE_TYPES, WEIGHT_BASES } from './tree'

export type FieldChange = {
  field: keyof IndicatorRow | 'parent'
  label: string
  before: string
  after: string
}

export type TreeDiff = {
  added: IndicatorRow[]
  removed: IndicatorRow[]
  changed: { code: string; name: string; changes: FieldChange[] }[]
}

const EMPTY = '（空）'
const NONE = '（无）'
const LEVEL_NAMES = ['一级', '二级', '三级', '四级']

const text = (value: string) => (value === '' ? EMPTY : value)

function weightDisplay(weight: number): string {
  return Number.isSafeInteger(weight) ? `${pointsText(weight)} 分` : String(weight)
}

function ruleDisplay(rule: ScoringRule | null): string {
  return rule === null ? NONE : `${labelOf(RULE_TYPES, rule.type)}：${formatRuleSpec(rule)}`
}

function pointsDisplay(points: readonly string[]): string {
  return points.length === 0 ? NONE : points.map((p, i) => `${circledNumber(i + 1)}${p}`).join('\n')
}

/** The compared fields, in the order the comparison lists them, each with its display form. */
const FIELDS: { field: keyof IndicatorRow; label: string; show: (row: IndicatorRow) => string }[] = [
  { field: 'name', label: '名称', show: (r) => text(r.name) },
  { field: 'weight', label: '权重', show: (r) => weightDisplay(r.weight) },
  { field: 'level', label: '层级', show: (r) => LEVEL_NAMES[r.level - 1] ?? String(r.level) },
  { field: 'explanation', label: '指标解释', show: (r) => text(r.explanation) },
  { field: 'points', label: '评价要点', show: (r) => pointsDisplay(r.points) },
  { field: 'formula', label: '计算公式', show: (r) => text(r.formula) },
  { field: 'rule', label: '计分规则', show: (r) => ruleDisplay(r.rule) },
  { field: 'ruleText', label: '评分标准', show: (r) => text(r.ruleText) },
  { field: 'unit', label: '计量单位', show: (r) => text(r.unit) },
  { field: 'target', label: '目标值', show: (r) => text(r.target) },
  { field: 'direction', label: '方向', show: (r) => labelOf(DIRECTIONS, r.direction) },
  { field: 'evidence', label: '佐证材料', show: (r) => text(r.evidence) },
  { field: 'weightBasis', label: '权重性质', show: (r) => labelOf(WEIGHT_BASES, r.weightBasis) },
  { field: 'source', label: '来源', show: (r) => labelOf(INDICATOR_SOURCES, r.source) },
]

type Placed = { row: IndicatorRow; parent: IndicatorRow | null }

/** Pre-order rows, each with its parent row, taken from the tree itself rather than from levels. */
function placedRows(tree: IndicatorTree): Placed[] {
  const out: Placed[] = []
  const visit = (node: IndicatorNode, parent: IndicatorRow | null) => {
    const { children, ...row } = node
    out.push({ row, parent })
    children.forEach((child) => visit(child, row))
  }
  tree.roots.forEach((root) => visit(root, null))
  return out
}

function parentDisplay(parent: IndicatorRow | null): string {
  return parent === null ? NONE : `${parent.code} ${parent.name}`
}

function changesBetween(before: Placed, after: Placed): FieldChange[] {
  const changes: FieldChange[] = []
  for (const { field, label, show } of FIELDS) {
    const [b, a] = [show(before.row), show(after.row)]
    if (b !== a) changes.push({ field, label, before: b, after: a })
  }
  if ((before.parent?.code ?? null) !== (after.parent?.code ?? null)) {
    changes.push({
      field: 'parent',
      label: '上级指标',
      before: parentDisplay(before.parent),
      after: parentDisplay(after.parent),
    })
  }
  return changes
}

/**
 * Indicators are matched by code. A code that occurs more than once (an invalid tree can have
 * that) is matched occurrence by occurrence, so nothing is silently dropped from the comparison.
 */
export function diffTrees(before: IndicatorTree, after: IndicatorTree): TreeDiff {
  const unmatched = new Map<string, Placed[]>()
  const beforeRows = placedRows(before)
  for (const placed of beforeRows) {
    const queue = unmatched.get(placed.row.code)
    if (queue) queue.push(placed)
    else unmatched.set(placed.row.code, [placed])
  }
  const diff: TreeDiff = { added: [], removed: [], changed: [] }
  const matched = new Set<Placed>()
  for (const placed of placedRows(after)) {
    const previous = unmatched.get(placed.row.code)?.shift()
    if (!previous) {
      diff.added.push(placed.row)
      continue
    }
    matched.add(previous)
    const changes = changesBetween(previous, placed)
    if (changes.length > 0) diff.changed.push({ code: placed.row.code, name: placed.row.name, changes })
  }
  diff.removed = beforeRows.filter((p) => !matched.has(p)).map((p) => p.row)
  return diff
}
