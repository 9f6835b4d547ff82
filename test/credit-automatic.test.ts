// Automatic credit entries through the real services on temp databases (issue 8 item 3): a submitted
// 不合格/优秀 quality rating enters the agency's file; the agency's rating of each expert after
// scoring closes, a decline the agency judges without proper reason, and a submission after the
// 建议完成日期 enter the expert's file. Each appears once however often its event is replayed, moves
// the standing by what the bureau's policy says, and has its audit row.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, expertRatings, experts, frameworks, frameworkVersions } from '../db/schema'
import type { Source, Subject } from '../app/domain/credit/categories'
import { beijingDate } from '../app/domain/finance/rectification'
import type { Actor } from '../app/domain/permissions'
import { newId } from '../app/ids.server'
import { markDeclineUnjustified, recordLateScoringEntry, recordQualityRatingEntry } from '../app/services/credit-automatic.server'
import { fileRows, policyInForce, standingOf } from '../app/services/credit.server'
import { rateExpert } from '../app/services/expert-rating.server'
import { certify } from '../app/services/panel.server'
import { saveQualityRating } from '../app/services/quality.server'
import { expertScoringPage, findRound, saveScore, startScoring, submitScores } from '../app/services/scoring.server'
import { startSheet } from '../app/services/sheet.server'
import { inTransaction } from '../app/services/transaction.server'
import { acceptedEngagement, type AcceptedEngagement } from './helpers/accepted-engagement'
import { declinedPanel } from './helpers/decline-fixture'
import { actorOf, form } from './helpers/panel-fixture'
import { MONITORING_ENGAGEMENT } from './helpers/scored-engagement'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

function must<T extends { ok: boolean }>(result: T, what: string): T & { ok: true } {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result as T & { ok: true }
}

const entriesFrom = (db: Db, subject: { type: Subject; id: string }, source: Source) => fileRows(db, subject).filter((r) => r.entry.source === source).map((r) => r.entry)
const auditRows = (db: Db, action: string, entityId: string) => db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId))).all()
const engagementRow = (db: Db, id: string) => db.select().from(engagements).where(eq(engagements.id, id)).get()!

