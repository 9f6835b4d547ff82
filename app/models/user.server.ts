import { and, asc, desc, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm'
import { judgeSession } from '../domain/session-policy'
import type { Db, Tx } from '../../db/client.server'
import { evaluatedUnits, organizations, sessions, users } from '../../db/schema'
import type { Role } from '../domain/roles'
import { newId } from '../ids.server'

export type NewUser = {
  username: string
  displayName: string
  role: Role
  organizationId: string | null
  evaluatedUnitId?: string | null
  orgAdmin?: boolean
  passwordHash: string
  mustChangePassword?: boolean
  phone?: string
  email?: string
}

/** Usernames are case-insensitive: stored lower-case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase()
}

export function insertUser(tx: Db | Tx, input: NewUser, at: Date) {
  const row = {
    id: newId(),
    username: normalizeUsername(input.username),
    displayName: input.displayName,
    role: input.role,
    organizationId: input.organizationId,
    evaluatedUnitId: input.evaluatedUnitId ?? null,
    orgAdmin: input.role === 'agency_admin' || (input.orgAdmin ?? false),
    passwordHash: input.passwordHash,
    mustChangePassword: input.mustChangePassword ?? false,
    status: 'active' as const,
    phone: input.phone ?? '',
    email: input.email ?? '',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    version: 1,
  }
  tx.insert(users).values(row).run()
  return row
}

export function findUserByUsername(db: Db | Tx, username: string) {
  return db.select().from(users).where(eq(users.username, normalizeUsername(username))).get()
}

/** A user as other pages may show it: never the password hash. */
export function publicUser(row: typeof users.$inferSelect) {
  const { passwordHash: _omit, ...rest } = row
  return rest
}

/** Every column a listing or an edit page may show: never the password hash. */
const visibleColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  organizationId: users.organizationId,
  evaluatedUnitId: users.evaluatedUnitId,
  orgAdmin: users.orgAdmin,
  mustChangePassword: users.mustChangePassword,
  status: users.status,
  phone: users.phone,
  email: users.email,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  version: users.version,
}
export type VisibleUser = { [K in keyof typeof visibleColumns]: (typeof users.$inferSelect)[K] }

/**
 * One user by id. `organizationId` scopes the lookup to a tenant (an organization admin's view);
 * undefined means unscoped (the platform administrator's view).
 */
export function getVisibleUser(db: Db | Tx, id: string, scope: { organizationId?: string }) {
  const where = scope.organizationId === undefined ? eq(users.id, id) : and(eq(users.id, id), eq(users.organizationId, scope.organizationId))
  return db
    .select({ ...visibleColumns, organizationName: organizations.name, organizationKind: organizations.kind, unitName: evaluatedUnits.name })
    .from(users)
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .leftJoin(evaluatedUnits, eq(evaluatedUnits.id, users.evaluatedUnitId))
    .where(where)
    .get()
}

export type UserListFilter = {
  /** A tenant id; null: accounts without an organization; undefined: everyone. */
  organizationId?: string | null
  role?: Role
  page: number
}

export const USER_PAGE_SIZE = 50

export function listUsers(db: Db | Tx, filter: UserListFilter) {
  const where: SQL[] = []
  if (filter.organizationId === null) where.push(isNull(users.organizationId))
  else if (filter.organizationId !== undefined) where.push(eq(users.organizationId, filter.organizationId))
  if (filter.role) where.push(eq(users.role, filter.role))
  const condition = where.length ? and(...where) : undefined
  const total = db.select({ n: sql<number>`count(*)` }).from(users).where(condition).get()?.n ?? 0
  const rows = db
    .select({ ...visibleColumns, organizationName: organizations.name, unitName: evaluatedUnits.name })
    .from(users)
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .leftJoin(evaluatedUnits, eq(evaluatedUnits.id, users.evaluatedUnitId))
    .where(condition)
    .orderBy(asc(users.role), asc(users.username))
    .limit(USER_PAGE_SIZE)
    .offset((Math.max(1, filter.page) - 1) * USER_PAGE_SIZE)
    .all()
  return { total, rows }
}

export function displayNamesByIds(db: Db | Tx, ids: readonly string[]): Map<string, string> {
  if (ids.length === 0) return new Map()
  const rows = db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, [...new Set(ids)])).all()
  return new Map(rows.map((r) => [r.id, r.displayName]))
}

/**
 * Active accounts that administer the same tenant, other than `exceptUserId`. For a tenant that is
 * the organization's admins; for accounts without an organization, the system administrators.
 */
export function countOtherActiveAdmins(db: Db | Tx, organizationId: string | null, exceptUserId: string): number {
  const scope =
    organizationId === null
      ? and(isNull(users.organizationId), eq(users.role, 'system_admin'))
      : and(eq(users.organizationId, organizationId), eq(users.orgAdmin, true))
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(and(scope, eq(users.status, 'active'), ne(users.id, exceptUserId)))
      .get()?.n ?? 0
  )
}

export function updateUserProfile(
  tx: Db | Tx,
  input: { id: string; version: number; displayName: string; phone: string; email: string },
  at: Date,
): boolean {
  const result = tx
    .update(users)
    .set({
      displayName: input.displayName,
      phone: input.phone,
      email: input.email,
      updatedAt: at.toISOString(),
      version: sql`${users.version} + 1`,
    })
    .where(and(eq(users.id, input.id), eq(users.version, input.version)))
    .run()
  return result.changes === 1
}

export function updateUserStatus(tx: Db | Tx, input: { id: string; version: number; status: 'active' | 'disabled' }, at: Date): boolean {
  const result = tx
    .update(users)
    .set({ status: input.status, updatedAt: at.toISOString(), version: sql`${users.version} + 1` })
    .where(and(eq(users.id, input.id), eq(users.version, input.version)))
    .run()
  return result.changes === 1
}

export function setUserPassword(tx: Db | Tx, input: { id: string; passwordHash: string; mustChangePassword: boolean }, at: Date): void {
  tx.update(users)
    .set({
      passwordHash: input.passwordHash,
      mustChangePassword: input.mustChangePassword,
      updatedAt: at.toISOString(),
      version: sql`${users.version} + 1`,
    })
    .where(eq(users.id, input.id))
    .run()
}

export function getPasswordHash(db: Db | Tx, id: string): string | undefined {
  return db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id)).get()?.passwordHash
}

/** After a password change: the device that changed it stays signed in, every other one is out. */
export function endOtherSessionsOf(tx: Db | Tx, userId: string, keepSessionId: string): number {
  return tx.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))).run().changes
}

/** The user's live sessions, newest activity first; the current one is marked. Ids stay on the server. */
export function listSessionsOf(db: Db | Tx, userId: string, currentSessionId: string, at: Date) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastSeenAt))
    .all()
    .filter((s) => judgeSession(s, at) !== 'expired')
    .map((s) => ({ createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, ip: s.ip, userAgent: s.userAgent, current: s.id === currentSessionId }))
}
