// Submission to the commissioning bureau and its review (issue 7 items 1–2). The agency submits an
// issued report version (a round); the bureau's reviewer reads exactly that version, comments on
// sections or indicators, and returns it or accepts it; the agency answers every comment of a
// returned round before it submits a new issued version. Each public mutation is one user action:
// one BEGIN IMMEDIATE transaction with its audit row. Reviewers reach submissions only through the
// bureau scope in SQL, so another bureau's rounds and unsubmitted versions never come back.
import { and, asc, count, desc, eq, inArray, isNull, max, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { engagements, organizations, reportFiles, reportSubmissions, reportVersions, reviewComments, users } from '../../db/schema'
import { composeDocument } from '../../reports/compose'
import type { ReportDocument } from '../../reports/document'
import { reportTypeLabel, type ReportModel, type ReportType } from '../../reports/model'
import type { ReportFormat } from '../../reports/render'
import { engagementKindLabel } from '../domain/engagement'
import { can, engagementScope, type Actor } from '../domain/permissions'
import { anchorOptions, daysBetween, findAnchor, isSubmissionStatus, submissionStatusLabel, submitBlocker, type SubmissionStatus } from '../domain/reports/review'
import { diffSections, sectionsOf, type SectionChange } from '../domain/reports/section-diff'
import { checkTransition, stageLabel } from '../domain/stages'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, insertStageTransition, scopeCondition, updateEngagementIfVersion } from '../models/engagement.server'
import { choice, formValues, parseForm, text, type FieldErrors, type FormValues } from '../utils/form'
import { engagementForViewer } from './engagement.server'
import { issuedReportVersions } from './submission-gate.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该报告提交记录' } }
const refused = (status: 400 | 403 | 409, message: string, values?: FormValues): Failure => ({ ok: false, status, errors: { _form: message }, ...(values ? { values } : {}) })

export const MAX_COMMENT_CHARS = 2000
export const INBOX_PAGE_SIZE = 50

export type SubmissionRow = typeof reportSubmissions.$inferSelect
type Engagement = NonNullable<ReturnType<typeof engagementForViewer>>

// ---- shared reads ------------------------------------------------------------------------------

/** The engagement's most recent round, whatever its status. */
export function latestSubmission(db: Db | Tx, engagementId: string): SubmissionRow | undefined {
  return db.select().from(reportSubmissions).where(eq(reportSubmissions.engagementId, engagementId)).orderBy(desc(reportSubmissions.roundNo)).get()
}

/** The accepted round (with the accepted report version's id), or undefined while none is. */
export function acceptedSubmission(db: Db | Tx, engagementId: string): SubmissionRow | undefined {
  return db
    .select()
    .from(reportSubmissions)
    .where(and(eq(reportSubmissions.engagementId, engagementId), eq(reportSubmissions.status, 'accepted')))
    .get()
}

function unansweredCount(db: Db | Tx, submissionId: string): number {
  return (
    db
      .select({ n: count() })
      .from(reviewComments)
      .where(and(eq(reviewComments.submissionId, submissionId), sql`${reviewComments.publishedAt} IS NOT NULL`, isNull(reviewComments.answer)))
      .get()?.n ?? 0
  )
}

const answerers = alias(users, 'answerer')
const authors = alias(users, 'author')

export type CommentView = {
  id: string
  anchorKind: 'section' | 'indicator'
  anchor: string
  anchorLabel: string
  body: string
  authorName: string
  createdAt: string
  published: boolean
  answer: string | null
  answeredBy: string | null
  answeredAt: string | null
}

