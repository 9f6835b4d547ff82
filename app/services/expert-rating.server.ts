// 专家履职评价 (issue 8 item 3, REFERENCE.md §6): after the panel's work on an engagement is done,
// the agency rates each expert who sat on it on attendance, professionalism, independence and
// timeliness, with an overall rating that enters the expert's credit file. The panel's work is done
// when the lead closes scoring (评分结束): consolidation is stored then and no expert acts on the
// engagement any more. Every expert whose seat is accepted at that point is rated, once: a saved
// rating is final (the expert may appeal the credit entry it made). The agency's admin or the
// engagement's lead rates; the rest of the engagement's team reads.
import { and, asc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { expertRatings, users } from '../../db/schema'
import { ENTRY_KINDS, EXPERT_RATING_ASPECTS, entryForExpertRating, labelOf, type ExpertRating } from '../domain/credit/categories'
import { aspectsText, checkExpertRating, ratingLabel, weakestRating, type RatingAspect } from '../domain/credit/expert-rating'
import { beijingDate } from '../domain/finance/rectification'
import { can, type Actor } from '../domain/permissions'
import { PHASE_LABELS } from '../domain/scoring/phases'
import { cleanText } from '../domain/text'
import { newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { findPanel, listSeats } from '../models/panel.server'
import { formValues, type FieldErrors, type FormValues } from '../utils/form'
import { judgesExpertsOn, recordOnExpertFile } from './credit-automatic.server'
import { entryById } from './credit.server'
import { engagementForViewer } from './engagement.server'
import { findRound } from './scoring.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该评价项目' } }
export const NOT_OPEN_MESSAGE = '评分结束后方可评价专家履职情况'

/** The engagement, if the actor is on its team (reads the ratings); undefined is a 404. */
function teamEngagement(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'report.view', engagementResource(e)) ? e : undefined
}

/** The experts to rate: every accepted seat of the panel, in seat order. */
function seatedExperts(db: Db | Tx, engagementId: string) {
  const panel = findPanel(db, engagementId)
  return panel ? listSeats(db, panel.id).filter((s) => s.status === 'accepted') : []
}

type RatingRow = typeof expertRatings.$inferSelect

function ratingsOf(db: Db | Tx, engagementId: string) {
  return db
    .select({ rating: expertRatings, ratedByName: users.displayName })
    .from(expertRatings)
    .innerJoin(users, eq(users.id, expertRatings.ratedBy))
    .where(eq(expertRatings.engagementId, engagementId))
    .orderBy(asc(expertRatings.ratedAt))
    .all()
}

function ratingView(db: Db | Tx, row: RatingRow, ratedByName: string) {
  const aspects = JSON.parse(row.aspectsJson) as Record<RatingAspect, ExpertRating>
  const entry = row.creditEntryId ? entryById(db, row.creditEntryId) : undefined
  return {
    id: row.id,
    aspects: EXPERT_RATING_ASPECTS.map((a) => ({ code: a.code, label: a.label, rating: aspects[a.code], ratingLabel: ratingLabel(aspects[a.code]) })),
    overall: row.overall,
    overallLabel: ratingLabel(row.overall),
    followsWeakest: row.overall === weakestRating(Object.values(aspects)),
    comment: row.comment,
    ratedByName,
    ratedAt: row.ratedAt,
    creditEntry: entry ? { id: entry.id, kindLabel: labelOf(ENTRY_KINDS, entry.kind) } : null,
  }
}

export type ExpertRatingView = ReturnType<typeof ratingView>

/** The page: undefined (404) for whoever is not on the engagement's team. */
export function expertRatingsPage(db: Db, actor: Actor, engagementId: string) {
  const e = teamEngagement(db, actor, engagementId)
  if (!e) return undefined
  const round = findRound(db, e.id)
  const rated = new Map(ratingsOf(db, e.id).map((r) => [r.rating.expertId, ratingView(db, r.rating, r.ratedByName)]))
  return {
    engagement: { id: e.id, name: e.name, agencyName: e.agencyName, bureauName: e.bureauName },
    phaseLabel: round ? PHASE_LABELS[round.phase] : null,
    open: round?.phase === 'closed',
    mayRate: judgesExpertsOn(actor, e),
    experts: seatedExperts(db, e.id).map((s) => ({
      expertId: s.expertId,
      name: s.expertName,
      employer: s.expertEmployer,
      position: s.position,
      isLeader: s.isLeader,
      rating: rated.get(s.expertId) ?? null,
    })),
  }
}

export type RatedExpert = { expertId: string; name: string; overall: ExpertRating; overallLabel: string; creditEntryId: string | null }

/**
 * 保存评价 for one expert: final once saved. The overall rating goes through the credit rule into
 * the expert's file (issuer: the agency; policy context: the engagement's bureau) in the same
 * transaction, and the rating keeps the entry's id.
 */
export function rateExpert(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<RatedExpert> {
  const values = formValues(fd)
  const typed = (key: string) => cleanText(String(values[key] ?? ''))
  return inTransaction(db, (tx): Result<RatedExpert> => {
    const e = teamEngagement(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!judgesExpertsOn(actor, e)) return { ok: false, status: 403, errors: { _form: '只有项目负责人或机构管理员可以评价专家' } }
    if (findRound(tx, e.id)?.phase !== 'closed') return { ok: false, status: 409, errors: { _form: NOT_OPEN_MESSAGE }, values }
    const seat = seatedExperts(tx, e.id).find((s) => s.expertId === typed('expertId'))
    if (!seat) return { ok: false, status: 400, errors: { _form: '请选择本项目专家组中已接受邀请的专家' }, values }
    const existing = tx
      .select({ id: expertRatings.id })
      .from(expertRatings)
      .where(and(eq(expertRatings.engagementId, e.id), eq(expertRatings.expertId, seat.expertId)))
      .get()
    if (existing) return { ok: false, status: 409, errors: { _form: `已评价${seat.expertName}，评价保存后不能修改` }, values }
    const checked = checkExpertRating({
      aspects: Object.fromEntries(EXPERT_RATING_ASPECTS.map((a) => [a.code, typed(`aspect.${a.code}`)])),
      overall: typed('overall'),
      comment: typed('comment'),
    })
    if (!checked.ok) return { ok: false, status: 400, errors: checked.problems, values }
    const { aspects, overall, comment } = checked.value

    const id = newId()
    const auto = entryForExpertRating(overall)
    const entry = auto
      ? recordOnExpertFile(
          tx,
          auto,
          e,
          {
            expertId: seat.expertId,
            effectiveOn: beijingDate(now),
            description: `《${e.name}》专家履职评价为${ratingLabel(overall)}（${aspectsText(aspects)}）${comment ? `。评语：${comment}` : ''}`,
            sourceRef: id,
            issuedBy: actor.userId,
          },
          auditActor(actor),
          now,
        )
      : null
    tx.insert(expertRatings)
      .values({ id, engagementId: e.id, expertId: seat.expertId, aspectsJson: JSON.stringify(aspects), overall, comment, ratedBy: actor.userId, ratedAt: now.toISOString(), creditEntryId: entry?.id ?? null })
      .run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'expert_rating.create',
      entity: 'engagement',
      entityId: e.id,
      after: { ratingId: id, expertId: seat.expertId, aspects, overall, comment, creditEntryId: entry?.id ?? null },
      at: now,
    })
    return { ok: true, value: { expertId: seat.expertId, name: seat.expertName, overall, overallLabel: ratingLabel(overall), creditEntryId: entry?.id ?? null } }
  })
}
