// The expert pool (专家库): keeping experts and the specialty list, the Excel import, and the
// reads the pages use. The pool is kept by the platform (expert.manage) and read by agencies that
// compose panels (expert.view). Each public write is one IMMEDIATE transaction with its audit row.
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { cleanText } from '../domain/text'
import {
  DEFAULT_SPECIALTIES,
  EXPERT_STATUS_CODES,
  EXPERT_STATUSES,
  TITLE_CODES,
  type ExpertStatus,
  type Title,
} from '../domain/experts/vocab'
import { isId } from '../ids.server'
import { newId } from '../ids.server'
import { appendAudit } from '../models/audit.server'
import {
  EXPERT_PAGE_SIZE,
  findExpert,
  findExpertsNamed,
  findSpecialty,
  insertExpert,
  insertSpecialties,
  listExpertDetails,
  listExperts,
  listSpecialties,
  replaceExpertChildren,
  updateExpertIfVersion,
  updateSpecialty,
  type ExpertDetail,
  type ExpertListQuery,
  type ExpertValues,
  type SpecialtyRow,
} from '../models/expert.server'
import { EXPERT_FIELD_LABELS, type ExpertInput } from '../utils/expert-form'
import { choice, text, versionField } from '../utils/form'
import { CONFLICT_MESSAGE, type ServiceFailure, type ServiceResult } from './engagement.server'
import { inTransaction } from './transaction.server'
import { auditActorOf, operatorMay, type Operator } from './user-admin.server'

const POOL = { type: 'expert_pool' } as const
const NOT_FOUND: ServiceFailure = { ok: false, status: 404, errors: { _form: '未找到该专家' } }
const FORBIDDEN: ServiceFailure = { ok: false, status: 403, errors: { _form: '无权修改专家库' } }
const CONFLICT: ServiceFailure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
const invalid = (errors: Record<string, string>): ServiceFailure => ({ ok: false, status: 400, errors })

export const MAX_EXPORT_ROWS = 20_000
export const MAX_IMPORT_ROWS = 2000

export function mayViewPool(op: Operator): boolean {
  return operatorMay(op, 'expert.view', POOL)
}

export function mayManagePool(op: Operator): boolean {
  return operatorMay(op, 'expert.manage', POOL)
}

/** The platform's log: the pool belongs to no tenant. */
function audit(tx: Tx, op: Operator, entry: { action: string; entity: string; entityId?: string; before?: unknown; after?: unknown }, at: Date) {
  appendAudit(tx, { actor: auditActorOf(op), tenantId: null, ...entry, at })
}

// ---------------------------------------------------------------------------------------------
// Reads

const MAX_PAGE = 100_000
const SPECIALTY_CODE = /^[0-9A-Za-z_-]{1,64}$/

/** Query string -> pool query. A value that does not parse is dropped, never an error page. */
export function readPoolQuery(params: URLSearchParams): ExpertListQuery {
  const query: ExpertListQuery = { page: 1 }
  const q = cleanText(params.get('q') ?? '').slice(0, 50)
  if (q) query.q = q
  const specialty = params.get('specialty') ?? ''
  if (SPECIALTY_CODE.test(specialty)) query.specialty = specialty
  const title = params.get('title') ?? ''
  if ((TITLE_CODES as readonly string[]).includes(title)) query.title = title as Title
  const status = params.get('status') ?? ''
  if ((EXPERT_STATUS_CODES as readonly string[]).includes(status)) query.status = status as ExpertStatus
  const region = cleanText(params.get('region') ?? '').slice(0, 50)
  if (region) query.region = region
  const page = params.get('page') ?? ''
  if (/^\d{1,6}$/.test(page) && Number(page) >= 1) query.page = Math.min(Number(page), MAX_PAGE)
  return query
}

/** One page of the pool; a page past the end shows the last page. Null when the pool is not theirs to read. */
export function poolPage(db: Db, op: Operator, query: ExpertListQuery) {
  if (!mayViewPool(op)) return null
  let result = listExperts(db, query)
  const pages = Math.max(1, Math.ceil(result.total / (query.pageSize ?? EXPERT_PAGE_SIZE)))
  if (query.page > pages) {
    query.page = pages
    result = listExperts(db, query)
  }
  return { ...result, pages, query }
}

