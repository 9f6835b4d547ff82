// The expert pool over HTTP against the built server: list and filters, create and edit with the
// version token, status, the specialty list, Excel upload (good, bad, hostile) and the export bytes.
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { experts, specialties } from '../db/schema'
import { EXPERT_HEADERS, EXPERT_SHEET, readExpertWorkbook } from '../app/excel/expert-workbook.server'
import { XLSX_MIME } from '../app/excel/framework-workbook.server'
import { loggedIn, type Client } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'
import { buildWorkbook, dataRow, unzip } from './helpers/workbook-fixtures'

let server: RunningServer
let db: Db
let admin: Client
let li: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
  admin = await loggedIn(server.url, 'admin')
  li = await loggedIn(server.url, 'mingjian.li')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const expertCount = () => db.select({ n: count() }).from(experts).get()!.n
const expertNamed = (name: string) => db.select().from(experts).where(eq(experts.name, name)).get()

async function upload(client: Client, bytes: Buffer) {
  const body = new FormData()
  body.append('file', new Blob([Uint8Array.from(bytes)], { type: XLSX_MIME }), '专家.xlsx')
  return client.request('/experts/import', { method: 'POST', body })
}

const workbook = (rows: Record<string, string>[]) =>
  buildWorkbook({ sheetName: EXPERT_SHEET, meta: [], headers: EXPERT_HEADERS, headerRow: 1, rows: rows.map((r) => dataRow(r, EXPERT_HEADERS)) })

const NEW_EXPERT = {
  name: '网页专家',
  employer: '浙江科技大学',
  title: 'senior',
  region: '浙江省杭州市',
  phone: '13611112222',
  email: '',
  note: '',
  specialties: ['finance', 'law'],
  employmentOrganization: ['浙江科技大学'],
  employmentFrom: ['2010-09-01'],
  employmentTo: [''],
}

describe('the pool pages', () => {
  test('agency staff read and filter the pool but see no management links; finance reviewers are refused', async () => {
    const res = await li.get('/experts?specialty=education&status=active')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('\u0000')
    expect(html).toContain('陈建华')
    expect(html).not.toContain('王立新')
    expect(html).not.toContain('新增专家')
    expect(html).toContain('/experts/export.xlsx?specialty=education&amp;status=active')
    const search = await (await li.get('/experts?q=%E6%B5%99%E6%B1%9F%E8%B4%A2%E7%BB%8F')).text() // 浙江财经
    expect(search).toContain('王立新')
    expect(search).not.toContain('陈建华')
    expect((await (await loggedIn(server.url, 'binjiang.finance')).get('/experts')).status).toBe(403)
    const nav = await (await li.get('/dashboard')).text()
    expect(nav).toContain('专家库')
  })

  test('create: a bad form comes back with messages beside the fields and what was typed; a good one redirects', async () => {
    const bad = await admin.post('/experts/new', { ...NEW_EXPERT, phone: '12345', employmentFrom: ['2010-09-31'] })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('手机号应为 11 位数字（现为 5 位）')
    expect(html).toContain('起始日期格式应为 年-月-日')
    expect(html).toContain('value="浙江科技大学"')
    expect(expertNamed('网页专家')).toBeUndefined()

    const good = await admin.post('/experts/new', NEW_EXPERT)
    expect(good.status).toBe(302)
    const created = expertNamed('网页专家')!
    expect(good.headers.get('location')).toBe(`/experts/${created.id}`)
    const page = await (await li.get(`/experts/${created.id}`)).text()
    expect(page).toContain('财务、法律')
    expect(page).not.toContain('保存修改') // agency staff get no edit form
    expect((await li.post(`/experts/${created.id}`, { intent: 'status', status: 'suspended', reason: 'x', version: '1' })).status).toBe(403)
  })

  test('edit under the version token; a stale form is answered 409 and changes nothing; status changes', async () => {
    const e = expertNamed('网页专家')!
    const saved = await admin.post(`/experts/${e.id}`, { ...NEW_EXPERT, intent: 'update', version: String(e.version), employer: '浙江科技大学理学院' })
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('专家信息已保存')
    expect(expertNamed('网页专家')!.employer).toBe('浙江科技大学理学院')
    const stale = await admin.post(`/experts/${e.id}`, { ...NEW_EXPERT, intent: 'update', version: String(e.version), employer: '别处' })
    expect(stale.status).toBe(409)
    const html = await stale.text()
    expect(html).toContain('数据已被他人修改')
    expect(html).toContain('value="别处"')
    expect(expertNamed('网页专家')!.employer).toBe('浙江科技大学理学院')
    const noReason = await admin.post(`/experts/${e.id}`, { intent: 'status', status: 'retired', reason: '', version: String(e.version + 1) })
    expect(noReason.status).toBe(400)
    expect(await noReason.text()).toContain('请填写出库原因')
    const retired = await admin.post(`/experts/${e.id}`, { intent: 'status', status: 'retired', reason: '本人申请', version: String(e.version + 1) })
    expect(retired.status).toBe(200)
    expect(expertNamed('网页专家')!.status).toBe('retired')
  })

  test('the specialty list: add, rename with a message beside the row, retire', async () => {
    expect((await admin.post('/experts/specialties', { intent: 'add', label: '水利' })).status).toBe(200)
    const water = db.select().from(specialties).where(eq(specialties.label, '水利')).get()!
    const clash = await admin.post('/experts/specialties', { intent: 'rename', code: water.code, label: '财务' })
    expect(clash.status).toBe(400)
    expect(await clash.text()).toContain('已有专业领域「财务」')
    expect((await admin.post('/experts/specialties', { intent: 'retire', code: water.code })).status).toBe(200)
    expect(db.select().from(specialties).where(eq(specialties.code, water.code)).get()!.active).toBe(false)
    expect(await (await admin.get('/experts/specialties')).text()).toContain('已停用')
  })
})

