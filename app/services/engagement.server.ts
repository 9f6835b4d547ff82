// Creating, editing and moving engagements. Each public function is one user action: one
// BEGIN IMMEDIATE transaction holding the change and its audit row, or no change at all.
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { BUDGET_TYPE_CODES, ENGAGEMENT_KIND_CODES, MAX_YEAR, MIN_YEAR } from '../domain/engagement'
import { parseWanYuanToFen } from '../domain/money'
import { can, engagementScope, type Actor } from '../domain/permissions'
import { checkTransition, isStage, STAGE_CODES, type Stage } from '../domain/stages'
import { cleanText } from '../domain/text'
import { isId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import {
  engagementResource,
  findEngagementInScope,
  insertEngagement,
  insertStageTransition,
  listActiveFinanceBureaus,
  listAgencyStaff,
  replaceMembers,
  replaceUnits,
  updateEngagementIfVersion,
  type EngagementDetail,
  type EngagementPatch,
} from '../models/engagement.server'
import { findOrCreateEvaluatedUnit } from '../models/evaluated-unit.server'
import { choice, formValues, integer, isoDate, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { commissionFlagAt, commissionFlagColumn } from './commission-flag.server'
import { panelGateProblems } from './panel-readiness.server'
import { hasIssuedReport } from './submission-gate.server'
import { inTransaction } from './transaction.server'

export const CONFLICT_MESSAGE = '数据已被他人修改，请刷新后重试'
export const MAX_UNITS = 20
export const ENGAGEMENT_ARRAY_FIELDS = ['unitName', 'unitDepartment', 'memberIds'] as const

const idField = (message: string) => z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().refine(isId, message))

const wanYuan = (label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z.string().transform((s, ctx) => {
      const parsed = parseWanYuanToFen(s)
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message === '请填写金额' ? `请填写${label}` : parsed.message })
        return z.NEVER
      }
      return parsed.value
    }),
  )

// Scalar fields only: unit rows and the period order are checked on the raw values below, so
// that every error shows at once instead of cross-field errors waiting for the rest to pass.
const scalarSchema = z.object({
  name: text({ label: '项目名称', max: 200 }),
  year: integer({ label: '评价年度', min: MIN_YEAR, max: MAX_YEAR }),
  kind: choice(ENGAGEMENT_KIND_CODES, '请选择评价类型'),
  budgetType: choice(BUDGET_TYPE_CODES, '请选择预算类型'),
  financeBureauId: idField('请选择委托财政局'),
  funds: wanYuan('项目资金'),
  periodStart: isoDate('评价期间起始日'),
  periodEnd: isoDate('评价期间截止日'),
  contractNo: text({ label: '合同编号', max: 64, required: false }),
  leadUserId: idField('请选择项目负责人'),
  memberIds: z.array(idField('团队成员选择有误')).max(100, '团队成员过多').default([]),
})

export type EngagementInput = Omit<z.infer<typeof scalarSchema>, 'funds'> & {
  fundsFen: number
  units: { name: string; competentDepartment: string }[]
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

function unitRows(values: FormValues, errors: FieldErrors): EngagementInput['units'] {
  const names = asList(values.unitName)
  const departments = asList(values.unitDepartment)
  const rows: EngagementInput['units'] = []
  const seen = new Set<string>()
  const count = Math.max(names.length, departments.length)
  if (count > MAX_UNITS) {
    errors.units ??= `被评价单位最多 ${MAX_UNITS} 个`
    return rows
  }
  for (let i = 0; i < count; i++) {
    const name = cleanText(names[i] ?? '')
    const competentDepartment = cleanText(departments[i] ?? '')
    if (name === '' && competentDepartment === '') continue // a blank row added and left empty
    if (name === '') errors[`unitName.${i}`] = '请填写被评价单位名称'
    else if (name.length > 100) errors[`unitName.${i}`] = '被评价单位名称不能超过 100 个字符'
    if (competentDepartment === '') errors[`unitDepartment.${i}`] = '请填写主管部门'
    else if (competentDepartment.length > 100) errors[`unitDepartment.${i}`] = '主管部门不能超过 100 个字符'
    const key = `${name}\u0000${competentDepartment}`
    if (name !== '' && seen.has(key)) errors[`unitName.${i}`] = '该被评价单位已填写过'
    seen.add(key)
    rows.push({ name, competentDepartment })
  }
  if (rows.length === 0) errors.units ??= '请至少填写一个被评价单位及其主管部门'
  return rows
}

export type ParsedEngagementForm =
  | { ok: true; data: EngagementInput; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues }

/** The engagement form (create and edit share it) -> typed input, or every field error at once. */
export function parseEngagementForm(fd: FormData): ParsedEngagementForm {
  const base = parseForm(scalarSchema, fd, ENGAGEMENT_ARRAY_FIELDS)
  const values = formValues(fd, ENGAGEMENT_ARRAY_FIELDS)
  const errors: FieldErrors = base.ok ? {} : { ...base.errors }
  const units = unitRows(values, errors)
  const start = typeof values.periodStart === 'string' ? values.periodStart.trim() : ''
  const end = typeof values.periodEnd === 'string' ? values.periodEnd.trim() : ''
  // Both already passed the date format check when neither has an error; ISO dates compare as text.
  if (!errors.periodStart && !errors.periodEnd && start !== '' && end !== '' && end < start) {
    errors.periodEnd = '评价期间截止日不能早于起始日'
  }
  if (!base.ok || Object.keys(errors).length > 0) return { ok: false, errors, values }
  const { funds, ...rest } = base.data
  return { ok: true, values, data: { ...rest, memberIds: [...new Set(rest.memberIds)], fundsFen: funds, units } }
}

export const moveSchema = z.object({
  to: choice(STAGE_CODES, '请选择要进入的阶段'),
  note: text({ label: '说明', max: 1000, required: false }),
  version: versionField,
})

export type ServiceFailure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors }
export type ServiceResult<T> = { ok: true; value: T } | ServiceFailure

