// 工作底稿: the engagement team attaches files with notes to the engagement or to an indicator of its
// sheet; each upload is a new version (a stored file is never replaced). Papers are kept until the
// engagement's retention date; after it only the agency's admin may delete one, as a soft delete with
// a reason (the files stay). Experts read the papers of the indicators they score through their seat.
import { and, asc, desc, eq, notExists } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { documentRequestFiles, documentRequests, engagementRetention, evaluatedUnits, stageTransitions, storedFiles, users, workingPapers, workingPaperVersions } from '../../db/schema'
import { beijingDate } from '../domain/finance/rectification'
import { retentionOf, retentionPassed, type Retention } from '../domain/fieldwork/retention'
import { walkTree } from '../domain/indicators/tree'
import { can, type Actor } from '../domain/permissions'
import { openStoredFile, recordFile, type PreparedFile } from '../files/store.server'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { currentSheet, parseTree } from '../models/framework.server'
import { findPaperVersion, versionsOf, type PaperVersionView } from '../models/working-papers.server'
import { isoDate, text, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'
import { seatScoringScope } from './scoring.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该工作底稿' } }
const CONFLICT: Failure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
const forbidden = (message: string): Failure => ({ ok: false, status: 403, errors: { _form: message } })

const MAX_TITLE = 200
const MAX_NOTE = 2000

function engagementFor(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'papers.view', engagementResource(e)) ? e : undefined
}

/** The indicators of the engagement's current sheet, in tree order, for choosing and grouping. */
function sheetIndicators(db: Db | Tx, engagementId: string): { code: string; name: string; level: number }[] {
  const sheet = currentSheet(db, engagementId)
  if (!sheet) return []
  return walkTree(parseTree(sheet.treeJson)).map(({ node, path }) => ({ code: node.code, name: node.name, level: path.length }))
}

function retentionFor(db: Db | Tx, engagementId: string): Retention & { version: number } {
  const configured = db.select().from(engagementRetention).where(eq(engagementRetention.engagementId, engagementId)).get()
  const archived = db
    .select({ at: stageTransitions.at })
    .from(stageTransitions)
    .where(and(eq(stageTransitions.engagementId, engagementId), eq(stageTransitions.toStage, 'archived')))
    .orderBy(desc(stageTransitions.at))
    .get()
  return { ...retentionOf(configured?.retainUntil ?? null, archived ? beijingDate(new Date(archived.at)) : null), version: configured?.version ?? 0 }
}

export type PaperView = { id: string; indicatorCode: string | null; title: string; note: string; createdAt: string; createdByName: string; deleted: { at: string; reason: string } | null; versions: PaperVersionView[] }

/** The papers page: papers grouped by indicator (engagement-wide first), optionally one indicator only. */
export function papersPage(db: Db, actor: Actor, engagementId: string, indicator: string | null, now: Date) {
  const e = engagementFor(db, actor, engagementId)
  if (!e) return undefined
  const indicators = sheetIndicators(db, e.id)
  const rows = db
    .select({ p: workingPapers, createdByName: users.displayName })
    .from(workingPapers)
    .innerJoin(users, eq(users.id, workingPapers.createdBy))
    .where(eq(workingPapers.engagementId, e.id))
    .orderBy(asc(workingPapers.createdAt), asc(workingPapers.id))
    .all()
  const versions = versionsOf(db, rows.map((r) => r.p.id))
  const papers: PaperView[] = rows.map(({ p, createdByName }) => ({
    id: p.id,
    indicatorCode: p.indicatorCode,
    title: p.title,
    note: p.note,
    createdAt: p.createdAt,
    createdByName,
    deleted: p.deletedAt ? { at: p.deletedAt, reason: p.deleteReason ?? '' } : null,
    versions: versions.get(p.id) ?? [],
  }))
  const names = new Map(indicators.map((i) => [i.code, i.name]))
  const order = [null, ...indicators.map((i) => i.code), ...new Set(papers.map((p) => p.indicatorCode).filter((c): c is string => c !== null && !names.has(c)))]
  const shown = indicator === null ? order : order.filter((c) => (indicator === '' ? c === null : c === indicator))
  const groups = shown
    .map((code) => ({ code, name: code === null ? '项目整体' : (names.get(code) ?? '（已不在指标体系中）'), papers: papers.filter((p) => p.indicatorCode === code) }))
    .filter((g) => g.papers.length > 0)
  const resource = engagementResource(e)
  const retention = retentionFor(db, e.id)
  const mayUpload = can(actor, 'papers.upload', resource)
  return {
    engagement: { id: e.id, name: e.name, stage: e.stage },
    indicators,
    filter: indicator,
    groups,
    retention,
    mayUpload,
    requestFiles: mayUpload ? unattachedRequestFiles(db, e.id) : [],
    maySetRetention: can(actor, 'papers.retention', resource),
    mayDelete: can(actor, 'papers.delete', resource) && retentionPassed(retention, beijingDate(now)),
  }
}