/** Comments of the given rounds; `publishedOnly` for the agency, who never sees a reviewer's drafts. */
function commentsOf(db: Db | Tx, submissionIds: string[], publishedOnly: boolean): Map<string, CommentView[]> {
  const out = new Map<string, CommentView[]>(submissionIds.map((id) => [id, []]))
  if (submissionIds.length === 0) return out
  const where: SQL[] = [inArray(reviewComments.submissionId, submissionIds)]
  if (publishedOnly) where.push(sql`${reviewComments.publishedAt} IS NOT NULL`)
  const rows = db
    .select({ c: reviewComments, authorName: authors.displayName, answeredBy: answerers.displayName })
    .from(reviewComments)
    .innerJoin(authors, eq(authors.id, reviewComments.authorId))
    .leftJoin(answerers, eq(answerers.id, reviewComments.answeredBy))
    .where(and(...where))
    .orderBy(asc(reviewComments.createdAt), asc(reviewComments.id))
    .all()
  for (const r of rows) {
    out.get(r.c.submissionId)?.push({
      id: r.c.id,
      anchorKind: r.c.anchorKind,
      anchor: r.c.anchor,
      anchorLabel: r.c.anchorLabel,
      body: r.c.body,
      authorName: r.authorName,
      createdAt: r.c.createdAt,
      published: r.c.publishedAt !== null,
      answer: r.c.answer,
      answeredBy: r.answeredBy,
      answeredAt: r.c.answeredAt,
    })
  }
  return out
}

const submitters = alias(users, 'submitter')
const deciders = alias(users, 'decider')

export type RoundView = {
  id: string
  roundNo: number
  status: SubmissionStatus
  statusLabel: string
  submittedAt: string
  submittedBy: string
  decidedAt: string | null
  decidedBy: string | null
  decisionNote: string
  version: { id: string; versionNo: number; type: ReportType; typeLabel: string; title: string; verificationCode: string | null }
}

function roundsOf(db: Db | Tx, engagementId: string): RoundView[] {
  return db
    .select({ s: reportSubmissions, v: reportVersions, submittedBy: submitters.displayName, decidedBy: deciders.displayName })
    .from(reportSubmissions)
    .innerJoin(reportVersions, eq(reportVersions.id, reportSubmissions.versionId))
    .innerJoin(submitters, eq(submitters.id, reportSubmissions.submittedBy))
    .leftJoin(deciders, eq(deciders.id, reportSubmissions.decidedBy))
    .where(eq(reportSubmissions.engagementId, engagementId))
    .orderBy(asc(reportSubmissions.roundNo))
    .all()
    .map(({ s, v, submittedBy, decidedBy }) => ({
      id: s.id,
      roundNo: s.roundNo,
      status: s.status,
      statusLabel: submissionStatusLabel(s.status),
      submittedAt: s.submittedAt,
      submittedBy,
      decidedAt: s.decidedAt,
      decidedBy,
      decisionNote: s.decisionNote,
      version: { id: v.id, versionNo: v.versionNo, type: v.type, typeLabel: reportTypeLabel(v.type), title: v.title, verificationCode: v.verificationCode },
    }))
}

// ---- the agency's side -------------------------------------------------------------------------

function agencyEngagement(db: Db | Tx, actor: Actor, engagementId: string): Engagement | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'report.view', engagementResource(e)) ? e : undefined
}

/** 提交财政 page: the issued versions to choose from, every round with its published comments and answers. */
export function submissionPage(db: Db, actor: Actor, engagementId: string) {
  const e = agencyEngagement(db, actor, engagementId)
  if (!e) return undefined
  const rounds = roundsOf(db, e.id)
  const comments = commentsOf(
    db,
    rounds.map((r) => r.id),
    true,
  )
  const last = rounds[rounds.length - 1]
  const blocker = submitBlocker(last ? { status: last.status, unanswered: (comments.get(last.id) ?? []).filter((c) => c.answer === null).length } : null)
  const submitted = new Set(rounds.map((r) => r.version.id))
  const resource = engagementResource(e)
  const issued = issuedReportVersions(db, e.id).map((v) => ({ ...v, typeLabel: reportTypeLabel(v.type), submitted: submitted.has(v.id) }))
  return {
    engagement: { id: e.id, name: e.name, stage: e.stage, stageLabel: stageLabel(e.stage), bureauName: e.bureauName },
    issued,
    rounds: rounds.map((r) => ({ ...r, comments: comments.get(r.id) ?? [] })),
    blocker: blocker ?? (issued.some((v) => !v.submitted) ? null : issued.length === 0 ? '尚无已签发的评价报告定稿：请先在“报告”中生成定稿并签发' : '已签发的版本都已提交过：请修改报告、签发新的定稿后再提交'),
    maySubmit: can(actor, 'report.submit', resource),
    mayAnswer: can(actor, 'report.write', resource) && last?.status === 'returned',
  }
}

