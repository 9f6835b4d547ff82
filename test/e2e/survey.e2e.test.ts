// A satisfaction survey in the browser: the lead opens 满意度调查 from the engagement page, creates a
// survey, adds a question, uploads a 200-response .xlsx export, checks the proposed mapping and the
// preview, imports, sees the rate, margin and chart, and finds the 满意度 suggestion on the 评价数据
// page of the sheet's D102. The pages hydrate without a client error.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { expect, test } from 'vitest'
import { engagements } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { DEMO_SHEET_ENGAGEMENT } from '../../db/seed/demo-sheets'
import { suggestedSatisfactionScore } from '../../app/domain/fieldwork/survey'
import { pointsText } from '../../app/domain/indicators/rules'
import { browserSuite } from '../helpers/browser'

const suite = browserSuite()

/** 200 answers: 170 satisfied (非常满意 100, 满意 70), 一般 30 on the overall item. */
async function exportFile(): Promise<string> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('Sheet1')
  ws.addRow(['答卷编号', 'Q1. 总体满意度', 'Q2. 服务态度'])
  for (let i = 0; i < 200; i++) ws.addRow([`A${i + 1}`, i < 100 ? '非常满意' : i < 170 ? '满意' : '一般', i % 2 === 0 ? '满意' : '非常满意'])
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'survey-e2e-')), '问卷导出.xlsx')
  fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()))
  return file
}

test('the lead imports 200 responses and the 满意度 suggestion appears on the sheet’s data page', async () => {
  const e = suite.db.select().from(engagements).where(eq(engagements.name, DEMO_SHEET_ENGAGEMENT)).get()!
  const file = await exportFile()
  const context = await suite.browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text())
  })
  const hydrated = () => page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined)
  try {
    await page.goto(`${suite.server.url}/login`)
    await page.fill('#f-username', 'mingjian.li')
    await page.fill('#f-password', DEMO_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/dashboard$/)
    await page.goto(`${suite.server.url}/engagements/${e.id}`)
    await page.click('text=满意度调查')
    await page.waitForURL(/\/surveys$/)
    await hydrated()

    await page.getByLabel('调查名称').fill('受助学生家长满意度调查')
    await page.getByRole('button', { name: '新建调查' }).click()
    await page.waitForURL(/\/surveys\/[0-9A-Z]{26}$/)
    await hydrated()
    // Rendered by the client after hydration too (a constant from a .server module would be undefined).
    expect(await page.locator('.hint', { hasText: '不超过' }).textContent()).toContain('Excel（.xlsx）或 CSV（.csv）')
    expect(await page.getByLabel('调查名称').getAttribute('maxlength')).toBe('100')
    const settings = page.getByRole('form', { name: '问卷与设置' })
    await settings.getByLabel('第 2 题题目').fill('服务态度')
    await settings.getByRole('button', { name: '保存' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('已保存')
    await expect.poll(() => settings.getByLabel('第 3 题题目').count()).toBe(1)

    await page.getByLabel('答卷文件').setInputFiles(file)
    await page.getByRole('button', { name: '上传并预览' }).click()
    await page.waitForURL(/\/imports\/[0-9A-Z]{26}$/)
    await hydrated()
    expect(await page.getByLabel('总体满意度').inputValue()).toBe('Q1. 总体满意度')
    expect(await page.getByLabel('服务态度').inputValue()).toBe('Q2. 服务态度')
    expect(await page.getByTestId('problems').textContent()).toContain('未发现问题，可导入 200 份答卷')
    expect(await page.getByTestId('preview').locator('tbody tr').count()).toBe(10)
    await page.getByRole('button', { name: '确认导入' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('已导入 200 份答卷')

    await page.getByRole('link', { name: '查看调查结果' }).click()
    await page.waitForURL(/\/surveys\/[0-9A-Z]{26}$/)
    expect(await page.getByTestId('satisfaction-rate').textContent()).toContain('85.0%')
    expect(await page.getByTestId('margin').textContent()).toBe('±4.9%')
    expect(await page.locator('svg[aria-label="总体满意度：各选项人数"] rect').count()).toBe(5)

    await page.goto(`${suite.server.url}/engagements/${e.id}/data`)
    await hydrated()
    const expected = suggestedSatisfactionScore({ numerator: 170, denominator: 200 }, 1000, { type: 'survey', targetPercent: 9000 })
    expect(expected.ok).toBe(true)
    const card = page.locator('#data-D102')
    expect(await card.getByTestId('suggestion').textContent()).toContain(`建议得分 ${expected.ok ? pointsText(expected.score) : ''} 分`)
    expect(await card.textContent()).toContain('来自满意度调查《受助学生家长满意度调查》，有效样本 200')
    expect(problems).toEqual([])
  } finally {
    await context.close()
    fs.rmSync(path.dirname(file), { recursive: true, force: true })
  }
}, 120_000)
