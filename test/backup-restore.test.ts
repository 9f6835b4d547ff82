// Backup and restore (SECURITY.md §12.5, issue 10 deliverable 5). A seeded database (under test:long
// 50 engagements, 2,000 scores, 10,000 audit rows) is copied by both methods while a worker thread
// keeps saving scores and audit rows; the copy is checked on its own. Restore is checked for every refusal
// (nothing changes) and for a full swap. The drill backs up a running server while logins keep
// writing, stops it, restores, starts it again and runs the smoke checks on the restored data.
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { appendAudit, verifyAuditChain } from '../app/models/audit.server'
import { prepareFile, recordFile } from '../app/files/store.server'
import { createEngagement, type EngagementInput } from '../app/services/engagement.server'
import { expertScoringPage, saveScoresBulk, startScoring } from '../app/services/scoring.server'
import { certify } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { inTransaction } from '../app/services/transaction.server'
import { backupDatabase, databaseInUse, type BackupMethod } from '../db/backup.server'
import { openDatabase, type Db } from '../db/client.server'
import { DEMO_ACCOUNTS } from '../db/seed/demo'
import { runCli, type CliIo, type CommandSpec } from '../cli/framework'
import { command as auditVerifyCommand } from '../cli/commands/audit-verify'
import { command as backupCommand } from '../cli/commands/backup'
import { command as restoreCommand } from '../cli/commands/restore'
import { docxText, pdfText } from './helpers/file-text'
import { Client, loggedIn } from './helpers/http'
import { finalizedEngagement } from './helpers/issued-report'
import { actorOf, form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { MONITORING_ENGAGEMENT } from './helpers/scored-engagement'
import { startServer, type RunningServer } from './helpers/server'
import { runCount } from './helpers/long'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const T0 = new Date('2026-05-01T08:00:00.000Z')
// §12.5's sizes under test:long; a quarter of the rows under npm test (same code paths, shorter seed).
const SEED = { engagements: runCount(20, 50), scores: runCount(500, 2_000), audit: runCount(2_500, 10_000) }
const COMMANDS: CommandSpec[] = [backupCommand, restoreCommand, auditVerifyCommand]
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

type CliRun = { code: number; out: string; err: string }

/** The real commands in this process, against `dbFile`, with the test's audit key. */
async function cli(dbFile: string, argv: string[], auditKey = TEST_AUDIT_KEY): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) }
  process.env.EVALDESK_DB = dbFile
  process.env.EVALDESK_AUDIT_KEY = auditKey
  const code = await runCli(COMMANDS, argv, io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const countOf = (sqlite: Database.Database, table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
const COUNTED = ['engagements', 'score_entries', 'audit_log'] as const
type Counts = Record<(typeof COUNTED)[number], number>
const countsOf = (sqlite: Database.Database): Counts => Object.fromEntries(COUNTED.map((t) => [t, countOf(sqlite, t)])) as Counts

function readOnly<T>(file: string, fn: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return fn(sqlite)
  } finally {
    sqlite.close()
  }
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
/** Every name in a directory with the hash of each file: "nothing changed" means this is equal. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name)
    out[path.relative(dir, full)] = entry.isFile() ? sha256(full) : 'dir'
  }
  return out
}

function engagementInput(db: Db, i: number): EngagementInput {
  return {
    name: `2026年备份演练项目${i}`,
    year: 2026,
    kind: 'project',
    budgetType: 'general_public',
    financeBureauId: actorOf(db, 'binjiang.finance').organizationId!,
    fundsFen: 1_000_000 + i,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    contractNo: `BK-${i}`,
    leadUserId: actorOf(db, 'mingjian.zhao').userId,
    memberIds: [],
    units: [{ name: '杭州市滨江区民政局', competentDepartment: '杭州市滨江区民政局' }],
  }
}

type Leaf = { code: string; weight: number }

function must(result: { ok: boolean }, what: string): void {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
}

/** The §12.5 set-up through the services: engagements, an open scoring round with saved scores, audit rows. */
async function seed(db: Db): Promise<{ panel: ReadyPanel; leaves: Leaf[] }> {
  let clock = T0.getTime()
  const tick = () => new Date((clock += 60_000))
  const admin = actorOf(db, 'mingjian.admin')
  for (let i = countOf(db.$client, 'engagements'); i < SEED.engagements; i++) {
    must(createEngagement(db, admin, engagementInput(db, i), tick()), 'engagement')
  }
  const panel = await readyPanel(db, { engagementName: MONITORING_ENGAGEMENT, leadUsername: 'mingjian.zhao', size: 5, at: tick() })
  const cy2020 = db.$client.prepare(`SELECT v.id FROM framework_versions v JOIN frameworks f ON f.id = v.framework_id WHERE f.library_code = 'cy2020-project'`).get() as { id: string }
  must(startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), tick()), 'sheet')
  // Signing again after the sheet exists: the pledge covers the sheet's indicators.
  for (const s of panel.seats) must(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', tick()), 'certify')
  must(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), tick()), 'scoring')
  const first = panel.seats[0]!
  const leaves = expertScoringPage(db, first.actor, first.seatId, tick())!.items.map((item) => ({ code: item.node.code, weight: item.node.weight }))
  // Each round saves every leaf of every seat once more, alternating full marks and half a point off.
  for (let round = 0; countOf(db.$client, 'score_entries') < SEED.scores; round++) {
    for (const seat of panel.seats) {
      const rows = leaves.map((leaf, row) => ({ row, code: leaf.code, score: String((leaf.weight - (round % 2) * 50) / 100), reason: '', comment: '', seen: round }))
      must(saveScoresBulk(db, seat.actor, seat.seatId, rows, tick()), 'scores')
    }
  }
  inTransaction(db, (tx) => {
    for (let i = countOf(db.$client, 'audit_log'); i < SEED.audit; i++) {
      appendAudit(tx, { actor: { userId: null, role: 'cli', organizationId: null }, action: 'test.note', entity: 'test', entityId: String(i), after: { i, text: '绩效评价'.repeat(10) }, at: tick() }, TEST_AUDIT_KEY)
    }
  })
  return { panel, leaves }
}

