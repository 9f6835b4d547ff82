// 资料清单 in the browser: the lead opens the list from the engagement page and asks the evaluated unit
// for two documents (a missing title refused beside its field), the unit's contact finds them under
// 资料清单 in the nav and uploads a file against each, the lead confirms one and asks for more on
// the other, and the unit reads the request for more. No client errors on the way.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { afterAll, expect, test } from 'vitest'
import { engagements } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { browserSuite } from '../helpers/browser'

const suite = browserSuite()
const ENGAGEMENT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
// A real 1×1 PNG and a minimal PDF: the file store sniffs the content, not the name.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-requests-'))
const files = { ledger: path.join(dir, '资助发放台账.pdf'), voucher: path.join(dir, '拨付凭证.png') }
fs.writeFileSync(files.ledger, PDF)
fs.writeFileSync(files.voucher, PNG)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function signedIn(username: string, problems: string[]): Promise<Page> {
  const context = await suite.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => problems.push(`${username}: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${username}: ${m.text()}`)
  })
  await page.goto(`${suite.server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', DEMO_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/dashboard$/)
  return page
}

const hydrated = (page: Page) => page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined)
const card = (page: Page, title: string) => page.locator('[data-request]').filter({ has: page.locator('h3', { hasText: title }) })

test('the lead asks for two documents, the unit uploads both, the lead confirms one and asks for more on the other', async () => {
  const e = suite.db.select().from(engagements).where(eq(engagements.name, ENGAGEMENT)).get()!
  const problems: string[] = []
  const lead = await signedIn('mingjian.li', problems)
  await lead.goto(`${suite.server.url}/engagements/${e.id}`)
  await lead.getByTestId('fieldwork-card').getByRole('link', { name: '资料清单' }).click()
  await lead.waitForURL(/\/requests$/)
  await hydrated(lead)
  const create = lead.getByTestId('create-request-form')
  await create.getByLabel('资料说明（可空）').fill('2025 年度资助对象名单及资金发放台账')
  await create.getByLabel('提交期限').fill('2099-06-30')
  await create.getByRole('button', { name: '列入清单' }).click()
  await expect.poll(() => create.locator('.field-error').first().textContent()).toContain('请填写资料名称')
  expect(await create.getByLabel('资料说明（可空）').inputValue()).toBe('2025 年度资助对象名单及资金发放台账')
  await create.getByLabel('资料名称').fill('资助发放台账')
  await create.getByRole('button', { name: '列入清单' }).click()
  await expect.poll(() => lead.getByRole('status').textContent()).toContain('已列入资料清单')
  await create.getByLabel('资料名称').fill('资金拨付凭证')
  await create.getByLabel('提交期限').fill('2099-06-30')
  await create.getByRole('button', { name: '列入清单' }).click()
  await expect.poll(() => lead.getByTestId('requests-summary').textContent()).toContain('共 2 项 · 待提交 2 项')

  const unit = await signedIn('unit.edu', problems)
  await unit.getByRole('link', { name: '资料清单' }).click()
  await unit.waitForURL(/\/unit\/requests$/)
  await hydrated(unit)
  for (const [title, file] of [['资助发放台账', files.ledger], ['资金拨付凭证', files.voucher]] as const) {
    const item = card(unit, title)
    await item.locator('input[type=file]').setInputFiles(file)
    await item.getByRole('button', { name: '上传', exact: true }).click()
    await expect.poll(() => unit.getByRole('status').textContent()).toContain('已上传第 1 份资料')
    await expect.poll(() => card(unit, title).getByTestId('request-status').textContent()).toBe('已提交')
  }
  expect(await card(unit, '资金拨付凭证').getByTestId('request-files').textContent()).toContain('拨付凭证.png')

  await lead.reload()
  await hydrated(lead)
  const ledger = card(lead, '资助发放台账')
  await ledger.getByLabel('审核结论').selectOption('confirm')
  await ledger.getByRole('button', { name: '提交审核结论' }).click()
  await expect.poll(() => card(lead, '资助发放台账').getByTestId('request-status').textContent()).toBe('已确认')
  const voucher = card(lead, '资金拨付凭证')
  await voucher.getByLabel('审核结论').selectOption('more')
  await voucher.getByRole('button', { name: '提交审核结论' }).click()
  await expect.poll(() => card(lead, '资金拨付凭证').locator('.field-error').first().textContent()).toContain('需补充时须写明补充要求')
  await card(lead, '资金拨付凭证').getByLabel('补充要求').fill('请补充第四季度的拨付凭证')
  await card(lead, '资金拨付凭证').getByRole('button', { name: '提交审核结论' }).click()
  await expect.poll(() => card(lead, '资金拨付凭证').getByTestId('request-status').textContent()).toBe('需补充')

  await unit.reload()
  const again = card(unit, '资金拨付凭证')
  expect(await again.getByTestId('request-status').textContent()).toBe('需补充')
  expect(await again.textContent()).toContain('请补充第四季度的拨付凭证')
  expect(await card(unit, '资助发放台账').getByTestId('request-status').textContent()).toBe('已确认')
  expect(problems).toEqual([])
})
