import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, evaluatedUnits, stageTransitions, users } from '../db/schema'
import { DEMO_ENGAGEMENTS } from '../db/seed/demo-engagements'
import { seedDemo, type DemoIds } from '../db/seed/demo'
import { engagementScope, type Actor } from '../app/domain/permissions'
import type { Role } from '../app/domain/roles'
import { verifyAuditChain } from '../app/models/audit.server'
import { countByStage, findEngagementInScope, listEngagements, listStageTransitions } from '../app/models/engagement.server'
import {
  CONFLICT_MESSAGE,
  createEngagement,
  moveStage,
  parseEngagementForm,
  updateEngagement,
  type EngagementInput,
} from '../app/services/engagement.server'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let ids: DemoIds
const T0 = new Date('2026-03-01T08:00:00.000Z')
let clock = T0.getTime()
/** Each action gets a later instant, as in real use. */
const tick = () => new Date((clock += 60_000))

beforeAll(async () => {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  temp = makeTempDb()
  db = temp.db
  ids = (await seedDemo(db, T0)).ids
})
afterAll(() => temp?.cleanup())

function actorOf(username: string): Actor {
  const u = db.select().from(users).where(eq(users.username, username)).get()
  if (!u) throw new Error(`no user ${username}`)
  return {
    userId: u.id,
    role: u.role as Role,
    organizationId: u.organizationId,
    orgAdmin: u.role === 'agency_admin' || u.orgAdmin,
    evaluatedUnitId: u.evaluatedUnitId,
  }
}

function validInput(overrides: Partial<EngagementInput> = {}): EngagementInput {
  return {
    name: '2026年滨江区养老服务补贴资金项目支出绩效评价',
    year: 2026,
    kind: 'project',
    budgetType: 'general_public',
    financeBureauId: ids.orgs.bureauX,
    fundsFen: 456_780000,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    contractNo: '',
    leadUserId: ids.users['mingjian.li']!,
    memberIds: [ids.users['mingjian.zhao']!],
    units: [{ name: '杭州市滨江区民政局', competentDepartment: '杭州市滨江区民政局' }],
    ...overrides,
  }
}

const auditCount = (action?: string) =>
  db.select({ n: count() }).from(auditLog).where(action ? eq(auditLog.action, action) : undefined).get()!.n
const engagementCount = () => db.select({ n: count() }).from(engagements).get()!.n

function mustCreate(actor: Actor, input: EngagementInput): string {
  const result = createEngagement(db, actor, input, tick())
  if (!result.ok) throw new Error(JSON.stringify(result))
  return result.value.id
}

function form(entries: Record<string, string | string[]>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(entries)) for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one)
  return fd
}

describe('demo seed', () => {
  test('writes the demo engagements with their histories', () => {
    expect(engagementCount()).toBe(DEMO_ENGAGEMENTS.length)
    const agencyA = listEngagements(db, { kind: 'agency', organizationId: ids.orgs.agencyA }, { sort: 'updated', direction: 'desc', page: 1 })
    expect(agencyA.total).toBe(6)
    const first = agencyA.rows.find((r) => r.name.startsWith('2025年滨江区义务教育'))!
    const history = listStageTransitions(db, first.id)
    expect(history[0]).toMatchObject({ fromStage: null, toStage: 'commissioned' })
    expect(history.some((h) => h.fromStage === 'draft_report' && h.toStage === 'expert_review' && h.note !== '')).toBe(true)
    expect(history.at(-1)!.toStage).toBe(first.stage)
    expect(history.every((h) => h.at < T0.toISOString())).toBe(true)
  })
})

