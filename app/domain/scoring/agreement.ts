// Agreement statistics for a panel (评分一致性). They inform the lead and never block anything.
// All work on score rates (score / weight), so indicators of different weights compare fairly.
//
// Matrix orientation follows each statistic's textbook form: Kendall's W, the leave-one-out
// deviation and the flat-rater check take rows = experts, columns = indicators; the ICC takes
// rows = indicators (targets), columns = experts (raters), as in Shrout & Fleiss (1979).

import type { IndicatorTree } from '../indicators/tree'
import { isLeaf, walkTree } from '../indicators/tree'
import type { ScoreCell } from './aggregate'
import { expertKeysOf, scoresByLeaf } from './aggregate'

export const AGREEMENT_EXPLANATIONS: Record<'kendallW' | 'icc21' | 'icc2k' | 'deviation' | 'flat', string> = {
  kendallW: 'W 越接近 1，专家对各指标相对高低的判断越一致；0.7 以上通常视为较高一致，接近 0 表示各说各的。',
  icc21: 'ICC(2,1) 表示任意一位专家单独打出的得分率与其他专家的绝对一致程度；0.75 以上为良好，0.5 以下偏弱。',
  icc2k: 'ICC(2,k) 表示全组平均分的可靠程度，通常高于单人 ICC；0.75 以上说明换一组同样人数的专家结果也相近。',
  deviation:
    '偏离度是某位专家各指标得分率与其余专家平均得分率之差的平均绝对值；明显高于他人的专家值得请其说明理由。',
  flat: '“评分无区分”指某位专家在各指标上的得分率几乎相同（如全部满分），可能未逐项评判，仅作提示。',
}

export const DEFAULT_FLAT_THRESHOLD = 0.0025

export type KendallW = { w: number; chiSquare: number; df: number }
export type Icc = { icc21: number; icc2k: number }

/**
 * Kendall's coefficient of concordance with the tie correction. Rows = experts (m), columns =
 * indicators (n); each row is ranked with average ranks for ties.
 *   W = 12 S / (m² (n³ − n) − m Σ T),  S = Σⱼ (Rⱼ − m (n + 1) / 2)²,  T = Σ over tie groups (t³ − t)
 *   χ² = m (n − 1) W with n − 1 degrees of freedom (Friedman's statistic, tie-corrected).
 * Null when there are fewer than 2 experts or 2 indicators, or every expert ties every indicator.
 */
export function kendallW(matrix: number[][]): KendallW | null {
  const [m, n] = shapeOf(matrix)
  if (m < 2 || n < 2) return null
  const rankSums = new Array<number>(n).fill(0)
  let ties = 0
  for (const row of matrix) {
    const ranked = averageRanks(row)
    ranked.ranks.forEach((rank, j) => (rankSums[j]! += rank))
    ties += ranked.tieTerm
  }
  const meanRankSum = (m * (n + 1)) / 2
  let s = 0
  for (const r of rankSums) s += (r - meanRankSum) ** 2
  const denominator = m * m * (n ** 3 - n) - m * ties
  if (denominator <= 0) return null
  const w = (12 * s) / denominator
  return { w, chiSquare: m * (n - 1) * w, df: n - 1 }
}

/**
 * ICC(2,1) and ICC(2,k): two-way random effects, absolute agreement (Shrout & Fleiss 1979, Case 2).
 * Rows = indicators (n targets), columns = experts (k raters). From the two-way ANOVA:
 *   ICC(2,1) = (BMS − EMS) / (BMS + (k − 1) EMS + k (JMS − EMS) / n)
 *   ICC(2,k) = (BMS − EMS) / (BMS + (JMS − EMS) / n)
 * Null when there are fewer than 2 targets or 2 raters, or a denominator vanishes (e.g. every
 * value equal).
 */
export function icc(raw: number[][]): Icc | null {
  const [n, k] = shapeOf(raw)
  if (n < 2 || k < 2) return null
  // Measuring from one of the values keeps the sums of squares free of the rounding noise that
  // large values carry (a denominator that is exactly 0 would otherwise come out as noise and
  // yield an absurd ICC), and makes a constant added to every score cancel exactly for integers.
  const origin = raw[0]![0]!
  const matrix = raw.map((row) => row.map((x) => x - origin))
  const rowMeans = matrix.map((row) => mean(row))
  const colMeans = Array.from({ length: k }, (_, j) => mean(matrix.map((row) => row[j]!)))
  const grand = mean(rowMeans)
  let ssRows = 0
  for (const r of rowMeans) ssRows += (r - grand) ** 2
  ssRows *= k
  let ssCols = 0
  for (const c of colMeans) ssCols += (c - grand) ** 2
  ssCols *= n
  // The residual is summed directly rather than as SST − SSR − SSC, which cancels badly when the
  // values sit far from zero.
  let ssError = 0
  let ssTotal = 0
  matrix.forEach((row, i) =>
    row.forEach((x, j) => {
      ssError += (x - rowMeans[i]! - colMeans[j]! + grand) ** 2
      ssTotal += (x - grand) ** 2
    }),
  )
  const bms = ssRows / (n - 1)
  const jms = ssCols / (k - 1)
  const ems = ssError / ((n - 1) * (k - 1))
  const single = bms + (k - 1) * ems + (k * (jms - ems)) / n
  const average = bms + (jms - ems) / n
  // Denominators are differences of sums of squares; treat ones at rounding-noise level as zero.
  const noise = 1e-12 * (ssTotal / (n * k - 1))
  if (ssTotal === 0 || Math.abs(single) <= noise || Math.abs(average) <= noise) return null
  return { icc21: (bms - ems) / single, icc2k: (bms - ems) / average }
}

