import fs from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { openDatabase, type Db } from '../../db/client.server'
import { startServer, type RunningServer } from './server'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Debian's chromium, headless, with the flags this closed network needs (STACK.md §8). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`找不到 ${CHROMIUM}：请运行 sudo apt-get install -y chromium fonts-noto-cjk`)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  })
}

export type BrowserSuite = { server: RunningServer; browser: Browser; db: Db }

/**
 * The usual browser-test fixture: the production build on a fresh demo database, a read-only
 * connection to look things up, and one chromium. Registers its own beforeAll/afterAll; read the
 * fields inside tests.
 */
export function browserSuite(): BrowserSuite {
  const suite = {} as BrowserSuite
  beforeAll(async () => {
    suite.server = await startServer()
    suite.db = openDatabase(suite.server.dbFile, { readonly: true })
    suite.browser = await launchBrowser()
  })
  afterAll(async () => {
    await suite.browser?.close()
    suite.db?.$client.close()
    await suite.server?.stop()
  })
  return suite
}
