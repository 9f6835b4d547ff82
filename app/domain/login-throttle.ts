// Login throttling policy (SECURITY.md §8). Pure: the caller counts failures in the window.

export type ThrottlePolicy = {
  windowMinutes: number
  maxFailuresPerAccount: number
  maxFailuresPerIp: number
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMinutes: 15,
  maxFailuresPerAccount: 5,
  // Generous: every evaluator of an agency may sit behind one NAT address.
  maxFailuresPerIp: 50,
}

export function windowStart(now: Date, policy: ThrottlePolicy = DEFAULT_THROTTLE): Date {
  return new Date(now.getTime() - policy.windowMinutes * 60_000)
}

/** True when another attempt must be refused without even checking the password. */
export function isThrottled(
  failures: { account: number; ip: number },
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): boolean {
  return failures.account >= policy.maxFailuresPerAccount || failures.ip >= policy.maxFailuresPerIp
}