const submitSchema = z.object({ versionId: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().refine(isId, '请选择要提交的已签发版本')) })

/**
 * 提交财政: a new round with an issued version not submitted before. When the engagement stands at 定稿
 * this is also its move to 提交, recorded like any stage move (the gate sees the issued version).
 */
export function submitReport(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ submissionId: string; roundNo: number; movedTo: string | null }> {
  return inTransaction(db, (tx): Result<{ submissionId: string; roundNo: number; movedTo: string | null }> => {
    const e = agencyEngagement(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'report.submit', engagementResource(e))) return refused(403, '只有项目负责人或机构管理员可以向财政局提交报告')
    const parsed = parseForm(submitSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
    const last = latestSubmission(tx, e.id)
    const blocker = submitBlocker(last ? { status: last.status, unanswered: unansweredCount(tx, last.id) } : null)
    if (blocker) return refused(last?.status === 'returned' ? 400 : 409, blocker, formValues(fd))
    const version = issuedReportVersions(tx, e.id).find((v) => v.id === parsed.data.versionId)
    if (!version) return { ok: false, status: 400, errors: { versionId: '请选择一份已签发的评价报告版本' }, values: formValues(fd) }
    if (tx.select({ id: reportSubmissions.id }).from(reportSubmissions).where(eq(reportSubmissions.versionId, version.id)).get()) {
      return { ok: false, status: 400, errors: { versionId: `第 ${version.versionNo} 版已提交过，请签发修改后的新版本再提交` }, values: formValues(fd) }
    }
    const roundNo = (tx.select({ n: max(reportSubmissions.roundNo) }).from(reportSubmissions).where(eq(reportSubmissions.engagementId, e.id)).get()?.n ?? 0) + 1
    const note = `提交财政局审核（第 ${roundNo} 轮，${reportTypeLabel(version.type)}第 ${version.versionNo} 版）`
    // Checked before anything is written: a refusal must leave no half-made round behind.
    const verdict = e.stage === 'finalized' ? checkTransition({ from: 'finalized', to: 'submitted', role: actor.role, note, facts: { contractNo: e.contractNo, panelProblems: [], issuedReport: true } }) : null
    if (verdict && !verdict.ok) return refused(400, verdict.message, formValues(fd))
    const id = newId()
    const at = now.toISOString()
    tx.insert(reportSubmissions).values({ id, engagementId: e.id, versionId: version.id, roundNo, status: 'pending', submittedBy: actor.userId, submittedAt: at }).run()
    let movedTo: string | null = null
    if (verdict) {
      if (!updateEngagementIfVersion(tx, e.id, e.version, { stage: 'submitted', stageChangedAt: at }, now)) throw new Error('engagement changed inside its own transaction')
      insertStageTransition(tx, { engagementId: e.id, fromStage: 'finalized', toStage: 'submitted', actorUserId: actor.userId, note }, now)
      appendAudit(tx, {
        actor: auditActor(actor),
        action: 'engagement.stage_move',
        entity: 'engagement',
        entityId: e.id,
        before: { stage: 'finalized' },
        after: { stage: 'submitted', direction: verdict.direction, note },
        at: now,
      })
      movedTo = stageLabel('submitted')
    }
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'review.submit',
      entity: 'engagement',
      entityId: e.id,
      after: { submissionId: id, roundNo, versionId: version.id, type: version.type, versionNo: version.versionNo, code: version.verificationCode },
      at: now,
    })
    return { ok: true, value: { submissionId: id, roundNo, movedTo } }
  })
}

const answerSchema = z.object({
  commentId: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().refine(isId, '未找到该审核意见')),
  answer: text({ label: '答复', max: MAX_COMMENT_CHARS }),
})

