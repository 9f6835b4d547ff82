// The indicator library over HTTP against the built server: template download, Excel upload (good,
// bad and hostile files), export bytes, rule trial, and the sheet import, with nothing half-saved.
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { engagements, frameworks, frameworkVersions, sheetVersions, users } from '../db/schema'
import { readFrameworkWorkbook, writeFrameworkWorkbook, XLSX_MIME } from '../app/excel/framework-workbook.server'
import { flattenTree, unflattenRows } from '../app/domain/indicators/tree'
import { loggedIn, type Client } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'
import { buildWorkbook, dataRow, makeZip, unzip } from './helpers/workbook-fixtures'

let server: RunningServer
let db: Db
let li: Client
let finance: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
  li = await loggedIn(server.url, 'mingjian.li')
  finance = await loggedIn(server.url, 'binjiang.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

async function upload(client: Client, path: string, bytes: Buffer, fields: Record<string, string> = {}) {
  const body = new FormData()
  for (const [k, v] of Object.entries(fields)) body.append(k, v)
  body.append('file', new Blob([Uint8Array.from(bytes)], { type: XLSX_MIME }), '指标体系.xlsx')
  return client.request(path, { method: 'POST', body })
}

const frameworkCount = () => db.select({ n: count() }).from(frameworks).get()!.n
const libraryVersion = (code: string) =>
  db
    .select({ frameworkId: frameworks.id, versionId: frameworkVersions.id })
    .from(frameworks)
    .innerJoin(frameworkVersions, eq(frameworkVersions.frameworkId, frameworks.id))
    .where(eq(frameworks.libraryCode, code))
    .get()!

async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer())
}

describe('the library pages', () => {
  test('the library lists every shipped framework with its source', async () => {
    const res = await finance.get('/frameworks')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('\u0000')
    for (const name of ['项目支出绩效评价共性指标体系框架（2020）', '教育领域常用绩效指标', '财预〔2020〕10号']) expect(html).toContain(name)
  })

  test('the template downloads as an attachment and reads back as a valid framework', async () => {
    const res = await li.get('/frameworks/template.xlsx')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(XLSX_MIME)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const read = await readFrameworkWorkbook(await bytesOf(res))
    expect(read.ok).toBe(true)
  })

  test('an exported version holds no formula cell and reads back to the same tree', async () => {
    const { frameworkId, versionId } = libraryVersion('cy2020-project')
    const res = await li.get(`/frameworks/${frameworkId}/versions/${versionId}/export.xlsx`)
    expect(res.status).toBe(200)
    const bytes = await bytesOf(res)
    for (const [name, xml] of await unzip(bytes)) if (name.startsWith('xl/worksheets/')) expect(xml.toString('utf8'), name).not.toMatch(/<f[ >]/)
    const read = await readFrameworkWorkbook(bytes)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    const stored = JSON.parse(db.select().from(frameworkVersions).where(eq(frameworkVersions.id, versionId)).get()!.treeJson)
    expect(read.tree).toEqual(stored)
  })

  test('a long all-Chinese page (the 2020 framework’s tree table) streams without NUL padding', async () => {
    const { frameworkId, versionId } = libraryVersion('cy2020-project')
    const bytes = await bytesOf(await li.get(`/frameworks/${frameworkId}/versions/${versionId}`))
    expect(bytes.length).toBeGreaterThan(20_000)
    expect(bytes.indexOf(0)).toBe(-1)
    expect(bytes.toString('utf8')).toContain('立项依据充分性')
  })

  test('rule trial: 预算执行率 96.5 / 100 on 5 points suggests 4.83 with the computation', async () => {
    const { frameworkId, versionId } = libraryVersion('cy2020-project')
    const res = await li.get(`/frameworks/${frameworkId}/versions/${versionId}?try=B102&run=1&numerator=96.5&denominator=100`)
    const html = await res.text()
    expect(html).toContain('建议得分')
    expect(html).toMatch(/4\.83 分/)
    const bad = await li.get(`/frameworks/${frameworkId}/versions/${versionId}?try=B102&run=1&numerator=abc&denominator=0`)
    expect(bad.status).toBe(200)
    expect(await bad.text()).toMatch(/须为有效数字/)
  })
})

