// Panels, draws, seats, conflicts, declarations and invites. Callers have already resolved the
// engagement within the actor's scope (engagementForViewer); an expert's own reads are keyed by
// their expert id, so no query here can reach another tenant's engagement by accident.
import zlib from 'node:zlib'
import { and, asc, count, desc, eq, getTableColumns, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { preparedQuery } from '../../db/prepared.server'
import {
  conflicts,
  declarations,
  draws,
  drawEvents,
  engagements,
  engagementUnits,
  evaluatedUnits,
  expertEmployments,
  expertInvites,
  expertRelations,
  experts,
  expertSpecialties,
  expertUnavailability,
  feeRates,
  organizations,
  panels,
  seats,
} from '../../db/schema'
import type { CreditStanding } from '../domain/credit/evaluate'
import { poolCreditFields } from '../domain/credit/evaluate'
import type { StoredDrawRecord, StoredPoolExpert } from '../domain/experts/draw'
import type { PoolExpert } from '../domain/experts/eligibility'
import type { ExpertFacts } from '../domain/experts/recusal'
import type { Title } from '../domain/experts/vocab'

export type PanelRow = typeof panels.$inferSelect
export type SeatRow = typeof seats.$inferSelect
export type DrawRow = typeof draws.$inferSelect
export type ConflictRow = typeof conflicts.$inferSelect

type Q = Db | Tx

export function findPanel(db: Q, engagementId: string): PanelRow | undefined {
  return db.select().from(panels).where(eq(panels.engagementId, engagementId)).get()
}

const panelById = preparedQuery((db) => db.select().from(panels).where(eq(panels.id, sql.placeholder('id'))).prepare())

export function findPanelById(db: Q, id: string): PanelRow | undefined {
  return panelById(db).get({ id })
}

/** What an expert seated on an engagement is shown about it (they have no engagement scope of their own). */
export function engagementBasics(db: Q, engagementId: string) {
  return db
    .select({ id: engagements.id, name: engagements.name, kind: engagements.kind, year: engagements.year, stage: engagements.stage, agencyName: organizations.name })
    .from(engagements)
    .innerJoin(organizations, eq(organizations.id, engagements.agencyId))
    .where(eq(engagements.id, engagementId))
    .get()
}

export function insertPanel(db: Q, row: typeof panels.$inferInsert): void {
  db.insert(panels).values(row).run()
}

export function updatePanelIfVersion(db: Q, id: string, expected: number, patch: Partial<typeof panels.$inferInsert>): boolean {
  return (
    db
      .update(panels)
      .set({ ...patch, version: sql`${panels.version} + 1` })
      .where(and(eq(panels.id, id), eq(panels.version, expected)))
      .run().changes === 1
  )
}

/** Bumps the panel's version so that every open panel form goes stale after a seat changes. */
export function touchPanel(db: Q, id: string, at: string): void {
  db.update(panels)
    .set({ updatedAt: at, version: sql`${panels.version} + 1` })
    .where(eq(panels.id, id))
    .run()
}

export type SeatView = SeatRow & { expertName: string; expertTitle: Title; expertEmployer: string; expertUserId: string | null; certifiedAt: string | null; factsHash: string | null; textVersion: string | null }

export function listSeats(db: Q, panelId: string): SeatView[] {
  const rows = db
    .select({ seat: seats, name: experts.name, title: experts.title, employer: experts.employer, userId: experts.userId })
    .from(seats)
    .innerJoin(experts, eq(experts.id, seats.expertId))
    .where(eq(seats.panelId, panelId))
    .orderBy(asc(seats.position))
    .all()
  const latest = latestDeclarations(
    db,
    rows.map((r) => r.seat.id),
  )
  return rows.map((r) => {
    const d = latest.get(r.seat.id)
    return {
      ...r.seat,
      expertName: r.name,
      expertTitle: r.title,
      expertEmployer: r.employer,
      expertUserId: r.userId,
      certifiedAt: d?.signedAt ?? null,
      factsHash: d?.factsHash ?? null,
      textVersion: d?.textVersion ?? null,
    }
  })
}

/** The seat's most recent signed declaration, if any (one seat: the scoring pages ask on every request). */
const latestDeclarationOfSeat = preparedQuery((db) =>
  db.select().from(declarations).where(eq(declarations.seatId, sql.placeholder('seatId'))).orderBy(desc(declarations.signedAt)).limit(1).prepare(),
)

export function latestDeclaration(db: Q, seatId: string) {
  return latestDeclarationOfSeat(db).get({ seatId })
}

function latestDeclarations(db: Q, seatIds: string[]) {
  const out = new Map<string, typeof declarations.$inferSelect>()
  if (seatIds.length === 0) return out
  for (const d of db.select().from(declarations).where(inArray(declarations.seatId, seatIds)).orderBy(asc(declarations.signedAt)).all()) out.set(d.seatId, d)
  return out
}

export function insertSeat(db: Q, row: typeof seats.$inferInsert): void {
  db.insert(seats).values(row).run()
}

export function updateSeatIfVersion(db: Q, id: string, expected: number, patch: Partial<typeof seats.$inferInsert>): boolean {
  return (
    db
      .update(seats)
      .set({ ...patch, version: sql`${seats.version} + 1` })
      .where(and(eq(seats.id, id), eq(seats.version, expected)))
      .run().changes === 1
  )
}

const seatById = preparedQuery((db) => db.select().from(seats).where(eq(seats.id, sql.placeholder('id'))).prepare())

export function findSeat(db: Q, id: string): SeatRow | undefined {
  return seatById(db).get({ id })
}

/**
 * Stores a draw: the record without its pool as JSON, and the pool as the canonical text the domain
 * hashed, Brotli-compressed (ADR 024). Quality 1: a 5,000-expert pool compresses in about 2 ms to an
 * eighth of its size; higher qualities save a few more percent for three times the time.
 */
export function insertDraw(db: Q, row: Omit<typeof draws.$inferInsert, 'recordJson' | 'poolBrotli'>, record: StoredDrawRecord, poolJson: string): void {
  const { pool: _stored, ...withoutPool } = record
  const text = Buffer.from(poolJson, 'utf8')
  const poolBrotli = zlib.brotliCompressSync(text, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: text.length },
  })
  db.insert(draws).values({ ...row, recordJson: JSON.stringify(withoutPool), poolBrotli }).run()
}

