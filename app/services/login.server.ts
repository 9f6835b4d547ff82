import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { loginFailures, users } from '../../db/schema'
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../auth/password.server'
import { createSessionRow, sessionSetCookie } from '../auth/session.server'
import { isThrottled, windowStart } from '../domain/login-throttle'
import { appendAudit, type AuditActor } from '../models/audit.server'
import { inTransaction } from './transaction.server'

export type LoginResult = { kind: 'ok'; setCookie: string; userId: string } | { kind: 'invalid' } | { kind: 'throttled' }

const ANONYMOUS: AuditActor = { userId: null, role: 'anonymous', organizationId: null }

export type PasswordGate = { throttled: true } | { throttled: false; bookedIds: number[] }

/**
 * Counts and books one password attempt for the account and the address, in one transaction before
 * the (slow, async) password check: otherwise a burst of parallel guesses would all read "under the
 * limit" and all get checked. The booked rows count as failures until `releasePasswordAttempt`.
 * Used by login and by every other place that checks a password (changing one's own password).
 */
export function gatePasswordAttempt(
  db: Db,
  who: { username: string; ip: string },
  at: Date,
  audit: { actor: AuditActor; userId: string },
): PasswordGate {
  const accountKey = `account:${who.username}`
  const ipKey = `ip:${who.ip}`
  // Marks that this account and address were already refused in the window; not a failure.
  const refusedKey = `refused:${who.username}|${who.ip}`
  return inTransaction(db, (tx): PasswordGate => {
    const since = windowStart(at).toISOString()
    // Failures older than the window no longer count; dropping them keeps the table small.
    tx.delete(loginFailures)
      .where(and(inArray(loginFailures.key, [accountKey, ipKey, refusedKey]), lt(loginFailures.at, since)))
      .run()
    const counts = tx
      .select({ key: loginFailures.key, n: sql<number>`count(*)` })
      .from(loginFailures)
      .where(and(inArray(loginFailures.key, [accountKey, ipKey]), gte(loginFailures.at, since)))
      .groupBy(loginFailures.key)
      .all()
    const failures = {
      account: counts.find((c) => c.key === accountKey)?.n ?? 0,
      ip: counts.find((c) => c.key === ipKey)?.n ?? 0,
    }
    if (isThrottled(failures)) {
      // One audit row per account and address per window: a flood of refused guesses must neither
      // grow the audit log nor cost a disk write each (the refusal itself stays read-only).
      const alreadyRefused = tx.select({ id: loginFailures.id }).from(loginFailures).where(and(eq(loginFailures.key, refusedKey), gte(loginFailures.at, since))).get()
      if (alreadyRefused) return { throttled: true }
      tx.insert(loginFailures).values({ key: refusedKey, at: at.toISOString() }).run()
      appendAudit(tx, {
        actor: audit.actor,
        action: 'login.throttled',
        entity: 'user',
        entityId: audit.userId,
        after: { username: who.username, ip: who.ip },
        at,
      })
      return { throttled: true }
    }
    const booked = tx
      .insert(loginFailures)
      .values([
        { key: accountKey, at: at.toISOString() },
        { key: ipKey, at: at.toISOString() },
      ])
      .returning({ id: loginFailures.id })
      .all()
    return { throttled: false, bookedIds: booked.map((b) => b.id) }
  })
}

/** The password proved right: the attempt was no failure, and the account's earlier failures are forgiven. */
export function releasePasswordAttempt(tx: Db | Tx, username: string, bookedIds: readonly number[]): void {
  tx.delete(loginFailures).where(eq(loginFailures.key, `account:${username}`)).run()
  if (bookedIds.length) tx.delete(loginFailures).where(inArray(loginFailures.id, [...bookedIds])).run()
}

export async function attemptLogin(
  db: Db,
  input: { username: string; password: string; ip: string; userAgent: string },
  at: Date,
): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase()
  const user = db.select().from(users).where(eq(users.username, username)).get()

  const gate = gatePasswordAttempt(db, { username, ip: input.ip }, at, { actor: ANONYMOUS, userId: user?.id ?? '' })
  if (gate.throttled) return { kind: 'throttled' }

  // Unknown accounts are checked against a dummy hash so both paths take the same time.
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()))
  if (!user || !passwordOk || user.status !== 'active') {
    inTransaction(db, (tx) =>
      appendAudit(tx, {
        actor: { ...ANONYMOUS, organizationId: user?.organizationId ?? null },
        action: 'login.failed',
        entity: 'user',
        entityId: user?.id ?? '',
        after: { username, ip: input.ip },
        at,
      }),
    )
    return { kind: 'invalid' }
  }

  const rehash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null
  const setCookie = await startSessionAndAudit(db, user, input, at, rehash, gate.bookedIds)
  return { kind: 'ok', setCookie, userId: user.id }
}

async function startSessionAndAudit(
  db: Db,
  user: typeof users.$inferSelect,
  input: { ip: string; userAgent: string },
  at: Date,
  rehash: string | null,
  bookedFailureIds: number[],
): Promise<string> {
  const token = inTransaction(db, (tx) => {
    releasePasswordAttempt(tx, user.username, bookedFailureIds)
    if (rehash) tx.update(users).set({ passwordHash: rehash }).where(eq(users.id, user.id)).run()
    appendAudit(tx, {
      actor: { userId: user.id, role: user.role, organizationId: user.organizationId },
      action: 'login.succeeded',
      entity: 'user',
      entityId: user.id,
      after: { ip: input.ip },
      at,
    })
    // A new row at every login: a session id planted before login is never promoted (fixation).
    return createSessionRow(tx, user.id, input, at)
  })
  return sessionSetCookie(token)
}
