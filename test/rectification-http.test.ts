// Rectification over HTTP against the built server: the lead proposes (a bad row is refused beside
// its field and the form keeps what was typed), the bureau's reviewer confirms, the unit's contact
// finds the item on /unit/rectification and reports with an evidence file (a disguised or oversized
// file is refused), the reviewer downloads it as an attachment, fails it with a reason, then passes
// it; the bureau page shows the rate. Another bureau sees none of it.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { engagements, rectificationItems, storedFiles } from '../db/schema'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

const ENGAGEMENT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)])

let server: RunningServer
let db: Db
let engagementId: string
let lead: Client
let reviewer: Client
let unit: Client
let otherBureau: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
  engagementId = db.select().from(engagements).where(eq(engagements.name, ENGAGEMENT)).get()!.id
  lead = await loggedIn(server.url, 'mingjian.li')
  reviewer = await loggedIn(server.url, 'binjiang.finance')
  unit = await loggedIn(server.url, 'unit.edu')
  otherBureau = await loggedIn(server.url, 'xihu.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const page = () => `/engagements/${engagementId}/rectification`
const theItem = () => db.select().from(rectificationItems).where(eq(rectificationItems.engagementId, engagementId)).get()!
const itemUrl = () => `${page()}/${theItem().id}`

function report(client: Client, note: string, file?: { bytes: Uint8Array; name: string }) {
  const body = new FormData()
  body.append('note', note)
  body.append('version', String(theItem().version))
  if (file) body.append('file', new Blob([Uint8Array.from(file.bytes)]), file.name)
  return client.request(itemUrl(), { method: 'POST', body })
}

describe('proposing and confirming', () => {
  test('a bad row is refused beside its field and keeps what was typed; a good one is saved as 待确认', async () => {
    const unitId = /<option value="([0-9A-Z]{26})"[^>]*>杭州市滨江区教育局<\/option>/.exec(await (await lead.get(page())).text())?.[1]
    expect(unitId).toBeDefined()
    const bad = await lead.post(page(), { intent: 'create', problem: ['学生资助台账与学籍信息未比对'], requirement: [''], unitId: [unitId!], deadline: ['2030-06-30'] })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('请填写第 1 项的整改要求')
    expect(html).toContain('学生资助台账与学籍信息未比对')
    const ok = await lead.post(page(), { intent: 'create', problem: ['学生资助台账与学籍信息未比对'], requirement: ['每学期与学籍系统比对一次并留存记录'], unitId: [unitId!], deadline: ['2030-06-30'] })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('已提出 1 项整改事项')
    expect(theItem().status).toBe('pending')
    // Not yet the unit's: neither on its list nor by address.
    expect(await (await unit.get('/unit/rectification')).text()).not.toContain('学籍信息未比对')
    expect((await unit.get(itemUrl())).status).toBe(404)
  })

  test('the lead cannot confirm the agency’s own proposal; the reviewer does; another bureau gets 404', async () => {
    expect((await lead.post(itemUrl(), { intent: 'confirm', version: String(theItem().version) })).status).toBe(403)
    expect((await otherBureau.get(itemUrl())).status).toBe(404)
    expect((await otherBureau.post(page(), { intent: 'confirm', itemId: theItem().id, version: '1' })).status).toBe(404)
    const res = await reviewer.post(page(), { intent: 'confirm', itemId: theItem().id, version: String(theItem().version) })
    expect(res.status).toBe(200)
    expect(theItem().status).toBe('in_progress')
    const list = await (await unit.get('/unit/rectification')).text()
    expect(list).toContain('学籍信息未比对')
    expect(list).toContain('整改中')
  })
})

describe('the unit’s report with evidence', () => {
  test('a file that is not what its name says is 415, one over the cap 413, and neither is stored', async () => {
    const disguised = await report(unit, '已比对', { bytes: Buffer.from('<html><script>alert(1)</script></html>'), name: '比对记录.pdf' })
    expect(disguised.status).toBe(415)
    const body = await disguised.text()
    expect(body).toContain('只能上传')
    expect(body).toContain('已比对')
    const big = await report(unit, '已比对', { bytes: Buffer.concat([PNG, Buffer.alloc(5.5 * 1024 * 1024)]), name: '大.png' })
    expect(big.status).toBe(413)
    expect(big.headers.get('connection')).toBe('close')
    expect(db.select().from(storedFiles).all()).toHaveLength(0)
    expect(theItem().status).toBe('in_progress')
    // Only the unit's contact reports.
    expect((await report(reviewer, '代为报告')).status).toBe(403)
  })

  test('a report with a PNG is stored; the reviewer downloads it as an attachment of the sniffed type', async () => {
    const res = await report(unit, '已完成 2025 年秋季学期比对，发现 3 条不一致并已更正。', { bytes: PNG, name: '../比对记录.png' })
    expect(res.status).toBe(200)
    expect(theItem().status).toBe('reported')
    const html = await (await reviewer.get(itemUrl())).text()
    const href = /href="(\/engagements\/[^"]+\/files\/[0-9A-Z]{26})"/.exec(html)?.[1]
    expect(href).toBeDefined()
    expect(html).toContain('比对记录.png')
    const file = await reviewer.get(href!)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG)
    expect((await otherBureau.get(href!)).status).toBe(404)
    expect((await unit.get(href!)).status).toBe(200)
  })
})

describe('verification and the bureau’s figures', () => {
  test('不通过 needs a reason and returns the item; the unit reports again; 通过 closes it; the bureau sees 100%', async () => {
    const v = () => String(theItem().version)
    const noReason = await reviewer.post(itemUrl(), { intent: 'verify', verdict: 'fail', reason: '', version: v() })
    expect(noReason.status).toBe(400)
    expect(await noReason.text()).toContain('不通过时须填写理由')
    expect((await lead.post(itemUrl(), { intent: 'verify', verdict: 'pass', version: v() })).status).toBe(403)
    expect((await reviewer.post(itemUrl(), { intent: 'verify', verdict: 'fail', reason: '缺少比对系统截图', version: v() })).status).toBe(200)
    expect(theItem().status).toBe('in_progress')
    expect(await (await unit.get(itemUrl())).text()).toContain('缺少比对系统截图')
    expect((await report(unit, '已补充比对系统截图。')).status).toBe(200)
    expect((await reviewer.post(itemUrl(), { intent: 'verify', verdict: 'pass', reason: '', version: v() })).status).toBe(200)
    expect(theItem().status).toBe('passed')
    const history = await (await unit.get(itemUrl())).text()
    for (const step of ['提出', '确认', '报告整改情况', '核验不通过', '核验通过']) expect(history).toContain(step)
    const bureau = await (await reviewer.get('/bureau/rectification?year=2025')).text()
    expect(bureau).toContain('杭州市滨江区教育局')
    expect(bureau).toContain('100%')
    const other = await (await otherBureau.get('/bureau/rectification?year=2025')).text()
    expect(other).not.toContain('杭州市滨江区教育局')
  })
})
