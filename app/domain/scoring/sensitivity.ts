// Sensitivity of the result: would the grade change if any one expert were left out, or if the
// engagement had declared another aggregation rule?

import type { IndicatorTree } from '../indicators/tree'
import type { AggregationRule, ScoreCell } from './aggregate'
import { AGGREGATION_RULES, consolidate, expertKeysOf } from './aggregate'
import type { GradeBand } from './grade'
import { NATIONAL_BANDS } from './grade'

export type Sensitivity = {
  base: { total: number; grade: string }
  /** One entry per expert (order of first appearance); empty when fewer than two experts scored. */
  leaveOneOut: { expertKey: string; total: number; grade: string; gradeChanges: boolean }[]
  /** Every rule in AGGREGATION_RULES order, the declared one included. */
  byRule: { rule: AggregationRule; total: number; grade: string; gradeChanges: boolean }[]
}

export function sensitivity(
  tree: IndicatorTree,
  cells: ScoreCell[],
  rule: AggregationRule,
  bands: GradeBand[] = NATIONAL_BANDS,
): Sensitivity {
  const baseResult = consolidate(tree, cells, rule, bands)
  const base = { total: baseResult.total, grade: baseResult.grade.grade }
  const experts = expertKeysOf(cells)
  const leaveOneOut =
    experts.length < 2
      ? []
      : experts.map((expertKey) => {
          const result = consolidate(
            tree,
            cells.filter((cell) => cell.expertKey !== expertKey),
            rule,
            bands,
          )
          return {
            expertKey,
            total: result.total,
            grade: result.grade.grade,
            gradeChanges: result.grade.grade !== base.grade,
          }
        })
  const byRule = AGGREGATION_RULES.map(({ code }) => {
    const result = consolidate(tree, cells, code, bands)
    return {
      rule: code,
      total: result.total,
      grade: result.grade.grade,
      gradeChanges: result.grade.grade !== base.grade,
    }
  })
  return { base, leaveOneOut, byRule }
}
