// SECURITY.md §12.4: writers are SIGKILLed at a random moment, 5–500 ms after they start writing,
// and what they leave must be sound. One child rescores indicators and uploads working papers on a
// real database (WAL, synchronous=FULL), printing `ACK <seq>` after each commit; after each kill the
// database passes integrity and foreign-key checks, the audit chain verifies, every ACKed write is
// there, and no stored-file row names a missing or partial file. The other child writes rendered
// reports through the report command's writer; no partial report is ever visible, during the run
// or after it. The start-up sweeper removes what the kills left, and is tested on its own too.
// SIGKILL keeps the OS page cache: this is a process crash, not power loss (ADR 020).
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { auditLog, scoreEntries, scoringRounds, storedFiles, users, workingPaperVersions } from '../db/schema'
import { filesRoot, openStoredFile, prepareFile, reconcileFileStore, recordFile } from '../app/files/store.server'
import { isTempName, sweepTempFiles, writeFileAtomic } from '../app/files/write-atomic.server'
import { newId } from '../app/ids.server'
import { verifyAuditChain } from '../app/models/audit.server'
import { setScoringPhase } from '../app/services/scoring.server'
import { addPaper } from '../app/services/working-papers.server'
import { sampleDocument } from '../reports/fixtures/sample-document'
import { readPdf } from '../reports/pdf/read-pdf'
import { renderDocument } from '../reports/render'
import { LONG_RUN, runCount } from './helpers/long'
import { form } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'
import { crashMark, isUploadSeq, reportStem, type ReportWriterArgs, type ScoreWriterArgs } from './workers/crash-protocol'

const KILLS = runCount(20, 200)
const SCENARIO_TIMEOUT = LONG_RUN ? 1_800_000 : 240_000
const AT = new Date('2026-06-01T01:00:00.000Z')
const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex')

type KilledRun = { ready: string; acks: string[][]; delayMs: number }

type Writer = { start: (watch?: () => void) => Promise<KilledRun>; abort: () => void }

/**
 * Spawns a child writer now (node itself, not the tsx launcher, so the process killed is the one
 * writing). Loading its modules is most of its life, so the next one loads while the test checks the
 * last; it writes only once started, and is SIGKILLed a random 5–500 ms after it reports READY.
 * `watch` runs every few milliseconds while it writes.
 */