describe('after acceptance: quality rating and expert ratings', () => {
  let temp: TempDb
  let e: AcceptedEngagement
  let bureauId: string
  let agencyId: string
  const at = new Date('2026-04-01T02:00:00.000Z')
  const on = beijingDate(at)

  beforeAll(async () => {
    temp = await makeDemoDb(new Date('2026-01-05T00:00:00.000Z'))
    e = await acceptedEngagement(temp.db, { at: new Date('2026-03-01T00:00:00.000Z') })
    const row = engagementRow(temp.db, e.engagementId)
    bureauId = row.financeBureauId
    agencyId = row.agencyId
  }, 120_000)
  afterAll(() => temp.cleanup())

  const HALF_MARKS = { 'score.0': '5', 'score.1': '7.5', 'score.2': '7.5', 'score.3': '10', 'score.4': '12.5', 'score.5': '5', 'score.6': '2.5' }
  const reasons = Object.fromEntries(Object.keys(HALF_MARKS).map((k) => [k.replace('score', 'reason'), '底稿缺失']))

  it('a submitted 不合格 enters the agency’s file once, lowers the standing by the policy’s points and is audited', () => {
    const agency = { type: 'agency' as const, id: agencyId }
    const { policy } = policyInForce(temp.db, bureauId)
    const before = standingOf(temp.db, agency, bureauId, on).score
    const reviewer = actorOf(temp.db, 'binjiang.finance')
    must(saveQualityRating(temp.db, reviewer, e.engagementId, 'submit', form({ formKey: 'default', version: '0', ...HALF_MARKS, ...reasons }), at), 'submit rating')

    const [entry, ...more] = entriesFrom(temp.db, agency, 'auto_quality_rating')
    expect(more).toEqual([])
    expect(entry).toMatchObject({ kind: 'quality_fail', severity: 'serious', issuerOrgId: bureauId, issuedBy: reviewer.userId, bureauId, engagementId: e.engagementId, effectiveOn: on })
    expect(entry!.description).toBe(`《${MONITORING_ENGAGEMENT}》执业质量评价为不合格（总分 50 分）`)
    expect(standingOf(temp.db, agency, bureauId, on).score).toBe(Math.max(policy.minScore, before - policy.negativePoints.serious))
    const audit = auditRows(temp.db, 'credit_entry.create', agencyId)
    expect(audit.some((r) => r.organizationId === agencyId && JSON.parse(r.afterJson!).entryId === entry!.id)).toBe(true)

    // The rating is final: submitting again is refused, and replaying the event changes nothing.
    expect(saveQualityRating(temp.db, reviewer, e.engagementId, 'submit', form({ formKey: 'default', version: '1', ...HALF_MARKS, ...reasons }), at)).toMatchObject({ ok: false, status: 409 })
    const replay = inTransaction(temp.db, (tx) =>
      recordQualityRatingEntry(tx, reviewer, { id: e.engagementId, name: MONITORING_ENGAGEMENT, agencyId, financeBureauId: bureauId }, { id: entry!.sourceRef!, grade: 'fail', total: 5000, veto: false, vetoReason: '' }, at),
    )
    expect(replay).toMatchObject({ id: entry!.id, duplicate: true })
    expect(entriesFrom(temp.db, agency, 'auto_quality_rating')).toHaveLength(1)
  })

  it('an 优秀 raises the standing by the policy’s points; 良好 leaves no entry', () => {
    const agency = { type: 'agency' as const, id: agencyId }
    const { policy } = policyInForce(temp.db, bureauId)
    const before = standingOf(temp.db, agency, bureauId, on).score
    const reviewer = actorOf(temp.db, 'binjiang.finance')
    const facts = { id: e.engagementId, name: MONITORING_ENGAGEMENT, agencyId, financeBureauId: bureauId }
    const good = inTransaction(temp.db, (tx) => recordQualityRatingEntry(tx, reviewer, facts, { id: newId(), grade: 'good', total: 8500, veto: false, vetoReason: '' }, at))
    expect(good).toBeNull()
    const excellent = inTransaction(temp.db, (tx) => recordQualityRatingEntry(tx, reviewer, facts, { id: newId(), grade: 'excellent', total: 9500, veto: false, vetoReason: '' }, at))
    expect(excellent).toMatchObject({ duplicate: false })
    expect(standingOf(temp.db, agency, bureauId, on).score).toBe(Math.min(policy.maxScore, before + policy.positivePoints.quality_excellent))
  })

  const aspects = (r: string) => ({ 'aspect.attendance': r, 'aspect.professionalism': r, 'aspect.independence': r, 'aspect.timeliness': r })

  it('the lead’s 不称职 enters the expert’s file once, the rating keeps the entry, and both are audited', () => {
    const seat = e.seats[0]!
    const expert = { type: 'expert' as const, id: seat.expertId }
    const { policy } = policyInForce(temp.db, bureauId)
    const before = standingOf(temp.db, expert, bureauId, on).score
    const refused = rateExpert(temp.db, e.lead, e.engagementId, form({ expertId: seat.expertId, ...aspects('incompetent'), overall: '', comment: '' }), at)
    expect(refused).toMatchObject({ ok: false, status: 400, errors: { comment: '综合评价为「不称职」，须填写评语说明理由' } })
    expect(entriesFrom(temp.db, expert, 'auto_expert_rating')).toEqual([])

    const rated = must(rateExpert(temp.db, e.lead, e.engagementId, form({ expertId: seat.expertId, ...aspects('incompetent'), overall: '', comment: '未到场且未请假' }), at), 'rate')
    const [entry, ...more] = entriesFrom(temp.db, expert, 'auto_expert_rating')
    expect(more).toEqual([])
    expect(entry).toMatchObject({ kind: 'expert_rating_incompetent', issuerOrgId: agencyId, issuedBy: e.lead.userId, bureauId, engagementId: e.engagementId })
    expect(entry!.description).toContain('专家履职评价为不称职（出勤 不称职、专业水平 不称职、独立性 不称职、及时性 不称职）。评语：未到场且未请假')
    expect(rated.value.creditEntryId).toBe(entry!.id)
    const row = temp.db.select().from(expertRatings).where(eq(expertRatings.expertId, seat.expertId)).get()!
    expect(row).toMatchObject({ overall: 'incompetent', creditEntryId: entry!.id, ratedBy: e.lead.userId })
    expect(entry!.sourceRef).toBe(row.id)
    expect(standingOf(temp.db, expert, bureauId, on).score).toBe(Math.max(policy.minScore, before - policy.negativePoints.general))
    expect(auditRows(temp.db, 'expert_rating.create', e.engagementId).map((r) => JSON.parse(r.afterJson!).ratingId)).toContain(row.id)
    expect(auditRows(temp.db, 'credit_entry.create', seat.expertId).some((r) => r.organizationId === agencyId)).toBe(true)

    // Final: a second rating of the same expert is refused and adds nothing.
    expect(rateExpert(temp.db, e.lead, e.engagementId, form({ expertId: seat.expertId, ...aspects('excellent'), overall: '', comment: '' }), at)).toMatchObject({ ok: false, status: 409 })
    expect(entriesFrom(temp.db, expert, 'auto_expert_rating')).toHaveLength(1)
  })

  it('称职 leaves no entry, 优秀 raises the standing; a team member who is not the lead may not rate', () => {
    const [, second, third] = e.seats
    const competent = must(rateExpert(temp.db, e.lead, e.engagementId, form({ expertId: second!.expertId, ...aspects('competent'), overall: '', comment: '' }), at), 'competent')
    expect(competent.value.creditEntryId).toBeNull()
    expect(entriesFrom(temp.db, { type: 'expert', id: second!.expertId }, 'auto_expert_rating')).toEqual([])

    const expert = { type: 'expert' as const, id: third!.expertId }
    const { policy } = policyInForce(temp.db, bureauId)
    const before = standingOf(temp.db, expert, bureauId, on).score
    const member = actorOf(temp.db, 'mingjian.li')
    expect(rateExpert(temp.db, member, e.engagementId, form({ expertId: third!.expertId, ...aspects('excellent'), overall: '', comment: '' }), at)).toMatchObject({ ok: false, status: 403 })
    const admin = actorOf(temp.db, 'mingjian.admin')
    must(rateExpert(temp.db, admin, e.engagementId, form({ expertId: third!.expertId, ...aspects('excellent'), overall: '', comment: '' }), at), 'excellent')
    expect(entriesFrom(temp.db, expert, 'auto_expert_rating')).toMatchObject([{ kind: 'expert_rating_excellent', issuedBy: admin.userId }])
    expect(standingOf(temp.db, expert, bureauId, on).score).toBe(Math.min(policy.maxScore, before + policy.positivePoints.expert_rating_excellent))
  })

  it('only experts seated and accepted on this panel can be rated; another agency sees nothing', () => {
    const outsider = temp.db.select({ id: experts.id }).from(experts).where(eq(experts.name, '王立新')).get()!
    expect(rateExpert(temp.db, e.lead, e.engagementId, form({ expertId: outsider.id, ...aspects('competent'), overall: '' }), at)).toMatchObject({ ok: false, status: 400 })
    expect(rateExpert(temp.db, actorOf(temp.db, 'hengping.admin'), e.engagementId, form({ expertId: e.seats[3]!.expertId, ...aspects('competent') }), at)).toMatchObject({ ok: false, status: 404 })
  })
})

