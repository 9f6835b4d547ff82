import crypto from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { eq, sql } from 'drizzle-orm'
import { getDb, type Db, type Tx } from '../../db/client.server'
import { preparedQuery } from '../../db/prepared.server'
import { organizations, sessions, users } from '../../db/schema'
import { now as clockNow } from '../clock.server'
import { secureCookies, sessionSecrets } from '../config.server'
import type { Actor } from '../domain/permissions'
import type { Role } from '../domain/roles'
import { judgeSession, sessionExpiry } from '../domain/session-policy'

// Server-side sessions (docs/decisions/001-sessions.md): the cookie carries only a random token;
// the row holds everything else and is looked up on every request.
let cookieSingleton: ReturnType<typeof createCookie> | undefined
export function sessionCookie() {
  cookieSingleton ??= createCookie(secureCookies() ? '__Host-evaldesk_session' : 'evaldesk_session', {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(),
    path: '/',
    secrets: sessionSecrets(),
  })
  return cookieSingleton
}

function tokenDigest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** Inserts a new session row (call inside the login transaction) and returns the raw token. */
export function createSessionRow(
  tx: Db | Tx,
  userId: string,
  client: { ip: string; userAgent: string },
  at: Date,
): string {
  const token = crypto.randomBytes(32).toString('base64url')
  tx.insert(sessions)
    .values({
      id: tokenDigest(token),
      userId,
      createdAt: at.toISOString(),
      lastSeenAt: at.toISOString(),
      expiresAt: sessionExpiry(at).toISOString(),
      ip: client.ip.slice(0, 64),
      userAgent: client.userAgent.slice(0, 256),
    })
    .run()
  return token
}

export function sessionSetCookie(token: string): Promise<string> {
  return sessionCookie().serialize(token)
}

export async function clearSessionCookie(): Promise<string> {
  return sessionCookie().serialize('', { maxAge: 0, expires: new Date(0) })
}

async function readToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'))
  return typeof value === 'string' && value.length > 0 ? value : null
}

export type SessionUser = {
  sessionId: string
  actor: Actor
  displayName: string
  username: string
  organizationName: string | null
  /** Set by an administrator's password reset: the user must choose a new password first. */
  mustChangePassword: boolean
}

const sessionWithUser = preparedQuery((db) =>
  db
    .select({
      session: sessions,
      user: users,
      orgName: organizations.name,
      orgStatus: organizations.status,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .where(eq(sessions.id, sql.placeholder('sessionId')))
    .prepare(),
)

export async function getSessionUser(request: Request, db: Db = getDb(), at: Date = clockNow()): Promise<SessionUser | null> {
  const token = await readToken(request)
  if (!token) return null
  const sessionId = tokenDigest(token)
  const row = sessionWithUser(db).get({ sessionId })
  if (!row) return null
  const verdict = judgeSession(row.session, at)
  if (verdict === 'expired' || row.user.status !== 'active' || row.orgStatus === 'disabled') {
    db.delete(sessions).where(eq(sessions.id, sessionId)).run()
    return null
  }
  if (verdict === 'valid_touch') {
    db.update(sessions).set({ lastSeenAt: at.toISOString() }).where(eq(sessions.id, sessionId)).run()
  }
  const u = row.user
  return {
    sessionId,
    username: u.username,
    displayName: u.displayName,
    organizationName: row.orgName ?? null,
    mustChangePassword: u.mustChangePassword,
    actor: {
      userId: u.id,
      role: u.role as Role,
      organizationId: u.organizationId,
      orgAdmin: u.role === 'agency_admin' || u.orgAdmin,
      evaluatedUnitId: u.evaluatedUnitId,
    },
  }
}

export function endSession(db: Db | Tx, sessionId: string): void {
  db.delete(sessions).where(eq(sessions.id, sessionId)).run()
}

/** Password reset, role change or deactivation ends every session of the account. */
export function endAllSessionsOf(db: Db | Tx, userId: string): void {
  db.delete(sessions).where(eq(sessions.userId, userId)).run()
}