describe('Excel upload', () => {
  test('a valid workbook becomes the agency’s draft; a bad one is refused row by row with nothing saved', async () => {
    const before = frameworkCount()
    const rows = [
      dataRow({ 层级: 1, 编码: 'A', 名称: '产出', 权重: 60 }),
      dataRow({ 层级: 2, 编码: 'A1', 名称: '产出数量', 权重: 60 }),
      dataRow({ 层级: 3, 编码: 'A101', 名称: '完成率', 权重: 60, 计分规则: '公式计分', 规则参数: '分子=实际值;分母=目标值' }),
      dataRow({ 层级: 1, 编码: 'B', 名称: '效益', 权重: 40 }),
      dataRow({ 层级: 2, 编码: 'B1', 名称: '满意度', 权重: 40 }),
      dataRow({ 层级: 3, 编码: 'B101', 名称: '服务对象满意度', 权重: 40, 计分规则: '满意度', 规则参数: '目标=90' }),
    ]
    const good = await upload(li, '/frameworks/import', await buildWorkbook({ rows }))
    expect(good.status).toBe(302)
    expect(good.headers.get('location')).toMatch(/^\/frameworks\/[0-9A-Z]{26}\/versions\/[0-9A-Z]{26}$/)
    expect(frameworkCount()).toBe(before + 1)
    const mine = db.select().from(frameworks).where(eq(frameworks.name, '测试框架')).get()!
    const liOrg = db.select().from(users).where(eq(users.username, 'mingjian.li')).get()!.organizationId
    expect(mine.organizationId).toBe(liOrg)

    const broken = rows.map((r) => [...r])
    broken[2]![3] = 'abc' // 权重
    broken[5]![14] = '横向' // 方向
    const bad = await upload(li, '/frameworks/import', await buildWorkbook({ rows: broken }))
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toMatch(/第 9 行「权重」/)
    expect(html).toMatch(/第 12 行/)
    expect(frameworkCount()).toBe(before + 1)
  })

  test('an edited export imports as the next draft version of the same framework, and compares', async () => {
    const mine = db.select().from(frameworks).where(eq(frameworks.name, '测试框架')).get()!
    const v1 = db.select().from(frameworkVersions).where(eq(frameworkVersions.frameworkId, mine.id)).get()!
    // Publish version 1 first: only one draft at a time.
    const published = await li.post(`/frameworks/${mine.id}/versions/${v1.id}`, { intent: 'publish', version: String(v1.version), changeNote: '初版' })
    expect(published.status).toBe(302)
    const exported = await readFrameworkWorkbook(await bytesOf(await li.get(`/frameworks/${mine.id}/versions/${v1.id}/export.xlsx`)))
    if (!exported.ok) throw new Error('export unreadable')
    const rows = flattenTree(exported.tree).map((r) => (r.code === 'A101' ? { ...r, name: '年度任务完成率' } : r))
    const edited = unflattenRows(rows, true)
    if (!edited.ok) throw new Error('rows')
    const wrongKind = await upload(li, '/frameworks/import', await writeFrameworkWorkbook({ ...exported.meta, category: 'policy' }, edited.tree), { frameworkId: mine.id })
    expect(wrongKind.status).toBe(400)
    expect(await wrongKind.text()).toContain('类别与该框架不同')
    const res = await upload(li, '/frameworks/import', await writeFrameworkWorkbook(exported.meta, edited.tree), { frameworkId: mine.id })
    expect(res.status).toBe(302)
    const v2 = db.select().from(frameworkVersions).where(eq(frameworkVersions.frameworkId, mine.id)).all().find((v) => v.versionNo === 2)!
    expect(v2.status).toBe('draft')
    expect(res.headers.get('location')).toBe(`/frameworks/${mine.id}/versions/${v2.id}`)
    const compare = await (await li.get(`/frameworks/${mine.id}/compare?from=${v1.id}&to=${v2.id}`)).text()
    expect(compare).toContain('年度任务完成率')
    // Someone else's agency cannot import into it.
    const other = await loggedIn(server.url, 'hengping.admin')
    expect((await upload(other, '/frameworks/import', await writeFrameworkWorkbook(exported.meta, edited.tree), { frameworkId: mine.id })).status).toBe(404)
  })

  test('hostile uploads get a clear answer, never a 500, and change nothing', async () => {
    const before = frameworkCount()
    const bomb = makeZip([{ name: '[Content_Types].xml', data: Buffer.alloc(0) }, { name: 'xl/workbook.xml', data: Buffer.alloc(40 * 1024 * 1024, 0x20) }])
    const files: [string, Buffer][] = [
      ['random bytes', Buffer.from('this is not a spreadsheet at all')],
      ['empty zip', makeZip([])],
      ['zip bomb', bomb],
      ['empty workbook', await buildWorkbook({ meta: [], headers: [], rows: [] })],
      ['10,000 rows', await buildWorkbook({ rows: Array.from({ length: 10_000 }, (_, i) => dataRow({ 层级: 1, 编码: `X${i}`, 名称: `指标${i}`, 权重: 1 })) })],
    ]
    for (const [label, bytes] of files) {
      const res = await upload(li, '/frameworks/import', bytes)
      expect([400, 413], label).toContain(res.status)
      expect(await res.text(), label).toMatch(/未导入|不能超过/)
    }
    const noFile = await li.request('/frameworks/import', { method: 'POST', body: new FormData() })
    expect(noFile.status).toBe(400)
    // Under the proxy-level cap (6 MiB declared) but over the 5 MiB part cap the parser enforces while streaming.
    const tooBig = await upload(li, '/frameworks/import', Buffer.alloc(5.5 * 1024 * 1024, 1))
    expect(tooBig.status).toBe(413)
    expect(await tooBig.text()).toContain('文件不能超过 5 MB')
    // The unread rest of the body must not be parsed as the client's next request.
    expect(tooBig.headers.get('connection')).toBe('close')
    expect(frameworkCount()).toBe(before)
  })

  test('multipart bodies are refused everywhere but the upload routes, and finance reviewers cannot import', async () => {
    const body = new FormData()
    body.append('name', 'x')
    const elsewhere = await li.request('/frameworks', { method: 'POST', body })
    expect(elsewhere.status).toBe(415)
    const res = await upload(finance, '/frameworks/import', Buffer.from('x'))
    expect(res.status).toBe(403)
  })
})