/** Every expert the filter matches, in full, for the Excel export. */
export function poolExport(db: Db, op: Operator, query: ExpertListQuery): ExpertDetail[] | null {
  if (!mayViewPool(op)) return null
  const { page: _page, pageSize: _size, ...filter } = query
  return listExpertDetails(db, filter, MAX_EXPORT_ROWS)
}

/** The expert if this operator may see the record; otherwise undefined (answer 404). */
export function expertForViewer(db: Db | Tx, op: Operator, id: string): ExpertDetail | undefined {
  if (!isId(id)) return undefined
  const expert = findExpert(db, id)
  if (!expert || !operatorMay(op, 'expert.view', { type: 'expert', userId: expert.userId })) return undefined
  return expert
}

export function specialtyChoices(db: Db | Tx): SpecialtyRow[] {
  return listSpecialties(db)
}

// ---------------------------------------------------------------------------------------------
// Experts

/** The stored record in the shape the form and the import produce. */
export function inputOf(e: ExpertDetail): ExpertInput {
  return {
    ...ownFields(e),
    specialties: e.specialties.map((s) => s.code),
    employments: e.employments.map((x) => ({ organization: x.organization, fromDate: x.fromDate, toDate: x.toDate })),
    relations: e.relations.map((x) => ({ kind: x.kind, organization: x.organization, note: x.note })),
    unavailability: e.unavailability.map((x) => ({ fromDate: x.fromDate, toDate: x.toDate, note: x.note })),
  }
}

/** What the audit log keeps of an expert: plain fields, and each child row as one readable line. */
function auditView(v: ExpertInput) {
  return {
    ...ownFields(v),
    specialties: [...v.specialties].sort(),
    employments: v.employments.map((e) => `${e.organization}|${e.fromDate}|${e.toDate ?? ''}`).sort(),
    relations: v.relations.map((r) => `${r.kind}|${r.organization}|${r.note}`).sort(),
    unavailability: v.unavailability.map((u) => `${u.fromDate}|${u.toDate}|${u.note}`).sort(),
  }
}
type AuditView = ReturnType<typeof auditView>

/**
 * Specialty codes must be on the list, and active unless the expert already had them: retiring a
 * specialty keeps existing links, but nobody new gets it.
 */
function specialtyProblem(tx: Tx, codes: readonly string[], kept: ReadonlySet<string>): string | null {
  const known = new Map(listSpecialties(tx).map((s) => [s.code, s]))
  for (const code of codes) {
    const s = known.get(code)
    if (!s) return '专业领域选择有误，请刷新页面后重新选择'
    if (!s.active && !kept.has(code)) return `专业领域「${s.label}」已停用，不能再选择`
  }
  return null
}

type Contact = { id?: string; name: string; phone: string; email: string }

/** The same person entered twice: same name, and the same phone or the same email. */
function sameExpert(a: Contact, b: Contact): boolean {
  if (a.name !== b.name) return false
  return (a.phone !== '' && a.phone === b.phone) || (a.email !== '' && a.email.toLowerCase() === b.email.toLowerCase())
}

function duplicateProblem(tx: Tx, candidate: Contact): string | null {
  const twin = findExpertsNamed(tx, [candidate.name]).find((e) => e.id !== candidate.id && sameExpert(e, candidate))
  return twin ? `专家库中已有「${candidate.name}」（电话或邮箱相同），请勿重复录入` : null
}

function children(input: ExpertInput, specialtyCodes: readonly string[]) {
  return { specialtyCodes, employments: input.employments, relations: input.relations, unavailability: input.unavailability }
}

function ownFields(v: ExpertValues): ExpertValues {
  return { name: v.name, employer: v.employer, title: v.title, region: v.region, phone: v.phone, email: v.email, note: v.note }
}

