// Offline scoring over HTTP against the built server: an expert downloads their sheet, fills it in
// (exceljs stands in for Excel) and uploads it; the scores land as new versions, exactly as the web
// form would save them. A bad row saves nothing, another expert's seat is 404, an oversized file 413.
import ExcelJS from 'exceljs'
import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { auditLog, frameworks, frameworkVersions, scoreEntries } from '../db/schema'
import { XLSX_MIME } from '../app/excel/framework-workbook.server'
import { SCORE_SHEET } from '../app/excel/score-sheet-workbook.server'
import { certify } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { expertScoringPage, startScoring } from '../app/services/scoring.server'
import { Client, loggedIn } from './helpers/http'
import { form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

let server: RunningServer
let db: Db
let panel: ReadyPanel
const experts: Client[] = []

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  const at = new Date()
  panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: 3, at })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  if (!startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), at).ok) throw new Error('sheet not started')
  for (const s of panel.seats) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', at)
  if (!startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5' }), at).ok) throw new Error('scoring not started')
  for (let i = 0; i < panel.seats.length; i++) experts.push(await new Client(server.url).login(`fx.expert${i}`, 'Fixture-expert-password-1'))
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const seat = (i: number) => panel.seats[i]!
const pageOf = (i: number) => expertScoringPage(db, seat(i).actor, seat(i).seatId, new Date())!
const entriesOf = (i: number) => db.select().from(scoreEntries).where(eq(scoreEntries.seatId, seat(i).seatId)).all()
const uploads = () => db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, 'scoring.upload'), eq(auditLog.entityId, seat(0).seatId))).get()!.n

