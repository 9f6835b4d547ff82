// Engagement data access. Every read takes an EngagementScope and narrows IN SQL, so a query can
// never return another tenant's row even if a caller forgets to check rights afterwards.
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { Db, Tx } from '../../db/client.server'
import { engagementMembers, engagements, engagementUnits, evaluatedUnits, organizations, stageTransitions, users } from '../../db/schema'
import { ENGAGEMENT_PAGE_SIZE, type EngagementSort, type SortDirection } from '../domain/engagement-list'
import type { EngagementResource, EngagementScope } from '../domain/permissions'
import { STAGE_CODES, type Stage } from '../domain/stages'
import { newId } from '../ids.server'

export type EngagementRow = typeof engagements.$inferSelect

export function scopeCondition(scope: EngagementScope): SQL {
  switch (scope.kind) {
    case 'agency':
      return eq(engagements.agencyId, scope.organizationId)
    case 'bureau':
      return eq(engagements.financeBureauId, scope.organizationId)
    case 'unit':
      return sql`${engagements.id} IN (SELECT ${engagementUnits.engagementId} FROM ${engagementUnits} WHERE ${engagementUnits.evaluatedUnitId} = ${scope.evaluatedUnitId})`
    case 'none':
      return sql`0`
  }
}

export type EngagementListQuery = {
  year?: number
  kind?: string
  stage?: string
  financeBureauId?: string
  leadUserId?: string
  sort: EngagementSort
  direction: SortDirection
  page: number
  pageSize?: number
}

// Stage codes are constants from the domain, never user input, so inlining them is safe; the
// CASE sorts by workflow order rather than alphabetically.
const stageOrder = sql.raw(`CASE stage ${STAGE_CODES.map((code, i) => `WHEN '${code}' THEN ${i}`).join(' ')} ELSE 99 END`)

function sortColumn(sort: EngagementSort): SQL | SQLiteColumn {
  switch (sort) {
    case 'name':
      return engagements.name
    case 'year':
      return engagements.year
    case 'stage':
      return stageOrder
    case 'funds':
      return engagements.fundsFen
    case 'updated':
      return engagements.updatedAt
  }
}

function listCondition(scope: EngagementScope, q: Omit<EngagementListQuery, 'sort' | 'direction' | 'page'>): SQL {
  const where: SQL[] = [scopeCondition(scope)]
  if (q.year !== undefined) where.push(eq(engagements.year, q.year))
  if (q.kind) where.push(eq(engagements.kind, q.kind))
  if (q.stage) where.push(eq(engagements.stage, q.stage))
  if (q.financeBureauId) where.push(eq(engagements.financeBureauId, q.financeBureauId))
  if (q.leadUserId) where.push(eq(engagements.leadUserId, q.leadUserId))
  return and(...where)!
}

const bureaus = alias(organizations, 'bureau')
const leads = alias(users, 'lead')

export type EngagementListItem = {
  id: string
  name: string
  year: number
  kind: string
  stage: string
  fundsFen: number
  periodStart: string
  periodEnd: string
  updatedAt: string
  bureauName: string
  leadName: string
}

export function countEngagements(db: Db | Tx, scope: EngagementScope, q: Omit<EngagementListQuery, 'sort' | 'direction' | 'page'>): number {
  return db.select({ n: count() }).from(engagements).where(listCondition(scope, q)).get()?.n ?? 0
}

export function listEngagements(db: Db | Tx, scope: EngagementScope, q: EngagementListQuery): { total: number; rows: EngagementListItem[] } {
  const condition = listCondition(scope, q)
  const total = db.select({ n: count() }).from(engagements).where(condition).get()?.n ?? 0
  const size = q.pageSize ?? ENGAGEMENT_PAGE_SIZE
  const order = q.direction === 'asc' ? asc : desc
  const rows = db
    .select({
      id: engagements.id,
      name: engagements.name,
      year: engagements.year,
      kind: engagements.kind,
      stage: engagements.stage,
      fundsFen: engagements.fundsFen,
      periodStart: engagements.periodStart,
      periodEnd: engagements.periodEnd,
      updatedAt: engagements.updatedAt,
      bureauName: bureaus.name,
      leadName: leads.displayName,
    })
    .from(engagements)
    .innerJoin(bureaus, eq(bureaus.id, engagements.financeBureauId))
    .innerJoin(leads, eq(leads.id, engagements.leadUserId))
    .where(condition)
    // The id breaks ties so that paging through equal keys neither repeats nor skips rows.
    .orderBy(order(sortColumn(q.sort)), order(engagements.id))
    .limit(size)
    .offset((Math.max(1, q.page) - 1) * size)
    .all()
  return { total, rows }
}

