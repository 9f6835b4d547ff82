// 资料清单 and 征求意见 over HTTP against the built server. Requests: the lead lists three documents
// (a bad form is refused beside its field and keeps what was typed), the unit's contact uploads two
// (a disguised file is 415, an oversized one 413, neither leaves anything), the lead confirms one
// and asks for more on the other (a comment is required), the unit uploads again and both files
// stay; an overdue item shows on both sides; another unit's contact gets 404 everywhere. Feedback: the lead sends the 征求意见稿, the
// unit's contact answers on a section, an answer after a deadline is refused with the date, the lead
// decides, and the next model carries the log into the composed document's annex.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { documentRequestFiles, documentRequests, engagements, engagementUnits, feedbackPoints, feedbackRounds, reportVersions, storedFiles, users } from '../db/schema'
import { generateVersion } from '../app/services/report.server'
import { newId } from '../app/ids.server'
import { buildReportModel } from '../reports/build-model.server'
import { composeDocument } from '../reports/compose'
import { renderModel, sha256Hex } from '../reports/render'
import { Client, loggedIn } from './helpers/http'
import { form, type ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

const EDUCATION = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)])
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const FUTURE = '2099-12-31'

let server: RunningServer
let db: Db
let educationId: string
let panel: ReadyPanel
let lead: Client
let unit: Client
let healthUnit: Client
let clock = Date.now()
const tick = () => new Date((clock += 1000))
/** A page's HTML without the <!-- --> React puts between adjacent text nodes, so sentences read whole. */
const pageText = async (res: Response) => (await res.text()).replace(/<!-- -->/g, '')

/** A contact of the engagement's unit that is not in the education engagement, with the demo password. */
function addContact(username: string, unitId: string) {
  const template = db.select().from(users).where(eq(users.username, 'unit.edu')).get()!
  db.insert(users).values({ ...template, id: newId(), username, displayName: '孙联络', evaluatedUnitId: unitId }).run()
}

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  educationId = db.select().from(engagements).where(eq(engagements.name, EDUCATION)).get()!.id
  panel = await scoredEngagement(db, { at: tick(), size: 3 })
  const healthUnitId = db.select().from(engagementUnits).where(eq(engagementUnits.engagementId, panel.engagementId)).get()!.evaluatedUnitId
  expect(db.select().from(engagementUnits).where(and(eq(engagementUnits.engagementId, educationId), eq(engagementUnits.evaluatedUnitId, healthUnitId))).get()).toBeUndefined()
  addContact('unit.health', healthUnitId)
  lead = await loggedIn(server.url, 'mingjian.li')
  unit = await loggedIn(server.url, 'unit.edu')
  healthUnit = await loggedIn(server.url, 'unit.health')
}, 120_000)
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const requestsUrl = () => `/engagements/${educationId}/requests`
const item = (title: string) => db.select().from(documentRequests).where(and(eq(documentRequests.engagementId, educationId), eq(documentRequests.title, title))).get()!

function upload(client: Client, title: string, file: { bytes: Uint8Array; name: string }, note = '') {
  const r = item(title)
  const body = new FormData()
  body.append('version', String(r.version))
  body.append('note', note)
  body.append('file', new Blob([Uint8Array.from(file.bytes)]), file.name)
  return client.request(`/unit/requests?request=${r.id}`, { method: 'POST', body })
}

