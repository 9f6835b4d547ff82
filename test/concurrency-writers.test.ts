// SECURITY.md §12.3: 20 worker threads, each with its own connection to ONE database file, write at
// once through the services the pages call: an expert's scores (the whole sheet, single saves, the
// submit), engagement edits and stage moves with the version token (all workers on the same two
// engagements, so most lose the race), and working-paper uploads (stored files and their rows).
// Nothing is lost or doubled, every versioned write either wins exactly one version or gets 409,
// the audit chain verifies with exactly the rows the successful writes owe, and no SQLITE_BUSY
// (or any other error) reaches a caller.
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { count, eq } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, scoreEntries, scoreSubmissions, stageTransitions, storedFiles, workingPaperVersions } from '../db/schema'
import { filesRoot, openStoredFile, prepareFile } from '../app/files/store.server'
import { verifyAuditChain } from '../app/models/audit.server'
import { createEngagement, type EngagementInput } from '../app/services/engagement.server'
import { expertScoringPage } from '../app/services/scoring.server'
import { addPaper } from '../app/services/working-papers.server'
import { LONG_RUN, runCount } from './helpers/long'
import { actorOf, type ReadyPanel } from './helpers/panel-fixture'
import { scoringWithSeats } from './helpers/scoring-seats'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'
import type { WriteKind, WriterInput, WriterReport } from './workers/mixed-writer-plan'

const WORKERS = 20
const WRITES = runCount(20, 50)
const AT = new Date('2026-06-01T01:00:00.000Z')
let temp: TempDb
let db: Db
let panel: ReadyPanel
let contested: { id: string; input: EngagementInput }[]
let sharedPaperId: string

/** The audit rows each successful write appends, by action. Draft score saves are versioned rows of their own and not audited. */
const AUDIT_OF: Record<WriteKind, string[]> = {
  'score.bulk': ['scoring.upload'],
  'score.save': [],
  'score.submit': ['scoring.submit'],
  'engagement.edit': ['engagement.update'],
  'engagement.move': ['engagement.stage_move'],
  'paper.create': ['paper.create', 'file.upload'],
  'paper.version': ['paper.version', 'file.upload'],
}

const rows = (table: SQLiteTable) => db.select({ n: count() }).from(table).get()!.n
const auditRows = (action: string) => db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, action)).get()!.n

beforeAll(async () => {
  temp = await makeDemoDb(AT)
  db = temp.db
  panel = await scoringWithSeats(db, WORKERS, AT)
  const bureauId = db.select({ id: engagements.financeBureauId }).from(engagements).where(eq(engagements.id, panel.engagementId)).get()!.id
  const base = (name: string): EngagementInput => ({
    name,
    year: 2026,
    kind: 'project',
    budgetType: 'general_public',
    financeBureauId: bureauId,
    fundsFen: 120_000000,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    contractNo: 'HT-初始',
    leadUserId: panel.lead.userId,
    memberIds: [actorOf(db, 'mingjian.li').userId],
    units: [{ name: '杭州市滨江区卫生健康局', competentDepartment: '杭州市滨江区卫生健康局' }],
  })
  contested = ['并发修改项目甲', '并发修改项目乙'].map((name) => {
    const input = base(`2026年滨江区${name}绩效评价`)
    const created = createEngagement(db, panel.lead, input, AT)
    if (!created.ok) throw new Error(JSON.stringify(created))
    return { id: created.value.id, input }
  })
  const prepared = await prepareFile(db, { bytes: Buffer.from('%PDF-1.4\n% shared\n%%EOF\n'), filename: '共用底稿.pdf' })
  if (!prepared.ok) throw new Error(prepared.message)
  const paper = addPaper(db, panel.lead, panel.engagementId, { intent: 'paper', title: '各组共用底稿', indicatorCode: '', note: '' }, prepared.file, AT)
  if (!paper.ok) throw new Error(JSON.stringify(paper))
  sharedPaperId = paper.value.paperId
}, 180_000)
afterAll(() => temp?.cleanup())

function runWorker(input: Omit<WriterInput, 'file' | 'at'>): Promise<WriterReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.resolve(__dirname, 'workers', 'ts-worker.cjs'), {
      workerData: { script: path.resolve(__dirname, 'workers', 'mixed-writer.ts'), file: temp.file, at: AT.toISOString(), ...input },
      env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY },
    })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

