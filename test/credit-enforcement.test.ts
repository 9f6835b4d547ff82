// Credit where it matters (issue 8 item 6) on real SQLite files: the draw takes each expert's credit
// from the credit file under the commissioning bureau's policy on the review date (blacklisted and
// below-grade experts excluded with the reason, the record replaying); a manual appointment and a
// reserve's promotion check the same rules; an engagement commissioned from an agency at grade D or
// on the blacklist is flagged (not refused), in the audit row, the bureau's inbox and yearly list.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, drawEvents, engagements, experts, expertSpecialties, specialties } from '../db/schema'
import type { EntryKind, Severity } from '../app/domain/credit/categories'
import { pointsText } from '../app/domain/credit/evaluate'
import { DEFAULT_SPECIALTIES } from '../app/domain/experts/vocab'
import type { Actor } from '../app/domain/permissions'
import { newId } from '../app/ids.server'
import { auditActor } from '../app/models/audit.server'
import { findPanel, listSeats } from '../app/models/panel.server'
import { commissionFlagAt, commissionFlagsOf, commissionFlagView, flaggedCommissions } from '../app/services/commission-flag.server'
import { recordEntry, standingOf, type SubjectRef } from '../app/services/credit.server'
import { createEngagement, type EngagementInput } from '../app/services/engagement.server'
import { appointManually, drawPanel, panelPage, replayRecordedDraw, savePanel, withdrawSeat } from '../app/services/panel.server'
import { submitReport, reviewInbox } from '../app/services/review.server'
import { inTransaction } from '../app/services/transaction.server'
import { issueEvaluation, moveThrough, TO_FINALIZED } from './helpers/issued-report'
import { actorOf, form } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

const REVIEW_DATE = '2026-06-10'
const REASON = '稀缺专业需要人工指定专家参加评审'
const LEAKER_BAR = '该专家列入失信名单（2026-03-01 至 2029-02-28，严重泄密、违反回避或索取不正当利益），不能邀请'

function engagementInput(db: Db, name: string, overrides: Partial<EngagementInput> = {}): EngagementInput {
  return {
    name,
    year: 2026,
    kind: 'project',
    budgetType: 'general_public',
    financeBureauId: actorOf(db, 'binjiang.finance').organizationId!,
    fundsFen: 120_000000,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    contractNo: 'BJCZ-2026-018',
    leadUserId: actorOf(db, 'mingjian.zhao').userId,
    memberIds: [],
    units: [{ name: '杭州市滨江区民政局', competentDepartment: '杭州市滨江区民政局' }],
    ...overrides,
  }
}

function issueEntry(db: Db, subject: SubjectRef, kind: EntryKind, severity: Severity | null, effectiveOn: string, at: Date) {
  const reviewer = actorOf(db, 'binjiang.finance')
  const bureauId = reviewer.organizationId!
  inTransaction(db, (tx) =>
    recordEntry(
      tx,
      { subject, kind, severity, points: null, effectiveOn, expiresOn: null, description: '测试记录', source: 'bureau', sourceRef: null, issuerOrgId: bureauId, issuedBy: reviewer.userId, bureauId, engagementId: null },
      auditActor(reviewer),
      at,
    ),
  )
}

