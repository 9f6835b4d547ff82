// 资料清单: the agency's team asks an evaluated unit of the engagement for documents by due dates; the
// unit's contact uploads against each item (every upload kept, numbered); the team confirms it or
// asks for more with a comment. Each action is one transaction with its audit row. What an actor may
// not see is a 404: another unit's items as much as another agency's.
import { and, asc, eq, inArray, max, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { documentRequestEvents, documentRequestFiles, documentRequests, engagements, evaluatedUnits, storedFiles, users } from '../../db/schema'
import { beijingDate } from '../domain/finance/rectification'
import { isRequestOverdue, nextRequestStatus, requestStatusLabel, type RequestStatus } from '../domain/fieldwork/requests'
import { can, type Actor } from '../domain/permissions'
import { openStoredFile, recordFile, type PreparedFile } from '../files/store.server'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { choice, isoDate, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该资料' } }
const CONFLICT: Failure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
const forbidden = (message: string): Failure => ({ ok: false, status: 403, errors: { _form: message } })

type RequestRow = typeof documentRequests.$inferSelect

function engagementFor(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'requests.view', engagementResource(e)) ? e : undefined
}

/** A unit's contact sees the items addressed to their own unit only. */
const visibleTo = (actor: Actor, r: Pick<RequestRow, 'evaluatedUnitId'>) => actor.role !== 'unit_contact' || r.evaluatedUnitId === actor.evaluatedUnitId

function requestFor(db: Db | Tx, actor: Actor, requestId: string): { r: RequestRow; e: EngagementDetail } | undefined {
  if (!isId(requestId)) return undefined
  const r = db.select().from(documentRequests).where(eq(documentRequests.id, requestId)).get()
  if (!r || !visibleTo(actor, r)) return undefined
  const e = engagementFor(db, actor, r.engagementId)
  return e ? { r, e } : undefined
}

const EVENT_LABELS: Record<string, string> = { created: '列入清单', edited: '修改', uploaded: '上传资料', confirmed: '确认', more_needed: '需补充' }

export type RequestView = {
  id: string
  engagementId: string
  engagementName: string
  unitId: string
  unitName: string
  title: string
  description: string
  dueDate: string
  status: RequestStatus
  statusLabel: string
  overdue: boolean
  version: number
  /** The agency's comment when it last asked for more, while the item waits for it. */
  moreComment: string | null
  files: { id: string; versionNo: number; name: string; size: number; sha256: string; uploadedBy: string; uploadedAt: string }[]
  history: { id: string; label: string; note: string; actorName: string; at: string }[]
}

function requestViews(db: Db | Tx, where: SQL | undefined, today: string): RequestView[] {
  const rows = db
    .select({ r: documentRequests, unitName: evaluatedUnits.name, engagementName: engagements.name })
    .from(documentRequests)
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, documentRequests.evaluatedUnitId))
    .innerJoin(engagements, eq(engagements.id, documentRequests.engagementId))
    .where(where)
    .orderBy(asc(documentRequests.dueDate), asc(documentRequests.createdAt), asc(documentRequests.id))
    .all()
  const ids = rows.map((x) => x.r.id)
  if (ids.length === 0) return []
  const events = db
    .select({ ev: documentRequestEvents, actorName: users.displayName })
    .from(documentRequestEvents)
    .innerJoin(users, eq(users.id, documentRequestEvents.actorUserId))
    .where(inArray(documentRequestEvents.requestId, ids))
    .orderBy(asc(documentRequestEvents.at), asc(documentRequestEvents.id))
    .all()
  const files = db
    .select({ link: documentRequestFiles, name: storedFiles.originalName, size: storedFiles.size, sha256: storedFiles.sha256, uploadedAt: storedFiles.uploadedAt, uploadedBy: users.displayName })
    .from(documentRequestFiles)
    .innerJoin(storedFiles, eq(storedFiles.id, documentRequestFiles.fileId))
    .innerJoin(users, eq(users.id, storedFiles.uploadedBy))
    .where(inArray(documentRequestFiles.requestId, ids))
    .orderBy(asc(documentRequestFiles.versionNo))
    .all()
  return rows.map(({ r, unitName, engagementName }) => {
    const mine = events.filter((x) => x.ev.requestId === r.id)
    const lastMore = mine.filter((x) => x.ev.kind === 'more_needed').at(-1)
    return {
      id: r.id,
      engagementId: r.engagementId,
      engagementName,
      unitId: r.evaluatedUnitId,
      unitName,
      title: r.title,
      description: r.description,
      dueDate: r.dueDate,
      status: r.status,
      statusLabel: requestStatusLabel(r.status),
      overdue: isRequestOverdue(r, today),
      version: r.version,
      moreComment: r.status === 'more_needed' ? (lastMore?.ev.note ?? null) : null,
      files: files
        .filter((f) => f.link.requestId === r.id)
        .map((f) => ({ id: f.link.id, versionNo: f.link.versionNo, name: f.name, size: f.size, sha256: f.sha256, uploadedBy: f.uploadedBy, uploadedAt: f.uploadedAt })),
      history: mine.map(({ ev, actorName }) => ({ id: ev.id, label: EVENT_LABELS[ev.kind] ?? ev.kind, note: ev.note, actorName, at: ev.at })),
    }
  })
}

