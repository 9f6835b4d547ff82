// Issue 7's browser scenario from submission to disclosure: the lead submits the issued report, the
// bureau's reviewer reads it on screen and returns it with two comments, the lead answers both,
// issues a revised 定稿 and resubmits, and the reviewer sees the answers and the change and accepts.
// The reviewer then rates the agency's work quality, proposes a rectification item from the report's
// problems that the lead confirms, the evaluated unit's contact reports progress with an evidence
// file, the reviewer verifies it, and the year's disclosure list carries the project and nothing
// confidential.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Browser, Download, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { engagements, engagementUnits } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed/demo'
import { CLI_OPERATOR, createUser } from '../../app/services/user-admin.server'
import { launchBrowser } from '../helpers/browser'
import { docxText, pdfText, xlsxText } from '../helpers/file-text'
import { finalizedEngagement } from '../helpers/issued-report'
import type { ReadyPanel } from '../helpers/panel-fixture'
import { MONITORING_ENGAGEMENT } from '../helpers/scored-engagement'
import { startServer, type RunningServer } from '../helpers/server'
import { TEST_AUDIT_KEY } from '../helpers/temp-db'

let server: RunningServer
let db: Db
let browser: Browser
let panel: ReadyPanel
let clock = Date.now() - 3_600_000
const tick = () => new Date((clock += 1000))

// The engagement's evaluated unit has no contact in the demo: one is made as an administrator would.
const UNIT_CONTACT = 'unit.health'
const UNIT_FIRST_PASSWORD = 'Weijian-first-2026'
const UNIT_PASSWORD = 'Weijian-changed-2026'
// A real 1×1 PNG: the file store sniffs the content, not the name.
const EVIDENCE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
let evidenceFile: string
let year: number

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  ;({ panel } = await finalizedEngagement(db, tick))
  year = db.select({ year: engagements.year }).from(engagements).where(eq(engagements.id, panel.engagementId)).get()!.year
  const { evaluatedUnitId } = db.select({ evaluatedUnitId: engagementUnits.evaluatedUnitId }).from(engagementUnits).where(eq(engagementUnits.engagementId, panel.engagementId)).get()!
  const created = await createUser(
    db,
    CLI_OPERATOR,
    { username: UNIT_CONTACT, displayName: '孙卫健', role: 'unit_contact', organizationId: null, evaluatedUnitId, orgAdmin: false, phone: '', email: '', password: UNIT_FIRST_PASSWORD },
    tick(),
  )
  if (!created.ok) throw new Error(`unit contact: ${JSON.stringify(created.errors)}`)
  evidenceFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-evidence-')), '台账补正截图.png')
  fs.writeFileSync(evidenceFile, EVIDENCE_PNG)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  db?.$client.close()
  await server?.stop()
  if (evidenceFile) fs.rmSync(path.dirname(evidenceFile), { recursive: true, force: true })
})

