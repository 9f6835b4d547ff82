// The indicator tree (指标体系): one document shape for framework versions and engagement scoring
// sheets alike. A version is stored whole as this document (see docs/decisions/009), so copying,
// freezing, comparing and exporting all work on the same value.
//
// Units: weights are integer hundredths of a point (12.5 分 -> 1250). Percentages inside rules are
// integer hundredths of a percent (25% -> 2500, 33.33% -> 3333). Tier bounds are hundredths of the
// measured value's own unit (95% -> 9500, 3 次 -> 300).

export const MAX_LEVEL = 4
export type Level = 1 | 2 | 3 | 4

/** 正向 (higher is better) or 反向 (lower is better, e.g. 劣V类水体比例, 成本超支率). */
export type Direction = 'positive' | 'negative'
export const DIRECTIONS: readonly { code: Direction; label: string }[] = [
  { code: 'positive', label: '正向' },
  { code: 'negative', label: '反向' },
]

/** Whether a weight is set by a national text or is a conventional default (REFERENCE.md §1.3). */
export type WeightBasis = 'official' | 'conventional'
export const WEIGHT_BASES: readonly { code: WeightBasis; label: string }[] = [
  { code: 'official', label: '官方' },
  { code: 'conventional', label: '惯例' },
]

/** Where the indicator itself comes from: a national text, common practice, a sector list, the project. */
export type IndicatorSource = 'official' | 'conventional' | 'typical' | 'project'
export const INDICATOR_SOURCES: readonly { code: IndicatorSource; label: string }[] = [
  { code: 'official', label: '官方' },
  { code: 'conventional', label: '惯例' },
  { code: 'typical', label: '行业常用' },
  { code: 'project', label: '项目自设' },
]

export type RuleType = 'element' | 'formula' | 'tier' | 'deduction' | 'qualitative' | 'survey'
export const RULE_TYPES: readonly { code: RuleType; label: string }[] = [
  { code: 'element', label: '要素计分' },
  { code: 'formula', label: '公式计分' },
  { code: 'tier', label: '分档计分' },
  { code: 'deduction', label: '扣分制' },
  { code: 'qualitative', label: '定性分档' },
  { code: 'survey', label: '满意度' },
]

export type ScoringRule =
  /** One share per evaluation point (same order as `points`); a failed veto point sets the score to 0. */
  | { type: 'element'; shares: number[]; vetoPoints: number[] }
  /**
   * rate = numerator / denominator (正向: actual / target) or denominator / numerator (反向: target /
   * actual); score = weight × min(rate, 100%). Below `zeroBelowPercent` (when set) the score is 0.
   */
  | { type: 'formula'; numerator: string; denominator: string; zeroBelowPercent: number | null }
  /**
   * Breakpoints on `measure`. 正向: the first tier whose value >= bound applies, bounds strictly
   * decreasing; 反向: the first tier whose value <= bound applies, bounds strictly increasing.
   * Shares never increase down the list; a value past every tier gets `otherwiseShare`.
   */
  | { type: 'tier'; measure: string; tiers: { bound: number; share: number }[]; otherwiseShare: number }
  /** Deduct per finding (points, or a percent of the weight), floor 0; a veto finding sets 0. */
  | { type: 'deduction'; counted: string; perFinding: { unit: 'points' | 'percent'; amount: number }; veto: string | null }
  /** Official three bands, best first: 达成 (80%,100%], 部分达成 (60%,80%], 未达成 [0,60%]. */
  | { type: 'qualitative'; bands: { label: string; min: number; max: number }[] }
  /** Satisfied share (满意+较满意)/有效样本 vs target: at or above target full, else weight × rate / target. */
  | { type: 'survey'; targetPercent: number }

