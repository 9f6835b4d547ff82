// Login throttling policy (SECURITY.md §8). Pure: the caller counts failures in the window.

export type ThrottlePolicy = {
  windowMinutes: number
  maxFailuresPerAccount: number
  maxFailuresPerIp: number
  /**
   * How long a refused attempt waits before its answer. A guesser who waits for each answer (as
   * scripts do) then costs the server a few milliseconds per second per connection instead of
   * keeping a core busy with refusals; a person locked out does not notice a second.
   */
  refusalDelayMs: number
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMinutes: 15,
  maxFailuresPerAccount: 5,
  // Generous: every evaluator of an agency may sit behind one NAT address.
  maxFailuresPerIp: 50,
  refusalDelayMs: 1000,
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