/** 答复审核意见: one answer per published comment of the returned round; it may be revised until resubmission. */
export function answerComment(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ commentId: string }> {
  return inTransaction(db, (tx): Result<{ commentId: string }> => {
    const e = agencyEngagement(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'report.write', engagementResource(e))) return refused(403, '您不在项目组或项目已归档，不能答复审核意见')
    const parsed = parseForm(answerSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
    const last = latestSubmission(tx, e.id)
    const comment = last
      ? tx
          .select()
          .from(reviewComments)
          .where(and(eq(reviewComments.id, parsed.data.commentId), eq(reviewComments.submissionId, last.id), sql`${reviewComments.publishedAt} IS NOT NULL`))
          .get()
      : undefined
    if (!last || !comment) return refused(400, '只能答复最近一次退回的审核意见', formValues(fd))
    if (last.status !== 'returned') return refused(409, '该轮审核意见已随新版本提交，不能再修改答复', formValues(fd))
    tx.update(reviewComments).set({ answer: parsed.data.answer, answeredBy: actor.userId, answeredAt: now.toISOString() }).where(eq(reviewComments.id, comment.id)).run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'review.answer',
      entity: 'engagement',
      entityId: e.id,
      before: comment.answer === null ? null : { commentId: comment.id, answer: comment.answer },
      after: { commentId: comment.id, roundNo: last.roundNo, answer: parsed.data.answer },
      at: now,
    })
    return { ok: true, value: { commentId: comment.id } }
  })
}

// ---- the bureau's side -------------------------------------------------------------------------

const agencies = alias(organizations, 'agency')

export type InboxQuery = { status?: SubmissionStatus; page: number }

export type InboxRow = {
  submissionId: string
  status: SubmissionStatus
  statusLabel: string
  roundNo: number
  engagementId: string
  engagementName: string
  agencyName: string
  kindLabel: string
  typeLabel: string
  grade: string | null
  submittedAt: string
  /** Pending: days since submission until `now`; decided: days the decision took. */
  daysWaiting: number
}

/**
 * The reviewer's inbox: the latest round of each engagement of the actor's bureau (scoped in SQL),
 * pending first and the longest-waiting first among them; counts per status over the same scope.
 */
export function reviewInbox(db: Db, actor: Actor, q: InboxQuery, now: Date): { rows: InboxRow[]; total: number; counts: Record<SubmissionStatus, number> } | undefined {
  const scope = engagementScope(actor)
  if (actor.role !== 'finance_reviewer' || scope.kind !== 'bureau') return undefined
  const latestOnly = sql`${reportSubmissions.roundNo} = (SELECT max(s2.round_no) FROM report_submissions s2 WHERE s2.engagement_id = ${reportSubmissions.engagementId})`
  const base = and(scopeCondition(scope), latestOnly)!
  const counts: Record<SubmissionStatus, number> = { pending: 0, returned: 0, accepted: 0 }
  for (const r of db.select({ status: reportSubmissions.status, n: count() }).from(reportSubmissions).innerJoin(engagements, eq(engagements.id, reportSubmissions.engagementId)).where(base).groupBy(reportSubmissions.status).all()) {
    counts[r.status] = r.n
  }
  const where = q.status ? and(base, eq(reportSubmissions.status, q.status))! : base
  const total = q.status ? counts[q.status] : counts.pending + counts.returned + counts.accepted
  const statusOrder = sql`CASE ${reportSubmissions.status} WHEN 'pending' THEN 0 WHEN 'returned' THEN 1 ELSE 2 END`
  const rows = db
    .select({
      s: reportSubmissions,
      engagementName: engagements.name,
      kind: engagements.kind,
      agencyName: agencies.name,
      type: reportVersions.type,
      grade: sql<string | null>`json_extract(${reportVersions.modelJson}, '$.scoring.grade.grade')`,
    })
    .from(reportSubmissions)
    .innerJoin(engagements, eq(engagements.id, reportSubmissions.engagementId))
    .innerJoin(agencies, eq(agencies.id, engagements.agencyId))
    .innerJoin(reportVersions, eq(reportVersions.id, reportSubmissions.versionId))
    .where(where)
    .orderBy(statusOrder, asc(reportSubmissions.submittedAt), asc(reportSubmissions.id))
    .limit(INBOX_PAGE_SIZE)
    .offset((Math.max(1, q.page) - 1) * INBOX_PAGE_SIZE)
    .all()
  return {
    total,
    counts,
    rows: rows.map((r) => ({
      submissionId: r.s.id,
      status: r.s.status,
      statusLabel: submissionStatusLabel(r.s.status),
      roundNo: r.s.roundNo,
      engagementId: r.s.engagementId,
      engagementName: r.engagementName,
      agencyName: r.agencyName,
      kindLabel: engagementKindLabel(r.kind),
      typeLabel: reportTypeLabel(r.type),
      grade: r.grade,
      submittedAt: r.s.submittedAt,
      daysWaiting: daysBetween(r.s.submittedAt, r.s.decidedAt ?? now.toISOString()),
    })),
  }
}