describe('draws, appointments and promotions', () => {
  let temp: TempDb
  let db: Db
  let lead: Actor
  let engagementId = ''
  let clock = new Date('2026-05-04T01:00:00.000Z').getTime()
  const tick = (ms = 60_000) => new Date((clock += ms))
  const expert: Record<string, string> = {}

  function addExpert(key: string) {
    const id = newId()
    const iso = new Date(clock).toISOString()
    db.insert(experts).values({ id, name: `信用测试${key}`, employer: '某高校', title: 'associate', createdAt: iso, updatedAt: iso }).run()
    db.insert(expertSpecialties).values({ expertId: id, specialtyCode: 'finance' }).run()
    expert[key] = id
  }

  beforeAll(async () => {
    temp = await makeDemoDb(new Date(clock))
    db = temp.db
    for (const [i, s] of DEFAULT_SPECIALTIES.entries()) db.insert(specialties).values({ code: s.code, label: s.label, position: i }).onConflictDoNothing().run()
    // Only this test's experts may be drawn.
    db.update(experts).set({ status: 'suspended' }).run()
    for (const key of ['clean1', 'clean2', 'clean3', 'clean4', 'fair', 'leaker', 'low']) addExpert(key)
    const ref = (key: string): SubjectRef => ({ type: 'expert', id: expert[key]! })
    // 70 points: grade C, the lowest grade the default policy still draws.
    issueEntry(db, ref('fair'), 'poor_scoring', 'serious', '2026-02-01', tick())
    issueEntry(db, ref('fair'), 'late_scoring', 'general', '2026-02-02', tick())
    // A grave leak: blacklisted for three years (and graded D meanwhile).
    issueEntry(db, ref('leaker'), 'leaking', 'grave', '2026-03-01', tick())
    // 50 points: grade D without any blacklisting.
    issueEntry(db, ref('low'), 'absence', 'serious', '2026-02-01', tick())
    issueEntry(db, ref('low'), 'poor_scoring', 'serious', '2026-02-02', tick())
    issueEntry(db, ref('low'), 'late_scoring', 'general', '2026-02-03', tick())
    const created = createEngagement(db, actorOf(db, 'mingjian.admin'), engagementInput(db, '2026年信用执行测试项目'), tick())
    if (!created.ok) throw new Error(JSON.stringify(created))
    engagementId = created.value.id
    lead = actorOf(db, 'mingjian.zhao')
    const saved = savePanel(db, lead, engagementId, form({ size: '3', reserveCount: '2', reviewDate: REVIEW_DATE, reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48' }), tick())
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors))
  })
  afterAll(() => temp?.cleanup())

  const seatsNow = () => listSeats(db, findPanel(db, engagementId)!.id)

  test('an agency with a clean file is not flagged', () => {
    expect(db.select().from(engagements).where(eq(engagements.id, engagementId)).get()!.commissionCreditFlagJson).toBeNull()
  })

  test('the draw excludes the blacklisted and the below-grade expert with the reason, and the record replays', () => {
    const drawn = drawPanel(db, lead, engagementId, form({ version: String(findPanel(db, engagementId)!.version) }), tick(), new Uint8Array(32).fill(5))
    if (!drawn.ok) throw new Error(JSON.stringify(drawn.errors))
    const seated = seatsNow().map((s) => s.expertId)
    expect(new Set(seated)).toEqual(new Set(['clean1', 'clean2', 'clean3', 'clean4', 'fair'].map((k) => expert[k])))
    const replay = replayRecordedDraw(db, drawn.value.drawId)
    if (!replay.found) throw new Error('draw not found')
    expect(replay.matches).toBe(true)
    const { record } = replay
    expect(record.excluded).toContainEqual({ expertId: expert.leaker, reasons: ['blacklisted', 'low_grade'] })
    expect(record.excluded).toContainEqual({ expertId: expert.low, reasons: ['low_grade'] })
    expect(record.excluded.map((x) => x.expertId)).not.toContain(expert.fair)
    expect(record.spec.context).toMatchObject({ minCreditGrade: 'C', creditGradeOrder: ['A', 'B', 'C', 'D'] })
    const member = (key: string) => record.pool.find((p) => p.id === expert[key])
    expect(member('leaker')).toMatchObject({ blacklistedUntil: '2029-02-28', creditGrade: 'D', creditScore: 60 })
    expect(member('low')).toMatchObject({ blacklistedUntil: null, creditGrade: 'D', creditScore: 50 })
    expect(member('fair')).toMatchObject({ blacklistedUntil: null, creditGrade: 'C', creditScore: 70 })
    expect(member('clean1')).toMatchObject({ blacklistedUntil: null, creditGrade: 'A', creditScore: 100 })
  })

  test('a manual appointment of a blacklisted or below-grade expert is refused with the reason', () => {
    const appoint = (key: string) => appointManually(db, lead, engagementId, form({ expertId: expert[key]!, reason: REASON }), tick())
    expect(appoint('leaker')).toMatchObject({ ok: false, status: 400, errors: { expertId: LEAKER_BAR } })
    expect(appoint('low')).toMatchObject({ ok: false, status: 400, errors: { expertId: '该专家信用等级 D 低于要求的 C 级，不能邀请' } })
    // The page's expert search shows the same refusals, with the reason, for the experts it found only.
    const found = panelPage(db, lead, engagementId, '信用测试')!.candidates!
    const row = (key: string) => found.rows.find((r) => r.id === expert[key])
    expect(row('leaker')).toMatchObject({ mark: '失信', bar: LEAKER_BAR })
    expect(row('low')).toMatchObject({ mark: '低信用', bar: '该专家信用等级 D 低于要求的 C 级，不能邀请' })
    expect(found.rows.filter((r) => r.mark === '失信' || r.mark === '低信用').map((r) => r.id).sort()).toEqual([expert.leaker, expert.low].sort())
    expect(panelPage(db, lead, engagementId)!.candidates).toEqual({ text: '', total: 0, rows: [] })
  })

  test('a reserve blacklisted since the draw is passed over with the reason; the next one is called', () => {
    const reserves = seatsNow()
      .filter((s) => s.kind === 'reserve')
      .sort((a, b) => a.position - b.position)
    const [first, second] = reserves
    issueEntry(db, { type: 'expert', id: first!.expertId }, 'improper_benefit', 'grave', '2026-05-04', tick())
    const seat = seatsNow().find((s) => s.kind === 'drawn')!
    const withdrawn = withdrawSeat(db, lead, engagementId, form({ seatId: seat.id, reason: '发现任职回避情形' }), tick())
    expect(withdrawn).toMatchObject({ ok: true, value: { calledExpertId: second!.expertId } })
    const after = seatsNow()
    expect(after.find((s) => s.id === first!.id)!.status).toBe('waiting')
    expect(after.find((s) => s.id === second!.id)!.status).toBe('invited')
    const skipped = db.select().from(drawEvents).where(eq(drawEvents.kind, 'reserve_skipped')).all()
    expect(skipped).toHaveLength(1)
    expect(skipped[0]).toMatchObject({ expertId: first!.expertId })
    expect(skipped[0]!.reason).toMatch(/^递补第 \d+ 席时跳过：该专家列入失信名单（2026-05-04 至 2029-05-03，严重泄密、违反回避或索取不正当利益），不能邀请$/)

    // With only the barred reserve left the seat stays open, saying why; a clean expert may be appointed.
    const next = seatsNow().find((s) => s.kind === 'drawn' && s.status === 'invited')!
    expect(withdrawSeat(db, lead, engagementId, form({ seatId: next.id, reason: '专家因病不能参加' }), tick())).toMatchObject({ ok: true, value: { calledExpertId: null } })
    const vacancy = db.select().from(drawEvents).where(eq(drawEvents.kind, 'vacancy')).all()
    expect(vacancy.at(-1)!.reason).toBe('没有符合该席位专业和信用要求的候补专家，需补抽或指定')
    addExpert('late')
    expect(appointManually(db, lead, engagementId, form({ expertId: expert.late!, reason: REASON }), tick())).toMatchObject({ ok: true })
    expect(appointManually(db, lead, engagementId, form({ expertId: expert.leaker!, reason: REASON }), tick())).toMatchObject({ errors: { expertId: LEAKER_BAR } })
  })
})

describe('the commissioning flag', () => {
  let temp: TempDb
  let db: Db
  let clock = new Date('2026-05-04T01:00:00.000Z').getTime()
  const tick = (ms = 60_000) => new Date((clock += ms))
  const NAME = '2026年滨江区养老服务补贴资金项目支出绩效评价'
  let engagementId = ''

  beforeAll(async () => {
    temp = await makeDemoDb(new Date(clock))
    db = temp.db
  })
  afterAll(() => temp?.cleanup())

  test('an agency with two 不合格 quality ratings within a year gets a flagged engagement, created all the same', () => {
    const agencyId = actorOf(db, 'mingjian.admin').organizationId!
    const bureauId = actorOf(db, 'binjiang.finance').organizationId!
    expect(commissionFlagAt(db, agencyId, bureauId, new Date(clock))).toBeNull()
    issueEntry(db, { type: 'agency', id: agencyId }, 'quality_fail', null, '2026-01-15', tick())
    issueEntry(db, { type: 'agency', id: agencyId }, 'quality_fail', null, '2026-04-20', tick())
    const created = createEngagement(db, actorOf(db, 'mingjian.admin'), engagementInput(db, NAME), tick())
    if (!created.ok) throw new Error(JSON.stringify(created))
    engagementId = created.value.id
    const row = db.select().from(engagements).where(eq(engagements.id, engagementId)).get()!
    // The score depends on whatever else the demo put in the agency's file; the grade does not.
    const { score } = standingOf(db, { type: 'agency', id: agencyId }, bureauId, '2026-05-04')
    const points = pointsText(score)
    const flag = {
      on: '2026-05-04',
      policy: { id: 'default', version: 1, name: '默认信用政策' },
      score,
      grade: 'D',
      blacklisting: { from: '2026-04-20', to: '2027-04-19', rule: '12 个月内两次执业质量评价不合格' },
      reasons: [`信用等级 D（信用分 ${points}），为默认信用政策（第 1 版）的最低等级`, '列入失信名单（2026-04-20 至 2027-04-19，12 个月内两次执业质量评价不合格）'],
    }
    expect(JSON.parse(row.commissionCreditFlagJson!)).toEqual(flag)
    const audit = db.select().from(auditLog).where(and(eq(auditLog.action, 'engagement.create'), eq(auditLog.entityId, engagementId))).get()!
    expect(JSON.parse(audit.afterJson!).commissionCreditFlag).toEqual(flag)
    expect(commissionFlagView(agencyId, row.commissionCreditFlagJson)).toEqual({
      agencyId,
      headline: '委托时该机构信用等级为 D，处于失信期，请审慎委托',
      reasons: flag.reasons,
      basis: `2026-05-04 依据默认信用政策（第 1 版），信用分 ${points}`,
    })
    expect(flaggedCommissions(db, bureauId, 2026).map((f) => f.name)).toEqual([NAME])
    expect(flaggedCommissions(db, actorOf(db, 'xihu.finance').organizationId!, 2026)).toEqual([])
  })

  test("the bureau's review inbox shows the flag on the engagement's row", async () => {
    moveThrough(db, actorOf(db, 'mingjian.zhao'), engagementId, ['preliminary_research', 'evaluation_plan', 'fieldwork', 'survey'], tick)
    const panel = await scoredEngagement(db, { at: tick(), size: 3, engagementName: NAME })
    moveThrough(db, panel.lead, engagementId, TO_FINALIZED, tick)
    const issuedId = await issueEvaluation(db, panel.lead, engagementId, tick)
    const submitted = submitReport(db, panel.lead, engagementId, form({ versionId: issuedId }), tick())
    expect(submitted.ok).toBe(true)
    const inbox = reviewInbox(db, actorOf(db, 'binjiang.finance'), { page: 1 }, tick())!
    const flags = commissionFlagsOf(
      db,
      inbox.rows.map((r) => r.engagementId),
    )
    const row = inbox.rows.find((r) => r.engagementId === engagementId)!
    expect(flags.get(row.engagementId)?.headline).toBe('委托时该机构信用等级为 D，处于失信期，请审慎委托')
    expect(inbox.rows.filter((r) => flags.has(r.engagementId)).map((r) => r.engagementName)).toEqual([NAME])
  })
})
