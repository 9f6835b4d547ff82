// Online backup: a consistent copy of a live database, written so that the target name only ever
// holds a complete, checked copy (temp file, checks, fsync, rename).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { verifyAuditChain, type ChainVerdict } from '../app/models/audit.server'
import { migrationsFolder, openDatabase, type Db } from './client.server'

export type CopyCheck = {
  integrity: string
  foreignKeyViolations: number
  audit: ChainVerdict
  counts: Record<string, number>
}

export type BackupResult = { file: string; bytes: number; check: CopyCheck }

/** `online`: SQLite's backup API, page by page. `vacuum`: VACUUM INTO, a compacted copy. */
export type BackupMethod = 'online' | 'vacuum'

export class BackupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupError'
  }
}

const COUNTED_TABLES = ['organizations', 'users', 'engagements', 'audit_log'] as const

function fsyncPath(file: string): void {
  const fd = fs.openSync(file, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Opens a database file read-only and checks it the way a restore would need it to hold. */
export function checkDatabaseCopy(file: string, auditKey: string): CopyCheck {
  const copy = openDatabase(file, { readonly: true })
  try {
    const integrity = (copy.$client.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
    const foreignKeyViolations = (copy.$client.pragma('foreign_key_check') as unknown[]).length
    const audit = verifyAuditChain(copy, auditKey)
    const counts: Record<string, number> = {}
    for (const table of COUNTED_TABLES) {
      counts[table] = (copy.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    }
    return { integrity, foreignKeyViolations, audit, counts }
  } finally {
    copy.$client.close()
  }
}

export function copyProblems(check: CopyCheck): string[] {
  const problems: string[] = []
  if (check.integrity !== 'ok') problems.push(`完整性检查未通过：${check.integrity}`)
  if (check.foreignKeyViolations > 0) problems.push(`外键检查发现 ${check.foreignKeyViolations} 处不一致`)
  if (!check.audit.ok) problems.push(`审计链校验失败：第 ${check.audit.badSeq} 条，${check.audit.reason}`)
  return problems
}

/**
 * Copies `source` to `target` while the application keeps running. Refuses an existing target
 * unless `force`; a copy that fails any check is deleted and the old target (if any) is left alone.
 */
export async function backupDatabase(source: Db, target: string, opts: { force: boolean; auditKey: string; method?: BackupMethod }): Promise<BackupResult> {
  const file = path.resolve(target)
  const dir = path.dirname(file)
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BackupError(`目标目录不存在：${dir}`)
  if (fs.existsSync(file)) {
    if (!opts.force) throw new BackupError(`目标文件已存在：${file}。如确需覆盖，请加 --force。`)
    if (!fs.statSync(file).isFile()) throw new BackupError(`目标不是普通文件：${file}`)
  }
  const sourceFile = source.$client.name
  if (sourceFile && path.resolve(sourceFile) === file) throw new BackupError('备份文件不能是数据库文件本身。')

  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`)
  const removeTmp = () => {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) fs.rmSync(f, { force: true })
  }
  try {
    // Created 0600 before any data is written, so the copy is never readable by others.
    fs.closeSync(fs.openSync(tmp, 'wx', 0o600))
    if (opts.method === 'vacuum') {
      // One read transaction too, and the copy comes out compacted (no free pages).
      source.$client.prepare('VACUUM INTO ?').run(tmp)
    } else {
      // All pages in one step: a step is one read transaction, so the copy is a consistent snapshot
      // and, in WAL mode, writers are not blocked. Small steps restart whenever another connection
      // writes in between, and against a busy server they would never finish.
      await source.$client.backup(tmp, { progress: () => 0x7fffffff })
    }
    // The copy inherits WAL mode; a backup should be one self-contained file.
    const standalone = new Database(tmp)
    try {
      standalone.pragma('journal_mode = DELETE')
    } finally {
      standalone.close()
    }
    fs.chmodSync(tmp, 0o600)
    fsyncPath(tmp)
    const check = checkDatabaseCopy(tmp, opts.auditKey)
    const problems = copyProblems(check)
    if (problems.length > 0) throw new BackupError(`备份副本校验失败，已删除该副本：\n  ${problems.join('\n  ')}`)
    fs.renameSync(tmp, file)
    fsyncPath(dir)
    return { file, bytes: fs.statSync(file).size, check }
  } catch (error) {
    removeTmp()
    throw error
  } finally {
    // Read-only checks can leave an empty -shm/-wal behind on some platforms.
    for (const f of [`${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true })
  }
}

// ---- Restore ------------------------------------------------------------------------------------

export class RestoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RestoreError'
  }
}

export type RestoreResult = {
  database: string
  check: CopyCheck
  /** Where the replaced database, its -wal/-shm and its files directory now are (empty on a fresh location). */
  movedAside: string[]
  files: { count: number; bytes: number; directory: string }
}

/** What `PRAGMA busy_timeout` must be for the probe: answer at once, never wait for the holder. */
const NO_WAIT = 0

/**
 * Whether another connection has the database open. In WAL mode every open connection keeps a shared
 * lock on the file for as long as it is open, even when idle, and the server keeps its connection for
 * its whole life (server/app.ts opens it at start); an exclusive lock is then refused at once.
 */
