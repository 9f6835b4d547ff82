// 20 experts score and submit at the same time on one engagement, each in its own worker thread
// with its own connection to the same SQLite file: nothing is lost, no SQLITE_BUSY reaches anyone,
// and the audit chain verifies.
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { scoreEntries, scoreSubmissions } from '../db/schema'
import { verifyAuditChain } from '../app/models/audit.server'
import { expertScoringPage } from '../app/services/scoring.server'
import type { ReadyPanel } from './helpers/panel-fixture'
import { scoringWithSeats } from './helpers/scoring-seats'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const EXPERTS = 20
const AT = new Date('2026-06-01T01:00:00.000Z')
let temp: TempDb
let db: Db
let panel: ReadyPanel

beforeAll(async () => {
  temp = await makeDemoDb(AT)
  db = temp.db
  panel = await scoringWithSeats(db, EXPERTS, AT)
}, 120_000)
afterAll(() => temp?.cleanup())

test(`${EXPERTS} experts save and submit at once, each on its own connection: every row lands`, async () => {
  const leaves = expertScoringPage(db, panel.seats[0]!.actor, panel.seats[0]!.seatId, AT)!.items.length
  const bootstrap = path.resolve(__dirname, 'workers', 'ts-worker.cjs')
  const script = path.resolve(__dirname, 'workers', 'scoring-worker.ts')
  const results = await Promise.all(
    panel.seats.map(
      (s) =>
        new Promise<{ saved: number; submitted: boolean; errors: string[] }>((resolve, reject) => {
          const worker = new Worker(bootstrap, {
            workerData: { script, file: temp.file, actor: s.actor, seatId: s.seatId, at: AT.toISOString() },
            env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY },
          })
          worker.once('message', resolve)
          worker.once('error', reject)
        }),
    ),
  )
  expect(results.flatMap((r) => r.errors)).toEqual([])
  expect(results.every((r) => r.submitted && r.saved === leaves)).toBe(true)
  expect(db.select().from(scoreEntries).all()).toHaveLength(panel.seats.length * leaves)
  expect(db.select().from(scoreSubmissions).all()).toHaveLength(panel.seats.length)
  expect(verifyAuditChain(db, TEST_AUDIT_KEY).ok).toBe(true)
}, 120_000)
