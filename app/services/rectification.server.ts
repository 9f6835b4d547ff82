// 整改跟踪: the report's problems become items (问题, 整改要求, 责任单位, 期限) the reviewer or the agency
// proposes and the other side (or the reviewer) confirms; the evaluated unit's contact then reports
// progress with evidence files, and the reviewer verifies (通过, or 不通过 with a reason, back to 整改中).
// Each action is one transaction with its audit row. What an actor may not see is a 404.
import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { engagements, evaluatedUnits, rectificationEvidence, rectificationItems, rectificationUpdates, reportVersions, storedFiles, users } from '../../db/schema'
import type { ReportModel } from '../../reports/model'
import { now as clock } from '../clock.server'
import { beijingDate, completionRate, FAILED_LABEL, isOverdue, mayConfirm, MAX_DRAFT_ITEMS, nextStatus, problemLines, rectificationStatusLabel, tally, type RateRow, type RectificationStatus, type Side } from '../domain/finance/rectification'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { openStoredFile, recordFile, type PreparedFile } from '../files/store.server'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { formValues, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该整改事项' } }
const CONFLICT: Failure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
const forbidden = (message: string): Failure => ({ ok: false, status: 403, errors: { _form: message } })

export const ITEM_FIELDS = ['problem', 'requirement', 'unitId', 'deadline'] as const
const MAX_PROBLEM = 2000
const MAX_REQUIREMENT = 2000
const MAX_NOTE = 2000

type ItemRow = typeof rectificationItems.$inferSelect

const sideOf = (role: string): Side => (role === 'finance_reviewer' ? 'bureau' : 'agency')

function engagementFor(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'rectification.view', engagementResource(e)) ? e : undefined
}

/** A unit contact sees confirmed items of their own unit only; the bureau and the agency see all. */
function visibleTo(actor: Actor, item: Pick<ItemRow, 'status' | 'evaluatedUnitId'>): boolean {
  if (actor.role !== 'unit_contact') return true
  return item.status !== 'pending' && item.evaluatedUnitId === actor.evaluatedUnitId
}

function itemFor(db: Db | Tx, actor: Actor, itemId: string): { item: ItemRow; e: EngagementDetail } | undefined {
  if (!isId(itemId)) return undefined
  const item = db.select().from(rectificationItems).where(eq(rectificationItems.id, itemId)).get()
  if (!item) return undefined
  const e = engagementFor(db, actor, item.engagementId)
  return e && visibleTo(actor, item) ? { item, e } : undefined
}

function lastVerdicts(db: Db | Tx, itemIds: string[]): Map<string, { kind: string; note: string }> {
  if (itemIds.length === 0) return new Map()
  const rows = db
    .select({ itemId: rectificationUpdates.itemId, kind: rectificationUpdates.kind, note: rectificationUpdates.note })
    .from(rectificationUpdates)
    .where(and(inArray(rectificationUpdates.itemId, itemIds), inArray(rectificationUpdates.kind, ['passed', 'failed'])))
    .orderBy(asc(rectificationUpdates.at), asc(rectificationUpdates.id))
    .all()
  return new Map(rows.map((r) => [r.itemId, { kind: r.kind, note: r.note }]))
}

export type ItemView = {
  id: string
  engagementId: string
  engagementName: string
  problem: string
  requirement: string
  unitId: string
  unitName: string
  deadline: string
  status: RectificationStatus
  statusLabel: string
  /** 不通过's reason while the item is back with the unit. */
  failedReason: string | null
  overdue: boolean
  proposedBy: Side
  confirmedAt: string | null
  version: number
}

const creators = alias(users, 'creator')

function itemViews(db: Db | Tx, where: SQL | undefined, today: string): ItemView[] {
  const rows = db
    .select({ i: rectificationItems, unitName: evaluatedUnits.name, engagementName: engagements.name, creatorRole: creators.role })
    .from(rectificationItems)
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, rectificationItems.evaluatedUnitId))
    .innerJoin(engagements, eq(engagements.id, rectificationItems.engagementId))
    .innerJoin(creators, eq(creators.id, rectificationItems.createdBy))
    .where(where)
    .orderBy(asc(rectificationItems.deadline), asc(rectificationItems.createdAt), asc(rectificationItems.id))
    .all()
  const verdicts = lastVerdicts(
    db,
    rows.filter((r) => r.i.status === 'in_progress').map((r) => r.i.id),
  )
  return rows.map(({ i, unitName, engagementName, creatorRole }) => {
    const verdict = verdicts.get(i.id)
    const failedReason = i.status === 'in_progress' && verdict?.kind === 'failed' ? verdict.note : null
    return {
      id: i.id,
      engagementId: i.engagementId,
      engagementName,
      problem: i.problem,
      requirement: i.requirement,
      unitId: i.evaluatedUnitId,
      unitName,
      deadline: i.deadline,
      status: i.status,
      statusLabel: failedReason !== null ? `${FAILED_LABEL}（整改中）` : rectificationStatusLabel(i.status),
      failedReason,
      overdue: isOverdue(i, today),
      proposedBy: sideOf(creatorRole),
      confirmedAt: i.confirmedAt,
      version: i.version,
    }
  })
}