describe('资料清单', () => {
  test('the lead lists documents; a bad form is refused beside its field and keeps what was typed', async () => {
    const unitId = /<option value="([0-9A-Z]{26})"[^>]*>杭州市滨江区教育局<\/option>/.exec(await (await lead.get(requestsUrl())).text())?.[1]
    expect(unitId).toBeDefined()
    const bad = await lead.post(requestsUrl(), { intent: 'create', title: '', description: '2025 年度资助对象名单及发放台账', unitId: unitId!, dueDate: FUTURE })
    expect(bad.status).toBe(400)
    const html = await pageText(bad)
    expect(html).toContain('请填写资料名称')
    expect(html).toContain('2025 年度资助对象名单及发放台账')
    const past = await lead.post(requestsUrl(), { intent: 'create', title: '资助台账', description: '', unitId: unitId!, dueDate: '2020-01-01' })
    expect(past.status).toBe(400)
    expect(await pageText(past)).toContain('提交期限不能早于今天')
    for (const title of ['资助对象名单及发放台账', '资金拨付凭证', '内部管理制度']) {
      const ok = await lead.post(requestsUrl(), { intent: 'create', title, description: '', unitId: unitId!, dueDate: FUTURE })
      expect(ok.status).toBe(200)
    }
    expect(item('资金拨付凭证').status).toBe('pending')
    // The third is past its due date (a date the form would no longer take): overdue on both sides.
    db.update(documentRequests).set({ dueDate: '2020-01-01' }).where(eq(documentRequests.id, item('内部管理制度').id)).run()
    const agency = await pageText(await lead.get(requestsUrl()))
    expect(agency).toContain('逾期 1 项')
    expect(agency).toMatch(/内部管理制度[\s\S]*?2020-01-01<span class="badge warn"> 逾期<\/span>/)
    const mine = await pageText(await unit.get('/unit/requests'))
    expect(mine).toContain('逾期 1 项')
    // Overdue first.
    expect(mine.indexOf('内部管理制度')).toBeLessThan(mine.indexOf('资助对象名单及发放台账'))
    // The engagement page counts the unit's own items and sends its contact to the unit's pages.
    const engagementPage = await pageText(await unit.get(`/engagements/${educationId}`))
    expect(engagementPage).toContain('资料清单 3 项，已确认 0 项，逾期 1 项。')
    expect(engagementPage).toContain('href="/unit/requests"')
    expect(await pageText(await lead.get(`/engagements/${educationId}`))).toContain(`href="${requestsUrl()}"`)
  })

  test('the unit uploads two documents; a disguised file is 415, an oversized one 413, and neither is stored', async () => {
    const disguised = await upload(unit, '资助对象名单及发放台账', { bytes: Buffer.from('<html><script>alert(1)</script></html>'), name: '台账.pdf' }, '请查收')
    expect(disguised.status).toBe(415)
    const body = await pageText(disguised)
    expect(body).toContain('只能上传')
    expect(body).toContain('请查收')
    const big = await upload(unit, '资助对象名单及发放台账', { bytes: Buffer.concat([PNG, Buffer.alloc(5.5 * 1024 * 1024)]), name: '大.png' })
    expect(big.status).toBe(413)
    expect(big.headers.get('connection')).toBe('close')
    expect(db.select().from(storedFiles).all()).toHaveLength(0)
    expect(item('资助对象名单及发放台账').status).toBe('pending')
    expect((await upload(unit, '资助对象名单及发放台账', { bytes: PDF, name: '../../台账.pdf' }, '2025 年度全部名单')).status).toBe(200)
    expect((await upload(unit, '资金拨付凭证', { bytes: PNG, name: '凭证.png' })).status).toBe(200)
    expect(item('资助对象名单及发放台账').status).toBe('submitted')
    expect(item('资金拨付凭证').status).toBe('submitted')
    const page = await pageText(await lead.get(requestsUrl()))
    expect(page).toContain('台账.pdf')
    expect(page).not.toContain('../')
    expect(page).toContain('钱联络')
  })

  test('the lead confirms one and asks for more on the other (with a comment); the unit uploads again, both files kept', async () => {
    const v = (title: string) => String(item(title).version)
    const noComment = await lead.post(requestsUrl(), { intent: 'decide', requestId: item('资金拨付凭证').id, decision: 'more', comment: '', version: v('资金拨付凭证') })
    expect(noComment.status).toBe(400)
    expect(await pageText(noComment)).toContain('需补充时须写明补充要求')
    expect((await lead.post(requestsUrl(), { intent: 'decide', requestId: item('资助对象名单及发放台账').id, decision: 'confirm', comment: '', version: v('资助对象名单及发放台账') })).status).toBe(200)
    expect((await lead.post(requestsUrl(), { intent: 'decide', requestId: item('资金拨付凭证').id, decision: 'more', comment: '缺少第四季度的拨付凭证', version: v('资金拨付凭证') })).status).toBe(200)
    expect(item('资助对象名单及发放台账').status).toBe('confirmed')
    expect(item('资金拨付凭证').status).toBe('more_needed')
    // Only the unit's contact uploads; a confirmed item takes no more.
    expect((await upload(lead, '资金拨付凭证', { bytes: PNG, name: '代传.png' })).status).toBe(403)
    expect((await upload(unit, '资助对象名单及发放台账', { bytes: PNG, name: '多余.png' })).status).toBe(403)
    const mine = await pageText(await unit.get('/unit/requests'))
    expect(mine).toContain('缺少第四季度的拨付凭证')
    expect(mine).toContain('需补充')
    expect(mine).toContain('已确认')
    expect((await upload(unit, '资金拨付凭证', { bytes: PNG, name: '第四季度凭证.png' })).status).toBe(200)
    expect(item('资金拨付凭证').status).toBe('submitted')
    const links = db.select().from(documentRequestFiles).where(eq(documentRequestFiles.requestId, item('资金拨付凭证').id)).all()
    expect(links.map((l) => l.versionNo).sort()).toEqual([1, 2])
    const page = await pageText(await lead.get(requestsUrl()))
    expect(page).toContain('第 1 份：')
    expect(page).toContain('第 2 份：')
    expect(page).toContain('第四季度凭证.png')
    for (const step of ['列入清单', '上传资料', '需补充', '确认']) expect(page).toContain(step)
  })

  test('the lead edits an open item; a stale form is 409 and a confirmed item stays as it was', async () => {
    const open = item('内部管理制度')
    const stale = await lead.post(requestsUrl(), { intent: 'edit', requestId: open.id, title: '内部管理制度汇编', description: '', dueDate: FUTURE, version: String(open.version + 1) })
    expect(stale.status).toBe(409)
    const edited = await lead.post(requestsUrl(), { intent: 'edit', requestId: open.id, title: '内部管理制度汇编', description: '资金管理办法及内控制度', dueDate: FUTURE, version: String(open.version) })
    expect(edited.status).toBe(200)
    expect(item('内部管理制度汇编')).toMatchObject({ dueDate: FUTURE, description: '资金管理办法及内控制度', status: 'pending' })
    // No longer overdue once the due date moved.
    expect(await pageText(await unit.get('/unit/requests'))).toContain('逾期 0 项')
    const done = item('资助对象名单及发放台账')
    const refused = await lead.post(requestsUrl(), { intent: 'edit', requestId: done.id, title: '改名', description: '', dueDate: FUTURE, version: String(done.version) })
    expect(refused.status).toBe(409)
    expect(await pageText(refused)).toContain('该资料已确认，不能再修改')
    expect(item('资助对象名单及发放台账').title).toBe('资助对象名单及发放台账')
    const audited = db.$client.prepare("SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'request.%' GROUP BY action ORDER BY action").all()
    expect(audited).toEqual([
      { action: 'request.confirm', n: 1 },
      { action: 'request.create', n: 3 },
      { action: 'request.edit', n: 1 },
      { action: 'request.more', n: 1 },
      { action: 'request.upload', n: 3 },
    ])
  })

  test('downloads are attachments of the sniffed type for both sides, 404 for another unit’s contact', async () => {
    const r = item('资助对象名单及发放台账')
    const link = db.select().from(documentRequestFiles).where(eq(documentRequestFiles.requestId, r.id)).get()!
    const href = `/requests/${r.id}/files/${link.id}`
    for (const client of [lead, unit]) {
      const file = await client.get(href)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe('application/pdf')
      expect(file.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      expect(file.headers.get('cache-control')).toContain('no-store')
      expect(Buffer.from(await file.arrayBuffer())).toEqual(PDF)
    }
    expect((await healthUnit.get(href)).status).toBe(404)
    expect((await healthUnit.get(requestsUrl())).status).toBe(404)
    expect(await pageText(await healthUnit.get('/unit/requests'))).not.toContain('资助对象名单')
    const stranger = item('资金拨付凭证')
    const body = new FormData()
    body.append('version', String(stranger.version))
    body.append('file', new Blob([Uint8Array.from(PNG)]), 'x.png')
    expect((await healthUnit.request(`/unit/requests?request=${stranger.id}`, { method: 'POST', body })).status).toBe(404)
    expect((await healthUnit.post(requestsUrl(), { intent: 'decide', requestId: stranger.id, decision: 'confirm', version: String(stranger.version) })).status).toBe(404)
  })
})

describe('征求意见', () => {
  const feedbackUrl = () => `/engagements/${panel.engagementId}/feedback`
  const render = (model: Parameters<typeof renderModel>[0]) => renderModel(model)
  let monitoringLead: Client
  let consultationId: string

  beforeAll(async () => {
    const made = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'consultation', note: '' }), tick(), render)
    if (!made.ok) throw new Error(JSON.stringify(made.errors))
    consultationId = made.value.id
    monitoringLead = await loggedIn(server.url, 'mingjian.zhao')
  }, 120_000)

  const round = () => db.select().from(feedbackRounds).where(and(eq(feedbackRounds.reportVersionId, consultationId), eq(feedbackRounds.deadline, FUTURE))).get()!
  const point = () => db.select().from(feedbackPoints).where(eq(feedbackPoints.roundId, round().id)).get()!

  test('the lead sends the 征求意见稿 with a deadline; the unit reads it and answers on a section', async () => {
    const page = await pageText(await monitoringLead.get(feedbackUrl()))
    expect(page).toContain('绩效评价报告第 1 版（征求意见稿）')
    const past = await monitoringLead.post(feedbackUrl(), { intent: 'send', versionId: consultationId, deadline: '2020-01-01' })
    expect(past.status).toBe(400)
    expect(await pageText(past)).toContain('反馈截止日期不能早于今天')
    const sent = await monitoringLead.post(feedbackUrl(), { intent: 'send', versionId: consultationId, deadline: FUTURE })
    expect(sent.status).toBe(200)
    expect((await monitoringLead.post(feedbackUrl(), { intent: 'send', versionId: consultationId, deadline: FUTURE })).status).toBe(409)
    const list = await pageText(await healthUnit.get('/unit/feedback'))
    expect(list).toContain(FUTURE)
    const roundPage = await pageText(await healthUnit.get(`/unit/feedback/${round().id}`))
    expect(roundPage).toContain('存在的问题')
    const anchor = /<option value="(section:[^"]*存在的问题[^"]*)"/.exec(roundPage)?.[1]
    expect(anchor).toBeDefined()
    const empty = await healthUnit.post(`/unit/feedback/${round().id}`, { anchor: anchor!, comment: '' })
    expect(empty.status).toBe(400)
    expect(await pageText(empty)).toContain('请填写意见内容')
    const answered = await healthUnit.post(`/unit/feedback/${round().id}`, { anchor: anchor!, comment: '第二个问题所述台账缺失已于 2025 年 10 月补建，建议删除' })
    expect(answered.status).toBe(200)
    expect(point().anchorKind).toBe('section')
    // Exactly the version sent, as a file.
    const pdf = await healthUnit.get(`/unit/feedback/${round().id}/pdf`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment;/)
    const stored = db.select().from(reportVersions).where(eq(reportVersions.id, consultationId)).get()!
    expect(sha256Hex(new Uint8Array(await pdf.arrayBuffer()))).toBe(stored.pdfSha256)
    // Another unit's contact sees none of it.
    expect((await unit.get(`/unit/feedback/${round().id}/pdf`)).status).toBe(404)
    expect((await unit.get(`/unit/feedback/${round().id}`)).status).toBe(404)
    expect((await unit.post(`/unit/feedback/${round().id}`, { anchor: anchor!, comment: 'x' })).status).toBe(404)
    expect(await pageText(await unit.get('/unit/feedback'))).not.toContain(FUTURE)
    expect((await unit.get(feedbackUrl())).status).toBe(404)
  })

  test('an answer after the deadline is refused with the date', async () => {
    const draft = db.select().from(reportVersions).where(eq(reportVersions.engagementId, panel.engagementId)).get()!
    const expiredId = newId()
    db.insert(feedbackRounds).values({ id: expiredId, engagementId: panel.engagementId, reportVersionId: draft.id, deadline: '2020-01-31', sentBy: panel.lead.userId, sentAt: '2020-01-01T00:00:00.000Z' }).run()
    const page = await pageText(await healthUnit.get(`/unit/feedback/${expiredId}`))
    expect(page).toContain('征求意见已于 2020-01-31 截止')
    const late = await healthUnit.post(`/unit/feedback/${expiredId}`, { anchor: 'section:x', comment: '迟到的意见' })
    expect(late.status).toBe(409)
    expect(await pageText(late)).toContain('征求意见已于 2020-01-31 截止，不能再提交意见')
    expect(db.select().from(feedbackPoints).where(eq(feedbackPoints.roundId, expiredId)).all()).toHaveLength(0)
  })

  test('the lead decides the point with an explanation; the next model carries it into the annex, and the page links the comparison', async () => {
    const noReason = await monitoringLead.post(feedbackUrl(), { intent: 'decide', pointId: point().id, adoption: 'partly', response: '', version: String(point().version) })
    expect(noReason.status).toBe(400)
    expect(await pageText(noReason)).toContain('请填写处理说明')
    expect((await unit.post(feedbackUrl(), { intent: 'decide', pointId: point().id, adoption: 'adopted', response: 'x', version: String(point().version) })).status).toBe(404)
    const decided = await monitoringLead.post(feedbackUrl(), { intent: 'decide', pointId: point().id, adoption: 'partly', response: '已核实补建台账，保留问题表述并注明已整改', version: String(point().version) })
    expect(decided.status).toBe(200)
    expect(point().adoption).toBe('partly')
    expect(await pageText(await healthUnit.get(`/unit/feedback/${round().id}`))).toContain('部分采纳')
    expect((await monitoringLead.post(feedbackUrl(), { intent: 'decide', pointId: point().id, adoption: 'adopted', response: '全部采纳', version: '1' })).status).toBe(409)
    const audited = db.$client.prepare("SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'feedback.%' GROUP BY action ORDER BY action").all()
    expect(audited).toEqual([
      { action: 'feedback.answer', n: 1 },
      { action: 'feedback.decide', n: 1 },
      { action: 'feedback.send', n: 1 },
    ])

    const built = buildReportModel(db, panel.engagementId, 'evaluation', { stage: 'draft', generatedAt: tick().toISOString(), verification: null })
    if (!built.ok) throw new Error(JSON.stringify(built.errors))
    expect(built.value.feedback).toEqual([{ from: '杭州市滨江区卫生健康局', comment: expect.stringContaining('台账缺失已于 2025 年 10 月补建'), adoption: 'partly', response: '已核实补建台账，保留问题表述并注明已整改' }])
    const doc = JSON.stringify(composeDocument(built.value))
    expect(doc).toContain('征求意见及采纳情况')
    expect(doc).toContain('已核实补建台账，保留问题表述并注明已整改')
    // Another report type had no round: no log.
    expect(buildReportModel(db, panel.engagementId, 'plan', { stage: 'draft', generatedAt: tick().toISOString(), verification: null })).toMatchObject({ ok: true, value: { feedback: null } })

    const next = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'draft', note: '' }), tick(), render)
    if (!next.ok) throw new Error(JSON.stringify(next.errors))
    const page = await pageText(await monitoringLead.get(feedbackUrl()))
    const compare = /href="(\/engagements\/[^"]+\/reports\/evaluation\/compare\?from=[^"]+)"/.exec(page)?.[1]
    expect(compare).toBeDefined()
    expect(page).toContain('查看第 2 版的修改')
    expect((await monitoringLead.get(compare!.replace(/&amp;/g, '&'))).status).toBe(200)
  })
})