/**
 * Each expert's mean absolute difference from the mean of the other experts, over indicators.
 * Rows = experts, columns = indicators. Empty with fewer than 2 experts or no indicators.
 */
export function leaveOneOutDeviation(
  matrix: number[][],
  expertKeys: string[],
): { expertKey: string; meanAbsDeviation: number }[] {
  const [m, n] = shapeOf(matrix)
  checkKeys(m, expertKeys)
  if (m < 2 || n === 0) return []
  const colSums = Array.from({ length: n }, (_, j) => matrix.reduce((acc, row) => acc + row[j]!, 0))
  return matrix.map((row, i) => {
    let deviation = 0
    row.forEach((x, j) => (deviation += Math.abs(x - (colSums[j]! - x) / (m - 1))))
    return { expertKey: expertKeys[i]!, meanAbsDeviation: deviation / n }
  })
}

/**
 * Experts whose (population) variance of score rates across indicators is below the threshold;
 * 0.0025 is a standard deviation of 5 percentage points. Rows = experts, columns = indicators.
 * Needs at least 2 indicators.
 */
export function flatRaters(
  matrix: number[][],
  expertKeys: string[],
  threshold = DEFAULT_FLAT_THRESHOLD,
): string[] {
  const [m, n] = shapeOf(matrix)
  checkKeys(m, expertKeys)
  if (n < 2) return []
  return expertKeys.filter((_, i) => {
    const row = matrix[i]!
    const rowMean = mean(row)
    let variance = 0
    for (const x of row) variance += (x - rowMean) ** 2
    return variance / n < threshold
  })
}

export type AgreementSummary = {
  /** Experts who scored every leaf of positive weight, in order of first appearance in the cells. */
  expertKeys: string[]
  /** Leaves of positive weight, pre-order: the matrices' indicator axis. */
  codes: string[]
  kendallW: KendallW | null
  icc: Icc | null
  deviations: { expertKey: string; meanAbsDeviation: number }[]
  flat: string[]
}

/**
 * The panel's agreement over the sheet's leaves, on score rates. Only experts who scored every leaf
 * count (a partial sheet would bias every statistic); leaves of weight 0 carry no rate and are left out.
 */
export function agreementSummary(tree: IndicatorTree, cells: ScoreCell[]): AgreementSummary {
  const byLeaf = scoresByLeaf(tree, cells)
  const leaves = walkTree(tree)
    .map((entry) => entry.node)
    .filter((node) => isLeaf(node) && node.weight > 0)
  const expertKeys = expertKeysOf(cells).filter((key) =>
    leaves.every((leaf) => byLeaf.get(leaf.code)!.has(key)),
  )
  const byExpert = expertKeys.map((key) =>
    leaves.map((leaf) => byLeaf.get(leaf.code)!.get(key)! / leaf.weight),
  )
  const byIndicator = leaves.map((_, j) => byExpert.map((row) => row[j]!))
  return {
    expertKeys,
    codes: leaves.map((leaf) => leaf.code),
    kendallW: kendallW(byExpert),
    icc: icc(byIndicator),
    deviations: leaveOneOutDeviation(byExpert, expertKeys),
    flat: flatRaters(byExpert, expertKeys),
  }
}

/** [rows, columns]; throws RangeError for a ragged matrix or a non-finite value. */
function shapeOf(matrix: number[][]): [number, number] {
  const columns = matrix[0]?.length ?? 0
  for (const row of matrix) {
    if (row.length !== columns) throw new RangeError('matrix rows must all have the same length')
    for (const x of row) if (!Number.isFinite(x)) throw new RangeError('matrix values must be finite')
  }
  return [matrix.length, columns]
}

function checkKeys(rows: number, expertKeys: string[]) {
  if (expertKeys.length !== rows) throw new RangeError('one expert key per matrix row')
}

function mean(xs: number[]): number {
  let total = 0
  for (const x of xs) total += x
  return total / xs.length
}

/** 1-based ranks, ties sharing their average rank, and Σ (t³ − t) over the tie groups. */
function averageRanks(values: number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, j) => j).sort((a, b) => values[a]! - values[b]!)
  const ranks = new Array<number>(values.length)
  let tieTerm = 0
  for (let start = 0; start < order.length;) {
    let end = start
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++
    const rank = (start + end) / 2 + 1
    for (let p = start; p <= end; p++) ranks[order[p]!] = rank
    const t = end - start + 1
    tieTerm += t ** 3 - t
    start = end + 1
  }
  return { ranks, tieTerm }
}
