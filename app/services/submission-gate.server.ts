// Which issued reports an engagement has: the 提交 stage gate (engagement service) and the submission
// service both ask, so this stands alone and neither imports the other.
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { reportVersions } from '../../db/schema'

/** The report types that go to the bureau: the evaluation report, or the ex-ante assessment. */
export const SUBMITTABLE_TYPES = ['evaluation', 'ex-ante'] as const

/** Issued (signed-out, with a verification code) versions of the submittable reports, newest first. */
export function issuedReportVersions(db: Db | Tx, engagementId: string) {
  return db
    .select({ id: reportVersions.id, type: reportVersions.type, versionNo: reportVersions.versionNo, title: reportVersions.title, issuedAt: reportVersions.issuedAt, verificationCode: reportVersions.verificationCode })
    .from(reportVersions)
    .where(and(eq(reportVersions.engagementId, engagementId), inArray(reportVersions.type, [...SUBMITTABLE_TYPES]), isNotNull(reportVersions.verificationCode)))
    .orderBy(desc(reportVersions.versionNo))
    .all()
}

export function hasIssuedReport(db: Db | Tx, engagementId: string): boolean {
  return issuedReportVersions(db, engagementId).length > 0
}
