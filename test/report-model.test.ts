// The report model from a real database: a demo engagement with a drawn, certified panel whose five
// experts score and submit through the real services; then every report type is built and
// composed, before and after scoring closes. An ex-ante engagement gets the same on its own database.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { frameworks, frameworkVersions, panels, scoringRounds } from '../db/schema'
import { certify } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { consolidationOf, expertScoringPage, saveScore, setScoringPhase, startScoring, submitScores } from '../app/services/scoring.server'
import { buildReportModel, draftNarrative, type BuildOptions } from '../reports/build-model.server'
import { composeDocument } from '../reports/compose'
import { evaluationModel } from '../reports/fixtures/models'
import { headingsOf, placeCells, type ReportDocument } from '../reports/document'
import { documentText, level1Headings } from '../reports/compose/text'
import { leavesOf, type ReportModel, type ReportType } from '../reports/model'
import { form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

const AT = '2026-06-20T02:00:00.000Z'
const OPTIONS: BuildOptions = { stage: 'draft', generatedAt: AT, verification: null }

const text = documentText

function model(db: Db, id: string, type: ReportType, options: Partial<BuildOptions> = {}): ReportModel {
  const built = buildReportModel(db, id, type, { ...OPTIONS, ...options })
  if (!built.ok) throw new Error(`build ${type}: ${JSON.stringify(built.errors)}`)
  return built.value
}

function expectWellFormed(doc: ReportDocument): void {
  for (const b of doc.body) if (b.kind === 'table') placeCells(b.columns.length, b.rows)
  const anchors = headingsOf(doc).map((h) => h.anchor)
  expect(new Set(anchors).size).toBe(anchors.length)
}

type Clock = { tick: (ms?: number) => Date }

/** Every expert scores every leaf (deducting by a fixed pattern, with a reason) and submits. */
function scoreAndSubmit(db: Db, panel: ReadyPanel, clock: Clock, reasonOf: (expert: number, name: string) => string): void {
  panel.seats.forEach((s, i) => {
    const items = expertScoringPage(db, s.actor, s.seatId, clock.tick())!.items
    items.forEach((item, k) => {
      const w = item.node.weight
      const deduction = Math.min(w, ((i + k) % 3) * 50)
      const score = w - deduction
      const saved = saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String(score / 100), reason: deduction > 0 ? reasonOf(i, item.node.name) : '', comment: '', seen: '0' }), clock.tick(1000))
      expect(saved.ok, JSON.stringify(saved)).toBe(true)
    })
    expect(submitScores(db, s.actor, s.seatId, clock.tick()).ok).toBe(true)
  })
}

function frameworkVersionId(db: Db, libraryCode: string): string {
  return db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, libraryCode)).get()!.id
}