/** The engagement's rectification page: its items as this actor may see them, and what they may do. */
export function rectificationPage(db: Db, actor: Actor, engagementId: string, now: Date) {
  const e = engagementFor(db, actor, engagementId)
  if (!e) return undefined
  const resource = engagementResource(e)
  const mayManage = can(actor, 'rectification.manage', resource)
  const unitOnly = actor.role === 'unit_contact'
  const where = unitOnly
    ? and(eq(rectificationItems.engagementId, e.id), eq(rectificationItems.evaluatedUnitId, actor.evaluatedUnitId ?? ''), sql`${rectificationItems.status} <> 'pending'`)
    : eq(rectificationItems.engagementId, e.id)
  const items = itemViews(db, where, beijingDate(now))
  const side = sideOf(actor.role)
  return {
    engagement: { id: e.id, name: e.name, stage: e.stage },
    units: e.units.map((u) => ({ id: u.id, name: u.name })),
    items: items.map((i) => ({ ...i, mayConfirm: mayManage && i.status === 'pending' && mayConfirm(i.proposedBy, side) })),
    mayManage,
    summary: tally(items, beijingDate(now)),
  }
}

/** The latest issued 绩效评价报告 of the engagement (the source of 从报告问题生成), if any. */
function latestIssuedEvaluation(db: Db | Tx, engagementId: string) {
  return db
    .select()
    .from(reportVersions)
    .where(and(eq(reportVersions.engagementId, engagementId), eq(reportVersions.type, 'evaluation'), isNotNull(reportVersions.issuedAt)))
    .orderBy(desc(reportVersions.versionNo))
    .limit(1)
    .get()
}

export type ItemDraft = { problem: string; requirement: string; unitId: string; deadline: string }

/**
 * 从报告问题生成: one draft per line of the issued report's 存在的问题, for people to complete and
 * edit before anything is saved. The unit is pre-selected when the engagement has only one.
 */
export function draftsFromReport(db: Db, actor: Actor, engagementId: string): Result<{ reportVersionId: string; versionNo: number; drafts: ItemDraft[] }> {
  const e = engagementFor(db, actor, engagementId)
  if (!e) return NOT_FOUND
  if (!can(actor, 'rectification.manage', engagementResource(e))) return forbidden('只有委托财政局的审核人员或项目组可以提出整改事项')
  const version = latestIssuedEvaluation(db, e.id)
  if (!version) return { ok: false, status: 409, errors: { _form: '本项目尚无已签发的绩效评价报告，不能从报告问题生成' } }
  const model = JSON.parse(version.modelJson) as ReportModel
  const lines = problemLines(model.narrative.problems)
  if (lines.length === 0) return { ok: false, status: 409, errors: { _form: `第 ${version.versionNo} 版报告的「存在的问题及原因分析」为空，没有可生成的整改事项` } }
  const unitId = e.units.length === 1 ? e.units[0]!.id : ''
  return { ok: true, value: { reportVersionId: version.id, versionNo: version.versionNo, drafts: lines.map((problem) => ({ problem, requirement: '', unitId, deadline: '' })) } }
}

const isRealDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

