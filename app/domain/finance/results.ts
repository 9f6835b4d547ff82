// 结果应用: budget decisions linked to the grade (REFERENCE §1.1 — priority for 优/良, rectification
// and cuts for 中/差, cancellation or cuts in principle for 差), the bureau's yearly tables, and
// the disclosure list's wording. Pure: callers pass rows and times as data.

export const BUDGET_DECISIONS = [
  { code: 'priority', label: '优先保障' },
  { code: 'maintain', label: '维持' },
  { code: 'reduce', label: '压减' },
  { code: 'suspend', label: '暂停' },
  { code: 'cancel', label: '取消' },
] as const
export type BudgetDecision = (typeof BUDGET_DECISIONS)[number]['code']
export const BUDGET_DECISION_CODES = BUDGET_DECISIONS.map((d) => d.code) as [BudgetDecision, ...BudgetDecision[]]

export function isBudgetDecision(value: string): value is BudgetDecision {
  return (BUDGET_DECISION_CODES as readonly string[]).includes(value)
}

/** 「压减 20%」 for a cut, the plain label otherwise; an unknown code reads as itself. */
export function budgetDecisionLabel(code: string, cutPercent: number | null = null): string {
  const label = BUDGET_DECISIONS.find((d) => d.code === code)?.label ?? code
  return code === 'reduce' && cutPercent !== null ? `${label} ${cutPercent}%` : label
}

export const NOT_ACCEPTED_MESSAGE = '评价报告尚未验收，验收后才能登记预算安排'

const SUGGESTIONS: Record<string, BudgetDecision> = { 优: 'priority', 良: 'maintain', 中: 'reduce', 差: 'suspend' }

/** The decision the grade points to under the national bands; null for a bureau's own grade names. */
export function suggestedDecision(grade: string): BudgetDecision | null {
  return SUGGESTIONS[grade] ?? null
}

/** Grades in the national order first, then any configured grade in order of first appearance. */
export function orderGrades(grades: readonly string[]): string[] {
  const national = ['优', '良', '中', '差']
  const present = new Set(grades)
  return [...national.filter((g) => present.has(g)), ...[...present].filter((g) => !national.includes(g))]
}

export const UNDECIDED = 'undecided'
export type DecisionColumn = BudgetDecision | typeof UNDECIDED

export type CrossTable = {
  grades: string[]
  columns: { code: DecisionColumn; label: string }[]
  /** counts[grade][column] */
  counts: Record<string, Record<DecisionColumn, number>>
  rowTotals: Record<string, number>
  columnTotals: Record<DecisionColumn, number>
  total: number
}

/** Grades (rows) against decisions (columns), with 未决定 for accepted engagements still waiting. */
export function gradeDecisionTable(rows: readonly { grade: string; decision: string | null }[]): CrossTable {
  const columns: CrossTable['columns'] = [...BUDGET_DECISIONS.map((d) => ({ code: d.code as DecisionColumn, label: d.label })), { code: UNDECIDED, label: '尚未决定' }]
  const zeroRow = () => Object.fromEntries(columns.map((c) => [c.code, 0])) as Record<DecisionColumn, number>
  const grades = orderGrades(rows.map((r) => r.grade))
  const counts: CrossTable['counts'] = Object.fromEntries(grades.map((g) => [g, zeroRow()]))
  const rowTotals: Record<string, number> = Object.fromEntries(grades.map((g) => [g, 0]))
  const columnTotals = zeroRow()
  for (const r of rows) {
    const column: DecisionColumn = r.decision !== null && isBudgetDecision(r.decision) ? r.decision : UNDECIDED
    counts[r.grade]![column] += 1
    rowTotals[r.grade]! += 1
    columnTotals[column] += 1
  }
  return { grades, columns, counts, rowTotals, columnTotals, total: rows.length }
}

/** How many engagements earned each grade, in grade order. */
export function gradeDistribution(grades: readonly string[]): { grade: string; count: number }[] {
  return orderGrades(grades).map((grade) => ({ grade, count: grades.filter((g) => g === grade).length }))
}

const DAY_MS = 86_400_000

/** Mean days from submission to decision, one decimal; null when nothing has been decided. */
export function averageDays(spans: readonly { from: string; to: string }[]): number | null {
  const days = spans.map((s) => (Date.parse(s.to) - Date.parse(s.from)) / DAY_MS).filter((d) => Number.isFinite(d) && d >= 0)
  if (days.length === 0) return null
  return Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10
}

export type RectificationCounts = { total: number; verified: number; overdue: number }

/** The disclosure list's 整改情况 column, from the engagement's confirmed rectification items. */
export function rectificationStatus(counts: RectificationCounts): string {
  if (counts.total === 0) return '无整改事项'
  if (counts.verified >= counts.total) return `已完成整改（${counts.total} 项）`
  return `整改中（已完成 ${counts.verified}/${counts.total} 项${counts.overdue > 0 ? `，逾期 ${counts.overdue} 项` : ''}）`
}

export const MAX_PROBLEMS_CHARS = 300

/**
 * The 主要问题 cell of a public list: the accepted report's problems section, with any expert's
 * name and any 专家A-style pseudonym blanked out (a person's text might name one), whitespace
 * collapsed and cut to a readable length.
 */
export function disclosureProblems(text: string, expertNames: readonly string[]): string {
  let out = text
  for (const name of [...expertNames].filter((n) => n.trim() !== '').sort((a, b) => b.length - a.length)) out = out.split(name).join('专家')
  out = out.replace(/专家\s*[A-Z]{1,2}(?![A-Za-z])/g, '专家').replace(/\s+/g, ' ').trim()
  if (out === '') return '无'
  return out.length > MAX_PROBLEMS_CHARS ? `${out.slice(0, MAX_PROBLEMS_CHARS)}…` : out
}
