// 结果应用: the commissioning bureau's budget decision on an accepted engagement (one per engagement,
// audited, 409 when stale) and the bureau's yearly table of grades against decisions. The grade and
// score are those of the accepted report version: what the bureau accepted is what it decides on.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { budgetDecisions, engagements, engagementUnits, evaluatedUnits, panels, reportSubmissions, reportVersions, seats, experts, users } from '../../db/schema'
import { BUDGET_DECISION_CODES, budgetDecisionLabel, gradeDecisionTable, NOT_ACCEPTED_MESSAGE, suggestedDecision, type BudgetDecision } from '../domain/finance/results'
import { can, type Actor } from '../domain/permissions'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, listYearsInScope } from '../models/engagement.server'
import { choice, formValues, parseForm, text, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { acceptedSubmission } from './review.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该评价项目' } }

/** What the accepted report version says, read in SQL from its stored model. */
const acceptedColumns = {
  versionId: reportVersions.id,
  versionNo: reportVersions.versionNo,
  title: reportVersions.title,
  grade: sql<string | null>`json_extract(${reportVersions.modelJson}, '$.scoring.grade.grade')`,
  total: sql<number | null>`json_extract(${reportVersions.modelJson}, '$.scoring.total')`,
  totalWeight: sql<number | null>`json_extract(${reportVersions.modelJson}, '$.scoring.totalWeight')`,
}

export type AcceptedReport = { versionId: string; versionNo: number; title: string; grade: string; total: number | null; totalWeight: number | null; acceptedAt: string | null }

function acceptedReport(db: Db | Tx, engagementId: string): AcceptedReport | undefined {
  const submission = acceptedSubmission(db, engagementId)
  if (!submission) return undefined
  const v = db.select(acceptedColumns).from(reportVersions).where(eq(reportVersions.id, submission.versionId)).get()
  if (!v) return undefined
  return { ...v, grade: v.grade ?? '未评级', acceptedAt: submission.decidedAt }
}

function engagementForResults(db: Db | Tx, actor: Actor, engagementId: string) {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'results.manage', engagementResource(e)) ? e : undefined
}

export type DecisionView = { decision: BudgetDecision; label: string; cutPercent: number | null; note: string; grade: string; decidedAt: string; decidedBy: string; version: number }

function storedDecision(db: Db | Tx, engagementId: string): DecisionView | undefined {
  const row = db
    .select({ d: budgetDecisions, decidedBy: users.displayName })
    .from(budgetDecisions)
    .innerJoin(users, eq(users.id, budgetDecisions.decidedBy))
    .where(eq(budgetDecisions.engagementId, engagementId))
    .get()
  if (!row) return undefined
  const d = row.d
  return { decision: d.decision, label: budgetDecisionLabel(d.decision, d.cutPercent), cutPercent: d.cutPercent, note: d.note, grade: d.grade, decidedAt: d.decidedAt, decidedBy: row.decidedBy, version: d.version }
}

/** The 结果应用 page: the accepted report's grade beside the decision (or the grade's suggestion). */
export function budgetDecisionPage(db: Db, actor: Actor, engagementId: string) {
  const e = engagementForResults(db, actor, engagementId)
  if (!e) return undefined
  const accepted = acceptedReport(db, e.id) ?? null
  const decision = storedDecision(db, e.id) ?? null
  return {
    engagement: { id: e.id, name: e.name, year: e.year, fundsFen: e.fundsFen, agencyName: e.agencyName, units: e.units.map((u) => u.name) },
    accepted,
    decision,
    suggestion: accepted ? suggestedDecision(accepted.grade) : null,
  }
}

const decisionSchema = z.object({
  decision: choice(BUDGET_DECISION_CODES, '请选择预算安排意见'),
  cutPercent: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string()),
  note: text({ label: '说明', max: 1000, required: false }),
  version: z.preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN), z.number({ invalid_type_error: '表单已过期，请刷新后重试' })),
})

/** The cut percentage: required, a whole number 1–100, for 压减; ignored for every other decision. */
function cutPercentOf(decision: BudgetDecision, raw: string): { value: number | null } | { error: string } {
  if (decision !== 'reduce') return { value: null }
  if (raw === '') return { error: '压减须填写压减比例' }
  if (!/^\d{1,3}$/.test(raw)) return { error: '压减比例须为 1 到 100 之间的整数' }
  const n = Number(raw)
  return n >= 1 && n <= 100 ? { value: n } : { error: '压减比例须为 1 到 100 之间的整数' }
}

