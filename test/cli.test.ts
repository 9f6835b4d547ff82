import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAudit } from '../app/models/audit.server'
import { migrationsFolder, openDatabase } from '../db/client.server'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')
const migrationCount = (JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length

type Run = { code: number; stdout: string; stderr: string }

let dir: string
let dbFile: string

/** Runs the real CLI in a child process against the temp database. */
function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: dbFile, EVALDESK_SCRYPT_LOG2N: '12' }
  // The key must come from the file beside the test database, never from the developer's shell.
  delete env.EVALDESK_AUDIT_KEY
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

function readOnly<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-cli-'))
  dbFile = path.join(dir, 'data', 'evaldesk.db')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('evaldesk CLI', () => {
  it('help lists every command bilingually; bad command lines exit 2 with a hint', async () => {
    const [help, none, unknown, missingArg, unknownOption] = await Promise.all([
      cli('--help'),
      cli(),
      cli('frobnicate'),
      cli('backup'),
      cli('migrate', '--bogus'),
    ])
    expect(help.code).toBe(0)
    for (const name of ['migrate', 'seed', 'audit:verify', 'backup']) expect(help.stdout).toContain(name)
    expect(help.stdout).toContain('在线备份数据库')
    expect(help.stdout).toContain('online backup')
    expect(help.stdout).toContain('EVALDESK_DB')

    expect(none.code).toBe(2)
    expect(none.stdout).toContain('audit:verify')

    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('未知命令')
    expect(unknown.stderr).toContain('frobnicate')
    expect(unknown.stderr).toContain('--help')

    expect(missingArg.code).toBe(2)
    expect(missingArg.stderr).toContain('缺少必需的参数')
    expect(unknownOption.code).toBe(2)
    expect(unknownOption.stderr).toContain('未知选项')
    // None of these created a database.
    expect(fs.existsSync(dbFile)).toBe(false)
  })

  it('commands that need a database refuse a missing one without creating it; --db picks another file', async () => {
    const elsewhere = path.join(dir, 'elsewhere.db')
    const [verify, backup, otherDb] = await Promise.all([cli('audit:verify'), cli('backup', path.join(dir, 'x.db')), cli('migrate', '--db', elsewhere)])
    for (const run of [verify, backup]) {
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('数据库文件不存在')
      expect(run.stderr).toContain('evaldesk migrate')
    }
    expect(fs.existsSync(dbFile)).toBe(false)
    // --db overrides EVALDESK_DB.
    expect(otherDb.code).toBe(0)
    expect(otherDb.stdout).toContain(elsewhere)
    expect(fs.existsSync(elsewhere)).toBe(true)
  })

  it('migrate creates the database, then reports it current', async () => {
    const first = await cli('migrate')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`已应用 ${migrationCount} 个迁移`)
    expect(first.stdout).toContain(dbFile)
    expect(first.stdout).toContain('已载入内置指标库 16 套')
    const again = await cli('migrate')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('没有待应用的迁移')
    expect(again.stdout).not.toContain('已载入内置指标库')
    expect(again.stdout).toContain(`${migrationCount} / ${migrationCount}`)
  })

  it('seed writes the demo and prints the accounts; a second seed is refused with exit 1', async () => {
    const seeded = await cli('seed')
    expect(seeded.code).toBe(0)
    expect(seeded.stdout).toContain('EvalDesk-demo-2026')
    for (const username of ['admin', 'mingjian.admin', 'binjiang.finance', 'unit.edu']) expect(seeded.stdout).toContain(username)
    expect(readOnly(dbFile, (db) => count(db, 'users'))).toBe(9)

    const again = await cli('seed')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('已有用户数据')
    expect(readOnly(dbFile, (db) => count(db, 'users'))).toBe(9)
    // The audit key was created beside the database, private to its owner.
    expect(fs.statSync(path.join(path.dirname(dbFile), 'audit.key')).mode & 0o777).toBe(0o600)
  })

  it('audit:verify walks the chain and prints the head hash', async () => {
    // Three more rows, written with the key the CLI uses, so the chain has some length.
    const key = fs.readFileSync(path.join(path.dirname(dbFile), 'audit.key'), 'utf8').trim()
    const db = openDatabase(dbFile)
    for (let i = 0; i < 3; i++) {
      appendAudit(db, { actor: { userId: null, role: 'cli', organizationId: null }, action: 'test.note', entity: 'test', entityId: String(i), after: { i }, at: new Date() }, key)
    }
    db.$client.close()
    const head = readOnly(dbFile, (d) => d.prepare('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { hash: string })

    const verified = await cli('audit:verify')
    expect(verified.code).toBe(0)
    // seed.demo, the library load (framework.library.load), the specialty list (specialty.seed),
    // the four demo credit entries (credit_entry.create) and the three rows above.
    expect(verified.stdout).toContain('已校验 10 条记录')
    expect(verified.stdout).toContain(head.hash)
  })

  it('backup writes a checked, private copy and refuses to overwrite it without --force', async () => {
    const target = path.join(dir, 'backups', 'evaldesk-copy.db')
    const noDir = await cli('backup', target)
    expect(noDir.code).toBe(1)
    expect(noDir.stderr).toContain('目标目录不存在')

    fs.mkdirSync(path.dirname(target))
    const made = await cli('backup', target)
    expect(made.code).toBe(0)
    expect(made.stdout).toContain('integrity_check=ok')
    expect(made.stdout).toContain('审计链完整：10 条记录')
    expect(fs.statSync(target).mode & 0o777).toBe(0o600)
    // Only the copy itself: no temp file, no -wal/-shm left behind.
    expect(fs.readdirSync(path.dirname(target))).toEqual(['evaldesk-copy.db'])
    readOnly(target, (copy) => {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(copy.pragma('foreign_key_check')).toEqual([])
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
      for (const table of ['users', 'organizations', 'audit_log']) {
        expect(count(copy, table), table).toBe(readOnly(dbFile, (src) => count(src, table)))
      }
    })

    const before = fs.readFileSync(target)
    const refused = await cli('backup', target)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('已存在')
    expect(refused.stderr).toContain('--force')
    expect(fs.readFileSync(target).equals(before)).toBe(true)

    const forced = await cli('backup', target, '--force')
    expect(forced.code).toBe(0)
    expect(fs.readdirSync(path.dirname(target))).toEqual(['evaldesk-copy.db'])
  })

  it('after tampering behind a dropped trigger, audit:verify exits 1 naming the seq, and backup refuses to keep a copy', async () => {
    const raw = new Database(dbFile)
    expect(() => raw.prepare(`UPDATE audit_log SET after_json = '{"i":99}' WHERE seq = 3`).run()).toThrow(/append-only/)
    raw.exec('DROP TRIGGER audit_log_no_update')
    raw.prepare(`UPDATE audit_log SET after_json = '{"i":99}' WHERE seq = 3`).run()
    raw.close()

    const target = path.join(dir, 'tampered-copy.db')
    const [verified, backup] = await Promise.all([cli('audit:verify'), cli('backup', target)])
    expect(verified.code).toBe(1)
    expect(verified.stderr).toContain('第 3 条')
    expect(verified.stderr).toContain('seq 3')
    expect(verified.stderr).toContain('被改动')

    expect(backup.code).toBe(1)
    expect(backup.stderr).toContain('审计链校验失败：第 3 条')
    expect(fs.readdirSync(dir).filter((f) => f.includes('tampered-copy'))).toEqual([])
  })

  it('audit:verify without the key says so instead of blaming row 1', async () => {
    fs.rmSync(path.join(path.dirname(dbFile), 'audit.key'))
    const run = await cli('audit:verify')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('找不到审计密钥')
    // And it did not quietly create a new key.
    expect(fs.existsSync(path.join(path.dirname(dbFile), 'audit.key'))).toBe(false)
  })
})
