// consolidate through the real CLI: the same result as the service, as JSON and as text.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../db/client.server'
import { frameworks, frameworkVersions } from '../db/schema'
import { ensureLibrary } from '../db/seed/library'
import { seedDemo } from '../db/seed/demo'
import { certify } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { consolidationOf, expertScoringPage, saveScore, startScoring, submitScores } from '../app/services/scoring.server'
import { form, readyPanel } from './helpers/panel-fixture'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')
let dir = ''
let dbFile = ''
let engagementId = ''
let expected = 0

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: dbFile, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY }
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

beforeAll(async () => {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-cli-consolidate-'))
  dbFile = path.join(dir, 'evaldesk.db')
  const db = openDatabase(dbFile)
  migrateDatabase(db)
  const at = new Date('2026-06-01T00:00:00.000Z')
  ensureLibrary(db, at)
  await seedDemo(db, at)
  const panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: 3, at })
  engagementId = panel.engagementId
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  startSheet(db, panel.lead, engagementId, form({ frameworkVersionId: cy2020.id }), at)
  for (const s of panel.seats) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', at)
  if (!startScoring(db, panel.lead, engagementId, form({ aggregationRule: 'median', step: '0.5' }), at).ok) throw new Error('scoring not started')
  panel.seats.forEach((s, i) => {
    for (const item of expertScoringPage(db, s.actor, s.seatId, at)!.items) {
      const score = Math.max(0, item.node.weight - 50 * i)
      saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String(score / 100), reason: score < item.node.weight ? '部分佐证不足' : '', comment: '', seen: '0' }), at)
    }
    if (!submitScores(db, s.actor, s.seatId, at).ok) throw new Error('not submitted')
  })
  expected = consolidationOf(db, engagementId)!.consolidation!.total
  db.$client.close()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

it('prints the consolidation as JSON and as text, under the declared or a chosen rule', async () => {
  const json = await cli('consolidate', engagementId, '--json')
  expect(json.code).toBe(0)
  const parsed = JSON.parse(json.stdout) as { rule: string; experts: string[]; consolidation: { total: number; grade: { grade: string } } }
  expect(parsed.rule).toBe('median')
  expect(parsed.experts).toEqual(['专家A', '专家B', '专家C'])
  expect(parsed.consolidation.total).toBe(expected)
  const text = await cli('consolidate', engagementId, '--rule', 'mean')
  expect(text.code).toBe(0)
  expect(text.stdout).toContain('汇总规则：算术平均')
  expect(text.stdout).toMatch(/总分 \d+\.\d{2}，得分率 [\d.]+%，等级 [优良中差]/)
  expect((await cli('consolidate', engagementId, '--rule', 'vote')).code).toBe(2)
  expect((await cli('consolidate', '01ARZ3NDEKTSV4RRFFQ69G5FAV')).code).toBe(1)
})