/** 登记预算安排意见: one transaction with its audit row; a page older than the stored decision gets 409. */
export function saveBudgetDecision(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<DecisionView> {
  const values = formValues(fd)
  return inTransaction(db, (tx): Result<DecisionView> => {
    if (!isId(engagementId)) return NOT_FOUND
    const e = engagementForResults(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    const parsed = parseForm(decisionSchema, fd)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    let cutPercent: number | null = null
    if (parsed.ok) {
      const cut = cutPercentOf(parsed.data.decision, parsed.data.cutPercent)
      if ('error' in cut) errors.cutPercent = cut.error
      else cutPercent = cut.value
    }
    if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values }
    const accepted = acceptedReport(tx, e.id)
    if (!accepted) return { ok: false, status: 400, errors: { _form: NOT_ACCEPTED_MESSAGE }, values }
    const existing = tx.select().from(budgetDecisions).where(eq(budgetDecisions.engagementId, e.id)).get()
    if ((existing?.version ?? 0) !== parsed.data.version) return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE }, values }
    const row = {
      reportVersionId: accepted.versionId,
      grade: accepted.grade,
      decision: parsed.data.decision,
      cutPercent,
      note: parsed.data.note,
      decidedBy: actor.userId,
      decidedAt: now.toISOString(),
      version: (existing?.version ?? 0) + 1,
    }
    if (existing) tx.update(budgetDecisions).set(row).where(eq(budgetDecisions.id, existing.id)).run()
    else tx.insert(budgetDecisions).values({ id: newId(), engagementId: e.id, ...row }).run()
    const view = ({ decision, cutPercent, note, grade }: { decision: string; cutPercent: number | null; note: string; grade: string }) => ({ decision, cutPercent, note, grade })
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'results.budget_decision',
      entity: 'engagement',
      entityId: e.id,
      before: existing ? view(existing) : null,
      after: { ...view(row), reportVersionId: accepted.versionId },
      at: now,
    })
    return { ok: true, value: storedDecision(tx, e.id)! }
  })
}

// ---- the bureau's yearly views -----------------------------------------------------------------

/** The bureau the actor may overview (its own, as one of its reviewers), or undefined. */
export function overviewBureauId(actor: Actor): string | undefined {
  const id = actor.organizationId
  return id && can(actor, 'bureau.overview', { type: 'organization', id, kind: 'finance_bureau' }) ? id : undefined
}

/** The years the bureau's engagements cover, newest first, and the one asked for (default: newest). */
export function bureauYears(db: Db, bureauId: string, asked: string | null, thisYear: number): { years: number[]; year: number } {
  const years = listYearsInScope(db, { kind: 'bureau', organizationId: bureauId })
  const n = asked !== null && /^\d{4}$/.test(asked) ? Number(asked) : NaN
  return { years, year: Number.isInteger(n) ? n : (years[0] ?? thisYear) }
}

export type AcceptedEngagement = {
  id: string
  name: string
  kind: string
  fundsFen: number
  versionId: string
  grade: string
  total: number | null
  totalWeight: number | null
  decision: BudgetDecision | null
  cutPercent: number | null
  problems: string
}

/**
 * The bureau's engagements of the year whose report it accepted, each with the accepted version's
 * grade and score and the budget decision if any. Narrowed to the bureau and year in SQL.
 */
export function acceptedEngagements(db: Db | Tx, bureauId: string, year: number): AcceptedEngagement[] {
  const lastAccepted = sql`(SELECT max(s2.round_no) FROM ${reportSubmissions} s2 WHERE s2.engagement_id = ${engagements.id} AND s2.status = 'accepted')`
  return db
    .select({
      id: engagements.id,
      name: engagements.name,
      kind: engagements.kind,
      fundsFen: engagements.fundsFen,
      ...acceptedColumns,
      problems: sql<string | null>`json_extract(${reportVersions.modelJson}, '$.narrative.problems')`,
      decision: budgetDecisions.decision,
      cutPercent: budgetDecisions.cutPercent,
    })
    .from(engagements)
    .innerJoin(reportSubmissions, and(eq(reportSubmissions.engagementId, engagements.id), eq(reportSubmissions.status, 'accepted'), eq(reportSubmissions.roundNo, lastAccepted)))
    .innerJoin(reportVersions, eq(reportVersions.id, reportSubmissions.versionId))
    .leftJoin(budgetDecisions, eq(budgetDecisions.engagementId, engagements.id))
    .where(and(eq(engagements.financeBureauId, bureauId), eq(engagements.year, year)))
    .orderBy(asc(engagements.name), asc(engagements.id))
    .all()
    .map((r) => ({ ...r, grade: r.grade ?? '未评级', problems: r.problems ?? '' }))
}

/** Evaluated units of each engagement, in position order, by engagement id. */
export function unitsOf(db: Db | Tx, engagementIds: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(engagementIds.map((id) => [id, []]))
  if (engagementIds.length === 0) return out
  const rows = db
    .select({ engagementId: engagementUnits.engagementId, name: evaluatedUnits.name })
    .from(engagementUnits)
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, engagementUnits.evaluatedUnitId))
    .where(inArray(engagementUnits.engagementId, [...engagementIds]))
    .orderBy(asc(engagementUnits.engagementId), asc(engagementUnits.position))
    .all()
  for (const r of rows) out.get(r.engagementId)?.push(r.name)
  return out
}

/** Names of every expert ever seated on the engagements' panels (for scrubbing public text). */
export function expertNamesOf(db: Db | Tx, engagementIds: readonly string[]): string[] {
  if (engagementIds.length === 0) return []
  return db
    .selectDistinct({ name: experts.name })
    .from(seats)
    .innerJoin(panels, eq(panels.id, seats.panelId))
    .innerJoin(experts, eq(experts.id, seats.expertId))
    .where(inArray(panels.engagementId, [...engagementIds]))
    .all()
    .map((r) => r.name)
}

/** /bureau/results: each accepted engagement with grade and decision, and the cross table. */
export function resultsSummary(db: Db, bureauId: string, year: number) {
  const rows = acceptedEngagements(db, bureauId, year)
  const units = unitsOf(db, rows.map((r) => r.id))
  return {
    rows: rows.map((r) => ({ id: r.id, name: r.name, units: units.get(r.id) ?? [], grade: r.grade, total: r.total, decision: r.decision ? budgetDecisionLabel(r.decision, r.cutPercent) : null })),
    table: gradeDecisionTable(rows),
  }
}
