// Issue 8's browser scenario: on an engagement whose report the bureau accepted, the bureau's
// reviewer submits a 不合格 work-quality rating; the agency's admin sees the agency's grade drop
// (A → B under the default policy: the demo's commendation +5, a 较重 quality_fail −20), appeals
// with a reason; the reviewer revokes the entry with a reason; the grade returns to A and the
// history (the appeal, the revocation and both reasons) stays on the file. Then the bureau's account
// admin edits the bureau's credit policy in the browser, and the file is graded by the new version.
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { engagements } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { acceptedEngagement, type AcceptedEngagement } from '../helpers/accepted-engagement'
import { launchBrowser } from '../helpers/browser'
import { startServer, type RunningServer } from '../helpers/server'
import { TEST_AUDIT_KEY } from '../helpers/temp-db'

let server: RunningServer
let db: Db
let browser: Browser
let accepted: AcceptedEngagement
let agencyId: string

const APPEAL_REASON = '一票否决所称数据造假系被评价单位提供的台账有误，机构已在底稿中留存核对记录'
const REVOKE_REASON = '经复核底稿，数据错误源于被评价单位台账，机构已履行核查程序，撤销该记录'

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  // Accepted a few days ago, so the rating made now follows it.
  accepted = await acceptedEngagement(db, { at: new Date(Date.now() - 7 * 86_400_000) })
  agencyId = db.select({ agencyId: engagements.agencyId }).from(engagements).where(eq(engagements.id, accepted.engagementId)).get()!.agencyId
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

const gradeOn = async (page: Page) => (await page.locator('[data-testid=credit-grade]').innerText()).trim()

test('a 不合格 quality rating lowers the agency’s grade; the agency appeals; the reviewer revokes; the grade returns', async () => {
  const errors: string[] = []
  const admin = await signedIn('mingjian.admin', errors)
  const reviewer = await signedIn('binjiang.finance', errors)
  const file = `${server.url}/credit/${agencyId}`

  // Before: the demo's commendation keeps the agency at A under the default policy.
  await admin.goto(file)
  await admin.waitForSelector('[data-testid=credit-standing]')
  expect(await gradeOn(admin)).toMatch(/^A/)
  await expect(admin.locator('[data-testid=credit-policy]').innerText()).resolves.toContain('默认信用政策（第 1 版）')

  // The reviewer rates the accepted engagement: full marks on every item, but a one-vote veto.
  await reviewer.goto(`${server.url}/engagements/${accepted.engagementId}/quality`)
  const items = reviewer.locator('[data-testid=quality-form] tbody tr')
  const itemCount = await items.count()
  expect(itemCount).toBeGreaterThan(0)
  for (let i = 0; i < itemCount; i++) {
    const points = (await items.nth(i).locator('td').nth(1).innerText()).trim()
    await reviewer.fill(`[name="score.${i}"]`, points)
  }
  await reviewer.check('[data-testid=quality-form] input[name=veto]')
  await reviewer.fill('#f-vetoReason', '报告所列资金到位率与被评价单位账面数据不符，存在数据造假')
  await reviewer.click('[data-testid=quality-form] button:has-text("提交评价")')
  await reviewer.waitForSelector('text=评价已提交。')
  await expect(reviewer.locator('[data-testid=quality-result] h2').innerText()).resolves.toContain('不合格')
  await expect(reviewer.locator('[data-testid=quality-credit]').innerText()).resolves.toContain('已记入评价机构信用档案')

  // The agency's admin sees the entry and the lowered grade: 100 + 5 − 20 = 85, B.
  await admin.reload()
  await admin.waitForSelector('[data-testid=credit-standing]')
  expect(await gradeOn(admin)).toMatch(/^B/)
  await expect(admin.locator('[data-testid=credit-score]').innerText()).resolves.toContain('85')
  const entry = admin.locator('[data-testid=credit-entry]', { hasText: '执业质量评价不合格' })
  await expect(entry.count()).resolves.toBe(1)
  await expect(entry.innerText()).resolves.toContain('较重')

  // The admin appeals with a reason.
  await entry.locator('summary:has-text("申诉")').click()
  await entry.locator('textarea[name=reason]').fill(APPEAL_REASON)
  await entry.locator('[data-testid=appeal-form] button:has-text("提交申诉")').click()
  await admin.waitForSelector('text=申诉已提交')
  await expect(admin.locator('[data-testid=credit-entry]', { hasText: '执业质量评价不合格' }).locator('[data-testid=credit-appeal]').innerText()).resolves.toContain(APPEAL_REASON)
  // While the appeal waits, the entry still counts.
  expect(await gradeOn(admin)).toMatch(/^B/)

  // The reviewer opens the file, finds the appeal and revokes the entry with a reason.
  await reviewer.goto(file)
  const appealed = reviewer.locator('[data-testid=credit-entry]', { hasText: '执业质量评价不合格' })
  await appealed.locator('[data-testid=decide-form]').waitFor()
  await expect(appealed.locator('[data-testid=credit-appeal]').innerText()).resolves.toContain(APPEAL_REASON)
  await appealed.locator('select[name=decision]').selectOption('revoked')
  await appealed.locator('[data-testid=decide-form] textarea[name=reason]').fill(REVOKE_REASON)
  await appealed.locator('[data-testid=decide-form] button:has-text("提交处理结果")').click()
  await reviewer.waitForSelector('text=/当前信用等级 A/')

  // The agency's admin sees the grade back at A and the whole history.
  await admin.reload()
  await admin.waitForSelector('[data-testid=credit-standing]')
  expect(await gradeOn(admin)).toMatch(/^A/)
  await expect(admin.locator('[data-testid=credit-score]').innerText()).resolves.toContain('105')
  const history = await admin.locator('[data-testid=credit-entry]', { hasText: '执业质量评价不合格' }).innerText()
  for (const text of ['已撤销', '申诉', APPEAL_REASON, REVOKE_REASON]) expect(history).toContain(text)
  // Nothing left to appeal or decide on that entry.
  await expect(admin.locator('[data-testid=credit-entry]', { hasText: '执业质量评价不合格' }).locator('[data-testid=appeal-form]').count()).resolves.toBe(0)
  expect(errors).toEqual([])
})

