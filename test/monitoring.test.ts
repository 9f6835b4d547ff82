// Monitoring engagements on a real database: the team saves the monitoring table, the budget
// execution, the thresholds and the suggestions (each one transaction with its audit row, guarded by
// the sheet's version); warnings computed from the stored rows equal the domain's on the same input;
// the commissioning bureau reads; everybody else, and any other kind of engagement, gets nothing.
// The monitoring report is rendered to DOCX and PDF and read back.
import { and, eq, like } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { auditLog, engagements, monitoringIndicators } from '../db/schema'
import { assessBudgetExecution, DEFAULT_THRESHOLDS, monitoringWarnings, parseMonitoringIndicator, type MonitoringIndicatorInput } from '../app/domain/fieldwork/monitoring'
import { monitoringPage, monitoringReportDocument, monitoringReportFile, saveMonitoring, type MonitoringIntent } from '../app/services/monitoring.server'
import { squash } from '../reports/pdf/read-pdf'
import { demoDatabase, formData } from './helpers/demo-db'
import { docxText, pdfText } from './helpers/file-text'

const MONITORING = '2025年滨江区基本公共卫生服务项目绩效运行监控'
const PROJECT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const demo = demoDatabase(new Date('2026-03-01T01:00:00.000Z'))

const idOf = (name: string) => demo.db().select().from(engagements).where(eq(engagements.name, name)).get()!.id
const lead = () => demo.actorOf('mingjian.zhao')

const ROWS: MonitoringIndicatorInput[] = [
  { name: '基本公共卫生服务覆盖人数', unit: '万人', direction: 'positive', measure: 'quantitative', annualTarget: '120', ytdActual: '70', expectedFullYear: '100', cause: 'funding', causeNote: '', likelihood: 'possible', remark: '' },
  { name: '家庭医生签约率', unit: '%', direction: 'positive', measure: 'quantitative', annualTarget: '80', ytdActual: '45', expectedFullYear: '60', cause: 'staffing', causeNote: '签约医生缺编 12 人', likelihood: 'impossible', remark: '已报卫健委' },
  { name: '居民健康档案投诉率', unit: '%', direction: 'negative', measure: 'quantitative', annualTarget: '5', ytdActual: '2', expectedFullYear: '4', cause: '', causeNote: '', likelihood: 'certain', remark: '' },
  { name: '群众满意度', unit: '', direction: 'positive', measure: 'qualitative', annualTarget: '较高', ytdActual: '较高', expectedFullYear: '较高', cause: '', causeNote: '', likelihood: 'certain', remark: '' },
]

function tableForm(rows: MonitoringIndicatorInput[], version: number) {
  const fields: Record<string, string[] | string> = { version: String(version) }
  for (const key of Object.keys(rows[0]!) as (keyof MonitoringIndicatorInput)[]) fields[key] = rows.map((r) => r[key])
  return formData(fields)
}

const versionNow = () => monitoringPage(demo.db(), lead(), idOf(MONITORING))!.version
const save = (intent: MonitoringIntent, fields: Record<string, string | string[]>, who = lead()) =>
  saveMonitoring(demo.db(), who, idOf(MONITORING), intent, formData({ version: String(versionNow()), ...fields }), demo.tick())

describe('who sees the monitoring page', () => {
  test('the team edits, the commissioning bureau reads, others and other kinds get nothing', () => {
    const page = monitoringPage(demo.db(), lead(), idOf(MONITORING))
    expect(page).toMatchObject({ mayEdit: true, version: 0, rows: [], budget: null, thresholds: DEFAULT_THRESHOLDS, warnings: [] })
    expect(monitoringPage(demo.db(), demo.actorOf('mingjian.li'), idOf(MONITORING))?.mayEdit).toBe(true)
    expect(monitoringPage(demo.db(), demo.actorOf('binjiang.finance'), idOf(MONITORING))?.mayEdit).toBe(false)
    for (const who of ['xihu.finance', 'hengping.admin', 'unit.edu', 'expert.zhang', 'admin']) expect(monitoringPage(demo.db(), demo.actorOf(who), idOf(MONITORING)), who).toBeUndefined()
    expect(monitoringPage(demo.db(), lead(), idOf(PROJECT))).toBeUndefined()
    expect(saveMonitoring(demo.db(), lead(), idOf(PROJECT), 'suggestions', formData({ version: '0', suggestions: 'x' }), demo.tick())).toMatchObject({ ok: false, status: 404 })
    expect(saveMonitoring(demo.db(), demo.actorOf('binjiang.finance'), idOf(MONITORING), 'suggestions', formData({ version: '0', suggestions: 'x' }), demo.tick())).toMatchObject({ ok: false, status: 403 })
    expect(saveMonitoring(demo.db(), demo.actorOf('hengping.admin'), idOf(MONITORING), 'suggestions', formData({ version: '0', suggestions: 'x' }), demo.tick())).toMatchObject({ ok: false, status: 404 })
  })
})

