import { count, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { organizations, users } from '../../db/schema'

/** Platform-wide figures for the system administrator's dashboard; no tenant data beyond counts. */
export function platformCounts(db: Db | Tx) {
  const orgs = db.select({ kind: organizations.kind, n: count() }).from(organizations).groupBy(organizations.kind).all()
  const activeUsers = db.select({ n: count() }).from(users).where(eq(users.status, 'active')).get()?.n ?? 0
  const allUsers = db.select({ n: count() }).from(users).get()?.n ?? 0
  return {
    agencies: orgs.find((o) => o.kind === 'agency')?.n ?? 0,
    financeBureaus: orgs.find((o) => o.kind === 'finance_bureau')?.n ?? 0,
    users: allUsers,
    activeUsers,
  }
}
