// 征求意见: the agency's team sends the 征求意见稿 (the latest version generated at that stage, else the
// latest draft) to the engagement's evaluated units with a deadline; each unit's contact reads that
// exact version and raises points on its sections or indicators until the deadline; the team decides
// each point (采纳 / 部分采纳 / 不采纳, with an explanation). The decided points are the report's annex
// (models/feedback.server.ts). Each action is one transaction with its audit row.
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { engagements, engagementUnits, evaluatedUnits, feedbackPoints, feedbackRounds, reportFiles, reportVersions, users } from '../../db/schema'
import { composeDocument } from '../../reports/compose'
import { reportStageLabel, reportTypeLabel, type ReportModel } from '../../reports/model'
import type { ReportFormat } from '../../reports/render'
import { beijingDate } from '../domain/finance/rectification'
import { adoptionLabel, answerClosed, type Adoption } from '../domain/fieldwork/requests'
import { can, type Actor } from '../domain/permissions'
import { anchorOptions, findAnchor } from '../domain/reports/review'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { choice, isoDate, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该征求意见' } }
const CONFLICT: Failure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
const forbidden = (message: string): Failure => ({ ok: false, status: 403, errors: { _form: message } })

type VersionRow = typeof reportVersions.$inferSelect
type RoundRow = typeof feedbackRounds.$inferSelect

/** The team's view of the engagement (the unit's contact works from /unit/feedback). */
function teamEngagement(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  if (actor.role === 'unit_contact') return undefined
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'feedback.view', engagementResource(e)) ? e : undefined
}

const versionLabel = (v: Pick<VersionRow, 'type' | 'versionNo' | 'stage'>) => `${reportTypeLabel(v.type)}第 ${v.versionNo} 版（${reportStageLabel(v.stage)}）`

/** The version to send: the latest 征求意见稿 of a report (evaluation or ex-ante), else the latest draft. */
function draftToSend(db: Db | Tx, engagementId: string): VersionRow | undefined {
  const versions = db
    .select()
    .from(reportVersions)
    .where(and(eq(reportVersions.engagementId, engagementId), inArray(reportVersions.type, ['evaluation', 'ex-ante'])))
    .orderBy(desc(reportVersions.generatedAt), desc(reportVersions.versionNo))
    .all()
  return versions.find((v) => v.stage === 'consultation') ?? versions.find((v) => v.stage === 'draft')
}

export type PointView = {
  id: string
  unitName: string
  anchorLabel: string
  comment: string
  authorName: string
  createdAt: string
  adoption: Adoption | null
  adoptionLabel: string
  response: string
  decidedAt: string | null
  version: number
}

function pointsOf(db: Db | Tx, roundIds: string[], unitId: string | null): (PointView & { roundId: string })[] {
  if (roundIds.length === 0) return []
  return db
    .select({ p: feedbackPoints, unitName: evaluatedUnits.name, authorName: users.displayName })
    .from(feedbackPoints)
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, feedbackPoints.evaluatedUnitId))
    .innerJoin(users, eq(users.id, feedbackPoints.authorId))
    .where(and(inArray(feedbackPoints.roundId, roundIds), unitId === null ? undefined : eq(feedbackPoints.evaluatedUnitId, unitId)))
    .orderBy(asc(feedbackPoints.createdAt), asc(feedbackPoints.id))
    .all()
    .map(({ p, unitName, authorName }) => ({
      id: p.id,
      roundId: p.roundId,
      unitName,
      anchorLabel: p.anchorLabel,
      comment: p.comment,
      authorName,
      createdAt: p.createdAt,
      adoption: p.adoption,
      adoptionLabel: adoptionLabel(p.adoption),
      response: p.response,
      decidedAt: p.decidedAt,
      version: p.version,
    }))
}

/** The engagement's feedback page for the team: the draft it would send, every round with its points. */
export function feedbackPage(db: Db, actor: Actor, engagementId: string, now: Date) {
  const e = teamEngagement(db, actor, engagementId)
  if (!e) return undefined
  const today = beijingDate(now)
  const rounds = db
    .select({ r: feedbackRounds, v: reportVersions, sentBy: users.displayName })
    .from(feedbackRounds)
    .innerJoin(reportVersions, eq(reportVersions.id, feedbackRounds.reportVersionId))
    .innerJoin(users, eq(users.id, feedbackRounds.sentBy))
    .where(eq(feedbackRounds.engagementId, e.id))
    .orderBy(desc(feedbackRounds.sentAt), desc(feedbackRounds.id))
    .all()
  const points = pointsOf(db, rounds.map((x) => x.r.id), null)
  const latestOf = (type: VersionRow['type']) =>
    db
      .select({ id: reportVersions.id, versionNo: reportVersions.versionNo })
      .from(reportVersions)
      .where(and(eq(reportVersions.engagementId, e.id), eq(reportVersions.type, type)))
      .orderBy(desc(reportVersions.versionNo))
      .limit(1)
      .get()
  const candidate = draftToSend(db, e.id)
  return {
    engagement: { id: e.id, name: e.name },
    candidate: candidate ? { id: candidate.id, label: versionLabel(candidate) } : null,
    rounds: rounds.map(({ r, v, sentBy }) => {
      const latest = latestOf(v.type)
      return {
        id: r.id,
        versionLabel: versionLabel(v),
        deadline: r.deadline,
        sentAt: r.sentAt,
        sentBy,
        closed: answerClosed(r.deadline, today) !== null,
        // The report compare page shows what the next version changed against the one sent.
        compare: latest && latest.versionNo > v.versionNo ? { type: v.type, from: v.id, to: latest.id, toNo: latest.versionNo } : null,
        points: points.filter((p) => p.roundId === r.id),
      }
    }),
    mayManage: can(actor, 'feedback.manage', engagementResource(e)),
  }
}

