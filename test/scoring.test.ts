// Online scoring, first slice, on a real database: opening scoring freezes the sheet; experts save
// immutable score versions (a stale save is a 409), submit only a complete, explained sheet, and
// are then locked; nobody else reaches their sheet.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, frameworks, frameworkVersions, scoreEntries, scoringRounds, sheetVersions } from '../db/schema'
import { walkTree } from '../app/domain/indicators/tree'
import { addConflict, certify, setLeader, withdrawSeat } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { consolidationOf, consolidationPage, matrixReasons, opinionPage, saveOpinion, expertScoringPage, saveScore, scoringProgress, setScoringPhase, startScoring, submitScores } from '../app/services/scoring.server'
import { actorOf, form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'
import { unzip } from './helpers/workbook-fixtures'
import ExcelJS from 'exceljs'
import { writeScoreMatrix } from '../app/excel/score-matrix.server'

let temp: TempDb
let db: Db
let panel: ReadyPanel
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: 3, at: new Date(clock) })
})
afterAll(() => temp?.cleanup())

const leafCodes = () => {
  const page = expertScoringPage(db, panel.seats[0]!.actor, panel.seats[0]!.seatId, new Date(clock))!
  return page.items.map((i) => ({ code: i.node.code, weight: i.node.weight }))
}

describe('opening scoring', () => {
  test('needs a sheet; opening it freezes a valid draft and fixes the version scored', () => {
    const none = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), tick())
    expect(none.ok ? null : none.errors._form).toBe('尚未建立评分表')
    const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
    expect(startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), tick()).ok).toBe(true)
    expect(expertScoringPage(db, panel.seats[0]!.actor, panel.seats[0]!.seatId, new Date(clock))).toBeUndefined()
    const bad = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'vote', step: '0.3', softDeadline: '2026-06-30', hardDeadline: '2026-06-20' }), tick())
    expect(bad.ok ? null : Object.keys(bad.errors).sort()).toEqual(['aggregationRule', 'step'])
    // The sheet is part of what the experts certified: a new sheet means certifying again.
    const stale = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5' }), tick())
    expect(stale.ok ? null : stale.errors._form).toMatch(/尚未签署回避与保密承诺/)
    for (const s of panel.seats) expect(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', tick()).ok).toBe(true)
    const opened = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5', softDeadline: '2026-06-05', hardDeadline: '2026-06-10' }), tick())
    expect(opened).toMatchObject({ ok: true })
    expect(db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, panel.engagementId)).get()?.status).toBe('frozen')
    expect(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5' }), tick())).toMatchObject({ ok: false, status: 409 })
  })
})