export function parseInboxStatus(raw: string | null): SubmissionStatus | undefined {
  return isSubmissionStatus(raw) ? raw : undefined
}

type ReviewAccess = { e: Engagement; s: SubmissionRow }

/** The round and its engagement if the actor reviews for the engagement's bureau; else nothing (404). */
function reviewAccess(db: Db | Tx, actor: Actor, submissionId: string): ReviewAccess | undefined {
  if (!isId(submissionId) || actor.role !== 'finance_reviewer') return undefined
  const s = db.select().from(reportSubmissions).where(eq(reportSubmissions.id, submissionId)).get()
  if (!s) return undefined
  const e = engagementForViewer(db, actor, s.engagementId)
  return e && can(actor, 'review.view', engagementResource(e)) ? { e, s } : undefined
}

/** Whether the submission is this reviewer's to see; actions ask first, so another bureau's id is 404 whatever the form says. */
export function mayReview(db: Db | Tx, actor: Actor, submissionId: string): boolean {
  return reviewAccess(db, actor, submissionId) !== undefined
}

function modelOf(db: Db | Tx, versionId: string): ReportModel {
  const v = db.select({ modelJson: reportVersions.modelJson }).from(reportVersions).where(eq(reportVersions.id, versionId)).get()!
  return JSON.parse(v.modelJson) as ReportModel
}

export type ReviewPage = {
  engagement: { id: string; name: string; agencyName: string; kindLabel: string }
  round: RoundView
  rounds: { id: string; roundNo: number; statusLabel: string }[]
  document: ReportDocument
  grade: string | null
  anchors: ReturnType<typeof anchorOptions>
  comments: CommentView[]
  previous: { round: RoundView; comments: CommentView[]; changes: SectionChange[] } | null
  mayDecide: boolean
}

/** One round as the reviewer reads it: the report drawn from exactly that version's stored model. */
export function reviewPage(db: Db, actor: Actor, submissionId: string): ReviewPage | undefined {
  const access = reviewAccess(db, actor, submissionId)
  if (!access) return undefined
  const { e, s } = access
  const rounds = roundsOf(db, e.id)
  const round = rounds.find((r) => r.id === s.id)!
  const prior = rounds.find((r) => r.roundNo === s.roundNo - 1)
  const model = modelOf(db, s.versionId)
  const document = composeDocument(model)
  const comments = commentsOf(db, prior ? [s.id, prior.id] : [s.id], false)
  return {
    engagement: { id: e.id, name: e.name, agencyName: e.agencyName, kindLabel: engagementKindLabel(e.kind) },
    round,
    rounds: rounds.map((r) => ({ id: r.id, roundNo: r.roundNo, statusLabel: r.statusLabel })),
    document,
    grade: model.scoring?.grade.grade ?? null,
    anchors: anchorOptions(document, model.sheet.tree),
    comments: comments.get(s.id) ?? [],
    previous: prior
      ? {
          round: prior,
          comments: (comments.get(prior.id) ?? []).filter((c) => c.published),
          changes: diffSections(sectionsOf(composeDocument(modelOf(db, prior.version.id))), sectionsOf(document)),
        }
      : null,
    mayDecide: s.status === 'pending' && can(actor, 'review.decide', engagementResource(e)),
  }
}

