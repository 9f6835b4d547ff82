// Monitoring over HTTP against the built server: the engagement page links the monitoring page; the
// lead saves the monitoring table (a bad cell is refused beside it and the form keeps what was
// typed; a stale version is 409), the budget execution and the thresholds; the warnings show as
// badges; the bureau reads without forms and downloads the report (attachment, nosniff, no-store).
// A non-monitoring engagement, another agency and another bureau get 404.
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { engagements, monitoringSheets } from '../db/schema'
import { docxText } from './helpers/file-text'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

const MONITORING = '2025年滨江区基本公共卫生服务项目绩效运行监控'
const PROJECT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'

let server: RunningServer
let db: Db
let monitoringId: string
let projectId: string
let lead: Client
let reviewer: Client
let otherAgency: Client
let otherBureau: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
  monitoringId = db.select().from(engagements).where(eq(engagements.name, MONITORING)).get()!.id
  projectId = db.select().from(engagements).where(eq(engagements.name, PROJECT)).get()!.id
  lead = await loggedIn(server.url, 'mingjian.zhao')
  reviewer = await loggedIn(server.url, 'binjiang.finance')
  otherAgency = await loggedIn(server.url, 'hengping.admin')
  otherBureau = await loggedIn(server.url, 'xihu.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const page = (id = monitoringId) => `/engagements/${id}/monitoring`
const version = () => String(db.select().from(monitoringSheets).where(eq(monitoringSheets.engagementId, monitoringId)).get()?.version ?? 0)

const ROW = (over: Record<string, string> = {}) => ({
  name: '家庭医生签约率',
  unit: '%',
  direction: 'positive',
  measure: 'quantitative',
  annualTarget: '80',
  ytdActual: '45',
  expectedFullYear: '60',
  cause: 'staffing',
  causeNote: '',
  likelihood: 'possible',
  remark: '',
  ...over,
})

function tableForm(rows: Record<string, string>[], v = version()) {
  const form: Record<string, string | string[]> = { intent: 'indicators', version: v }
  for (const key of Object.keys(rows[0]!)) form[key] = rows.map((r) => r[key]!)
  return form
}

describe('the monitoring page', () => {
  test('the engagement page links it for a monitoring engagement only', async () => {
    const html = await (await lead.get(`/engagements/${monitoringId}`)).text()
    expect(html).toContain(`href="/engagements/${monitoringId}/monitoring"`)
    expect(await (await lead.get(`/engagements/${projectId}`)).text()).not.toContain('/monitoring"')
  })

  test('a bad cell is refused beside it and the form keeps what was typed; a good table is saved and warned', async () => {
    const bad = await lead.post(page(), tableForm([ROW({ annualTarget: '八十' })]))
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('第 1 行：「家庭医生签约率」的年度指标值须为数字')
    expect(html).toContain('value="八十"')
    expect(version()).toBe('0')

    const ok = await lead.post(page(), tableForm([ROW(), ROW({ name: '居民健康档案建档率', annualTarget: '90', ytdActual: '86', expectedFullYear: '90', cause: '', likelihood: 'certain' })]))
    expect(ok.status).toBe(200)
    const saved = await ok.text()
    expect(saved).toContain('监控表已保存。当前预警 1 项。')
    expect(saved).toContain('data-level="red"')
    expect(saved).toContain('全年预计 60 %，年度指标值 80 %，偏差 25.0%，达到红色预警线（20 个百分点）')
  })

  test('a stale version answers 409 and nothing changes', async () => {
    const res = await lead.post(page(), tableForm([ROW({ name: '另一项' })], '0'))
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('数据已被他人修改，请刷新后重试')
    expect(version()).toBe('1')
  })

  test('budget execution and thresholds are saved; bad input is named beside its field', async () => {
    const bad = await lead.post(page(), { intent: 'budget', version: version(), budget: '3420', spent: '9999', asOf: '2025-06-30', basis: 'month' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('超过预算金额')
    const ok = await lead.post(page(), { intent: 'budget', version: version(), budget: '3420', spent: '1500', asOf: '2025-06-30', basis: 'month' })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('序时进度 50.0%')
    const thresholds = await lead.post(page(), { intent: 'thresholds', version: version(), budgetYellow: '5', budgetRed: '4', indicatorYellow: '10', indicatorRed: '20' })
    expect(thresholds.status).toBe(400)
    expect(await thresholds.text()).toContain('预算执行的红色预警阈值须大于黄色预警阈值（5 个百分点）')
    expect((await lead.post(page(), { intent: 'thresholds', version: version(), budgetYellow: '5', budgetRed: '8', indicatorYellow: '10', indicatorRed: '20' })).status).toBe(200)
    // 50.0% elapsed against 43.9% spent: 6.1 points behind reaches the new yellow line.
    const html = await (await lead.get(page())).text()
    expect(html).toContain('落后 6.1 个百分点，达到黄色预警线（5 个百分点）')
    expect(html).toContain('data-level="yellow"')
  })

  test('the bureau reads without forms and may not save; others and other kinds get 404', async () => {
    const res = await reviewer.get(page())
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('家庭医生签约率')
    expect(html).not.toContain('data-testid="monitoring-form"')
    expect((await reviewer.post(page(), { intent: 'suggestions', version: version(), suggestions: '财政局写的' })).status).toBe(403)
    for (const client of [otherAgency, otherBureau]) {
      expect((await client.get(page())).status).toBe(404)
      expect((await client.post(page(), { intent: 'suggestions', version: version(), suggestions: 'x' })).status).toBe(404)
      expect((await client.get(`${page()}/report/docx`)).status).toBe(404)
    }
    expect((await lead.get(page(projectId))).status).toBe(404)
    expect((await lead.post(page(projectId), { intent: 'suggestions', version: '0', suggestions: 'x' })).status).toBe(404)
  })

  test('the report downloads as an attachment with the table and the warnings', async () => {
    expect((await lead.post(page(), { intent: 'suggestions', version: version(), suggestions: '尽快补充签约医生。' })).status).toBe(200)
    const res = await reviewer.get(`${page()}/report/docx`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toContain('no-store')
    const text = docxText(new Uint8Array(await res.arrayBuffer()))
    for (const expected of ['项目支出绩效目标执行监控表', '1–6月执行情况', '家庭医生签约率', '80 %', '60 %', '人员保障', '【红色预警】家庭医生签约率', '【黄色预警】预算执行进度', '尽快补充签约医生。']) expect(text, expected).toContain(expected)
    const pdf = await lead.get(`${page()}/report/pdf`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect((await lead.get(`${page()}/report/html`)).status).toBe(404)
  })
})

describe('hostile cells in a valid table', () => {
  const HOSTILE = ['', ' ', '\u0000', '\uD800', '-0', '1e309', 'NaN', '9'.repeat(40), '0.00001', '１２０', '1,200', '95.5%', 'x'.repeat(600), '<script>alert(1)</script>', 'other', 'impossible', 'negative', 'qualitative']
  const cellValue = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 }))
  const fields = Object.keys(ROW())

  test('one or two spoilt cells: 200 and saved, or 400 and nothing changed; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...fields), fc.integer({ min: 0, max: 1 }), cellValue), { minLength: 1, maxLength: 2 }), async (spoilt) => {
        const rows: Record<string, string>[] = [ROW(), ROW({ name: '居民健康档案建档率', annualTarget: '90', ytdActual: '86', expectedFullYear: '90', cause: '', likelihood: 'certain' })]
        for (const [field, i, v] of spoilt) rows[i]![field] = v
        const before = version()
        const res = await lead.post(page(), tableForm(rows, before))
        const text = await res.text()
        expect([200, 400], `status ${res.status}: ${text.slice(0, 300)}`).toContain(res.status)
        expect(version()).toBe(res.status === 200 ? String(Number(before) + 1) : before)
      }),
      { numRuns: 60 },
    )
  })
})