export function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false
  let probe: Database.Database | undefined
  try {
    probe = new Database(file, { timeout: NO_WAIT, fileMustExist: true })
    probe.pragma('locking_mode = EXCLUSIVE')
    probe.exec('BEGIN EXCLUSIVE; COMMIT')
    return false
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (code === 'SQLITE_BUSY') return true
    // The locks are taken before the header is read: a damaged file we could lock is not in use,
    // and replacing a damaged database is what restore is for.
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return false
    throw error
  } finally {
    probe?.close()
  }
}

const SIDE_FILES = ['-wal', '-shm', '-journal'] as const

function fileSha256(file: string): string {
  const hash = crypto.createHash('sha256')
  const buffer = Buffer.alloc(1024 * 1024)
  const fd = fs.openSync(file, 'r')
  try {
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, n))
  } finally {
    fs.closeSync(fd)
  }
  return hash.digest('hex')
}

function compactStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

/** `<base>.before-restore-<time>`, with a counter when a restore ran in the same second. */
function asideName(base: string, at: Date): string {
  const stem = `${base}.before-restore-${compactStamp(at)}`
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? stem : `${stem}-${n}`
    if (![candidate, ...SIDE_FILES.map((s) => candidate + s)].some((f) => fs.existsSync(f))) return candidate
  }
}

type StoredFileRef = { storageName: string; sha256: string; size: number }

function knownMigrationCount(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  return journal.entries.length
}

/** The backup's own schema must be one this program knows (an older one is migrated at start). */
function newerSchemaProblem(file: string, knownMigrations: number): string | null {
  const copy = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const table = copy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get()
    if (!table) return '备份中没有数据库结构版本记录（__drizzle_migrations），不是 EvalDesk 的数据库'
    const applied = (copy.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n
    return applied > knownMigrations ? `备份来自更新版本的 EvalDesk（已应用 ${applied} 个数据库迁移，本程序只有 ${knownMigrations} 个），请先升级程序再恢复` : null
  } finally {
    copy.close()
  }
}

function storedFileRefs(file: string): StoredFileRef[] {
  const copy = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return copy.prepare('SELECT storage_name AS storageName, sha256, size FROM stored_files').all() as StoredFileRef[]
  } finally {
    copy.close()
  }
}

/** The file store's layout (app/files/store.server.ts): <root>/<first 2 hex>/<32 hex>. */
function storeFilePath(root: string, storageName: string): string {
  if (!/^[0-9a-f]{32}$/.test(storageName)) throw new RestoreError(`备份中的附件记录有不合法的存储名：${storageName}`)
  return path.join(root, storageName.slice(0, 2), storageName)
}

/** Names the first listed file that is missing or whose bytes do not match the recorded hash. */
function storeProblem(root: string, refs: readonly StoredFileRef[]): string | null {
  for (const ref of refs) {
    const file = storeFilePath(root, ref.storageName)
    if (!fs.existsSync(file)) return `附件文件缺失：${file}`
    if (fileSha256(file) !== ref.sha256) return `附件文件与记录的哈希不符：${file}`
  }
  return null
}

/**
 * Puts a backup in place of the database at `dbFile` (SECURITY.md §12.5). In order: the backup is
 * checked (integrity, foreign keys, audit chain with this installation's key, schema not newer than
 * this program, every attached file present with its hash); the database must not be open anywhere
 * (a running server holds it open); an existing database is replaced only with `force`. The backup
 * and its files are staged beside the target and checked again, then the current database with its
 * -wal/-shm and its files directory are moved aside to `<name>.before-restore-<time>` and the staged
 * copies renamed into place. Any failure before the last rename undoes every move: the location is
 * either as it was or fully restored, and never holds a -wal/-shm that belongs to another file.
 */
