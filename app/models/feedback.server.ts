// The 征求意见 log as the report model needs it: every decided point of the rounds held on versions of
// one report type, oldest first. Read only; kept apart from the feedback service so reading a model
// does not load the composers.
import { and, asc, eq, isNotNull } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { evaluatedUnits, feedbackPoints, feedbackRounds, reportVersions } from '../../db/schema'
import type { FeedbackItem, ReportType } from '../../reports/model'

/** Null while no version of this type went out for comments; otherwise the decided points. */
export function feedbackLog(db: Db | Tx, engagementId: string, type: ReportType): FeedbackItem[] | null {
  const rounds = db
    .select({ id: feedbackRounds.id })
    .from(feedbackRounds)
    .innerJoin(reportVersions, eq(reportVersions.id, feedbackRounds.reportVersionId))
    .where(and(eq(feedbackRounds.engagementId, engagementId), eq(reportVersions.type, type)))
    .all()
  if (rounds.length === 0) return null
  return db
    .select({ p: feedbackPoints, unitName: evaluatedUnits.name })
    .from(feedbackPoints)
    .innerJoin(feedbackRounds, eq(feedbackRounds.id, feedbackPoints.roundId))
    .innerJoin(reportVersions, eq(reportVersions.id, feedbackRounds.reportVersionId))
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, feedbackPoints.evaluatedUnitId))
    .where(and(eq(feedbackRounds.engagementId, engagementId), eq(reportVersions.type, type), isNotNull(feedbackPoints.adoption)))
    .orderBy(asc(feedbackRounds.sentAt), asc(feedbackPoints.createdAt), asc(feedbackPoints.id))
    .all()
    .map(({ p, unitName }) => ({ from: unitName, comment: `（${p.anchorLabel}）${p.comment}`, adoption: p.adoption!, response: p.response }))
}
