// Field names of the credit policy form, shared by the page and the service that parses it (safe
// for the browser bundle). Rows carry their own index in the field name (band-3-grade,
// rule-2-kinds), so a row removed in the browser leaves the others' names, and messages, in place.
import type { PositiveKind, Severity } from '../domain/credit/categories'
import type { FormValues } from './form'

export type BandColumn = 'grade' | 'label' | 'minScore'
export type RuleColumn = 'id' | 'label' | 'kinds' | 'minSeverity' | 'count' | 'withinMonths' | 'years'

export const policyField = {
  negPoints: (s: Severity) => `negPoints-${s}`,
  negExpiry: (s: Severity) => `negExpiry-${s}`,
  posPoints: (k: PositiveKind) => `posPoints-${k}`,
  band: (row: number, column: BandColumn) => `band-${row}-${column}`,
  rule: (row: number, column: RuleColumn) => `rule-${row}-${column}`,
}

const ROW_FIELD = {
  band: /^band-(\d{1,2})-(grade|label|minScore)$/,
  rule: /^rule-(\d{1,2})-(id|label|kinds|minSeverity|count|withinMonths|years)$/,
}

export const MAX_BANDS = 10
export const MAX_RULES = 20

/** Highest row index a form may carry (two digits). */
export const MAX_ROW_INDEX = 99

export function isRuleKindsField(key: string): boolean {
  return /^rule-\d{1,2}-kinds$/.test(key)
}

/** The row indexes a form carries for one table, ascending. */
export function rowsIn(values: FormValues, table: 'band' | 'rule'): number[] {
  const rows = new Set<number>()
  for (const key of Object.keys(values)) {
    const m = ROW_FIELD[table].exec(key)
    if (m) rows.add(Number(m[1]))
  }
  return [...rows].sort((a, b) => a - b)
}

export function oneValue(values: FormValues, key: string): string {
  const v = values[key]
  return typeof v === 'string' ? v : (v?.[0] ?? '')
}

export function allValues(values: FormValues, key: string): string[] {
  const v = values[key]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}