/** Whether this actor may upload papers to the engagement now (checked before the body is read). */
export function mayUploadPapers(db: Db, actor: Actor, engagementId: string): boolean | undefined {
  const e = engagementFor(db, actor, engagementId)
  return e ? can(actor, 'papers.upload', engagementResource(e)) : undefined
}

const paperSchema = z.object({
  title: text({ label: '底稿名称', max: MAX_TITLE }),
  indicatorCode: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(40, '请选择指标')),
  note: text({ label: '说明', max: MAX_NOTE, required: false }),
})
const versionSchema = z.object({
  paperId: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().refine(isId, '请选择要更新的底稿')),
  comment: text({ label: '版本说明', max: MAX_NOTE, required: false }),
})

export type PaperInput = { intent: 'paper'; title: string; indicatorCode: string; note: string } | { intent: 'version'; paperId: string; comment: string }

function issuesToErrors(issues: z.ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message
  return errors
}

/** The upload form's fields, checked before any file is stored, so a bad form leaves no file behind. */
export function parsePaperForm(fd: FormData): { ok: true; input: PaperInput } | Failure {
  const field = (k: string) => String(fd.get(k) ?? '')
  const intent = field('intent')
  if (intent === 'version') {
    const values = { paperId: field('paperId'), comment: field('comment') }
    const parsed = versionSchema.safeParse(values)
    return parsed.success ? { ok: true, input: { intent, ...parsed.data } } : { ok: false, status: 400, errors: issuesToErrors(parsed.error.issues), values }
  }
  if (intent !== 'paper') return { ok: false, status: 400, errors: { _form: '不支持此操作' } }
  const values = { title: field('title'), indicatorCode: field('indicatorCode'), note: field('note') }
  const parsed = paperSchema.safeParse(values)
  return parsed.success ? { ok: true, input: { intent, ...parsed.data } } : { ok: false, status: 400, errors: issuesToErrors(parsed.error.issues), values }
}

function recordVersion(tx: Tx, actor: Actor, e: EngagementDetail, paperId: string, versionNo: number, comment: string, file: PreparedFile, now: Date): string {
  recordFile(tx, file, actor.userId, now)
  const id = newId()
  tx.insert(workingPaperVersions).values({ id, paperId, versionNo, fileId: file.id, comment, uploadedBy: actor.userId, uploadedAt: now.toISOString() }).run()
  appendAudit(tx, { actor: auditActor(actor), action: 'file.upload', entity: 'stored_file', entityId: file.id, after: { engagementId: e.id, paperId, versionNo, name: file.originalName, mime: file.mime, size: file.size, sha256: file.sha256 }, at: now })
  return id
}

/**
 * A new paper with its first version (the file already written by prepareFile; its row is recorded
 * here, in the same transaction). The indicator must be one of the current sheet's codes.
 */