/** A draw's record as the domain replays it, its pool read back from wherever it was stored. Throws on a corrupt pool. */
export function drawRecordOf(row: DrawRow): StoredDrawRecord {
  const record = JSON.parse(row.recordJson) as StoredDrawRecord
  if (row.poolBrotli === null) return record
  return { ...record, pool: JSON.parse(zlib.brotliDecompressSync(row.poolBrotli).toString('utf8')) as StoredPoolExpert[] }
}

const { poolBrotli: _poolBrotli, ...drawSummaryColumns } = getTableColumns(draws)
/** A draw without its pool snapshot, for the many callers that need only which draws there are. */
export type DrawSummary = Omit<DrawRow, 'poolBrotli'>

export function listDraws(db: Q, panelId: string): DrawSummary[] {
  return db.select(drawSummaryColumns).from(draws).where(eq(draws.panelId, panelId)).orderBy(asc(draws.createdAt)).all()
}

export function findDraw(db: Q, id: string): DrawRow | undefined {
  return db.select().from(draws).where(eq(draws.id, id)).get()
}

export function appendDrawEvent(db: Q, row: Omit<typeof drawEvents.$inferInsert, 'seq'>): void {
  const last = db
    .select({ seq: sql<number | null>`max(${drawEvents.seq})` })
    .from(drawEvents)
    .where(eq(drawEvents.drawId, row.drawId))
    .get()
  db.insert(drawEvents)
    .values({ ...row, seq: (last?.seq ?? 0) + 1 })
    .run()
}