/** The DOCX or PDF of exactly the submitted version, for the reviewer (the agency's file route is theirs). */
export function submissionFile(db: Db, actor: Actor, submissionId: string, format: ReportFormat) {
  const access = reviewAccess(db, actor, submissionId)
  if (!access) return undefined
  const v = db.select().from(reportVersions).where(eq(reportVersions.id, access.s.versionId)).get()!
  const file = db.select().from(reportFiles).where(and(eq(reportFiles.versionId, v.id), eq(reportFiles.format, format))).get()
  if (!file) return undefined
  return { bytes: file.bytes, filename: `${v.title}（送审第${access.s.roundNo}轮·第${v.versionNo}版）.${format}` }
}

/** A round the actor may decide on, still waiting, inside the transaction. */
function decidable(tx: Tx, actor: Actor, submissionId: string): ReviewAccess | Failure {
  const access = reviewAccess(tx, actor, submissionId)
  if (!access) return NOT_FOUND
  if (!can(actor, 'review.decide', engagementResource(access.e))) return refused(403, '您无权审核该报告')
  if (access.s.status !== 'pending') return refused(409, `该轮提交已${submissionStatusLabel(access.s.status)}，不能再修改`)
  return access
}

const commentSchema = z.object({
  anchor: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().min(1, '请选择意见针对的章节或指标')),
  body: text({ label: '审核意见', max: MAX_COMMENT_CHARS }),
})

/** 添加审核意见: a draft the agency sees once the round is returned or accepted. */
export function addComment(db: Db, actor: Actor, submissionId: string, fd: FormData, now: Date): Result<{ commentId: string }> {
  return inTransaction(db, (tx): Result<{ commentId: string }> => {
    const access = decidable(tx, actor, submissionId)
    if ('ok' in access) return access
    const parsed = parseForm(commentSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
    const model = modelOf(tx, access.s.versionId)
    const anchor = findAnchor(anchorOptions(composeDocument(model), model.sheet.tree), parsed.data.anchor)
    if (!anchor) return { ok: false, status: 400, errors: { anchor: '请选择报告中的章节或末级指标' }, values: formValues(fd) }
    const id = newId()
    tx.insert(reviewComments)
      .values({ id, submissionId: access.s.id, anchorKind: anchor.kind, anchor: anchor.anchor, anchorLabel: anchor.label, body: parsed.data.body, authorId: actor.userId, createdAt: now.toISOString() })
      .run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'review.comment',
      entity: 'engagement',
      entityId: access.e.id,
      after: { commentId: id, roundNo: access.s.roundNo, anchorKind: anchor.kind, anchor: anchor.anchor, body: parsed.data.body },
      at: now,
    })
    return { ok: true, value: { commentId: id } }
  })
}

/** 删除意见: a reviewer withdraws their own comment before the round is decided. */
export function deleteComment(db: Db, actor: Actor, submissionId: string, fd: FormData, now: Date): Result<{ commentId: string }> {
  return inTransaction(db, (tx): Result<{ commentId: string }> => {
    const access = decidable(tx, actor, submissionId)
    if ('ok' in access) return access
    const commentId = String(fd.get('commentId') ?? '')
    const comment = isId(commentId)
      ? tx
          .select()
          .from(reviewComments)
          .where(and(eq(reviewComments.id, commentId), eq(reviewComments.submissionId, access.s.id), eq(reviewComments.authorId, actor.userId)))
          .get()
      : undefined
    if (!comment) return refused(400, '只能删除本人尚未发出的审核意见')
    tx.delete(reviewComments).where(eq(reviewComments.id, comment.id)).run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'review.comment_delete',
      entity: 'engagement',
      entityId: access.e.id,
      before: { commentId: comment.id, roundNo: access.s.roundNo, anchor: comment.anchor, body: comment.body },
      at: now,
    })
    return { ok: true, value: { commentId: comment.id } }
  })
}

