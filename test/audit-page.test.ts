// The account administration and audit pages against the real production build and server.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { PLATFORM_AUDIT_SCOPE, engagements, organizations, users } from '../db/schema'
import { AUDIT_PAGE_SIZE, listAudit } from '../app/models/audit.server'
import { DEMO_PASSWORD } from '../db/seed/demo'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

const NEW_PASSWORD = 'Fresh-password-2026'
let server: RunningServer
let db: Db

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

function engagementCount(): number {
  return db.select({ id: engagements.id }).from(engagements).all().length
}

function userId(username: string): string {
  return db.select().from(users).where(eq(users.username, username)).get()!.id
}
function user(username: string) {
  return db.select().from(users).where(eq(users.username, username)).get()
}
function orgId(name: string): string {
  return db.select().from(organizations).where(eq(organizations.name, name)).get()!.id
}

/** The audit table rows' action codes on a page. */
function actionsOn(html: string): string[] {
  return [...html.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1]!)
}

describe('who may open the pages', () => {
  const pages = () => [
    '/users',
    `/users/${userId('mingjian.li')}`,
    '/admin/organizations',
    `/admin/organizations/${orgId('杭州衡平会计师事务所')}`,
    '/admin/users',
    '/audit',
    '/account',
  ]

  test('anonymous visitors are sent to the login page', async () => {
    const anon = new Client(server.url)
    for (const path of pages()) {
      const res = await anon.get(path)
      expect(res.status, path).toBe(302)
      expect(res.headers.get('location'), path).toMatch(/^\/login\?redirectTo=/)
    }
    const post = await anon.post('/admin/organizations', { kind: 'agency', name: '匿名机构' })
    expect(post.status).toBe(302)
    expect(db.select().from(organizations).where(eq(organizations.name, '匿名机构')).get()).toBeUndefined()
  })

  test('wrong roles get 403', async () => {
    const evaluator = await loggedIn(server.url, 'mingjian.li')
    for (const path of pages().filter((p) => p !== '/account')) {
      expect((await evaluator.get(path)).status, path).toBe(403)
    }
    const agencyAdmin = await loggedIn(server.url, 'mingjian.admin')
    for (const path of ['/admin/organizations', '/admin/users', `/admin/organizations/${orgId('杭州衡平会计师事务所')}`]) {
      expect((await agencyAdmin.get(path)).status, path).toBe(403)
    }
    const reviewer = await loggedIn(server.url, 'binjiang.finance')
    expect((await reviewer.get('/audit')).status).toBe(403)
    expect((await reviewer.get('/users')).status).toBe(200)
    const expert = await loggedIn(server.url, 'expert.zhang')
    expect((await expert.get('/users')).status).toBe(403)

    const post = await evaluator.post('/admin/organizations', {
      kind: 'agency',
      name: '越权创建的机构',
      adminUsername: 'sneaky.one',
      adminName: '越权',
      adminPassword: NEW_PASSWORD,
      adminPasswordConfirm: NEW_PASSWORD,
    })
    expect(post.status).toBe(403)
    expect(db.select().from(organizations).where(eq(organizations.name, '越权创建的机构')).get()).toBeUndefined()
    const createInOwnOrg = await evaluator.post('/users', { username: 'by.evaluator', displayName: '某', role: 'evaluator', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
    expect(createInOwnOrg.status).toBe(403)
  })

  test("an agency admin gets 404 for another agency's user, and cannot change them", async () => {
    const agencyAdmin = await loggedIn(server.url, 'mingjian.admin')
    const foreign = userId('hengping.admin')
    expect((await agencyAdmin.get(`/users/${foreign}`)).status).toBe(404)
    expect((await agencyAdmin.get(`/users/${userId('binjiang.finance')}`)).status).toBe(404)
    expect((await agencyAdmin.get('/users/not-an-id')).status).toBe(404)
    const before = user('hengping.admin')!
    const res = await agencyAdmin.post(`/users/${foreign}`, { intent: 'status', status: 'disabled', version: String(before.version) })
    expect(res.status).toBe(404)
    expect(user('hengping.admin')).toEqual(before)
  })
})

describe('administering organizations and accounts through the pages', () => {
  test('the platform admin creates an organization; a bad form keeps what was typed', async () => {
    const admin = await loggedIn(server.url, 'admin')
    const bad = await admin.post('/admin/organizations', {
      kind: 'agency',
      name: '温州衡信评估有限公司',
      creditCode: 'ABC',
      adminUsername: 'hengxin.admin',
      adminName: '林衡信',
      adminPassword: NEW_PASSWORD,
      adminPasswordConfirm: NEW_PASSWORD,
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('统一社会信用代码应为 18 位')
    expect(html).toContain('value="温州衡信评估有限公司"')
    expect(html).not.toContain(NEW_PASSWORD)

    const ok = await admin.post('/admin/organizations', {
      kind: 'agency',
      name: '温州衡信评估有限公司',
      creditCode: '91330300MA2D00004L',
      region: '浙江省温州市',
      adminUsername: 'hengxin.admin',
      adminName: '林衡信',
      adminPassword: NEW_PASSWORD,
      adminPasswordConfirm: NEW_PASSWORD,
    })
    expect(ok.status).toBe(302)
    const id = orgId('温州衡信评估有限公司')
    expect(ok.headers.get('location')).toBe(`/admin/organizations/${id}`)
    const page = await (await admin.get(`/admin/organizations/${id}`)).text()
    expect(page).toContain('林衡信')

    const list = await (await admin.get('/admin/organizations')).text()
    expect(list).toContain('温州衡信评估有限公司')
    expect(list).toContain('91330300MA2D00004L')

    // The new admin must replace the initial password before doing anything else.
    const newcomer = await new Client(server.url).login('hengxin.admin', NEW_PASSWORD)
    const dash = await newcomer.get('/dashboard')
    expect(dash.status).toBe(302)
    expect(dash.headers.get('location')).toBe('/account')
    expect(await (await newcomer.get('/account')).text()).toContain('must-change-password')
    const weak = await newcomer.post('/account', { currentPassword: NEW_PASSWORD, newPassword: 'short', newPasswordConfirm: 'short' })
    expect(weak.status).toBe(400)
    expect(await weak.text()).toContain('密码至少 12 个字符')
    const changed = await newcomer.post('/account', { currentPassword: NEW_PASSWORD, newPassword: 'Hengxin-own-2026', newPasswordConfirm: 'Hengxin-own-2026' })
    expect(changed.status).toBe(302)
    expect((await newcomer.get('/dashboard')).status).toBe(200)
  })

  test('an agency admin resets an evaluator password: the evaluator is signed out and must change it', async () => {
    const evaluator = await loggedIn(server.url, 'mingjian.zhao')
    expect((await evaluator.get('/dashboard')).status).toBe(200)
    const admin = await loggedIn(server.url, 'mingjian.admin')
    const id = userId('mingjian.zhao')
    const mismatch = await admin.post(`/users/${id}`, { intent: 'reset', password: NEW_PASSWORD, passwordConfirm: 'something-else-1' })
    expect(mismatch.status).toBe(400)
    expect(await mismatch.text()).toContain('两次输入的密码不一致')
    const res = await admin.post(`/users/${id}`, { intent: 'reset', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
    expect(res.status).toBe(200)
    expect((await evaluator.get('/dashboard')).status).toBe(302)
    expect(user('mingjian.zhao')!.mustChangePassword).toBe(true)
    const again = await new Client(server.url).login('mingjian.zhao', NEW_PASSWORD)
    expect((await again.get('/engagements')).headers.get('location')).toBe('/account')
    // Actions are closed too, not just pages: creating an engagement is turned away to /account.
    const before = engagementCount()
    const post = await again.post('/engagements/new', { name: '未改密码时新建的项目' })
    expect(post.status).toBe(302)
    expect(post.headers.get('location')).toBe('/account')
    expect(engagementCount()).toBe(before)
  })

  test('a stale profile edit answers 409 with the Chinese message', async () => {
    const admin = await loggedIn(server.url, 'mingjian.admin')
    const target = user('mingjian.li')!
    const first = await admin.post(`/users/${target.id}`, { intent: 'profile', version: String(target.version), displayName: '李评', phone: '13912345678', email: '' })
    expect(first.status).toBe(200)
    const stale = await admin.post(`/users/${target.id}`, { intent: 'profile', version: String(target.version), displayName: '李评二', phone: '', email: '' })
    expect(stale.status).toBe(409)
    expect(await stale.text()).toContain('数据已被他人修改，请刷新后重试')
    const badPhone = await admin.post(`/users/${target.id}`, { intent: 'profile', version: String(target.version + 1), displayName: '李评', phone: '12345', email: 'x@' })
    expect(badPhone.status).toBe(400)
    const html = await badPhone.text()
    expect(html).toContain('电话格式不正确')
    expect(html).toContain('邮箱格式不正确')
    const garbage = await admin.post(`/users/${target.id}`, { intent: 'profile', version: 'abc', displayName: '\u0000'.repeat(10), phone: '1'.repeat(5000) })
    expect(garbage.status).toBe(400)
  })
})

describe('the audit page', () => {
  test("an agency admin sees their organization's entries and not another agency's", async () => {
    const adminA = await loggedIn(server.url, 'mingjian.admin')
    const adminB = await loggedIn(server.url, 'hengping.admin')
    const created = await adminA.post('/users', {
      username: 'mingjian.wu',
      displayName: '吴新',
      role: 'evaluator',
      phone: '',
      email: '',
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    })
    expect(created.status).toBe(200)
    const createdB = await adminB.post('/users', {
      username: 'hengping.qian',
      displayName: '钱衡',
      role: 'evaluator',
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    })
    expect(createdB.status).toBe(200)

    const pageA = await adminA.get('/audit')
    expect(pageA.status).toBe(200)
    const htmlA = await pageA.text()
    expect(htmlA).toContain('mingjian.wu')
    expect(htmlA).toContain('创建账号')
    // The entity column names the record, not just its id.
    expect(htmlA).toContain('账号：吴新（mingjian.wu）')
    // Codes and ids in the change column read as words and names.
    expect(htmlA).toContain('角色：评价人员')
    expect(htmlA).toContain('机构：浙江明鉴绩效评价咨询有限公司')
    expect(htmlA).not.toContain('hengping.qian')
    expect(htmlA).not.toContain('周衡平')
    expect(htmlA).not.toContain(NEW_PASSWORD)
    const htmlB = await (await adminB.get('/audit')).text()
    expect(htmlB).toContain('hengping.qian')
    expect(htmlB).not.toContain('mingjian.wu')

    // The platform administrator's log holds entries of actors without an organization only.
    const platform = await (await (await loggedIn(server.url, 'admin')).get('/audit')).text()
    expect(platform).toContain('创建机构')
    expect(platform).not.toContain('mingjian.wu')
  })

  test('filters narrow the list', async () => {
    const admin = await loggedIn(server.url, 'mingjian.admin')
    const byAction = await (await admin.get('/audit?action=user.create')).text()
    expect(actionsOn(byAction).length).toBeGreaterThan(0)
    expect(new Set(actionsOn(byAction))).toEqual(new Set(['user.create']))

    const logins = actionsOn(await (await admin.get('/audit?action=login.succeeded')).text())
    expect(logins.length).toBeGreaterThan(0)
    expect(new Set(logins)).toEqual(new Set(['login.succeeded']))

    const byActor = actionsOn(await (await admin.get('/audit?actor=mingjian.li&action=login.succeeded')).text())
    expect(byActor.length).toBeGreaterThan(0)
    const adminLogins = actionsOn(await (await admin.get('/audit?actor=MingJian.Admin')).text())
    expect(adminLogins).toContain('user.create')

    const byText = actionsOn(await (await admin.get('/audit?q=mingjian.wu')).text())
    expect(byText).toContain('user.create')
    expect(actionsOn(await (await admin.get('/audit?q=nobody-typed-this')).text())).toEqual([])

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10)
    expect(actionsOn(await (await admin.get(`/audit?from=${today}&to=${today}`)).text()).length).toBeGreaterThan(0)
    expect(actionsOn(await (await admin.get(`/audit?from=${tomorrow}`)).text())).toEqual([])

    const byEntity = actionsOn(await (await admin.get('/audit?entity=engagement')).text())
    expect(byEntity.every((a) => a.startsWith('engagement.'))).toBe(true)
  })

  test('the actor filter is a username box, not a list of accounts; an unknown name is refused next to it', async () => {
    const platform = await loggedIn(server.url, 'admin')
    const page = await (await platform.get('/audit')).text()
    expect(page).toMatch(/<input[^>]*name="actor"/)
    expect(page).not.toMatch(/<select[^>]*name="actor"/)
    const refused = await platform.get('/audit?actor=mingjian.li')
    expect(refused.status).toBe(400)
    const html = await refused.text()
    expect(html).toContain('平台没有用户名为“mingjian.li”的账号')
    expect(html).toMatch(/<input[^>]*name="actor"[^>]*value="mingjian.li"/)
    const mine = actionsOn(await (await platform.get('/audit?actor=admin&action=login.succeeded')).text())
    expect(mine.length).toBeGreaterThan(0)
  })

  test("the platform's log is read through its partial indexes, with the same rows as the plain condition", () => {
    const plan = (q: string) => (db.$client.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((r) => r.detail).join('\n')
    expect(plan(`SELECT count(*) FROM audit_log WHERE (${PLATFORM_AUDIT_SCOPE})`)).toContain('audit_log_platform_seq_idx')
    expect(plan(`SELECT DISTINCT action FROM audit_log WHERE (${PLATFORM_AUDIT_SCOPE}) ORDER BY action`)).toContain('audit_log_platform_action_seq_idx')
    const plain = db.$client.prepare(`SELECT seq FROM audit_log NOT INDEXED WHERE organization_id IS NULL OR actor_role IN ('system_admin', 'cli', 'system') ORDER BY seq DESC`).all()
    const { total, rows } = listAudit(db, { organizationId: null }, 1)
    expect(total).toBe(plain.length)
    expect(rows.map((r) => ({ seq: r.seq }))).toEqual(plain.slice(0, AUDIT_PAGE_SIZE))
  })

  test('hostile filter values answer 200 or 400, never 500', async () => {
    const admin = await loggedIn(server.url, 'mingjian.admin')
    const cases: [string, number][] = [
      [`/audit?q=${encodeURIComponent('%_\\')}`, 200],
      [`/audit?q=${encodeURIComponent("' OR 1=1 --")}`, 200],
      ['/audit?q=%00%ED%A0%80%FF', 200],
      ['/audit?q=%', 200],
      [`/audit?q=${'x'.repeat(8000)}`, 400],
      [`/audit?action=${encodeURIComponent("x'; DROP TABLE audit_log; --")}`, 400],
      ['/audit?entity=%E5%8F%A3', 400],
      ['/audit?actor=01ARZ3NDEKTSV4RRFFQ69G5FAV', 400],
      ['/audit?actor=hengping.admin', 400],
      [`/audit?actor=${'u'.repeat(65)}`, 400],
      ['/audit?from=2026-02-30', 400],
      ['/audit?from=2026-03-02&to=2026-03-01', 400],
      ['/audit?page=-1', 400],
      ['/audit?page=abc', 400],
      ['/audit?page=99999', 200],
      ['/audit?action=a&action=b&page=1&page=2', 200],
    ]
    for (const [path, status] of cases) {
      const res = await admin.get(path)
      expect(res.status, path.slice(0, 80)).toBe(status)
      expect(await res.text()).toContain('审计日志')
    }
    // A megabyte of filter text never reaches the app (Node refuses the oversized request line).
    const huge = await admin.get(`/audit?q=${'y'.repeat(1024 * 1024)}`)
    expect(huge.status).toBeGreaterThanOrEqual(400)
    expect(huge.status).toBeLessThan(500)
    expect((await admin.get('/audit')).status).toBe(200)
  })
})

describe('own sessions on the account page', () => {
  test('a user sees where they are signed in and can sign out everywhere else', async () => {
    const here = await loggedIn(server.url, 'binjiang.finance')
    const elsewhere = new Client(server.url)
    await elsewhere.request('/login', {
      method: 'POST',
      form: { username: 'binjiang.finance', password: DEMO_PASSWORD },
      headers: { 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' },
    })
    expect((await elsewhere.get('/dashboard')).status).toBe(200)

    const page = await (await here.get('/account')).text()
    expect(page).toContain('当前设备')
    expect(page).toContain('Chrome · Windows')
    expect(page).toContain('退出其他设备上的登录')

    const sessionCount = () =>
      (db.$client.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId('binjiang.finance')) as { n: number }).n
    const others = sessionCount() - 1
    expect(others).toBeGreaterThanOrEqual(1)
    const res = await here.post('/account', { intent: 'end-other-sessions' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`/account?ended=${others}`)
    expect(sessionCount()).toBe(1)
    expect((await elsewhere.get('/dashboard')).headers.get('location')).toMatch(/^\/login/)
    expect((await here.get('/dashboard')).status).toBe(200)
    const audit = db.$client
      .prepare(`SELECT after_json FROM audit_log WHERE action = 'account.sessions_ended' AND entity_id = ?`)
      .all(userId('binjiang.finance')) as { after_json: string }[]
    expect(audit.map((a) => JSON.parse(a.after_json))).toEqual([{ ended: others }])
  })
})