describe('the monitoring table', () => {
  test('bad rows are refused cell by cell with the domain’s messages, blank rows skipped, nothing stored', () => {
    const bad: MonitoringIndicatorInput[] = [
      { ...ROWS[0]!, annualTarget: '一百二十' },
      { ...ROWS[2]!, name: '', annualTarget: '', ytdActual: '', expectedFullYear: '', likelihood: 'certain', unit: '' },
      { ...ROWS[1]!, likelihood: 'certain' },
      { ...ROWS[1]!, likelihood: 'impossible' },
    ]
    const result = saveMonitoring(demo.db(), lead(), idOf(MONITORING), 'indicators', tableForm(bad, 0), demo.tick())
    expect(result).toMatchObject({ ok: false, status: 400 })
    if (result.ok) return
    expect(result.errors['annualTarget.0']).toBe('第 1 行：「基本公共卫生服务覆盖人数」的年度指标值须为数字（最多 12 位整数、4 位小数）')
    expect(Object.keys(result.errors).some((k) => k.endsWith('.1'))).toBe(false)
    expect(result.errors['likelihood.2']).toContain('不能为「确定能」')
    expect(result.errors['name.3']).toBe('第 4 行：指标「家庭医生签约率」与第 3 行重复')
    expect(result.values?.annualTarget).toEqual(['一百二十', '', '80', '80'])
    expect(demo.db().select().from(monitoringIndicators).all()).toEqual([])
  })

  test('saved rows come back in order and their warnings equal the domain’s on the same input', () => {
    const result = saveMonitoring(demo.db(), lead(), idOf(MONITORING), 'indicators', tableForm(ROWS, 0), demo.tick())
    expect(result).toMatchObject({ ok: true, value: { version: 1, warnings: 2 } })
    const page = monitoringPage(demo.db(), demo.actorOf('binjiang.finance'), idOf(MONITORING))!
    const parsed = ROWS.map((r) => {
      const p = parseMonitoringIndicator(r)
      if (!p.ok) throw new Error(JSON.stringify(p.problems))
      return p.value
    })
    expect(page.rows.map((r) => r.name)).toEqual(ROWS.map((r) => r.name))
    expect(page.warnings).toEqual(monitoringWarnings(parsed, null, DEFAULT_THRESHOLDS))
    expect(page.warnings.map((w) => [w.level, w.subject])).toEqual([
      ['red', '家庭医生签约率'],
      ['yellow', '基本公共卫生服务覆盖人数'],
    ])
    expect(page.rows.map((r) => r.deviationRate)).toEqual(['16.7%', '25.0%', '20.0%', '—'])
    expect(page.updated?.byName).toBe('赵核')
  })

  test('a stale version answers 409 and changes nothing', () => {
    const result = saveMonitoring(demo.db(), lead(), idOf(MONITORING), 'indicators', tableForm(ROWS.slice(0, 1), 0), demo.tick())
    expect(result).toMatchObject({ ok: false, status: 409 })
    expect(monitoringPage(demo.db(), lead(), idOf(MONITORING))!.rows).toHaveLength(4)
  })
})

