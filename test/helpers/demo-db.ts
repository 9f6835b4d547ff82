// One migrated temporary database per test file, with the shipped library and the demo seeded, and
// the helpers such tests keep needing: demo actors by username, a later instant per action, FormData.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll } from 'vitest'
import type { Db } from '../../db/client.server'
import { users } from '../../db/schema'
import { seedDemo, type DemoIds } from '../../db/seed/demo'
import { ensureLibrary } from '../../db/seed/library'
import type { Actor } from '../../app/domain/permissions'
import type { Role } from '../../app/domain/roles'
import type { Operator } from '../../app/services/user-admin.server'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './temp-db'

export type DemoDb = {
  db: () => Db
  ids: () => DemoIds
  /** Each call is a minute after the last, as in real use. */
  tick: () => Date
  actorOf: (username: string) => Actor
  op: (username: string) => Operator
}

/** Registers the hooks that create the database before the file's tests and remove it after. */
export function demoDatabase(t0: Date): DemoDb {
  let temp: TempDb | undefined
  let ids: DemoIds | undefined
  let clock = t0.getTime()
  beforeAll(async () => {
    process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
    temp = makeTempDb()
    ensureLibrary(temp.db, t0)
    ids = (await seedDemo(temp.db, t0)).ids
  })
  afterAll(() => temp?.cleanup())
  const db = () => temp!.db
  const actorOf = (username: string): Actor => {
    const u = db().select().from(users).where(eq(users.username, username)).get()
    if (!u) throw new Error(`no user ${username}`)
    return { userId: u.id, role: u.role as Role, organizationId: u.organizationId, orgAdmin: u.role === 'agency_admin' || u.orgAdmin, evaluatedUnitId: u.evaluatedUnitId }
  }
  return { db, ids: () => ids!, tick: () => new Date((clock += 60_000)), actorOf, op: (username) => ({ kind: 'user', actor: actorOf(username) }) }
}

export function formData(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x)
  return fd
}
