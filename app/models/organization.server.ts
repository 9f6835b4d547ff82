import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { evaluatedUnits, organizations, sessions, users } from '../../db/schema'
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

/** Organizations with how many accounts each has, for the platform administrator's list. */
export function listOrganizationsWithUserCounts(db: Db | Tx) {
  return db
    .select({
      id: organizations.id,
      kind: organizations.kind,
      name: organizations.name,
      region: organizations.region,
      creditCode: organizations.creditCode,
      status: organizations.status,
      createdAt: organizations.createdAt,
      userCount: sql<number>`count(${users.id})`,
    })
    .from(organizations)
    .leftJoin(users, eq(users.organizationId, organizations.id))
    .groupBy(organizations.id)
    .orderBy(asc(organizations.kind), asc(organizations.name))
    .all()
}

/** Optimistic update of an organization's status; false when the version no longer matches. */
export function updateOrganizationStatus(
  tx: Db | Tx,
  input: { id: string; version: number; status: 'active' | 'disabled' },
  at: Date,
): boolean {
  const result = tx
    .update(organizations)
    .set({ status: input.status, updatedAt: at.toISOString(), version: sql`${organizations.version} + 1` })
    .where(and(eq(organizations.id, input.id), eq(organizations.version, input.version)))
    .run()
  return result.changes === 1
}

/** Evaluated units with the finance bureau they belong to (for picking a unit contact's unit). */
export function listEvaluatedUnitsWithBureau(db: Db | Tx) {
  return db
    .select({
      id: evaluatedUnits.id,
      name: evaluatedUnits.name,
      competentDepartment: evaluatedUnits.competentDepartment,
      bureauId: evaluatedUnits.financeBureauId,
      bureauName: organizations.name,
    })
    .from(evaluatedUnits)
    .innerJoin(organizations, eq(organizations.id, evaluatedUnits.financeBureauId))
    .orderBy(asc(organizations.name), asc(evaluatedUnits.name))
    .all()
}

export function getEvaluatedUnit(db: Db | Tx, id: string) {
  return db.select().from(evaluatedUnits).where(eq(evaluatedUnits.id, id)).get()
}

/** Disabling an organization signs out all its people at once. */
export function endSessionsOfOrganization(tx: Db | Tx, organizationId: string): void {
  tx.delete(sessions)
    .where(inArray(sessions.userId, tx.select({ id: users.id }).from(users).where(eq(users.organizationId, organizationId))))
    .run()
}
