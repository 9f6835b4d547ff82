// The bureau's yearly dashboard: its engagements by kind and stage, the grades of accepted reports,
// how long review takes (submitted → decided), and rectification progress. Every count is narrowed
// to the bureau and the year in SQL.
import { and, count, eq, isNotNull } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { engagements, reportSubmissions } from '../../db/schema'
import { ENGAGEMENT_KINDS } from '../domain/engagement'
import { averageDays, gradeDistribution } from '../domain/finance/results'
import { STAGES } from '../domain/stages'
import { rectificationRates } from './rectification.server'
import { acceptedEngagements } from './results.server'

export function bureauDashboard(db: Db, bureauId: string, year: number, now: Date) {
  const inYear = and(eq(engagements.financeBureauId, bureauId), eq(engagements.year, year))
  const cells = db
    .select({ kind: engagements.kind, stage: engagements.stage, n: count() })
    .from(engagements)
    .where(inYear)
    .groupBy(engagements.kind, engagements.stage)
    .all()
  const kinds = ENGAGEMENT_KINDS.filter((k) => cells.some((c) => c.kind === k.code))
  const stages = STAGES.filter((s) => cells.some((c) => c.stage === s.code))
  const countOf = (kind: string, stage: string) => cells.find((c) => c.kind === kind && c.stage === stage)?.n ?? 0

  const decided = db
    .select({ from: reportSubmissions.submittedAt, to: reportSubmissions.decidedAt, status: reportSubmissions.status })
    .from(reportSubmissions)
    .innerJoin(engagements, eq(engagements.id, reportSubmissions.engagementId))
    .where(and(inYear, isNotNull(reportSubmissions.decidedAt)))
    .all()
  const pending = db
    .select({ n: count() })
    .from(reportSubmissions)
    .innerJoin(engagements, eq(engagements.id, reportSubmissions.engagementId))
    .where(and(inYear, eq(reportSubmissions.status, 'pending')))
    .get()?.n ?? 0

  return {
    total: cells.reduce((n, c) => n + c.n, 0),
    byKindStage: {
      stages: stages.map((s) => ({ code: s.code, label: s.label })),
      rows: kinds.map((k) => ({ code: k.code, label: k.label, counts: stages.map((s) => countOf(k.code, s.code)), total: stages.reduce((n, s) => n + countOf(k.code, s.code), 0) })),
    },
    grades: gradeDistribution(acceptedEngagements(db, bureauId, year).map((r) => r.grade)),
    review: {
      averageDays: averageDays(decided.flatMap((d) => (d.to ? [{ from: d.from, to: d.to }] : []))),
      decided: decided.length,
      accepted: decided.filter((d) => d.status === 'accepted').length,
      returned: decided.filter((d) => d.status === 'returned').length,
      pending,
    },
    // Totals only: /bureau/rectification lists the units and the overdue items.
    rectification: rectificationRates(db, bureauId, year, now).total,
  }
}
