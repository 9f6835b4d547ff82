import { eq } from 'drizzle-orm'

import { describe, expect, test } from 'vitest'
import { engagements, organizations } from '../../db/schema'
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../db/seed/demo'
import { browserSuite } from '../helpers/browser'
import { Client, loggedIn } from '../helpers/http'

const suite = browserSuite()

const ULID_PATH = /\/engagements\/([0-9A-HJKMNP-TV-Z]{26})$/

function engagementIdByName(name: string): { id: string; version: number } {
  const row = suite.db.select({ id: engagements.id, version: engagements.version }).from(engagements).where(eq(engagements.name, name)).get()
  if (!row) throw new Error(`no engagement ${name}`)
  return row
}

describe('in the browser', () => {
  test('an evaluator creates an engagement, fixes an invalid form, and moves it one stage forward', async () => {
    const context = await suite.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    // Hydration mismatches and client-side crashes surface only here, not in the server's HTML.
    const clientErrors: string[] = []
    page.on('pageerror', (error) => clientErrors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) clientErrors.push(message.text())
    })
    try {
      await page.goto(`${suite.server.url}/login`)
      await page.fill('#f-username', 'mingjian.li')
      await page.fill('#f-password', DEMO_PASSWORD)
      await page.click('button[type=submit]')
      await page.waitForSelector('[data-testid="dashboard-evaluator"]')
      await expect(page.locator('[data-testid="stage-counts"]').innerText()).resolves.toContain('报告初稿')

      await page.click('text=新建评价项目')
      await page.waitForURL(/\/engagements\/new$/)
      const name = '2026年滨江区困难群众救助资金项目支出绩效评价'
      await page.fill('#f-name', name)
      await page.selectOption('#f-financeBureauId', { label: '杭州市滨江区财政局' })
      await page.fill('#f-funds', 'abc')
      await page.fill('#f-periodStart', '2026-06-30')
      await page.fill('#f-periodEnd', '2026-01-01')
      await page.locator('input[name=unitName]').nth(0).fill('杭州市滨江区民政局')
      await page.locator('input[name=unitDepartment]').nth(0).fill('杭州市滨江区民政局')
      await page.click('text=添加被评价单位')
      await expect(page.locator('[data-testid=unit-row]').count()).resolves.toBe(2)
      await page.locator('input[name=unitName]').nth(1).fill('杭州市滨江区浦沿街道办事处')
      await page.locator('input[name=unitDepartment]').nth(1).fill('杭州市滨江区人民政府')
      await page.check('label.check:has-text("赵核") input')
      await page.click('button:has-text("创建项目")')

      await page.waitForSelector('text=金额须为不小于 0 的数字，单位万元')
      await page.waitForSelector('text=评价期间截止日不能早于起始日')
      expect(page.url()).toMatch(/\/engagements\/new$/)
      await expect(page.inputValue('#f-funds')).resolves.toBe('abc')
      await expect(page.inputValue('#f-name')).resolves.toBe(name)
      await expect(page.inputValue('#f-periodStart')).resolves.toBe('2026-06-30')
      await expect(page.locator('input[name=unitName]').nth(1).inputValue()).resolves.toBe('杭州市滨江区浦沿街道办事处')

      await page.fill('#f-funds', '1286.5')
      await page.fill('#f-periodEnd', '2026-12-31')
      await page.click('button:has-text("创建项目")')
      await page.waitForURL(ULID_PATH)
      await page.waitForSelector(`h1:has-text("${name}")`)
      const facts = await page.locator('dl.facts').innerText()
      expect(facts).toContain('1,286.50 万元')
      expect(facts).toContain('未登记')
      await expect(page.locator('ul.stages li.current').innerText()).resolves.toBe('委托')

      // The 委托 gate: no contract number yet.
      await page.selectOption('#f-to', 'preliminary_research')
      await page.click('button:has-text("确认变更")')
      await page.waitForSelector('text=委托合同尚未登记合同编号，不能进入前期调研')

      await page.click('text=编辑项目信息')
      await page.waitForURL(/\/edit$/)
      await page.fill('#f-contractNo', 'MJ-2026-088')
      await page.click('button:has-text("保存修改")')
      await page.waitForURL(ULID_PATH)
      await expect(page.locator('dl.facts').innerText()).resolves.toContain('MJ-2026-088')

      await page.selectOption('#f-to', 'preliminary_research')
      await page.click('button:has-text("确认变更")')
      await page.waitForSelector('text=已由“委托”变更为“前期调研”')
      // The notice comes with the action's answer; the stage bar and timeline with the revalidated loader.
      await page.waitForSelector('ul.stages li.current:text-is("前期调研")')
      await page.waitForSelector('[data-testid=stage-timeline] li:has-text("推进至“前期调研”")')
      const timeline = await page.locator('[data-testid=stage-timeline]').innerText()
      expect(timeline).toContain('李评 将阶段由“委托”推进至“前期调研”')
      expect(timeline).toContain('创建项目')
      await page.screenshot({ path: '/tmp/evaldesk-engagement-detail.png', fullPage: true })

      await page.goto(`${suite.server.url}/engagements`)
      await page.waitForSelector(`a:has-text("${name}")`)
      await page.screenshot({ path: '/tmp/evaldesk-engagement-list.png', fullPage: true })
      await page.goto(`${suite.server.url}/engagements/new`)
      await page.screenshot({ path: '/tmp/evaldesk-engagement-new.png', fullPage: true })
      expect(clientErrors).toEqual([])
    } finally {
      await context.close()
    }
  })

  test('two tabs: the later move from a stale page gets the conflict message and the page catches up', async () => {
    const context = await suite.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
    try {
      const first = await context.newPage()
      await first.goto(`${suite.server.url}/login`)
      await first.fill('#f-username', 'mingjian.admin')
      await first.fill('#f-password', DEMO_PASSWORD)
      await first.click('button[type=submit]')
      await first.waitForSelector('[data-testid="dashboard-agency_admin"]')
      const { id } = engagementIdByName('2025年滨江区基本公共卫生服务项目绩效运行监控')
      const second = await context.newPage()
      for (const page of [first, second]) {
        await page.goto(`${suite.server.url}/engagements/${id}`)
        await page.waitForSelector('ul.stages li.current:text-is("数据采集与现场核查")')
      }
      await first.selectOption('#f-to', 'survey')
      await first.click('button:has-text("确认变更")')
      await first.waitForSelector('ul.stages li.current:text-is("问卷调查")')

      await second.selectOption('#f-to', 'expert_review')
      await second.click('button:has-text("确认变更")')
      await second.waitForSelector('text=数据已被他人修改，请刷新后重试')
      // No silent overwrite: the engagement stays where the first tab put it, and the stale tab shows it.
      await second.waitForSelector('ul.stages li.current:text-is("问卷调查")')
      expect(suite.db.select({ stage: engagements.stage }).from(engagements).where(eq(engagements.id, id)).get()?.stage).toBe('survey')
    } finally {
      await context.close()
    }
  })
})

