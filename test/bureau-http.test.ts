// The bureau side of results over HTTP against the built server: the reviewer records a budget
// decision (errors beside their fields, what was typed kept), reads the yearly dashboard and results
// summary, and downloads the disclosure list in three formats that carry the project and no expert.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { squash } from '../reports/pdf/read-pdf'
import { acceptedEngagement, type AcceptedEngagement } from './helpers/accepted-engagement'
import { docxText, pdfText, xlsxText } from './helpers/file-text'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

const PROJECT = '2025年滨江区基本公共卫生服务项目绩效运行监控'

let server: RunningServer
let db: Db
let fixture: AcceptedEngagement
let reviewer: Client
let otherBureau: Client

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  fixture = await acceptedEngagement(db, { at: new Date() })
  reviewer = await loggedIn(server.url, 'binjiang.finance')
  otherBureau = await loggedIn(server.url, 'xihu.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const confidential = (text: string) => {
  for (const s of fixture.seats) expect(text).not.toContain(s.name)
  expect(text).not.toMatch(/专家[A-Z]/)
}

describe('the budget decision page', () => {
  const page = () => `/engagements/${fixture.engagementId}/results`

  test('is linked from the engagement for the commissioning bureau, and 404 for the agency and other bureaus', async () => {
    expect(await (await reviewer.get(`/engagements/${fixture.engagementId}`)).text()).toContain('进入结果应用')
    const lead = await loggedIn(server.url, 'mingjian.zhao')
    expect(await (await lead.get(`/engagements/${fixture.engagementId}`)).text()).not.toContain('进入结果应用')
    expect((await lead.get(page())).status).toBe(404)
    expect((await lead.post(page(), { decision: 'maintain', version: '0' })).status).toBe(404)
    expect((await otherBureau.get(page())).status).toBe(404)
  })

  test('refuses a cut without its percentage beside the field, keeping the note; then saves', async () => {
    const html = await (await reviewer.get(page())).text()
    expect(html).toMatch(/按评价等级「[优良中差]」建议/)
    const refused = await reviewer.post(page(), { decision: 'reduce', cutPercent: '', note: '绩效目标不够细化', version: '0' })
    expect(refused.status).toBe(400)
    const body = await refused.text()
    expect(body).toContain('压减须填写压减比例')
    expect(body).toContain('绩效目标不够细化')
    const saved = await reviewer.post(page(), { decision: 'reduce', cutPercent: '20', note: '绩效目标不够细化', version: '0' })
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('已保存：压减 20%')
    expect((await reviewer.post(page(), { decision: 'maintain', version: '0' })).status).toBe(409)
  })
})

describe('the bureau’s yearly pages', () => {
  test('the dashboard shows the grade chart and review time to the bureau, and nothing of it to another bureau', async () => {
    const res = await reviewer.get('/bureau?year=2025')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<svg')
    expect(html).toContain('已验收项目评价等级分布')
    expect(html).toMatch(/平均审核时长<\/dt><dd>3 天/)
    const other = await (await otherBureau.get('/bureau?year=2025')).text()
    expect(other).not.toContain('<svg')
    expect(other).toContain('本年度尚无已验收的评价报告')
  })

  test('the results summary crosses grade and decision', async () => {
    const html = await (await reviewer.get('/bureau/results?year=2025')).text()
    expect(html).toContain(PROJECT)
    expect(html).toContain('压减 20%')
    expect(await (await otherBureau.get('/bureau/results?year=2025')).text()).not.toContain(PROJECT)
  })

  test('the disclosure page and its three downloads carry the project and nothing confidential', async () => {
    const page = await (await reviewer.get('/bureau/disclosure?year=2025')).text()
    expect(page).toContain(PROJECT)
    confidential(page)
    const texts: Record<string, string> = {}
    for (const format of ['xlsx', 'docx', 'pdf'] as const) {
      const res = await reviewer.get(`/bureau/disclosure/${format}?year=2025`)
      expect(res.status, format).toBe(200)
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
      const bytes = new Uint8Array(await res.arrayBuffer())
      texts[format] = format === 'xlsx' ? await xlsxText(bytes) : format === 'docx' ? docxText(bytes) : await pdfText(bytes)
    }
    expect(texts.xlsx).toContain(PROJECT)
    expect(texts.docx).toContain(PROJECT)
    expect(texts.pdf).toContain(squash(PROJECT))
    for (const text of Object.values(texts)) confidential(text)
    expect(await xlsxText(new Uint8Array(await (await otherBureau.get('/bureau/disclosure/xlsx?year=2025')).arrayBuffer()))).not.toContain(PROJECT)
    expect((await reviewer.get('/bureau/disclosure/exe?year=2025')).status).toBe(404)
  })
})