export function addPaper(db: Db, actor: Actor, engagementId: string, input: Extract<PaperInput, { intent: 'paper' }>, file: PreparedFile, now: Date): Result<{ paperId: string; versionId: string }> {
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'papers.upload', engagementResource(e))) return forbidden('只有项目组成员可以在项目归档前上传工作底稿')
    const values = { title: input.title, indicatorCode: input.indicatorCode, note: input.note }
    const indicator = input.indicatorCode === '' ? null : sheetIndicators(tx, e.id).find((i) => i.code === input.indicatorCode)
    if (indicator === undefined) return { ok: false, status: 400, errors: { indicatorCode: `指标 ${input.indicatorCode} 不在本项目的评分表中，请重新选择` }, values }
    const paperId = newId()
    tx.insert(workingPapers).values({ id: paperId, engagementId: e.id, indicatorCode: indicator?.code ?? null, title: input.title, note: input.note, createdBy: actor.userId, createdAt: now.toISOString() }).run()
    const versionId = recordVersion(tx, actor, e, paperId, 1, '', file, now)
    appendAudit(tx, { actor: auditActor(actor), action: 'paper.create', entity: 'engagement', entityId: e.id, after: { paperId, indicatorCode: indicator?.code ?? null, title: input.title, fileId: file.id }, at: now })
    return { ok: true, value: { paperId, versionId } }
  })
}

/** A new version of a live paper; earlier versions stay as they were. */
export function addPaperVersion(db: Db, actor: Actor, engagementId: string, input: Extract<PaperInput, { intent: 'version' }>, file: PreparedFile, now: Date): Result<{ versionId: string; versionNo: number }> {
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    const paper = tx.select().from(workingPapers).where(and(eq(workingPapers.id, input.paperId), eq(workingPapers.engagementId, e.id))).get()
    if (!paper) return NOT_FOUND
    if (!can(actor, 'papers.upload', engagementResource(e))) return forbidden('只有项目组成员可以在项目归档前上传工作底稿')
    if (paper.deletedAt) return { ok: false, status: 409, errors: { _form: `底稿「${paper.title}」已删除，不能再上传新版本` } }
    const last = tx.select({ n: workingPaperVersions.versionNo }).from(workingPaperVersions).where(eq(workingPaperVersions.paperId, paper.id)).orderBy(desc(workingPaperVersions.versionNo)).get()
    const versionNo = (last?.n ?? 0) + 1
    const versionId = recordVersion(tx, actor, e, paper.id, versionNo, input.comment, file, now)
    appendAudit(tx, { actor: auditActor(actor), action: 'paper.version', entity: 'engagement', entityId: e.id, after: { paperId: paper.id, versionNo, comment: input.comment, fileId: file.id }, at: now })
    return { ok: true, value: { versionId, versionNo } }
  })
}

const seenVersion = z.preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN), z.number({ invalid_type_error: CONFLICT_MESSAGE }).int())
const retentionSchema = z.object({ retainUntil: isoDate('保管期限'), version: seenVersion })

/** 保管期限: the lead or the agency's admin sets the engagement's retention date (not in the past). */
export function setRetention(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ retainUntil: string }> {
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'papers.retention', engagementResource(e))) return forbidden('只有项目负责人或机构管理员可以设置保管期限')
    const values = { retainUntil: String(fd.get('retainUntil') ?? '') }
    const parsed = retentionSchema.safeParse({ retainUntil: fd.get('retainUntil') ?? '', version: fd.get('version') ?? '' })
    if (!parsed.success) {
      const errors = issuesToErrors(parsed.error.issues)
      return errors.version ? CONFLICT : { ok: false, status: 400, errors, values }
    }
    const before = retentionFor(tx, e.id)
    if (parsed.data.version !== before.version) return CONFLICT
    if (parsed.data.retainUntil < beijingDate(now)) return { ok: false, status: 400, errors: { retainUntil: '保管期限不能早于今天' }, values }
    const row = { retainUntil: parsed.data.retainUntil, setBy: actor.userId, setAt: now.toISOString(), version: before.version + 1 }
    tx.insert(engagementRetention)
      .values({ engagementId: e.id, ...row })
      .onConflictDoUpdate({ target: engagementRetention.engagementId, set: row })
      .run()
    appendAudit(tx, { actor: auditActor(actor), action: 'paper.retention', entity: 'engagement', entityId: e.id, before: { retainUntil: before.until, source: before.source }, after: { retainUntil: row.retainUntil }, at: now })
    return { ok: true, value: { retainUntil: row.retainUntil } }
  })
}

