// The discussion phase on a real database: configured bands and divergence threshold, the lead's
// requests to justify or rescore, what a submitted expert sees of the panel, and the consolidation
// stored (rule, bands, score versions) when scoring closes.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, consolidationResults, frameworks, frameworkVersions, rescoreRequests, scoringRounds } from '../db/schema'
import { certify } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { consolidationOf, consolidationPage, expertScoringPage, justifyScore, requestJustification, saveScore, setScoringPhase, startScoring, storedConsolidation, submitScores } from '../app/services/scoring.server'
import { form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { ruleFields } from '../app/domain/indicators/rule-inputs'
import { saveIndicatorData } from '../app/services/indicator-data.server'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let panel: ReadyPanel
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const round = () => db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()!
const phase = (to: string) => setScoringPhase(db, panel.lead, panel.engagementId, form({ to, version: String(round().version) }), tick())
const page = (i: number) => expertScoringPage(db, panel.seats[i]!.actor, panel.seats[i]!.seatId, new Date(clock))!

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: 3, at: new Date(clock) })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  expect(startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), tick()).ok).toBe(true)
  for (const s of panel.seats) expect(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', tick()).ok).toBe(true)
})
afterAll(() => temp?.cleanup())

describe('opening with configured bands and threshold', () => {
  test('bands out of order or out of range are refused beside the field and the form keeps them', () => {
    const crossed = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5', bandExcellent: '80', bandGood: '85', bandPass: '60' }), tick())
    expect(crossed).toMatchObject({ ok: false, status: 400, errors: { bandGood: '等级线须满足 优 > 良 > 中' }, values: { bandGood: '85' } })
    const range = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5', divergencePercent: '0' }), tick())
    expect(range.ok ? null : range.errors.divergencePercent).toBe('分歧阈值须为 5–100 的整数')
    expect(db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()).toBeUndefined()
  })

  test('opens with 优 ≥ 85, 良 ≥ 75, 中 ≥ 60 and a 20 % divergence threshold', () => {
    expect(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5', divergencePercent: '20', bandExcellent: '85', bandGood: '75', bandPass: '60' }), tick())).toMatchObject({ ok: true })
    expect(round()).toMatchObject({ divergencePercent: 20 })
    expect(JSON.parse(round().bandsJson!).map((b: { minRate: number }) => b.minRate)).toEqual([0.85, 0.75, 0.6, 0])
  })
})

describe('what the expert sees of the agency’s data', () => {
  test('the data and note saved for an indicator, and the suggestion its rule computes from them', () => {
    const first = page(0).items[0]!
    expect(first.data).toBeNull()
    const fields = ruleFields(first.node.rule!, first.node.points)
    // Four of the five points hold: the element rule suggests a score from them.
    const ticked = Object.fromEntries(fields.slice(0, 4).map((f) => [f.name, 'on']))
    const saved = saveIndicatorData(db, panel.lead, panel.engagementId, form({ code: first.node.code, version: '0', note: '立项批复文件、部门三定方案（见底稿 A-1）', ...ticked }), tick())
    expect(saved).toMatchObject({ ok: true })
    const seen = page(0).items[0]!
    expect(seen.data).toMatchObject({ note: '立项批复文件、部门三定方案（见底稿 A-1）' })
    expect(seen.data!.inputs.length).toBeGreaterThan(0)
    expect(seen.suggestion).toMatchObject({ ok: true })
    expect(seen.hint).toBeNull()
  })
})

describe('independent scoring, then discussion', () => {
  // Expert A gives full marks except the first indicator, B and C deduct evenly; the first indicator diverges.
  const scoreAll = (i: number, firstScore: (w: number) => number, others: (w: number) => number) => {
    const s = panel.seats[i]!
    page(i).items.forEach((item, k) => {
      const w = item.node.weight
      const score = k === 0 ? firstScore(w) : others(w)
      const r = saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String(score / 100), reason: score < w ? '佐证材料不足' : '', comment: '', seen: '0' }), tick(1000))
      expect(r.ok, JSON.stringify(r)).toBe(true)
    })
    expect(submitScores(db, s.actor, s.seatId, tick()).ok).toBe(true)
  }

  test('before discussion, a submitted expert sees nobody else', () => {
    scoreAll(0, (w) => w, (w) => w)
    expect(page(0).panelView).toBeNull()
    scoreAll(1, () => 0, (w) => Math.round((w * 0.9) / 50) * 50)
    scoreAll(2, (w) => Math.round(w / 100) * 50, (w) => Math.round((w * 0.85) / 50) * 50)
    expect(page(1).panelView).toBeNull()
    const early = requestJustification(db, panel.lead, panel.engagementId, form({ code: page(0).items[0]!.node.code, seatId: [panel.seats[0]!.seatId], message: '请说明' }), tick())
    expect(early.ok ? null : early.errors._form).toBe('只有在讨论阶段才能请专家说明或重评')
  })

  test('in discussion every submitted expert sees the panel’s scores, themselves marked, and the aggregated score', () => {
    expect(phase('discussion')).toMatchObject({ ok: true })
    const view = page(1).panelView!
    expect(view.experts).toEqual(['专家A', '专家B', '专家C'])
    expect(view.self).toBe('专家B')
    const first = page(1).items[0]!.node
    expect(view.byCode[first.code]!.scores).toMatchObject({ 专家A: first.weight, 专家B: 0 })
    expect(view.flagged).toContain(first.code)
    // The configured bands grade the result.
    const result = consolidationOf(db, panel.engagementId)!
    const rate = result.consolidation!.rate
    expect(result.consolidation!.grade.grade).toBe(rate >= 0.85 ? '优' : rate >= 0.75 ? '良' : rate >= 0.6 ? '中' : '差')
  })

  test('the lead asks the experts at the extremes; one justifies, one rescores; the lead sees both answers', () => {
    const code = page(0).items[0]!.node.code
    const [a, b] = panel.seats
    const none = requestJustification(db, panel.lead, panel.engagementId, form({ code, message: '' }), tick())
    expect(none).toMatchObject({ ok: false, status: 400 })
    expect(none.ok ? null : Object.keys(none.errors).sort()).toEqual(['message', 'seatId'])
    const stranger = requestJustification(db, panel.lead, panel.engagementId, form({ code, seatId: ['01JUNKNOWNSEAT00000000000A'], message: '请说明' }), tick())
    expect(stranger.ok ? null : stranger.errors.seatId).toBe('所选专家不在已提交评分的专家中')
    const sent = requestJustification(db, panel.lead, panel.engagementId, form({ code, seatId: [a!.seatId, b!.seatId], message: '该指标分歧较大，请说明依据或重评' }), tick())
    expect(sent).toMatchObject({ ok: true, value: { count: 2 } })
    const again = requestJustification(db, panel.lead, panel.engagementId, form({ code, seatId: [a!.seatId], message: '再请说明' }), tick())
    expect(again).toMatchObject({ ok: false, status: 409 })
    expect(page(0).requests).toMatchObject([{ code, status: 'open', message: '该指标分歧较大，请说明依据或重评' }])
    expect(page(2).requests).toEqual([])

    const requestId = page(0).requests[0]!.id
    const blank = justifyScore(db, a!.actor, a!.seatId, form({ requestId, response: ' ' }), tick())
    expect(blank.ok ? null : blank.errors[`response.${requestId}`]).toBe('请填写维持原评分的理由')
    // Another expert cannot answer A's request.
    expect(justifyScore(db, b!.actor, b!.seatId, form({ requestId, response: '代答' }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(justifyScore(db, a!.actor, a!.seatId, form({ requestId, response: '立项论证报告与批复文件齐全，维持满分' }), tick())).toMatchObject({ ok: true })
    expect(justifyScore(db, a!.actor, a!.seatId, form({ requestId, response: '再说一次' }), tick())).toMatchObject({ ok: false, status: 409 })

    const seen = String(page(1).items[0]!.entry!.versionNo)
    const weight = page(1).items[0]!.node.weight
    expect(saveScore(db, b!.actor, b!.seatId, form({ code, score: String(weight / 200), reason: '部分论证材料缺失', comment: '', rescoreReason: '看到批复文件后调整', seen }), tick())).toMatchObject({ ok: true, value: { versionNo: 2 } })
    expect(page(1).requests[0]).toMatchObject({ status: 'rescored', response: '看到批复文件后调整' })

    const lead = consolidationPage(db, panel.lead, panel.engagementId, undefined)!
    expect('requests' in lead && lead.requests.map((r) => [r.expertKey, r.status])).toEqual([
      ['专家A', 'justified'],
      ['专家B', 'rescored'],
    ])
    const actions = db.select().from(auditLog).all().map((r) => r.action)
    expect(actions).toEqual(expect.arrayContaining(['scoring.request', 'scoring.justify', 'scoring.rescore']))
  })

  test('closing lapses open requests and stores the consolidation with the versions it used; it never changes', () => {
    const code = page(0).items[1]!.node.code
    expect(requestJustification(db, panel.lead, panel.engagementId, form({ code, seatId: [panel.seats[2]!.seatId], message: '请说明' }), tick()).ok).toBe(true)
    const live = consolidationOf(db, panel.engagementId)!
    expect(phase('closed')).toMatchObject({ ok: true })
    expect(db.select().from(rescoreRequests).where(eq(rescoreRequests.code, code)).get()?.status).toBe('lapsed')
    const stored = storedConsolidation(db, panel.engagementId)!
    expect(stored).toMatchObject({ rule: 'mean', total: live.consolidation!.total, grade: live.consolidation!.grade.grade })
    expect(stored.entries[panel.seats[1]!.seatId]![page(0).items[0]!.node.code]).toBe(2)
    expect(stored.bands.map((b) => b.minRate)).toEqual([0.85, 0.75, 0.6, 0])
    expect(() => db.update(consolidationResults).set({ total: 10000 }).run()).toThrow(/final/)
    expect(() => db.delete(consolidationResults).run()).toThrow(/final/)
    expect(db.select().from(auditLog).all().some((r) => r.action === 'scoring.consolidate')).toBe(true)
  })
})