describe('a project evaluation from the database', () => {
  let temp: TempDb
  let db: Db
  let panel: ReadyPanel
  let time = new Date('2026-06-01T01:00:00.000Z').getTime()
  const clock: Clock = { tick: (ms = 60_000) => new Date((time += ms)) }
  const phase = (to: 'discussion' | 'closed') => {
    const round = db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()!
    expect(setScoringPhase(db, panel.lead, panel.engagementId, form({ to, version: String(round.version) }), clock.tick()).ok).toBe(true)
  }

  beforeAll(async () => {
    temp = await makeDemoDb(new Date(time))
    db = temp.db
    // The monitoring engagement has no sheet yet, so the plan can be refused first, then made.
    panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: 5, at: new Date(time) })
  })
  afterAll(() => temp?.cleanup())

  test('an unknown engagement is a 404; a report the engagement is not ready for is a 409 naming what is missing', () => {
    expect(buildReportModel(db, '01JZZZZZZZZZZZZZZZZZZZZZZZ', 'plan', OPTIONS)).toMatchObject({ ok: false, status: 404, errors: { _form: '未找到该评价项目' } })
    expect(buildReportModel(db, panel.engagementId, 'plan', OPTIONS)).toMatchObject({ ok: false, status: 409, errors: { _form: '尚未建立评分表（指标体系），不能生成评价工作方案' } })
    expect(startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: frameworkVersionId(db, 'cy2020-project') }), clock.tick()).ok).toBe(true)
    for (const s of panel.seats) expect(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', clock.tick()).ok).toBe(true)
    expect(buildReportModel(db, panel.engagementId, 'evaluation', OPTIONS)).toMatchObject({ ok: false, status: 409, errors: { _form: '尚无专家提交评分，不能生成报告（需先完成专家评分）' } })
    expect(buildReportModel(db, panel.engagementId, 'ex-ante', OPTIONS)).toMatchObject({ ok: false, status: 409, errors: { _form: '该项目不是事前绩效评估项目，不能生成事前绩效评估报告' } })
  })

  test('the work plan is built from the draft sheet and the panel, with pseudonyms by default', () => {
    const plan = model(db, panel.engagementId, 'plan')
    expect(plan.sheet.frozenAt).toBeNull()
    expect(plan.sheet.basedOn).toBe('项目支出绩效评价共性指标体系框架（2020）')
    expect(plan.scoring).toBeNull()
    expect(plan.engagement).toMatchObject({ bureau: '杭州市滨江区财政局', agency: '浙江明鉴绩效评价咨询有限公司', lead: '赵核', team: ['李评'], fundsFen: 3420_000000, contractNo: 'MJ-2025-021' })
    expect(plan.panel).toMatchObject({ showNames: false, reviewDate: '2026-06-10' })
    expect(plan.panel!.members.map((m) => m.displayName)).toEqual(['专家A', '专家B', '专家C', '专家D', '专家E'])
    const doc = composeDocument(plan)
    expectWellFormed(doc)
    expect(text(doc)).not.toContain('评分专家1')
  })

  test('after every expert submits, the evaluation report carries the live consolidation, reasons and drafts', () => {
    expect(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), clock.tick()).ok).toBe(true)
    scoreAndSubmit(db, panel, clock, (i, name) => `${name}佐证材料不完整（第${i + 1}位专家）。`)
    const evaluation = model(db, panel.engagementId, 'evaluation')
    const live = consolidationOf(db, panel.engagementId)!.consolidation!
    expect(evaluation.scoring).toMatchObject({ rule: 'trimmed', final: false, closedAt: null, total: live.total, experts: ['专家A', '专家B', '专家C', '专家D', '专家E'] })
    expect(leavesOf(evaluation.sheet.tree)).toHaveLength(evaluation.scoring!.results.length)
    expect(Object.values(evaluation.scoring!.versions['专家A']!).every((v) => v === 1)).toBe(true)
    const first = evaluation.scoring!.results[1]!
    expect(first.reasons.length).toBeGreaterThan(0)
    expect(evaluation.drafted).toEqual(['overview', 'targets', 'experience', 'problems', 'suggestions', 'other'])
    expect(evaluation.narrative.problems).toContain(first.reasons[0]!.text)
    expect(evaluation.expertSheets).toEqual([])
    const doc = composeDocument(evaluation)
    expectWellFormed(doc)
    expect(text(doc)).toContain(first.reasons[0]!.text)
    expect(text(doc)).not.toContain('评分专家')
    // Equal data and time give an equal document.
    expect(composeDocument(model(db, panel.engagementId, 'evaluation')).meta.documentId).toBe(doc.meta.documentId)
  })

  test('a final report waits for scoring to close; then it cites the stored result, rescores included', () => {
    expect(buildReportModel(db, panel.engagementId, 'evaluation', { ...OPTIONS, stage: 'final' })).toMatchObject({ ok: false, status: 409, errors: { _form: '评分尚未结束：定稿须在项目负责人结束评分（汇总结果存档）后生成' } })
    phase('discussion')
    const s = panel.seats[2]!
    const item = expertScoringPage(db, s.actor, s.seatId, clock.tick())!.items[1]!
    const rescored = saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String(item.node.weight / 100), reason: '', comment: '', rescoreReason: '核对补充材料后予以满分', seen: String(item.entry!.versionNo) }), clock.tick())
    expect(rescored.ok, JSON.stringify(rescored)).toBe(true)
    phase('closed')
    const final = model(db, panel.engagementId, 'evaluation', { stage: 'final', verification: { code: 'ABCD-2345', url: 'http://localhost:3000/verify/ABCD-2345' } })
    expect(final.scoring).toMatchObject({ final: true })
    expect(final.scoring!.closedAt).not.toBeNull()
    expect(final.scoring!.versions['专家C']![item.node.code]).toBe(2)
    expect(final.scoring!.rescores).toEqual([expect.objectContaining({ expert: '专家C', code: item.node.code, after: item.node.weight, reason: '核对补充材料后予以满分' })])
    expect(final.scoring!.results.find((r) => r.code === item.node.code)!.expertScores['专家C']).toBe(item.node.weight)
    const doc = composeDocument(final)
    expectWellFormed(doc)
    expect(doc.cover.verification?.code).toBe('ABCD-2345')
    // The official outline (checked word for word on the fixture in reports/compose/evaluation.test.ts).
    expect(level1Headings(doc).slice(0, 7)).toEqual(level1Headings(composeDocument(evaluationModel())).slice(0, 7))
  })

  test('written narrative replaces the drafts it covers; the draft is what the UI starts from', () => {
    const written = model(db, panel.engagementId, 'evaluation', { narrative: { targets: '年度目标：完成基本公共卫生服务项目全部任务。', other: '无。' } })
    expect(written.narrative.targets).toBe('年度目标：完成基本公共卫生服务项目全部任务。')
    expect(written.drafted).toEqual(['overview', 'experience', 'problems', 'suggestions'])
    expect(draftNarrative(written).problems).toBe(written.narrative.problems)
  })

  test('score sheets name each expert with their own scores; names show in reports once the panel says so', () => {
    const sheets = model(db, panel.engagementId, 'score-sheets')
    expect(sheets.expertSheets.map((s) => s.name)).toEqual(panel.seats.map((s) => s.name))
    expect(sheets.expertSheets.every((s) => s.submittedAt !== null && s.entries.every((e) => e.score !== null))).toBe(true)
    const doc = composeDocument(sheets)
    expectWellFormed(doc)
    for (const s of panel.seats) expect(text(doc)).toContain(`专家评分表（${s.name}）`)
    db.update(panels).set({ showExpertNames: true }).where(eq(panels.engagementId, panel.engagementId)).run()
    const named = model(db, panel.engagementId, 'evaluation')
    expect(named.panel!.members.map((m) => m.displayName)).toEqual(panel.seats.map((s) => s.name))
    expect(model(db, panel.engagementId, 'evaluation', { showExpertNames: false }).panel!.members[0]!.displayName).toBe('专家A')
  })
})