const sendSchema = z.object({ versionId: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()), deadline: isoDate('反馈截止日期') })

/** 发送征求意见稿: the draft the page offered, to every unit of the engagement, with a deadline. */
export function sendRound(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ id: string; versionLabel: string }> {
  return inTransaction(db, (tx) => {
    const e = teamEngagement(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'feedback.manage', engagementResource(e))) return forbidden('只有项目组成员可以发送征求意见稿')
    const parsed = parseForm(sendSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
    const today = beijingDate(now)
    if (parsed.data.deadline < today) return { ok: false, status: 400, errors: { deadline: `反馈截止日期不能早于今天（${today}）` }, values: parsed.data }
    const version = draftToSend(tx, e.id)
    if (!version) return { ok: false, status: 409, errors: { _form: '本项目尚未生成报告初稿或征求意见稿，请先在报告页生成' } }
    if (version.id !== parsed.data.versionId) return { ok: false, status: 409, errors: { _form: '报告已有新的版本，请刷新后确认要发送的版本' } }
    const already = tx.select({ id: feedbackRounds.id }).from(feedbackRounds).where(eq(feedbackRounds.reportVersionId, version.id)).get()
    if (already) return { ok: false, status: 409, errors: { _form: `${versionLabel(version)}已发送征求意见，不能重复发送` } }
    const id = newId()
    tx.insert(feedbackRounds).values({ id, engagementId: e.id, reportVersionId: version.id, deadline: parsed.data.deadline, sentBy: actor.userId, sentAt: now.toISOString() }).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'feedback.send', entity: 'engagement', entityId: e.id, after: { roundId: id, reportVersionId: version.id, deadline: parsed.data.deadline }, at: now })
    return { ok: true, value: { id, versionLabel: versionLabel(version) } }
  })
}

const decideSchema = z.object({
  adoption: choice(['adopted', 'partly', 'not_adopted'] as const, '请选择采纳情况'),
  response: text({ label: '处理说明', max: 2000 }),
  version: versionField,
})

/** 采纳 / 部分采纳 / 不采纳 with the explanation the annex prints; a later decision replaces it (audited). */
export function decidePoint(db: Db, actor: Actor, pointId: string, fd: FormData, now: Date): Result<{ adoption: Adoption }> {
  return inTransaction(db, (tx) => {
    if (!isId(pointId)) return NOT_FOUND
    const found = tx.select({ p: feedbackPoints, engagementId: feedbackRounds.engagementId }).from(feedbackPoints).innerJoin(feedbackRounds, eq(feedbackRounds.id, feedbackPoints.roundId)).where(eq(feedbackPoints.id, pointId)).get()
    const e = found ? teamEngagement(tx, actor, found.engagementId) : undefined
    if (!found || !e) return NOT_FOUND
    if (!can(actor, 'feedback.manage', engagementResource(e))) return forbidden('只有项目组成员可以处理反馈意见')
    const parsed = parseForm(decideSchema, fd)
    if (!parsed.ok) return parsed.errors.version ? CONFLICT : { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
    const { p } = found
    if (parsed.data.version !== p.version) return CONFLICT
    const at = now.toISOString()
    const changed = tx
      .update(feedbackPoints)
      .set({ adoption: parsed.data.adoption, response: parsed.data.response, decidedBy: actor.userId, decidedAt: at, version: p.version + 1 })
      .where(and(eq(feedbackPoints.id, p.id), eq(feedbackPoints.version, p.version)))
      .run()
    if (changed.changes !== 1) return CONFLICT
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'feedback.decide',
      entity: 'feedback_point',
      entityId: p.id,
      before: { adoption: p.adoption, response: p.response },
      after: { adoption: parsed.data.adoption, response: parsed.data.response },
      at: now,
    })
    return { ok: true, value: { adoption: parsed.data.adoption } }
  })
}

// ---- the unit's side ---------------------------------------------------------------------------

/** A round sent on an engagement of the contact's unit, with that engagement; undefined otherwise. */
function unitRound(db: Db | Tx, actor: Actor, roundId: string): { r: RoundRow; e: EngagementDetail } | undefined {
  if (actor.role !== 'unit_contact' || !isId(roundId)) return undefined
  const r = db.select().from(feedbackRounds).where(eq(feedbackRounds.id, roundId)).get()
  const e = r ? engagementForViewer(db, actor, r.engagementId) : undefined
  return r && e && can(actor, 'feedback.view', engagementResource(e)) ? { r, e } : undefined
}