describe('parseEngagementForm', () => {
  const good = {
    name: ' 2026年测试项目 ',
    year: '2026',
    kind: 'project',
    budgetType: 'general_public',
    financeBureauId: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
    funds: '1,234.5',
    periodStart: '2026-01-01',
    periodEnd: '2026-06-30',
    contractNo: '',
    leadUserId: '01JZZZZZZZZZZZZZZZZZZZZZZY',
    unitName: ['某单位', ''],
    unitDepartment: ['某部门', ''],
    memberIds: [],
  }

  test('a good form becomes typed input in fen, blank unit rows dropped', () => {
    const parsed = parseEngagementForm(form(good))
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.data).toMatchObject({ name: '2026年测试项目', year: 2026, fundsFen: 1_234_500_000 })
    expect(parsed.data.units).toEqual([{ name: '某单位', competentDepartment: '某部门' }])
  })

  test('every error shows at once, in Chinese, with what was typed kept', () => {
    const parsed = parseEngagementForm(
      form({ ...good, name: '', funds: 'abc', periodStart: '2026-06-30', periodEnd: '2026-01-01', unitName: ['只有名称'], unitDepartment: [''], kind: 'bogus' }),
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors).toMatchObject({
      name: '请填写项目名称',
      funds: '金额须为不小于 0 的数字，单位万元',
      periodEnd: '评价期间截止日不能早于起始日',
      'unitDepartment.0': '请填写主管部门',
      kind: '请选择评价类型',
    })
    expect(parsed.values).toMatchObject({ funds: 'abc', periodStart: '2026-06-30', unitName: ['只有名称'] })
  })

  test('at least one unit, no duplicates, real dates, integer year', () => {
    const none = parseEngagementForm(form({ ...good, unitName: [''], unitDepartment: [''] }))
    expect(!none.ok && none.errors.units).toBe('请至少填写一个被评价单位及其主管部门')
    const dup = parseEngagementForm(form({ ...good, unitName: ['甲', '甲'], unitDepartment: ['乙', '乙'] }))
    expect(!dup.ok && dup.errors['unitName.1']).toBe('该被评价单位已填写过')
    const bad = parseEngagementForm(form({ ...good, periodStart: '2026-02-30', year: '20x6' }))
    expect(!bad.ok && bad.errors.periodStart).toBe('评价期间起始日格式应为 年-月-日')
    expect(!bad.ok && bad.errors.year).toBe('评价年度须为整数')
    // Month 13 is an Invalid Date in JavaScript; it must be a field error, not an exception.
    const month13 = parseEngagementForm(form({ ...good, periodEnd: '2026-13-01' }))
    expect(!month13.ok && month13.errors.periodEnd).toBe('评价期间截止日格式应为 年-月-日')
  })
})

