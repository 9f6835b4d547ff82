import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
/** The handle a service receives inside `db.transaction(...)`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export function databasePath(): string {
  return path.resolve(process.env.EVALDESK_DB ?? path.join(process.cwd(), 'data', 'evaldesk.db'))
}

export function migrationsFolder(): string {
  // Resolved from the working directory: the server bundle lives in build/, not beside db/.
  return path.resolve(process.cwd(), 'db', 'migrations')
}

/** Opens a connection with the settings every connection must have (SECURITY.md §6). */
/**
 * How long a connection waits for another connection's write lock. Writers queue on BEGIN
 * IMMEDIATE; SQLite's busy handler is not fair, so on a loaded machine with many writers (the
 * command line beside the server, or 20 connections in the concurrency test) one may wait several
 * seconds behind the others. Waiting is always better than failing a user's save with SQLITE_BUSY.
 */
const BUSY_TIMEOUT_MS = 30_000

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new Database(file, { readonly: options.readonly ?? false, timeout: BUSY_TIMEOUT_MS })
  if (!options.readonly) sqlite.pragma('journal_mode = WAL')
  // FULL: the last commits survive power loss; credit and audit records need that (ADR 016
  // weighs the ~0.5 ms per commit this costs and keeps it).
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  sqlite.pragma('journal_size_limit = 67108864')
  return drizzle(sqlite, { schema }) as Db
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: migrationsFolder() })
}

let singleton: Db | undefined

/** The process-wide connection used by the web server (one writer connection). */
export function getDb(): Db {
  if (!singleton) {
    singleton = openDatabase(databasePath())
    migrateDatabase(singleton)
  }
  return singleton
}

export function closeDb(): void {
  singleton?.$client.close()
  singleton = undefined
}