const notFound: ServiceFailure = { ok: false, status: 404, errors: { _form: '未找到该评价项目' } }
const conflict: ServiceFailure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
const forbidden = (message: string): ServiceFailure => ({ ok: false, status: 403, errors: { _form: message } })

/** Checks the references the form names against the database: bureau, lead and team. */
function referenceErrors(tx: Tx, agencyId: string, input: EngagementInput): FieldErrors {
  const errors: FieldErrors = {}
  if (!listActiveFinanceBureaus(tx).some((b) => b.id === input.financeBureauId)) {
    errors.financeBureauId = '请选择委托财政局'
  }
  const staff = new Set(listAgencyStaff(tx, agencyId).map((s) => s.id))
  if (!staff.has(input.leadUserId)) errors.leadUserId = '项目负责人须为本机构在岗的评价人员或机构管理员'
  if (input.memberIds.some((id) => !staff.has(id))) errors.memberIds = '团队成员须为本机构在岗人员'
  return errors
}

function resolveUnits(tx: Tx, actor: Actor, financeBureauId: string, units: EngagementInput['units'], at: Date): string[] {
  return units.map((u) => {
    const { row, created } = findOrCreateEvaluatedUnit(tx, { financeBureauId, ...u }, at)
    if (created) {
      appendAudit(tx, {
        actor: auditActor(actor),
        action: 'evaluated_unit.create',
        entity: 'evaluated_unit',
        entityId: row.id,
        after: { financeBureauId, name: row.name, competentDepartment: row.competentDepartment },
        at,
      })
    }
    return row.id
  })
}

/** What the audit log records of an engagement: plain fields plus its units and team. */
function auditView(e: {
  name: string
  year: number
  kind: string
  budgetType: string
  financeBureauId: string
  fundsFen: number
  periodStart: string
  periodEnd: string
  contractNo: string
  leadUserId: string
  units: { name: string; competentDepartment: string }[]
  memberIds: readonly string[]
}) {
  return {
    name: e.name,
    year: e.year,
    kind: e.kind,
    budgetType: e.budgetType,
    financeBureauId: e.financeBureauId,
    fundsFen: e.fundsFen,
    periodStart: e.periodStart,
    periodEnd: e.periodEnd,
    contractNo: e.contractNo,
    leadUserId: e.leadUserId,
    units: e.units.map((u) => `${u.name}（${u.competentDepartment}）`),
    memberIds: [...e.memberIds].sort(),
  }
}

export function createEngagement(db: Db, actor: Actor, input: EngagementInput, at: Date): ServiceResult<{ id: string }> {
  const agencyId = actor.organizationId
  if (!agencyId || !can(actor, 'engagement.create', { type: 'agency', organizationId: agencyId })) {
    return forbidden('当前角色无权新建评价项目')
  }
  return inTransaction(db, (tx): ServiceResult<{ id: string }> => {
    const errors = referenceErrors(tx, agencyId, input)
    if (Object.keys(errors).length > 0) return { ok: false, status: 400, errors }
    const unitIds = resolveUnits(tx, actor, input.financeBureauId, input.units, at)
    // Flagged, never refused: the bureau commissions with the agency's credit in view.
    const creditFlag = commissionFlagAt(tx, agencyId, input.financeBureauId, at)
    const row = insertEngagement(
      tx,
      {
        agencyId,
        commissionCreditFlagJson: commissionFlagColumn(creditFlag),
        financeBureauId: input.financeBureauId,
        name: input.name,
        year: input.year,
        kind: input.kind,
        budgetType: input.budgetType,
        fundsFen: input.fundsFen,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        contractNo: input.contractNo,
        leadUserId: input.leadUserId,
        createdBy: actor.userId,
      },
      at,
    )
    replaceUnits(tx, row.id, unitIds)
    replaceMembers(tx, row.id, input.memberIds)
    insertStageTransition(tx, { engagementId: row.id, fromStage: null, toStage: 'commissioned', actorUserId: actor.userId, note: '' }, at)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'engagement.create',
      entity: 'engagement',
      entityId: row.id,
      after: { ...auditView(input), agencyId, stage: row.stage, ...(creditFlag ? { commissionCreditFlag: creditFlag } : {}) },
      at,
    })
    return { ok: true, value: { id: row.id } }
  })
}

