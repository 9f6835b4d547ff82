// Panels against a real SQLite file: composition, automatic recusal, the recorded draw and its
// replay, declines and late replies calling reserves, manual appointment, certification and the
// 专家评审 gate, invite links, fees, and what a conflicted expert can (not) see.
import crypto from 'node:crypto'
import zlib from 'node:zlib'
import { and, eq, ne } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, draws, engagements, engagementUnits, evaluatedUnits, expertEmployments, experts, expertSpecialties, seats, specialties, users } from '../db/schema'
import { DEFAULT_SPECIALTIES, type Title } from '../app/domain/experts/vocab'
import type { Actor } from '../app/domain/permissions'
import type { Role } from '../app/domain/roles'
import { hashPassword } from '../app/auth/password.server'
import { newId } from '../app/ids.server'
import { verifyAuditChain } from '../app/models/audit.server'
import { listSeats, findPanel } from '../app/models/panel.server'
import { moveStage } from '../app/services/engagement.server'
import { acceptInvite, openInvite } from '../app/services/expert-invite.server'
import {
  addConflict,
  appointManually,
  certify,
  createInviteLink,
  drawPanel,
  drawVacancy,
  expertHome,
  expertSeatPage,
  feeLinesFor,
  panelPage,
  replayRecordedDraw,
  respondToInvitation,
  savePanel,
  setLeader,
  withdrawSeat,
  declareConflict,
  removeConflict,
  saveFeeRates,
} from '../app/services/panel.server'
import { panelGateProblems } from '../app/services/panel-readiness.server'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let engagementId = ''
let clock = new Date('2026-05-04T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const SEED = new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256)

type TestExpert = { key: string; name: string; title: Title; specialties: string[]; employment?: string; account: boolean }
// One eligible 财务 expert (so the 财务 seat is predictable), four others for the open seats and
// reserves, one conflicted by employment at the evaluated unit, one without an account.
const POOL: TestExpert[] = [
  { key: 'fin', name: '测财务', title: 'senior', specialties: ['finance'], account: true },
  { key: 'a', name: '测专家甲', title: 'associate', specialties: ['health'], account: true },
  { key: 'b', name: '测专家乙', title: 'intermediate', specialties: ['health', 'management'], account: true },
  { key: 'c', name: '测专家丙', title: 'senior', specialties: ['policy'], account: true },
  { key: 'd', name: '测专家丁', title: 'other', specialties: ['audit'], account: true },
  { key: 'conflicted', name: '测回避', title: 'senior', specialties: ['health'], employment: '杭州市滨江区卫生健康局', account: true },
]
// Joins the pool after the draw, to be appointed by hand.
const LATECOMER: TestExpert = { key: 'noaccount', name: '测无账号', title: 'associate', specialties: ['law'], account: false }
const ids: Record<string, { expertId: string; userId: string | null }> = {}

function actorOf(username: string): Actor {
  const u = db.select().from(users).where(eq(users.username, username)).get()!
  return { userId: u.id, role: u.role as Role, organizationId: u.organizationId, orgAdmin: u.role === 'agency_admin' || u.orgAdmin, evaluatedUnitId: u.evaluatedUnitId }
}
const expertActor = (key: string): Actor => ({ userId: ids[key]!.userId!, role: 'expert', organizationId: null, orgAdmin: false, evaluatedUnitId: null })
const lead = () => actorOf('mingjian.zhao')

function form(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x)
  return fd
}
const seatOf = (key: string) => listSeats(db, findPanel(db, engagementId)!.id).find((s) => s.expertId === ids[key]!.expertId)
const keyOf = (expertId: string) => Object.keys(ids).find((k) => ids[k]!.expertId === expertId)!
const actions = () => db.select({ action: auditLog.action }).from(auditLog).all().map((a) => a.action)

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  for (const [i, s] of DEFAULT_SPECIALTIES.entries()) db.insert(specialties).values({ code: s.code, label: s.label, position: i }).onConflictDoNothing().run()
  // Only this test's experts are eligible: anything the demo put in the pool is suspended.
  db.update(experts).set({ status: 'suspended' }).run()
  passwordHash = await hashPassword('Test-expert-password-1')
  for (const e of POOL) addExpert(e)
  const e = db.select().from(engagements).where(eq(engagements.name, '2025年滨江区基本公共卫生服务项目绩效运行监控')).get()!
  engagementId = e.id
})
afterAll(() => temp?.cleanup())