async function signedIn(username: string, errors: string[], password = DEMO_PASSWORD, landing = /\/dashboard$/): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`))
  await page.goto(`${server.url}/login`)
  await page.fill('#f-username', username)
  await page.fill('#f-password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(landing)
  return page
}

/** Clicks a download link and returns the file's bytes. */
async function downloaded(page: Page, link: string): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.click(link)])
  return fs.readFileSync(await download.path())
}

test('submit → return with two comments → answer → resubmit → accept → quality rating → rectification with evidence → disclosure', async () => {
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
  // The form remounts empty once the list shows the saved comment: type only after that.
  await reviewer.waitForSelector('[data-testid=comment]')
  await reviewer.selectOption('#f-anchor', 'indicator:D102')
  await reviewer.fill('#f-body', '满意度调查样本量未说明')
  await expect(reviewer.inputValue('#f-body')).resolves.toBe('满意度调查样本量未说明')
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
  // The problems name an expert and a pseudonym, as a person might: the disclosure must not.
  await lead.fill('#f-problems', `一是资金台账不全，${panel.seats[0]!.name}现场核查时指出。\n二是专家A认为绩效目标不够细化。`)
  await lead.click('[data-testid=narrative-form] button:has-text("保存")')
  await lead.waitForSelector('text=已保存')
  await lead.selectOption('#f-stage', 'final')
  await lead.click('[data-testid=generate-form] button.primary')
  const generated = await lead.waitForSelector('text=/已生成第 \\d+ 版/', { timeout: 60_000 })
  // Issue exactly the version just generated (an earlier 定稿 also offers 签发), found by its number.
  const versionNo = /已生成第 (\d+) 版/.exec(await generated.innerText())![1]!
  await lead.locator(`[data-testid=versions] tr[data-version="${versionNo}"] button:has-text("签发")`).click()
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
  // The same steps stand in the engagement's timeline, among the stage moves (定稿 → 提交 among them).
  const stages = await lead.locator('[data-testid=stage-timeline]').innerText()
  for (const step of ['提交第 1 轮', '验收第 2 轮提交的报告', '至“提交”']) expect(stages).toContain(step)

  // 执业质量评价: full marks but 报告质量, which loses 2 points with its reason; the grade shows.
  await reviewer.goto(`${server.url}/engagements/${panel.engagementId}/quality`)
  const items = reviewer.locator('[data-testid=quality-form] tbody tr')
  const itemCount = await items.count()
  expect(itemCount).toBeGreaterThan(0)
  for (let i = 0; i < itemCount; i++) {
    const points = Number(await items.nth(i).locator('td').nth(1).innerText())
    const deducted = (await items.nth(i).getAttribute('data-item')) === '报告质量'
    await reviewer.fill(`[name="score.${i}"]`, String(deducted ? points - 2 : points))
    if (deducted) await reviewer.fill(`[name="reason.${i}"]`, '部分数据口径说明不足')
  }
  await reviewer.click('[data-testid=quality-form] button:has-text("提交评价")')
  await reviewer.waitForSelector('text=评价已提交。')
  const graded = await reviewer.locator('[data-testid=quality-result] h2').innerText()
  expect(graded).toContain('优秀')
  expect(graded).toContain('总分 98 分')
  // The lead reads the same result, with nothing to edit.
  await lead.goto(`${server.url}/engagements/${panel.engagementId}`)
  await lead.click('a:has-text("查看执业质量评价")')
  await lead.waitForSelector('[data-testid=quality-result]')
  await expect(lead.locator('[data-testid=quality-result] h2').innerText()).resolves.toBe(graded)
  await expect(lead.locator('[data-testid=quality-result]').innerText()).resolves.toContain('部分数据口径说明不足')
  await expect(lead.locator('[data-testid=quality-page] form, [data-testid=quality-page] input, [data-testid=quality-page] textarea').count()).resolves.toBe(0)

  // 整改: the reviewer drafts items from the report's problems, keeps the first, completes it and
  // proposes it; the lead confirms the bureau's proposal.
  const deadline = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)
  await reviewer.goto(`${server.url}/engagements/${panel.engagementId}/rectification`)
  await reviewer.click('[data-testid=propose-items] button:has-text("从报告问题生成")')
  await reviewer.waitForSelector('text=/已从第 \\d+ 版签发报告的「存在的问题」生成 2 项草稿/')
  // The drafts carry the report's words, names included: what the disclosure must leave out.
  await expect(reviewer.inputValue('#f-problem-0')).resolves.toContain(`资金台账不全，${panel.seats[0]!.name}`)
  await expect(reviewer.inputValue('#f-problem-1')).resolves.toContain('专家A认为')
  await reviewer.fill('#f-problem-0', '资金台账不全')
  await reviewer.fill('#f-requirement-0', '补建资金台账并逐笔对账')
  await reviewer.fill('#f-deadline-0', deadline)
  await reviewer.fill('#f-problem-1', '')
  await reviewer.click('[data-testid=propose-items] button:has-text("提交整改事项")')
  await reviewer.waitForSelector('text=已提出 1 项整改事项')
  const row = reviewer.locator('[data-testid=rectification-items] tr[data-item]')
  await expect(row.count()).resolves.toBe(1)
  await expect(row.innerText()).resolves.toContain('待确认')
  const itemId = (await row.getAttribute('data-item'))!
  const itemPath = `/engagements/${panel.engagementId}/rectification/${itemId}`
  await lead.goto(`${server.url}/engagements/${panel.engagementId}/rectification`)
  await lead.click(`tr[data-item="${itemId}"] button:has-text("确认")`)
  await lead.waitForSelector('text=已确认，整改事项已送达责任单位。')
  await expect(lead.locator(`tr[data-item="${itemId}"]`).innerText()).resolves.toContain('整改中')

  // The unit's contact replaces the administrator's first password, finds the item and reports
  // progress with an evidence file.
  const unit = await signedIn(UNIT_CONTACT, errors, UNIT_FIRST_PASSWORD, /\/account$/)
  await unit.waitForSelector('[data-testid=must-change-password]')
  await unit.fill('#f-currentPassword', UNIT_FIRST_PASSWORD)
  await unit.fill('#f-newPassword', UNIT_PASSWORD)
  await unit.fill('#f-newPasswordConfirm', UNIT_PASSWORD)
  await unit.click('button:has-text("修改密码")')
  await unit.waitForSelector('text=密码已修改')
  await unit.click('nav[aria-label=主导航] a:has-text("整改事项")')
  await unit.waitForSelector('[data-testid=unit-rectification]')
  await unit.click(`[data-testid=unit-rectification] tr[data-item="${itemId}"] a`)
  await unit.waitForSelector('[data-testid=report-form]')
  await unit.fill('#f-note', '已补建 2025 年度资金台账并完成逐笔对账，附台账截图。')
  await unit.setInputFiles('#f-file', evidenceFile)
  await unit.click('[data-testid=report-form] button:has-text("提交")')
  await unit.waitForSelector('text=已报告整改情况并上传佐证材料。')
  // The status settles once the page's data is revalidated after the action; wait for it.
  await unit.waitForSelector('[data-testid=item-status]:text-is("已报告")')

  // The reviewer downloads exactly the uploaded evidence and passes the item.
  await reviewer.goto(`${server.url}${itemPath}`)
  await reviewer.waitForSelector('[data-testid=verify-form]')
  await expect(reviewer.locator('[data-testid=item-history]').innerText()).resolves.toContain('已补建 2025 年度资金台账')
  expect(await downloaded(reviewer, '[data-testid=item-history] a[download]')).toEqual(EVIDENCE_PNG)
  await reviewer.selectOption('#f-verdict', 'pass')
  await reviewer.click('[data-testid=verify-form] button:has-text("提交核验结论")')
  await reviewer.waitForSelector('text=已核验通过。')
  await reviewer.waitForSelector('[data-testid=item-status]:text-is("已通过")')
  await unit.goto(`${server.url}/unit/rectification`)
  await expect(unit.locator(`tr[data-item="${itemId}"]`).innerText()).resolves.toContain('已通过')

  // 结果公开: the page and its three downloads carry the project, its unit and the completed
  // rectification, and no expert, pseudonym, review comment or quality reason.
  await reviewer.goto(`${server.url}/bureau/disclosure?year=${year}`)
  await reviewer.waitForSelector('[data-testid=bureau-disclosure] table')
  const squeeze = (text: string) => text.replace(/\s+/g, '')
  const disclosed: Record<string, string> = {
    page: squeeze(await reviewer.locator('[data-testid=bureau-disclosure] table').innerText()),
    xlsx: squeeze(await xlsxText(await downloaded(reviewer, '[data-testid=bureau-disclosure] a:has-text("Excel")'))),
    docx: squeeze(docxText(await downloaded(reviewer, '[data-testid=bureau-disclosure] a:has-text("Word")'))),
    pdf: squeeze(await pdfText(await downloaded(reviewer, '[data-testid=bureau-disclosure] a:has-text("PDF")'))),
  }
  const confidential = [
    ...panel.seats.map((s) => s.name),
    '建议应明确责任单位和完成时限',
    '满意度调查样本量未说明',
    '请按意见修改后重新提交',
    '已补充样本量说明',
    '部分数据口径说明不足',
    '已补建2025年度资金台账',
  ]
  for (const [format, text] of Object.entries(disclosed)) {
    expect(text, format).toContain(MONITORING_ENGAGEMENT)
    expect(text, format).toContain('杭州市滨江区卫生健康局')
    expect(text, format).toContain('资金台账不全')
    expect(text, format).toContain('已完成整改（1项）')
    for (const secret of confidential) expect(text, `${format}: ${secret}`).not.toContain(secret)
    expect(text, format).not.toMatch(/专家[A-Z]/)
  }
  expect(errors).toEqual([])
}, 180_000)
