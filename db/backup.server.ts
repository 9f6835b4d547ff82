// Online backup: a consistent copy of a live database, written so that the target name only ever
// holds a complete, checked copy (temp file, checks, fsync, rename).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { verifyAuditChain, type ChainVerdict } from '../app/models/audit.server'
import { openDatabase, type Db } from './client.server'

export type CopyCheck = {
  integrity: string
  foreignKeyViolations: number
  audit: ChainVerdict
  counts: Record<string, number>
}

export type BackupResult = { file: string; bytes: number; check: CopyCheck }

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
export async function backupDatabase(source: Db, target: string, opts: { force: boolean; auditKey: string }): Promise<BackupResult> {
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
    // All pages in one step: a step is one read transaction, so the copy is a consistent snapshot
    // and, in WAL mode, writers are not blocked. Small steps restart whenever another connection
    // writes in between, and against a busy server they would never finish.
    await source.$client.backup(tmp, { progress: () => 0x7fffffff })
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