export type IndicatorNode = {
  /** Unique within the tree; scores and comparisons refer to indicators by code. */
  code: string
  name: string
  level: Level
  /** Hundredths of a point. Unweighted indicator sets carry 0 (待分配). */
  weight: number
  weightBasis: WeightBasis
  source: IndicatorSource
  /** 指标解释 */
  explanation: string
  /** 评价要点, in order (①②③…). */
  points: string[]
  /** 计算公式, as text, e.g. "实际支出资金 / 实际到位资金 × 100%". */
  formula: string
  /** Leaves only: the executable rule. Null on non-leaves. */
  rule: ScoringRule | null
  /** 评分标准 as the reader sees it (the rule's text in the national or agency wording). */
  ruleText: string
  /** 计量单位 */
  unit: string
  /** 目标值 / typical target, as text ("≥90%", "100", "按计划"). */
  target: string
  direction: Direction
  /** 佐证材料 required. */
  evidence: string
  children: IndicatorNode[]
}

export type IndicatorTree = {
  /**
   * Weighted trees (frameworks, sheets) must sum to 100 with every parent equal to its children.
   * Unweighted ones are indicator sets (e.g. a sector list) to pick from; their weights are not checked.
   */
  weighted: boolean
  roots: IndicatorNode[]
}

export const TOTAL_WEIGHT = 10_000 // 100 分 in hundredths

/** An indicator without its children: one row of the tree table, the Excel template and the editor. */
export type IndicatorRow = Omit<IndicatorNode, 'children'>

/** Pre-order rows (parent before its children), as the tree table and the Excel template list them. */
export function flattenTree(tree: IndicatorTree): IndicatorRow[] {
  const rows: IndicatorRow[] = []
  const visit = (node: IndicatorNode) => {
    const { children, ...row } = node
    rows.push(row)
    children.forEach(visit)
  }
  tree.roots.forEach(visit)
  return rows
}

export type UnflattenError = { index: number; message: string }

/**
 * Rebuilds the tree from pre-order rows. A row's parent is the nearest earlier row one level up; a
 * row that skips a level (a 3 right after a 1) or starts below level 1 is an error naming its index.
 */
export function unflattenRows(
  rows: readonly IndicatorRow[],
  weighted: boolean,
): { ok: true; tree: IndicatorTree } | { ok: false; errors: UnflattenError[] } {
  const roots: IndicatorNode[] = []
  const stack: IndicatorNode[] = []
  const errors: UnflattenError[] = []
  rows.forEach((row, index) => {
    const node: IndicatorNode = { ...row, points: [...row.points], children: [] }
    if (row.level === 1) {
      roots.push(node)
      stack.length = 0
      stack.push(node)
      return
    }
    const parent = stack[row.level - 2]
    if (!parent || stack.length < row.level - 1) {
      errors.push({ index, message: `第 ${row.level} 级指标前缺少第 ${row.level - 1} 级指标` })
      return
    }
    parent.children.push(node)
    stack.length = row.level - 1
    stack.push(node)
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, tree: { weighted, roots } }
}

/** Every node with its ancestors' names, in pre-order. */
export function walkTree(tree: IndicatorTree): { node: IndicatorNode; path: string[] }[] {
  const out: { node: IndicatorNode; path: string[] }[] = []
  const visit = (node: IndicatorNode, path: string[]) => {
    const here = [...path, node.name]
    out.push({ node, path: here })
    node.children.forEach((c) => visit(c, here))
  }
  tree.roots.forEach((r) => visit(r, []))
  return out
}

export function isLeaf(node: IndicatorNode): boolean {
  return node.children.length === 0
}

/** A blank indicator with the defaults the editor and the Excel import start from. */
export function blankIndicator(level: Level, code: string, name = ''): IndicatorNode {
  return {
    code,
    name,
    level,
    weight: 0,
    weightBasis: 'conventional',
    source: 'project',
    explanation: '',
    points: [],
    formula: '',
    rule: null,
    ruleText: '',
    unit: '',
    target: '',
    direction: 'positive',
    evidence: '',
    children: [],
  }
}

export function labelOf<T extends string>(list: readonly { code: T; label: string }[], code: T): string {
  return list.find((x) => x.code === code)?.label ?? code
}
