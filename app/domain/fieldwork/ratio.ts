// Exact shares for fieldwork figures (satisfaction rates, budget execution, 序时进度). Counts and fen
// are integers, so a share kept as numerator / denominator is exact; it becomes a double only for
// display or for irrational results (the margin of error), and is rounded once when printed.

import { roundHalfUp } from '../money'

/** numerator / denominator, both non-negative safe integers, denominator > 0. Not reduced. */
export type Ratio = { numerator: number; denominator: number }

export function ratio(numerator: number, denominator: number): Ratio {
  if (!Number.isSafeInteger(numerator) || numerator < 0) throw new RangeError('numerator must be a non-negative safe integer')
  if (!Number.isSafeInteger(denominator) || denominator <= 0) throw new RangeError('denominator must be a positive safe integer')
  return { numerator, denominator }
}

export function ratioValue(r: Ratio): number {
  return r.numerator / r.denominator
}

/** a / b ⋛ c / d without rounding: the sign of a·d − c·b. */
export function compareRatios(a: Ratio, b: Ratio): -1 | 0 | 1 {
  const left = BigInt(a.numerator) * BigInt(b.denominator)
  const right = BigInt(b.numerator) * BigInt(a.denominator)
  return left < right ? -1 : left > right ? 1 : 0
}

/** Tenths of a percent, rounded half up; exact for a Ratio, half up with roundHalfUp's tolerance for a double. */
function permille(value: Ratio | number): number {
  if (typeof value === 'number') return roundHalfUp(value * 1000)
  const n = BigInt(value.numerator)
  const d = BigInt(value.denominator)
  return Number((2000n * n + d) / (2n * d))
}

function tenthsText(tenths: number): string {
  const sign = tenths < 0 ? '-' : ''
  const abs = Math.abs(tenths)
  return `${sign}${Math.floor(abs / 10)}.${abs % 10}`
}

/** 17/20 -> "85.0%", 2/3 -> "66.7%", 0.0325 -> "3.3%". One decimal, as survey and monitoring reports print shares. */
export function formatPercent(value: Ratio | number): string {
  return `${tenthsText(permille(value))}%`
}

/** A margin of error (a share) as reports write it: 0.0325 -> "±3.3%". */
export function formatMargin(margin: number): string {
  return `±${formatPercent(margin)}`
}

/** Percentage points with one decimal: 12.25 -> "12.3 个百分点". */
export function formatPercentagePoints(points: number): string {
  return `${tenthsText(roundHalfUp(points * 10))} 个百分点`
}
