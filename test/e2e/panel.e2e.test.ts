// Issue 4's browser test: compose a 5-seat panel, draw, have one expert decline and see the reserve
// take the seat, have the experts certify, and replay the draw.
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import { engagements, experts, users } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { browserSuite } from '../helpers/browser'

const suite = browserSuite()

const ENGAGEMENT = '2025年滨江区基本公共卫生服务项目绩效运行监控'

async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${suite.server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/(dashboard|expert)$/)
}

/**
 * Opens the expert's invitation in a fresh browser context: an expert with an account signs in; one
 * without gets the one-time link from the lead's page and sets a password through it.
 */
async function asExpert(lead: Page, expertName: string, work: (page: Page) => Promise<void>, opts: { login?: boolean } = {}) {
  const expert = suite.db.select().from(experts).where(eq(experts.name, expertName)).get()!
  const context = await suite.browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  try {
    if (expert.userId) {
      const user = suite.db.select().from(users).where(eq(users.id, expert.userId)).get()!
      // Accounts made through an invite link in this test have the test's password.
      await signIn(page, user.username, user.username.startsWith('e2e.') ? 'E2e-expert-password-2026' : DEMO_PASSWORD)
    } else if (opts.login) {
      throw new Error(`${expertName} has no account to sign in with`)
    } else {
      const row = lead.locator(`tr[data-expert="${expertName}"]`)
      await row.locator('button:has-text("生成邀请链接")').click()
      const link = (await lead.locator('[data-testid=invite-link] code').innerText()).trim()
      await page.goto(link)
      await page.fill('#f-username', `e2e.${expert.id.slice(-8).toLowerCase()}`)
      await page.fill('#f-password', 'E2e-expert-password-2026')
      await page.fill('#f-passwordConfirm', 'E2e-expert-password-2026')
      await page.click('button:has-text("设置账号并继续")')
      await page.waitForURL(/\/expert$/)
    }
    await page.goto(`${suite.server.url}/expert`)
    await page.locator(`tr:has-text("${ENGAGEMENT}") a`).first().click()
    await page.waitForSelector('[data-testid=expert-seat]')
    await work(page)
  } finally {
    await context.close()
  }
}