/** The rounds sent to the contact's unit, newest first, with how many points the unit raised. */
export function unitFeedbackRounds(db: Db, actor: Actor, now: Date) {
  if (actor.role !== 'unit_contact' || !actor.evaluatedUnitId) return []
  const today = beijingDate(now)
  const rows = db
    .select({ r: feedbackRounds, v: reportVersions, engagementName: engagements.name })
    .from(feedbackRounds)
    .innerJoin(engagementUnits, and(eq(engagementUnits.engagementId, feedbackRounds.engagementId), eq(engagementUnits.evaluatedUnitId, actor.evaluatedUnitId)))
    .innerJoin(engagements, eq(engagements.id, feedbackRounds.engagementId))
    .innerJoin(reportVersions, eq(reportVersions.id, feedbackRounds.reportVersionId))
    .orderBy(desc(feedbackRounds.sentAt))
    .all()
  const mine = pointsOf(db, rows.map((x) => x.r.id), actor.evaluatedUnitId)
  return rows.map(({ r, v, engagementName }) => ({
    id: r.id,
    engagementName,
    versionLabel: versionLabel(v),
    deadline: r.deadline,
    sentAt: r.sentAt,
    closed: answerClosed(r.deadline, today) !== null,
    points: mine.filter((p) => p.roundId === r.id).length,
  }))
}

/** One round as the unit reads it: exactly the version sent, what it may anchor to, its own points. */
export function unitRoundPage(db: Db, actor: Actor, roundId: string, now: Date) {
  const found = unitRound(db, actor, roundId)
  if (!found) return undefined
  const { r, e } = found
  const v = db.select().from(reportVersions).where(eq(reportVersions.id, r.reportVersionId)).get()!
  const model = JSON.parse(v.modelJson) as ReportModel
  const document = composeDocument(model)
  const closed = answerClosed(r.deadline, beijingDate(now))
  return {
    round: { id: r.id, deadline: r.deadline, sentAt: r.sentAt, versionLabel: versionLabel(v), closed },
    engagement: { id: e.id, name: e.name },
    document,
    anchors: anchorOptions(document, model.sheet.tree),
    points: pointsOf(db, [r.id], actor.evaluatedUnitId),
    mayAnswer: closed === null && can(actor, 'feedback.answer', engagementResource(e)),
  }
}

/** The DOCX or PDF of exactly the version the round sent, for the unit's contact. */
export function unitRoundFile(db: Db, actor: Actor, roundId: string, format: ReportFormat) {
  const found = unitRound(db, actor, roundId)
  if (!found) return undefined
  const v = db.select().from(reportVersions).where(eq(reportVersions.id, found.r.reportVersionId)).get()!
  const file = db.select().from(reportFiles).where(and(eq(reportFiles.versionId, v.id), eq(reportFiles.format, format))).get()
  return file ? { bytes: file.bytes, name: `${v.title}（${reportStageLabel(v.stage)}·第${v.versionNo}版）` } : undefined
}

const answerSchema = z.object({
  anchor: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().min(1, '请选择意见针对的章节或指标')),
  comment: text({ label: '意见内容', max: 2000 }),
})

/** 提出意见 on the version sent, by the deadline (after it: refused, naming the date). */
export function answerRound(db: Db, actor: Actor, roundId: string, fd: FormData, now: Date): Result<{ id: string }> {
  return inTransaction(db, (tx) => {
    const found = unitRound(tx, actor, roundId)
    if (!found) return NOT_FOUND
    const { r, e } = found
    if (!can(actor, 'feedback.answer', engagementResource(e)) || !actor.evaluatedUnitId) return forbidden('只有被评价单位的联络人可以提出意见')
    const closed = answerClosed(r.deadline, beijingDate(now))
    if (closed) return { ok: false, status: 409, errors: { _form: closed }, values: { anchor: String(fd.get('anchor') ?? ''), comment: String(fd.get('comment') ?? '') } }
    const parsed = parseForm(answerSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
    const model = JSON.parse(tx.select({ m: reportVersions.modelJson }).from(reportVersions).where(eq(reportVersions.id, r.reportVersionId)).get()!.m) as ReportModel
    const anchor = findAnchor(anchorOptions(composeDocument(model), model.sheet.tree), parsed.data.anchor)
    if (!anchor) return { ok: false, status: 400, errors: { anchor: '请选择报告中的章节或末级指标' }, values: { anchor: parsed.data.anchor, comment: parsed.data.comment } }
    const id = newId()
    tx.insert(feedbackPoints)
      .values({ id, roundId: r.id, evaluatedUnitId: actor.evaluatedUnitId, anchorKind: anchor.kind, anchor: anchor.anchor, anchorLabel: anchor.label, comment: parsed.data.comment, authorId: actor.userId, createdAt: now.toISOString() })
      .run()
    appendAudit(tx, { actor: auditActor(actor), action: 'feedback.answer', entity: 'feedback_point', entityId: id, after: { roundId: r.id, anchorKind: anchor.kind, anchor: anchor.anchor, comment: parsed.data.comment }, at: now })
    return { ok: true, value: { id } }
  })
}