/** The declined panel on the monitoring engagement, its sheet frozen and scoring open with a 建议完成日期. */
async function panelWithDecline(db: Db, at: Date) {
  const p = await declinedPanel(db, { engagementName: MONITORING_ENGAGEMENT, leadUsername: 'mingjian.zhao', usernamePrefix: 'late.expert', at })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  must(startSheet(db, p.lead, p.engagementId, form({ frameworkVersionId: cy2020.id }), at), 'sheet')
  for (const s of p.seated) must(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', at), 'certify')
  must(startScoring(db, p.lead, p.engagementId, form({ aggregationRule: 'mean', step: '0.5', softDeadline: '2026-03-01', hardDeadline: '2026-03-10' }), at), 'start scoring')
  return p
}

function scoreAndSubmit(db: Db, s: { seatId: string; actor: Actor }, at: Date) {
  for (const item of expertScoringPage(db, s.actor, s.seatId, at)!.items)
    must(saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String(item.node.weight / 100), reason: '', comment: '', seen: '0' }), at), 'score')
  return must(submitScores(db, s.actor, s.seatId, at), 'submit')
}

describe('during the panel: declines judged without proper reason, late scoring', () => {
  let temp: TempDb
  let p: Awaited<ReturnType<typeof panelWithDecline>>
  let bureauId: string
  let agencyId: string

  beforeAll(async () => {
    temp = await makeDemoDb(new Date('2026-01-05T00:00:00.000Z'))
    p = await panelWithDecline(temp.db, new Date('2026-02-02T01:00:00.000Z'))
    const row = engagementRow(temp.db, p.engagementId)
    bureauId = row.financeBureauId
    agencyId = row.agencyId
  }, 120_000)
  afterAll(() => temp.cleanup())

  it('a decline enters the expert’s file only when the lead judges it, once, dated on the decline', () => {
    const expert = { type: 'expert' as const, id: p.declined.expertId }
    expect(entriesFrom(temp.db, expert, 'auto_decline')).toEqual([])
    const at = new Date('2026-02-05T03:00:00.000Z')
    const { policy } = policyInForce(temp.db, bureauId)
    const before = standingOf(temp.db, expert, bureauId, beijingDate(at)).score

    expect(markDeclineUnjustified(temp.db, p.lead, p.engagementId, form({ seatId: p.declined.seatId, note: '' }), at)).toMatchObject({ ok: false, status: 400, errors: { note: '请填写认定说明' } })
    expect(markDeclineUnjustified(temp.db, actorOf(temp.db, 'mingjian.li'), p.engagementId, form({ seatId: p.declined.seatId, note: '事务繁忙不是正当理由' }), at)).toMatchObject({ ok: false, status: 403 })
    expect(markDeclineUnjustified(temp.db, p.lead, p.engagementId, form({ seatId: p.seated[0]!.seatId, note: '未谢绝' }), at)).toMatchObject({ ok: false, status: 400 })

    must(markDeclineUnjustified(temp.db, p.lead, p.engagementId, form({ seatId: p.declined.seatId, note: '事务繁忙不是正当理由' }), at), 'mark')
    const [entry, ...more] = entriesFrom(temp.db, expert, 'auto_decline')
    expect(more).toEqual([])
    expect(entry).toMatchObject({ kind: 'unjustified_decline', sourceRef: p.declined.seatId, issuerOrgId: agencyId, issuedBy: p.lead.userId, bureauId, effectiveOn: '2026-02-02' })
    expect(entry!.description).toContain('专家所述理由：单位事务繁忙；认定说明：事务繁忙不是正当理由')
    expect(standingOf(temp.db, expert, bureauId, beijingDate(at)).score).toBe(Math.max(policy.minScore, before - policy.negativePoints.general))
    expect(auditRows(temp.db, 'credit_entry.create', p.declined.expertId)).toHaveLength(1)

    expect(markDeclineUnjustified(temp.db, p.lead, p.engagementId, form({ seatId: p.declined.seatId, note: '再次认定' }), at)).toMatchObject({ ok: false, status: 409 })
    expect(entriesFrom(temp.db, expert, 'auto_decline')).toHaveLength(1)
  })

  it('a submission after the 建议完成日期 enters the expert’s file once; one before it does not', () => {
    const [onTime, late] = p.seated
    expect(scoreAndSubmit(temp.db, onTime!, new Date('2026-03-01T15:00:00.000Z')).value.late).toBe(false)
    expect(entriesFrom(temp.db, { type: 'expert', id: onTime!.expertId }, 'auto_late_scoring')).toEqual([])

    const expert = { type: 'expert' as const, id: late!.expertId }
    const at = new Date('2026-03-02T02:00:00.000Z')
    const { policy } = policyInForce(temp.db, bureauId)
    const before = standingOf(temp.db, expert, bureauId, beijingDate(at)).score
    expect(scoreAndSubmit(temp.db, late!, at).value.late).toBe(true)
    const round = findRound(temp.db, p.engagementId)!
    const [entry, ...more] = entriesFrom(temp.db, expert, 'auto_late_scoring')
    expect(more).toEqual([])
    expect(entry).toMatchObject({ kind: 'late_scoring', severity: 'minor', sourceRef: `${round.id}:${late!.seatId}`, issuerOrgId: agencyId, issuedBy: null, bureauId, effectiveOn: '2026-03-02' })
    expect(entry!.description).toBe(`《${MONITORING_ENGAGEMENT}》专家评分逾期提交（建议完成日期 2026-03-01，2026-03-02 提交）`)
    expect(standingOf(temp.db, expert, bureauId, beijingDate(at)).score).toBe(Math.max(policy.minScore, before - policy.negativePoints.minor))
    const [audit] = auditRows(temp.db, 'credit_entry.create', late!.expertId)
    expect(audit).toMatchObject({ actorUserId: null, actorRole: 'system', organizationId: agencyId })

    // The submission is locked; replaying the event adds nothing.
    expect(submitScores(temp.db, late!.actor, late!.seatId, at)).toMatchObject({ ok: false, status: 409 })
    const replay = inTransaction(temp.db, (tx) => recordLateScoringEntry(tx, { engagementId: p.engagementId, roundId: round.id, seatId: late!.seatId, expertId: late!.expertId, softDeadline: round.softDeadline }, at))
    expect(replay).toMatchObject({ id: entry!.id, duplicate: true })
    expect(entriesFrom(temp.db, expert, 'auto_late_scoring')).toHaveLength(1)
  })
})