describe('budget execution and thresholds', () => {
  test('bad figures are named beside their fields', () => {
    const over = save('budget', { budget: '3420', spent: '3500', asOf: '2025-07-31', basis: 'month' })
    expect(over).toMatchObject({ ok: false, status: 400, errors: { spent: expect.stringContaining('超过预算金额') } })
    const wrongYear = save('budget', { budget: '3420', spent: '1000', asOf: '2024-07-31', basis: 'month' })
    expect(wrongYear).toMatchObject({ ok: false, errors: { asOf: '监控截止日期须在预算年度 2025 年内' } })
    const blank = save('budget', { budget: '', spent: 'abc', asOf: '', basis: 'week' })
    expect(blank).toMatchObject({ ok: false, errors: { budget: '请填写预算金额', asOf: '请填写监控截止日期', basis: '请选择序时进度计算方式' } })
    if (!blank.ok) expect(blank.errors.spent).toBeDefined()
  })

  test('execution behind 序时进度 becomes the first warning, as the domain computes it', () => {
    expect(save('budget', { budget: '3420', spent: '1000', asOf: '2025-07-31', basis: 'month' })).toMatchObject({ ok: true })
    const page = monitoringPage(demo.db(), lead(), idOf(MONITORING))!
    const expected = assessBudgetExecution({ budgetFen: 3420_000000, spentFen: 1000_000000, asOf: '2025-07-31', year: 2025, basis: 'month' }, DEFAULT_THRESHOLDS.budget)
    if (!expected.ok) throw new Error('fixture')
    expect(page.budget).toMatchObject({ budgetFen: 3420_000000, spentFen: 1000_000000, execution: '29.2%', elapsed: '58.3%', level: 'red', reason: expected.value.reason })
    expect(page.warnings[0]).toEqual({ level: 'red', subject: '预算执行进度', message: expected.value.reason })
  })

  test('thresholds are validated and change the warnings of the stored rows', () => {
    const bad = save('thresholds', { budgetYellow: '30', budgetRed: '20', indicatorYellow: '0', indicatorRed: '12.345' })
    expect(bad).toMatchObject({ ok: false, status: 400 })
    if (!bad.ok) {
      expect(bad.errors.indicatorYellow).toContain('预警阈值须为大于 0')
      expect(bad.errors.indicatorRed).toContain('最多两位小数')
      expect(bad.errors.budgetRed).toBe('预算执行的红色预警阈值须大于黄色预警阈值（30 个百分点）')
    }
    expect(save('thresholds', { budgetYellow: '30', budgetRed: '40', indicatorYellow: '17', indicatorRed: '30' })).toMatchObject({ ok: true })
    const page = monitoringPage(demo.db(), lead(), idOf(MONITORING))!
    expect(page.thresholds).toEqual({ budget: { yellow: 3000, red: 4000 }, indicator: { yellow: 1700, red: 3000 } })
    // 29.1 points behind is below the new yellow line; 16.7% short is too; 完全不可能 stays red.
    expect(page.warnings.map((w) => [w.level, w.subject])).toEqual([['red', '家庭医生签约率']])
    expect(save('thresholds', { budgetYellow: '10', budgetRed: '20', indicatorYellow: '10', indicatorRed: '20' })).toMatchObject({ ok: true })
  })

  test('every save left its audit row', () => {
    const actions = demo
      .db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, idOf(MONITORING)), like(auditLog.action, 'monitoring.%')))
      .all()
      .map((r) => r.action)
    expect(actions).toEqual(['monitoring.indicators.save', 'monitoring.budget.save', 'monitoring.thresholds.save', 'monitoring.thresholds.save'])
  })
})

describe('the monitoring report', () => {
  test('DOCX and PDF carry the table values, the warnings with their reasons and the suggestions', async () => {
    expect(save('suggestions', { suggestions: '加快资金拨付进度。\n补充签约医生。' })).toMatchObject({ ok: true })
    const page = monitoringPage(demo.db(), lead(), idOf(MONITORING))!
    const budgetReason = page.budget!.reason
    const docx = await monitoringReportFile(demo.db(), demo.actorOf('binjiang.finance'), idOf(MONITORING), 'docx', demo.tick())
    expect(docx?.filename).toBe('2025年滨江区基本公共卫生服务项目绩效运行监控报告')
    const text = docxText(docx!.bytes)
    for (const expected of ['项目支出绩效目标执行监控表', '1–7月执行情况', '家庭医生签约率', '60 %', '签约医生缺编 12 人', '红色预警', '黄色预警', '完全不可能', budgetReason, '加快资金拨付进度。', '群众满意度', '较高', '29.2%', '58.3%'])
      expect(text, expected).toContain(expected)
    const pdf = await monitoringReportFile(demo.db(), lead(), idOf(MONITORING), 'pdf', demo.tick())
    const pdfContent = await pdfText(pdf!.bytes)
    for (const expected of ['家庭医生签约率', '基本公共卫生服务覆盖人数', '120万人', '签约医生缺编12人', '【红色预警】家庭医生签约率', squash(budgetReason), '补充签约医生。'])
      expect(pdfContent, expected).toContain(expected)
    expect(await monitoringReportFile(demo.db(), demo.actorOf('xihu.finance'), idOf(MONITORING), 'pdf', demo.tick())).toBeUndefined()
    const generated = demo.db().select().from(auditLog).where(eq(auditLog.action, 'monitoring.report.generate')).all()
    expect(generated).toHaveLength(2)
  })

  test('a sheet with nothing entered still composes, saying so', () => {
    const view = { ...monitoringPage(demo.db(), lead(), idOf(MONITORING))!, rows: [], budget: null, warnings: [], suggestions: '' }
    const body = JSON.stringify(monitoringReportDocument(view, '2026-03-01T00:00:00.000Z').body)
    for (const expected of ['尚未填报预算执行情况。', '尚未填报绩效指标监控情况。', '本次监控未发现黄色或红色预警。', '（未填写）']) expect(body).toContain(expected)
  })
})
