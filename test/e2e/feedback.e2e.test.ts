// 征求意见 in the browser: with a 征求意见稿 generated, the lead opens 征求意见 from the engagement page
// and sends it with a deadline; the unit's contact finds it under 征求意见 in the nav, reads the
// report on screen and raises a point on a section (an empty one refused beside its field); the lead
// records 部分采纳 with an explanation, which the unit then reads. No client errors on the way.
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { engagementUnits, users } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { newId } from '../../app/ids.server'
import { generateVersion } from '../../app/services/report.server'
import { renderModel } from '../../reports/render'
import { launchBrowser } from '../helpers/browser'
import { form, type ReadyPanel } from '../helpers/panel-fixture'
import { scoredEngagement } from '../helpers/scored-engagement'
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
  panel = await scoredEngagement(db, { at: tick(), size: 3 })
  const made = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'consultation', note: '' }), tick(), (m) => renderModel(m))
  if (!made.ok) throw new Error(JSON.stringify(made.errors))
  // The engagement's unit has no contact in the demo: one with the demo password.
  const { evaluatedUnitId } = db.select().from(engagementUnits).where(eq(engagementUnits.engagementId, panel.engagementId)).get()!
  const template = db.select().from(users).where(eq(users.username, 'unit.edu')).get()!
  db.insert(users).values({ ...template, id: newId(), username: 'unit.health', displayName: '孙卫健', evaluatedUnitId }).run()
  browser = await launchBrowser()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  db?.$client.close()
  await server?.stop()
})

async function signedIn(username: string, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => problems.push(`${username}: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${username}: ${m.text()}`)
  })
  await page.goto(`${server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', DEMO_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/dashboard$/)
  return page
}

const hydrated = (page: Page) => page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined)

test('the lead sends the 征求意见稿, the unit answers on a section, the lead records 部分采纳', async () => {
  const problems: string[] = []
  const lead = await signedIn('mingjian.zhao', problems)
  await lead.goto(`${server.url}/engagements/${panel.engagementId}`)
  await lead.getByTestId('fieldwork-card').getByRole('link', { name: '征求意见' }).click()
  await lead.waitForURL(/\/feedback$/)
  await hydrated(lead)
  const send = lead.getByTestId('send-form')
  expect(await send.textContent()).toContain('绩效评价报告第 1 版（征求意见稿）')
  await send.getByLabel('反馈截止日期').fill('2099-06-30')
  await send.getByRole('button', { name: '发送被评价单位' }).click()
  await expect.poll(() => lead.getByRole('status').textContent()).toContain('截止 2099-06-30')

  const unit = await signedIn('unit.health', problems)
  await unit.getByRole('link', { name: '征求意见' }).click()
  await unit.waitForURL(/\/unit\/feedback$/)
  await unit.getByRole('link', { name: '绩效评价报告第 1 版（征求意见稿）' }).click()
  await unit.waitForURL(/\/unit\/feedback\/[0-9A-Z]{26}$/)
  await hydrated(unit)
  const answer = unit.getByTestId('answer-form')
  const section = await answer.locator('option', { hasText: '存在的问题' }).first().getAttribute('value')
  expect(section).toBeTruthy()
  await answer.getByLabel('针对').selectOption(section!)
  await answer.getByRole('button', { name: '提交意见' }).click()
  await expect.poll(() => answer.locator('.field-error').first().textContent()).toContain('请填写意见内容')
  await answer.getByLabel('意见内容').fill('所列台账缺失问题已于 10 月补建完成，建议调整表述')
  await answer.getByRole('button', { name: '提交意见' }).click()
  await expect.poll(() => unit.getByRole('status').textContent()).toContain('已提交意见')
  await expect.poll(() => unit.getByTestId('feedback-points').textContent()).toContain('待处理')

  await lead.reload()
  await hydrated(lead)
  const point = lead.locator('[data-point]').first()
  expect(await point.textContent()).toContain('所列台账缺失问题已于 10 月补建完成')
  await point.getByLabel('采纳情况').selectOption('partly')
  await point.getByLabel('处理说明').fill('已核实补建情况，保留问题并注明整改进展')
  await point.getByRole('button', { name: '记录处理意见' }).click()
  await expect.poll(() => lead.locator('[data-point]').first().getByTestId('point-adoption').textContent()).toBe('部分采纳')

  await unit.reload()
  const mine = await unit.getByTestId('feedback-points').textContent()
  expect(mine).toContain('部分采纳')
  expect(mine).toContain('已核实补建情况，保留问题并注明整改进展')
  expect(problems).toEqual([])
})