const deleteSchema = z.object({
  paperId: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().refine(isId, '请选择要删除的底稿')),
  reason: text({ label: '删除理由', max: MAX_NOTE }),
})

/**
 * Deletes a paper after the retention date, by the agency's admin only: the paper is marked deleted
 * with the reason; its versions and stored files remain (and the audit row says what was deleted).
 */
export function deletePaper(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ paperId: string }> {
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    const values = { paperId: String(fd.get('paperId') ?? ''), reason: String(fd.get('reason') ?? '') }
    const parsed = deleteSchema.safeParse(values)
    if (!parsed.success) return { ok: false, status: 400, errors: issuesToErrors(parsed.error.issues), values }
    const paper = tx.select().from(workingPapers).where(and(eq(workingPapers.id, parsed.data.paperId), eq(workingPapers.engagementId, e.id))).get()
    if (!paper) return NOT_FOUND
    const retention = retentionFor(tx, e.id)
    if (!retentionPassed(retention, beijingDate(now))) {
      const message = retention.until === null ? '项目尚未归档，保管期限未到，工作底稿不能删除' : `保管期限至 ${retention.until}，期满前工作底稿不能删除`
      return { ok: false, status: 409, errors: { _form: message }, values }
    }
    if (!can(actor, 'papers.delete', engagementResource(e))) return forbidden('保管期满后只有机构管理员可以删除工作底稿')
    if (paper.deletedAt) return { ok: false, status: 409, errors: { _form: `底稿「${paper.title}」已删除` } }
    tx.update(workingPapers).set({ deletedAt: now.toISOString(), deletedBy: actor.userId, deleteReason: parsed.data.reason }).where(eq(workingPapers.id, paper.id)).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'paper.delete', entity: 'engagement', entityId: e.id, before: { paperId: paper.id, title: paper.title, indicatorCode: paper.indicatorCode }, after: { reason: parsed.data.reason, retainUntil: retention.until }, at: now })
    return { ok: true, value: { paperId: paper.id } }
  })
}

/** A version's file for the engagement team (deleted papers included: the files are kept). */
export function paperFileForTeam(db: Db, actor: Actor, engagementId: string, versionId: string) {
  const e = isId(versionId) ? engagementFor(db, actor, engagementId) : undefined
  const found = e ? findPaperVersion(db, versionId) : undefined
  if (!e || !found || found.paper.engagementId !== e.id) return undefined
  return openStoredFile(db, found.fileId)
}

/**
 * A version's file for an expert on their scoring seat: only a live paper of the seat's engagement
 * attached to an indicator the expert scores.
 */
export function paperFileForExpert(db: Db, actor: Actor, seatId: string, versionId: string) {
  const scope = isId(versionId) ? seatScoringScope(db, actor, seatId) : undefined
  const found = scope ? findPaperVersion(db, versionId) : undefined
  if (!scope || !found || found.paper.engagementId !== scope.engagementId || found.paper.deletedAt) return undefined
  if (found.paper.indicatorCode === null || !scope.leafCodes.includes(found.paper.indicatorCode)) return undefined
  return openStoredFile(db, found.fileId)
}