let passwordHash = ''
function addExpert(e: TestExpert) {
  const at = new Date(clock).toISOString()
  {
    const expertId = newId()
    let userId: string | null = null
    if (e.account) {
      userId = newId()
      db.insert(users).values({ id: userId, username: `t.${e.key}`, displayName: e.name, role: 'expert', passwordHash, createdAt: at, updatedAt: at }).run()
    }
    db.insert(experts).values({ id: expertId, userId, name: e.name, employer: '浙江某大学', title: e.title, phone: '13800000000', createdAt: at, updatedAt: at }).run()
    for (const code of e.specialties) db.insert(expertSpecialties).values({ expertId, specialtyCode: code }).run()
    if (e.employment) db.insert(expertEmployments).values({ id: newId(), expertId, organization: e.employment, fromDate: '2019-03-01', toDate: null }).run()
    ids[e.key] = { expertId, userId }
  }
}

describe('composition', () => {
  test('an even size, an over-full quota or a bad date is refused field by field, nothing saved', () => {
    const bad = savePanel(db, lead(), engagementId, form({ size: '4', reserveCount: '2', reviewDate: '2026-02-30', reviewDays: '0.3', maxDrawsPerYear: '6', creditThreshold: '', lookbackYears: '3', replyHours: '48', quotaSpecialty: ['finance'], quotaCount: ['9'] }), tick())
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors.size).toBe('专家组人数须为奇数')
    expect(bad.errors.reviewDate).toBeDefined()
    expect(bad.errors.reviewDays).toBeDefined()
    expect(findPanel(db, engagementId)).toBeUndefined()
    const over = savePanel(db, lead(), engagementId, form({ size: '3', reserveCount: '2', reviewDate: '2026-06-10', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48', quotaSpecialty: ['finance', 'health'], quotaCount: ['2', '2'] }), tick())
    expect(over.ok ? null : over.errors.quotaCount).toBe('各专业名额之和不能超过专家组人数')
  })

  test('a valid composition saves; the evaluated unit cannot see the panel, another agency cannot touch it', () => {
    const ok = savePanel(db, lead(), engagementId, form({ size: '3', reserveCount: '2', reviewDate: '2026-06-10', reviewDays: '1.5', maxDrawsPerYear: '6', creditThreshold: '', lookbackYears: '3', replyHours: '48', quotaSpecialty: ['finance'], quotaCount: ['1'] }), tick())
    expect(ok.ok).toBe(true)
    expect(panelPage(db, actorOf('binjiang.finance'), engagementId)?.mayManage).toBe(false)
    expect(panelPage(db, actorOf('unit.edu'), engagementId)).toBeUndefined()
    const other = savePanel(db, actorOf('hengping.admin'), engagementId, form({ size: '3' }), tick())
    expect(other.ok ? 200 : other.status).toBe(400) // form errors first; a valid form would be 404
  })
})

describe('the draw', () => {
  let drawId = ''

  test('detects the employment conflict, draws with a recorded seed, and never seats the conflicted expert', () => {
    const version = findPanel(db, engagementId)!.version
    const drawn = drawPanel(db, lead(), engagementId, form({ version: String(version) }), tick(), SEED)
    expect(drawn.ok).toBe(true)
    if (!drawn.ok) return
    drawId = drawn.value.drawId
    const page = panelPage(db, lead(), engagementId)!
    expect(page.conflicts.some((c) => c.expertId === ids.conflicted!.expertId && c.type === 'employment' && c.source === 'auto')).toBe(true)
    const seated = page.seats.filter((s) => s.kind !== 'reserve')
    const reserves = page.seats.filter((s) => s.kind === 'reserve')
    expect(seated).toHaveLength(3)
    expect(reserves).toHaveLength(2)
    expect(seated.every((s) => s.status === 'invited')).toBe(true)
    expect(reserves.every((s) => s.status === 'waiting')).toBe(true)
    expect(page.seats.some((s) => s.expertId === ids.conflicted!.expertId)).toBe(false)
    expect(seated.find((s) => s.specialtyCode === 'finance')?.expertId).toBe(ids.fin!.expertId)
    expect(actions()).toContain('panel.draw')
  })

  test('the record replays exactly, cannot be edited, and a second draw is refused', () => {
    const replay = replayRecordedDraw(db, drawId)
    expect(replay.found && replay.matches).toBe(true)
    if (!replay.found) return
    expect(replay.record.excluded.find((x) => x.expertId === ids.conflicted!.expertId)?.reasons).toContain('conflict')
    expect(() => db.update(draws).set({ recordJson: '{}' }).where(eq(draws.id, drawId)).run()).toThrow(/append-only/)
    const again = drawPanel(db, lead(), engagementId, form({ version: String(findPanel(db, engagementId)!.version) }), tick(), SEED)
    expect(again.ok ? 200 : again.status).toBe(409)
    const locked = savePanel(db, lead(), engagementId, form({ size: '5', reserveCount: '2', reviewDate: '2026-06-10', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48', version: String(findPanel(db, engagementId)!.version) }), tick())
    expect(locked.ok ? 200 : locked.status).toBe(409)
  })

  test('the pool is stored compressed as the very text its hash was taken over; a record stored the old way still replays, a damaged one is reported', () => {
    type StoredRow = { record_json: string; pool_brotli: Buffer; pool_hash: string; panel_id: string; created_by: string }
    const row = db.$client.prepare('SELECT record_json, pool_brotli, pool_hash, panel_id, created_by FROM draws WHERE id = ?').get(drawId) as StoredRow
    expect(JSON.parse(row.record_json)).not.toHaveProperty('pool')
    const poolText = zlib.brotliDecompressSync(row.pool_brotli).toString('utf8')
    expect(crypto.createHash('sha256').update(poolText, 'utf8').digest('hex')).toBe(row.pool_hash)
    const replay = replayRecordedDraw(db, drawId)
    if (!replay.found) throw new Error('draw not found')
    expect(replay.record.pool).toEqual(JSON.parse(poolText))
    expect(replay.record.pool.map((p) => p.name)).toContain('测财务')

    // Rows written straight in a transaction that is rolled back, so the panel's draws stay as they were.
    const legacyId = newId()
    const damagedId = newId()
    const rollback = new Error('rollback')
    const insert = db.$client.prepare('INSERT INTO draws (id, panel_id, seed_hex, algorithm, pool_hash, record_json, pool_brotli, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    expect(() =>
      db.$client.transaction(() => {
        insert.run(legacyId, row.panel_id, replay.record.seedHex, replay.record.algorithm, row.pool_hash, JSON.stringify(replay.record), null, row.created_by, '2099-01-01T00:00:00.000Z')
        insert.run(damagedId, row.panel_id, replay.record.seedHex, replay.record.algorithm, row.pool_hash, row.record_json, row.pool_brotli.subarray(0, 64), row.created_by, '2099-01-02T00:00:00.000Z')
        expect(replayRecordedDraw(db, legacyId)).toMatchObject({ found: true, matches: true })
        expect(replayRecordedDraw(db, damagedId)).toMatchObject({ found: true, matches: false, differences: ['专家库快照已损坏，无法读取'] })
        throw rollback
      })(),
    ).toThrow(rollback)
    expect(db.$client.prepare('SELECT count(*) AS n FROM draws WHERE id IN (?, ?)').get(legacyId, damagedId)).toEqual({ n: 0 })
  })

  test('a declined seat goes to the next reserve that fits, with the reason on the draw record', () => {
    const open = listSeats(db, findPanel(db, engagementId)!.id).find((s) => s.kind === 'drawn' && s.specialtyCode === null)!
    const key = keyOf(open.expertId)
    const noReason = respondToInvitation(db, expertActor(key), open.id, form({ decision: 'decline', reason: '', version: String(open.version) }), tick())
    expect(noReason.ok ? null : noReason.errors.reason).toBe('谢绝邀请须填写理由')
    const declined = respondToInvitation(db, expertActor(key), open.id, form({ decision: 'decline', reason: '评审日另有公务', version: String(open.version) }), tick())
    expect(declined).toMatchObject({ ok: true })
    const page = panelPage(db, lead(), engagementId)!
    const called = page.seats.find((s) => s.kind === 'reserve' && s.status === 'invited')
    expect(called).toBeDefined()
    expect(page.events.map((e) => e.event.kind)).toEqual(expect.arrayContaining(['declined', 'reserve_called']))
    expect(page.events.find((e) => e.event.kind === 'declined')?.event.reason).toBe('评审日另有公务')
  })

  test('another expert cannot answer for a seat; a late reply is refused and the last reserve is called', () => {
    const invited = listSeats(db, findPanel(db, engagementId)!.id).filter((s) => s.status === 'invited')
    const target = invited.find((s) => s.kind === 'drawn' && s.specialtyCode === null)!
    const someoneElse = Object.keys(ids).find((k) => k !== keyOf(target.expertId) && ids[k]!.userId)!
    const foreign = respondToInvitation(db, expertActor(someoneElse), target.id, form({ decision: 'accept', version: String(target.version) }), tick())
    expect(foreign.ok ? 200 : foreign.status).toBe(404)
    // Everyone else answers in time; then the target misses the 48-hour deadline.
    for (const s of invited.filter((x) => x.id !== target.id)) {
      expect(respondToInvitation(db, expertActor(keyOf(s.expertId)), s.id, form({ decision: 'accept', version: String(s.version) }), tick()).ok).toBe(true)
    }
    const late = respondToInvitation(db, expertActor(keyOf(target.expertId)), target.id, form({ decision: 'accept', version: String(target.version) }), tick(49 * 3_600_000))
    expect(late.ok ? 200 : late.status).toBe(409)
    expect(seatOf(keyOf(target.expertId))?.status).toBe('expired')
    expect(listSeats(db, findPanel(db, engagementId)!.id).filter((s) => s.kind === 'reserve' && s.status === 'waiting')).toHaveLength(0)
  })

  test('the 专家评审 gate holds until every seat accepted and certified; certification unlocks the material', () => {
    const e = () => db.select().from(engagements).where(eq(engagements.id, engagementId)).get()!
    const move = () => moveStage(db, lead(), engagementId, { to: 'expert_review', note: '', version: e().version }, tick())
    const refused = move()
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.errors.to).toMatch(/^专家组尚未就绪，不能进入专家评审：/)
    for (const s of listSeats(db, findPanel(db, engagementId)!.id).filter((x) => x.status === 'invited')) {
      expect(respondToInvitation(db, expertActor(keyOf(s.expertId)), s.id, form({ decision: 'accept', version: String(s.version) }), tick()).ok).toBe(true)
    }
    expect(panelGateProblems(db, engagementId).join()).toMatch(/尚未签署回避与保密承诺/)
    const accepted = listSeats(db, findPanel(db, engagementId)!.id).filter((s) => s.status === 'accepted')
    expect(accepted).toHaveLength(3)
    const first = accepted[0]!
    expect(expertSeatPage(db, expertActor(keyOf(first.expertId)), first.id)?.material).toBeNull()
    expect(certify(db, expertActor(keyOf(first.expertId)), first.id, form({}), '127.0.0.1', tick()).ok).toBe(false)
    for (const s of accepted) expect(certify(db, expertActor(keyOf(s.expertId)), s.id, form({ agree: 'on' }), '127.0.0.1', tick()).ok).toBe(true)
    expect(expertSeatPage(db, expertActor(keyOf(first.expertId)), first.id)?.material).not.toBeNull()
    expect(panelGateProblems(db, engagementId)).toEqual([])
    expect(setLeader(db, lead(), engagementId, form({ seatId: first.id }), tick()).ok).toBe(true)
    expect(move().ok).toBe(true)
    expect(e().stage).toBe('expert_review')
  })

  test('a new evaluated unit changes the facts: every seat must certify again', () => {
    const unit = db.select().from(evaluatedUnits).where(ne(evaluatedUnits.name, '杭州市滨江区卫生健康局')).get()!
    db.insert(engagementUnits).values({ engagementId, evaluatedUnitId: unit.id, position: 9 }).run()
    expect(panelGateProblems(db, engagementId).join()).toMatch(/尚未签署回避与保密承诺/)
    const s = listSeats(db, findPanel(db, engagementId)!.id).find((x) => x.status === 'accepted')!
    expect(expertHome(db, expertActor(keyOf(s.expertId)))?.seats.find((x) => x.id === s.id)?.certified).toBe(false)
    db.delete(engagementUnits).where(and(eq(engagementUnits.engagementId, engagementId), eq(engagementUnits.evaluatedUnitId, unit.id))).run()
    expect(panelGateProblems(db, engagementId)).toEqual([])
  })

  test('a conflict set on a seated expert hides the whole engagement from them', () => {
    const s = listSeats(db, findPanel(db, engagementId)!.id).find((x) => x.status === 'accepted' && !x.isLeader)!
    const key = keyOf(s.expertId)
    expect(addConflict(db, lead(), engagementId, form({ expertId: s.expertId, type: 'financial', note: '持有被评价单位合作企业股份' }), tick()).ok).toBe(true)
    expect(expertSeatPage(db, expertActor(key), s.id)).toBeUndefined()
    expect(expertHome(db, expertActor(key))?.seats.some((x) => x.id === s.id)).toBe(false)
    expect(panelGateProblems(db, engagementId)).toEqual([`${s.expertName}与本项目存在回避情形，须撤回该席位并递补`])
    const noReason = withdrawSeat(db, lead(), engagementId, form({ seatId: s.id, reason: '' }), tick())
    expect(noReason.ok ? null : noReason.errors.reason).toBe('请填写撤回理由')
    const withdrawn = withdrawSeat(db, lead(), engagementId, form({ seatId: s.id, reason: '发现经济利益关系，依规回避' }), tick())
    expect(withdrawn.ok).toBe(true)
    // No reserve is left: the seat stays open, and the gate says so.
    expect(withdrawn.ok && withdrawn.value.calledExpertId).toBeNull()
    expect(panelGateProblems(db, engagementId)).toEqual(['尚有 1 个席位未接受邀请'])
  })

  test('补抽 with nobody eligible left says so and changes nothing', () => {
    const vacated = listSeats(db, findPanel(db, engagementId)!.id).find((s) => s.status === 'withdrawn')!
    const before = db.select().from(draws).all().length
    const none = drawVacancy(db, lead(), engagementId, form({ seatId: vacated.id }), tick(), SEED)
    expect(none.ok ? null : none.errors._form).toMatch(/可抽取专家不足/)
    expect(db.select().from(draws).all()).toHaveLength(before)
  })

  test('manual appointment needs a written reason and an eligible expert; it is flagged and audited', () => {
    addExpert(LATECOMER)
    const short = appointManually(db, lead(), engagementId, form({ expertId: ids.noaccount!.expertId, reason: '稀缺' }), tick())
    expect(short.ok ? null : short.errors.reason).toBeDefined()
    const conflicted = appointManually(db, lead(), engagementId, form({ expertId: ids.conflicted!.expertId, reason: '需要具备疾控专业背景的专家，随机抽取无合适人选' }), tick())
    expect(conflicted.ok ? null : conflicted.errors.expertId).toMatch(/回避/)
    const ok = appointManually(db, lead(), engagementId, form({ expertId: ids.noaccount!.expertId, reason: '需要具备卫生法律专业背景的专家，随机抽取无合适人选' }), tick())
    expect(ok.ok).toBe(true)
    expect(seatOf('noaccount')?.kind).toBe('manual')
    expect(actions()).toContain('panel.manual_appoint')
    const full = appointManually(db, lead(), engagementId, form({ expertId: ids.a!.expertId, reason: '需要具备疾控专业背景的专家，随机抽取无合适人选' }), tick())
    expect(full.ok ? 200 : full.status).toBe(409)
  })

  test('the expert search finds active experts by name, employer or specialty, at most 20, each with what bars them', () => {
    const find = (text: string) => panelPage(db, lead(), engagementId, text)!.candidates!
    const row = (text: string, key: string) => find(text).rows.find((r) => r.id === ids[key]!.expertId)
    expect(row('测回避', 'conflicted')).toMatchObject({ name: '测回避', mark: '回避', bar: '该专家与本项目存在回避情形，不能指定' })
    expect(row('测无账号', 'noaccount')).toMatchObject({ mark: '已在组', bar: '该专家已在本专家组中', specialties: '法律' })
    // By specialty label, by employer; nothing typed or only spaces: no search, no credit read.
    expect(find('法律').rows.map((r) => r.id)).toContain(ids.noaccount!.expertId)
    expect(find('浙江某大学').rows.map((r) => r.name)).toEqual(expect.arrayContaining(['测财务', '测专家甲', '测回避']))
    expect(find('   ')).toEqual({ text: '', total: 0, rows: [] })
    expect(find('%')).toMatchObject({ text: '%', total: 0, rows: [] })
    // A suspended expert is not offered.
    db.update(experts).set({ status: 'suspended' }).where(eq(experts.id, ids.d!.expertId)).run()
    expect(row('测专家丁', 'd')).toBeUndefined()
    db.update(experts).set({ status: 'active' }).where(eq(experts.id, ids.d!.expertId)).run()
    // Twenty by name when more match; the total says how many.
    const at = new Date(clock).toISOString()
    for (let i = 0; i < 25; i++) db.insert(experts).values({ id: newId(), name: `测批量${String(i).padStart(2, '0')}`, employer: '某研究院', title: 'other', createdAt: at, updatedAt: at }).run()
    const many = find('测批量')
    expect(many.total).toBe(25)
    expect(many.rows.map((r) => r.name)).toEqual(Array.from({ length: 20 }, (_, i) => `测批量${String(i).padStart(2, '0')}`))
    // Out of the pool again, so the draws below see the pool they were written for.
    db.delete(experts).where(eq(experts.employer, '某研究院')).run()
    // Only those who manage the panel search.
    expect(panelPage(db, actorOf('binjiang.finance'), engagementId, '测')!.candidates).toBeNull()
  })

  test('补抽 fills a vacated seat from the pool with a recorded, replayable one-seat draw', () => {
    addExpert({ key: 'late2', name: '测补抽', title: 'intermediate', specialties: ['health'], account: true })
    const manual = seatOf('noaccount')!
    expect(withdrawSeat(db, lead(), engagementId, form({ seatId: manual.id, reason: '专家因病无法参加' }), tick()).ok).toBe(true)
    const drawn = drawVacancy(db, lead(), engagementId, form({ seatId: manual.id }), tick(), SEED)
    expect(drawn.ok && drawn.value.expertId).toBe(ids.late2!.expertId)
    if (!drawn.ok) return
    expect(seatOf('late2')?.status).toBe('invited')
    expect(replayRecordedDraw(db, drawn.value.drawId)).toMatchObject({ found: true, matches: true })
    const again = drawVacancy(db, lead(), engagementId, form({ seatId: manual.id }), tick(), SEED)
    expect(again.ok ? 200 : again.status).toBe(409)
  })

  test('an expert without an account gets a one-time link that sets a password, once', async () => {
    const seat = seatOf('noaccount')!
    const link = createInviteLink(db, lead(), engagementId, form({ seatId: seat.id }), tick())
    expect(link.ok).toBe(true)
    if (!link.ok) return
    expect(openInvite(db, link.value.token, new Date(clock))?.expertName).toBe('测无账号')
    const weak = await acceptInvite(db, link.value.token, form({ username: 'wu.zhanghao', password: 'short', passwordConfirm: 'short' }), { ip: '127.0.0.1', userAgent: 'test' }, tick())
    expect(weak.ok).toBe(false)
    const accepted = await acceptInvite(db, link.value.token, form({ username: 'wu.zhanghao', password: 'Long-enough-pass-1', passwordConfirm: 'Long-enough-pass-1' }), { ip: '127.0.0.1', userAgent: 'test' }, tick())
    expect(accepted.ok).toBe(true)
    const expert = db.select().from(experts).where(eq(experts.id, ids.noaccount!.expertId)).get()!
    expect(db.select().from(users).where(eq(users.id, expert.userId!)).get()?.role).toBe('expert')
    const reused = await acceptInvite(db, link.value.token, form({ username: 'wu.other', password: 'Long-enough-pass-1', passwordConfirm: 'Long-enough-pass-1' }), { ip: '127.0.0.1', userAgent: 'test' }, tick())
    expect(reused.ok ? 200 : reused.status).toBe(404)
    expect(openInvite(db, 'not-a-real-token-at-all-xxxxxxxx', new Date(clock))).toBeNull()
  })

  test('an invited expert declares a conflict: the seat empties, the conflict is on record, the engagement disappears for them', () => {
    const seat = seatOf('late2')!
    const missing = declareConflict(db, expertActor('late2'), seat.id, form({ type: '', note: '' }), tick())
    expect(missing.ok ? null : missing.errors).toMatchObject({ type: '请选择回避类型', note: '请填写情况说明' })
    expect(declareConflict(db, expertActor('late2'), seat.id, form({ type: 'participation', note: '曾参与该项目实施方案编制' }), tick()).ok).toBe(true)
    expect(seatOf('late2')?.status).toBe('withdrawn')
    const c = panelPage(db, lead(), engagementId)!.conflicts.find((x) => x.expertId === ids.late2!.expertId)!
    expect(c).toMatchObject({ source: 'declared', type: 'participation', pinned: false })
    expect(expertSeatPage(db, expertActor('late2'), seat.id)).toBeUndefined()
    // Staff cannot lift what the expert declared.
    expect(removeConflict(db, lead(), engagementId, form({ conflictId: c.id }), tick())).toMatchObject({ ok: false, status: 409 })
  })

  test('fee rates are the bureau account admin’s to set, and the fees follow them', () => {
    const rates = { senior: '1800', associate: '1600.5', intermediate: '1000', other: '800' }
    expect(saveFeeRates(db, actorOf('mingjian.admin'), form(rates), tick())).toMatchObject({ ok: false, status: 403 })
    const bad = saveFeeRates(db, actorOf('binjiang.finance'), form({ ...rates, other: '-1' }), tick())
    expect(bad.ok ? null : bad.errors.other).toMatch(/金额/)
    expect(saveFeeRates(db, actorOf('binjiang.finance'), form(rates), tick()).ok).toBe(true)
    const lines = feeLinesFor(db, lead(), engagementId)!
    for (const l of lines) expect(l.rateFen).toBe({ senior: 180000, associate: 160050, intermediate: 100000, other: 80000 }[l.title])
    // Put the defaults back for the test below.
    saveFeeRates(db, actorOf('binjiang.finance'), form({ senior: '1500', associate: '1500', intermediate: '900', other: '900' }), tick())
  })

  test('fees follow title and days (1.5 days: one day plus 60 % of a day)', () => {
    const lines = feeLinesFor(db, lead(), engagementId)!
    expect(lines.length).toBeGreaterThan(0)
    for (const l of lines) {
      const rate = l.title === 'senior' || l.title === 'associate' ? 150000 : 90000
      expect(l.rateFen).toBe(rate)
      expect(l.feeFen).toBe(rate + Math.round(rate * 0.6))
    }
    expect(feeLinesFor(db, actorOf('hengping.admin'), engagementId)).toBeUndefined()
  })

  test('every change above is in the audit chain, which verifies', () => {
    for (const a of ['panel.create', 'panel.draw', 'conflict.declare', 'fee_rates.update', 'panel.vacancy_draw', 'panel.withdraw', 'invitation.decline', 'invitation.accept', 'declaration.sign', 'panel.leader', 'conflict.add', 'invite.create', 'invite.accept']) expect(actions(), a).toContain(a)
    expect(verifyAuditChain(db, TEST_AUDIT_KEY).ok).toBe(true)
    expect(db.select().from(seats).all().length).toBeGreaterThan(0)
  })
})