export function listDrawEvents(db: Q, drawIds: string[]) {
  if (drawIds.length === 0) return []
  return db
    .select({ event: drawEvents, expertName: experts.name })
    .from(drawEvents)
    .leftJoin(experts, eq(experts.id, drawEvents.expertId))
    .where(inArray(drawEvents.drawId, drawIds))
    .orderBy(asc(drawEvents.at), asc(drawEvents.seq))
    .all()
}

// ---- the pool as the draw sees it ------------------------------------------------------------

/**
 * The credit columns of a pool member from their standing on the review date: whole points, the
 * grade, and the last day of a blacklisting only when it covers the review date (one that ended
 * before it does not keep the expert out, and is left out of the record).
 */
export function poolCredit(standing: CreditStanding): Pick<PoolExpert, 'creditScore' | 'blacklistedUntil' | 'creditGrade'> {
  const { creditScore, blacklistedUntil } = poolCreditFields(standing)
  return { creditScore, blacklistedUntil: standing.blacklisting?.active ? blacklistedUntil : null, creditGrade: standing.grade }
}

/**
 * Every expert in the pool with what eligibility needs: specialties, unavailable dates, how often
 * they were seated in the review date's year (drawn or appointed, not counting reserves never
 * called), whether an active conflict ties them to this engagement or one of its units, and their
 * credit on the review date under the commissioning bureau's policy (`standings`, by expert id).
 */
export function poolSnapshot(db: Q, engagementId: string, reviewDate: string, standings: (expertIds: string[]) => Map<string, CreditStanding>): PoolExpert[] {
  const year = Number(reviewDate.slice(0, 4))
  // Read in table order, not through the id index (which would visit the rows at random); the draw
  // sorts its snapshot by id itself. Rows as arrays: at 5,000 experts drizzle's per-row objects are a
  // measurable share of the read.
  const all = poolExperts(db)
    .values()
    .map(([id, name, title, status]) => ({ id: id as string, name: name as string, title: title as PoolExpert['title'], status: status as PoolExpert['status'] }))
  const specialtiesOf = new Map(poolSpecialties(db).values().map(([expertId, codes]) => [expertId as string, JSON.parse(codes as string) as string[]]))
  const credit = standings(all.map((e) => e.id))
  const unavailableOf = groupBy(poolUnavailability(db).all(), (r) => r.expertId)
  const conflictedIds = new Set(activeConflictsOfEngagement(db).all({ engagementId }).map((r) => r.expertId))
  const drawsOf = new Map(seatsInYear(db).all({ from: `${year}-01-01`, to: `${year + 1}-01-01` }).map((r) => [r.expertId, r.n]))
  // Most of the pool shares one standing (no entries: the policy's clean start), so each distinct
  // standing is turned into pool columns once.
  const creditColumns = new Map<CreditStanding | undefined, ReturnType<typeof poolCredit>>([[undefined, { creditScore: null, blacklistedUntil: null, creditGrade: null }]])
  const columnsOf = (standing: CreditStanding | undefined) => {
    let columns = creditColumns.get(standing)
    if (!columns) creditColumns.set(standing, (columns = poolCredit(standing!)))
    return columns
  }
  return all.map((e) => ({
    id: e.id,
    name: e.name,
    title: e.title,
    specialties: (specialtiesOf.get(e.id) ?? []).sort(),
    status: e.status,
    ...columnsOf(credit.get(e.id)),
    unavailable: (unavailableOf.get(e.id) ?? []).map((u) => ({ from: u.fromDate, to: u.toDate })).sort((a, b) => a.from.localeCompare(b.from)),
    drawsThisYear: drawsOf.get(e.id) ?? 0,
    conflicted: conflictedIds.has(e.id),
  }))
}

