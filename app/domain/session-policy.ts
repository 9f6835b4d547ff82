// Session lifetime (ASVS L2 3.3.2): 30 minutes idle, 12 hours absolute.

export const IDLE_TIMEOUT_MS = 30 * 60_000
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000
/** last_seen_at is written at most this often, so reads do not turn into writes on every request. */
export const TOUCH_INTERVAL_MS = 60_000

export type SessionTimes = { createdAt: string; lastSeenAt: string; expiresAt: string }

export function sessionExpiry(createdAt: Date): Date {
  return new Date(createdAt.getTime() + ABSOLUTE_TIMEOUT_MS)
}

export type SessionVerdict = 'valid' | 'valid_touch' | 'expired'

export function judgeSession(s: SessionTimes, now: Date): SessionVerdict {
  const t = now.getTime()
  if (t >= Date.parse(s.expiresAt)) return 'expired'
  const idle = t - Date.parse(s.lastSeenAt)
  if (idle >= IDLE_TIMEOUT_MS) return 'expired'
  return idle >= TOUCH_INTERVAL_MS ? 'valid_touch' : 'valid'
}