export function restoreDatabase(backupFile: string, dbFile: string, opts: { force: boolean; auditKey: string; now: Date }): RestoreResult {
  const backup = path.resolve(backupFile)
  const database = path.resolve(dbFile)
  const dir = path.dirname(database)
  if (!fs.existsSync(backup) || !fs.statSync(backup).isFile()) throw new RestoreError(`找不到备份文件：${backup}，未做任何改动。`)
  if (backup === database) throw new RestoreError('备份文件就是当前数据库文件本身，未做任何改动。')
  const strayWal = SIDE_FILES.map((s) => backup + s).find((f) => fs.existsSync(f) && fs.statSync(f).size > 0)
  if (strayWal) {
    throw new RestoreError(`备份文件旁有未合并的日志文件 ${strayWal}：这不是 evaldesk backup 生成的独立副本（可能是直接复制的在用数据库），请改用 evaldesk backup 生成的备份。未做任何改动。`)
  }

  let check: CopyCheck
  let refs: StoredFileRef[]
  try {
    const schema = newerSchemaProblem(backup, knownMigrationCount())
    if (schema) throw new RestoreError(`备份不能用于恢复，未做任何改动：${schema}。`)
    check = checkDatabaseCopy(backup, opts.auditKey)
    refs = storedFileRefs(backup)
  } catch (error) {
    if (error instanceof RestoreError) throw error
    throw new RestoreError(`备份文件无法读取（不是有效的 SQLite 数据库或已损坏），未做任何改动：${(error as Error).message}`)
  }
  const problems = copyProblems(check)
  if (problems.length > 0) {
    const hint = check.audit.ok ? '' : '\n  （若备份来自另一套安装，请先放入那套安装的审计密钥：EVALDESK_AUDIT_KEY 或数据库旁的 audit.key。）'
    throw new RestoreError(`备份文件校验未通过，未做任何改动：\n  ${problems.join('\n  ')}${hint}`)
  }
  const backupFiles = `${backup}.files`
  if (refs.length > 0 && !fs.existsSync(backupFiles)) {
    throw new RestoreError(`备份中记录了 ${refs.length} 个附件文件，但找不到附件目录 ${backupFiles}（evaldesk backup 会把它放在备份文件旁），未做任何改动。`)
  }

  if (databaseInUse(database)) {
    throw new RestoreError(`数据库 ${database} 正被其他进程使用（EvalDesk 服务器是否仍在运行？）。请先停止服务器及其他正在使用该数据库的 evaldesk 命令，再执行恢复。未做任何改动。`)
  }
  const existing = [database, ...SIDE_FILES.map((s) => database + s)].filter((f) => fs.existsSync(f))
  if (fs.existsSync(database) && !opts.force) {
    throw new RestoreError(`${database} 已有数据库。恢复会用备份替换它（当前数据库会被移到 ${database}.before-restore-<时间>，不会删除）；确认无误请加 --force。未做任何改动。`)
  }

  fs.mkdirSync(dir, { recursive: true })
  const token = `${process.pid}.${crypto.randomBytes(4).toString('hex')}`
  const stagedDb = path.join(dir, `.${path.basename(database)}.restore.${token}.tmp`)
  const stagedFiles = path.join(dir, `.files.restore.${token}.tmp`)
  const filesDir = path.join(dir, 'files')
  const done: { from: string; to: string }[] = []
  const undo = () => {
    for (const move of done.reverse()) fs.renameSync(move.to, move.from)
  }
  const removeStaged = () => {
    fs.rmSync(stagedDb, { force: true })
    fs.rmSync(stagedFiles, { recursive: true, force: true })
  }
  try {
    fs.closeSync(fs.openSync(stagedDb, 'wx', 0o600))
    fs.copyFileSync(backup, stagedDb)
    fs.chmodSync(stagedDb, 0o600)
    fsyncPath(stagedDb)
    if (fileSha256(stagedDb) !== fileSha256(backup)) throw new RestoreError('复制到数据目录的副本与备份文件不一致（磁盘已满或读写出错？）')
    let bytes = 0
    if (refs.length > 0) {
      fs.cpSync(backupFiles, stagedFiles, { recursive: true })
      const problem = storeProblem(stagedFiles, refs)
      if (problem) throw new RestoreError(`备份的附件目录不完整：${problem.replace(stagedFiles, backupFiles)}`)
      for (const ref of refs) bytes += ref.size
    }

    // The current database leaves with everything that belongs to it: its -wal holds committed
    // transactions, and a -wal or -shm left beside the restored file would be replayed into it.
    if (existing.length > 0) checkpointQuietly(database)
    const aside = asideName(database, opts.now)
    for (const suffix of ['', ...SIDE_FILES]) {
      if (!fs.existsSync(database + suffix)) continue
      fs.renameSync(database + suffix, aside + suffix)
      done.push({ from: database + suffix, to: aside + suffix })
    }
    if (fs.existsSync(filesDir)) {
      const filesAside = asideName(filesDir, opts.now)
      fs.renameSync(filesDir, filesAside)
      done.push({ from: filesDir, to: filesAside })
    }
    if (refs.length > 0) {
      fs.renameSync(stagedFiles, filesDir)
      done.push({ from: stagedFiles, to: filesDir })
    }
    const stale = SIDE_FILES.map((s) => database + s).find((f) => fs.existsSync(f))
    if (stale) throw new RestoreError(`恢复过程中出现了新的 ${stale}：有进程在此期间打开了数据库`)
    fs.renameSync(stagedDb, database)
    fsyncPath(dir)
    return { database, check, movedAside: done.filter((m) => m.from !== stagedFiles).map((m) => m.to), files: { count: refs.length, bytes, directory: filesDir } }
  } catch (error) {
    undo()
    removeStaged()
    const reason = error instanceof RestoreError ? error.message : (error as Error).message
    throw new RestoreError(`恢复失败，已撤回所有改动，当前数据库保持原样：${reason}`)
  }
}

/** Folds the -wal into the database before it is moved aside, so the moved copy stands alone. */
function checkpointQuietly(file: string): void {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { timeout: NO_WAIT, fileMustExist: true })
    db.pragma('wal_checkpoint(TRUNCATE)')
  } catch {
    // A damaged database is moved aside as it is, together with its -wal and -shm.
  } finally {
    db?.close()
  }
}
