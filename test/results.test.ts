// 结果应用, the bureau dashboard and the disclosure list on a real database: the budget decision waits
// for acceptance, is audited and 409 when stale; only the commissioning bureau's reviewers reach it;
// yearly views count the bureau's own engagements only; the disclosure files carry the project and
// nothing confidential.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, budgetDecisions, engagementUnits } from '../db/schema'
import { bureauDashboard } from '../app/services/bureau-overview.server'
import { disclosureFile, disclosureList } from '../app/services/disclosure.server'
import { confirmItem, createItems } from '../app/services/rectification.server'
import { acceptedEngagements, budgetDecisionPage, overviewBureauId, resultsSummary, saveBudgetDecision } from '../app/services/results.server'
import { squash } from '../reports/pdf/read-pdf'
import { acceptedEngagement, type AcceptedEngagement } from './helpers/accepted-engagement'
import { docxText, pdfText, xlsxText } from './helpers/file-text'
import { actorOf, form } from './helpers/panel-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let fixture: AcceptedEngagement
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const reviewer = () => actorOf(db, 'binjiang.finance')
const binjiang = () => overviewBureauId(reviewer())!
const xihu = () => overviewBureauId(actorOf(db, 'xihu.finance'))!

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  fixture = await acceptedEngagement(db, { at: tick() })
  clock += 10 * 24 * 3600_000
})
afterAll(() => temp?.cleanup())

describe('the budget decision', () => {
  test('is for the commissioning bureau’s reviewers only; everyone else gets 404', () => {
    for (const who of ['xihu.finance', 'mingjian.zhao', 'mingjian.admin', 'unit.edu', 'hengping.admin']) {
      expect(budgetDecisionPage(db, actorOf(db, who), fixture.engagementId), who).toBeUndefined()
      expect(saveBudgetDecision(db, actorOf(db, who), fixture.engagementId, form({ decision: 'maintain', version: '0' }), tick()), who).toMatchObject({ ok: false, status: 404 })
    }
    expect(budgetDecisionPage(db, reviewer(), 'not-an-id')).toBeUndefined()
  })

  test('shows the accepted report’s grade and suggests a decision from it', () => {
    const page = budgetDecisionPage(db, reviewer(), fixture.engagementId)!
    expect(page.accepted).toMatchObject({ versionId: fixture.versionId })
    expect(['优', '良', '中', '差']).toContain(page.accepted!.grade)
    expect(page.suggestion).toBe({ 优: 'priority', 良: 'maintain', 中: 'reduce', 差: 'suspend' }[page.accepted!.grade])
    expect(page.decision).toBeNull()
  })

  test('a cut needs its percentage; errors sit beside their fields and keep what was typed', () => {
    const missing = saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'reduce', cutPercent: '', note: '下年度压减', version: '0' }), tick())
    expect(missing).toMatchObject({ ok: false, status: 400, errors: { cutPercent: '压减须填写压减比例' }, values: { note: '下年度压减' } })
    for (const bad of ['0', '101', '12.5', 'abc', '-3'])
      expect(saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'reduce', cutPercent: bad, version: '0' }), tick())).toMatchObject({ ok: false, errors: { cutPercent: '压减比例须为 1 到 100 之间的整数' } })
    expect(saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'later', version: '0' }), tick())).toMatchObject({ ok: false, errors: { decision: '请选择预算安排意见' } })
    expect(db.select().from(budgetDecisions).all()).toHaveLength(0)
  })

  test('is saved with the grade and version it rests on, audited, changed with a fresh page, 409 with a stale one', () => {
    const first = saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'reduce', cutPercent: '20', note: '绩效目标不够细化，压减两成', version: '0' }), tick())
    expect(first).toMatchObject({ ok: true, value: { decision: 'reduce', label: '压减 20%', cutPercent: 20, version: 1 } })
    const row = db.select().from(budgetDecisions).where(eq(budgetDecisions.engagementId, fixture.engagementId)).get()!
    expect(row.reportVersionId).toBe(fixture.versionId)
    expect(saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'maintain', version: '0' }), tick())).toMatchObject({ ok: false, status: 409 })
    // A cut percentage typed and then another decision chosen is not kept.
    expect(saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'maintain', cutPercent: '30', version: '1' }), tick())).toMatchObject({ ok: true, value: { label: '维持', cutPercent: null, version: 2 } })
    const audits = db.select().from(auditLog).where(eq(auditLog.action, 'results.budget_decision')).all()
    expect(audits).toHaveLength(2)
    expect(JSON.parse(audits[1]!.beforeJson!)).toMatchObject({ decision: 'reduce', cutPercent: 20 })
    expect(JSON.parse(audits[1]!.afterJson!)).toMatchObject({ decision: 'maintain', cutPercent: null, reportVersionId: fixture.versionId })
    expect(saveBudgetDecision(db, reviewer(), fixture.engagementId, form({ decision: 'reduce', cutPercent: '15', version: '2' }), tick()).ok).toBe(true)
  })
})