export function createExpert(db: Db, op: Operator, input: ExpertInput, now: Date): ServiceResult<{ id: string }> {
  if (!mayManagePool(op)) return FORBIDDEN
  return inTransaction(db, (tx): ServiceResult<{ id: string }> => {
    const problem = specialtyProblem(tx, input.specialties, new Set())
    if (problem) return invalid({ specialties: problem })
    const duplicate = duplicateProblem(tx, input)
    if (duplicate) return invalid({ name: duplicate })
    const row = insertExpert(tx, { id: newId(), status: 'active', ...ownFields(input) }, now)
    replaceExpertChildren(tx, row.id, children(input, input.specialties))
    audit(tx, op, { action: 'expert.create', entity: 'expert', entityId: row.id, after: auditView(input) }, now)
    return { ok: true, value: { id: row.id } }
  })
}

const CHILD_KEYS: readonly (keyof AuditView)[] = ['specialties', 'employments', 'relations', 'unavailability']

export function updateExpert(db: Db, op: Operator, id: string, version: number, input: ExpertInput, now: Date): ServiceResult<{ changed: string[] }> {
  return inTransaction(db, (tx): ServiceResult<{ changed: string[] }> => {
    const current = expertForViewer(tx, op, id)
    if (!current) return NOT_FOUND
    if (!mayManagePool(op)) return FORBIDDEN
    if (current.version !== version) return CONFLICT
    const problem = specialtyProblem(tx, input.specialties, new Set(current.specialties.map((s) => s.code)))
    if (problem) return invalid({ specialties: problem })
    const duplicate = duplicateProblem(tx, { ...input, id })
    if (duplicate) return invalid({ name: duplicate })
    const before = auditView(inputOf(current))
    const after = auditView(input)
    const changed = (Object.keys(after) as (keyof AuditView)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    if (changed.length === 0) return { ok: true, value: { changed } }
    if (!updateExpertIfVersion(tx, id, version, ownFields(input), now)) return CONFLICT
    if (changed.some((k) => CHILD_KEYS.includes(k))) replaceExpertChildren(tx, id, children(input, input.specialties))
    audit(
      tx,
      op,
      {
        action: 'expert.update',
        entity: 'expert',
        entityId: id,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      },
      now,
    )
    return { ok: true, value: { changed } }
  })
}

export const StatusForm = z.object({
  status: choice(EXPERT_STATUS_CODES, '请选择状态'),
  reason: text({ label: '原因', max: 200, required: false }),
  version: versionField,
})

/** 在库 / 暂停 / 出库. A suspended or retired expert is never drawn; the record and history stay. */
export function setExpertStatus(
  db: Db,
  op: Operator,
  id: string,
  input: { status: ExpertStatus; reason: string; version: number },
  now: Date,
): ServiceResult<{ status: ExpertStatus }> {
  return inTransaction(db, (tx): ServiceResult<{ status: ExpertStatus }> => {
    const current = expertForViewer(tx, op, id)
    if (!current) return NOT_FOUND
    if (!mayManagePool(op)) return FORBIDDEN
    if (current.version !== input.version) return CONFLICT
    if (current.status === input.status) return invalid({ status: `该专家已是「${statusLabel(input.status)}」状态` })
    if (input.status !== 'active' && input.reason === '') return invalid({ reason: input.status === 'suspended' ? '请填写暂停原因' : '请填写出库原因' })
    if (!updateExpertIfVersion(tx, id, input.version, { status: input.status }, now)) return CONFLICT
    audit(tx, op, { action: 'expert.status', entity: 'expert', entityId: id, before: { status: current.status }, after: { status: input.status, statusReason: input.reason } }, now)
    return { ok: true, value: { status: input.status } }
  })
}

function statusLabel(code: string): string {
  return EXPERT_STATUSES.find((s) => s.code === code)?.label ?? code
}

// ---------------------------------------------------------------------------------------------
// The specialty list (专业领域). Codes never change, so links and panel quotas survive a rename.

import { SPECIALTY_LABEL_MAX } from '../utils/limits'

export { SPECIALTY_LABEL_MAX }
// The workbook lists an expert's specialties separated by these, so a label cannot hold one.
export const SpecialtyLabelForm = z.object({
  label: text({ label: '专业领域名称', max: SPECIALTY_LABEL_MAX }).refine((s) => !/[、,，;；|｜\s]/.test(s), '专业领域名称不能包含空格、顿号、逗号、分号或“|”'),
})

function sameLabelProblem(list: readonly SpecialtyRow[], label: string, except: string | null): string | null {
  const twin = list.find((s) => s.code !== except && s.label === label)
  if (!twin) return null
  return twin.active ? `已有专业领域「${label}」` : `已有专业领域「${label}」（已停用），可直接恢复使用`
}

export function addSpecialty(db: Db, op: Operator, label: string, now: Date): ServiceResult<{ code: string }> {
  if (!mayManagePool(op)) return FORBIDDEN
  return inTransaction(db, (tx): ServiceResult<{ code: string }> => {
    const list = listSpecialties(tx)
    const problem = sameLabelProblem(list, label, null)
    if (problem) return invalid({ label: problem })
    const code = newId()
    const position = Math.max(-1, ...list.map((s) => s.position)) + 1
    insertSpecialties(tx, [{ code, label, position, active: true }])
    audit(tx, op, { action: 'specialty.create', entity: 'specialty', entityId: code, after: { label } }, now)
    return { ok: true, value: { code } }
  })
}

function specialtyForManager(tx: Tx, op: Operator, code: string): SpecialtyRow | ServiceFailure {
  if (!mayManagePool(op)) return FORBIDDEN
  const found = SPECIALTY_CODE.test(code) ? findSpecialty(tx, code) : undefined
  return found ?? { ok: false, status: 404, errors: { _form: '未找到该专业领域' } }
}

export function renameSpecialty(db: Db, op: Operator, code: string, label: string, now: Date): ServiceResult<null> {
  return inTransaction(db, (tx): ServiceResult<null> => {
    const current = specialtyForManager(tx, op, code)
    if ('ok' in current) return current
    if (current.label === label) return { ok: true, value: null }
    const problem = sameLabelProblem(listSpecialties(tx), label, code)
    if (problem) return invalid({ label: problem })
    updateSpecialty(tx, code, { label })
    audit(tx, op, { action: 'specialty.update', entity: 'specialty', entityId: code, before: { label: current.label }, after: { label } }, now)
    return { ok: true, value: null }
  })
}

/** Moves an active specialty one place up or down the list the forms show. */
export function moveSpecialty(db: Db, op: Operator, code: string, direction: 'up' | 'down', now: Date): ServiceResult<null> {
  return inTransaction(db, (tx): ServiceResult<null> => {
    const current = specialtyForManager(tx, op, code)
    if ('ok' in current) return current
    const active = listSpecialties(tx).filter((s) => s.active)
    const from = active.findIndex((s) => s.code === code)
    const to = direction === 'up' ? from - 1 : from + 1
    if (from < 0 || to < 0 || to >= active.length) return { ok: true, value: null }
    const order = active.map((s) => s.code)
    ;[order[from], order[to]] = [order[to]!, order[from]!]
    order.forEach((c, position) => updateSpecialty(tx, c, { position }))
    audit(tx, op, { action: 'specialty.reorder', entity: 'specialty', entityId: code, after: { label: current.label, direction, position: to + 1 } }, now)
    return { ok: true, value: null }
  })
}

/** Retiring keeps every existing link (and the draws that used it); the specialty is just not offered any more. */
export function setSpecialtyActive(db: Db, op: Operator, code: string, active: boolean, now: Date): ServiceResult<null> {
  return inTransaction(db, (tx): ServiceResult<null> => {
    const current = specialtyForManager(tx, op, code)
    if ('ok' in current) return current
    if (current.active === active) return { ok: true, value: null }
    const list = listSpecialties(tx)
    if (!active && list.filter((s) => s.active).length <= 1) return invalid({ _form: '至少保留一个启用的专业领域' })
    // A restored specialty goes to the end of the active list.
    const position = active ? Math.max(-1, ...list.filter((s) => s.active).map((s) => s.position)) + 1 : current.position
    updateSpecialty(tx, code, { active, position })
    audit(tx, op, { action: active ? 'specialty.restore' : 'specialty.retire', entity: 'specialty', entityId: code, after: { label: current.label } }, now)
    return { ok: true, value: null }
  })
}

/** Seeds the controlled list on a new installation (the table is empty); afterwards admins own it. */
export function ensureSpecialties(db: Db, now: Date): number {
  return inTransaction(db, (tx) => {
    if (listSpecialties(tx).length > 0) return 0
    insertSpecialties(
      tx,
      DEFAULT_SPECIALTIES.map((s, position) => ({ code: s.code, label: s.label, position, active: true })),
    )
    appendAudit(tx, {
      actor: { userId: null, role: 'system', organizationId: null },
      action: 'specialty.seed',
      entity: 'specialty',
      after: { labels: DEFAULT_SPECIALTIES.map((s) => s.label) },
      at: now,
    })
    return DEFAULT_SPECIALTIES.length
  })
}

// ---------------------------------------------------------------------------------------------
// Import

/** One workbook row, already through the form's checks; `specialties` holds labels (or codes). */
export type ExpertImportRow = { row: number; input: ExpertInput; status: ExpertStatus }
export type ImportProblem = { row: number | null; column: string | null; message: string }
export type ImportFailure = ServiceFailure & { problems: ImportProblem[] }
export type ImportResult = { ok: true; value: { ids: string[] } } | ImportFailure

/**
 * Adds every row as a new expert, or none: a specialty not on the active list, a person already in
 * the pool or twice in the file, refuses the whole import with each problem's row and column.
 */
export function importExperts(db: Db, op: Operator, rows: readonly ExpertImportRow[], now: Date): ImportResult {
  const refuse = (problems: ImportProblem[]): ImportFailure => ({ ok: false, status: 400, errors: { _form: `共 ${problems.length} 处问题，未导入任何专家` }, problems })
  if (!mayManagePool(op)) return { ...FORBIDDEN, problems: [] }
  if (rows.length === 0) return refuse([{ row: null, column: null, message: '没有可导入的专家行' }])
  if (rows.length > MAX_IMPORT_ROWS) return refuse([{ row: null, column: null, message: `一次最多导入 ${MAX_IMPORT_ROWS} 位专家（本次 ${rows.length} 行）` }])
  return inTransaction(db, (tx): ImportResult => {
    const problems: ImportProblem[] = []
    const active = listSpecialties(tx).filter((s) => s.active)
    const byName = new Map(active.flatMap((s) => [[s.label, s.code] as const, [s.code, s.code] as const]))
    const choices = active.map((s) => s.label).join('、')
    const existing = findExpertsNamed(tx, rows.map((r) => r.input.name))
    const resolved = rows.map(({ row, input }, i) => {
      const codes: string[] = []
      for (const label of input.specialties) {
        const code = byName.get(label)
        if (code) codes.push(code)
        else problems.push({ row, column: EXPERT_FIELD_LABELS.specialties, message: `无法识别「${label.slice(0, 20)}」，可选：${choices}` })
      }
      if (existing.some((e) => sameExpert(e, input))) {
        problems.push({ row, column: EXPERT_FIELD_LABELS.name, message: `专家库中已有「${input.name}」（电话或邮箱相同），请勿重复导入` })
      }
      const earlier = rows.slice(0, i).find((r) => sameExpert(r.input, input))
      if (earlier) problems.push({ row, column: EXPERT_FIELD_LABELS.name, message: `与第 ${earlier.row} 行是同一位专家（姓名及电话或邮箱相同）` })
      return [...new Set(codes)]
    })
    if (problems.length > 0) return refuse(problems)
    const ids = rows.map(({ input, status }, i) => {
      const row = insertExpert(tx, { id: newId(), status, ...ownFields(input) }, now)
      replaceExpertChildren(tx, row.id, children(input, resolved[i]!))
      return row.id
    })
    audit(tx, op, { action: 'expert.import', entity: 'expert', after: { count: ids.length, ids } }, now)
    return { ok: true, value: { ids } }
  })
}