/** The rows of the item form, each checked; messages are keyed `problem.2` etc. beside their field. */
function parseItemRows(values: FormValues, unitIds: ReadonlySet<string>, today: string, errors: FieldErrors): ItemDraft[] {
  const cols = Object.fromEntries(ITEM_FIELDS.map((f) => [f, asList(values[f])])) as Record<(typeof ITEM_FIELDS)[number], string[]>
  const count = Math.max(...ITEM_FIELDS.map((f) => cols[f].length))
  if (count > MAX_DRAFT_ITEMS) {
    errors._form = `一次最多提出 ${MAX_DRAFT_ITEMS} 项整改事项`
    return []
  }
  const rows: ItemDraft[] = []
  for (let i = 0; i < count; i++) {
    const row = { problem: cleanText(cols.problem[i] ?? ''), requirement: cleanText(cols.requirement[i] ?? ''), unitId: (cols.unitId[i] ?? '').trim(), deadline: (cols.deadline[i] ?? '').trim() }
    if (row.problem === '' && row.requirement === '' && row.deadline === '') continue // a row left blank
    const n = `第 ${i + 1} 项`
    if (row.problem === '') errors[`problem.${i}`] = `请填写${n}的问题`
    else if (row.problem.length > MAX_PROBLEM) errors[`problem.${i}`] = `${n}的问题不能超过 ${MAX_PROBLEM} 个字符`
    if (row.requirement === '') errors[`requirement.${i}`] = `请填写${n}的整改要求`
    else if (row.requirement.length > MAX_REQUIREMENT) errors[`requirement.${i}`] = `${n}的整改要求不能超过 ${MAX_REQUIREMENT} 个字符`
    if (!unitIds.has(row.unitId)) errors[`unitId.${i}`] = `请为${n}选择本项目的责任单位`
    if (row.deadline === '') errors[`deadline.${i}`] = `请填写${n}的整改期限`
    else if (!isRealDate(row.deadline)) errors[`deadline.${i}`] = `${n}的整改期限格式应为 年-月-日`
    else if (row.deadline < today) errors[`deadline.${i}`] = `${n}的整改期限不能早于今天（${today}）`
    rows.push(row)
  }
  if (rows.length === 0 && Object.keys(errors).length === 0) errors._form = '请至少填写一项整改事项'
  return rows
}

/** 提出整改事项: every row of the form as a 待确认 item, all or none, audited. */
export function createItems(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ ids: string[] }> {
  const values = formValues(fd, ITEM_FIELDS)
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'rectification.manage', engagementResource(e))) return forbidden('只有委托财政局的审核人员或项目组可以提出整改事项')
    const errors: FieldErrors = {}
    const rows = parseItemRows(values, new Set(e.units.map((u) => u.id)), beijingDate(now), errors)
    const sourceId = typeof values.reportVersionId === 'string' ? values.reportVersionId : ''
    const source = sourceId === '' ? undefined : latestIssuedEvaluation(tx, e.id)
    if (sourceId !== '' && source?.id !== sourceId) errors._form ??= '报告已有新的签发版本，请重新从报告问题生成'
    if (Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values }
    const at = now.toISOString()
    const ids = rows.map((row) => {
      const id = newId()
      tx.insert(rectificationItems)
        .values({ id, engagementId: e.id, problem: row.problem, requirement: row.requirement, evaluatedUnitId: row.unitId, deadline: row.deadline, status: 'pending', reportVersionId: source?.id ?? null, createdBy: actor.userId, createdAt: at, updatedAt: at })
        .run()
      tx.insert(rectificationUpdates).values({ id: newId(), itemId: id, kind: 'created', note: '', actorUserId: actor.userId, at }).run()
      return id
    })
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'rectification.create',
      entity: 'engagement',
      entityId: e.id,
      after: { items: rows.map((r, i) => ({ id: ids[i], ...r })), reportVersionId: source?.id ?? null },
      at: now,
    })
    return { ok: true, value: { ids } }
  })
}

const versionOnly = z.object({ version: versionField })

function readVersion(fd: FormData): number | null {
  const parsed = versionOnly.safeParse({ version: fd.get('version') ?? '' })
  return parsed.success ? parsed.data.version : null
}

/** Moves an item on (status, history row, audit row) when its version still matches. */
function advance(tx: Tx, actor: Actor, item: ItemRow, version: number, to: RectificationStatus, update: { kind: 'confirmed' | 'progress' | 'passed' | 'failed'; note: string }, now: Date, extra: Partial<ItemRow> = {}): string | null {
  const at = now.toISOString()
  const changed = tx
    .update(rectificationItems)
    .set({ status: to, updatedAt: at, version: item.version + 1, ...extra })
    .where(and(eq(rectificationItems.id, item.id), eq(rectificationItems.version, version)))
    .run()
  if (changed.changes !== 1) return null
  const updateId = newId()
  tx.insert(rectificationUpdates).values({ id: updateId, itemId: item.id, kind: update.kind, note: update.note, actorUserId: actor.userId, at }).run()
  appendAudit(tx, {
    actor: auditActor(actor),
    action: `rectification.${update.kind === 'progress' ? 'report' : update.kind === 'confirmed' ? 'confirm' : 'verify'}`,
    entity: 'rectification_item',
    entityId: item.id,
    before: { status: item.status },
    after: { status: to, ...(update.note ? { note: update.note } : {}), ...(update.kind === 'passed' || update.kind === 'failed' ? { verdict: update.kind } : {}) },
    at: now,
  })
  return updateId
}

