import type { Db, Tx } from '../../db/client.server'

/**
 * One user action = one BEGIN IMMEDIATE transaction (SECURITY.md §6): the write lock is taken up
 * front, so a read-then-write never fails with SQLITE_BUSY halfway. The callback must be synchronous.
 */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' })
}
