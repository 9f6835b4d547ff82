// Divergence (分歧): an indicator whose experts' spread exceeds a share of its weight is flagged, so
// the lead can ask the experts at the extremes to justify or rescore in the discussion phase.
// REFERENCE §6 cites 20–30 % of the indicator's points as the usual trigger; 25 % is the default.

import { roundHalfUp } from '../money'
import type { IndicatorResult } from './aggregate'

export const DEFAULT_DIVERGENCE_SHARE = 0.25

export type DivergenceFlag = {
  code: string
  name: string
  /** max − min of the experts' scores, hundredths. */
  spread: number
  /** share × weight, rounded half up to hundredths; flagged when spread > threshold. */
  threshold: number
  /** Expert keys holding the lowest score. */
  low: string[]
  /** Expert keys holding the highest score. */
  high: string[]
}

/** Flagged leaves, in the order given; an indicator scored by fewer than two experts is never flagged. */
export function divergenceFlags(
  leaves: IndicatorResult[],
  shareOfWeight: number = DEFAULT_DIVERGENCE_SHARE,
): DivergenceFlag[] {
  const flags: DivergenceFlag[] = []
  for (const leaf of leaves) {
    const entries = Object.entries(leaf.expertScores)
    if (entries.length < 2) continue
    const scores = entries.map(([, score]) => score)
    const min = Math.min(...scores)
    const max = Math.max(...scores)
    const threshold = roundHalfUp(shareOfWeight * leaf.weight)
    if (max - min <= threshold) continue
    flags.push({
      code: leaf.code,
      name: leaf.name,
      spread: max - min,
      threshold,
      low: entries.filter(([, score]) => score === min).map(([key]) => key),
      high: entries.filter(([, score]) => score === max).map(([key]) => key),
    })
  }
  return flags
}