test('the bureau’s account admin adds a grade, removes a rule and saves; the file names the new version', async () => {
  const errors: string[] = []
  const reviewer = await signedIn('binjiang.finance', errors)
  await reviewer.click('nav[aria-label=主导航] a:has-text("信用评价政策")')
  await reviewer.waitForSelector('[data-testid=credit-policy-form]')
  await expect(reviewer.locator('[data-testid=policy-in-force]').innerText()).resolves.toContain('默认信用政策（第 1 版）')
  const bands = reviewer.locator('[data-testid=grade-bands] tbody tr')
  const rules = reviewer.locator('[data-testid=blacklist-rules] tbody tr')
  // Four grades and five rules, each table with one blank row under it.
  await expect(bands.count()).resolves.toBe(5)
  await expect(rules.count()).resolves.toBe(6)

  await reviewer.fill('#f-name', '滨江区信用评价政策')
  await reviewer.click('button:has-text("添加等级")')
  await expect(bands.count()).resolves.toBe(6)
  await reviewer.fill('[aria-label="第 4 个等级分数下限"]', '40')
  await reviewer.fill('[aria-label="第 6 个等级名称"]', 'E')
  await reviewer.fill('[aria-label="第 6 个等级说明"]', 'E（40 分以下）')
  await reviewer.fill('[aria-label="第 6 个等级分数下限"]', '0')
  // The fifth rule goes; the blank rows are left as they are and skipped.
  await rules.nth(4).locator('button:has-text("删除")').click()
  await expect(rules.count()).resolves.toBe(5)
  await reviewer.click('button:has-text("保存为新版本")')
  await reviewer.waitForSelector('text=已保存为第 1 版')
  await reviewer.waitForSelector('[data-testid=policy-in-force]:has-text("滨江区信用评价政策（第 1 版）")')
  await expect(reviewer.locator('[data-testid=policy-versions]').innerText()).resolves.toContain('第 1 版 · 孙审')
  // The form starts again from the saved version: five grades, four rules, a blank row under each.
  await expect(bands.count()).resolves.toBe(6)
  await expect(rules.count()).resolves.toBe(5)
  await expect(reviewer.inputValue('[aria-label="第 5 个等级名称"]')).resolves.toBe('E')

  await reviewer.goto(`${server.url}/credit/${agencyId}`)
  await expect(reviewer.locator('[data-testid=credit-policy]').innerText()).resolves.toContain('滨江区信用评价政策（第 1 版）')
  expect(await gradeOn(reviewer)).toMatch(/^A/)
  expect(errors).toEqual([])
})