/** Files the evaluated units uploaded against the engagement's document requests, not yet a paper. */
function unattachedRequestFiles(db: Db | Tx, engagementId: string) {
  return db
    .select({ id: documentRequestFiles.id, fileId: documentRequestFiles.fileId, versionNo: documentRequestFiles.versionNo, requestTitle: documentRequests.title, unitName: evaluatedUnits.name, name: storedFiles.originalName, uploadedAt: storedFiles.uploadedAt })
    .from(documentRequestFiles)
    .innerJoin(documentRequests, eq(documentRequests.id, documentRequestFiles.requestId))
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, documentRequests.evaluatedUnitId))
    .innerJoin(storedFiles, eq(storedFiles.id, documentRequestFiles.fileId))
    .where(and(eq(documentRequests.engagementId, engagementId), notExists(db.select({ one: workingPaperVersions.id }).from(workingPaperVersions).where(eq(workingPaperVersions.fileId, documentRequestFiles.fileId)))))
    .orderBy(asc(documentRequests.createdAt), asc(documentRequestFiles.versionNo))
    .all()
}

const attachSchema = z.object({
  requestFileId: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().refine(isId, '请选择资料清单中的文件')),
  title: text({ label: '底稿名称', max: MAX_TITLE }),
  indicatorCode: paperSchema.shape.indicatorCode,
  note: paperSchema.shape.note,
})

/**
 * 从资料清单添加: a file the evaluated unit submitted against a document request becomes a paper (on an
 * indicator or the engagement) without a copy: its first version is that stored file, uploaded by
 * the unit's contact, so the evidence list names the unit as the source.
 */
export function attachRequestFile(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ paperId: string; versionId: string; title: string }> {
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'papers.upload', engagementResource(e))) return forbidden('只有项目组成员可以在项目归档前添加工作底稿')
    const values = { requestFileId: String(fd.get('requestFileId') ?? ''), title: String(fd.get('title') ?? ''), indicatorCode: String(fd.get('indicatorCode') ?? ''), note: String(fd.get('note') ?? '') }
    const parsed = attachSchema.safeParse(values)
    if (!parsed.success) return { ok: false, status: 400, errors: issuesToErrors(parsed.error.issues), values }
    const source = unattachedRequestFiles(tx, e.id).find((f) => f.id === parsed.data.requestFileId)
    if (!source) return { ok: false, status: 400, errors: { requestFileId: '该文件不在本项目的资料清单中，或已添加为工作底稿' }, values }
    const indicator = parsed.data.indicatorCode === '' ? null : sheetIndicators(tx, e.id).find((i) => i.code === parsed.data.indicatorCode)
    if (indicator === undefined) return { ok: false, status: 400, errors: { indicatorCode: `指标 ${parsed.data.indicatorCode} 不在本项目的评分表中，请重新选择` }, values }
    const uploader = tx.select({ uploadedBy: storedFiles.uploadedBy }).from(storedFiles).where(eq(storedFiles.id, source.fileId)).get()!
    const paperId = newId()
    const versionId = newId()
    const at = now.toISOString()
    tx.insert(workingPapers).values({ id: paperId, engagementId: e.id, indicatorCode: indicator?.code ?? null, title: parsed.data.title, note: parsed.data.note, createdBy: actor.userId, createdAt: at }).run()
    tx.insert(workingPaperVersions).values({ id: versionId, paperId, versionNo: 1, fileId: source.fileId, comment: `来自资料清单「${source.requestTitle}」第 ${source.versionNo} 份`, uploadedBy: uploader.uploadedBy, uploadedAt: source.uploadedAt }).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'paper.create', entity: 'engagement', entityId: e.id, after: { paperId, indicatorCode: indicator?.code ?? null, title: parsed.data.title, fileId: source.fileId, requestFileId: source.id }, at: now })
    return { ok: true, value: { paperId, versionId, title: parsed.data.title } }
  })
}
