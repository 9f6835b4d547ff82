// draw:replay through the real CLI: a recorded draw matches; a record edited behind the triggers
// does not (exit 1, naming the difference); unknown and malformed ids are refused.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { draws, engagements, experts, users } from '../db/schema'
import { seedDemo } from '../db/seed/demo'
import { migrateDatabase } from '../db/client.server'
import { ensureLibrary } from '../db/seed/library'
import type { Role } from '../app/domain/roles'
import { drawPanel, savePanel } from '../app/services/panel.server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')
let dir: string
let dbFile: string
let drawId = ''

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: dbFile, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY }
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

function form(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x)
  return fd
}

beforeAll(async () => {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-cli-draw-'))
  dbFile = path.join(dir, 'evaldesk.db')
  const db: Db = openDatabase(dbFile)
  migrateDatabase(db)
  const at = new Date('2026-05-01T00:00:00.000Z')
  ensureLibrary(db, at)
  await seedDemo(db, at)
  expect(db.select().from(experts).all().length).toBeGreaterThan(10)
  const u = db.select().from(users).where(eq(users.username, 'mingjian.admin')).get()!
  const actor = { userId: u.id, role: u.role as Role, organizationId: u.organizationId, orgAdmin: true, evaluatedUnitId: null }
  const e = db.select().from(engagements).where(eq(engagements.name, '2025年滨江区基本公共卫生服务项目绩效运行监控')).get()!
  const saved = savePanel(db, actor, e.id, form({ size: '3', reserveCount: '1', reviewDate: '2026-06-10', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48', quotaSpecialty: ['finance'], quotaCount: ['1'] }), at)
  expect(saved.ok).toBe(true)
  const drawn = drawPanel(db, actor, e.id, form({ version: '1' }), at)
  if (!drawn.ok) throw new Error(JSON.stringify(drawn.errors))
  drawId = drawn.value.drawId
  db.$client.close()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('evaldesk draw:replay', () => {
  it('confirms a recorded draw, and exits 1 naming the difference once the record was edited', async () => {
    const ok = await cli('draw:replay', drawId)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('复核一致')

    const db = openDatabase(dbFile)
    db.$client.exec('DROP TRIGGER draws_no_update')
    const row = db.select().from(draws).where(eq(draws.id, drawId)).get()!
    const record = JSON.parse(row.recordJson) as { seats: { expertId: string }[]; reserves: { expertId: string }[] }
    // Swap the first seat with the reserve: what someone steering the result would do.
    const first = record.seats[0]!.expertId
    record.seats[0]!.expertId = record.reserves[0]!.expertId
    record.reserves[0]!.expertId = first
    db.update(draws).set({ recordJson: JSON.stringify(record) }).where(eq(draws.id, drawId)).run()
    db.$client.close()

    const tampered = await cli('draw:replay', drawId)
    expect(tampered.code).toBe(1)
    expect(tampered.stderr).toContain('复核不一致')
    expect(tampered.stderr).toMatch(/第 1 位不一致/)
  })

  it('refuses an unknown or malformed id', async () => {
    const unknown = await cli('draw:replay', '01ARZ3NDEKTSV4RRFFQ69G5FAV')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('未找到抽取记录')
    expect((await cli('draw:replay', 'nope')).code).toBe(2)
  })
})