test(
  `${WORKERS} workers × ${WRITES} mixed writes on one database file: exact counts, consistent versions, one audit row per write`,
  async () => {
    const leaves = expertScoringPage(db, panel.seats[0]!.actor, panel.seats[0]!.seatId, AT)!.items.length
    const auditActions = [...new Set(Object.values(AUDIT_OF).flat())]
    const auditBefore = new Map(auditActions.map((a) => [a, auditRows(a)]))
    const totalAuditBefore = db.select({ n: count() }).from(auditLog).get()!.n
    const filesBefore = rows(storedFiles)
    const paperVersionsBefore = rows(workingPaperVersions)

    const reports = await Promise.all(
      panel.seats.map((s, worker) =>
        runWorker({ worker, writes: WRITES, expert: s.actor, seatId: s.seatId, teamActor: panel.lead, engagements: contested, papersEngagementId: panel.engagementId, sharedPaperId }),
      ),
    )

    // Nothing thrown at any caller: no SQLITE_BUSY, no other error.
    expect(reports.flatMap((r) => r.errors)).toEqual([])
    const answers = reports.flatMap((r) => r.answers)
    expect(answers).toHaveLength(WORKERS * WRITES)
    const wins = (kind: WriteKind) => answers.filter((a) => a.kind === kind && a.status === 200).length
    // Only the versioned engagement writes may lose a race, and losing is a 409, nothing else.
    for (const a of answers) {
      if (a.kind === 'engagement.edit' || a.kind === 'engagement.move') expect([200, 409]).toContain(a.status)
      else expect(a).toEqual({ kind: a.kind, status: 200 })
    }

    // Scores: every expert's sheet, saves and submit landed once.
    expect(wins('score.submit')).toBe(WORKERS)
    expect(rows(scoreEntries)).toBe(wins('score.bulk') * leaves + wins('score.save'))
    expect(rows(scoreSubmissions)).toBe(WORKERS)

    // Versions: each winning write took exactly one version; the final version counts the winners.
    const versionWins = reports.flatMap((r) => r.versionWins)
    for (const e of contested) {
      const won = versionWins.filter((w) => w.engagementId === e.id)
      const row = db.select().from(engagements).where(eq(engagements.id, e.id)).get()!
      expect(row.version).toBe(1 + won.length)
      expect(won.map((w) => w.version).sort((a, b) => a - b)).toEqual(Array.from({ length: won.length }, (_, i) => i + 1))
      const moves = won.filter((w) => w.kind === 'engagement.move').length
      expect(row.stage).toBe(moves % 2 === 0 ? 'commissioned' : 'preliminary_research')
      expect(db.select({ n: count() }).from(stageTransitions).where(eq(stageTransitions.engagementId, e.id)).get()!.n).toBe(1 + moves)
    }
    expect(versionWins.filter((w) => w.kind === 'engagement.edit')).toHaveLength(wins('engagement.edit'))
    expect(wins('engagement.edit')).toBeGreaterThan(0)

    // Uploads: one stored file and one paper version per upload, every file complete on disk.
    const uploads = wins('paper.create') + wins('paper.version')
    expect(rows(storedFiles) - filesBefore).toBe(uploads)
    expect(rows(workingPaperVersions) - paperVersionsBefore).toBe(uploads)
    const sharedVersions = db.select({ n: workingPaperVersions.versionNo }).from(workingPaperVersions).where(eq(workingPaperVersions.paperId, sharedPaperId)).all().map((v) => v.n)
    expect(sharedVersions.sort((a, b) => a - b)).toEqual(Array.from({ length: 1 + wins('paper.version') }, (_, i) => i + 1))
    const stored = db.select({ id: storedFiles.id, storageName: storedFiles.storageName }).from(storedFiles).all()
    expect(stored.every((f) => openStoredFile(db, f.id) !== undefined)).toBe(true)
    const onDisk = fs.readdirSync(filesRoot(db), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name)
    expect(onDisk.sort()).toEqual(stored.map((f) => f.storageName).sort())

    // Audit: the chain holds, with exactly the rows the successful writes owe.
    expect(verifyAuditChain(db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
    const owed = new Map<string, number>()
    for (const [kind, actions] of Object.entries(AUDIT_OF) as [WriteKind, string[]][]) for (const a of actions) owed.set(a, (owed.get(a) ?? 0) + wins(kind))
    for (const action of auditActions) expect({ action, rows: auditRows(action) - auditBefore.get(action)! }).toEqual({ action, rows: owed.get(action) })
    expect(db.select({ n: count() }).from(auditLog).get()!.n - totalAuditBefore).toBe([...owed.values()].reduce((a, b) => a + b, 0))
  },
  LONG_RUN ? 600_000 : 180_000,
)