export function countByStage(db: Db | Tx, scope: EngagementScope): Record<string, number> {
  const rows = db
    .select({ stage: engagements.stage, n: count() })
    .from(engagements)
    .where(scopeCondition(scope))
    .groupBy(engagements.stage)
    .all()
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]))
}

export type EngagementDetail = EngagementRow & {
  agencyName: string
  bureauName: string
  leadName: string
  members: { id: string; displayName: string; role: string }[]
  units: { id: string; name: string; competentDepartment: string }[]
}

/** One engagement if it lies inside `scope`; undefined for a missing id and for another tenant's id alike. */
export function findEngagementInScope(db: Db | Tx, scope: EngagementScope, id: string): EngagementDetail | undefined {
  const agencies = alias(organizations, 'agency')
  const row = db
    .select({ e: engagements, agencyName: agencies.name, bureauName: bureaus.name, leadName: leads.displayName })
    .from(engagements)
    .innerJoin(agencies, eq(agencies.id, engagements.agencyId))
    .innerJoin(bureaus, eq(bureaus.id, engagements.financeBureauId))
    .innerJoin(leads, eq(leads.id, engagements.leadUserId))
    .where(and(eq(engagements.id, id), scopeCondition(scope)))
    .get()
  if (!row) return undefined
  return {
    ...row.e,
    agencyName: row.agencyName,
    bureauName: row.bureauName,
    leadName: row.leadName,
    members: listMembers(db, id),
    units: listUnits(db, id),
  }
}

export function listMembers(db: Db | Tx, engagementId: string) {
  return db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(engagementMembers)
    .innerJoin(users, eq(users.id, engagementMembers.userId))
    .where(eq(engagementMembers.engagementId, engagementId))
    .orderBy(asc(users.displayName), asc(users.id))
    .all()
}

export function listUnits(db: Db | Tx, engagementId: string) {
  return db
    .select({ id: evaluatedUnits.id, name: evaluatedUnits.name, competentDepartment: evaluatedUnits.competentDepartment })
    .from(engagementUnits)
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, engagementUnits.evaluatedUnitId))
    .where(eq(engagementUnits.engagementId, engagementId))
    .orderBy(asc(engagementUnits.position))
    .all()
}

/** The shape the rights function needs. */
export function engagementResource(e: EngagementDetail): EngagementResource {
  return {
    type: 'engagement',
    agencyId: e.agencyId,
    financeBureauId: e.financeBureauId,
    leadUserId: e.leadUserId,
    memberIds: e.members.map((m) => m.id),
    unitIds: e.units.map((u) => u.id),
    stage: e.stage,
  }
}

export type StageTransitionEntry = {
  id: string
  fromStage: string | null
  toStage: string
  note: string
  at: string
  actorName: string
}

export function listStageTransitions(db: Db | Tx, engagementId: string): StageTransitionEntry[] {
  return db
    .select({
      id: stageTransitions.id,
      fromStage: stageTransitions.fromStage,
      toStage: stageTransitions.toStage,
      note: stageTransitions.note,
      at: stageTransitions.at,
      actorName: users.displayName,
    })
    .from(stageTransitions)
    .innerJoin(users, eq(users.id, stageTransitions.actorUserId))
    .where(eq(stageTransitions.engagementId, engagementId))
    // ULIDs of one process sort by creation, so two moves in the same millisecond keep their order.
    .orderBy(asc(stageTransitions.at), asc(stageTransitions.id))
    .all()
}

