// Issue 7's browser scenario, the submission and review part: the lead submits the issued report,
// the bureau's reviewer reads it on screen and returns it with two comments, the lead answers both,
// issues a revised 定稿 and resubmits, and the reviewer sees the answers and the change and accepts.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { launchBrowser } from '../helpers/browser'
import { finalizedEngagement } from '../helpers/issued-report'
import type { ReadyPanel } from '../helpers/panel-fixture'
import { startServer, type RunningServer } from '../helpers/server'
import { TEST_AUDIT_KEY } from '../helpers/temp-db'

let server: RunningServer
let db: Db
let browser: Browser
let panel: ReadyPanel
let clock = Date.now() - 3_600_000
const tick = () => new Date((clock += 1000))

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  ;({ panel } = await finalizedEngagement(db, tick))
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  db?.$client.close()
  await server?.stop()
})

async function signedIn(username: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`))
  await page.goto(`${server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', DEMO_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/dashboard$/)
  return page
}

test('submit → return with two comments → answer → resubmit → accept', async () => {
  const errors: string[] = []
  const lead = await signedIn('mingjian.zhao', errors)
  const reviewer = await signedIn('binjiang.finance', errors)

  // The lead submits the issued 定稿 from the engagement page's 提交与审核 card.
  await lead.goto(`${server.url}/engagements/${panel.engagementId}`)
  await lead.click('[data-testid=review-summary] a:has-text("提交财政")')
  await lead.waitForSelector('[data-testid=submit-form]')
  await lead.click('button:has-text("提交财政局审核")')
  await lead.waitForSelector('text=已提交第 1 轮')
  await lead.waitForSelector('[data-testid=rounds] tr[data-round="1"] >> text=待审核')

  // The reviewer finds it in the inbox and opens it.
  await reviewer.click('nav[aria-label=主导航] a:has-text("报告审核")')
  await reviewer.waitForSelector('[data-testid=review-inbox]')
  await reviewer.click('[data-testid=inbox-row] a')
  await reviewer.waitForSelector('[data-testid=report-view]')
  await expect(reviewer.locator('[data-testid=report-view] h2', { hasText: '六、有关建议' }).count()).resolves.toBe(1)

  // Two comments: one on a section, one on an indicator; then the return.
  await reviewer.selectOption('#f-anchor', 'section:六、有关建议')
  await reviewer.fill('#f-body', '建议应明确责任单位和完成时限')
  await reviewer.click('[data-testid=comment-form] button:has-text("添加意见")')
  await reviewer.waitForSelector('text=意见已添加')
  await reviewer.selectOption('#f-anchor', 'indicator:D102')
  await reviewer.fill('#f-body', '满意度调查样本量未说明')
  await reviewer.click('[data-testid=comment-form] button:has-text("添加意见")')
  await reviewer.waitForSelector('[data-testid=comment]:nth-child(2)')
  // After a saved comment the form starts empty again.
  await expect(reviewer.inputValue('#f-body')).resolves.toBe('')
  await reviewer.fill('#f-note', '请按意见修改后重新提交')
  await reviewer.click('button:has-text("退回修改")')
  await reviewer.waitForSelector('text=已退回修改')
  await reviewer.waitForSelector('[data-testid=round-status]:has-text("已退回")')

  // The lead answers both comments (the submit form waits until both are answered).
  await lead.reload()
  await expect(lead.locator('[data-testid=submit-blocker]').innerText()).resolves.toContain('尚有 2 条未答复')
  const comments = lead.locator('[data-testid=review-comment]')
  await expect(comments.count()).resolves.toBe(2)
  for (const [i, answer] of ['已在建议中明确由区卫健局于 9 月底前完成', '已补充样本量说明'].entries()) {
    await comments.nth(i).locator('textarea[name=answer]').fill(answer)
    await comments.nth(i).locator('button:has-text("保存答复")').click()
    await lead.waitForSelector(`[data-testid=review-comment]:nth-child(${i + 1})[data-answered=true]`)
  }
  await expect(lead.locator('[data-testid=submit-blocker]').innerText()).resolves.toContain('已签发的版本都已提交过')

  // A revised 定稿 is generated and issued on the report page, then submitted as round 2.
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/reports/evaluation`)
  await lead.fill('#f-suggestions', '一是由区卫健局于 2026 年 9 月底前细化绩效目标；二是补充满意度调查样本量说明。')
  await lead.click('[data-testid=narrative-form] button:has-text("保存")')
  await lead.waitForSelector('text=已保存')
  await lead.selectOption('#f-stage', 'final')
  await lead.click('[data-testid=generate-form] button.primary')
  await lead.waitForSelector('text=/已生成第 \\d+ 版/', { timeout: 60_000 })
  await lead.locator('[data-testid=versions] button:has-text("签发")').first().click()
  await lead.waitForSelector('text=/已签发，验证码/', { timeout: 60_000 })
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/submission`)
  await lead.click('button:has-text("提交财政局审核")')
  await lead.waitForSelector('text=已提交第 2 轮')

  // The reviewer sees the answers and the changed section, and accepts.
  await reviewer.goto(`${server.url}/review`)
  await reviewer.click('[data-testid=inbox-row] a')
  await reviewer.waitForSelector('[data-testid=previous-round]')
  const previous = await reviewer.locator('[data-testid=previous-round]').innerText()
  expect(previous).toContain('已补充样本量说明')
  expect(previous).toContain('六、有关建议')
  expect(previous).toContain('9 月底前细化绩效目标')
  await reviewer.fill('#f-note', '同意验收')
  await reviewer.click('button:has-text("验收")')
  await reviewer.waitForSelector('text=已验收。')
  await reviewer.waitForSelector('[data-testid=round-status]:has-text("已验收")')

  // Both sides read the whole loop on the engagement page.
  await lead.goto(`${server.url}/engagements/${panel.engagementId}`)
  const timeline = await lead.locator('[data-testid=review-timeline]').innerText()
  for (const step of ['提交第 1 轮', '退回第 1 轮修改（审核意见 2 条）', '答复第 1 轮审核意见', '提交第 2 轮', '验收第 2 轮提交的报告']) expect(timeline).toContain(step)
  expect(errors).toEqual([])
})