// The snapshot's reads, prepared once per connection: each reads one kind of row for the whole
// pool in a single statement, only the columns the snapshot keeps. The child tables are read in
// table order, as before, so each expert's rows keep their order (the pool hash depends on it).
const poolExperts = preparedQuery((db) => db.select({ id: experts.id, name: experts.name, title: experts.title, status: experts.status }).from(experts).prepare())
const poolSpecialties = preparedQuery((db) =>
  db
    .select({ expertId: expertSpecialties.expertId, codes: sql<string>`json_group_array(${expertSpecialties.specialtyCode})` })
    .from(expertSpecialties)
    .groupBy(expertSpecialties.expertId)
    .prepare(),
)
const poolUnavailability = preparedQuery((db) =>
  db.select({ expertId: expertUnavailability.expertId, fromDate: expertUnavailability.fromDate, toDate: expertUnavailability.toDate }).from(expertUnavailability).prepare(),
)

/** Experts with an active conflict on the engagement or one of its units (listConflicts' rule). */
const activeConflictsOfEngagement = preparedQuery((db) =>
  db
    .selectDistinct({ expertId: conflicts.expertId })
    .from(conflicts)
    .where(
      and(
        isNull(conflicts.removedAt),
        or(
          eq(conflicts.engagementId, sql.placeholder('engagementId')),
          inArray(conflicts.evaluatedUnitId, db.select({ id: engagementUnits.evaluatedUnitId }).from(engagementUnits).where(eq(engagementUnits.engagementId, sql.placeholder('engagementId')))),
        ),
      ),
    )
    .prepare(),
)

/** Seats taken in a year (drawn or appointed; reserves never called do not count), per expert. */
const seatsInYear = preparedQuery((db) =>
  db
    .select({ expertId: seats.expertId, n: count() })
    .from(seats)
    .where(and(inArray(seats.status, ['invited', 'accepted']), gte(seats.createdAt, sql.placeholder('from')), lt(seats.createdAt, sql.placeholder('to'))))
    .groupBy(seats.expertId)
    .prepare(),
)

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const r of rows) {
    const k = key(r)
    const list = out.get(k)
    if (list) list.push(r)
    else out.set(k, [r])
  }
  return out
}

/** Specialty codes of the given experts (the reserves a vacated seat may go to), keyed by expert id. */
export function specialtiesByExpert(db: Q, expertIds: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  if (expertIds.length === 0) return out
  for (const r of db.select().from(expertSpecialties).where(inArray(expertSpecialties.expertId, expertIds)).all()) (out[r.expertId] ??= []).push(r.specialtyCode)
  return out
}

/**
 * The facts recusal detection needs, for the experts in the pool who name, as employer, employment
 * or relation, an organization `mayMatch` accepts. The test runs once per distinct name (SQLite
 * lists them); only the few experts naming a match are read in full, not thousands of rows a draw
 * would drop.
 */
export function expertFacts(db: Q, mayMatch: (organization: string) => boolean): ExpertFacts[] {
  const matches = poolOrganizationNames(db).all().map((r) => r.name).filter(mayMatch)
  if (matches.length === 0) return []
  const named = db
    .select({ id: experts.id, employer: experts.employer })
    .from(experts)
    .where(
      or(
        inArray(experts.employer, matches),
        inArray(experts.id, db.select({ id: expertEmployments.expertId }).from(expertEmployments).where(inArray(expertEmployments.organization, matches))),
        inArray(experts.id, db.select({ id: expertRelations.expertId }).from(expertRelations).where(inArray(expertRelations.organization, matches))),
      ),
    )
    .orderBy(asc(experts.id))
    .all()
  const ids = named.map((e) => e.id)
  if (ids.length === 0) return []
  // Each expert's rows in table order, as detection has always seen them (it joins notes in that order).
  const employmentsOf = groupBy(
    db
      .select({ expertId: expertEmployments.expertId, organization: expertEmployments.organization, fromDate: expertEmployments.fromDate, toDate: expertEmployments.toDate })
      .from(expertEmployments)
      .where(inArray(expertEmployments.expertId, ids))
      .orderBy(sql`${expertEmployments.expertId}, rowid`)
      .all(),
    (r) => r.expertId,
  )
  const relationsOf = groupBy(
    db
      .select({ expertId: expertRelations.expertId, kind: expertRelations.kind, organization: expertRelations.organization })
      .from(expertRelations)
      .where(inArray(expertRelations.expertId, ids))
      .orderBy(sql`${expertRelations.expertId}, rowid`)
      .all(),
    (r) => r.expertId,
  )
  return named.map((e) => ({
    id: e.id,
    employer: e.employer,
    employments: (employmentsOf.get(e.id) ?? []).map((x) => ({ organization: x.organization, fromDate: x.fromDate, toDate: x.toDate })),
    relations: (relationsOf.get(e.id) ?? []).map((x) => ({ kind: x.kind, organization: x.organization })),
  }))
}