function startWriter(file: string, panel: ReadyPanel, leaves: Leaf[]) {
  const stop = new SharedArrayBuffer(4)
  const seat = panel.seats[1]!
  const worker = new Worker(path.resolve(__dirname, 'workers', 'ts-worker.cjs'), {
    workerData: { script: path.resolve(__dirname, 'workers', 'backup-writer.ts'), file, actor: seat.actor, seatId: seat.seatId, leaves, auditKey: TEST_AUDIT_KEY, stop, at: T0.toISOString() },
  })
  const finished = new Promise<{ turns: number; errors: string[] }>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return {
    finish: async () => {
      Atomics.store(new Int32Array(stop), 0, 1)
      const result = await finished
      await worker.terminate()
      return result
    },
  }
}

describe('online backup while a writer keeps writing', () => {
  let temp: TempDb
  let seeded: { panel: ReadyPanel; leaves: Leaf[] }
  beforeAll(async () => {
    temp = await makeDemoDb(T0)
    seeded = await seed(temp.db)
  }, 120_000)
  afterAll(() => temp?.cleanup())

  test('the seed holds what §12.5 asks for', () => {
    const counts = countsOf(temp.db.$client)
    expect(counts.engagements).toBeGreaterThanOrEqual(SEED.engagements)
    expect(counts.score_entries).toBeGreaterThanOrEqual(SEED.scores)
    expect(counts.audit_log).toBeGreaterThanOrEqual(SEED.audit)
  })

  test.each(['online', 'vacuum'] satisfies BackupMethod[])('%s: the copy is intact, private, a prefix of the live chain, with counts between start and end', async (method) => {
    const writer = startWriter(temp.file, seeded.panel, seeded.leaves)
    const live = temp.db.$client
    // The writer is running before the copy starts: wait for its first acknowledged turns.
    const initialAudit = countOf(live, 'audit_log')
    await expect.poll(() => countOf(live, 'audit_log'), { timeout: 30_000, interval: 20 }).toBeGreaterThan(initialAudit + 3)
    const atStart = countsOf(live)
    const target = path.join(temp.dir, `copy-${method}.db`)
    const result = await backupDatabase(temp.db, target, { force: false, auditKey: TEST_AUDIT_KEY, method })
    const atEnd = countsOf(live)
    const { turns, errors } = await writer.finish()
    expect(errors).toEqual([])
    expect(turns).toBeGreaterThan(3)

    expect(fs.statSync(target).mode & 0o777).toBe(0o600)
    expect(result.check.integrity).toBe('ok')
    expect(result.check.foreignKeyViolations).toBe(0)
    expect(fs.readdirSync(temp.dir).filter((f) => f.startsWith(`copy-${method}.db-`) || f.startsWith(`.copy-${method}`))).toEqual([])
    const copy = readOnly(target, (sqlite) => ({ counts: countsOf(sqlite), integrity: sqlite.pragma('integrity_check', { simple: true }), fk: sqlite.pragma('foreign_key_check'), journal: sqlite.pragma('journal_mode', { simple: true }) }))
    expect(copy.integrity).toBe('ok')
    expect(copy.fk).toEqual([])
    expect(copy.journal).toBe('delete')
    for (const table of COUNTED) {
      expect(copy.counts[table], table).toBeGreaterThanOrEqual(atStart[table])
      expect(copy.counts[table], table).toBeLessThanOrEqual(atEnd[table])
    }

    // The copy's chain verifies on its own, and its head is a row of the live chain.
    const copyDb = openDatabase(target, { readonly: true })
    let head: { headSeq: number; headHash: string }
    try {
      const verdict = verifyAuditChain(copyDb, TEST_AUDIT_KEY)
      if (!verdict.ok) throw new Error(`copy chain: ${JSON.stringify(verdict)}`)
      head = verdict
    } finally {
      copyDb.$client.close()
    }
    expect(head.headSeq).toBe(copy.counts.audit_log)
    expect((live.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(head.headSeq) as { hash: string }).hash).toBe(head.headHash)
    expect(verifyAuditChain(temp.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
  }, 120_000)

  test('an existing target is kept without --force, and the database itself is never a target', async () => {
    const target = path.join(temp.dir, 'copy-online.db')
    const before = sha256(target)
    await expect(backupDatabase(temp.db, target, { force: false, auditKey: TEST_AUDIT_KEY })).rejects.toThrow('如确需覆盖，请加 --force')
    expect(sha256(target)).toBe(before)
    await expect(backupDatabase(temp.db, temp.file, { force: true, auditKey: TEST_AUDIT_KEY })).rejects.toThrow('数据库文件本身')
  })
})

describe('restore', () => {
  let temp: TempDb
  let backup: string
  let storedName: string
  const other = (name: string) => path.join(temp.dir, 'elsewhere', name)
  /** The data directory before and after a refused restore: the -shm index aside, it must be identical. */
  const dataState = () => Object.fromEntries(Object.entries(snapshot(temp.dir)).filter(([name]) => !name.startsWith('elsewhere') && !name.endsWith('-shm')))
  /** Runs a restore that must be refused with every one of `messages`, leaving the data directory as it was. */
  async function expectRefused(argv: string[], messages: string[], auditKey?: string) {
    const before = dataState()
    const run = await cli(temp.file, argv, auditKey)
    expect(run.code, `${argv.join(' ')}: ${run.out}`).toBe(1)
    for (const message of messages) expect(run.err, argv.join(' ')).toContain(message)
    expect(dataState(), argv.join(' ')).toEqual(before)
  }

  beforeAll(async () => {
    temp = await makeDemoDb(T0)
    const uploader = actorOf(temp.db, 'mingjian.li').userId
    const prepared = await prepareFile(temp.db, { bytes: PDF_BYTES, filename: '佐证.pdf' })
    if (!prepared.ok) throw new Error(prepared.message)
    recordFile(temp.db, prepared.file, uploader, T0)
    storedName = prepared.file.storageName
    fs.mkdirSync(path.join(temp.dir, 'elsewhere'))
    backup = other('backup.db')
    const made = await cli(temp.file, ['backup', backup])
    expect(made.code, made.err).toBe(0)
    // Work after the backup: this is what a restore gives up, and what the moved-aside copy keeps.
    inTransaction(temp.db, (tx) => appendAudit(tx, { actor: { userId: null, role: 'cli', organizationId: null }, action: 'test.after_backup', entity: 'test', entityId: 'x', at: T0 }, TEST_AUDIT_KEY))
  })
  afterAll(() => temp?.cleanup())

  test('refuses while another connection has the database open, and changes nothing', async () => {
    expect(databaseInUse(temp.file)).toBe(true)
    await expectRefused(['restore', backup, '--force'], ['正被其他进程使用', '请先停止服务器', '未做任何改动'])
    temp.db.$client.close()
    expect(databaseInUse(temp.file)).toBe(false)
  })

  test('refuses a backup it cannot trust, or a replacement not confirmed, with a Chinese reason and nothing changed', async () => {
    const garbage = other('garbage.db')
    fs.writeFileSync(garbage, crypto.randomBytes(8192))
    const newer = other('newer.db')
    fs.copyFileSync(backup, newer)
    const sqlite = new Database(newer)
    sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('from-the-future', Date.now())
    sqlite.close()
    const withoutFiles = other('without-files.db')
    fs.copyFileSync(backup, withoutFiles)
    const withWal = other('with-wal.db')
    fs.copyFileSync(backup, withWal)
    fs.writeFileSync(`${withWal}-wal`, 'not empty')

    const cases: [string[], string, string?][] = [
      [['restore', other('missing.db'), '--force'], '找不到备份文件'],
      [['restore', garbage, '--force'], '备份文件无法读取'],
      [['restore', newer, '--force'], '备份来自更新版本的 EvalDesk'],
      [['restore', withoutFiles, '--force'], '找不到附件目录'],
      [['restore', withWal, '--force'], '未合并的日志文件'],
      [['restore', backup], '请加 --force'],
      [['restore', backup, '--force'], '审计链校验失败', 'another-installation-key'],
    ]
    for (const [argv, message, key] of cases) await expectRefused(argv, [message, '未做任何改动'], key)
  })

  test('a damaged attachment in the backup is found after staging: every move is undone and nothing staged is left', async () => {
    const damaged = other('damaged.db')
    fs.copyFileSync(backup, damaged)
    fs.cpSync(`${backup}.files`, `${damaged}.files`, { recursive: true })
    fs.writeFileSync(path.join(`${damaged}.files`, storedName.slice(0, 2), storedName), '%PDF-1.4 altered')
    await expectRefused(['restore', damaged, '--force'], ['已撤回所有改动', '哈希不符'])
    expect(fs.readdirSync(temp.dir).filter((f) => f.includes('restore'))).toEqual([])
  })

  test('replaces a database a crashed server left with its -wal: the old files move aside together, the backup and its files take their place', async () => {
    // A process that wrote and died without closing leaves its last commits in the -wal.
    const crashed = path.join(temp.dir, 'crash.cjs')
    fs.writeFileSync(
      crashed,
      `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))})
       const db = new D(${JSON.stringify(temp.file)})
       db.pragma('wal_autocheckpoint = 0')
       db.prepare("INSERT INTO app_meta (key, value) VALUES ('crash-marker', 'kept')").run()
       process.kill(process.pid, 'SIGKILL')`,
    )
    expect(spawnSync(process.execPath, [crashed]).signal).toBe('SIGKILL')
    fs.rmSync(crashed)
    expect(fs.statSync(`${temp.file}-wal`).size).toBeGreaterThan(0)
    const liveAudit = readOnly(temp.file, (sqlite) => countOf(sqlite, 'audit_log'))

    const run = await cli(temp.file, ['restore', backup, '--force'])
    expect(run.code, run.err).toBe(0)
    expect(run.out).toContain('已校验备份')
    expect(run.out).toContain('原有文件已移到')
    expect(run.out).toContain('已恢复数据库')
    expect(run.out).toContain('已恢复附件文件：1 个')

    expect(sha256(temp.file)).toBe(sha256(backup))
    expect(fs.statSync(temp.file).mode & 0o777).toBe(0o600)
    for (const side of ['-wal', '-shm', '-journal']) expect(fs.existsSync(temp.file + side), side).toBe(false)
    const names = fs.readdirSync(temp.dir)
    const aside = names.find((f) => /^evaldesk\.db\.before-restore-\d{8}T\d{6}Z$/.test(f))
    expect(aside, names.join(', ')).toBeDefined()
    expect(names.filter((f) => f.startsWith('files.before-restore-'))).toHaveLength(1)
    expect(names.filter((f) => f.startsWith('.'))).toEqual([])
    // The moved-aside database stands alone and kept everything, even the crashed process's commit.
    readOnly(path.join(temp.dir, aside!), (sqlite) => {
      expect(countOf(sqlite, 'audit_log')).toBe(liveAudit)
      expect(sqlite.prepare(`SELECT value FROM app_meta WHERE key = 'crash-marker'`).get()).toEqual({ value: 'kept' })
    })
    readOnly(temp.file, (sqlite) => expect(countOf(sqlite, 'audit_log')).toBe(liveAudit - 1))
    expect(fs.readFileSync(path.join(temp.dir, 'files', storedName.slice(0, 2), storedName))).toEqual(PDF_BYTES)

    const verify = await cli(temp.file, ['audit:verify'])
    expect(verify.code, verify.err).toBe(0)
    expect(verify.out).toContain('审计链完整')
  })

  test('replaces a database damaged beyond opening, and restores into an empty location without --force', async () => {
    const damagedDir = fs.mkdtempSync(path.join(temp.dir, 'damaged-'))
    const damagedDb = path.join(damagedDir, 'evaldesk.db')
    fs.writeFileSync(damagedDb, crypto.randomBytes(16_384))
    const replaced = await cli(damagedDb, ['restore', backup, '--force'])
    expect(replaced.code, replaced.err).toBe(0)
    expect(sha256(damagedDb)).toBe(sha256(backup))
    expect(fs.readdirSync(damagedDir).filter((f) => f.startsWith('evaldesk.db.before-restore-'))).toHaveLength(1)

    const emptyDb = path.join(fs.mkdtempSync(path.join(temp.dir, 'empty-')), 'data', 'evaldesk.db')
    const fresh = await cli(emptyDb, ['restore', backup])
    expect(fresh.code, fresh.err).toBe(0)
    expect(fresh.out).toContain('原来没有数据库')
    expect(sha256(emptyDb)).toBe(sha256(backup))
  })
})

describe('restore drill on a running server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-drill-'))
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY, EVALDESK_PUBLIC_URL: 'https://evaldesk.example.cn' }
  let server: RunningServer | undefined
  afterAll(async () => {
    await server?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('back up while logins keep writing, stop, restore, start again: every role logs in, the engagement opens, the report downloads, the chain verifies', async () => {
    server = await startServer({ dir, env })
    const dbFile = server.dbFile
    // State worth restoring: an issued report (its DOCX and PDF live in the database) and an attachment.
    process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
    const db = openDatabase(dbFile)
    let engagementId: string, issuedId: string, engagementName: string
    try {
      let clock = T0.getTime()
      const finalized = await finalizedEngagement(db, () => new Date((clock += 60_000)))
      engagementId = finalized.panel.engagementId
      issuedId = finalized.issuedId
      engagementName = (db.$client.prepare('SELECT name FROM engagements WHERE id = ?').get(engagementId) as { name: string }).name
      const prepared = await prepareFile(db, { bytes: PDF_BYTES, filename: '底稿.pdf' })
      if (!prepared.ok) throw new Error(prepared.message)
      recordFile(db, prepared.file, actorOf(db, 'mingjian.li').userId, T0)
    } finally {
      db.$client.close()
    }

    // Logins write a session row and an audit row each; they go on while the copy is taken.
    let writing = true
    let acknowledged = 0
    const writer = (async () => {
      while (writing) {
        await new Client(server!.url).login('mingjian.li')
        acknowledged++
      }
    })()
    await expect.poll(() => acknowledged, { timeout: 30_000 }).toBeGreaterThan(2)
    const backup = path.join(dir, 'backups', 'drill.db')
    fs.mkdirSync(path.dirname(backup))
    const made = await cli(dbFile, ['backup', backup])
    writing = false
    await writer
    expect(made.code, made.err).toBe(0)
    expect(made.out).toContain('附件文件：1 个')
    const inBackup = readOnly(backup, (sqlite) => countOf(sqlite, 'audit_log'))

    // While the server runs, restore refuses.
    const refused = await cli(dbFile, ['restore', backup, '--force'])
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('正被其他进程使用')

    await server.stop()
    server = undefined
    const restored = await cli(dbFile, ['restore', backup, '--force'])
    expect(restored.code, restored.err).toBe(0)
    for (const side of ['-wal', '-shm']) expect(fs.existsSync(dbFile + side), side).toBe(false)
    expect(readOnly(dbFile, (sqlite) => countOf(sqlite, 'audit_log'))).toBe(inBackup)

    server = await startServer({ dir, env })
    // The restarted server holds the database open, so a second restore now would be refused.
    expect(databaseInUse(dbFile)).toBe(true)
    for (const account of DEMO_ACCOUNTS) {
      const client = await loggedIn(server.url, account.username)
      expect((await client.get('/dashboard')).status, account.username).toBe(200)
    }
    const lead = await loggedIn(server.url, 'mingjian.zhao')
    const page = await lead.get(`/engagements/${engagementId}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(engagementName)
    const docx = await lead.get(`/engagements/${engagementId}/reports/files/${issuedId}/docx`)
    expect(docx.status).toBe(200)
    expect(docxText(new Uint8Array(await docx.arrayBuffer()))).toContain(engagementName)
    const pdf = await lead.get(`/engagements/${engagementId}/reports/files/${issuedId}/pdf`)
    expect(pdf.status).toBe(200)
    expect(await pdfText(new Uint8Array(await pdf.arrayBuffer()))).toContain(engagementName.replace(/\s/g, ''))

    const verify = await cli(dbFile, ['audit:verify'])
    expect(verify.code, verify.err).toBe(0)
    expect(verify.out).toContain('审计链完整')
  }, 240_000)
})