function tallyOf(items: RequestView[]) {
  const count = (s: RequestStatus) => items.filter((i) => i.status === s).length
  return { total: items.length, pending: count('pending'), submitted: count('submitted'), moreNeeded: count('more_needed'), confirmed: count('confirmed'), overdue: items.filter((i) => i.overdue).length }
}

/** The engagement's 资料清单 as this actor may see it, and whether they keep it. */
export function requestsPage(db: Db, actor: Actor, engagementId: string, now: Date) {
  const e = engagementFor(db, actor, engagementId)
  if (!e) return undefined
  const unitOnly = actor.role === 'unit_contact'
  const where = and(eq(documentRequests.engagementId, e.id), unitOnly ? eq(documentRequests.evaluatedUnitId, actor.evaluatedUnitId ?? '') : undefined)
  const items = requestViews(db, where, beijingDate(now))
  return {
    engagement: { id: e.id, name: e.name },
    units: e.units.map((u) => ({ id: u.id, name: u.name })),
    items,
    summary: tallyOf(items),
    mayManage: can(actor, 'requests.manage', engagementResource(e)),
  }
}

/** The engagement's counts for its page (the team's view), or null for whoever does not see the list. */
export function requestsSummary(db: Db | Tx, actor: Actor, e: EngagementDetail, now: Date) {
  if (!can(actor, 'requests.view', engagementResource(e))) return null
  const where = and(eq(documentRequests.engagementId, e.id), actor.role === 'unit_contact' ? eq(documentRequests.evaluatedUnitId, actor.evaluatedUnitId ?? '') : undefined)
  const today = beijingDate(now)
  const rows = db.select({ status: documentRequests.status, dueDate: documentRequests.dueDate }).from(documentRequests).where(where).all()
  return { total: rows.length, confirmed: rows.filter((r) => r.status === 'confirmed').length, overdue: rows.filter((r) => isRequestOverdue(r, today)).length }
}

export const REQUEST_FIELDS = ['title', 'description', 'unitId', 'dueDate'] as const

const itemSchema = z.object({
  title: text({ label: '资料名称', max: 200 }),
  description: text({ label: '资料说明', max: 2000, required: false }),
  dueDate: isoDate('提交期限'),
})

function parseItem(fd: FormData, e: EngagementDetail, today: string, withUnit: boolean): { ok: true; data: z.infer<typeof itemSchema> & { unitId: string } } | Failure {
  const parsed = parseForm(itemSchema, fd)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const values = parsed.ok ? Object.fromEntries(REQUEST_FIELDS.map((f) => [f, String(fd.get(f) ?? '')])) : parsed.values
  const unitId = String(fd.get('unitId') ?? '').trim()
  if (withUnit && !e.units.some((u) => u.id === unitId)) errors.unitId = '请选择本项目的被评价单位'
  if (parsed.ok && parsed.data.dueDate < today) errors.dueDate = `提交期限不能早于今天（${today}）`
  if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values }
  return { ok: true, data: { ...parsed.data, unitId } }
}