function spawnWriter(script: string, args: ScoreWriterArgs | ReportWriterArgs): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, 'workers', script), JSON.stringify(args)], {
    cwd: process.cwd(),
    env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      err += String(error)
      resolve({ code: -1, signal: null })
    })
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  const start = async (watch?: () => void): Promise<KilledRun> => {
    const delayMs = 5 + Math.floor(Math.random() * 496)
    let timer: NodeJS.Timeout | undefined
    const stuck = setTimeout(() => child.kill('SIGKILL'), 60_000)
    const watcher = watch ? setInterval(watch, 2) : undefined
    const armOnReady = () => {
      if (!timer && out.includes('\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
    }
    child.stdout.on('data', armOnReady)
    child.stdin.write('GO\n')
    const { code, signal } = await closed
    clearTimeout(stuck)
    clearTimeout(timer)
    clearInterval(watcher)
    watch?.()
    const ready = out.slice(0, Math.max(0, out.indexOf('\n')))
    if (signal !== 'SIGKILL' || ready !== 'READY') throw new Error(`${script} ended by itself (code ${code}, signal ${signal}, kill due after ${delayMs} ms):\n${err}`)
    // Only whole lines count: a line cut by the kill was never an acknowledgement.
    const lines = out.slice(0, out.lastIndexOf('\n') + 1).split('\n').slice(1, -1)
    return { ready, delayMs, acks: lines.map((l) => l.split(' ').slice(1)) }
  }
  return { start, abort: () => child.kill('SIGKILL') }
}

/** Children loading while one writes: loading is CPU-bound and slow on a busy machine. */
const LOADING_AHEAD = 2

/** Runs `kills` writers one after another, each spawned ahead so that it has loaded when its turn comes. */
async function killRepeatedly(kills: number, script: string, argsFor: (kill: number) => ScoreWriterArgs | ReportWriterArgs, check: (kill: number, run: KilledRun) => Promise<void> | void, watch?: () => void): Promise<void> {
  const queue: Writer[] = []
  let spawned = 0
  const topUp = () => {
    while (spawned < kills && queue.length <= LOADING_AHEAD) queue.push(spawnWriter(script, argsFor(spawned++)))
  }
  try {
    for (let kill = 0; kill < kills; kill++) {
      topUp()
      const current = queue.shift()!
      await check(kill, await current.start(watch))
    }
  } finally {
    for (const waiting of queue) waiting.abort()
  }
}

/** The store holds exactly the files its rows name, each complete, and nothing else. */
function expectStoreMatchesRows(db: Db): void {
  const rows = db.select({ id: storedFiles.id, storageName: storedFiles.storageName }).from(storedFiles).all()
  expect(rows.filter((r) => openStoredFile(db, r.id) === undefined)).toEqual([])
  const onDisk = fs.readdirSync(filesRoot(db), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name)
  expect(onDisk.sort()).toEqual(rows.map((r) => r.storageName).sort())
}

describe('a score and upload writer killed at random', () => {
  let temp: TempDb
  let args: Omit<ScoreWriterArgs, 'firstSeq'>

  beforeAll(async () => {
    temp = await makeDemoDb(AT)
    const panel = await scoredEngagement(temp.db, { at: AT, size: 3, close: false })
    const round = temp.db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()!
    if (!setScoringPhase(temp.db, panel.lead, panel.engagementId, form({ to: 'discussion', version: String(round.version) }), AT).ok) throw new Error('discussion not opened')
    const prepared = await prepareFile(temp.db, { bytes: Buffer.from('%PDF-1.4\n% first\n%%EOF\n'), filename: '现场核查记录.pdf' })
    if (!prepared.ok) throw new Error(prepared.message)
    const paper = addPaper(temp.db, panel.lead, panel.engagementId, { intent: 'paper', title: '现场核查记录', indicatorCode: '', note: '' }, prepared.file, AT)
    if (!paper.ok) throw new Error(JSON.stringify(paper))
    args = { file: temp.file, seats: panel.seats.map((s) => ({ seatId: s.seatId, actor: s.actor })), lead: panel.lead, engagementId: panel.engagementId, paperId: paper.value.paperId }
    // The writers are other processes; this one only looks after each kill, as a restarted server would.
    temp.db.$client.close()
  }, 180_000)
  afterAll(() => temp?.cleanup())

  test(
    `${KILLS} kills: integrity ok, foreign keys clean, chain verifies, every ACKed write present, no row without its file`,
    async () => {
      let acked = 0
      const leftovers = { temp: 0, orphans: 0 }
      await killRepeatedly(KILLS, 'crash-score-writer.ts', (kill) => ({ ...args, firstSeq: kill * 1_000_000 }), (kill, run) => {
        const db = openDatabase(temp.file)
        try {
          const context = `kill ${kill} after ${run.delayMs} ms, ${run.acks.length} ACKs`
          expect(db.$client.pragma('integrity_check', { simple: true }), context).toBe('ok')
          expect(db.$client.pragma('foreign_key_check'), context).toEqual([])
          expect(verifyAuditChain(db, TEST_AUDIT_KEY), context).toMatchObject({ ok: true })
          for (const [seqText, auditSeqText] of run.acks) {
            const seq = Number(seqText)
            const audit = db.select().from(auditLog).where(eq(auditLog.seq, Number(auditSeqText))).get()
            expect(audit?.afterJson, `${context}: ACK ${seq}`).toContain(crashMark(seq))
            if (isUploadSeq(seq)) {
              const version = db.select().from(workingPaperVersions).where(eq(workingPaperVersions.comment, crashMark(seq))).get()
              expect(version && openStoredFile(db, version.fileId)?.bytes.toString('latin1'), `${context}: upload ${seq}`).toContain(`#${seq}`)
            } else expect(db.select().from(scoreEntries).where(eq(scoreEntries.rescoreReason, crashMark(seq))).all(), `${context}: rescore ${seq}`).toHaveLength(1)
          }
          // A row never names a missing file: the bytes are durable before the row can commit.
          const swept = reconcileFileStore(db, { now: new Date(), graceMs: 0 })
          expect(swept.missing, context).toEqual([])
          expect(swept.removedTemp.every((f) => isTempName(path.basename(f))), context).toBe(true)
          leftovers.temp += swept.removedTemp.length
          leftovers.orphans += swept.removedOrphans.length
          expectStoreMatchesRows(db)
          acked += run.acks.length
        } finally {
          db.$client.close()
        }
      })
      expect(acked).toBeGreaterThan(0)
      console.info(`crash-kill scores: ${KILLS} kills, ${acked} ACKed writes, swept ${leftovers.temp} temporary and ${leftovers.orphans} unrecorded files`)
    },
    SCENARIO_TIMEOUT,
  )
})

describe('a report writer killed at random', () => {
  let dir: string
  let rendered: ReportWriterArgs['rendered']
  const expected: Record<string, string> = {}

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-crash-reports-'))
    dir = path.join(root, 'out')
    const files = await renderDocument(sampleDocument(), ['docx', 'pdf'])
    rendered = files.map((f) => {
      const file = path.join(root, `rendered.${f.format}`)
      fs.writeFileSync(file, f.bytes)
      expected[f.format] = f.sha256
      return { format: f.format, path: file, sha256: f.sha256 }
    })
    // Every file the kills leave must be byte-identical to these, so these are the ones to open.
    const pdf = Buffer.from(files.find((f) => f.format === 'pdf')!.bytes)
    expect(pdf.subarray(-8).toString('latin1')).toMatch(/%%EOF\s*$/)
    expect((await readPdf(pdf)).pages.length).toBeGreaterThan(1)
    const parts = unzipSync(files.find((f) => f.format === 'docx')!.bytes)
    expect(Object.keys(parts)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml']))
    expect(strFromU8(parts['word/document.xml']!)).toContain('<w:body>')
  }, 120_000)
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }))

  test(
    `${KILLS} kills: every ACKed report complete, no partial file ever visible, the sweep leaves only complete files`,
    async () => {
      let acked = 0
      let swept = 0
      const seen = new Set<string>()
      const partial: string[] = []
      // Polled while the child writes: a visible report file is already whole.
      const look = () => {
        for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
          if (isTempName(name) || seen.has(name)) continue
          seen.add(name)
          const bytes = fs.readFileSync(path.join(dir, name))
          if (sha256(bytes) !== expected[path.extname(name).slice(1)]) partial.push(`${name} (${bytes.length} bytes)`)
        }
      }
      const check = (kill: number, run: KilledRun) => {
        const context = `kill ${kill} after ${run.delayMs} ms, ${run.acks.length} ACKs`
        expect(partial, context).toEqual([])
        for (const [seq] of run.acks) {
          for (const format of ['docx', 'pdf']) {
            const file = path.join(dir, `${reportStem(Number(seq))}.${format}`)
            expect(fs.existsSync(file) && sha256(fs.readFileSync(file)), `${context}: ${file}`).toBe(expected[format])
          }
        }
        swept += sweepTempFiles(dir, { olderThanMs: 0, now: new Date() }).length
        const left = fs.existsSync(dir) ? fs.readdirSync(dir) : []
        expect(left.filter(isTempName), context).toEqual([])
        acked += run.acks.length
        // Checked files go, so 200 kills do not fill the disk.
        for (const name of left) fs.rmSync(path.join(dir, name))
        seen.clear()
      }
      await killRepeatedly(KILLS, 'crash-report-writer.ts', (kill) => ({ dir, firstSeq: kill * 1_000_000, rendered }), check, look)
      expect(acked).toBeGreaterThan(0)
      console.info(`crash-kill reports: ${KILLS} kills, ${acked} ACKed generations, swept ${swept} temporary files`)
    },
    SCENARIO_TIMEOUT,
  )
})

