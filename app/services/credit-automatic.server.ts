// Automatic credit entries (issue 8 item 3): what other actions put into credit files as a side
// effect, inside the triggering action's own transaction. Each entry names the event it came from
// (source + source_ref), so the same event never enters a file twice:
// - a submitted work-quality rating of 优秀 or 不合格 → the agency's file (source_ref: the rating);
// - a decline the agency judges to be without proper reason → the expert's file (the seat). An
//   expert cannot decline without giving a reason (respondToInvitation refuses it), so "without
//   reason" is the agency's judgement of the reason given, made on the panel page and appealable;
// - scores submitted after the round's 建议完成日期 → the expert's file (the round and seat).
// An invitation that expires unanswered is not recorded: the system cannot tell whether the
// expert was ever reached (experts without an account are told by a link the agency passes on),
// and 无故缺席 is absence from a review the expert accepted, which the agency's rating covers.
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { creditEntries, engagements } from '../../db/schema'
import { entryForDecline, entryForLateScoring, entryForQualityGrade, type AutomaticEntry, type Source } from '../domain/credit/categories'
import { formatScore, qualityGradeLabel, type QualityGrade } from '../domain/finance/quality'
import { beijingDate } from '../domain/finance/rectification'
import { can, type Actor } from '../domain/permissions'
import { isId } from '../ids.server'
import { auditActor, type AuditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { findPanel, findSeat } from '../models/panel.server'
import { formValues, parseForm, text, type FieldErrors, type FormValues } from '../utils/form'
import { recordAutomaticEntry, SYSTEM_ACTOR, type EntryRow } from './credit.server'
import { engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

export type EngagementFacts = Pick<EngagementDetail, 'id' | 'name' | 'agencyId' | 'financeBureauId'>

/** The entry an event put into a file, if any (for pages that say where a result went). */
export function automaticEntryOf(db: Db | Tx, source: Source, sourceRef: string): EntryRow | undefined {
  return db
    .select()
    .from(creditEntries)
    .where(and(eq(creditEntries.source, source), eq(creditEntries.sourceRef, sourceRef)))
    .get()
}

/**
 * Judgements about experts' conduct are made in the agency's name: by its admin or the
 * engagement's lead (like issuing a report), on engagements they work on.
 */
export function judgesExpertsOn(actor: Actor, e: EngagementDetail): boolean {
  const resource = engagementResource(e)
  return can(actor, 'report.view', resource) && (actor.role === 'agency_admin' || resource.leadUserId === actor.userId)
}

/**
 * An automatic entry on an expert's file from an engagement: issued in the agency's name (it
 * organised the review) and graded under the commissioning bureau's policy.
 */
export function recordOnExpertFile(
  tx: Tx,
  auto: AutomaticEntry,
  e: EngagementFacts,
  entry: { expertId: string; effectiveOn: string; description: string; sourceRef: string; issuedBy: string | null },
  actor: AuditActor,
  now: Date,
) {
  return recordAutomaticEntry(
    tx,
    auto,
    {
      subject: { type: 'expert', id: entry.expertId },
      effectiveOn: entry.effectiveOn,
      description: entry.description,
      sourceRef: entry.sourceRef,
      issuerOrgId: e.agencyId,
      issuedBy: entry.issuedBy,
      bureauId: e.financeBureauId,
      engagementId: e.id,
    },
    actor,
    now,
  )
}

// ---- Work-quality rating → agency ----------------------------------------------------------------

export type SubmittedQualityRating = { id: string; grade: QualityGrade; total: number; veto: boolean; vetoReason: string }

/** Called by saveQualityRating when a rating is submitted; 良好 and 合格 leave no entry. */
export function recordQualityRatingEntry(tx: Tx, reviewer: Actor, e: EngagementFacts, rating: SubmittedQualityRating, now: Date) {
  const auto = entryForQualityGrade(rating.grade)
  if (!auto) return null
  const veto = rating.veto ? `，一票否决：${rating.vetoReason}` : ''
  return recordAutomaticEntry(
    tx,
    auto,
    {
      subject: { type: 'agency', id: e.agencyId },
      effectiveOn: beijingDate(now),
      description: `《${e.name}》执业质量评价为${qualityGradeLabel(rating.grade)}（总分 ${formatScore(rating.total)} 分${veto}）`,
      sourceRef: rating.id,
      issuerOrgId: e.financeBureauId,
      issuedBy: reviewer.userId,
      bureauId: e.financeBureauId,
      engagementId: e.id,
    },
    auditActor(reviewer),
    now,
  )
}

// ---- Late scoring → expert -----------------------------------------------------------------------

export type LateSubmission = { engagementId: string; roundId: string; seatId: string; expertId: string; softDeadline: string | null }

function engagementFacts(tx: Tx, id: string): EngagementFacts {
  return tx
    .select({ id: engagements.id, name: engagements.name, agencyId: engagements.agencyId, financeBureauId: engagements.financeBureauId })
    .from(engagements)
    .where(eq(engagements.id, id))
    .get()!
}

/**
 * Called by submitScores for a submission after the 建议完成日期. No person issued it: the
 * system records it in the agency's name (the agency organised the review), and the audit row
 * lands in the agency's log.
 */
export function recordLateScoringEntry(tx: Tx, late: LateSubmission, now: Date) {
  const e = engagementFacts(tx, late.engagementId)
  const deadline = late.softDeadline ? `建议完成日期 ${beijingDate(new Date(late.softDeadline))}，` : ''
  return recordOnExpertFile(
    tx,
    entryForLateScoring(),
    e,
    { expertId: late.expertId, effectiveOn: beijingDate(now), description: `《${e.name}》专家评分逾期提交（${deadline}${beijingDate(now)} 提交）`, sourceRef: `${late.roundId}:${late.seatId}`, issuedBy: null },
    { ...SYSTEM_ACTOR, organizationId: e.agencyId },
    now,
  )
}

// ---- Decline without proper reason → expert ------------------------------------------------------

export const MAX_DECLINE_NOTE = 500

const declineSchema = z.object({
  seatId: z.string().refine(isId, '请选择已谢绝的席位'),
  note: text({ label: '认定说明', max: MAX_DECLINE_NOTE }),
})

/** Seats of the engagement whose decline has been judged without proper reason. */
export function unjustifiedDeclines(db: Db | Tx, engagementId: string): Set<string> {
  const rows = db
    .select({ seatId: creditEntries.sourceRef })
    .from(creditEntries)
    .where(and(eq(creditEntries.source, 'auto_decline'), eq(creditEntries.engagementId, engagementId)))
    .all()
  return new Set(rows.map((r) => r.seatId ?? ''))
}

/**
 * 认定无正当理由谢绝: the agency's admin or lead judges an expert's stated reason for declining
 * insufficient, with a note; the decline enters the expert's file once. Final here; the expert
 * may appeal it.
 */
export function markDeclineUnjustified(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ entryId: string; expertId: string }> {
  const parsed = parseForm(declineSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
  return inTransaction(db, (tx): Result<{ entryId: string; expertId: string }> => {
    const e = engagementForViewer(tx, actor, engagementId)
    if (!e) return { ok: false, status: 404, errors: { _form: '未找到该评价项目' } }
    if (!judgesExpertsOn(actor, e)) return { ok: false, status: 403, errors: { _form: '只有项目负责人或机构管理员可以认定无正当理由谢绝' } }
    const panel = findPanel(tx, e.id)
    const seat = findSeat(tx, parsed.data.seatId)
    if (!panel || !seat || seat.panelId !== panel.id || seat.status !== 'declined')
      return { ok: false, status: 400, errors: { seatId: '请选择已谢绝的席位' }, values: formValues(fd) }
    const recorded = recordOnExpertFile(
      tx,
      entryForDecline(),
      e,
      {
        expertId: seat.expertId,
        effectiveOn: beijingDate(new Date(seat.respondedAt ?? now.toISOString())),
        description: `《${e.name}》评审邀请谢绝理由经评价机构认定不成立。专家所述理由：${seat.declineReason}；认定说明：${parsed.data.note}`,
        sourceRef: seat.id,
        issuedBy: actor.userId,
      },
      auditActor(actor),
      now,
    )
    if (recorded.duplicate) return { ok: false, status: 409, errors: { _form: '该次谢绝已认定并记入专家信用档案' } }
    return { ok: true, value: { entryId: recorded.id, expertId: seat.expertId } }
  })
}