function loadForWork(tx: Tx, actor: Actor, id: string): EngagementDetail | ServiceFailure {
  if (!isId(id)) return notFound
  const current = findEngagementInScope(tx, engagementScope(actor), id)
  if (!current) return notFound
  return current
}

export function updateEngagement(
  db: Db,
  actor: Actor,
  id: string,
  version: number,
  input: EngagementInput,
  at: Date,
): ServiceResult<{ id: string; changed: string[] }> {
  return inTransaction(db, (tx): ServiceResult<{ id: string; changed: string[] }> => {
    const current = loadForWork(tx, actor, id)
    if ('ok' in current) return current
    if (!can(actor, 'engagement.edit', engagementResource(current))) {
      return forbidden(current.stage === 'archived' ? '项目已归档，不能再修改' : '您不是该项目的负责人或团队成员，不能修改')
    }
    if (current.version !== version) return conflict
    const errors = referenceErrors(tx, current.agencyId, input)
    if (Object.keys(errors).length > 0) return { ok: false, status: 400, errors }

    const before = auditView({ ...current, memberIds: current.members.map((m) => m.id) })
    const after = auditView(input)
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    if (changed.length === 0) return { ok: true, value: { id, changed } }

    const patch: EngagementPatch = {
      name: input.name,
      year: input.year,
      kind: input.kind,
      budgetType: input.budgetType,
      financeBureauId: input.financeBureauId,
      fundsFen: input.fundsFen,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      contractNo: input.contractNo,
      leadUserId: input.leadUserId,
    }
    if (!updateEngagementIfVersion(tx, id, version, patch, at)) return conflict
    // Units follow the bureau: a change of bureau re-files the units under the new one.
    if (changed.includes('units') || changed.includes('financeBureauId')) {
      replaceUnits(tx, id, resolveUnits(tx, actor, input.financeBureauId, input.units, at))
    }
    if (changed.includes('memberIds')) replaceMembers(tx, id, input.memberIds)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'engagement.update',
      entity: 'engagement',
      entityId: id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      at,
    })
    return { ok: true, value: { id, changed } }
  })
}

export function moveStage(
  db: Db,
  actor: Actor,
  id: string,
  request: { to: Stage; note: string; version: number },
  at: Date,
): ServiceResult<{ id: string; from: Stage; to: Stage }> {
  return inTransaction(db, (tx): ServiceResult<{ id: string; from: Stage; to: Stage }> => {
    const current = loadForWork(tx, actor, id)
    if ('ok' in current) return current
    if (!can(actor, 'engagement.move', engagementResource(current))) {
      return forbidden('您不是该项目的负责人或团队成员，不能变更阶段')
    }
    if (current.version !== request.version) return conflict
    if (!isStage(current.stage)) return { ok: false, status: 400, errors: { to: '项目当前阶段无法识别' } }
    const from = current.stage
    const verdict = checkTransition({ from, to: request.to, role: actor.role, note: request.note, facts: { contractNo: current.contractNo, panelProblems: request.to === 'expert_review' ? panelGateProblems(tx, id) : [], issuedReport: request.to === 'submitted' && hasIssuedReport(tx, id) } })
    if (!verdict.ok) return { ok: false, status: 400, errors: { [verdict.field]: verdict.message } }
    if (!updateEngagementIfVersion(tx, id, request.version, { stage: request.to, stageChangedAt: at.toISOString() }, at)) return conflict
    insertStageTransition(tx, { engagementId: id, fromStage: from, toStage: request.to, actorUserId: actor.userId, note: request.note }, at)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'engagement.stage_move',
      entity: 'engagement',
      entityId: id,
      before: { stage: from },
      after: { stage: request.to, direction: verdict.direction, note: request.note },
      at,
    })
    return { ok: true, value: { id, from, to: request.to } }
  })
}

/**
 * The engagement as this actor may see it, or undefined (answer 404): the scoped query already
 * hides other tenants' rows; `can` is asked as well so the rule lives in one place.
 */
export function engagementForViewer(db: Db | Tx, actor: Actor, id: string): EngagementDetail | undefined {
  if (!isId(id)) return undefined
  const e = findEngagementInScope(db, engagementScope(actor), id)
  return e && can(actor, 'engagement.view', engagementResource(e)) ? e : undefined
}