/** Every organization name an expert gives, once: employers, employments, relations. */
const poolOrganizationNames = preparedQuery((db) =>
  db
    .select({ name: experts.employer })
    .from(experts)
    .union(db.select({ name: expertEmployments.organization }).from(expertEmployments))
    .union(db.select({ name: expertRelations.organization }).from(expertRelations))
    .prepare(),
)

const employmentsOfExpert = preparedQuery((db) =>
  db
    .select({ organization: expertEmployments.organization, fromDate: expertEmployments.fromDate, toDate: expertEmployments.toDate })
    .from(expertEmployments)
    .where(eq(expertEmployments.expertId, sql.placeholder('expertId')))
    .orderBy(asc(expertEmployments.fromDate))
    .prepare(),
)

export function employmentsOf(db: Q, expertId: string) {
  return employmentsOfExpert(db).all({ expertId })
}

const unitsOfEngagement = preparedQuery((db) =>
  db
    .select({ id: evaluatedUnits.id, name: evaluatedUnits.name, competentDepartment: evaluatedUnits.competentDepartment })
    .from(engagementUnits)
    .innerJoin(evaluatedUnits, eq(evaluatedUnits.id, engagementUnits.evaluatedUnitId))
    .where(eq(engagementUnits.engagementId, sql.placeholder('engagementId')))
    .orderBy(asc(engagementUnits.position))
    .prepare(),
)

export function engagementUnitsOf(db: Q, engagementId: string) {
  return unitsOfEngagement(db).all({ engagementId })
}

// ---- conflicts --------------------------------------------------------------------------------

export type ConflictView = ConflictRow & { expertName: string; unitName: string | null }

/** Conflicts that concern this engagement: on it directly, or on one of its evaluated units. */
export function listConflicts(db: Q, engagementId: string, opts: { activeOnly?: boolean } = {}): ConflictView[] {
  const unitIds = db.select({ id: engagementUnits.evaluatedUnitId }).from(engagementUnits).where(eq(engagementUnits.engagementId, engagementId)).all().map((r) => r.id)
  const where = and(
    or(eq(conflicts.engagementId, engagementId), unitIds.length > 0 ? inArray(conflicts.evaluatedUnitId, unitIds) : sql`0`),
    opts.activeOnly ? isNull(conflicts.removedAt) : undefined,
  )
  return db
    .select({ c: conflicts, expertName: experts.name, unitName: evaluatedUnits.name })
    .from(conflicts)
    .innerJoin(experts, eq(experts.id, conflicts.expertId))
    .leftJoin(evaluatedUnits, eq(evaluatedUnits.id, conflicts.evaluatedUnitId))
    .where(where)
    .orderBy(desc(conflicts.createdAt))
    .all()
    .map((r) => ({ ...r.c, expertName: r.expertName, unitName: r.unitName }))
}

export function insertConflict(db: Q, row: typeof conflicts.$inferInsert): void {
  db.insert(conflicts).values(row).run()
}

export function markConflictRemoved(db: Q, id: string, by: string, at: string): boolean {
  return db.update(conflicts).set({ removedAt: at, removedBy: by }).where(and(eq(conflicts.id, id), isNull(conflicts.removedAt))).run().changes === 1
}

