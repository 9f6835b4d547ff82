// Queries on working papers (工作底稿) shared by the papers service, the scoring page and the report
// model. Deleted papers are left out of everything but the papers page's own history.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { evaluatedUnits, organizations, storedFiles, users, workingPapers, workingPaperVersions } from '../../db/schema'

export type PaperRow = typeof workingPapers.$inferSelect

export type PaperVersionView = { id: string; versionNo: number; name: string; size: number; sha256: string; comment: string; uploadedAt: string; uploaderName: string; uploaderSource: string }

/** The versions of these papers, oldest first, with the uploader's name and organization or unit. */
export function versionsOf(db: Db | Tx, paperIds: readonly string[]): Map<string, PaperVersionView[]> {
  const out = new Map<string, PaperVersionView[]>()
  if (paperIds.length === 0) return out
  const rows = db
    .select({
      paperId: workingPaperVersions.paperId,
      id: workingPaperVersions.id,
      versionNo: workingPaperVersions.versionNo,
      comment: workingPaperVersions.comment,
      uploadedAt: workingPaperVersions.uploadedAt,
      name: storedFiles.originalName,
      size: storedFiles.size,
      sha256: storedFiles.sha256,
      uploaderName: users.displayName,
      orgName: organizations.name,
      unitName: evaluatedUnits.name,
    })
    .from(workingPaperVersions)
    .innerJoin(storedFiles, eq(storedFiles.id, workingPaperVersions.fileId))
    .innerJoin(users, eq(users.id, workingPaperVersions.uploadedBy))
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .leftJoin(evaluatedUnits, eq(evaluatedUnits.id, users.evaluatedUnitId))
    .where(inArray(workingPaperVersions.paperId, [...paperIds]))
    .orderBy(asc(workingPaperVersions.versionNo))
    .all()
  for (const { paperId, orgName, unitName, ...v } of rows) {
    const list = out.get(paperId) ?? []
    list.push({ ...v, uploaderSource: unitName ?? orgName ?? v.uploaderName })
    out.set(paperId, list)
  }
  return out
}

export type IndicatorPaper = { id: string; title: string; note: string; versions: PaperVersionView[] }

/** The live papers of an engagement attached to these indicator codes, by code. */
export function papersByIndicator(db: Db | Tx, engagementId: string, codes: readonly string[]): Map<string, IndicatorPaper[]> {
  const out = new Map<string, IndicatorPaper[]>()
  if (codes.length === 0) return out
  const papers = db
    .select()
    .from(workingPapers)
    .where(and(eq(workingPapers.engagementId, engagementId), inArray(workingPapers.indicatorCode, [...codes]), isNull(workingPapers.deletedAt)))
    .orderBy(asc(workingPapers.createdAt), asc(workingPapers.id))
    .all()
  const versions = versionsOf(db, papers.map((p) => p.id))
  for (const p of papers) {
    const list = out.get(p.indicatorCode!) ?? []
    list.push({ id: p.id, title: p.title, note: p.note, versions: versions.get(p.id) ?? [] })
    out.set(p.indicatorCode!, list)
  }
  return out
}

/** A version with its paper, when the version exists. */
export function findPaperVersion(db: Db | Tx, versionId: string): { paper: PaperRow; fileId: string } | undefined {
  const row = db
    .select({ paper: workingPapers, fileId: workingPaperVersions.fileId })
    .from(workingPaperVersions)
    .innerJoin(workingPapers, eq(workingPapers.id, workingPaperVersions.paperId))
    .where(eq(workingPaperVersions.id, versionId))
    .get()
  return row ?? undefined
}

/**
 * The report's evidence list (佐证材料清单): each live paper on an indicator, with the source (the
 * latest version's uploader's organization or unit) and that version's date.
 */
export function evidenceItems(db: Db | Tx, engagementId: string, dateOf: (iso: string) => string): { code: string; title: string; source: string }[] {
  const papers = db
    .select()
    .from(workingPapers)
    .where(and(eq(workingPapers.engagementId, engagementId), isNull(workingPapers.deletedAt)))
    .orderBy(asc(workingPapers.createdAt), asc(workingPapers.id))
    .all()
    .filter((p) => p.indicatorCode !== null)
  const versions = versionsOf(db, papers.map((p) => p.id))
  return papers.flatMap((p) => {
    const latest = versions.get(p.id)?.at(-1)
    return latest ? [{ code: p.indicatorCode!, title: p.title, source: `${latest.uploaderSource}，${dateOf(latest.uploadedAt)}` }] : []
  })
}