/** 确认: the other side (or the reviewer) agrees; the item goes to the unit as 整改中. */
export function confirmItem(db: Db, actor: Actor, itemId: string, fd: FormData, now: Date): Result<{ status: RectificationStatus }> {
  return inTransaction(db, (tx) => {
    const found = itemFor(tx, actor, itemId)
    if (!found) return NOT_FOUND
    const { item, e } = found
    if (!can(actor, 'rectification.manage', engagementResource(e))) return forbidden('只有委托财政局的审核人员或项目组可以确认整改事项')
    const version = readVersion(fd)
    if (version === null || version !== item.version) return CONFLICT
    const creator = tx.select({ role: users.role }).from(users).where(eq(users.id, item.createdBy)).get()
    if (!mayConfirm(sideOf(creator?.role ?? ''), sideOf(actor.role))) return forbidden('本方提出的整改事项须由委托财政局确认')
    const next = nextStatus(item.status, 'confirm')
    if (!next.ok) return { ok: false, status: 409, errors: { _form: next.message } }
    if (!advance(tx, actor, item, version, next.status, { kind: 'confirmed', note: '' }, now, { confirmedBy: actor.userId, confirmedAt: now.toISOString() })) return CONFLICT
    return { ok: true, value: { status: next.status } }
  })
}

const progressSchema = z.object({ note: text({ label: '整改情况', max: MAX_NOTE }), version: versionField })

/** The progress form checked before any upload is stored, so a bad form leaves no file behind. */
export function parseProgress(fd: FormData): { ok: true; note: string; version: number } | Failure {
  const parsed = progressSchema.safeParse({ note: fd.get('note') ?? '', version: fd.get('version') ?? '' })
  if (parsed.success) return { ok: true, ...parsed.data }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message
  if (errors.version) return CONFLICT
  return { ok: false, status: 400, errors, values: { note: String(fd.get('note') ?? '') } }
}

/** Whether this actor may report on the item now (checked before an upload is even read). */
export function mayReport(db: Db, actor: Actor, itemId: string): boolean | undefined {
  const found = itemFor(db, actor, itemId)
  if (!found) return undefined
  return can(actor, 'rectification.report', engagementResource(found.e)) && nextStatus(found.item.status, 'report').ok
}

/**
 * 报告整改情况: the unit's text and, optionally, an evidence file already written to the store
 * (prepareFile); the file's row is recorded here, in the same transaction as the report.
 */
export function reportProgress(db: Db, actor: Actor, itemId: string, input: { note: string; version: number }, file: PreparedFile | null, now: Date): Result<{ status: RectificationStatus; updateId: string }> {
  return inTransaction(db, (tx) => {
    const found = itemFor(tx, actor, itemId)
    if (!found) return NOT_FOUND
    const { item, e } = found
    if (!can(actor, 'rectification.report', engagementResource(e))) return forbidden('只有责任单位的联络人可以报告整改情况')
    if (input.version !== item.version) return CONFLICT
    const next = nextStatus(item.status, 'report')
    if (!next.ok) return { ok: false, status: 409, errors: { _form: next.message } }
    const updateId = advance(tx, actor, item, input.version, next.status, { kind: 'progress', note: input.note }, now)
    if (!updateId) return CONFLICT
    if (file) {
      recordFile(tx, file, actor.userId, now)
      tx.insert(rectificationEvidence).values({ id: newId(), itemId: item.id, updateId, fileId: file.id }).run()
      appendAudit(tx, { actor: auditActor(actor), action: 'file.upload', entity: 'stored_file', entityId: file.id, after: { itemId: item.id, name: file.originalName, mime: file.mime, size: file.size, sha256: file.sha256 }, at: now })
    }
    return { ok: true, value: { status: next.status, updateId } }
  })
}

