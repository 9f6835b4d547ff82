// The data-scale fixture at a small size: the counts it promises, rows that hang together the way the
// services would have written them, a chain that verifies, and the refusal to write over real data.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../app/models/audit.server'
import { consolidationPage } from '../app/services/scoring.server'
import { scaleRefusal, seedScale, tableCounts } from '../db/seed/scale'
import { actorOf } from './helpers/panel-fixture'
import { makeDemoDb, makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const AT = new Date('2026-11-26T03:00:00.000Z')
const COUNTS = { engagements: 120, experts: 60, scores: 9_000 }
/** The fixture's engagements (the demo's own are older and partly without scoring). */
const FIXTURE = `e.contract_no LIKE 'SC-%'`

let temp: TempDb | undefined
afterEach(() => {
  temp?.cleanup()
  temp = undefined
})

const all = <T>(t: TempDb, query: string, ...params: unknown[]) => t.db.$client.prepare(query).all(...params) as T[]
const scalar = (t: TempDb, query: string, ...params: unknown[]) => (t.db.$client.prepare(query).get(...params) as { n: number }).n

describe('seed:scale fixture', () => {
  it('writes the promised counts on top of the demo, consistently, with a verifiable audit chain', async () => {
    temp = await makeDemoDb(AT)
    const t = temp
    const before = tableCounts(t.db)
    expect(scaleRefusal(t.db)).toBeNull()
    const summary = await seedScale(t.db, COUNTS, AT)
    const after = tableCounts(t.db)

    expect(after.engagements - before.engagements).toBe(COUNTS.engagements)
    expect(after.experts - before.experts).toBe(COUNTS.experts)
    expect(after.score_entries - before.score_entries).toBe(COUNTS.scores)
    expect(summary.rows.score_entries).toBe(COUNTS.scores)
    expect(all(t, 'PRAGMA foreign_key_check')).toEqual([])
    expect(all<{ integrity_check: string }>(t, 'PRAGMA integrity_check')[0]?.integrity_check).toBe('ok')

    // Every stage is represented, and each engagement's history walks forward one stage at a time to where it stands.
    expect(scalar(t, `SELECT count(DISTINCT stage) AS n FROM engagements`)).toBe(12)
    expect(all(t, `SELECT e.id FROM engagements e WHERE e.stage <> (SELECT to_stage FROM stage_transitions s WHERE s.engagement_id = e.id ORDER BY at DESC LIMIT 1)`)).toEqual([])
    // Scoring exists exactly from 专家评审 on; a submitted sheet has every leaf; a closed round has its stored consolidation.
    const scoredStages = `('expert_review','draft_report','consultation','finalized','submitted','rectification','archived')`
    expect(scalar(t, `SELECT count(*) AS n FROM engagements e LEFT JOIN scoring_rounds r ON r.engagement_id = e.id WHERE ${FIXTURE} AND (e.stage IN ${scoredStages}) <> (r.id IS NOT NULL)`)).toBe(0)
    const leafCounts = all<{ n: number }>(t, `SELECT count(DISTINCT s.code) AS n FROM score_submissions sub JOIN score_entries s ON s.seat_id = sub.seat_id GROUP BY sub.seat_id`)
    expect(new Set(leafCounts.map((r) => r.n)).size).toBe(1)
    expect(scalar(t, `SELECT count(*) AS n FROM scoring_rounds r LEFT JOIN consolidation_results c ON c.round_id = r.id WHERE (r.phase = 'closed') <> (c.id IS NOT NULL)`)).toBe(0)
    expect(scalar(t, `SELECT count(*) AS n FROM score_entries WHERE score < 0`)).toBe(0)
    // Reports were submitted exactly from 提交 on; a pending one only while the stage is 提交.
    expect(scalar(t, `SELECT count(*) AS n FROM engagements e WHERE ${FIXTURE} AND e.stage IN ('submitted','rectification','archived') AND NOT EXISTS (SELECT 1 FROM report_submissions s WHERE s.engagement_id = e.id)`)).toBe(0)
    expect(scalar(t, `SELECT count(*) AS n FROM report_submissions s JOIN engagements e ON e.id = s.engagement_id WHERE s.status = 'pending' AND e.stage <> 'submitted'`)).toBe(0)

    // The scoring overview the lead opens works on a fixture engagement.
    const closed = all<{ id: string }>(t, `SELECT engagement_id AS id FROM scoring_rounds WHERE phase = 'closed' LIMIT 1`)[0]!
    const agency = all<{ name: string }>(t, `SELECT o.name FROM engagements e JOIN organizations o ON o.id = e.agency_id WHERE e.id = ?`, closed.id)[0]!
    const admin = all<{ username: string }>(t, `SELECT u.username FROM users u JOIN organizations o ON o.id = u.organization_id WHERE o.name = ? AND u.role = 'agency_admin'`, agency.name)[0]!
    const page = consolidationPage(t.db, actorOf(t.db, admin.username), closed.id, undefined)
    if (!page || !('experts' in page)) throw new Error('the scoring overview of a closed fixture round did not open')
    expect(page.experts).toHaveLength(5)
    expect(page.consolidation?.total).toBeGreaterThan(0)

    const chain = verifyAuditChain(t.db, TEST_AUDIT_KEY)
    expect(chain.ok).toBe(true)
    expect(scalar(t, `SELECT count(*) AS n FROM audit_log WHERE action = 'engagement.create'`)).toBe(COUNTS.engagements)
    expect(scalar(t, `SELECT count(*) AS n FROM audit_log WHERE action = 'scoring.submit'`)).toBe(after.score_submissions)
    // A second run is refused whatever the flags.
    expect(scaleRefusal(t.db)).toEqual({ reason: expect.stringContaining('已写入过规模测试数据'), forceable: false })
  }, 120_000)

  it('takes a new database (demo first), refuses other data unless forced, and says so in Chinese', async () => {
    temp = makeTempDb()
    process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
    expect(scaleRefusal(temp.db)).toBeNull()
    await seedScale(temp.db, { engagements: 8, experts: 6, scores: 0 }, AT)
    expect(scalar(temp, `SELECT count(*) AS n FROM users WHERE username = 'mingjian.li'`)).toBe(1)
    expect(scalar(temp, `SELECT count(*) AS n FROM score_entries`)).toBe(0)
    expect(verifyAuditChain(temp.db, TEST_AUDIT_KEY).ok).toBe(true)
    temp.cleanup()

    temp = await makeDemoDb(AT)
    const dbFile = temp.file
    temp.db.$client.prepare(`INSERT INTO organizations (id, kind, name, region, created_at, updated_at) VALUES ('01JREAL0000000000000000000', 'agency', '真实评价机构', '', ?, ?)`).run(AT.toISOString(), AT.toISOString())
    expect(scaleRefusal(temp.db)).toEqual({ reason: expect.stringContaining('机构 1 个'), forceable: true })
    const run = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        path.resolve('node_modules/.bin/tsx'),
        [path.resolve('cli/evaldesk.ts'), 'seed:scale', '--engagements', '5', '--experts', '5', '--scores', '0'],
        { env: { ...process.env, EVALDESK_DB: dbFile, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, out: stdout + stderr }),
      )
    })
    expect(run.code).toBe(1)
    expect(run.out).toContain('除演示数据外还有其他数据')
    expect(run.out).toContain('--force')
    expect(scalar(temp, `SELECT count(*) AS n FROM engagements`)).toBe(8)
  }, 120_000)
})
