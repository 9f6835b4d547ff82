// 满意度调查 over HTTP against the built server: the lead creates a survey (a blank name is refused
// beside its field), a bad questionnaire row is refused beside the row and the form keeps what was
// typed, a 200-response CSV is uploaded (multipart), mapped, previewed and imported, the results page
// shows the rate, margin and SVG charts, and the 满意度 leaf's 评价数据 shows the suggestion. A PDF
// named .csv is 415 and leaves nothing; another agency, the bureau and the unit get 404.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { engagements, indicatorData, storedFiles, surveyImports, surveys } from '../db/schema'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

const ENGAGEMENT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'

let server: RunningServer
let db: Db
let engagementId: string
let lead: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
  engagementId = db.select().from(engagements).where(eq(engagements.name, ENGAGEMENT)).get()!.id
  lead = await loggedIn(server.url, 'mingjian.li')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const list = () => `/engagements/${engagementId}/surveys`
const theSurvey = () => db.select().from(surveys).where(eq(surveys.engagementId, engagementId)).get()!
const surveyUrl = () => `${list()}/${theSurvey().id}`

function upload(client: Client, bytes: Buffer, name: string) {
  const body = new FormData()
  body.append('file', new Blob([Uint8Array.from(bytes)]), name)
  return client.request(surveyUrl(), { method: 'POST', body })
}

// 200 answers: 非常满意 for 120, 满意 for 50, 一般 for 30 on the overall item.
const LEVELS = ['非常满意', '满意', '一般']
const CSV = Buffer.from(
  `\uFEFF序号,1、总体满意度,2、服务态度,3、意见建议\r\n${Array.from({ length: 200 }, (_, i) => `${i + 1},${LEVELS[i < 120 ? 0 : i < 170 ? 1 : 2]},${LEVELS[i % 3]},${i === 0 ? '"好,很好"' : ''}`).join('\r\n')}\r\n`,
  'utf8',
)

describe('the questionnaire', () => {
  test('a blank name is refused beside its field; a named survey opens its page', async () => {
    const bad = await lead.post(list(), { title: ' ' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('请填写调查名称')
    const ok = await lead.post(list(), { title: '受助学生满意度调查' })
    expect(ok.status).toBe(302)
    expect(ok.headers.get('location')).toBe(surveyUrl())
    const html = await (await lead.get(surveyUrl())).text()
    expect(html).toContain('总体满意度')
    expect(html).toMatch(/<option value="D102" selected="">D102/)
  })

  test('a bad row is refused beside the row and keeps what was typed; the good form saves', async () => {
    const base = { title: '受助学生满意度调查', indicatorCode: 'D102', scale: 'very', overall: 'q1', version: String(theSurvey().version) }
    const bad = await lead.post(surveyUrl(), { ...base, population: '五千', questionId: ['q1', ''], questionKind: ['likert', 'single'], questionTitle: ['总体满意度', '您的身份'], questionOptions: ['', '学生'] })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('第 2 题「您的身份」至少需要 2 个选项')
    expect(html).toContain('总体数量须为正整数，可留空')
    expect(html).toContain('value="五千"')
    expect(html).toContain('value="您的身份"')
    const ok = await lead.post(surveyUrl(), { ...base, population: '5000', questionId: ['q1', '', ''], questionKind: ['likert', 'likert', 'text'], questionTitle: ['总体满意度', '服务态度', '意见建议'], questionOptions: ['', '', ''] })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('已保存')
    expect(JSON.parse(theSurvey().questionnaireJson).questions).toHaveLength(3)
  })
})

describe('importing 200 responses from a CSV', () => {
  test('a PDF named .csv is 415 and nothing is stored', async () => {
    const files = db.select().from(storedFiles).all().length
    const res = await upload(lead, Buffer.from('%PDF-1.7\n%%EOF\n'), '答卷.csv')
    expect(res.status).toBe(415)
    expect(await res.text()).toContain('只能上传')
    expect(db.select().from(storedFiles).all()).toHaveLength(files)
  })

  test('upload, mapping with preview, then import; the results and the 满意度 suggestion follow', async () => {
    const res = await upload(lead, CSV, '问卷导出.csv')
    expect(res.status).toBe(302)
    const importUrl = res.headers.get('location')!
    const row = db.select().from(surveyImports).where(eq(surveyImports.surveyId, theSurvey().id)).get()!
    expect(importUrl).toBe(`${surveyUrl()}/imports/${row.id}`)
    const mapping = await (await lead.get(importUrl)).text()
    expect(mapping).toMatch(/<option value="1、总体满意度" selected="">/)
    expect(mapping).toContain('未发现问题，可导入 200 份答卷')
    expect(mapping).toContain('好,很好')
    // A wrong column choice: the preview names the row and column, and an import imports nothing.
    const wrong = { 'column.q1': '序号', 'column.q2': '2、服务态度', 'column.q3': '3、意见建议' }
    const preview = await lead.post(importUrl, { intent: 'preview', ...wrong })
    expect(preview.status).toBe(200)
    const problems = await preview.text()
    expect(problems).toContain('「序号」等列使用数字 1–5 作答')
    expect(problems).toMatch(/<td>7<\/td><td>序号<\/td><td>「6」不是有效选项/)
    const refused = await lead.post(importUrl, { intent: 'import', ...wrong, likertCoding: '' })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('未导入任何答卷')
    expect(db.select().from(surveyImports).where(eq(surveyImports.id, row.id)).get()!.status).toBe('uploaded')
    const done = await lead.post(importUrl, { intent: 'import', 'column.q1': '1、总体满意度', 'column.q2': '2、服务态度', 'column.q3': '3、意见建议' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('已导入 200 份答卷')
    const results = await (await lead.get(surveyUrl())).text()
    expect(results).toMatch(/data-testid="satisfaction-rate">85\.0%/)
    expect(results).toMatch(/data-testid="margin">±4\.8%/)
    expect(results).toContain('<svg role="img" aria-label="总体满意度：各选项人数"')
    expect(results).toContain('questionnaire-locked')
    const stored = db.select().from(indicatorData).where(and(eq(indicatorData.engagementId, engagementId), eq(indicatorData.code, 'D102'))).get()!
    expect(JSON.parse(stored.inputsJson)).toEqual({ type: 'survey', values: { satisfied: '170', valid: '200' } })
    const data = await (await lead.get(`/engagements/${engagementId}/data`)).text()
    expect(data).toContain('来自满意度调查《受助学生满意度调查》，有效样本 200')
  })
})

describe('who reaches it', () => {
  test('another agency, the bureau and the unit get 404 for the list, the survey and an upload', async () => {
    for (const who of ['hengping.admin', 'binjiang.finance', 'unit.edu']) {
      const client = await loggedIn(server.url, who)
      expect((await client.get(list())).status).toBe(404)
      expect((await client.get(surveyUrl())).status).toBe(404)
      expect((await upload(client, CSV, 'x.csv')).status).toBe(404)
    }
  })
})
