// Issue 3's browser test: an evaluator builds an engagement's scoring sheet from the 2020 framework
// plus two education indicators, fixes the weight error the validator reports, and exports it.
import fs from 'node:fs'
import { and, eq, ne, notExists } from 'drizzle-orm'
import ExcelJS from 'exceljs'

import { expect, test } from 'vitest'
import { engagements, sheetVersions, users } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { flattenTree } from '../../app/domain/indicators/tree'
import { hasErrors, validateTree } from '../../app/domain/indicators/validate'
import { readFrameworkWorkbook } from '../../app/excel/framework-workbook.server'
import { browserSuite } from '../helpers/browser'

const suite = browserSuite()

/** An open engagement of the lead that has no scoring sheet yet (the demo gives one of them a sheet). */
function openEngagementLedBy(username: string): string {
  const lead = suite.db.select({ id: users.id }).from(users).where(eq(users.username, username)).get()!
  const row = suite.db
    .select({ id: engagements.id })
    .from(engagements)
    .where(and(eq(engagements.leadUserId, lead.id), ne(engagements.stage, 'archived'), notExists(suite.db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, engagements.id)))))
    .get()
  if (!row) throw new Error(`no open engagement led by ${username}`)
  return row.id
}

test('build a sheet from the 2020 framework plus two education indicators, fix the weights, export', async () => {
  const context = await suite.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  const clientErrors: string[] = []
  page.on('pageerror', (error) => clientErrors.push(error.message))
  try {
    await page.goto(`${suite.server.url}/login`)
    await page.fill('#f-username', 'mingjian.li')
    await page.fill('#f-password', DEMO_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/dashboard$/)

    const engagementId = openEngagementLedBy('mingjian.li')
    await page.goto(`${suite.server.url}/engagements/${engagementId}`)
    await page.click('[data-testid=sheet-summary] a:has-text("建立评分表")')
    await page.waitForURL(/\/sheet$/)

    // Start from the 2020 common framework.
    const option = page.locator('#f-frameworkVersionId option', { hasText: '共性指标体系框架（2020）' })
    await page.selectOption('#f-frameworkVersionId', (await option.first().getAttribute('value'))!)
    await page.click('button:has-text("建立评分表")')
    await page.waitForSelector('[data-testid=validation-ok]')

    // Two education indicators: one output quantity, one output quality.
    const sector = page.locator('select[name=sector] option', { hasText: '教育' })
    await page.selectOption('select[name=sector]', (await sector.first().getAttribute('value'))!)
    await page.click('button:has-text("查看指标")')
    await page.waitForSelector('[data-testid=sector-items]')
    await page.check('input[aria-label="选择 资助学生人数"]')
    await page.check('input[aria-label="选择 家庭经济困难学生资助应助尽助率"]')
    await page.click('button:has-text("添加所选指标")')
    await page.waitForSelector('[data-testid=validation]')
    const table = page.locator('[data-testid=indicator-table]')
    await expect(table.innerText()).resolves.toContain('资助学生人数')

    // The editor: give the new indicators weight, but forget to take it from their siblings.
    await page.click('a:has-text("编辑评分表")')
    await page.waitForSelector('[data-testid=indicator-editor]')
    const rowNamed = (name: string) => page.locator('fieldset.editor-row', { has: page.locator(`input[name=name][value="${name}"]`) })
    await rowNamed('资助学生人数').locator('input[name=weight]').fill('2')
    await rowNamed('家庭经济困难学生资助应助尽助率').locator('input[name=weight]').fill('2')
    await page.click('button:has-text("保存并校验")')
    await page.waitForSelector('[data-testid=validation] >> text=下级指标权重合计 14 分')
    const report = await page.locator('[data-testid=validation]').innerText()
    expect(report).toContain('产出数量')
    expect(report).toMatch(/14 分.*12 分/)
    // The message also sits beside the row it is about.
    await expect(page.locator('fieldset.editor-row[data-code="C1"]').innerText()).resolves.toMatch(/14 分/)

    // Fix it as the message says: 实际完成率 12 → 10, 质量达标率 10 → 8.
    await page.locator('fieldset.editor-row[data-code="C101"] input[name=weight]').fill('10')
    await page.locator('fieldset.editor-row[data-code="C201"] input[name=weight]').fill('8')
    await page.click('button:has-text("保存并校验")')
    await page.waitForSelector('[data-testid=validation-ok]')

    // Export from the sheet page and read the real bytes back.
    await page.click('a:has-text("返回评分表")')
    await page.waitForSelector('[data-testid=sheet-page]')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("导出 Excel")')])
    expect(download.suggestedFilename()).toMatch(/评分表-第1版\.xlsx$/)
    const file = await download.path()
    const bytes = fs.readFileSync(file)
    const parsed = await readFrameworkWorkbook(bytes)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    const rows = flattenTree(parsed.tree)
    expect(rows.find((r) => r.name === '资助学生人数')?.weight).toBe(200)
    expect(rows.find((r) => r.code === 'C101')?.weight).toBe(1000)
    expect(hasErrors(validateTree({ ...parsed.tree, weighted: true }))).toBe(false)
    // And as a spreadsheet: the indicator names are plain string cells.
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
    const names: string[] = []
    workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => typeof cell.value === 'string' && names.push(cell.value)))
    expect(names).toContain('家庭经济困难学生资助应助尽助率')
    expect(clientErrors).toEqual([])
  } finally {
    await context.close()
  }
})