test('compose, draw, a decline calls the reserve, experts certify, the draw replays', async () => {
  const context = await suite.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })
  const lead = await context.newPage()
  const clientErrors: string[] = []
  lead.on('pageerror', (error) => clientErrors.push(error.message))
  try {
    await signIn(lead, 'mingjian.admin')
    const engagement = suite.db.select().from(engagements).where(eq(engagements.name, ENGAGEMENT)).get()!
    // The scoring sheet first: the experts' declarations cover it.
    await lead.goto(`${suite.server.url}/engagements/${engagement.id}/sheet`)
    const option = lead.locator('#f-frameworkVersionId option', { hasText: '共性指标体系框架（2020）' })
    await lead.selectOption('#f-frameworkVersionId', (await option.first().getAttribute('value'))!)
    await lead.click('button:has-text("建立评分表")')
    await lead.waitForSelector('[data-testid=validation-ok]')
    await lead.goto(`${suite.server.url}/engagements/${engagement.id}`)
    await lead.click('[data-testid=panel-summary] a:has-text("组建专家组")')
    await lead.waitForSelector('[data-testid=panel-form]')

    // Compose: 5 seats (1 财务 + 1 卫生健康 + 3 open), 2 reserves.
    await lead.fill('#f-size', '5')
    await lead.fill('#f-reserveCount', '2')
    await lead.fill('#f-reviewDate', '2026-12-15')
    await lead.selectOption('select[aria-label="第1条名额 专业领域"]', 'finance')
    await lead.fill('input[aria-label="第1条名额 人数"]', '1')
    await lead.selectOption('select[aria-label="第2条名额 专业领域"]', 'health')
    await lead.fill('input[aria-label="第2条名额 人数"]', '1')
    await lead.click('button:has-text("保存组成")')
    await lead.waitForSelector('button:has-text("随机抽取专家")')
    await lead.click('button:has-text("随机抽取专家")')
    await lead.waitForSelector('[data-testid=seats]')
    const seatNames = async () => lead.locator('[data-testid=seats] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-expert') ?? ''))
    const drawn = await seatNames()
    expect(drawn).toHaveLength(5)
    await expect(lead.locator('[data-testid=seats]').innerText()).resolves.not.toContain('已接受')

    // One open-seat expert declines with a reason; a reserve is called into the panel.
    const openRow = lead.locator('[data-testid=seats] tbody tr', { hasText: '不限专业' }).first()
    const decliner = (await openRow.getAttribute('data-expert'))!
    await asExpert(lead, decliner, async (page) => {
      await page.fill('#f-reason', '评审当日另有教学安排')
      await page.click('button:has-text("谢绝邀请")')
      await page.waitForURL(/\/expert$/)
    })
    await lead.reload()
    await lead.waitForSelector('[data-testid=draw-events]')
    await expect(lead.locator('[data-testid=draw-events]').innerText()).resolves.toContain('候补递补')
    const afterDecline = await seatNames()
    expect(afterDecline).toHaveLength(6)
    const called = afterDecline.filter((n) => !drawn.includes(n))
    expect(called).toHaveLength(1)

    // Every expert now invited accepts and certifies.
    for (const name of afterDecline.filter((n) => n !== decliner)) {
      await asExpert(lead, name, async (page) => {
        await page.click('button:has-text("接受邀请")')
        await page.waitForSelector('[data-testid=declaration]')
        await page.click('button:has-text("签署承诺")')
        await page.waitForSelector('text=请阅读并勾选同意承诺书')
        await page.check('input[name=agree]')
        await page.click('button:has-text("签署承诺")')
        await page.waitForSelector('[data-testid=engagement-material]')
      })
      await lead.reload()
    }
    await lead.waitForSelector('[data-testid=panel-ready]')

    // The draw record replays to the same result.
    await lead.click('a:has-text("抽取（种子")')
    await lead.waitForSelector('[data-testid=replay-ok]')
    await expect(lead.locator('[data-testid=draw-record]').innerText()).resolves.toContain(called[0]!)

    // And the engagement may now enter 专家评审.
    await lead.goto(`${suite.server.url}/engagements/${engagement.id}`)
    await lead.selectOption('#f-to', 'expert_review')
    await lead.click('button:has-text("确认变更")')
    await lead.waitForSelector('ul.stages li.current:text-is("专家评审")')

    // The lead opens scoring; an expert scores at phone width, and autosaved scores survive a reload.
    await lead.goto(`${suite.server.url}/engagements/${engagement.id}/panel`)
    await lead.selectOption('#f-aggregationRule', 'trimmed')
    await lead.click('[data-testid=start-scoring] button:has-text("开始评分")')
    await lead.waitForSelector('[data-testid=scoring-progress]')
    const scorer = afterDecline.find((n) => n !== decliner)!
    await asExpert(
      lead,
      scorer,
      async (page) => {
        await page.setViewportSize({ width: 375, height: 800 })
        await page.click('a:has-text("进入在线评分")')
        await page.waitForSelector('[data-testid=scoring-page]')
        const first = page.locator('form.score-item').first()
        await first.locator('input[name=score]').fill('2')
        await first.locator('textarea[name=reason]').fill('论证材料不够充分')
        await first.locator('textarea[name=comment]').click()
        await first.locator('text=/已保存（第 \\d+ 版）/').waitFor()
        await page.waitForLoadState('networkidle')
        await expect(page.locator('[data-testid=progress]').innerText()).resolves.toBe('1')
        await page.reload()
        await expect(page.locator('form.score-item').first().locator('input[name=score]').inputValue()).resolves.toBe('2')
        // No horizontal scrolling at phone width.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
        expect(overflow).toBeLessThanOrEqual(0)
      },
      { login: true },
    )
    await lead.reload()
    await expect(lead.locator('[data-testid=scoring-progress]').innerText()).resolves.toContain(`1 / `)
    // Nothing is consolidated before a sheet is submitted.
    await lead.click('a:has-text("查看评分汇总")')
    await lead.waitForSelector('text=尚无专家提交评分')
    expect(clientErrors).toEqual([])
  } finally {
    await context.close()
  }
})
