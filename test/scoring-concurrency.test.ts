// 20 experts score and submit at the same time on one engagement, each in its own worker thread
// with its own connection to the same SQLite file: nothing is lost, no SQLITE_BUSY reaches anyone,
// and the audit chain verifies.
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { experts, frameworks, frameworkVersions, scoreEntries, scoreSubmissions, seats, users } from '../db/schema'
import { newId } from '../app/ids.server'
import { verifyAuditChain } from '../app/models/audit.server'
import { certify } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { expertScoringPage, startScoring } from '../app/services/scoring.server'
import { form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const EXPERTS = 20
const AT = new Date('2026-06-01T01:00:00.000Z')
let temp: TempDb
let db: Db
let panel: ReadyPanel

beforeAll(async () => {
  temp = await makeDemoDb(AT)
  db = temp.db
  panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: 15, at: AT })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), AT)
  for (const s of panel.seats) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', AT)
  if (!startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), AT).ok) throw new Error('scoring not started')
  // A panel holds at most 15; five more seated experts (written directly) make the 20 the issue asks for.
  const template = db.select().from(seats).where(eq(seats.id, panel.seats[0]!.seatId)).get()!
  for (let i = 0; i < EXPERTS - 15; i++) {
    const userId = newId()
    const expertId = newId()
    const seatId = newId()
    const iso = AT.toISOString()
    db.insert(users).values({ id: userId, username: `fx.extra${i}`, displayName: `加席专家${i + 1}`, role: 'expert', passwordHash: 'x', createdAt: iso, updatedAt: iso }).run()
    db.insert(experts).values({ id: expertId, userId, name: `加席专家${i + 1}`, employer: '某研究院', title: 'other', createdAt: iso, updatedAt: iso }).run()
    db.insert(seats).values({ ...template, id: seatId, expertId, position: 16 + i, isLeader: false, version: 1 }).run()
    panel.seats.push({ seatId, expertId, name: `加席专家${i + 1}`, actor: { userId, role: 'expert', organizationId: null, orgAdmin: false, evaluatedUnitId: null } })
  }
  for (const s of panel.seats.slice(15)) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', AT)
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
