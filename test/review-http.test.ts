// Submission and review over HTTP against the built server: the lead submits an issued report, the
// commissioning bureau's reviewer finds it in the inbox, reads it as HTML, downloads exactly that
// version, comments and returns it; the lead answers and resubmits; the reviewer sees the answers
// and the changes and accepts. Another bureau's reviewer sees nothing at any step.
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { reportSubmissions, reportVersions, reviewComments } from '../db/schema'
import { sha256Hex } from '../reports/render'
import { saveNarrative, reportPage } from '../app/services/report.server'
import { Client, loggedIn } from './helpers/http'
import { finalizedEngagement, issueEvaluation } from './helpers/issued-report'
import { form, type ReadyPanel } from './helpers/panel-fixture'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

let server: RunningServer
let db: Db
let panel: ReadyPanel
let issuedId: string
let lead: Client
let reviewer: Client
let otherBureau: Client
let clock = Date.now()
const tick = () => new Date((clock += 1000))

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  ;({ panel, issuedId } = await finalizedEngagement(db, tick))
  lead = await loggedIn(server.url, 'mingjian.zhao')
  reviewer = await loggedIn(server.url, 'binjiang.finance')
  otherBureau = await loggedIn(server.url, 'xihu.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const submissionUrl = () => `/engagements/${panel.engagementId}/submission`
const rounds = () => db.select().from(reportSubmissions).where(eq(reportSubmissions.engagementId, panel.engagementId)).all().sort((a, b) => a.roundNo - b.roundNo)
const ENGAGEMENT = '2025年滨江区基本公共卫生服务项目绩效运行监控'
/** A page's HTML without the <!-- --> React puts between adjacent text nodes, so sentences read whole. */
const pageText = async (res: Response) => (await res.text()).replace(/<!-- -->/g, '')

describe('round 1', () => {
  test('the lead submits the issued version; the engagement page records it and the stage moves to 提交', async () => {
    const page = await lead.get(submissionUrl())
    expect(page.status).toBe(200)
    expect(await pageText(page)).toContain('提交财政局审核')
    // A member who is not the lead reads the page but may not submit.
    const member = await loggedIn(server.url, 'mingjian.li')
    expect((await member.post(submissionUrl(), { intent: 'submit', versionId: issuedId })).status).toBe(403)
    expect((await reviewer.post(submissionUrl(), { intent: 'submit', versionId: issuedId })).status).toBe(403)
    const res = await lead.post(submissionUrl(), { intent: 'submit', versionId: issuedId })
    expect(res.status).toBe(200)
    expect(await pageText(res)).toContain('已提交第 1 轮')
    const detail = await pageText(await lead.get(`/engagements/${panel.engagementId}`))
    expect(detail).toContain('提交第 1 轮')
    expect(detail).toMatch(/将阶段由“定稿”推进至“提交”/)
  })

  test('the inbox shows it to the commissioning bureau only, counts included', async () => {
    const mine = await pageText(await reviewer.get('/review'))
    expect(mine).toContain(ENGAGEMENT)
    expect(mine).toContain('待审核（1）')
    expect(mine).toContain('浙江明鉴绩效评价咨询有限公司')
    expect(await pageText(await reviewer.get('/review?status=accepted'))).not.toContain(ENGAGEMENT)
    const theirs = await pageText(await otherBureau.get('/review'))
    expect(theirs).not.toContain(ENGAGEMENT)
    expect(theirs).toContain('全部（0）')
    expect((await lead.get('/review')).status).toBe(403)
  })

  test('the reviewer reads the report as HTML and downloads exactly the submitted files; nobody else can', async () => {
    const [round] = rounds()
    const page = await reviewer.get(`/review/${round!.id}`)
    expect(page.status).toBe(200)
    const html = await pageText(page)
    expect(html).toContain('data-testid="report-view"')
    expect(html).toContain('六、有关建议')
    for (const s of panel.seats) expect(html).not.toContain(s.name)
    const v = db.select().from(reportVersions).where(eq(reportVersions.id, issuedId)).get()!
    for (const format of ['docx', 'pdf'] as const) {
      const file = await reviewer.get(`/review/${round!.id}/files/${format}`)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(sha256Hex(new Uint8Array(await file.arrayBuffer()))).toBe(format === 'docx' ? v.docxSha256 : v.pdfSha256)
      expect((await otherBureau.get(`/review/${round!.id}/files/${format}`)).status).toBe(404)
    }
    expect((await otherBureau.get(`/review/${round!.id}`)).status).toBe(404)
    expect((await lead.get(`/review/${round!.id}`)).status).toBe(403)
    // The agency's own file route stays the agency's, also for versions never submitted.
    const draft = db.select().from(reportVersions).where(eq(reportVersions.versionNo, 1)).all().find((x) => x.engagementId === panel.engagementId)!
    expect((await reviewer.get(`/engagements/${panel.engagementId}/reports/files/${draft.id}/pdf`)).status).toBe(404)
  })

  test('hostile review forms from the reviewer: never a 5xx, and a refusal writes nothing', async () => {
    const [round] = rounds()
    const auditRows = () => (db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n
    const value = fc.oneof(fc.constantFrom('', ' ', '\u0000', 'x'.repeat(5000), 'section:', 'indicator:', 'return', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '<script>'), fc.string({ maxLength: 30 }))
    const pairs = fc.array(fc.tuple(fc.constantFrom('intent', 'anchor', 'body', 'decision', 'note', 'commentId'), value), { maxLength: 8 })
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('comment', 'delete-comment', 'decide', 'x'), pairs, async (intent, fields) => {
        const before = auditRows()
        const body: Record<string, string[]> = { intent: [intent] }
        for (const [k, v] of fields) (body[k] ??= []).push(v)
        const res = await reviewer.post(`/review/${round!.id}`, body)
        expect([200, 400, 404, 409]).toContain(res.status)
        if (res.status >= 400) expect(auditRows()).toBe(before)
      }),
      { numRuns: 40 },
    )
    // Whatever was added by chance is withdrawn again, so the scenario below starts clean.
    for (const c of db.select().from(reviewComments).all()) await reviewer.post(`/review/${round!.id}`, { intent: 'delete-comment', commentId: c.id })
    expect(db.select().from(reviewComments).all()).toEqual([])
  })

  test('a refused comment keeps what was typed; two comments and a return reach the agency', async () => {
    const [round] = rounds()
    const url = `/review/${round!.id}`
    const bad = await reviewer.post(url, { intent: 'comment', anchor: '', body: '建议部分需具体化' })
    expect(bad.status).toBe(400)
    const badHtml = await pageText(bad)
    expect(badHtml).toContain('请选择意见针对的章节或指标')
    expect(badHtml).toContain('建议部分需具体化')
    expect((await otherBureau.post(url, { intent: 'comment', anchor: 'section:六、有关建议', body: 'x' })).status).toBe(404)
    expect((await reviewer.post(url, { intent: 'decide', decision: 'return' })).status).toBe(400)
    expect((await reviewer.post(url, { intent: 'comment', anchor: 'section:六、有关建议', body: '建议部分需具体到责任单位' })).status).toBe(200)
    const indicator = /<option value="(indicator:[^"]+)"/.exec(await pageText(await reviewer.get(url)))![1]!
    expect((await reviewer.post(url, { intent: 'comment', anchor: indicator, body: '该指标扣分依据不足' })).status).toBe(200)
    // Before the return the agency sees no comment.
    expect(await pageText(await lead.get(submissionUrl()))).not.toContain('建议部分需具体到责任单位')
    const returned = await reviewer.post(url, { intent: 'decide', decision: 'return', note: '请修改后重新提交' })
    expect(returned.status).toBe(200)
    expect(await pageText(returned)).toContain('已退回修改')
  })
})