describe('over HTTP', () => {
  test('each role lands on its own dashboard', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const client = await loggedIn(suite.server.url, account.username)
      const res = await client.get('/dashboard')
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain(`data-testid="dashboard-${account.role}"`)
      if (account.role === 'expert') expect(html).toContain('我的评审邀请')
      if (account.role === 'system_admin') expect(html).toContain('/admin/organizations')
      if (account.role === 'finance_reviewer') expect(html).toContain('本局委托的评价项目')
    }
  })

  test('anonymous users are sent to log in; roles without engagements are refused', async () => {
    const anon = new Client(suite.server.url)
    for (const path of ['/engagements', '/engagements/new']) {
      const res = await anon.get(path)
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toMatch(/^\/login\?redirectTo=/)
    }
    for (const username of ['expert.zhang', 'admin']) {
      const client = await loggedIn(suite.server.url, username)
      expect((await client.get('/engagements')).status).toBe(403)
      expect((await client.get('/engagements/new')).status).toBe(403)
    }
    const finance = await loggedIn(suite.server.url, 'binjiang.finance')
    expect((await finance.get('/engagements/new')).status).toBe(403)
    expect((await finance.post('/engagements/new', { name: 'x' })).status).toBe(403)
  })

  test("another tenant's engagement is a 404 for every page and action", async () => {
    const target = engagementIdByName('2025年滨江区基本公共卫生服务项目绩效运行监控') // agency A, bureau X
    for (const username of ['hengping.admin', 'xihu.finance']) {
      const client = await loggedIn(suite.server.url, username)
      expect((await client.get(`/engagements/${target.id}`)).status).toBe(404)
      expect((await client.get(`/engagements/${target.id}/edit`)).status).toBe(404)
      const move = await client.post(`/engagements/${target.id}`, { intent: 'move', to: 'survey', note: '', version: String(target.version) })
      expect(move.status).toBe(404)
    }
    const li = await loggedIn(suite.server.url, 'mingjian.li')
    expect((await li.get('/engagements/not-a-ulid')).status).toBe(404)
    expect((await li.get('/engagements/01JZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404)
    expect(engagementIdByName('2025年滨江区基本公共卫生服务项目绩效运行监控')).toEqual(target)
  })

  test('finance reviewers and unit contacts get read-only pages', async () => {
    const target = engagementIdByName('2025年滨江区义务教育阶段学生资助资金项目支出绩效评价')
    for (const username of ['binjiang.finance', 'unit.edu']) {
      const client = await loggedIn(suite.server.url, username)
      const res = await client.get(`/engagements/${target.id}`)
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain('阶段记录')
      expect(html).toContain('退回')
      expect(html).not.toContain('确认变更')
      expect(html).not.toContain('编辑项目信息')
      expect((await client.get(`/engagements/${target.id}/edit`)).status).toBe(403)
      const move = await client.post(`/engagements/${target.id}`, { intent: 'move', to: 'consultation', note: '', version: String(target.version) })
      expect(move.status).toBe(403)
    }
    expect(engagementIdByName('2025年滨江区义务教育阶段学生资助资金项目支出绩效评价')).toEqual(target)
  })

  test('the list filters and never fails on odd query strings', async () => {
    const client = await loggedIn(suite.server.url, 'mingjian.admin')
    const all = await (await client.get('/engagements')).text()
    expect(all).toMatch(/共 \d+ 个项目/)
    const bureauY = suite.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, '杭州市西湖区财政局')).get()!.id
    const filtered = await (await client.get(`/engagements?bureau=${bureauY}&sort=funds&dir=asc`)).text()
    expect(filtered).toContain('共 2 个项目')
    const tableBody = filtered.slice(filtered.indexOf('<tbody>'), filtered.indexOf('</tbody>'))
    expect(tableBody).toContain('西湖区')
    expect(tableBody).not.toContain('滨江区')
    for (const query of ['?year=abc&page=-1', '?sort=drop%20table&dir=sideways', '?page=99999999999', '?kind=%00&stage=%E2%80%AE', '?bureau=zzz&year=99999', '?page=50']) {
      const res = await client.get(`/engagements${query}`)
      expect(res.status, query).toBe(200)
    }
  })

  test('bad input is a 400 with the Chinese message and the typed values; a stale edit is a 409', async () => {
    const client = await loggedIn(suite.server.url, 'mingjian.li')
    const bad = await client.post('/engagements/new', {
      name: '测试项目甲',
      year: '二〇二六',
      kind: 'project',
      budgetType: 'general_public',
      financeBureauId: 'nope',
      funds: '-5',
      periodStart: '2026-13-01',
      periodEnd: '2026-01-01',
      unitName: ['\u0000', ''],
      unitDepartment: ['', ''],
      leadUserId: '',
      memberIds: ['x'],
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    for (const message of ['评价年度须为整数', '请选择委托财政局', '金额须为不小于 0 的数字，单位万元', '评价期间起始日格式应为 年-月-日', '请至少填写一个被评价单位及其主管部门']) {
      expect(html).toContain(message)
    }
    expect(html).toContain('value="测试项目甲"')
    expect(suite.db.select().from(engagements).where(eq(engagements.name, '测试项目甲')).get()).toBeUndefined()

    const target = engagementIdByName('2026年滨江区长河街道财政运行综合评价') // led by mingjian.li
    const editPage = await (await client.get(`/engagements/${target.id}/edit`)).text()
    expect(editPage).toContain(`name="version" value="${target.version}"`)
    const bureauX = suite.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, '杭州市滨江区财政局')).get()!.id
    const leadId = suite.db.select({ lead: engagements.leadUserId }).from(engagements).where(eq(engagements.id, target.id)).get()!.lead
    const form = {
      version: String(target.version),
      name: '2026年滨江区长河街道财政运行综合评价',
      year: '2026',
      kind: 'subdistrict',
      budgetType: 'general_public',
      financeBureauId: bureauX,
      funds: '15680',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      contractNo: 'MJ-2026-002',
      leadUserId: leadId,
      unitName: ['杭州市滨江区长河街道办事处'],
      unitDepartment: ['杭州市滨江区人民政府'],
    }
    const first = await client.post(`/engagements/${target.id}/edit`, form)
    expect(first.status).toBe(302)
    const stale = await client.post(`/engagements/${target.id}/edit`, { ...form, contractNo: 'MJ-2026-003' })
    expect(stale.status).toBe(409)
    expect(await stale.text()).toContain('数据已被他人修改，请刷新后重试')
    const now = suite.db.select().from(engagements).where(eq(engagements.id, target.id)).get()!
    expect(now).toMatchObject({ contractNo: 'MJ-2026-002', version: target.version + 1 })

    const staleMove = await client.post(`/engagements/${target.id}`, { intent: 'move', to: 'preliminary_research', note: '', version: String(target.version) })
    expect(staleMove.status).toBe(409)
    const noNote = await client.post(`/engagements/${target.id}`, { intent: 'move', to: 'nowhere', note: '', version: 'x' })
    expect(noNote.status).toBe(400)
  })
})
