// Reports over HTTP against the built server: the lead writes, generates (rendered in the server's
// worker pool), downloads, compares and issues; anyone can then check the code at /verify and upload
// a file to compare it byte for byte. The public page shows no expert and no score.
import { desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { reportVersions } from '../db/schema'
import { sha256Hex } from '../reports/render'
import { Client, loggedIn } from './helpers/http'
import type { ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

let server: RunningServer
let db: Db
let panel: ReadyPanel
let lead: Client
const downloads = new Map<string, Uint8Array>()

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY, EVALDESK_PUBLIC_URL: 'https://evaldesk.example.cn' } })
  db = openDatabase(server.dbFile)
  panel = await scoredEngagement(db, { at: new Date() })
  lead = await loggedIn(server.url, 'mingjian.zhao')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const page = () => `/engagements/${panel.engagementId}/reports/evaluation`
const latest = () => db.select().from(reportVersions).where(eq(reportVersions.engagementId, panel.engagementId)).orderBy(desc(reportVersions.versionNo)).get()!

function upload(client: Client, code: string, bytes: Uint8Array, name: string) {
  const body = new FormData()
  body.append('file', new Blob([Uint8Array.from(bytes)]), name)
  return client.request(`/verify/${code}`, { method: 'POST', body })
}

describe('the lead’s report page', () => {
  test('offers the sections to write with drafts from the data, and keeps what was typed when it is refused', async () => {
    const res = await lead.get(page())
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('需要撰写的部分')
    expect(html).toContain('佐证材料不完整')
    const tooLong = await lead.post(page(), { intent: 'narrative', version: '0', overview: '项目概况', other: '长'.repeat(20_001) })
    expect(tooLong.status).toBe(400)
    const body = await tooLong.text()
    expect(body).toContain('不能超过 20000 个字符')
    expect(body).toContain('项目概况')
    expect((await lead.post(page(), { intent: 'narrative', version: '0', overview: '项目概况：覆盖全区 12 家社区卫生服务中心。', suggestions: '一是细化绩效目标。' })).status).toBe(200)
  })

  test('generates a 初稿 then a 定稿 in the worker pool; the downloads are the hashed bytes', async () => {
    expect(await (await lead.post(page(), { intent: 'generate', stage: 'draft', note: '' })).text()).toContain('已生成第 1 版')
    expect((await lead.post(page(), { intent: 'narrative', version: '1', overview: '项目概况：覆盖全区 12 家社区卫生服务中心。', suggestions: '一是细化绩效目标；二是加强满意度调查。' })).status).toBe(200)
    const res = await lead.post(page(), { intent: 'generate', stage: 'final', note: '报财政局' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('已生成第 2 版')
    const v = latest()
    for (const format of ['docx', 'pdf'] as const) {
      const file = await lead.get(`/engagements/${panel.engagementId}/reports/files/${v.id}/${format}`)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-disposition')).toMatch(/^attachment;/)
      const bytes = new Uint8Array(await file.arrayBuffer())
      expect(sha256Hex(bytes)).toBe(format === 'docx' ? v.docxSha256 : v.pdfSha256)
    }
    // Another agency's admin cannot fetch it.
    const other = await loggedIn(server.url, 'hengping.admin')
    expect((await other.get(`/engagements/${panel.engagementId}/reports/files/${v.id}/pdf`)).status).toBe(404)
  })

  test('issues the 定稿: a new version with a code; the 初稿 and the 定稿 compare section by section', async () => {
    const final = latest()
    const res = await lead.post(page(), { intent: 'issue', versionId: final.id })
    expect(res.status).toBe(200)
    const issued = latest()
    expect(issued.verificationCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    expect(JSON.parse(issued.modelJson).document.verification.url).toBe(`https://evaldesk.example.cn/verify/${issued.verificationCode}`)
    for (const format of ['docx', 'pdf'] as const) {
      const file = await lead.get(`/engagements/${panel.engagementId}/reports/files/${issued.id}/${format}`)
      downloads.set(format, new Uint8Array(await file.arrayBuffer()))
    }
    const first = db.select().from(reportVersions).where(eq(reportVersions.versionNo, 1)).get()!
    const compare = await lead.get(`${page()}/compare?from=${first.id}&to=${final.id}`)
    expect(compare.status).toBe(200)
    const diff = await compare.text()
    expect(diff).toContain('加强满意度调查')
    expect(diff).toMatch(/六、有关建议.*有修改/s)
  })
})

describe('public verification', () => {
  test('anyone sees the report’s identity and hashes, and never an expert or a score', async () => {
    const code = latest().verificationCode!
    const anonymous = new Client(server.url)
    const res = await anonymous.get(`/verify/${code.toLowerCase()}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('浙江明鉴绩效评价咨询有限公司')
    expect(html).toContain(latest().pdfSha256)
    for (const s of panel.seats) expect(html).not.toContain(s.name)
    expect(html).not.toMatch(/专家A|得分/)
    const typed = await anonymous.post('/verify', { code: code.replace('-', ' ').toLowerCase() })
    expect(typed.status).toBe(302)
    expect(typed.headers.get('location')).toBe(`/verify/${code}`)
    expect((await anonymous.post('/verify', { code: 'not-a-code' })).status).toBe(400)
  })

  test('an uploaded file is recognized byte for byte; a changed one is not; an oversized one is 413', async () => {
    const code = latest().verificationCode!
    const anonymous = new Client(server.url)
    const pdf = await upload(anonymous, code, downloads.get('pdf')!, '报告.pdf')
    expect(await pdf.text()).toContain('逐字节相同')
    const docx = await upload(anonymous, code, downloads.get('docx')!, '报告.docx')
    expect(await docx.text()).toContain('Word 文件逐字节相同')
    const changed = Uint8Array.from(downloads.get('pdf')!)
    changed[100] = changed[100]! ^ 1
    expect(await (await upload(anonymous, code, changed, '改过的.pdf')).text()).toContain('不一致')
    const tooBig = await upload(anonymous, code, new Uint8Array(5.5 * 1024 * 1024), '大.pdf')
    expect(tooBig.status).toBe(413)
    expect(tooBig.headers.get('connection')).toBe('close')
    expect((await upload(anonymous, 'ZZZZ-ZZZZ', downloads.get('pdf')!, 'x.pdf')).status).toBe(404)
  })
})
