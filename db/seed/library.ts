// Loads the shipped indicator library (db/seed/frameworks) into a database: each framework becomes a
// platform framework with a published version 1. Runs on every start after the migrations, and
// adds only what is missing, so a new release's new frameworks arrive without touching existing ones.
import { inArray } from 'drizzle-orm'
import type { Db } from '../client.server'
import { frameworks, frameworkVersions } from '../schema'
import { newId } from '../../app/ids.server'
import { appendAudit } from '../../app/models/audit.server'
import { LIBRARY_FRAMEWORKS, type LibraryFramework } from './frameworks'

export function ensureLibrary(db: Db, now: Date, library: readonly LibraryFramework[] = LIBRARY_FRAMEWORKS): string[] {
  return db.transaction(
    (tx) => {
      const codes = library.map((f) => f.code)
      const present = new Set(
        tx
          .select({ code: frameworks.libraryCode })
          .from(frameworks)
          .where(inArray(frameworks.libraryCode, codes))
          .all()
          .map((r) => r.code),
      )
      const missing = library.filter((f) => !present.has(f.code))
      if (missing.length === 0) return []
      const at = now.toISOString()
      for (const f of missing) {
        const frameworkId = newId()
        tx.insert(frameworks)
          .values({ id: frameworkId, organizationId: null, libraryCode: f.code, name: f.name, category: f.category, source: f.source, description: f.description, createdAt: at, updatedAt: at })
          .run()
        tx.insert(frameworkVersions)
          .values({ id: newId(), frameworkId, versionNo: 1, status: 'published', treeJson: JSON.stringify(f.tree), changeNote: '系统内置', createdAt: at, updatedAt: at, publishedAt: at })
          .run()
      }
      appendAudit(tx, { actor: { userId: null, role: 'system', organizationId: null }, action: 'framework.library.load', entity: 'framework', after: { codes: missing.map((f) => f.code) }, at: now })
      return missing.map((f) => f.code)
    },
    { behavior: 'immediate' },
  )
}