describe('create', () => {
  test('creates the engagement, its units, team, first timeline entry and audit rows in one go', () => {
    const actor = actorOf('mingjian.li')
    const before = auditCount()
    const id = mustCreate(actor, validInput())
    const e = findEngagementInScope(db, engagementScope(actor), id)!
    expect(e).toMatchObject({ stage: 'commissioned', version: 1, agencyId: ids.orgs.agencyA, fundsFen: 456_780000, createdBy: actor.userId })
    expect(e.units.map((u) => u.name)).toEqual(['杭州市滨江区民政局'])
    expect(e.members.map((m) => m.id)).toEqual([ids.users['mingjian.zhao']])
    expect(listStageTransitions(db, id)).toMatchObject([{ fromStage: null, toStage: 'commissioned', actorName: '李评' }])

    const rows = db.select().from(auditLog).where(eq(auditLog.entityId, id)).all()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ action: 'engagement.create', actorUserId: actor.userId, organizationId: ids.orgs.agencyA })
    expect(JSON.parse(rows[0]!.afterJson!)).toMatchObject({ name: validInput().name, fundsFen: 456_780000, stage: 'commissioned' })
    // The new unit is audited too; nothing else.
    expect(auditCount() - before).toBe(2)
    expect(auditCount('evaluated_unit.create')).toBeGreaterThanOrEqual(1)
    expect(verifyAuditChain(db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  test('an existing unit of the bureau is reused, the same name under another bureau is another unit', () => {
    const actor = actorOf('mingjian.li')
    const unit = { name: '杭州市滨江区教育局', competentDepartment: '杭州市滨江区教育局' }
    const unitsBefore = db.select({ n: count() }).from(evaluatedUnits).get()!.n
    const a = mustCreate(actor, validInput({ units: [unit] }))
    expect(findEngagementInScope(db, engagementScope(actor), a)!.units[0]!.id).toBe(ids.units[0])
    expect(db.select({ n: count() }).from(evaluatedUnits).get()!.n).toBe(unitsBefore)
    mustCreate(actor, validInput({ units: [unit], financeBureauId: ids.orgs.bureauY }))
    expect(db.select({ n: count() }).from(evaluatedUnits).get()!.n).toBe(unitsBefore + 1)
  })

  test('a lead, member or bureau that is not ours is refused and nothing is written', () => {
    const actor = actorOf('mingjian.li')
    const engagementsBefore = engagementCount()
    const auditBefore = auditCount()
    const unitsBefore = db.select({ n: count() }).from(evaluatedUnits).get()!.n
    const result = createEngagement(
      db,
      actor,
      validInput({
        leadUserId: ids.users['hengping.admin']!,
        memberIds: [ids.users['binjiang.finance']!],
        financeBureauId: ids.orgs.agencyB,
        units: [{ name: '全新单位', competentDepartment: '全新部门' }],
      }),
      tick(),
    )
    expect(result).toMatchObject({ ok: false, status: 400 })
    if (result.ok) return
    expect(Object.keys(result.errors).sort()).toEqual(['financeBureauId', 'leadUserId', 'memberIds'])
    expect(engagementCount()).toBe(engagementsBefore)
    expect(auditCount()).toBe(auditBefore)
    expect(db.select({ n: count() }).from(evaluatedUnits).get()!.n).toBe(unitsBefore)
  })

  test('only agency staff create engagements', () => {
    for (const username of ['binjiang.finance', 'unit.edu', 'expert.zhang', 'admin']) {
      expect(createEngagement(db, actorOf(username), validInput(), tick())).toMatchObject({ ok: false, status: 403 })
    }
  })
})

describe('edit', () => {
  let id: string
  beforeEach(() => {
    id = mustCreate(actorOf('mingjian.li'), validInput())
  })

  test('records only the changed fields, before and after, and bumps the version', () => {
    const actor = actorOf('mingjian.zhao') // a team member may edit
    const result = updateEngagement(db, actor, id, 1, validInput({ contractNo: 'MJ-2026-100', fundsFen: 500_000000 }), tick())
    expect(result).toEqual({ ok: true, value: { id, changed: ['fundsFen', 'contractNo'] } })
    const row = db.select().from(engagements).where(eq(engagements.id, id)).get()!
    expect(row).toMatchObject({ version: 2, contractNo: 'MJ-2026-100', fundsFen: 500_000000 })
    const audit = db.select().from(auditLog).where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'engagement.update'))).get()!
    expect(JSON.parse(audit.beforeJson!)).toEqual({ fundsFen: 456_780000, contractNo: '' })
    expect(JSON.parse(audit.afterJson!)).toEqual({ fundsFen: 500_000000, contractNo: 'MJ-2026-100' })
  })

  test('units and team can be replaced', () => {
    const actor = actorOf('mingjian.li')
    const units = [
      { name: '杭州市滨江区卫生健康局', competentDepartment: '杭州市滨江区卫生健康局' },
      { name: '杭州市滨江区民政局', competentDepartment: '杭州市滨江区民政局' },
    ]
    const result = updateEngagement(db, actor, id, 1, validInput({ units, memberIds: [] }), tick())
    expect(result.ok && result.value.changed).toEqual(['units', 'memberIds'])
    const e = findEngagementInScope(db, engagementScope(actor), id)!
    expect(e.units.map((u) => u.name)).toEqual(units.map((u) => u.name))
    expect(e.members).toEqual([])
  })

  test('a stale version is a conflict and changes nothing', () => {
    const actor = actorOf('mingjian.li')
    expect(updateEngagement(db, actor, id, 1, validInput({ name: '第一次修改' }), tick()).ok).toBe(true)
    const auditBefore = auditCount()
    const stale = updateEngagement(db, actor, id, 1, validInput({ name: '基于旧版本的修改' }), tick())
    expect(stale).toEqual({ ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } })
    expect(db.select().from(engagements).where(eq(engagements.id, id)).get()).toMatchObject({ name: '第一次修改', version: 2 })
    expect(auditCount()).toBe(auditBefore)
  })

  test('an evaluator outside the team may not edit; an archived engagement is closed', () => {
    const own = mustCreate(actorOf('mingjian.admin'), validInput({ leadUserId: ids.users['mingjian.admin']!, memberIds: [] }))
    expect(updateEngagement(db, actorOf('mingjian.li'), own, 1, validInput({ name: 'x' }), tick())).toMatchObject({ ok: false, status: 403 })
    expect(updateEngagement(db, actorOf('mingjian.admin'), own, 1, validInput({ name: '管理员可改' }), tick()).ok).toBe(true)
    const archived = listEngagements(db, { kind: 'agency', organizationId: ids.orgs.agencyA }, { stage: 'archived', sort: 'updated', direction: 'desc', page: 1 }).rows[0]!
    const version = db.select().from(engagements).where(eq(engagements.id, archived.id)).get()!.version
    expect(updateEngagement(db, actorOf('mingjian.admin'), archived.id, version, validInput(), tick())).toMatchObject({
      ok: false,
      status: 403,
      errors: { _form: '项目已归档，不能再修改' },
    })
  })
})