describe('an expert’s sheet', () => {
  test('a score above the weight, off the step, or not a number is refused beside the field; nothing saved', () => {
    const s = panel.seats[0]!
    const [first] = leafCodes()
    for (const [score, message] of [
      [String(first!.weight / 100 + 1), '得分不能超过分值'],
      ['1.3', '的整数倍'],
      ['abc', '分值须为不小于 0 的数字'],
    ] as const) {
      const r = saveScore(db, s.actor, s.seatId, form({ code: first!.code, score, reason: '', comment: '', seen: '0' }), tick())
      expect(r.ok ? null : r.errors[`score.${first!.code}`]).toContain(message)
    }
    expect(db.select().from(scoreEntries).all()).toHaveLength(0)
  })

  test('each save is a new immutable version; a stale page gets a 409, not an overwrite', () => {
    const s = panel.seats[0]!
    const [first] = leafCodes()
    const v1 = saveScore(db, s.actor, s.seatId, form({ code: first!.code, score: '2', reason: '论证材料不全', comment: '', seen: '0' }), tick())
    expect(v1).toMatchObject({ ok: true, value: { versionNo: 1, score: 200 } })
    const v2 = saveScore(db, s.actor, s.seatId, form({ code: first!.code, score: '2.5', reason: '论证材料基本齐全', comment: '', seen: '1' }), tick())
    expect(v2).toMatchObject({ ok: true, value: { versionNo: 2 } })
    const stale = saveScore(db, s.actor, s.seatId, form({ code: first!.code, score: '3', reason: '', comment: '', seen: '1' }), tick())
    expect(stale).toMatchObject({ ok: false, status: 409 })
    expect(db.select().from(scoreEntries).where(eq(scoreEntries.code, first!.code)).all().map((e) => e.score)).toEqual([200, 250])
    expect(() => db.update(scoreEntries).set({ score: 0 }).run()).toThrow(/append-only/)
  })

  test('nobody else reaches the sheet: another expert, the lead, or the expert once conflicted', () => {
    const [a, b] = panel.seats
    expect(expertScoringPage(db, b!.actor, a!.seatId, new Date(clock))).toBeUndefined()
    expect(saveScore(db, b!.actor, a!.seatId, form({ code: leafCodes()[0]!.code, score: '1', reason: 'x', comment: '', seen: '0' }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(expertScoringPage(db, panel.lead, a!.seatId, new Date(clock))).toBeUndefined()
    // Only the expert's own entries are in their page.
    expect(expertScoringPage(db, b!.actor, b!.seatId, new Date(clock))!.items.every((i) => i.entry === null)).toBe(true)
  })

  test('submitting needs every indicator scored and every deduction explained; then the sheet locks', () => {
    const s = panel.seats[0]!
    const incomplete = submitScores(db, s.actor, s.seatId, tick())
    expect(incomplete.ok ? null : incomplete.errors._form).toMatch(/^还有 \d+ 处需要完成，不能提交$/)
    const codes = leafCodes()
    for (const { code, weight } of codes.slice(1)) {
      const seen = String(expertScoringPage(db, s.actor, s.seatId, new Date(clock))!.items.find((i) => i.node.code === code)!.entry?.versionNo ?? 0)
      expect(saveScore(db, s.actor, s.seatId, form({ code, score: String(weight / 100 - 0.5), reason: '', comment: '', seen }), tick()).ok).toBe(true)
    }
    const unexplained = submitScores(db, s.actor, s.seatId, tick())
    expect(unexplained.ok ? null : unexplained.errors[`score.${codes[1]!.code}`]).toMatch(/未得满分，须填写扣分理由/)
    for (const { code, weight } of codes.slice(1)) {
      const seen = String(expertScoringPage(db, s.actor, s.seatId, new Date(clock))!.items.find((i) => i.node.code === code)!.entry!.versionNo)
      saveScore(db, s.actor, s.seatId, form({ code, score: String(weight / 100 - 0.5), reason: '佐证材料不足以支撑满分', comment: '', seen }), tick())
    }
    expect(submitScores(db, s.actor, s.seatId, tick())).toMatchObject({ ok: true, value: { late: false } })
    expect(expertScoringPage(db, s.actor, s.seatId, new Date(clock))!.submittedAt).not.toBeNull()
    expect(saveScore(db, s.actor, s.seatId, form({ code: codes[0]!.code, score: '1', reason: 'x', comment: '', seen: '2' }), tick())).toMatchObject({ ok: false, status: 409 })
    expect(db.select().from(auditLog).all().some((r) => r.action === 'scoring.submit')).toBe(true)
    const progress = scoringProgress(db, panel.engagementId)!
    expect(progress.seats.find((x) => x.seatId === s.seatId)).toMatchObject({ scored: codes.length })
    expect(walkTree(JSON.parse(db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, panel.engagementId)).get()!.treeJson)).length).toBeGreaterThan(codes.length)
  })

  test('after the soft deadline a submission is marked late; after the hard deadline scoring is closed', () => {
    const [, b, c] = panel.seats
    clock = new Date('2026-06-07T00:00:00.000Z').getTime()
    for (const { code, weight } of leafCodes()) {
      expect(saveScore(db, b!.actor, b!.seatId, form({ code, score: String(weight / 100), reason: '', comment: '', seen: '0' }), tick()).ok).toBe(true)
    }
    expect(submitScores(db, b!.actor, b!.seatId, tick())).toMatchObject({ ok: true, value: { late: true } })
    clock = new Date('2026-06-11T00:00:00.000Z').getTime()
    expect(saveScore(db, c!.actor, c!.seatId, form({ code: leafCodes()[0]!.code, score: '1', reason: 'x', comment: '', seen: '0' }), tick())).toMatchObject({ ok: false, status: 409 })
  })

  test('consolidation counts submitted sheets only, under the declared rule or another', () => {
    const result = consolidationOf(db, panel.engagementId)!
    expect(result.rule).toBe('mean')
    expect(result.experts.map((x) => x.key)).toEqual(['专家A', '专家B'])
    const c = result.consolidation!
    // Expert A: the first leaf 2.5, every other leaf its weight − 0.5; expert B: every leaf full.
    const leaves = leafCodes()
    const expertA = 250 + leaves.slice(1).reduce((n, l) => n + l.weight - 50, 0)
    const expertB = leaves.reduce((n, l) => n + l.weight, 0)
    expect(c.total).toBeGreaterThanOrEqual(Math.min(expertA, expertB) - leaves.length)
    expect(c.total).toBeLessThanOrEqual(Math.max(expertA, expertB) + leaves.length)
    expect(c.leaves.find((l) => l.code === leaves[0]!.code)?.expertScores).toEqual({ 专家A: 250, 专家B: leaves[0]!.weight })
    expect(consolidationOf(db, panel.engagementId, 'median')!.rule).toBe('median')
    expect(result.sensitivity?.byRule.map((r) => r.rule)).toEqual(['mean', 'trimmed', 'median'])
    // Per-expert scores are the lead's (and the agency admin's) while scoring runs: not a team member's, not the bureau's.
    expect(consolidationPage(db, panel.lead, panel.engagementId, undefined)).toBeDefined()
    expect(consolidationPage(db, actorOf(db, 'mingjian.admin'), panel.engagementId, undefined)).toBeDefined()
    expect(consolidationPage(db, actorOf(db, 'mingjian.li'), panel.engagementId, undefined)).toBeUndefined()
    expect(consolidationPage(db, actorOf(db, 'binjiang.finance'), panel.engagementId, undefined)).toBeUndefined()
  })

  test('the score matrix export holds pseudonyms, reasons as plain text, and no formula', async () => {
    const result = consolidationOf(db, panel.engagementId)!
    const bytes = await writeScoreMatrix('测试 评分明细表', result.experts.map((x) => x.key), result.consolidation!, matrixReasons(db, panel.engagementId, result.experts))
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
    const header = (workbook.getWorksheet('评分明细')!.getRow(3).values as unknown[]).filter(Boolean)
    expect(header).toEqual(['编码', '指标', '分值', '专家A', '专家B', '汇总得分', '得分率'])
    const reasons = workbook.getWorksheet('扣分理由')!
    expect(reasons.rowCount).toBeGreaterThan(1)
    expect(JSON.stringify(reasons.getSheetValues())).toContain('佐证材料不足以支撑满分')
    const parts = await unzip(bytes)
    for (const [name, xml] of parts) {
      if (name.startsWith('xl/worksheets/')) expect(xml.toString('utf8'), name).not.toMatch(/<f[ >]/)
    }
    // No expert's name anywhere in the file, shared strings included.
    const everything = [...parts.values()].map((b) => b.toString('utf8')).join('\n')
    expect(everything).toContain('专家A')
    for (const s of panel.seats) expect(everything.includes(s.name)).toBe(false)
  })

  test('a conflict set on a scorer closes their sheet to them', () => {
    const c = panel.seats[2]!
    expect(addConflict(db, panel.lead, panel.engagementId, form({ expertId: c.expertId, type: 'relative', note: '配偶在被评价单位任职' }), tick()).ok).toBe(true)
    expect(expertScoringPage(db, c.actor, c.seatId, new Date(clock))).toBeUndefined()
  })
})

describe('discussion', () => {
  test('opens only when every seated expert has submitted; submitted experts rescore with a reason; closing ends it', () => {
    const round = () => db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()!
    const phase = (to: string) => setScoringPhase(db, panel.lead, panel.engagementId, form({ to, version: String(round().version) }), tick())
    // The third expert, now conflicted, has not submitted: the discussion waits for their seat to be settled.
    const blocked = phase('discussion')
    expect(blocked.ok ? null : blocked.errors._form).toMatch(/还有 1 位专家未提交评分/)
    expect(setScoringPhase(db, actorOf(db, 'mingjian.li'), panel.engagementId, form({ to: 'discussion', version: String(round().version) }), tick())).toMatchObject({ ok: false, status: 403 })
    expect(withdrawSeat(db, panel.lead, panel.engagementId, form({ seatId: panel.seats[2]!.seatId, reason: '发现近亲属任职，依规回避' }), tick()).ok).toBe(true)
    expect(phase('discussion')).toMatchObject({ ok: true, value: { phase: 'discussion' } })

    const a = panel.seats[0]!
    const first = leafCodes()[0]!
    const seen = String(expertScoringPage(db, a.actor, a.seatId, new Date(clock))!.items[0]!.entry!.versionNo)
    const noReason = saveScore(db, a.actor, a.seatId, form({ code: first.code, score: '3', reason: '讨论后调整', comment: '', rescoreReason: '', seen }), tick())
    expect(noReason.ok ? null : noReason.errors[`rescoreReason.${first.code}`]).toBe('重评须填写理由')
    const rescored = saveScore(db, a.actor, a.seatId, form({ code: first.code, score: '3', reason: '', comment: '', rescoreReason: '经讨论，立项依据材料已补充', seen }), tick())
    expect(rescored).toMatchObject({ ok: true, value: { score: 300 } })
    expect(db.select().from(auditLog).all().some((r) => r.action === 'scoring.rescore' && r.afterJson?.includes('经讨论'))).toBe(true)
    const history = consolidationPage(db, panel.lead, panel.engagementId, undefined)!
    expect('history' in history && history.history.some((h) => h.code === first.code && h.after === 300 && h.rescoreReason === '经讨论，立项依据材料已补充')).toBe(true)

    expect(phase('closed')).toMatchObject({ ok: true })
    const late = saveScore(db, a.actor, a.seatId, form({ code: first.code, score: '2', reason: 'x', comment: '', rescoreReason: '再议', seen: String(Number(seen) + 1) }), tick())
    expect(late).toMatchObject({ ok: false, status: 409 })
    expect(phase('closed')).toMatchObject({ ok: false, status: 409 })
  })
})

describe('专家组意见', () => {
  test('the leader drafts from the deduction reasons, edits, confirms once; nobody else writes it', () => {
    const [a, b] = panel.seats
    expect(setLeader(db, panel.lead, panel.engagementId, form({ seatId: a!.seatId }), tick()).ok).toBe(true)
    expect(opinionPage(db, b!.actor, b!.seatId)).toBeUndefined()
    const page = opinionPage(db, a!.actor, a!.seatId)!
    expect(page.opinion).toBeNull()
    expect(page.draft.overall).toMatch(/^经专家组评审，项目综合得分 [\d.]+ 分，评价等级为“[优良中差]”。$/)
    expect(page.draft.parts.map((p) => p.name)).toEqual(['决策', '过程', '产出', '效益'])
    expect(page.draft.parts.map((p) => p.text).join('\n')).toContain('（专家A）')
    const empty = saveOpinion(db, a!.actor, a!.seatId, form({ intent: 'save', overall: ' ', version: '0' }), tick())
    expect(empty.ok ? null : empty.errors.overall).toBe('请填写总体意见')
    expect(saveOpinion(db, a!.actor, a!.seatId, form({ intent: 'save', overall: '项目立项依据充分，资金管理规范。', 'part.A': '决策规范', version: '0' }), tick())).toMatchObject({ ok: true, value: { status: 'draft' } })
    expect(saveOpinion(db, a!.actor, a!.seatId, form({ intent: 'confirm', overall: '项目立项依据充分，资金管理规范，效益较好。', 'part.A': '决策规范', version: '1' }), tick())).toMatchObject({ ok: true, value: { status: 'confirmed' } })
    expect(saveOpinion(db, a!.actor, a!.seatId, form({ intent: 'save', overall: '改', version: '2' }), tick())).toMatchObject({ ok: false, status: 409 })
    const shown = consolidationPage(db, panel.lead, panel.engagementId, undefined)!
    expect('opinion' in shown && shown.opinion).toMatchObject({ status: 'confirmed', overall: '项目立项依据充分，资金管理规范，效益较好。' })
    expect(db.select().from(auditLog).all().some((r) => r.action === 'opinion.confirm')).toBe(true)
  })
})
