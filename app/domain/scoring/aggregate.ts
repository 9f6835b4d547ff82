// Consolidation (汇总) of a panel's scores on one scoring sheet: one aggregated score per leaf
// indicator by the engagement's declared rule, subtotals, total, score rate and grade.
//
// Rounding (docs/decisions/004): each leaf's aggregate is rounded half up to hundredths once, at the
// end of its own computation. Subtotals and the total are sums of those stored leaf scores, so the
// printed table always adds up; they need no further rounding.

import { roundHalfUp } from '../money'
import type { IndicatorTree } from '../indicators/tree'
import { isLeaf, walkTree } from '../indicators/tree'
import type { GradeBand } from './grade'
import { gradeOf, NATIONAL_BANDS } from './grade'

export type AggregationRule = 'mean' | 'trimmed' | 'median'

export const AGGREGATION_RULES: { code: AggregationRule; label: string }[] = [
  { code: 'mean', label: '算术平均' },
  { code: 'trimmed', label: '去掉一个最高分和一个最低分后平均（≥5 人）' },
  { code: 'median', label: '中位数' },
]

/** Below this many scores a trimmed mean would throw away too much; the plain mean applies. */
export const TRIMMED_MIN_SCORES = 5

/** One expert's score for one leaf indicator, integer hundredths, 0..weight. */
export type ScoreCell = { expertKey: string; code: string; score: number }

/**
 * The aggregate of one indicator's scores (hundredths), rounded half up once. `trimmed` drops one
 * highest and one lowest score only when there are at least 5 scores, else it is the mean.
 */
export function aggregateScores(rule: AggregationRule, scores: number[]): number {
  if (scores.length === 0) throw new RangeError('cannot aggregate an empty list of scores')
  if (rule === 'mean') return roundHalfUp(sum(scores) / scores.length)
  const sorted = [...scores].sort((a, b) => a - b)
  if (rule === 'trimmed') {
    if (sorted.length < TRIMMED_MIN_SCORES) return roundHalfUp(sum(sorted) / sorted.length)
    return roundHalfUp(sum(sorted.slice(1, -1)) / (sorted.length - 2))
  }
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length % 2 === 1) return sorted[middle]!
  return roundHalfUp((sorted[middle - 1]! + sorted[middle]!) / 2)
}

export type IndicatorResult = {
  code: string
  name: string
  weight: number
  level: number
  /** Aggregated score, hundredths. 0 when nobody scored the indicator (every expert is then in `missing`). */
  score: number
  /** score / weight, 0..1; 0 for an indicator of weight 0. */
  rate: number
  /** Each scoring expert's own score, hundredths, keyed by expert key. */
  expertScores: Record<string, number>
}

export type Subtotal = { code: string; name: string; level: number; weight: number; score: number }

export type Consolidation = {
  rule: AggregationRule
  /** Leaf indicators in pre-order. */
  leaves: IndicatorResult[]
  /** Every non-leaf in pre-order; score = sum of its leaves' aggregated scores (hundredths). */
  subtotals: Subtotal[]
  /** Sum of the leaves' aggregated scores, hundredths. */
  total: number
  /** Sum of the leaves' weights, hundredths (10000 on a weighted sheet). */
  totalWeight: number
  /** total / totalWeight, 0..1; 0 when the total weight is 0. */
  rate: number
  grade: GradeBand
  /** Cells not scored, by leaf in pre-order then expert in order of first appearance in the cells. */
  missing: { expertKey: string; code: string }[]
}

/**
 * Consolidates the current score of every expert on every leaf. Experts are those appearing in
 * `cells`; a leaf is aggregated over whoever scored it and the gaps are reported in `missing`.
 * Throws RangeError for a cell naming an unknown or non-leaf indicator, a second cell for the same
 * expert and indicator, or a score that is not an integer in 0..weight: callers pass the current
 * version of each validated score, so any of these is a bug upstream, not a user error.
 */
export function consolidate(
  tree: IndicatorTree,
  cells: ScoreCell[],
  rule: AggregationRule,
  bands: GradeBand[] = NATIONAL_BANDS,
): Consolidation {
  const nodes = walkTree(tree).map((entry) => entry.node)
  const byLeaf = scoresByLeaf(tree, cells)
  const experts = expertKeysOf(cells)
  const leafScore = new Map<string, number>()
  const leaves: IndicatorResult[] = []
  const missing: { expertKey: string; code: string }[] = []
  for (const node of nodes) {
    if (!isLeaf(node)) continue
    const scored = byLeaf.get(node.code)!
    for (const expertKey of experts) if (!scored.has(expertKey)) missing.push({ expertKey, code: node.code })
    const score = scored.size === 0 ? 0 : aggregateScores(rule, [...scored.values()])
    leafScore.set(node.code, score)
    leaves.push({
      code: node.code,
      name: node.name,
      weight: node.weight,
      level: node.level,
      score,
      rate: node.weight === 0 ? 0 : score / node.weight,
      expertScores: Object.fromEntries(scored),
    })
  }
  const subtotals: Subtotal[] = []
  const sumLeaves = (node: (typeof nodes)[number]): number =>
    isLeaf(node) ? leafScore.get(node.code)! : sum(node.children.map(sumLeaves))
  for (const node of nodes) {
    if (isLeaf(node)) continue
    subtotals.push({
      code: node.code,
      name: node.name,
      level: node.level,
      weight: node.weight,
      score: sumLeaves(node),
    })
  }
  const total = sum(leaves.map((leaf) => leaf.score))
  const totalWeight = sum(leaves.map((leaf) => leaf.weight))
  const rate = totalWeight === 0 ? 0 : total / totalWeight
  return { rule, leaves, subtotals, total, totalWeight, rate, grade: gradeOf(rate, bands), missing }
}

/** Expert keys in order of first appearance. */
export function expertKeysOf(cells: ScoreCell[]): string[] {
  return [...new Set(cells.map((cell) => cell.expertKey))]
}

/** Each leaf's scores keyed by expert (leaves in pre-order, each map in cell order), validated. */
export function scoresByLeaf(tree: IndicatorTree, cells: ScoreCell[]): Map<string, Map<string, number>> {
  const weights = new Map<string, number>()
  const byLeaf = new Map<string, Map<string, number>>()
  for (const { node } of walkTree(tree)) {
    if (!isLeaf(node)) continue
    weights.set(node.code, node.weight)
    byLeaf.set(node.code, new Map())
  }
  for (const cell of cells) {
    const weight = weights.get(cell.code)
    if (weight === undefined) throw new RangeError(`score for ${cell.code}, which is not a leaf of the sheet`)
    if (!Number.isSafeInteger(cell.score) || cell.score < 0 || cell.score > weight) {
      throw new RangeError(`score ${cell.score} of ${cell.expertKey} on ${cell.code} is outside 0..${weight}`)
    }
    const scored = byLeaf.get(cell.code)!
    if (scored.has(cell.expertKey)) throw new RangeError(`two scores of ${cell.expertKey} on ${cell.code}`)
    scored.set(cell.expertKey, cell.score)
  }
  return byLeaf
}

function sum(xs: number[]): number {
  let total = 0
  for (const x of xs) total += x
  return total
}
