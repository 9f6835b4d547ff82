// Evidence in the browser (issue 9): the evaluated unit's contact uploads two requested documents,
// the lead opens 工作底稿 from the engagement page and adds one of them as a paper on an indicator
// (a missing title refused beside its field, what was chosen kept), and an expert on the panel finds
// it under that indicator on the scoring page and downloads it. No client errors on the way.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { users } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { DEMO_SHEET_ENGAGEMENT } from '../../db/seed/demo-sheets'
import { walkTree } from '../../app/domain/indicators/tree'
import { currentSheet, parseTree } from '../../app/models/framework.server'
import { createRequest } from '../../app/services/document-requests.server'
import { certify } from '../../app/services/panel.server'
import { startScoring } from '../../app/services/scoring.server'
import { launchBrowser } from '../helpers/browser'
import { actorOf, form, readyPanel, type ReadyPanel } from '../helpers/panel-fixture'
import { startServer, type RunningServer } from '../helpers/server'
import { TEST_AUDIT_KEY } from '../helpers/temp-db'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-papers-'))
const files = { ledger: path.join(dir, '资助发放台账.pdf'), voucher: path.join(dir, '拨付凭证.png') }
fs.writeFileSync(files.ledger, PDF)
fs.writeFileSync(files.voucher, PNG)

let server: RunningServer
let db: Db
let browser: Browser
let panel: ReadyPanel
let leaf: { code: string; name: string }

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  const at = new Date()
  // The demo engagement with a frozen sheet: a certified panel scores on it.
  panel = await readyPanel(db, { engagementName: DEMO_SHEET_ENGAGEMENT, leadUsername: 'mingjian.li', size: 3, at })
  for (const s of panel.seats) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', at)
  const started = startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5' }), at)
  if (!started.ok) throw new Error(`scoring: ${JSON.stringify(started.errors)}`)
  const first = walkTree(parseTree(currentSheet(db, panel.engagementId)!.treeJson)).find(({ node }) => node.children.length === 0)!.node
  leaf = { code: first.code, name: first.name }
  const unitId = actorOf(db, 'unit.edu').evaluatedUnitId!
  for (const title of ['资助发放台账', '资金拨付凭证']) {
    const created = createRequest(db, panel.lead, panel.engagementId, form({ title, description: '', dueDate: '2099-06-30', unitId }), at)
    if (!created.ok) throw new Error(`request: ${JSON.stringify(created.errors)}`)
  }
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  db?.$client.close()
  await server?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function signedIn(username: string, password: string, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  page.on('pageerror', (e) => problems.push(`${username}: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${username}: ${m.text()}`)
  })
  await page.goto(`${server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/(dashboard|expert)$/)
  return page
}

const hydrated = (page: Page) => page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined)

test('the unit uploads two requested documents, the lead adds one as a paper on an indicator, an expert opens it from the scoring page', async () => {
  const problems: string[] = []
  const unit = await signedIn('unit.edu', DEMO_PASSWORD, problems)
  await unit.goto(`${server.url}/unit/requests`)
  await hydrated(unit)
  for (const [title, file] of [['资助发放台账', files.ledger], ['资金拨付凭证', files.voucher]] as const) {
    const item = unit.locator('[data-request]').filter({ has: unit.locator('h3', { hasText: title }) })
    await item.locator('input[type=file]').setInputFiles(file)
    await item.getByRole('button', { name: '上传', exact: true }).click()
    await expect.poll(() => unit.getByRole('status').textContent()).toContain('已上传第 1 份资料')
  }

  const lead = await signedIn('mingjian.li', DEMO_PASSWORD, problems)
  await lead.goto(`${server.url}/engagements/${panel.engagementId}`)
  await lead.getByTestId('sheet-summary').getByRole('link', { name: '工作底稿' }).click()
  await lead.waitForURL(/\/papers$/)
  await hydrated(lead)
  const attach = lead.getByTestId('attach-form')
  const option = await attach.locator('select[name=requestFileId] option', { hasText: '资助发放台账.pdf' }).getAttribute('value')
  await attach.getByLabel('资料清单中的文件').selectOption(option!)
  await attach.getByLabel('对应指标').selectOption(leaf.code)
  await attach.getByRole('button', { name: '添加为工作底稿' }).click()
  await expect.poll(() => attach.locator('.field-error').first().textContent()).toContain('请填写底稿名称')
  expect(await attach.getByLabel('对应指标').inputValue()).toBe(leaf.code)
  await attach.getByLabel('底稿名称').fill('学生资助发放台账（单位提交）')
  await attach.getByRole('button', { name: '添加为工作底稿' }).click()
  await expect.poll(() => lead.getByRole('status').textContent()).toContain('已从资料清单添加工作底稿「学生资助发放台账（单位提交）」')
  expect(await lead.getByTestId(`papers-${leaf.code}`).textContent()).toContain('资助发放台账.pdf')

  const seat = panel.seats[0]!
  const username = db.select({ username: users.username }).from(users).where(eq(users.id, seat.actor.userId)).get()!.username
  const expert = await signedIn(username, 'Fixture-expert-password-1', problems)
  await expert.goto(`${server.url}/expert/seats/${seat.seatId}/score`)
  await hydrated(expert)
  const papers = expert.locator(`form.score-item[data-code="${leaf.code}"]`).getByTestId('indicator-papers')
  expect(await papers.textContent()).toContain('学生资助发放台账（单位提交）')
  const [download] = await Promise.all([expert.waitForEvent('download'), papers.getByRole('link', { name: '学生资助发放台账（单位提交）' }).click()])
  expect(download.suggestedFilename()).toBe('资助发放台账.pdf')
  expect(fs.readFileSync((await download.path())!)).toEqual(PDF)
  expect(problems).toEqual([])
})