describe('Excel', () => {
  test('export: an attachment of the filtered pool, string cells only, that reads back', async () => {
    const res = await li.get('/experts/export.xlsx?specialty=education')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(XLSX_MIME)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const bytes = Buffer.from(await res.arrayBuffer())
    for (const [name, xml] of await unzip(bytes)) if (name.startsWith('xl/worksheets/')) expect(xml.toString('utf8'), name).not.toMatch(/<f[ >]/)
    const read = await readExpertWorkbook(bytes)
    if (!read.ok) throw new Error(JSON.stringify(read.problems))
    expect(read.rows.length).toBeGreaterThanOrEqual(6)
    expect(read.rows.every((r) => r.input.specialties.includes('教育'))).toBe(true)
    expect(read.rows.find((r) => r.input.name === '陈建华')!.input.employments.map((x) => x.organization)).toContain('杭州市滨江区教育局')
    const template = await readExpertWorkbook(Buffer.from(await (await li.get('/experts/template.xlsx')).arrayBuffer()))
    expect(template.ok).toBe(true)
  })

  test('import: a clean file adds everyone; a bad or hostile one adds no one and says why', async () => {
    const before = expertCount()
    const rows: Record<string, string>[] = [
      { 姓名: '上传专家甲', 工作单位: '浙江大学', 职称: '正高级', 专业领域: '财务', '手机/电话': '13622223333' },
      { 姓名: '上传专家乙', 工作单位: '浙江大学', 职称: '中级', 专业领域: '教育、管理', 邮箱: 'yi@example.com', 不可参加日期: '2026-09-01|2026-09-03' },
    ]
    const bad = await upload(admin, await workbook([...rows, { 姓名: '上传专家丙', 工作单位: '', 职称: '正高级', 专业领域: '财务', '手机/电话': '13622224444' }]))
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('第 4 行「工作单位」：请填写工作单位')
    for (const bytes of [Buffer.from('not a workbook'), Buffer.alloc(0)]) expect((await upload(admin, bytes)).status).toBe(400)
    expect(expertCount()).toBe(before)

    const good = await upload(admin, await workbook(rows))
    expect(good.status).toBe(200)
    expect(await good.text()).toContain('已导入 2 位专家')
    expect(expertCount()).toBe(before + 2)
    const again = await upload(admin, await workbook(rows))
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('专家库中已有「上传专家甲」')

    expect((await upload(li, await workbook(rows))).status).toBe(403)
    const body = new FormData()
    body.append('name', 'x')
    expect((await admin.request('/experts/new', { method: 'POST', body })).status).toBe(415)
    expect(expertCount()).toBe(before + 2)
  })
})