/** 列入资料清单: one item for one unit of the engagement, audited. */
export function createRequest(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ id: string }> {
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'requests.manage', engagementResource(e))) return forbidden('只有项目组成员可以编制资料清单')
    const parsed = parseItem(fd, e, beijingDate(now), true)
    if (!parsed.ok) return parsed
    const { title, description, dueDate, unitId } = parsed.data
    const id = newId()
    const at = now.toISOString()
    tx.insert(documentRequests).values({ id, engagementId: e.id, evaluatedUnitId: unitId, title, description, dueDate, status: 'pending', createdBy: actor.userId, createdAt: at, updatedAt: at }).run()
    tx.insert(documentRequestEvents).values({ id: newId(), requestId: id, kind: 'created', note: '', actorUserId: actor.userId, at }).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'request.create', entity: 'document_request', entityId: id, after: { engagementId: e.id, unitId, title, description, dueDate }, at: now })
    return { ok: true, value: { id } }
  })
}

const versionOnly = z.object({ version: versionField })

function readVersion(fd: FormData): number | null {
  const parsed = versionOnly.safeParse({ version: fd.get('version') ?? '' })
  return parsed.success ? parsed.data.version : null
}

/** Changes an item's row when its version still matches, with the history row and the audit row. */
function advance(tx: Tx, actor: Actor, r: RequestRow, version: number, change: Partial<RequestRow>, event: { kind: 'edited' | 'uploaded' | 'confirmed' | 'more_needed'; note: string }, audit: { action: string; after: Record<string, unknown> }, now: Date): string | null {
  const at = now.toISOString()
  const changed = tx
    .update(documentRequests)
    .set({ ...change, updatedAt: at, version: r.version + 1 })
    .where(and(eq(documentRequests.id, r.id), eq(documentRequests.version, version)))
    .run()
  if (changed.changes !== 1) return null
  const eventId = newId()
  tx.insert(documentRequestEvents).values({ id: eventId, requestId: r.id, kind: event.kind, note: event.note, actorUserId: actor.userId, at }).run()
  appendAudit(tx, { actor: auditActor(actor), action: audit.action, entity: 'document_request', entityId: r.id, before: { status: r.status, title: r.title, description: r.description, dueDate: r.dueDate }, after: audit.after, at: now })
  return eventId
}

/** 修改: the title, description or due date of an item not yet confirmed. */
export function editRequest(db: Db, actor: Actor, requestId: string, fd: FormData, now: Date): Result<{ id: string }> {
  return inTransaction(db, (tx) => {
    const found = requestFor(tx, actor, requestId)
    if (!found) return NOT_FOUND
    const { r, e } = found
    if (!can(actor, 'requests.manage', engagementResource(e))) return forbidden('只有项目组成员可以修改资料清单')
    const version = readVersion(fd)
    if (version === null || version !== r.version) return CONFLICT
    if (r.status === 'confirmed') return { ok: false, status: 409, errors: { _form: '该资料已确认，不能再修改' } }
    const parsed = parseItem(fd, e, beijingDate(now), false)
    if (!parsed.ok) return parsed
    const { title, description, dueDate } = parsed.data
    if (!advance(tx, actor, r, version, { title, description, dueDate }, { kind: 'edited', note: '' }, { action: 'request.edit', after: { title, description, dueDate } }, now)) return CONFLICT
    return { ok: true, value: { id: r.id } }
  })
}

const decisionSchema = z
  .object({
    decision: choice(['confirm', 'more'] as const, '请选择确认或需补充'),
    comment: text({ label: '补充要求', max: 2000, required: false }),
    version: versionField,
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'more' && v.comment === '') ctx.addIssue({ code: 'custom', path: ['comment'], message: '需补充时须写明补充要求' })
  })

