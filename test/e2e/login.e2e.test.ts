// Every demo account logs in through the real login page in chromium, sees the dashboard of its
// role and its name in the header, and logs out with the 退出 button.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../db/seed/demo'
import { launchBrowser } from '../helpers/browser'
import { startServer, type RunningServer } from '../helpers/server'

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function withPage(run: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  try {
    await run(page)
    expect(pageErrors, 'uncaught errors in the page').toEqual([])
  } finally {
    await context.close()
  }
}

async function fillLogin(page: Page, username: string, password: string) {
  await page.goto(`${server.url}/login`)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

test.each(DEMO_ACCOUNTS.map((a) => [a.username, a] as const))('%s logs in, sees the dashboard of the role, logs out', async (_name, account) => {
  await withPage(async (page) => {
    await fillLogin(page, account.username, DEMO_PASSWORD)
    await page.waitForURL(`${server.url}/dashboard`)
    await page.locator(`[data-testid="dashboard-${account.role}"]`).waitFor()
    await expect(page.getByTestId('current-user').textContent()).resolves.toContain(account.displayName)

    await page.getByRole('button', { name: '退出' }).click()
    await page.waitForURL(`${server.url}/login`)
    // The session is really gone: the dashboard sends us back to login.
    await page.goto(`${server.url}/dashboard`)
    await page.waitForURL(/\/login\?redirectTo=%2Fdashboard$/)
  })
})

test('a wrong password shows the Chinese message and keeps the username', async () => {
  await withPage(async (page) => {
    await fillLogin(page, 'mingjian.li', 'not-the-password-1')
    await page.getByText('用户名或密码不正确').waitFor()
    await expect(page.getByLabel('用户名').inputValue()).resolves.toBe('mingjian.li')
    expect(new URL(page.url()).pathname).toBe('/login')
  })
})