describe('an ex-ante assessment from the database', () => {
  let temp: TempDb
  let db: Db
  let panel: ReadyPanel
  let time = new Date('2026-05-01T01:00:00.000Z').getTime()
  const clock: Clock = { tick: (ms = 60_000) => new Date((time += ms)) }

  beforeAll(async () => {
    temp = await makeDemoDb(new Date(time))
    db = temp.db
    panel = await readyPanel(db, { engagementName: '2026年滨江区城市更新专项债券项目事前绩效评估', leadUsername: 'hengping.admin', size: 5, at: new Date(time) })
    expect(startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: frameworkVersionId(db, 'ex-ante-5d') }), clock.tick()).ok).toBe(true)
    for (const s of panel.seats) expect(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', clock.tick()).ok).toBe(true)
    expect(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5' }), clock.tick()).ok).toBe(true)
    scoreAndSubmit(db, panel, clock, (_i, name) => `${name}论证不够充分。`)
  })
  afterAll(() => temp?.cleanup())

  test('composes the ex-ante report with its five dimensions and a conclusion; the evaluation type is refused', () => {
    expect(buildReportModel(db, panel.engagementId, 'evaluation', OPTIONS)).toMatchObject({ ok: false, status: 409, errors: { _form: '事前绩效评估项目请生成事前绩效评估报告' } })
    const exAnte = model(db, panel.engagementId, 'ex-ante')
    expect(exAnte.engagement.kind).toBe('ex_ante')
    expect(exAnte.drafted).toEqual(['overview', 'targets', 'suggestions', 'other'])
    const doc = composeDocument(exAnte)
    expectWellFormed(doc)
    const headings = headingsOf(doc).map((h) => h.text)
    expect(headings).toEqual(expect.arrayContaining(['（一）立项必要性', '（二）投入经济性', '（三）绩效目标合理性', '（四）实施方案可行性', '（五）筹资合规性', '（六）总体结论']))
    expect(text(doc)).toMatch(/评估结论：(予以支持|调整完善后予以支持|不予支持)。/)
  })
})
