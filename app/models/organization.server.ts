import { asc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { organizations } from '../../db/schema'
import type { OrgKind } from '../domain/roles'
import { newId } from '../ids.server'

export type NewOrganization = { kind: OrgKind; name: string; creditCode?: string | null; region?: string }

export function insertOrganization(tx: Db | Tx, input: NewOrganization, at: Date) {
  const row = {
    id: newId(),
    kind: input.kind,
    name: input.name,
    creditCode: input.creditCode ?? null,
    region: input.region ?? '',
    status: 'active' as const,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    version: 1,
  }
  tx.insert(organizations).values(row).run()
  return row
}

export function findOrganizationByName(db: Db | Tx, name: string) {
  return db.select().from(organizations).where(eq(organizations.name, name)).get()
}

export function getOrganization(db: Db | Tx, id: string) {
  return db.select().from(organizations).where(eq(organizations.id, id)).get()
}

export function listOrganizations(db: Db | Tx, kind?: OrgKind) {
  const q = db.select().from(organizations)
  return (kind ? q.where(eq(organizations.kind, kind)) : q).orderBy(asc(organizations.kind), asc(organizations.name)).all()
}
