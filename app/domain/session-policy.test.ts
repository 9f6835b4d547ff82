import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, judgeSession, sessionExpiry, TOUCH_INTERVAL_MS } from './session-policy'

const MIN = 60_000
const created = new Date('2026-03-01T00:00:00.000Z')
const at = (ms: number) => new Date(created.getTime() + ms)

function session(lastSeenOffsetMs: number) {
  return { createdAt: created.toISOString(), lastSeenAt: at(lastSeenOffsetMs).toISOString(), expiresAt: sessionExpiry(created).toISOString() }
}

describe('session policy', () => {
  it('idle 30 min, absolute 12 h, touch at most once a minute', () => {
    expect(IDLE_TIMEOUT_MS).toBe(30 * MIN)
    expect(ABSOLUTE_TIMEOUT_MS).toBe(12 * 60 * MIN)
    expect(TOUCH_INTERVAL_MS).toBe(MIN)
    expect(sessionExpiry(created).toISOString()).toBe('2026-03-01T12:00:00.000Z')
  })

  it('a fresh session is valid and not touched again within the first minute', () => {
    expect(judgeSession(session(0), at(0))).toBe('valid')
    expect(judgeSession(session(0), at(MIN - 1))).toBe('valid')
  })

  it('asks for a touch once a minute has passed since last seen', () => {
    expect(judgeSession(session(0), at(MIN))).toBe('valid_touch')
    expect(judgeSession(session(0), at(30 * MIN - 1))).toBe('valid_touch')
  })

  it('expires after 30 idle minutes exactly', () => {
    expect(judgeSession(session(0), at(30 * MIN))).toBe('expired')
    expect(judgeSession(session(5 * MIN), at(35 * MIN - 1))).toBe('valid_touch')
    expect(judgeSession(session(5 * MIN), at(35 * MIN))).toBe('expired')
  })

  it('expires at 12 hours even when the user is active', () => {
    const busy = session(12 * 60 * MIN - 10_000)
    expect(judgeSession(busy, at(12 * 60 * MIN - 1))).toBe('valid')
    expect(judgeSession(busy, at(12 * 60 * MIN))).toBe('expired')
    expect(judgeSession(busy, at(13 * 60 * MIN))).toBe('expired')
  })

  it('a session is valid only within both limits (property)', () => {
    const horizon = 14 * 60 * MIN
    fc.assert(
      fc.property(fc.integer({ min: 0, max: horizon }), fc.integer({ min: 0, max: horizon }), (seen, later) => {
        const now = seen + later
        const verdict = judgeSession(session(seen), at(now))
        const alive = now < ABSOLUTE_TIMEOUT_MS && later < IDLE_TIMEOUT_MS
        expect(verdict !== 'expired').toBe(alive)
        if (alive) expect(verdict).toBe(later >= TOUCH_INTERVAL_MS ? 'valid_touch' : 'valid')
      }),
      { numRuns: 2000 },
    )
  })
})
