// The panel page's expert search over HTTP against the built server: nothing is listed for 指定专家
// or 设定回避 until the lead searches; the search lists matching active experts with what bars each
// one (recusal, credit, a seat held) and feeds both forms; a refused appointment comes back with the
// reason beside the field and the search still in place. Those who only read the panel get no search.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { experts, expertSpecialties } from '../db/schema'
import { newId } from '../app/ids.server'
import { loggedIn } from './helpers/http'
import { readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

const ENGAGEMENT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const FIND = '查找测试'
let server: RunningServer
let db: Db
let e: ReadyPanel
let wanted = ''

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  e = await readyPanel(db, { engagementName: ENGAGEMENT, leadUsername: 'mingjian.li', size: 3, at: new Date(Date.now() - 3_600_000) })
  const at = new Date().toISOString()
  wanted = newId()
  db.insert(experts).values({ id: wanted, name: `${FIND}甲`, employer: '某设计院', title: 'senior', createdAt: at, updatedAt: at }).run()
  db.insert(expertSpecialties).values({ expertId: wanted, specialtyCode: 'law' }).run()
}, 120_000)
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const panel = (find?: string) => `/engagements/${e.engagementId}/panel${find === undefined ? '' : `?find=${encodeURIComponent(find)}`}`
/** The text of the first <option> for the expert (React's text separators removed). */
const optionOf = (html: string, id: string) => new RegExp(`<option value="${id}"[^>]*>([\\s\\S]*?)</option>`).exec(html)?.[1]?.replaceAll('<!-- -->', '')

test('no expert is offered until the lead searches; the search finds by name and specialty and feeds both forms', async () => {
  const lead = await loggedIn(server.url, 'mingjian.li')
  const before = await (await lead.get(panel())).text()
  expect(before).toContain('data-testid="expert-search"')
  expect(before).toContain('请先在“查找专家”中查找')
  expect(optionOf(before, wanted)).toBeUndefined()

  for (const text of [FIND, '法律', '某设计院']) {
    const html = await (await lead.get(panel(text))).text()
    expect(html, text).toContain(`data-expert-id="${wanted}"`)
  }
  const found = await (await lead.get(panel(FIND))).text()
  expect(found).toContain('可指定')
  // Listed in the 指定专家 select and in the 设定回避 select alike.
  expect(found.match(new RegExp(`<option value="${wanted}"`, 'g'))).toHaveLength(2)
  const none = await (await lead.get(panel('没有这个人'))).text()
  expect(none).toContain('没有姓名、单位或专业含“没有这个人”的在库专家。')
})

test('a recused expert is marked with the reason, and appointing them is refused beside the field', async () => {
  const lead = await loggedIn(server.url, 'mingjian.li')
  const added = await lead.post(panel(FIND), { intent: 'add-conflict', expertId: wanted, type: 'participation', note: '参与项目申报材料编制' })
  expect(added.status).toBe(200)
  const html = await (await lead.get(panel(FIND))).text()
  expect(html).toContain('该专家与本项目存在回避情形，不能指定')
  expect(optionOf(html, wanted)).toContain('· 回避')

  const refused = await lead.post(panel(FIND), { intent: 'manual', expertId: wanted, reason: '需要具备法律专业背景的专家，随机抽取无合适人选' })
  expect(refused.status).toBe(400)
  const again = await refused.text()
  expect(again).toMatch(/class="field-error"[^>]*>该专家与本项目存在回避情形，不能指定</)
  expect(again).toMatch(new RegExp(`<option value="${wanted}" selected=""`))
  expect(again).toContain('需要具备法律专业背景的专家，随机抽取无合适人选')
})

test('a seated expert is marked as such; a reader of the panel gets no search', async () => {
  const lead = await loggedIn(server.url, 'mingjian.li')
  const seated = e.seats[0]!
  const html = await (await lead.get(panel(seated.name))).text()
  expect(optionOf(html, seated.expertId)).toContain('· 已在组')
  expect(html).toContain('该专家已在本专家组中')
  const reviewer = await loggedIn(server.url, 'binjiang.finance')
  const read = await reviewer.get(panel(FIND))
  expect(read.status).toBe(200)
  const text = await read.text()
  expect(text).not.toContain('data-expert-id')
  expect(text).not.toContain('data-testid="expert-search"')
})