export type NewEngagement = Omit<EngagementRow, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'stage' | 'stageChangedAt' | 'commissionCreditFlagJson'> & {
  commissionCreditFlagJson?: string | null
}

export function insertEngagement(tx: Db | Tx, input: NewEngagement, at: Date): EngagementRow {
  const iso = at.toISOString()
  const row: EngagementRow = {
    ...input,
    commissionCreditFlagJson: input.commissionCreditFlagJson ?? null,
    id: newId(),
    stage: 'commissioned',
    stageChangedAt: iso,
    createdAt: iso,
    updatedAt: iso,
    version: 1,
  }
  tx.insert(engagements).values(row).run()
  return row
}

export type EngagementPatch = Partial<
  Pick<EngagementRow, 'name' | 'year' | 'kind' | 'budgetType' | 'financeBureauId' | 'fundsFen' | 'periodStart' | 'periodEnd' | 'contractNo' | 'leadUserId' | 'stage' | 'stageChangedAt'>
>

/** Optimistic update: true when the row still had `version` and now has version + 1. */
export function updateEngagementIfVersion(tx: Db | Tx, id: string, version: number, patch: EngagementPatch, at: Date): boolean {
  const result = tx
    .update(engagements)
    .set({ ...patch, updatedAt: at.toISOString(), version: sql`${engagements.version} + 1` })
    .where(and(eq(engagements.id, id), eq(engagements.version, version)))
    .run()
  return result.changes === 1
}

export function replaceMembers(tx: Db | Tx, engagementId: string, userIds: readonly string[]): void {
  tx.delete(engagementMembers).where(eq(engagementMembers.engagementId, engagementId)).run()
  if (userIds.length > 0) tx.insert(engagementMembers).values(userIds.map((userId) => ({ engagementId, userId }))).run()
}

export function replaceUnits(tx: Db | Tx, engagementId: string, unitIds: readonly string[]): void {
  tx.delete(engagementUnits).where(eq(engagementUnits.engagementId, engagementId)).run()
  if (unitIds.length > 0) {
    tx.insert(engagementUnits)
      .values(unitIds.map((evaluatedUnitId, position) => ({ engagementId, evaluatedUnitId, position })))
      .run()
  }
}

export function insertStageTransition(
  tx: Db | Tx,
  input: { engagementId: string; fromStage: Stage | null; toStage: Stage; actorUserId: string; note: string },
  at: Date,
): void {
  tx.insert(stageTransitions)
    .values({ id: newId(), ...input, at: at.toISOString() })
    .run()
}

export type StaffMember = { id: string; displayName: string; role: string }

/** Active people of an agency who can lead or staff an engagement. */
export function listAgencyStaff(db: Db | Tx, agencyId: string): StaffMember[] {
  return db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(and(eq(users.organizationId, agencyId), eq(users.status, 'active'), inArray(users.role, ['agency_admin', 'evaluator'])))
    .orderBy(asc(users.displayName), asc(users.id))
    .all()
}

/** Active finance bureaus: the possible clients of an engagement. */
export function listActiveFinanceBureaus(db: Db | Tx): { id: string; name: string }[] {
  return db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(eq(organizations.kind, 'finance_bureau'), eq(organizations.status, 'active')))
    .orderBy(asc(organizations.name))
    .all()
}

/** Bureaus that appear in the scope's engagements: the options of the list's bureau filter. */
export function listBureausInScope(db: Db | Tx, scope: EngagementScope): { id: string; name: string }[] {
  return db
    .selectDistinct({ id: bureaus.id, name: bureaus.name })
    .from(engagements)
    .innerJoin(bureaus, eq(bureaus.id, engagements.financeBureauId))
    .where(scopeCondition(scope))
    .orderBy(asc(bureaus.name))
    .all()
}

/** Years that appear in the scope's engagements, newest first: the options of the year filter. */
export function listYearsInScope(db: Db | Tx, scope: EngagementScope): number[] {
  return db
    .selectDistinct({ year: engagements.year })
    .from(engagements)
    .where(scopeCondition(scope))
    .orderBy(desc(engagements.year))
    .all()
    .map((r) => r.year)
}
