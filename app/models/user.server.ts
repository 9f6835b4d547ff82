import { eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { users } from '../../db/schema'
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
