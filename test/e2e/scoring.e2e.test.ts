// Issue 5's browser scenario: three experts score (one at phone width); one submits late, is asked by
// the lead to justify or rescore the divergent indicator and rescores; the lead consolidates with the
// trimmed mean, the panel leader confirms the opinion, and closing stores the result.
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { frameworks, frameworkVersions, scoringRounds, users } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { certify, setLeader } from '../../app/services/panel.server'
import { startSheet } from '../../app/services/sheet.server'
import { launchBrowser } from '../helpers/browser'
import { form, readyPanel, type ReadyPanel } from '../helpers/panel-fixture'
import { startServer, type RunningServer } from '../helpers/server'
import { TEST_AUDIT_KEY } from '../helpers/temp-db'

let server: RunningServer
let db: Db
let browser: Browser
let panel: ReadyPanel

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
  if (!setLeader(db, panel.lead, panel.engagementId, form({ seatId: panel.seats[0]!.seatId }), at).ok) throw new Error('leader not set')
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  db?.$client.close()
  await server?.stop()
})

async function signedIn(username: string, password: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport })
  const page = await context.newPage()
  await page.goto(`${server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/(dashboard|expert)$/)
  return page
}

/** Signs in as the expert in seat i (seats are in draw order, not in account order). */
const expertPage = (i: number, viewport?: { width: number; height: number }) => {
  const username = db.select({ username: users.username }).from(users).where(eq(users.id, panel.seats[i]!.actor.userId)).get()!.username
  return signedIn(username, 'Fixture-expert-password-1', viewport)
}

/** Scores every indicator through the page: full marks except the first, which gets `first`. */
async function scoreSheet(page: Page, seatId: string, first: { score: string; reason: string }) {
  await page.goto(`${server.url}/expert/seats/${seatId}/score`)
  await page.waitForSelector('[data-testid=scoring-page]')
  const items = page.locator('form.score-item')
  const n = await items.count()
  for (let i = 0; i < n; i++) {
    const item = items.nth(i)
    const label = await item.locator('label:has(input[name=score])').innerText()
    const full = /0–([\d.]+)/.exec(label)![1]!
    await item.locator('input[name=score]').fill(i === 0 ? first.score : full)
    if (i === 0 && first.reason) await item.locator('textarea[name=reason]').fill(first.reason)
    await item.locator('textarea[name=comment]').click()
    await item.locator('text=/已保存（第 \\d+ 版）/').waitFor()
  }
  await expect(page.locator('[data-testid=progress]').innerText()).resolves.toBe(String(n))
  await page.click('button:has-text("提交评分")')
  await page.waitForSelector('[data-testid=submitted]')
}

test('three experts score, a late submitter rescores on request, trimmed mean, the opinion is confirmed', async () => {
  const errors: string[] = []
  const lead = await signedIn('mingjian.zhao', DEMO_PASSWORD)
  lead.on('pageerror', (e) => errors.push(e.message))
  const seatOf = (i: number) => panel.seats[i]!.seatId

  // The lead opens scoring with the trimmed mean.
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/panel`)
  await lead.selectOption('#f-aggregationRule', 'trimmed')
  await lead.fill('#f-softDeadline', new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10))
  await lead.click('[data-testid=start-scoring] button:has-text("开始评分")')
  await lead.waitForSelector('[data-testid=scoring-progress]')

  // Expert A scores at phone width, with no horizontal scrolling; B scores on a desktop.
  const a = await expertPage(0, { width: 375, height: 800 })
  a.on('pageerror', (e) => errors.push(e.message))
  const b = await expertPage(1)
  await Promise.all([scoreSheet(a, seatOf(0), await fullOf(a, seatOf(0))), scoreSheet(b, seatOf(1), await fullOf(b, seatOf(1)))])
  expect(await a.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)

  // Time passes: the suggested completion date is behind us when C submits, so C's sheet is late.
  db.update(scoringRounds).set({ softDeadline: new Date(Date.now() - 60_000).toISOString() }).where(eq(scoringRounds.engagementId, panel.engagementId)).run()
  const c = await expertPage(2)
  c.on('pageerror', (e) => errors.push(e.message))
  await scoreSheet(c, seatOf(2), { score: '0', reason: '未提供立项论证材料' })

  await lead.reload()
  await expect(lead.locator('[data-testid=scoring-progress]').innerText()).resolves.toContain('逾期')
  await lead.click('button:has-text("进入讨论阶段")')
  await lead.waitForSelector('button:has-text("结束评分")')

  // The first indicator diverges; the lead asks C (the low score) only.
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/scores`)
  const request = lead.locator('[data-testid=divergence] form.request-form').first()
  for (const box of await request.locator('input[type=checkbox]').all()) {
    const key = (await box.evaluate((el) => el.parentElement!.textContent ?? '')).trim()
    if (key === '专家C') await box.check()
    else await box.uncheck()
  }
  await request.locator('button:has-text("发送请求")').click()
  await lead.waitForSelector('text=已向 1 位专家发出请求')
  await expect(lead.locator('[data-testid=requests]').innerText()).resolves.toContain('待答复')

  // C sees the request and the panel's scores, then rescores with a reason.
  await c.goto(`${server.url}/expert/seats/${seatOf(2)}/score`)
  await c.waitForSelector('[data-testid=open-requests]')
  await expect(c.locator('[data-testid=panel-view]').innerText()).resolves.toContain('您是专家C')
  const first = c.locator('form.score-item').first()
  await expect(first.locator('[data-testid=panel-scores]').innerText()).resolves.toContain('分歧较大')
  const fullFirst = /0–([\d.]+)/.exec(await first.locator('label:has(input[name=score])').innerText())![1]!
  await first.locator('input[name=score]').fill(String(Number(fullFirst) / 2))
  await first.locator('textarea[name=rescoreReason]').fill('补看了立项批复文件，调整评分')
  const before = Number(/已保存（第 (\d+) 版）/.exec(await first.innerText())![1])
  await first.locator('button:has-text("保存重评")').click()
  await first.locator(`text=已保存（第 ${before + 1} 版）`).waitFor()

  // The lead sees the answer and the history, and the trimmed-mean consolidation.
  await lead.reload()
  await expect(lead.locator('[data-testid=requests]').innerText()).resolves.toContain('已重评')
  await expect(lead.locator('[data-testid=score-history]').innerText()).resolves.toContain('补看了立项批复文件')
  // Three scores are too few to trim, so the trimmed mean is the mean: (3 + 3 + 1.5) / 3 on A101.
  await expect(lead.locator('[data-testid=total]').innerText()).resolves.toMatch(/^总分 99\.5 分.*去掉一个最高分/)

  // The panel leader (A) confirms the opinion drafted from the deduction reasons.
  await a.goto(`${server.url}/expert/seats/${seatOf(0)}/opinion`)
  await a.waitForSelector('[data-testid=opinion-page]')
  await expect(a.locator('textarea[name^="part."]').first().inputValue()).resolves.toContain('（专家C）')
  await a.click('button:has-text("确认专家组意见")')
  await a.waitForSelector('[data-testid=opinion-confirmed]')

  await lead.reload()
  await expect(lead.locator('[data-testid=panel-opinion]').innerText()).resolves.toContain('组长已于')
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/panel`)
  await lead.click('button:has-text("结束评分")')
  await lead.waitForSelector('text=评分进度 · 已结束')
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/scores`)
  await expect(lead.locator('[data-testid=stored-result]').innerText()).resolves.toContain('去掉一个最高分')
  expect(errors).toEqual([])
}, 300_000)

/** The first indicator's full marks, as the page states them: a sheet with no deductions. */
async function fullOf(page: Page, seatId: string): Promise<{ score: string; reason: string }> {
  await page.goto(`${server.url}/expert/seats/${seatId}/score`)
  const label = await page.locator('form.score-item').first().locator('label:has(input[name=score])').innerText()
  return { score: /0–([\d.]+)/.exec(label)![1]!, reason: '' }
}