describe('the bureau’s yearly views', () => {
  test('only a bureau’s own reviewers overview it', () => {
    expect(binjiang()).toBeDefined()
    for (const who of ['mingjian.admin', 'unit.edu', 'admin', 'expert.zhang']) expect(overviewBureauId(actorOf(db, who)), who).toBeUndefined()
  })

  test('the results summary crosses grade and decision for accepted engagements of the year, of this bureau only', () => {
    const summary = resultsSummary(db, binjiang(), 2025)
    expect(summary.rows).toHaveLength(1)
    expect(summary.rows[0]).toMatchObject({ id: fixture.engagementId, decision: '压减 15%', units: ['杭州市滨江区卫生健康局'] })
    const grade = summary.rows[0]!.grade
    expect(summary.table.counts[grade]!.reduce).toBe(1)
    expect(summary.table.total).toBe(1)
    expect(resultsSummary(db, xihu(), 2025).table.total).toBe(0)
    expect(resultsSummary(db, binjiang(), 2026).table.total).toBe(0)
  })

  test('the dashboard counts the bureau’s engagements by kind and stage, grades, and review time', () => {
    const d = bureauDashboard(db, binjiang(), 2025, tick())
    const bureauCount = db.$client.prepare(`SELECT count(*) AS n FROM engagements e JOIN organizations o ON o.id = e.finance_bureau_id WHERE o.name = '杭州市滨江区财政局' AND e.year = 2025`).get() as { n: number }
    expect(d.total).toBe(bureauCount.n)
    expect(d.byKindStage.rows.reduce((n, r) => n + r.total, 0)).toBe(bureauCount.n)
    expect(d.grades.reduce((n, g) => n + g.count, 0)).toBe(1)
    // Submitted, then accepted three days later.
    expect(d.review).toMatchObject({ averageDays: 3, decided: 1, accepted: 1, returned: 0, pending: 0 })
    const other = bureauDashboard(db, xihu(), 2025, tick())
    expect(other.grades).toEqual([])
    expect(other.review.decided).toBe(0)
    expect(other.byKindStage.rows.flatMap((r) => r.code)).not.toContain('monitoring')
  })

  test('rectification on the dashboard and in the disclosure list follows the confirmed items', () => {
    const unitId = db.select().from(engagementUnits).where(eq(engagementUnits.engagementId, fixture.engagementId)).get()!.evaluatedUnitId
    const proposedAt = new Date(clock)
    const created = createItems(db, fixture.lead, fixture.engagementId, form({ problem: ['资金台账不全'], requirement: ['建立资金台账'], unitId: [unitId], deadline: [proposedAt.toISOString().slice(0, 10)] }), proposedAt)
    if (!created.ok) throw new Error(JSON.stringify(created))
    expect(confirmItem(db, reviewer(), created.value.ids[0]!, form({ version: '1' }), tick()).ok).toBe(true)
    const later = new Date(clock + 30 * 24 * 3600_000)
    expect(bureauDashboard(db, binjiang(), 2025, later).rectification).toMatchObject({ total: 1, passed: 0, overdue: 1, rate: 0 })
    expect(disclosureList(db, binjiang(), 2025, later).rows[0]!.rectification).toBe('整改中（已完成 0/1 项，逾期 1 项）')
    expect(bureauDashboard(db, xihu(), 2025, later).rectification.total).toBe(0)
  })

  test('a report still waiting for review is not accepted and lists nowhere', () => {
    expect(acceptedEngagements(db, binjiang(), 2025).map((r) => r.id)).toEqual([fixture.engagementId])
  })
})

describe('the disclosure list', () => {
  const expertNames = () => fixture.seats.map((s) => s.name)
  const confidential = (text: string) => {
    for (const name of expertNames()) expect(text).not.toContain(name)
    expect(text).not.toMatch(/专家[A-Z]/)
  }

  test('lists the accepted project with its public facts and scrubs experts out of the problems', () => {
    const list = disclosureList(db, binjiang(), 2025, tick())
    expect(list.rows).toHaveLength(1)
    const row = list.rows[0]!
    expect(row).toMatchObject({ project: '2025年滨江区基本公共卫生服务项目绩效运行监控', units: '杭州市滨江区卫生健康局', funds: '3,420.00' })
    expect(row.rectification).toMatch(/^整改中/)
    expect(row.score).toMatch(/^\d+\.\d{2}$/)
    expect(row.problems).toContain('资金台账不全')
    confidential(JSON.stringify(list))
    expect(disclosureList(db, xihu(), 2025, tick()).rows).toEqual([])
  })

  test('the xlsx, docx and pdf carry the project and no expert identity', async () => {
    const list = disclosureList(db, binjiang(), 2025, tick())
    const xlsx = await disclosureFile(list, 'xlsx', tick())
    const cells = (await xlsxText(xlsx.bytes)).split('\n')
    expect(cells).toContain('2025年滨江区基本公共卫生服务项目绩效运行监控')
    expect(cells).toContain('项目名称')
    confidential(cells.join('\n'))

    const docx = docxText((await disclosureFile(list, 'docx', tick())).bytes)
    expect(docx).toContain('2025年滨江区基本公共卫生服务项目绩效运行监控')
    confidential(docx)

    const pdf = await pdfText((await disclosureFile(list, 'pdf', tick())).bytes)
    expect(pdf).toContain(squash('2025年滨江区基本公共卫生服务项目绩效运行监控'))
    expect(pdf).toContain('资金台账不全')
    confidential(pdf)
    expect(xlsx.filename).toBe('杭州市滨江区财政局2025年度财政支出绩效评价结果公开清单')
  })
})
