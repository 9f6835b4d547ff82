// Expert pool (专家库) data access. The pool is one installation-wide registry, so reads take no
// tenant scope; who may read or change it is decided by the service (expert.view / expert.manage).
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { expertEmployments, expertRelations, experts, expertSpecialties, expertUnavailability, specialties } from '../../db/schema'
import type { ExpertStatus, RelationKind, Title } from '../domain/experts/vocab'
import { newId } from '../ids.server'

export type ExpertRow = typeof experts.$inferSelect
export type SpecialtyRow = typeof specialties.$inferSelect
export type EmploymentRow = typeof expertEmployments.$inferSelect
export type RelationRow = typeof expertRelations.$inferSelect
export type UnavailabilityRow = typeof expertUnavailability.$inferSelect

export { EXPERT_PAGE_SIZE } from '../utils/limits'
import { EXPERT_PAGE_SIZE } from '../utils/limits'
// SQLite caps bound parameters per statement; batches stay well below it.
const BATCH = 500

export type ExpertListQuery = {
  /** Contained in the name or the employer. */
  q?: string
  /** Contained in the name, the employer or the label of one of the expert's specialties. */
  anyText?: string
  specialty?: string
  title?: Title
  status?: ExpertStatus
  region?: string
  page: number
  pageSize?: number
}

export type ExpertSpecialty = { code: string; label: string; active: boolean }

export type ExpertListItem = Pick<ExpertRow, 'id' | 'userId' | 'name' | 'employer' | 'title' | 'region' | 'phone' | 'email' | 'status'> & {
  specialties: ExpertSpecialty[]
}