async function download(client: Client, seatId: string): Promise<Buffer> {
  const res = await client.get(`/expert/seats/${seatId}/score.xlsx`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe(XLSX_MIME)
  expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
  return Buffer.from(await res.arrayBuffer())
}

/** Fills the downloaded sheet: `scores` maps a code to [得分, 扣分理由]. */
async function fill(bytes: Buffer, scores: (code: string, weight: number) => [ExcelJS.CellValue, string] | null): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
  const sheet = workbook.getWorksheet(SCORE_SHEET)!
  for (let r = 2; r <= sheet.rowCount; r++) {
    const code = String(sheet.getCell(r, 1).value)
    const filled = scores(code, Number(sheet.getCell(r, 4).value))
    if (!filled) continue
    sheet.getCell(r, 6).value = filled[0]
    sheet.getCell(r, 7).value = filled[1]
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

function upload(client: Client, seatId: string, bytes: Buffer) {
  const body = new FormData()
  body.append('file', new Blob([Uint8Array.from(bytes)], { type: XLSX_MIME }), '离线评分表.xlsx')
  return client.request(`/expert/seats/${seatId}/offline`, { method: 'POST', body })
}

describe('offline scoring', () => {
  test('the page offers the download and the upload form', async () => {
    const res = await experts[0]!.get(`/expert/seats/${seat(0).seatId}/offline`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(`/expert/seats/${seat(0).seatId}/score.xlsx`)
    expect(html).toMatch(/<form [^>]*encType="multipart\/form-data"/)
    expect(html).toContain(`已评 0 / ${pageOf(0).items.length} 项`)
  })

  test('download → fill → upload saves every row as a version the online page shows', async () => {
    const codes = pageOf(0).items.map((i) => i.node.code)
    const [first] = codes
    const bytes = await fill(await download(experts[0]!, seat(0).seatId), (code, weight) => (code === first ? [weight - 0.5, '佐证材料不完整'] : [weight, '']))
    const res = await upload(experts[0]!, seat(0).seatId, bytes)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(`已保存 ${codes.length} 项`)
    expect(html).toContain(`/expert/seats/${seat(0).seatId}/score`)
    const items = pageOf(0).items
    expect(items.every((i) => i.entry?.versionNo === 1)).toBe(true)
    const item = items.find((i) => i.node.code === first)!
    expect(item.entry).toMatchObject({ score: item.node.weight - 50, reason: '佐证材料不完整', comment: '' })
    expect(entriesOf(0)).toHaveLength(codes.length)
    expect(uploads()).toBe(1)

    // The next download carries version 1; only the row changed becomes a new version.
    const again = await fill(await download(experts[0]!, seat(0).seatId), (code, weight) => (code === first ? [weight, ''] : null))
    const second = await upload(experts[0]!, seat(0).seatId, again)
    expect(second.status).toBe(200)
    expect(await second.text()).toContain('已保存 1 项')
    expect(pageOf(0).items.find((i) => i.node.code === first)!.entry).toMatchObject({ versionNo: 2, reason: '' })
    expect(entriesOf(0)).toHaveLength(codes.length + 1)
  })

  test('bad rows answer 400 with a message per row and code; nothing is saved', async () => {
    const before = entriesOf(0).length
    const audits = uploads()
    const items = pageOf(0).items
    const [a, b, c] = items
    const fresh = await download(experts[0]!, seat(0).seatId)
    // The web form's rules, applied by the service: above the weight, off the step.
    const overAndOff = await fill(fresh, (code, weight) => (code === a!.node.code ? [weight + 1, 'x'] : code === b!.node.code ? [0.3, '不足'] : code === c!.node.code ? [0, '无佐证'] : null))
    const res = await upload(experts[0]!, seat(0).seatId, overAndOff)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('有 2 行不符合要求，未保存任何评分')
    expect(html).toContain(`第 2 行（${a!.node.code}）：得分不能超过分值 ${a!.node.weight / 100} 分`)
    expect(html).toContain(`第 3 行（${b!.node.code}）：得分须为 0.5 分的整数倍`)
    // The workbook's own checks: not a number.
    const notNumber = await upload(experts[0]!, seat(0).seatId, await fill(fresh, (code) => (code === b!.node.code ? ['九分', ''] : null)))
    expect(notNumber.status).toBe(400)
    expect(await notNumber.text()).toContain(`第 3 行（${b!.node.code}）：得分须为不小于 0 的数字（现为「九分」）`)
    // The same download after a save of row 2 is stale for that row: a conflict, not an overwrite.
    const saved = await upload(experts[0]!, seat(0).seatId, await fill(fresh, (code) => (code === a!.node.code ? [0, '先上传过一次'] : null)))
    expect(await saved.text()).toContain('已保存 1 项')
    const conflict = await upload(experts[0]!, seat(0).seatId, await fill(fresh, (code, weight) => (code === a!.node.code ? [weight, ''] : null)))
    expect(conflict.status).toBe(400)
    expect(await conflict.text()).toContain(`第 2 行（${a!.node.code}）：数据已被他人修改`)
    expect(entriesOf(0)).toHaveLength(before + 1)
    expect(uploads()).toBe(audits + 1)
  })

  test('another expert’s seat is 404 for the download, the page and the upload', async () => {
    const theirs = seat(0).seatId
    expect((await experts[1]!.get(`/expert/seats/${theirs}/score.xlsx`)).status).toBe(404)
    expect((await experts[1]!.get(`/expert/seats/${theirs}/offline`)).status).toBe(404)
    const before = entriesOf(0).length
    const bytes = await fill(await download(experts[0]!, theirs), (_code, weight) => [weight, ''])
    expect((await upload(experts[1]!, theirs, bytes)).status).toBe(404)
    const demoExpert = await loggedIn(server.url, 'expert.zhang')
    expect((await demoExpert.get(`/expert/seats/${theirs}/score.xlsx`)).status).toBe(404)
    expect(entriesOf(0)).toHaveLength(before)
  })

  test('an oversized or missing file is refused (413 closes the connection); a non-workbook is 400', async () => {
    const before = entriesOf(0).length
    const tooBig = await upload(experts[0]!, seat(0).seatId, Buffer.alloc(5.5 * 1024 * 1024, 1))
    expect(tooBig.status).toBe(413)
    expect(tooBig.headers.get('connection')).toBe('close')
    expect(await tooBig.text()).toContain('文件不能超过 5 MB')
    const none = await experts[0]!.request(`/expert/seats/${seat(0).seatId}/offline`, { method: 'POST', body: new FormData() })
    expect(none.status).toBe(400)
    expect(await none.text()).toContain('请选择要上传的文件')
    const urlEncoded = await experts[0]!.post(`/expert/seats/${seat(0).seatId}/offline`, { file: 'x' })
    expect(urlEncoded.status).toBe(400)
    const junk = await upload(experts[0]!, seat(0).seatId, Buffer.from('not a spreadsheet'))
    expect(junk.status).toBe(400)
    expect(await junk.text()).toContain('不是有效的 .xlsx')
    expect(entriesOf(0)).toHaveLength(before)
  })
})
