import { closeDb, databasePath, migrateDatabase, openDatabase } from '../db/client.server'
import { DEMO_PASSWORD, demoAccountList, isDatabaseEmpty, seedDemo, type DemoAccount } from '../db/seed/demo'
import { roleLabel } from '../app/domain/roles'
import { ensureLibrary } from '../db/seed/library'
import { ensureSpecialties } from '../app/services/expert-pool.server'
import { describeReconciliation, reconcileFileStore } from '../app/files/store.server'

/**
 * Migrates the database, reconciles the file store with it (leftovers of killed writes removed,
 * rows without their file reported) and seeds the demo when it has no users yet. Runs before the
 * server forks its workers, so no request is writing. Closes its connection.
 */
export async function bootstrapDatabase(opts: { seedIfNew: boolean }): Promise<{ file: string; seeded: DemoAccount[] | null }> {
  const file = databasePath()
  const db = openDatabase(file)
  try {
    migrateDatabase(db)
    for (const line of describeReconciliation(reconcileFileStore(db, { now: new Date() }))) console.warn(line)
    ensureLibrary(db, new Date())
    ensureSpecialties(db, new Date())
    if (opts.seedIfNew && isDatabaseEmpty(db)) {
      const { accounts } = await seedDemo(db, new Date())
      return { file, seeded: accounts }
    }
    return { file, seeded: null }
  } finally {
    db.$client.close()
    closeDb()
  }
}

/** Prints the demo accounts: just seeded, or (for an existing database) as seeded originally. */
export function printDemoAccounts(seeded: DemoAccount[] | null): void {
  const accounts = seeded ?? demoAccountList()
  console.log(
    seeded
      ? `\n已写入演示数据。演示账号（密码均为 ${DEMO_PASSWORD}）：`
      : `\n数据库已存在，未重新写入演示数据。演示账号（初始密码 ${DEMO_PASSWORD}，若未修改）：`,
  )
  console.table(accounts.map((a) => ({ 用户名: a.username, 角色: roleLabel(a.role), 姓名: a.displayName, 单位: a.organization })))
}
