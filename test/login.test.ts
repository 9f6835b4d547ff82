// Login throttling over time, on a real database with the clock passed in.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loginFailures } from '../db/schema'
import { DEMO_PASSWORD, seedDemo } from '../db/seed/demo'
import { attemptLogin } from '../app/services/login.server'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY

let t: TempDb
const t0 = Date.parse('2026-05-01T02:00:00Z')
const minutes = (n: number) => new Date(t0 + n * 60_000)
const attempt = (password: string, at: Date, ip = '10.0.0.7') =>
  attemptLogin(t.db, { username: 'mingjian.li', password, ip, userAgent: 'test' }, at)

beforeAll(async () => {
  t = makeTempDb()
  await seedDemo(t.db, minutes(-60))
})
afterAll(() => t?.cleanup())

test('five failures lock the account for the window; after it the right password works and old failures are gone', async () => {
  for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-123', minutes(i))).kind).toBe('invalid')
  expect((await attempt(DEMO_PASSWORD, minutes(6))).kind).toBe('throttled')
  // From another address the account is still locked: the per-account key counts, not just the IP.
  expect((await attempt(DEMO_PASSWORD, minutes(7), '10.0.0.8')).kind).toBe('throttled')

  const ok = await attempt(DEMO_PASSWORD, minutes(20))
  expect(ok.kind).toBe('ok')
  const left = t.db.select().from(loginFailures).all()
  expect(left.filter((r) => r.key === 'account:mingjian.li')).toEqual([])
  // The address's five failures fell out of the window and were purged, not just ignored.
  expect(left.filter((r) => r.key === 'ip:10.0.0.7')).toEqual([])
})
