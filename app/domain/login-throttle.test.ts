import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_THROTTLE, isThrottled, windowStart } from './login-throttle'

describe('login throttling policy', () => {
  it('uses a 15-minute window, 5 failures per account and 50 per address', () => {
    expect(DEFAULT_THROTTLE).toEqual({ windowMinutes: 15, maxFailuresPerAccount: 5, maxFailuresPerIp: 50, refusalDelayMs: 1000 })
  })

  it('the window starts exactly 15 minutes before now', () => {
    const now = new Date('2026-03-01T08:00:00.000Z')
    expect(windowStart(now).toISOString()).toBe('2026-03-01T07:45:00.000Z')
    expect(windowStart(now, { windowMinutes: 1, maxFailuresPerAccount: 1, maxFailuresPerIp: 1, refusalDelayMs: 0 }).toISOString()).toBe('2026-03-01T07:59:00.000Z')
  })

  it('locks an account at its fifth failure, not before', () => {
    expect(isThrottled({ account: 0, ip: 0 })).toBe(false)
    expect(isThrottled({ account: 4, ip: 0 })).toBe(false)
    expect(isThrottled({ account: 5, ip: 0 })).toBe(true)
    expect(isThrottled({ account: 6, ip: 0 })).toBe(true)
  })

  it('locks an address at its fiftieth failure, whatever the account', () => {
    expect(isThrottled({ account: 0, ip: 49 })).toBe(false)
    expect(isThrottled({ account: 0, ip: 50 })).toBe(true)
    expect(isThrottled({ account: 4, ip: 49 })).toBe(false)
  })

  it('honours a custom policy', () => {
    const strict = { windowMinutes: 5, maxFailuresPerAccount: 2, maxFailuresPerIp: 3, refusalDelayMs: 0 }
    expect(isThrottled({ account: 1, ip: 2 }, strict)).toBe(false)
    expect(isThrottled({ account: 2, ip: 0 }, strict)).toBe(true)
    expect(isThrottled({ account: 0, ip: 3 }, strict)).toBe(true)
  })

  it('is monotone: more failures never unlock (property)', () => {
    const count = fc.integer({ min: 0, max: 200 })
    fc.assert(
      fc.property(count, count, count, count, (a, i, da, di) => {
        if (isThrottled({ account: a, ip: i })) expect(isThrottled({ account: a + da, ip: i + di })).toBe(true)
      }),
    )
  })
})
