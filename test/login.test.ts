// Login throttling over time, on a real database with the clock passed in.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loginFailures } from '../db/schema'
import { DEMO_PASSWORD, seedDemo } from '../db/seed/demo'
import { eq } from 'drizzle-orm'
import { users } from '../db/schema'
import type { SessionUser } from '../app/auth/session.server'
import { attemptLogin } from '../app/services/login.server'
import { changeOwnPassword } from '../app/services/user-admin.server'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY

let t: TempDb
const t0 = Date.parse('2026-05-01T02:00:00Z')
const minutes = (n: number) => new Date(t0 + n * 60_000)
const attempt = (password: string, at: Date, ip = '10.0.0.7') =>
  attemptLogin(t.db, { username: 'mingjian.li', password, ip, userAgent: 'test' }, at)

function sessionUserFor(username: string): SessionUser {
  const u = t.db.select().from(users).where(eq(users.username, username)).get()!
  return {
    sessionId: 'no-session',
    username: u.username,
    displayName: u.displayName,
    organizationName: null,
    mustChangePassword: u.mustChangePassword,
    actor: { userId: u.id, role: u.role, organizationId: u.organizationId, orgAdmin: u.orgAdmin, evaluatedUnitId: u.evaluatedUnitId },
  }
}

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

test('guessing the current password on the account page is throttled like login', async () => {
  const user = sessionUserFor('mingjian.zhao')
  const change = (currentPassword: string, at: Date) =>
    changeOwnPassword(t.db, user, { currentPassword, newPassword: 'Another-pass-2026', newPasswordConfirm: 'Another-pass-2026' }, at, '10.0.0.9')
  for (let i = 0; i < 5; i++) {
    const r = await change('wrong-guess-0000', minutes(30 + i))
    expect(r).toMatchObject({ ok: false, errors: { currentPassword: '当前密码不正确' } })
  }
  // Even the right password is refused now, and logging in is locked for the same account.
  expect(await change(DEMO_PASSWORD, minutes(36))).toMatchObject({ ok: false, errors: { currentPassword: '密码错误次数过多，请 15 分钟后再试' } })
  expect((await attemptLogin(t.db, { username: 'mingjian.zhao', password: DEMO_PASSWORD, ip: '10.0.0.10', userAgent: 't' }, minutes(37))).kind).toBe('throttled')
  // After the window the right password changes it.
  expect(await change(DEMO_PASSWORD, minutes(60))).toMatchObject({ ok: true })
})

test('a flood of refused guesses writes one audit row per account and address per window, and no more rows after it', async () => {
  const throttledRows = () => t.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'login.throttled' AND after_json LIKE '%mingjian.zhao%'").get() as { n: number }
  const guess = (at: Date, ip: string) => attemptLogin(t.db, { username: 'mingjian.zhao', password: 'wrong-password-123', ip, userAgent: 'test' }, at)
  const base = 100
  const before = throttledRows().n
  for (let i = 0; i < 5; i++) expect((await guess(minutes(base + i), '10.0.1.1')).kind).toBe('invalid')
  for (let i = 0; i < 30; i++) expect((await guess(minutes(base + 5 + i / 10), '10.0.1.1')).kind).toBe('throttled')
  expect(throttledRows().n).toBe(before + 1)
  // Another address is refused too (the account is locked) and gets its own row, once.
  for (let i = 0; i < 3; i++) expect((await guess(minutes(base + 9), '10.0.1.2')).kind).toBe('throttled')
  expect(throttledRows().n).toBe(before + 2)
  // A later window that locks again is recorded again.
  for (let i = 0; i < 5; i++) expect((await guess(minutes(base + 40 + i), '10.0.1.1')).kind).toBe('invalid')
  expect((await guess(minutes(base + 46), '10.0.1.1')).kind).toBe('throttled')
  expect(throttledRows().n).toBe(before + 3)
})