const decisionSchema = z.object({
  decision: choice(['return', 'accept'], '请选择审核结论'),
  note: text({ label: '审核说明', max: MAX_COMMENT_CHARS, required: false }),
})

/** 退回修改 (needs at least one comment) or 验收: the round's comments are published to the agency. */
export function decideSubmission(db: Db, actor: Actor, submissionId: string, fd: FormData, now: Date): Result<{ status: SubmissionStatus; engagementId: string }> {
  return inTransaction(db, (tx): Result<{ status: SubmissionStatus; engagementId: string }> => {
    const access = decidable(tx, actor, submissionId)
    if ('ok' in access) return access
    const parsed = parseForm(decisionSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
    const comments = tx.select({ n: count() }).from(reviewComments).where(eq(reviewComments.submissionId, access.s.id)).get()?.n ?? 0
    if (parsed.data.decision === 'return' && comments === 0) return { ok: false, status: 400, errors: { decision: '退回修改须至少填写一条审核意见' }, values: formValues(fd) }
    const status: SubmissionStatus = parsed.data.decision === 'return' ? 'returned' : 'accepted'
    const at = now.toISOString()
    const changed = tx
      .update(reportSubmissions)
      .set({ status, decidedBy: actor.userId, decidedAt: at, decisionNote: parsed.data.note })
      .where(and(eq(reportSubmissions.id, access.s.id), eq(reportSubmissions.status, 'pending')))
      .run().changes
    if (changed !== 1) return refused(409, '该轮提交已被处理，请刷新')
    tx.update(reviewComments).set({ publishedAt: at }).where(and(eq(reviewComments.submissionId, access.s.id), isNull(reviewComments.publishedAt))).run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: status === 'returned' ? 'review.return' : 'review.accept',
      entity: 'engagement',
      entityId: access.e.id,
      before: { submissionId: access.s.id, status: 'pending' },
      after: { submissionId: access.s.id, roundNo: access.s.roundNo, status, note: parsed.data.note, comments },
      at: now,
    })
    return { ok: true, value: { status, engagementId: access.e.id } }
  })
}

// ---- the engagement page -----------------------------------------------------------------------

export type ReviewEvent = { at: string; actorName: string; text: string; note: string }

/**
 * The submission and review steps for the engagement page (提交与审核记录), for whoever works on the
 * reports or reviews them; undefined for anyone else. Comments count only once sent to the agency.
 */
export function reviewHistory(db: Db, actor: Actor, engagementId: string): { events: ReviewEvent[]; link: string | null; agency: boolean } | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  if (!e) return undefined
  const resource = engagementResource(e)
  const agency = can(actor, 'report.view', resource)
  const bureau = can(actor, 'review.view', resource)
  if (!agency && !bureau) return undefined
  const rounds = roundsOf(db, e.id)
  const comments = commentsOf(
    db,
    rounds.map((r) => r.id),
    true,
  )
  const events: ReviewEvent[] = []
  for (const r of rounds) {
    events.push({ at: r.submittedAt, actorName: r.submittedBy, text: `提交第 ${r.roundNo} 轮：${r.version.typeLabel}第 ${r.version.versionNo} 版（验证码 ${r.version.verificationCode ?? '—'}）`, note: '' })
    const sent = comments.get(r.id) ?? []
    for (const c of sent.filter((x) => x.answeredAt !== null)) events.push({ at: c.answeredAt!, actorName: c.answeredBy ?? '', text: `答复第 ${r.roundNo} 轮审核意见（${c.anchorLabel}）`, note: '' })
    if (r.decidedAt) {
      const what = r.status === 'returned' ? `退回第 ${r.roundNo} 轮修改（审核意见 ${sent.length} 条）` : `验收第 ${r.roundNo} 轮提交的报告`
      events.push({ at: r.decidedAt, actorName: r.decidedBy ?? '', text: what, note: r.decisionNote })
    }
  }
  events.sort((a, b) => a.at.localeCompare(b.at))
  const last = rounds[rounds.length - 1]
  return { events, link: agency ? `/engagements/${e.id}/submission` : last ? `/review/${last.id}` : null, agency }
}