const verifySchema = z
  .object({
    verdict: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(['pass', 'fail'], { errorMap: () => ({ message: '请选择核验结论' }) })),
    reason: text({ label: '不通过的理由', max: MAX_NOTE, required: false }),
    version: versionField,
  })
  .superRefine((v, ctx) => {
    if (v.verdict === 'fail' && v.reason === '') ctx.addIssue({ code: 'custom', path: ['reason'], message: '不通过时须填写理由' })
  })

/** 核验: the reviewer passes the item, or fails it with a reason and returns it to 整改中. */
export function verifyItem(db: Db, actor: Actor, itemId: string, fd: FormData, now: Date): Result<{ status: RectificationStatus }> {
  return inTransaction(db, (tx) => {
    const found = itemFor(tx, actor, itemId)
    if (!found) return NOT_FOUND
    const { item, e } = found
    if (!(actor.role === 'finance_reviewer' && can(actor, 'rectification.manage', engagementResource(e)))) return forbidden('只有委托财政局的审核人员可以核验整改情况')
    const version = readVersion(fd)
    if (version === null || version !== item.version) return CONFLICT
    const form = verifySchema.safeParse({ verdict: fd.get('verdict') ?? '', reason: fd.get('reason') ?? '', version: fd.get('version') ?? '' })
    if (!form.success) {
      const errors: FieldErrors = {}
      for (const issue of form.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message
      return { ok: false, status: 400, errors, values: { verdict: String(fd.get('verdict') ?? ''), reason: String(fd.get('reason') ?? '') } }
    }
    const next = nextStatus(item.status, form.data.verdict)
    if (!next.ok) return { ok: false, status: 409, errors: { _form: next.message } }
    const kind = form.data.verdict === 'pass' ? 'passed' : 'failed'
    if (!advance(tx, actor, item, item.version, next.status, { kind, note: form.data.reason }, now)) return CONFLICT
    return { ok: true, value: { status: next.status } }
  })
}

const UPDATE_LABELS: Record<string, string> = { created: '提出', edited: '修改', confirmed: '确认', progress: '报告整改情况', passed: '核验通过', failed: '核验不通过' }

/** One item with its history (each report with its evidence files) and what this actor may do. */
export function itemPage(db: Db, actor: Actor, itemId: string, now: Date) {
  const found = itemFor(db, actor, itemId)
  if (!found) return undefined
  const { e } = found
  const view = itemViews(db, eq(rectificationItems.id, found.item.id), beijingDate(now))[0]!
  const history = db
    .select({ u: rectificationUpdates, actorName: users.displayName })
    .from(rectificationUpdates)
    .innerJoin(users, eq(users.id, rectificationUpdates.actorUserId))
    .where(eq(rectificationUpdates.itemId, found.item.id))
    .orderBy(asc(rectificationUpdates.at), asc(rectificationUpdates.id))
    .all()
  const files = db
    .select({ evidenceId: rectificationEvidence.id, updateId: rectificationEvidence.updateId, name: storedFiles.originalName, size: storedFiles.size, sha256: storedFiles.sha256 })
    .from(rectificationEvidence)
    .innerJoin(storedFiles, eq(storedFiles.id, rectificationEvidence.fileId))
    .where(eq(rectificationEvidence.itemId, found.item.id))
    .all()
  const resource = engagementResource(e)
  const side = sideOf(actor.role)
  return {
    engagement: { id: e.id, name: e.name },
    item: view,
    history: history.map(({ u, actorName }) => ({
      id: u.id,
      kind: u.kind,
      label: UPDATE_LABELS[u.kind] ?? u.kind,
      note: u.note,
      at: u.at,
      actorName,
      files: files.filter((f) => f.updateId === u.id).map((f) => ({ id: f.evidenceId, name: f.name, size: f.size, sha256: f.sha256 })),
    })),
    mayReport: can(actor, 'rectification.report', resource) && nextStatus(view.status, 'report').ok,
    mayVerify: actor.role === 'finance_reviewer' && can(actor, 'rectification.manage', resource) && view.status === 'reported',
    mayConfirm: can(actor, 'rectification.manage', resource) && view.status === 'pending' && mayConfirm(view.proposedBy, side),
  }
}

/** An evidence file of an item this actor may see, for download. */
export function evidenceFile(db: Db, actor: Actor, itemId: string, evidenceId: string) {
  const found = itemFor(db, actor, itemId)
  if (!found || !isId(evidenceId)) return undefined
  const link = db
    .select()
    .from(rectificationEvidence)
    .where(and(eq(rectificationEvidence.id, evidenceId), eq(rectificationEvidence.itemId, found.item.id)))
    .get()
  const file = link ? openStoredFile(db, link.fileId) : undefined
  return file ? { ...file, engagementId: found.item.engagementId } : undefined
}

/** The unit contact's confirmed items across their engagements (整改事项 of /unit/rectification). */
export function unitItems(db: Db, actor: Actor, now: Date): ItemView[] | undefined {
  if (actor.role !== 'unit_contact' || !actor.evaluatedUnitId) return undefined
  return itemViews(db, and(eq(rectificationItems.evaluatedUnitId, actor.evaluatedUnitId), sql`${rectificationItems.status} <> 'pending'`), beijingDate(now))
}

// ---- for other pages: the engagement's summary and the bureau's rates ---------------------------

/** Confirmed items of an engagement: how many, how many passed verification, how many are overdue. */
export function rectificationSummary(db: Db | Tx, engagementId: string, now: Date = clock()): { total: number; verified: number; overdue: number } {
  const items = db.select({ status: rectificationItems.status, deadline: rectificationItems.deadline }).from(rectificationItems).where(eq(rectificationItems.engagementId, engagementId)).all()
  const t = tally(items, beijingDate(now))
  return { total: t.total, verified: t.passed, overdue: t.overdue }
}

type BureauItem = { id: string; status: string; deadline: string; year: number; unitId: string; unitName: string; engagementId: string; engagementName: string; problem: string }

function bureauItems(db: Db | Tx, bureauId: string, year: number | null): BureauItem[] {
  return db
    .select({
      id: rectificationItems.id,
      status: rectificationItems.status,
      deadline: rectificationItems.deadline,
      year: engagements.year,
      unitId: evaluatedUnits.id,
      unitName: evaluatedUnits.name,
      engagementId: engagements.id,
      engagementName: engagements.name,
      problem: rectificationItems.problem,
    })
    .from(rectificationItems)
    .innerJoin(engagements, eq(engagements.id, rectificationItems.engagementId))
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, rectificationItems.evaluatedUnitId))
    .where(and(eq(engagements.financeBureauId, bureauId), sql`${rectificationItems.status} <> 'pending'`, year === null ? undefined : eq(engagements.year, year)))
    .orderBy(asc(rectificationItems.deadline), asc(rectificationItems.id))
    .all()
}