export type ExpertDetail = ExpertRow & {
  specialties: ExpertSpecialty[]
  employments: EmploymentRow[]
  relations: RelationRow[]
  unavailability: UnavailabilityRow[]
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`
}

function listCondition(q: Omit<ExpertListQuery, 'page' | 'pageSize'>): SQL | undefined {
  const where: SQL[] = []
  if (q.q) {
    const pattern = likePattern(q.q)
    where.push(sql`(${experts.name} LIKE ${pattern} ESCAPE '\\' OR ${experts.employer} LIKE ${pattern} ESCAPE '\\')`)
  }
  if (q.anyText) {
    const pattern = likePattern(q.anyText)
    where.push(sql`(${experts.name} LIKE ${pattern} ESCAPE '\\' OR ${experts.employer} LIKE ${pattern} ESCAPE '\\'
      OR ${experts.id} IN (SELECT ${expertSpecialties.expertId} FROM ${expertSpecialties} JOIN ${specialties} ON ${specialties.code} = ${expertSpecialties.specialtyCode}
        WHERE ${specialties.label} LIKE ${pattern} ESCAPE '\\'))`)
  }
  if (q.specialty) {
    where.push(
      sql`${experts.id} IN (SELECT ${expertSpecialties.expertId} FROM ${expertSpecialties} WHERE ${expertSpecialties.specialtyCode} = ${q.specialty})`,
    )
  }
  if (q.title) where.push(eq(experts.title, q.title))
  if (q.status) where.push(eq(experts.status, q.status))
  if (q.region) where.push(eq(experts.region, q.region))
  return where.length > 0 ? and(...where) : undefined
}

const LIST_COLUMNS = {
  id: experts.id,
  userId: experts.userId,
  name: experts.name,
  employer: experts.employer,
  title: experts.title,
  region: experts.region,
  phone: experts.phone,
  email: experts.email,
  status: experts.status,
}

/** One page of the pool, by name, with each expert's specialties. */
export function listExperts(db: Db | Tx, query: ExpertListQuery): { total: number; rows: ExpertListItem[] } {
  const condition = listCondition(query)
  const pageSize = query.pageSize ?? EXPERT_PAGE_SIZE
  const total = db.select({ n: count() }).from(experts).where(condition).get()?.n ?? 0
  const rows = db
    .select(LIST_COLUMNS)
    .from(experts)
    .where(condition)
    .orderBy(asc(experts.name), asc(experts.id))
    .limit(pageSize)
    .offset((query.page - 1) * pageSize)
    .all()
  const byExpert = specialtiesOf(db, rows.map((r) => r.id))
  return { total, rows: rows.map((r) => ({ ...r, specialties: byExpert.get(r.id) ?? [] })) }
}

/** Every matching expert in full, by name: what an export writes. */
export function listExpertDetails(db: Db | Tx, query: Omit<ExpertListQuery, 'page' | 'pageSize'>, limit: number): ExpertDetail[] {
  const rows = db.select().from(experts).where(listCondition(query)).orderBy(asc(experts.name), asc(experts.id)).limit(limit).all()
  return withChildren(db, rows)
}

export function findExpert(db: Db | Tx, id: string): ExpertDetail | undefined {
  const row = db.select().from(experts).where(eq(experts.id, id)).get()
  return row ? withChildren(db, [row])[0] : undefined
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH))
  return out
}

function groupBy<T extends { expertId: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const r of rows) {
    const list = out.get(r.expertId)
    if (list) list.push(r)
    else out.set(r.expertId, [r])
  }
  return out
}

function specialtiesOf(db: Db | Tx, ids: readonly string[]): Map<string, ExpertSpecialty[]> {
  const rows = batches(ids).flatMap((chunk) =>
    db
      .select({ expertId: expertSpecialties.expertId, code: specialties.code, label: specialties.label, active: specialties.active })
      .from(expertSpecialties)
      .innerJoin(specialties, eq(specialties.code, expertSpecialties.specialtyCode))
      .where(inArray(expertSpecialties.expertId, chunk))
      .orderBy(asc(specialties.position), asc(specialties.label))
      .all(),
  )
  const grouped = groupBy(rows)
  return new Map([...grouped].map(([id, list]) => [id, list.map(({ code, label, active }) => ({ code, label, active }))]))
}

function withChildren(db: Db | Tx, rows: ExpertRow[]): ExpertDetail[] {
  const ids = rows.map((r) => r.id)
  const specialtyMap = specialtiesOf(db, ids)
  const employments = groupBy(
    batches(ids).flatMap((chunk) =>
      db.select().from(expertEmployments).where(inArray(expertEmployments.expertId, chunk)).orderBy(desc(expertEmployments.fromDate), asc(expertEmployments.id)).all(),
    ),
  )
  const relations = groupBy(
    batches(ids).flatMap((chunk) => db.select().from(expertRelations).where(inArray(expertRelations.expertId, chunk)).orderBy(asc(expertRelations.id)).all()),
  )
  const unavailability = groupBy(
    batches(ids).flatMap((chunk) =>
      db.select().from(expertUnavailability).where(inArray(expertUnavailability.expertId, chunk)).orderBy(asc(expertUnavailability.fromDate), asc(expertUnavailability.id)).all(),
    ),
  )
  return rows.map((r) => ({
    ...r,
    specialties: specialtyMap.get(r.id) ?? [],
    employments: employments.get(r.id) ?? [],
    relations: relations.get(r.id) ?? [],
    unavailability: unavailability.get(r.id) ?? [],
  }))
}

/** The regions the pool uses, for the filter. */
export function listRegions(db: Db | Tx): string[] {
  return db
    .selectDistinct({ region: experts.region })
    .from(experts)
    .where(sql`${experts.region} != ''`)
    .orderBy(asc(experts.region))
    .all()
    .map((r) => r.region)
}

/** Experts with one of these names: the import's duplicate check. */
export function findExpertsNamed(db: Db | Tx, names: readonly string[]): Pick<ExpertRow, 'id' | 'name' | 'phone' | 'email'>[] {
  return batches([...new Set(names)]).flatMap((chunk) =>
    db.select({ id: experts.id, name: experts.name, phone: experts.phone, email: experts.email }).from(experts).where(inArray(experts.name, chunk)).all(),
  )
}

// ---------------------------------------------------------------------------------------------
// Writes

export type ExpertValues = {
  name: string
  employer: string
  title: Title
  region: string
  phone: string
  email: string
  note: string
}

export type ExpertChildren = {
  specialtyCodes: readonly string[]
  employments: readonly { organization: string; fromDate: string; toDate: string | null }[]
  relations: readonly { kind: RelationKind; organization: string; note: string }[]
  unavailability: readonly { fromDate: string; toDate: string; note: string }[]
}

export function insertExpert(
  tx: Tx,
  row: ExpertValues & { id: string; status: ExpertStatus; userId?: string | null },
  at: Date,
): ExpertRow {
  const stamp = at.toISOString()
  return tx
    .insert(experts)
    .values({ ...row, createdAt: stamp, updatedAt: stamp })
    .returning()
    .get()
}

/** Optimistic update: false when someone changed the expert since `version` was read. */
export function updateExpertIfVersion(tx: Tx, id: string, version: number, patch: Partial<ExpertValues & { status: ExpertStatus }>, at: Date): boolean {
  const result = tx
    .update(experts)
    .set({ ...patch, updatedAt: at.toISOString(), version: sql`${experts.version} + 1` })
    .where(and(eq(experts.id, id), eq(experts.version, version)))
    .run()
  return result.changes === 1
}

/** Replaces specialties, employments, relations and unavailable dates in one go. */
export function replaceExpertChildren(tx: Tx, expertId: string, children: ExpertChildren): void {
  tx.delete(expertSpecialties).where(eq(expertSpecialties.expertId, expertId)).run()
  tx.delete(expertEmployments).where(eq(expertEmployments.expertId, expertId)).run()
  tx.delete(expertRelations).where(eq(expertRelations.expertId, expertId)).run()
  tx.delete(expertUnavailability).where(eq(expertUnavailability.expertId, expertId)).run()
  if (children.specialtyCodes.length > 0) {
    tx.insert(expertSpecialties)
      .values(children.specialtyCodes.map((specialtyCode) => ({ expertId, specialtyCode })))
      .run()
  }
  if (children.employments.length > 0) {
    tx.insert(expertEmployments)
      .values(children.employments.map((e) => ({ id: newId(), expertId, ...e })))
      .run()
  }
  if (children.relations.length > 0) {
    tx.insert(expertRelations)
      .values(children.relations.map((r) => ({ id: newId(), expertId, ...r })))
      .run()
  }
  if (children.unavailability.length > 0) {
    tx.insert(expertUnavailability)
      .values(children.unavailability.map((u) => ({ id: newId(), expertId, ...u })))
      .run()
  }
}

// ---------------------------------------------------------------------------------------------
// Specialties (专业领域)

/** The controlled list: active entries first, then by position. */
export function listSpecialties(db: Db | Tx): SpecialtyRow[] {
  return db.select().from(specialties).orderBy(desc(specialties.active), asc(specialties.position), asc(specialties.label)).all()
}

export function findSpecialty(db: Db | Tx, code: string): SpecialtyRow | undefined {
  return db.select().from(specialties).where(eq(specialties.code, code)).get()
}

/** How many experts carry each specialty. */
export function specialtyUsage(db: Db | Tx): Map<string, number> {
  const rows = db
    .select({ code: expertSpecialties.specialtyCode, n: count() })
    .from(expertSpecialties)
    .groupBy(expertSpecialties.specialtyCode)
    .all()
  return new Map(rows.map((r) => [r.code, r.n]))
}

export function insertSpecialties(tx: Tx | Db, rows: readonly SpecialtyRow[]): void {
  if (rows.length > 0) tx.insert(specialties).values([...rows]).run()
}

export function updateSpecialty(tx: Tx, code: string, patch: Partial<Pick<SpecialtyRow, 'label' | 'position' | 'active'>>): void {
  tx.update(specialties).set(patch).where(eq(specialties.code, code)).run()
}
