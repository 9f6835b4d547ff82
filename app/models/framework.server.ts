// Indicator library and scoring sheet data access. Reads are narrowed to what the caller's
// organization may see in the query itself: the platform library plus the caller's own agency.
import { and, asc, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { preparedQuery } from '../../db/prepared.server'
import { frameworks, frameworkVersions, sheetVersions, users } from '../../db/schema'
import type { IndicatorTree } from '../domain/indicators/tree'

export type FrameworkRow = typeof frameworks.$inferSelect
export type FrameworkVersionRow = typeof frameworkVersions.$inferSelect
export type SheetVersionRow = typeof sheetVersions.$inferSelect

/** Which frameworks a reader may see: the platform library, plus their own agency's when they have one. */
export type LibraryScope = { organizationId: string | null; everything?: boolean }

function visibleTo(scope: LibraryScope): SQL {
  // The command line works for the operator of the installation, across all tenants.
  if (scope.everything) return sql`1 = 1`
  return scope.organizationId === null
    ? isNull(frameworks.organizationId)
    : or(isNull(frameworks.organizationId), eq(frameworks.organizationId, scope.organizationId))!
}

export function parseTree(json: string): IndicatorTree {
  // Only validated-shape trees are ever written (services build them), so the stored JSON is trusted.
  return JSON.parse(json) as IndicatorTree
}

export function serializeTree(tree: IndicatorTree): string {
  return JSON.stringify(tree)
}

export type LibraryListItem = {
  id: string
  name: string
  category: string
  source: string
  description: string
  organizationId: string | null
  libraryCode: string | null
  latestPublished: { id: string; versionNo: number; publishedAt: string | null } | null
  draft: { id: string; versionNo: number } | null
  versionCount: number
}

export function listLibrary(db: Db | Tx, scope: LibraryScope): LibraryListItem[] {
  const rows = db.select().from(frameworks).where(visibleTo(scope)).orderBy(asc(frameworks.category), asc(frameworks.createdAt), asc(frameworks.name)).all()
  const versions = db
    .select({
      id: frameworkVersions.id,
      frameworkId: frameworkVersions.frameworkId,
      versionNo: frameworkVersions.versionNo,
      status: frameworkVersions.status,
      publishedAt: frameworkVersions.publishedAt,
    })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(visibleTo(scope))
    .orderBy(asc(frameworkVersions.versionNo))
    .all()
  return rows.map((f) => {
    const mine = versions.filter((v) => v.frameworkId === f.id)
    const published = mine.filter((v) => v.status === 'published').at(-1)
    const draft = mine.find((v) => v.status === 'draft')
    return {
      id: f.id,
      name: f.name,
      category: f.category,
      source: f.source,
      description: f.description,
      organizationId: f.organizationId,
      libraryCode: f.libraryCode,
      latestPublished: published ? { id: published.id, versionNo: published.versionNo, publishedAt: published.publishedAt } : null,
      draft: draft ? { id: draft.id, versionNo: draft.versionNo } : null,
      versionCount: mine.length,
    }
  })
}

export function findFramework(db: Db | Tx, scope: LibraryScope, id: string): FrameworkRow | undefined {
  return db.select().from(frameworks).where(and(eq(frameworks.id, id), visibleTo(scope))).get()
}

export type VersionListItem = Omit<FrameworkVersionRow, 'treeJson'> & { createdByName: string | null }

export function listVersions(db: Db | Tx, frameworkId: string): VersionListItem[] {
  return db
    .select({
      id: frameworkVersions.id,
      frameworkId: frameworkVersions.frameworkId,
      versionNo: frameworkVersions.versionNo,
      status: frameworkVersions.status,
      changeNote: frameworkVersions.changeNote,
      basedOnVersionId: frameworkVersions.basedOnVersionId,
      createdBy: frameworkVersions.createdBy,
      createdAt: frameworkVersions.createdAt,
      updatedAt: frameworkVersions.updatedAt,
      publishedAt: frameworkVersions.publishedAt,
      publishedBy: frameworkVersions.publishedBy,
      version: frameworkVersions.version,
      createdByName: users.displayName,
    })
    .from(frameworkVersions)
    .leftJoin(users, eq(users.id, frameworkVersions.createdBy))
    .where(eq(frameworkVersions.frameworkId, frameworkId))
    .orderBy(desc(frameworkVersions.versionNo))
    .all()
}

/** A version together with its framework, only if the framework is visible in the scope. */
export function findVersion(
  db: Db | Tx,
  scope: LibraryScope,
  versionId: string,
): { framework: FrameworkRow; version: FrameworkVersionRow } | undefined {
  const row = db
    .select({ framework: frameworks, version: frameworkVersions })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(and(eq(frameworkVersions.id, versionId), visibleTo(scope)))
    .get()
  return row ?? undefined
}

/** Published versions the scope may build on, newest first within each framework. */
export function listPublishedVersions(
  db: Db | Tx,
  scope: LibraryScope,
  opts: { category?: string } = {},
): { id: string; versionNo: number; frameworkId: string; frameworkName: string; category: string }[] {
  const where: SQL[] = [visibleTo(scope), eq(frameworkVersions.status, 'published')]
  if (opts.category) where.push(eq(frameworks.category, opts.category))
  return db
    .select({
      id: frameworkVersions.id,
      versionNo: frameworkVersions.versionNo,
      frameworkId: frameworks.id,
      frameworkName: frameworks.name,
      category: frameworks.category,
    })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(and(...where))
    .orderBy(asc(frameworks.category), asc(frameworks.createdAt), desc(frameworkVersions.versionNo))
    .all()
}

export function nextVersionNo(db: Db | Tx, frameworkId: string): number {
  const row = db
    .select({ max: sql<number | null>`max(${frameworkVersions.versionNo})` })
    .from(frameworkVersions)
    .where(eq(frameworkVersions.frameworkId, frameworkId))
    .get()
  return (row?.max ?? 0) + 1
}

export function findDraftOf(db: Db | Tx, frameworkId: string): FrameworkVersionRow | undefined {
  return db
    .select()
    .from(frameworkVersions)
    .where(and(eq(frameworkVersions.frameworkId, frameworkId), eq(frameworkVersions.status, 'draft')))
    .get()
}

export function insertFramework(db: Db | Tx, row: typeof frameworks.$inferInsert): void {
  db.insert(frameworks).values(row).run()
}

export function insertFrameworkVersion(db: Db | Tx, row: typeof frameworkVersions.$inferInsert): void {
  db.insert(frameworkVersions).values(row).run()
}

/** Updates a draft only if it is still the version the editor loaded; false means someone else won. */
export function updateDraftIfVersion(
  db: Db | Tx,
  id: string,
  expectedVersion: number,
  patch: Partial<Pick<FrameworkVersionRow, 'treeJson' | 'status' | 'changeNote' | 'publishedAt' | 'publishedBy' | 'updatedAt'>>,
): boolean {
  const result = db
    .update(frameworkVersions)
    .set({ ...patch, version: sql`${frameworkVersions.version} + 1` })
    .where(and(eq(frameworkVersions.id, id), eq(frameworkVersions.status, 'draft'), eq(frameworkVersions.version, expectedVersion)))
    .run()
  return result.changes === 1
}

export function deleteDraft(db: Db | Tx, id: string): boolean {
  return db.delete(frameworkVersions).where(and(eq(frameworkVersions.id, id), eq(frameworkVersions.status, 'draft'))).run().changes === 1
}

export function touchFramework(db: Db | Tx, id: string, at: string): void {
  db.update(frameworks).set({ updatedAt: at }).where(eq(frameworks.id, id)).run()
}

// ---- scoring sheets ----------------------------------------------------------------------------

export type SheetVersionListItem = Omit<SheetVersionRow, 'treeJson'> & { createdByName: string }

/** Sheet versions of an engagement, newest first. Callers have already checked the engagement's scope. */
export function listSheetVersions(db: Db | Tx, engagementId: string): SheetVersionListItem[] {
  return db
    .select({
      id: sheetVersions.id,
      engagementId: sheetVersions.engagementId,
      versionNo: sheetVersions.versionNo,
      status: sheetVersions.status,
      frameworkVersionId: sheetVersions.frameworkVersionId,
      reason: sheetVersions.reason,
      createdBy: sheetVersions.createdBy,
      createdAt: sheetVersions.createdAt,
      updatedAt: sheetVersions.updatedAt,
      frozenAt: sheetVersions.frozenAt,
      frozenBy: sheetVersions.frozenBy,
      version: sheetVersions.version,
      createdByName: users.displayName,
    })
    .from(sheetVersions)
    .innerJoin(users, eq(users.id, sheetVersions.createdBy))
    .where(eq(sheetVersions.engagementId, engagementId))
    .orderBy(desc(sheetVersions.versionNo))
    .all()
}

const latestSheetOf = preparedQuery((db) =>
  db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, sql.placeholder('engagementId'))).orderBy(desc(sheetVersions.versionNo)).limit(1).prepare(),
)

export function currentSheet(db: Db | Tx, engagementId: string): SheetVersionRow | undefined {
  return latestSheetOf(db).get({ engagementId })
}

export function findSheetVersion(db: Db | Tx, engagementId: string, id: string): SheetVersionRow | undefined {
  return db
    .select()
    .from(sheetVersions)
    .where(and(eq(sheetVersions.engagementId, engagementId), eq(sheetVersions.id, id)))
    .get()
}

export function insertSheetVersion(db: Db | Tx, row: typeof sheetVersions.$inferInsert): void {
  db.insert(sheetVersions).values(row).run()
}

export function updateSheetDraftIfVersion(
  db: Db | Tx,
  id: string,
  expectedVersion: number,
  patch: Partial<Pick<SheetVersionRow, 'treeJson' | 'status' | 'frozenAt' | 'frozenBy' | 'updatedAt'>>,
): boolean {
  const result = db
    .update(sheetVersions)
    .set({ ...patch, version: sql`${sheetVersions.version} + 1` })
    .where(and(eq(sheetVersions.id, id), eq(sheetVersions.status, 'draft'), eq(sheetVersions.version, expectedVersion)))
    .run()
  return result.changes === 1
}