describe('stage moves', () => {
  const versionOf = (id: string) => db.select().from(engagements).where(eq(engagements.id, id)).get()!.version

  test('the contract gate, forward, backward with a required note, the timeline and the audit', () => {
    const lead = actorOf('mingjian.li')
    const id = mustCreate(lead, validInput())
    const gated = moveStage(db, lead, id, { to: 'preliminary_research', note: '', version: 1 }, tick())
    expect(gated).toEqual({ ok: false, status: 400, errors: { to: '委托合同尚未登记合同编号，不能进入前期调研' } })
    expect(versionOf(id)).toBe(1)

    expect(updateEngagement(db, lead, id, 1, validInput({ contractNo: 'MJ-2026-101' }), tick()).ok).toBe(true)
    expect(moveStage(db, lead, id, { to: 'preliminary_research', note: '', version: 2 }, tick())).toMatchObject({ ok: true })
    expect(moveStage(db, lead, id, { to: 'evaluation_plan', note: '资料已收齐', version: 3 }, tick())).toMatchObject({ ok: true })

    const noNote = moveStage(db, lead, id, { to: 'preliminary_research', note: '  ', version: 4 }, tick())
    expect(noNote).toEqual({ ok: false, status: 400, errors: { note: '退回上一阶段必须填写说明' } })
    const skip = moveStage(db, lead, id, { to: 'draft_report', note: '', version: 4 }, tick())
    expect(skip).toMatchObject({ ok: false, status: 400, errors: { to: '不能从“评价方案”变更为“报告初稿”' } })

    expect(moveStage(db, lead, id, { to: 'preliminary_research', note: '补充调研资料', version: 4 }, tick())).toMatchObject({ ok: true })
    const row = db.select().from(engagements).where(eq(engagements.id, id)).get()!
    expect(row).toMatchObject({ stage: 'preliminary_research', version: 5 })
    expect(listStageTransitions(db, id).map((t) => [t.fromStage, t.toStage, t.note])).toEqual([
      [null, 'commissioned', ''],
      ['commissioned', 'preliminary_research', ''],
      ['preliminary_research', 'evaluation_plan', '资料已收齐'],
      ['evaluation_plan', 'preliminary_research', '补充调研资料'],
    ])
    const moves = db.select().from(auditLog).where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'engagement.stage_move'))).orderBy(auditLog.seq).all()
    expect(moves).toHaveLength(3)
    expect(JSON.parse(moves[2]!.afterJson!)).toEqual({ stage: 'preliminary_research', direction: 'backward', note: '补充调研资料' })
    expect(verifyAuditChain(db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  test('a stale version is a conflict', () => {
    const lead = actorOf('mingjian.li')
    const id = mustCreate(lead, validInput({ contractNo: 'MJ-1' }))
    expect(moveStage(db, lead, id, { to: 'preliminary_research', note: '', version: 1 }, tick()).ok).toBe(true)
    expect(moveStage(db, lead, id, { to: 'evaluation_plan', note: '', version: 1 }, tick())).toMatchObject({ ok: false, status: 409 })
    expect(db.select({ n: count() }).from(stageTransitions).where(eq(stageTransitions.engagementId, id)).get()!.n).toBe(2)
  })

  test('an evaluator not on the team cannot move it; the agency admin can', () => {
    const id = mustCreate(actorOf('mingjian.zhao'), validInput({ leadUserId: ids.users['mingjian.zhao']!, memberIds: [], contractNo: 'MJ-2' }))
    const auditBefore = auditCount()
    expect(moveStage(db, actorOf('mingjian.li'), id, { to: 'preliminary_research', note: '', version: 1 }, tick())).toMatchObject({ ok: false, status: 403 })
    expect(auditCount()).toBe(auditBefore)
    expect(moveStage(db, actorOf('mingjian.admin'), id, { to: 'preliminary_research', note: '', version: 1 }, tick()).ok).toBe(true)
  })

  test('finance reviewers and unit contacts only read', () => {
    const id = listEngagements(db, { kind: 'bureau', organizationId: ids.orgs.bureauX }, { stage: 'fieldwork', sort: 'updated', direction: 'desc', page: 1 }).rows[0]!.id
    const version = versionOf(id)
    for (const username of ['binjiang.finance', 'unit.edu']) {
      const r = moveStage(db, actorOf(username), id, { to: 'survey', note: '', version }, tick())
      expect(r.ok).toBe(false)
    }
    expect(versionOf(id)).toBe(version)
  })
})

describe('tenancy', () => {
  test("agency B never lists or loads agency A's engagements, and cannot change them", () => {
    const b = actorOf('hengping.admin')
    const scopeB = engagementScope(b)
    const listB = listEngagements(db, scopeB, { sort: 'updated', direction: 'desc', page: 1, pageSize: 1000 })
    expect(listB.total).toBeGreaterThan(0)
    const aIds = db.select({ id: engagements.id }).from(engagements).where(eq(engagements.agencyId, ids.orgs.agencyA)).all()
    expect(aIds.length).toBeGreaterThan(0)
    const visible = new Set(listB.rows.map((r) => r.id))
    for (const { id } of aIds) {
      expect(visible.has(id)).toBe(false)
      expect(findEngagementInScope(db, scopeB, id)).toBeUndefined()
    }
    const target = aIds[0]!.id
    expect(updateEngagement(db, b, target, 1, validInput({ leadUserId: b.userId, memberIds: [] }), tick())).toMatchObject({ status: 404 })
    expect(moveStage(db, b, target, { to: 'preliminary_research', note: '', version: 1 }, tick())).toMatchObject({ status: 404 })
    expect(moveStage(db, b, 'not-an-id', { to: 'preliminary_research', note: '', version: 1 }, tick())).toMatchObject({ status: 404 })
    expect(Object.values(countByStage(db, scopeB)).reduce((a, n) => a + n, 0)).toBe(listB.total)
  })

  test("bureau Y's reviewer sees none of bureau X's engagements; X's sees both agencies' work for X", () => {
    const y = engagementScope(actorOf('xihu.finance'))
    const x = engagementScope(actorOf('binjiang.finance'))
    const listY = listEngagements(db, y, { sort: 'updated', direction: 'desc', page: 1, pageSize: 1000 })
    expect(listY.rows.length).toBeGreaterThan(0)
    const xIds = db.select({ id: engagements.id }).from(engagements).where(eq(engagements.financeBureauId, ids.orgs.bureauX)).all()
    for (const { id } of xIds) expect(findEngagementInScope(db, y, id)).toBeUndefined()
    expect(listY.rows.every((r) => r.bureauName === '杭州市西湖区财政局')).toBe(true)
    const listX = listEngagements(db, x, { sort: 'updated', direction: 'desc', page: 1, pageSize: 1000 })
    expect(listX.total).toBe(xIds.length)
    expect(listX.rows.some((r) => r.name === '2025年滨江区教育局部门整体支出绩效评价')).toBe(true)
  })

  test('a unit contact sees exactly the engagements that include their unit', () => {
    const scope = engagementScope(actorOf('unit.edu'))
    const list = listEngagements(db, scope, { sort: 'updated', direction: 'desc', page: 1, pageSize: 1000 })
    expect(list.total).toBeGreaterThan(0)
    for (const r of list.rows) {
      expect(findEngagementInScope(db, scope, r.id)!.units.some((u) => u.id === ids.units[0])).toBe(true)
    }
    const other = db.select({ id: engagements.id }).from(engagements).where(eq(engagements.financeBureauId, ids.orgs.bureauY)).get()!
    expect(findEngagementInScope(db, scope, other.id)).toBeUndefined()
  })

  test('experts and system administrators have no engagement scope', () => {
    for (const username of ['expert.zhang', 'admin']) {
      expect(listEngagements(db, engagementScope(actorOf(username)), { sort: 'updated', direction: 'desc', page: 1 }).total).toBe(0)
    }
  })
})

describe('list', () => {
  test('filters, sorts in workflow order and pages with a total', () => {
    const scope = engagementScope(actorOf('mingjian.admin'))
    const all = listEngagements(db, scope, { sort: 'stage', direction: 'asc', page: 1, pageSize: 1000 })
    const order = ['commissioned', 'preliminary_research', 'evaluation_plan', 'fieldwork', 'survey', 'expert_review', 'draft_report', 'consultation', 'finalized', 'submitted', 'rectification', 'archived']
    const positions = all.rows.map((r) => order.indexOf(r.stage))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))

    const y2024 = listEngagements(db, scope, { year: 2024, sort: 'updated', direction: 'desc', page: 1 })
    expect(y2024.rows.map((r) => r.name)).toEqual(['2024年滨江区学前教育发展专项资金政策评价'])
    const byBureauY = listEngagements(db, scope, { financeBureauId: ids.orgs.bureauY, kind: 'department', sort: 'funds', direction: 'desc', page: 1 })
    expect(byBureauY.rows.map((r) => r.name)).toEqual(['2025年西湖区农业农村局部门整体支出绩效评价'])

    const page1 = listEngagements(db, scope, { sort: 'name', direction: 'asc', page: 1, pageSize: 4 })
    const page2 = listEngagements(db, scope, { sort: 'name', direction: 'asc', page: 2, pageSize: 4 })
    expect(page1.total).toBe(all.total)
    expect(page1.rows).toHaveLength(4)
    expect(new Set([...page1.rows, ...page2.rows].map((r) => r.id)).size).toBe(page1.rows.length + page2.rows.length)
  })
})