/** 确认 or 需补充 (with the comment the unit will read) on what the unit submitted. */
export function decideRequest(db: Db, actor: Actor, requestId: string, fd: FormData, now: Date): Result<{ status: RequestStatus }> {
  return inTransaction(db, (tx) => {
    const found = requestFor(tx, actor, requestId)
    if (!found) return NOT_FOUND
    const { r, e } = found
    if (!can(actor, 'requests.manage', engagementResource(e))) return forbidden('只有项目组成员可以确认资料')
    const version = readVersion(fd)
    if (version === null || version !== r.version) return CONFLICT
    const parsed = parseForm(decisionSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
    const next = nextRequestStatus(r.status, parsed.data.decision)
    if (!next.ok) return { ok: false, status: 409, errors: { _form: next.message } }
    const kind = parsed.data.decision === 'confirm' ? 'confirmed' : 'more_needed'
    const note = parsed.data.comment
    if (!advance(tx, actor, r, version, { status: next.status }, { kind, note }, { action: `request.${parsed.data.decision}`, after: { status: next.status, ...(note ? { comment: note } : {}) } }, now)) return CONFLICT
    return { ok: true, value: { status: next.status } }
  })
}

const uploadSchema = z.object({ note: text({ label: '说明', max: 2000, required: false }), version: versionField })

/** The upload form's fields checked before any file is stored, so a bad form leaves no file behind. */
export function parseUploadFields(fd: FormData): { ok: true; note: string; version: number } | Failure {
  const parsed = uploadSchema.safeParse({ note: fd.get('note') ?? '', version: fd.get('version') ?? '' })
  if (parsed.success) return { ok: true, ...parsed.data }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message
  if (errors.version) return CONFLICT
  return { ok: false, status: 400, errors, values: { note: String(fd.get('note') ?? '') } }
}

/** Whether this actor may upload against the item now (asked before the body is read); undefined when unseen. */
export function mayUploadTo(db: Db, actor: Actor, requestId: string): boolean | undefined {
  const found = requestFor(db, actor, requestId)
  if (!found) return undefined
  return can(actor, 'requests.upload', engagementResource(found.e)) && nextRequestStatus(found.r.status, 'upload').ok
}

/**
 * 上传资料: a file already written to the store (prepareFile) becomes the item's next numbered file,
 * recorded in the same transaction as the item's move to 已提交.
 */
export function uploadToRequest(db: Db, actor: Actor, requestId: string, input: { note: string; version: number }, file: PreparedFile, now: Date): Result<{ versionNo: number }> {
  return inTransaction(db, (tx) => {
    const found = requestFor(tx, actor, requestId)
    if (!found) return NOT_FOUND
    const { r, e } = found
    if (!can(actor, 'requests.upload', engagementResource(e))) return forbidden('只有被评价单位的联络人可以上传资料')
    if (input.version !== r.version) return CONFLICT
    const next = nextRequestStatus(r.status, 'upload')
    if (!next.ok) return { ok: false, status: 409, errors: { _form: next.message } }
    const last = tx.select({ n: max(documentRequestFiles.versionNo) }).from(documentRequestFiles).where(eq(documentRequestFiles.requestId, r.id)).get()
    const versionNo = (last?.n ?? 0) + 1
    const eventId = advance(tx, actor, r, input.version, { status: next.status }, { kind: 'uploaded', note: input.note }, { action: 'request.upload', after: { status: next.status, fileId: file.id, versionNo, name: file.originalName, sha256: file.sha256 } }, now)
    if (!eventId) return CONFLICT
    recordFile(tx, file, actor.userId, now)
    tx.insert(documentRequestFiles).values({ id: newId(), requestId: r.id, eventId, versionNo, fileId: file.id }).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'file.upload', entity: 'stored_file', entityId: file.id, after: { requestId: r.id, name: file.originalName, mime: file.mime, size: file.size, sha256: file.sha256 }, at: now })
    return { ok: true, value: { versionNo } }
  })
}

/** A file uploaded against an item this actor may see, for download. */
export function requestFile(db: Db, actor: Actor, requestId: string, linkId: string) {
  const found = requestFor(db, actor, requestId)
  if (!found || !isId(linkId)) return undefined
  const link = db
    .select()
    .from(documentRequestFiles)
    .where(and(eq(documentRequestFiles.id, linkId), eq(documentRequestFiles.requestId, found.r.id)))
    .get()
  return link ? openStoredFile(db, link.fileId) : undefined
}

/** The unit contact's items across the engagements of their unit (/unit/requests), overdue first. */
export function unitRequests(db: Db, actor: Actor, now: Date) {
  if (actor.role !== 'unit_contact' || !actor.evaluatedUnitId) return undefined
  const items = requestViews(db, eq(documentRequests.evaluatedUnitId, actor.evaluatedUnitId), beijingDate(now))
  const open = new Map<string, boolean>()
  const mayUpload = (i: RequestView) => {
    if (!open.has(i.engagementId)) {
      const e = engagementFor(db, actor, i.engagementId)
      open.set(i.engagementId, e !== undefined && can(actor, 'requests.upload', engagementResource(e)))
    }
    return (open.get(i.engagementId) ?? false) && nextRequestStatus(i.status, 'upload').ok
  }
  const sorted = [...items.filter((i) => i.overdue), ...items.filter((i) => !i.overdue)]
  return { items: sorted.map((i) => ({ ...i, mayUpload: mayUpload(i) })), summary: tallyOf(items) }
}