/** Whether the expert has an active conflict with the engagement or any of its units. */
/** listConflicts' rule (active, on the engagement or one of its units) for one expert, as one query. */
const activeConflictOf = preparedQuery((db) =>
  db
    .select({ id: conflicts.id })
    .from(conflicts)
    .where(
      and(
        eq(conflicts.expertId, sql.placeholder('expertId')),
        isNull(conflicts.removedAt),
        or(
          eq(conflicts.engagementId, sql.placeholder('engagementId')),
          inArray(conflicts.evaluatedUnitId, db.select({ id: engagementUnits.evaluatedUnitId }).from(engagementUnits).where(eq(engagementUnits.engagementId, sql.placeholder('engagementId')))),
        ),
      ),
    )
    .limit(1)
    .prepare(),
)

export function isConflicted(db: Q, expertId: string, engagementId: string): boolean {
  return activeConflictOf(db).get({ expertId, engagementId }) !== undefined
}

// ---- declarations, invites, fees ----------------------------------------------------------------

export function insertDeclaration(db: Q, row: typeof declarations.$inferInsert): void {
  db.insert(declarations).values(row).run()
}

export function insertInvite(db: Q, row: typeof expertInvites.$inferInsert): void {
  db.insert(expertInvites).values(row).run()
}

export function findInvite(db: Q, tokenHash: string) {
  return db.select().from(expertInvites).where(eq(expertInvites.tokenHash, tokenHash)).get()
}

export function markInviteUsed(db: Q, tokenHash: string, at: string): boolean {
  return db.update(expertInvites).set({ usedAt: at }).where(and(eq(expertInvites.tokenHash, tokenHash), isNull(expertInvites.usedAt))).run().changes === 1
}

export function feeRatesOf(db: Q, financeBureauId: string): Partial<Record<Title, number>> {
  return Object.fromEntries(
    db
      .select()
      .from(feeRates)
      .where(eq(feeRates.financeBureauId, financeBureauId))
      .all()
      .map((r) => [r.title, r.dayRateFen]),
  )
}

export function upsertFeeRate(db: Q, financeBureauId: string, title: Title, dayRateFen: number, at: string): void {
  db.insert(feeRates)
    .values({ financeBureauId, title, dayRateFen, updatedAt: at })
    .onConflictDoUpdate({ target: [feeRates.financeBureauId, feeRates.title], set: { dayRateFen, updatedAt: at } })
    .run()
}

const expertOfUser = preparedQuery((db) => db.select().from(experts).where(eq(experts.userId, sql.placeholder('userId'))).prepare())

export function expertByUserId(db: Q, userId: string) {
  return expertOfUser(db).get({ userId })
}

export function expertById(db: Q, id: string) {
  return db.select().from(experts).where(eq(experts.id, id)).get()
}

/** An expert's seats across engagements (their invitations), newest first, with engagement names. */
export function seatsOfExpert(db: Q, expertId: string) {
  return db
    .select({ seat: seats, engagementId: panels.engagementId, engagementName: engagements.name, stage: engagements.stage, reviewDate: panels.reviewDate, agencyName: organizations.name })
    .from(seats)
    .innerJoin(panels, eq(panels.id, seats.panelId))
    .innerJoin(engagements, eq(engagements.id, panels.engagementId))
    .innerJoin(organizations, eq(organizations.id, engagements.agencyId))
    .where(eq(seats.expertId, expertId))
    .orderBy(desc(seats.createdAt))
    .all()
}

/** Engagements of an agency whose panel reviews in the given month (YYYY-MM). */
export function engagementsReviewingIn(db: Q, agencyId: string, month: string): string[] {
  return db
    .select({ id: engagements.id })
    .from(panels)
    .innerJoin(engagements, eq(engagements.id, panels.engagementId))
    .where(and(eq(engagements.agencyId, agencyId), gte(panels.reviewDate, `${month}-01`), lt(panels.reviewDate, `${month}-32`)))
    .orderBy(asc(panels.reviewDate))
    .all()
    .map((r) => r.id)
}