describe('round 2', () => {
  test('the agency must answer each comment, then submits a new issued version', async () => {
    const page = await pageText(await lead.get(submissionUrl()))
    expect(page).toContain('建议部分需具体到责任单位')
    expect(page).toContain('尚有 2 条未答复')
    const comments = db.select().from(reviewComments).all()
    const empty = await lead.post(submissionUrl(), { intent: 'answer', commentId: comments[0]!.id, answer: ' ' })
    expect(empty.status).toBe(400)
    expect(await pageText(empty)).toContain('请填写答复')
    // Another bureau's engagement is not found (SECURITY.md §12.1: cross-tenant ids answer 404).
    expect((await otherBureau.post(submissionUrl(), { intent: 'answer', commentId: comments[0]!.id, answer: 'x' })).status).toBe(404)
    for (const c of comments) expect((await lead.post(submissionUrl(), { intent: 'answer', commentId: c.id, answer: `已按意见修改：${c.body}` })).status).toBe(200)
    expect((await lead.post(submissionUrl(), { intent: 'submit', versionId: issuedId })).status).toBe(400)

    const rp = reportPage(db, panel.lead, panel.engagementId, 'evaluation', tick())
    if (!rp.ok) throw new Error('report page')
    const fields = Object.fromEntries(rp.value.sections.map((s) => [s.key, s.text]))
    expect(saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ ...fields, suggestions: '由区卫健局于 2026 年 9 月底前细化绩效目标。', version: String(rp.value.narrativeVersion) }), tick()).ok).toBe(true)
    const second = await issueEvaluation(db, panel.lead, panel.engagementId, tick)
    const res = await lead.post(submissionUrl(), { intent: 'submit', versionId: second })
    expect(res.status).toBe(200)
    expect(await pageText(res)).toContain('已提交第 2 轮')
  })

  test('the reviewer sees the answers and the changed sections, and accepts; the timeline shows every step', async () => {
    const [, round2] = rounds()
    const html = await pageText(await reviewer.get(`/review/${round2!.id}`))
    expect(html).toContain('与第 1 轮相比')
    expect(html).toContain('已按意见修改：建议部分需具体到责任单位')
    expect(html).toContain('9 月底前')
    const accepted = await reviewer.post(`/review/${round2!.id}`, { intent: 'decide', decision: 'accept', note: '同意验收' })
    expect(accepted.status).toBe(200)
    expect((await reviewer.post(`/review/${round2!.id}`, { intent: 'decide', decision: 'accept' })).status).toBe(409)
    expect(await pageText(await reviewer.get('/review?status=accepted'))).toContain(ENGAGEMENT)
    const timeline = await pageText(await reviewer.get(`/engagements/${panel.engagementId}`))
    for (const step of ['提交第 1 轮', '退回第 1 轮修改', '答复第 1 轮审核意见', '提交第 2 轮', '验收第 2 轮提交的报告']) expect(timeline).toContain(step)
    expect(await pageText(await lead.get(submissionUrl()))).toContain('报告已验收，不能再次提交')
  })
})