export type RateLine = RateRow & { rate: number | null }
const withRate = (r: RateRow): RateLine => ({ ...r, rate: completionRate(r) })

function groupRates<K>(items: BureauItem[], keyOf: (i: BureauItem) => K, today: string): Map<K, RateLine> {
  const groups = new Map<K, BureauItem[]>()
  for (const i of items) groups.set(keyOf(i), [...(groups.get(keyOf(i)) ?? []), i])
  return new Map([...groups].map(([k, list]) => [k, withRate(tally(list, today))]))
}

/**
 * A bureau's rectification in one evaluation year (the engagements' 评价年度): completion per
 * responsible unit, the total, and the overdue items. Confirmed items only; scoped to the bureau in SQL.
 */
export function rectificationRates(db: Db | Tx, bureauId: string, year: number, now: Date = clock()) {
  const today = beijingDate(now)
  const items = bureauItems(db, bureauId, year)
  const byUnit = groupRates(items, (i) => i.unitId, today)
  const names = new Map(items.map((i) => [i.unitId, i.unitName]))
  return {
    year,
    total: withRate(tally(items, today)),
    byUnit: [...byUnit].map(([unitId, r]) => ({ unitId, unitName: names.get(unitId) ?? '', ...r })).sort((a, b) => a.unitName.localeCompare(b.unitName, 'zh-CN')),
    overdue: items.filter((i) => isOverdue(i, today)).map((i) => ({ id: i.id, engagementId: i.engagementId, engagementName: i.engagementName, unitName: i.unitName, problem: i.problem, deadline: i.deadline, statusLabel: rectificationStatusLabel(i.status) })),
  }
}

/** The bureau's completion rate for every evaluation year that has confirmed items, newest first. */
export function rectificationYears(db: Db | Tx, bureauId: string, now: Date = clock()): ({ year: number } & RateLine)[] {
  const byYear = groupRates(bureauItems(db, bureauId, null), (i) => i.year, beijingDate(now))
  return [...byYear].map(([year, r]) => ({ year, ...r })).sort((a, b) => b.year - a.year)
}