describe('sheet export and import', () => {
  test('a sheet exported, edited in Excel and imported back replaces the draft; a broken one changes nothing', async () => {
    const lead = db.select().from(users).where(eq(users.username, 'mingjian.li')).get()!
    const hasSheet = (id: string) => db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, id)).get() !== undefined
    const e = db.select().from(engagements).where(eq(engagements.leadUserId, lead.id)).all().find((x) => x.stage !== 'archived' && !hasSheet(x.id))!
    const { versionId } = libraryVersion('cy2013-project')
    expect((await li.post(`/engagements/${e.id}/sheet`, { intent: 'start', frameworkVersionId: versionId })).status).toBe(302)
    const exported = await li.get(`/engagements/${e.id}/sheet/export.xlsx`)
    expect(exported.status).toBe(200)
    const read = await readFrameworkWorkbook(await bytesOf(exported))
    expect(read.ok).toBe(true)
    if (!read.ok) return
    const current = () => db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, e.id)).get()!

    const broken = await upload(li, `/engagements/${e.id}/sheet/import`, Buffer.from('nope'), { version: String(current().version) })
    expect(broken.status).toBe(400)
    const unchanged = current().treeJson

    const renamed = flattenTree(read.tree).map((r) => (r.level === 1 ? { ...r, name: `${r.name}（改）` } : r))
    const tree = unflattenRows(renamed, true)
    if (!tree.ok) throw new Error('rows')
    const edited = await writeFrameworkWorkbook(read.meta, tree.tree)
    const stale = await upload(li, `/engagements/${e.id}/sheet/import`, edited, { version: String(current().version - 1) })
    expect(stale.status).toBe(409)
    expect(current().treeJson).toBe(unchanged)
    const ok = await upload(li, `/engagements/${e.id}/sheet/import`, edited, { version: String(current().version) })
    expect(ok.status).toBe(302)
    expect(current().treeJson).toContain('（改）')
  })
})
