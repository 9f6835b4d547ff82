// The bureau's credit policy page over HTTP against the built server: the account admin saves new
// versions (the standing of a subject is then computed under the newest), a wrong policy comes back
// with each message beside its field and what was typed, a stale page gets 409, and a reviewer who
// is not the account admin reads the policy but cannot save it.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { organizations, users } from '../db/schema'
import { DEMO_ORGS } from '../db/seed/demo'
import { hashPassword } from '../app/auth/password.server'
import { DEFAULT_POLICY } from '../app/domain/credit/policy'
import { beijingDate } from '../app/domain/finance/rectification'
import { insertUser } from '../app/models/user.server'
import { standingOf } from '../app/services/credit.server'
import { policyFormValues } from '../app/services/credit-policy.server'
import { CONFLICT_MESSAGE } from '../app/services/engagement.server'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

const PAGE = '/bureau/credit-policy'

let server: RunningServer
let db: Db
let admin: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile)
  admin = await loggedIn(server.url, 'binjiang.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const orgId = (name: string) => db.select().from(organizations).where(eq(organizations.name, name)).get()!.id

/** The default policy as the page's form posts it, with the blank spare rows a browser sends too. */
function defaultForm(basedOn: string, changes: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const spare = { 'band-4-grade': '', 'band-4-label': '', 'band-4-minScore': '', 'rule-5-id': '', 'rule-5-label': '', 'rule-5-minSeverity': '', 'rule-5-count': '', 'rule-5-withinMonths': '', 'rule-5-years': '' }
  return { basedOn, ...policyFormValues(DEFAULT_POLICY), ...spare, ...changes }
}

/** The message stands between the named control and the next control of the form. */
function messageBeside(html: string, fieldName: string, message: string): boolean {
  const at = html.indexOf(`name="${fieldName}"`)
  if (at < 0) return false
  const next = html.indexOf('name="', html.indexOf('>', at))
  const slice = html.slice(at, next < 0 ? undefined : next)
  return slice.includes(message)
}

describe('the bureau’s credit policy', () => {
  test('starts on the default policy, shown with its caption', async () => {
    const res = await admin.get(PAGE)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('默认信用政策（第 1 版）')
    expect(html).toContain('本局尚未设置')
    expect(html).toContain('12 个月内两次执业质量评价不合格')
    expect(html).toContain('保存为新版本')
  })

  test('saving an unchanged default stores nothing; saving twice makes version 2, which standings then use', async () => {
    const same = await admin.post(PAGE, defaultForm('0'))
    expect(same.status).toBe(200)
    expect(await same.text()).toContain('与现行政策相同，未作修改')

    const first = await admin.post(PAGE, defaultForm('0', { name: '滨江区信用评价政策', 'negPoints-minor': '5' }))
    expect(first.status).toBe(200)
    expect(await first.text()).toContain('已保存为第 1 版')

    // The second version drops a rule and adds a grade row, as the page's buttons do.
    const second = await admin.post(
      PAGE,
      defaultForm('1', {
        name: '滨江区信用评价政策',
        'negPoints-minor': '2.5',
        'rule-4-label': '',
        'rule-4-kinds': [],
        'rule-4-minSeverity': '',
        'rule-4-count': '',
        'rule-4-withinMonths': '',
        'rule-4-years': '',
        'band-3-minScore': '40',
        'band-7-grade': 'E',
        'band-7-label': 'E（40 分以下）',
        'band-7-minScore': '0',
      }),
    )
    expect(second.status).toBe(200)
    expect(await second.text()).toContain('已保存为第 2 版')

    const page = await (await admin.get(PAGE)).text()
    expect(page).toContain('滨江区信用评价政策（第 2 版）')
    expect(page).toMatch(/第 2 版 · 孙审/)
    expect(page).toMatch(/第 1 版 · 孙审/)
    expect(page).not.toContain('严重泄密、违反回避或索取不正当利益')

    // Agency B's demo file holds one 轻微 late deliverable: 100 − 2.5 under the new version.
    const bureau = orgId(DEMO_ORGS.bureauX.name)
    const standing = standingOf(db, { type: 'agency', id: orgId(DEMO_ORGS.agencyB.name) }, bureau, beijingDate(new Date()))
    expect(standing.policy).toMatchObject({ id: bureau, version: 2, name: '滨江区信用评价政策' })
    expect(standing.score).toBe(9_750)
    // Another bureau still grades by the default.
    const other = standingOf(db, { type: 'agency', id: orgId(DEMO_ORGS.agencyB.name) }, orgId(DEMO_ORGS.bureauY.name), beijingDate(new Date()))
    expect(other.policy.id).toBe(DEFAULT_POLICY.id)
    expect(other.score).toBe(9_700)
  })

  test('a wrong policy comes back with each message beside its field and what was typed', async () => {
    const res = await admin.post(
      PAGE,
      defaultForm('2', {
        name: '',
        baseScore: '100.5',
        'negPoints-general': '1',
        'negExpiry-grave': '0',
        'posPoints-commendation': '3.333',
        'band-1-minScore': '95',
        'band-7-grade': 'E',
        'band-7-label': 'E（40 分以下）',
        'band-7-minScore': '0',
        'rule-0-kinds': [],
        'rule-1-kinds': ['false_report', 'commendation'],
        'rule-2-count': '2',
        'rule-2-withinMonths': '',
        drawMinGrade: 'F',
      }),
    )
    expect(res.status).toBe(400)
    const html = await res.text()
    const beside: [string, string][] = [
      ['name', '请填写信用政策名称'],
      ['negPoints-general', '「一般」的扣分不能少于「轻微」'],
      ['negExpiry-grave', '「严重」失信记录的有效期须为 1 至 120 个月的整数'],
      ['posPoints-commendation', '「表彰」的加分须为不小于 0 的分值'],
      ['band-1-minScore', '第 2 个等级「B」的分数下限须低于上一等级「A」'],
      ['rule-0-kinds', '须至少选择一类失信记录'],
      ['rule-1-kinds', '不能包含守信记录「表彰」'],
      ['rule-2-withinMonths', '须设置统计期间'],
      ['drawMinGrade', '专家抽取的最低信用等级「F」不在等级设置中'],
    ]
    for (const [field, message] of beside) expect(messageBeside(html, field, message), `${field}: ${message}`).toBe(true)
    // What was typed stays, the version did not move.
    expect(html).toMatch(/name="baseScore"[^>]*value="100.5"/)
    expect(html).toMatch(/name="negPoints-general"[^>]*value="1"/)
    expect(html).toMatch(/name="band-7-grade"[^>]*value="E"/)
    expect(html).toMatch(/<option value="false_report" selected="">/)
    expect(html).toContain('滨江区信用评价政策（第 2 版）')
  })

  test('a page built on an older version gets 409 and keeps what was typed', async () => {
    const res = await admin.post(PAGE, defaultForm('1', { name: '过期页面上的修改' }))
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(html).toContain(CONFLICT_MESSAGE)
    expect(html).toContain('value="过期页面上的修改"')
    expect(await (await admin.get(PAGE)).text()).toContain('滨江区信用评价政策（第 2 版）')
  })

  test('a reviewer who is not the account admin reads the policy but may not save; agencies and experts have no page', async () => {
    const bureau = orgId(DEMO_ORGS.bureauX.name)
    insertUser(db, { username: 'binjiang.reader', displayName: '钱阅', role: 'finance_reviewer', organizationId: bureau, orgAdmin: false, passwordHash: await hashPassword('Reader-password-2026') }, new Date())
    const reader = await new Client(server.url).login('binjiang.reader', 'Reader-password-2026')
    const res = await reader.get(PAGE)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('滨江区信用评价政策（第 2 版）')
    expect(html).toContain('仅本局账号管理员可以修改')
    expect(html).not.toContain('保存为新版本')
    expect(html).toMatch(/<fieldset[^>]*disabled/)
    const refused = await reader.post(PAGE, defaultForm('2', { name: '越权修改' }))
    expect(refused.status).toBe(403)
    expect(db.select().from(users).where(and(eq(users.username, 'binjiang.reader'), eq(users.orgAdmin, false))).get()).toBeDefined()
    expect(await (await admin.get(PAGE)).text()).toContain('滨江区信用评价政策（第 2 版）')

    for (const username of ['mingjian.admin', 'expert.zhang', 'unit.edu']) {
      const other = await loggedIn(server.url, username)
      expect((await other.get(PAGE)).status, username).toBe(403)
      expect((await other.post(PAGE, defaultForm('2'))).status, username).toBe(403)
    }
  })
})
