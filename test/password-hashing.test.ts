// Password hashing is memory-hard on purpose (128 MiB per hash at production cost); a burst of
// logins must not run them all at once. At most MAX_CONCURRENT_PASSWORD_HASHES run, the rest wait,
// and every one still gets its right answer.
import { describe, expect, test, vi } from 'vitest'
import { hashPassword, MAX_CONCURRENT_PASSWORD_HASHES, passwordHashLoad, verifyPassword } from '../app/auth/password.server'

describe('password hashes in a burst', () => {
  test('run at most two at a time, and each answers right', async () => {
    // A cost high enough that the hashes overlap (the suite's default makes each take a few ms).
    vi.stubEnv('EVALDESK_SCRYPT_LOG2N', '15')
    const stored = await hashPassword('correct horse battery staple')
    vi.unstubAllEnvs()
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 })
    const guesses = ['correct horse battery staple', 'wrong-1', 'wrong-2', 'correct horse battery staple', 'wrong-3', 'wrong-4']
    let highest = 0
    const watch = setInterval(() => (highest = Math.max(highest, passwordHashLoad().running)), 1)
    const answers = Promise.all(guesses.map((g) => verifyPassword(g, stored)))
    await vi.waitFor(() => expect(passwordHashLoad()).toEqual({ running: MAX_CONCURRENT_PASSWORD_HASHES, waiting: guesses.length - MAX_CONCURRENT_PASSWORD_HASHES }), { interval: 1 })
    expect(await answers).toEqual([true, false, false, true, false, false])
    clearInterval(watch)
    expect(highest).toBe(MAX_CONCURRENT_PASSWORD_HASHES)
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 })
  })
})