describe('the start-up sweep of the file store', () => {
  let temp: TempDb
  const OLD = new Date('2026-01-01T00:00:00.000Z')
  beforeAll(() => {
    process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
    temp = makeTempDb()
  })
  afterAll(() => temp?.cleanup())

  function plant(relative: string, bytes: string, mtime: Date): string {
    const full = path.join(filesRoot(temp.db), relative)
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, bytes)
    fs.utimesSync(full, mtime, mtime)
    return full
  }

  test('removes old temporary and unrecorded files, spares young ones and recorded ones, and reports rows without a file', async () => {
    const userId = newId()
    temp.db.insert(users).values({ id: userId, username: 'sweeper', displayName: '清理测试', role: 'system_admin', passwordHash: 'x', createdAt: OLD.toISOString(), updatedAt: OLD.toISOString() }).run()
    const kept = await prepareFile(temp.db, { bytes: Buffer.from('%PDF-1.4\n% kept\n%%EOF\n'), filename: '保留.pdf' })
    const lost = await prepareFile(temp.db, { bytes: Buffer.from('%PDF-1.4\n% lost\n%%EOF\n'), filename: '丢失的文件.pdf' })
    if (!kept.ok || !lost.ok) throw new Error('not prepared')
    recordFile(temp.db, kept.file, userId, OLD)
    recordFile(temp.db, lost.file, userId, OLD)
    fs.rmSync(path.join(filesRoot(temp.db), lost.file.storageName.slice(0, 2), lost.file.storageName))
    const oldTemp = plant(`ab/.${'ab'.repeat(16)}.0123456789abcdef.tmp`, 'half', OLD)
    const youngTemp = plant(`cd/.${'cd'.repeat(16)}.fedcba9876543210.tmp`, 'half', new Date())
    const oldOrphan = plant(`ef/${'ef'.repeat(16)}`, 'never recorded', OLD)
    const youngOrphan = plant(`ef/${'e0'.repeat(16)}`, 'being recorded', new Date())
    const foreign = plant('notes.tmp', 'not ours', OLD)

    const result = reconcileFileStore(temp.db, { now: new Date() })
    expect(result.removedTemp).toEqual([oldTemp])
    expect(result.removedOrphans).toEqual([oldOrphan])
    expect(result.missing).toEqual([{ id: lost.file.id, storageName: lost.file.storageName, originalName: '丢失的文件.pdf' }])
    for (const f of [youngTemp, youngOrphan, foreign]) expect(fs.existsSync(f)).toBe(true)
    expect(openStoredFile(temp.db, kept.file.id)?.bytes.toString()).toContain('kept')
  })

  test('runs where the server opens the database, and says what it did in the start-up log', async () => {
    const { bootstrapDatabase } = await import('../cli/bootstrap')
    const left = path.join(filesRoot(temp.db), '12', `.${'12'.repeat(16)}.00112233445566aa.tmp`)
    fs.mkdirSync(path.dirname(left), { recursive: true })
    fs.writeFileSync(left, 'killed mid-write')
    fs.utimesSync(left, OLD, OLD)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const previous = process.env.EVALDESK_DB
    process.env.EVALDESK_DB = temp.file
    let logged = ''
    try {
      await bootstrapDatabase({ seedIfNew: false })
      logged = warn.mock.calls.flat().join('\n')
    } finally {
      process.env.EVALDESK_DB = previous
      warn.mockRestore()
    }
    expect(fs.existsSync(left)).toBe(false)
    expect(logged).toMatch(/已清理 1 个中断写入留下的临时文件[\s\S]*1 个文件在磁盘上找不到/)
  }, 120_000)

  test('an atomic write never replaces when told not to, and leaves no temporary file either way', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-atomic-'))
    try {
      const target = path.join(dir, 'a.pdf')
      writeFileAtomic(target, Buffer.from('one'), { overwrite: false })
      expect(() => writeFileAtomic(target, Buffer.from('two'), { overwrite: false })).toThrow(/EEXIST/)
      writeFileAtomic(target, Buffer.from('three'))
      expect(fs.readFileSync(target, 'utf8')).toBe('three')
      expect(fs.readdirSync(dir)).toEqual(['a.pdf'])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
