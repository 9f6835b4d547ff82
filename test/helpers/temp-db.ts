import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { migrateDatabase, openDatabase, type Db } from '../../db/client.server'

export type TempDb = { db: Db; file: string; dir: string; cleanup: () => void }

/** A real, migrated SQLite file in its own temporary directory. */
export function makeTempDb(): TempDb {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-test-'))
  const file = path.join(dir, 'evaldesk.db')
  const db = openDatabase(file)
  migrateDatabase(db)
  return {
    db,
    file,
    dir,
    cleanup: () => {
      try {
        db.$client.close()
      } catch {
        // already closed by the test
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A fixed HMAC key so tests never touch the developer's data/audit.key. */
export const TEST_AUDIT_KEY = 'test-audit-key-0123456789abcdef'

/** A temp database with the shipped library and the demo seeded, as a new install has. */
export async function makeDemoDb(at: Date): Promise<TempDb> {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  const temp = makeTempDb()
  const { ensureLibrary } = await import('../../db/seed/library')
  const { seedDemo } = await import('../../db/seed/demo')
  ensureLibrary(temp.db, at)
  await seedDemo(temp.db, at)
  return temp
}
