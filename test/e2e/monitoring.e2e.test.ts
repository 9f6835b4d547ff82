// Monitoring in the browser: the lead opens the monitoring page from the engagement page, adds a
// second row with the 增加一行 button, types a bad target (refused beside the cell, the typed rows
// kept), corrects it and saves; the red warning badge shows with the domain's reason. The page
// hydrates without a client error.
import { eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { engagements } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { browserSuite } from '../helpers/browser'

const suite = browserSuite()

test('the lead fills the monitoring table in the browser and sees the warning', async () => {
  const e = suite.db.select().from(engagements).where(eq(engagements.kind, 'monitoring')).get()!
  const context = await suite.browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text())
  })
  try {
    await page.goto(`${suite.server.url}/login`)
    await page.fill('#f-username', 'mingjian.zhao')
    await page.fill('#f-password', DEMO_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/dashboard$/)
    await page.goto(`${suite.server.url}/engagements/${e.id}`)
    await page.click('text=进入绩效运行监控')
    await page.waitForURL(/\/monitoring$/)
    await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined)

    const form = page.getByTestId('monitoring-form')
    await form.getByLabel('第 1 行指标名称').fill('家庭医生签约率')
    await form.getByLabel('第 1 行计量单位').fill('%')
    await form.getByLabel('第 1 行年度指标值').fill('八十')
    await form.getByLabel('第 1 行当年累计执行').fill('45')
    await form.getByLabel('第 1 行全年预计完成').fill('60')
    await form.getByLabel('第 1 行偏差原因', { exact: true }).selectOption('staffing')
    await form.getByLabel('第 1 行完成目标可能性').selectOption('possible')
    await form.getByRole('button', { name: '增加一行' }).click()
    await form.getByLabel('第 2 行指标名称').fill('居民健康档案建档率')
    await form.getByLabel('第 2 行年度指标值').fill('90')
    await form.getByLabel('第 2 行当年累计执行').fill('88')
    await form.getByLabel('第 2 行全年预计完成').fill('90')
    await form.getByLabel('第 2 行完成目标可能性').selectOption('certain')
    await form.getByRole('button', { name: '保存监控表' }).click()
    await expect.poll(() => form.locator('.field-error').first().textContent()).toContain('年度指标值须为数字')
    expect(await form.getByLabel('第 2 行指标名称').inputValue()).toBe('居民健康档案建档率')

    await form.getByLabel('第 1 行年度指标值').fill('80')
    await form.getByRole('button', { name: '保存监控表' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain('监控表已保存。当前预警 1 项。')
    // The notice comes with the action's answer; the warnings with the page data reloaded after it.
    const warnings = page.getByTestId('monitoring-warnings')
    await expect.poll(() => warnings.textContent()).toContain('家庭医生签约率：全年预计 60 %，年度指标值 80 %，偏差 25.0%')
    expect(await warnings.locator('[data-level="red"]').textContent()).toBe('红色预警')
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}, 120_000)
