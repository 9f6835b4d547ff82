// 专家履职评价 over HTTP against the built server: closed only after scoring ends; the lead's refused
// form comes back with the messages beside the fields and what was typed; a saved rating is final and
// says it entered the expert's credit file; a team member reads but may not rate (403); another
// agency, the bureau and an expert get 404; the engagement page links to the page. On the panel page
// the lead judges a decline to be without proper reason (认定无正当理由), once, with a note.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { creditEntries, expertRatings, scoringRounds } from '../db/schema'
import { setScoringPhase } from '../app/services/scoring.server'
import { DECLINE_REASON, declinedPanel, type DeclinedPanel } from './helpers/decline-fixture'
import { Client, loggedIn } from './helpers/http'
import { form, type ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

let server: RunningServer
let db: Db
let e: ReadyPanel
let lead: Client
let declined: DeclinedPanel

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  declined = await declinedPanel(db, { engagementName: STUDENT_AID, leadUsername: 'mingjian.li', usernamePrefix: 'decline.expert', at: new Date(Date.now() - 7_200_000) })
  e = await scoredEngagement(db, { at: new Date(Date.now() - 3_600_000), size: 3, close: false })
  lead = await loggedIn(server.url, 'mingjian.zhao')
}, 120_000)
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const STUDENT_AID = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const page = () => `/engagements/${e.engagementId}/expert-ratings`
const all = (r: string) => ({ 'aspect.attendance': r, 'aspect.professionalism': r, 'aspect.independence': r, 'aspect.timeliness': r })

function closeScoring() {
  for (const to of ['discussion', 'closed']) {
    const round = db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, e.engagementId)).get()!
    const moved = setScoringPhase(db, e.lead, e.engagementId, form({ to, version: String(round.version) }), new Date())
    if (!moved.ok) throw new Error(JSON.stringify(moved))
  }
}

describe('专家履职评价', () => {
  test('waits for scoring to close', async () => {
    const res = await lead.get(page())
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('评分结束后方可评价专家履职情况')
    expect(html).not.toContain('name="aspect.attendance"')
    const early = await lead.post(page(), { expertId: e.seats[0]!.expertId, ...all('competent') })
    expect(early.status).toBe(409)
    expect(await (await lead.get(`/engagements/${e.engagementId}`)).text()).toContain(page())
  })

  test('a refused rating keeps what was typed; a saved one is final and enters the credit file', async () => {
    closeScoring()
    const html = await (await lead.get(page())).text()
    for (const s of e.seats) expect(html).toContain(s.name)
    const expertId = e.seats[0]!.expertId

    const refused = await lead.post(page(), { expertId, 'aspect.attendance': 'incompetent', 'aspect.professionalism': 'competent', overall: '', comment: '' })
    expect(refused.status).toBe(400)
    const body = await refused.text()
    expect(body).toContain('请评价「独立性」')
    expect(body).toContain('请评价「及时性」')
    expect(body).toMatch(/<option value="incompetent" selected="">不称职<\/option>/)

    const noComment = await lead.post(page(), { expertId, ...all('competent'), 'aspect.timeliness': 'incompetent', overall: '', comment: '' })
    expect(noComment.status).toBe(400)
    expect(await noComment.text()).toContain('综合评价为「不称职」，须填写评语说明理由')

    const saved = await lead.post(page(), { expertId, ...all('competent'), 'aspect.timeliness': 'incompetent', overall: '', comment: '两次催告后才提交评分' })
    expect(saved.status).toBe(200)
    const after = await saved.text()
    expect(after).toContain(`已保存对${e.seats[0]!.name}的评价：不称职，已记入专家信用档案`)
    expect(after).toContain(`/credit/${expertId}`)
    expect(after).toContain('两次催告后才提交评分')

    const again = await lead.post(page(), { expertId, ...all('excellent'), overall: '' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('评价保存后不能修改')
    expect(db.select().from(expertRatings).where(eq(expertRatings.expertId, expertId)).all()).toMatchObject([{ overall: 'incompetent' }])
  })

  test('a team member reads but may not rate; outsiders get 404', async () => {
    const member = await loggedIn(server.url, 'mingjian.li')
    const view = await member.get(page())
    expect(view.status).toBe(200)
    const html = await view.text()
    expect(html).toContain('两次催告后才提交评分')
    expect(html).not.toContain('name="aspect.attendance"')
    expect((await member.post(page(), { expertId: e.seats[1]!.expertId, ...all('competent') })).status).toBe(403)
    for (const who of ['hengping.admin', 'binjiang.finance', 'unit.edu']) {
      const client = await loggedIn(server.url, who)
      expect((await client.get(page())).status, who).toBe(404)
      expect((await client.post(page(), { expertId: e.seats[1]!.expertId, ...all('competent') })).status, who).toBe(404)
    }
    expect(db.select().from(expertRatings).where(eq(expertRatings.expertId, e.seats[1]!.expertId)).all()).toEqual([])
  })
})

describe('认定无正当理由谢绝 on the panel page', () => {
  const panelPage = () => `/engagements/${declined.engagementId}/panel`
  const mark = (note: string) => ({ intent: 'decline-unjustified', seatId: declined.declined.seatId, note })
  const entries = () => db.select().from(creditEntries).where(eq(creditEntries.sourceRef, declined.declined.seatId)).all()

  test('the lead judges a decline once, with a note; a refused note comes back as typed', async () => {
    const aidLead = await loggedIn(server.url, 'mingjian.li')
    const html = await (await aidLead.get(panelPage())).text()
    expect(html).toContain(DECLINE_REASON)
    expect(html).toContain('认定并记入信用档案')

    const empty = await aidLead.post(panelPage(), mark(''))
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('请填写认定说明')
    const long = `理由不成立${'。'.repeat(500)}`
    const tooLong = await aidLead.post(panelPage(), mark(long))
    expect(tooLong.status).toBe(400)
    const tooLongBody = await tooLong.text()
    expect(tooLongBody).toContain('认定说明不能超过 500 个字符')
    expect(tooLongBody).toContain(long)
    expect(entries()).toEqual([])

    const member = await loggedIn(server.url, 'mingjian.zhao')
    expect(await (await member.get(panelPage())).text()).not.toContain('认定并记入信用档案')
    expect((await member.post(panelPage(), mark('成员不能认定'))).status).toBe(403)
    expect(entries()).toEqual([])

    const done = await aidLead.post(panelPage(), mark('事务繁忙不是正当理由'))
    expect(done.status).toBe(200)
    expect(await (await aidLead.get(panelPage())).text()).toContain('已认定为无正当理由谢绝，记入专家信用档案')
    expect(entries()).toMatchObject([{ source: 'auto_decline', kind: 'unjustified_decline', subjectId: declined.declined.expertId }])
    expect((await aidLead.post(panelPage(), mark('再次认定'))).status).toBe(409)
    expect(entries()).toHaveLength(1)
  })
})
