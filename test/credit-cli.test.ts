// credit:show through the real CLI on a temporary database, with entries recorded through the credit
// service: the grade on a date before an entry's expiry and on its expiry date differ as the policy
// says; the policy is the one named, else the bureau last worked for, else the default; a grave entry
// under appeal counts and blacklists; unknown ids exit 1, a bad date exits 2.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { organizations } from '../db/schema'
import { DEFAULT_POLICY } from '../app/domain/credit/policy'
import { newId } from '../app/ids.server'
import { auditActor } from '../app/models/audit.server'
import { entryById, insertAppeal, recordEntry, savePolicyVersion, type NewEntry } from '../app/services/credit.server'
import { inTransaction } from '../app/services/transaction.server'
import { actorOf } from './helpers/panel-fixture'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')
const AT = new Date('2026-01-20T02:00:00.000Z')
let temp: TempDb
let newAgency: string
let agencyA: string
let bureauX: string
let bureauY: string
let graveEntry: string

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: temp.file, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY }
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

type Shown = {
  subject: { id: string; type: string; name: string }
  policy: { id: string; version: number; name: string; caption: string; bureauId: string | null; bureauName: string | null; basis: string }
  date: string
  entries: { id: string; kind: string; severity: string | null; points: number; hundredths: number; status: string; underAppeal: boolean }[]
  notCounted: { id: string; status: string }[]
  score: number
  scoreHundredths: number
  grade: string
  blacklisting: { active: boolean; from: string; to: string; rule: { id: string; label: string; years: number } } | null
}

async function shown(...args: string[]): Promise<Shown> {
  const run = await cli('credit:show', ...args, '--json')
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout) as Shown
}

const orgId = (name: string) => temp.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name)).get()!.id

beforeAll(async () => {
  temp = await makeDemoDb(new Date('2026-01-05T00:00:00.000Z'))
  agencyA = orgId('浙江明鉴绩效评价咨询有限公司')
  bureauX = orgId('杭州市滨江区财政局')
  bureauY = orgId('杭州市西湖区财政局')
  newAgency = newId()
  temp.db.insert(organizations).values({ id: newAgency, kind: 'agency', name: '新设评价机构', createdAt: AT.toISOString(), updatedAt: AT.toISOString() }).run()
  const reviewer = actorOf(temp.db, 'binjiang.finance')
  const issued = (subject: string, more: Partial<NewEntry>): NewEntry => ({
    subject: { type: 'agency', id: subject },
    kind: 'underpricing',
    severity: 'serious',
    points: null,
    effectiveOn: '2026-01-10',
    expiresOn: null,
    description: '恶意低价',
    source: 'bureau',
    sourceRef: null,
    issuerOrgId: bureauX,
    issuedBy: reviewer.userId,
    bureauId: bureauX,
    engagementId: null,
    ...more,
  })
  const { id: _id, version: _version, ...draft } = DEFAULT_POLICY
  inTransaction(temp.db, (tx) => {
    expect(savePolicyVersion(tx, actorOf(temp.db, 'xihu.finance'), bureauY, { ...draft, name: '西湖区信用政策', baseScore: 9_000 }, AT).ok).toBe(true)
    recordEntry(tx, issued(newAgency, { expiresOn: '2026-07-10' }), auditActor(reviewer), AT)
    graveEntry = recordEntry(tx, issued(agencyA, { kind: 'false_report', severity: 'grave', effectiveOn: '2026-01-15', description: '报告数据造假' }), auditActor(reviewer), AT).id
    insertAppeal(tx, actorOf(temp.db, 'mingjian.admin'), entryById(tx, graveEntry)!, { reason: '数据另有来源' }, AT)
  })
  temp.db.$client.close()
})
afterAll(() => temp.cleanup())

describe('evaldesk credit:show', () => {
  it('counts an entry until its expiry date and not on it; the default policy when the subject worked for no bureau', async () => {
    const before = await shown(newAgency, '--at', '2026-07-09')
    expect(before).toMatchObject({
      subject: { id: newAgency, type: 'agency', name: '新设评价机构' },
      policy: { id: 'default', version: 1, name: '默认信用政策', caption: '默认信用政策（第 1 版）', bureauId: null, basis: 'default' },
      date: '2026-07-09',
      score: 80,
      scoreHundredths: 8_000,
      grade: 'B',
      blacklisting: null,
      notCounted: [],
    })
    expect(before.entries).toEqual([{ id: expect.any(String) as string, kind: 'underpricing', kindLabel: '恶意低价', severity: 'serious', points: -20, hundredths: -2_000, status: 'active', underAppeal: false }])
    const after = await shown(newAgency, '--at', '2026-07-10')
    expect(after).toMatchObject({ score: 100, grade: 'A', entries: [], notCounted: [{ id: before.entries[0]!.id, status: 'expired' }] })
    const earlier = await shown(newAgency, '--at', '2026-01-09')
    expect(earlier).toMatchObject({ score: 100, grade: 'A', entries: [], notCounted: [{ status: 'not_yet_effective' }] })
  })

  it("uses the bureau named, else the one the subject last worked for; a grave entry under appeal counts and blacklists", async () => {
    const named = await shown(agencyA, '--at', '2026-02-01', '--bureau', bureauY)
    expect(named.policy).toMatchObject({ id: bureauY, version: 1, caption: '西湖区信用政策（第 1 版）', bureauName: '杭州市西湖区财政局', basis: 'option' })
    expect(named.entries.find((e) => e.id === graveEntry)).toMatchObject({ severity: 'grave', points: -40, status: 'active', underAppeal: true })
    expect(named).toMatchObject({ grade: 'D', blacklisting: { active: true, from: '2026-01-15', to: '2029-01-14', rule: { id: 'falsification' } } })
    const latest = await shown(agencyA, '--at', '2026-02-01')
    expect(latest.policy).toMatchObject({ id: 'default', bureauId: bureauX, bureauName: '杭州市滨江区财政局', basis: 'latest_bureau' })
    expect(latest.scoreHundredths - named.scoreHundredths).toBe(1_000)
  })

  it('prints a Chinese summary without --json', async () => {
    const run = await cli('credit:show', agencyA, '--at', '2026-02-01')
    expect(run.code).toBe(0)
    for (const s of ['信用主体：浙江明鉴绩效评价咨询有限公司（评价机构', '信用政策：默认信用政策（第 1 版），按该主体最近服务的杭州市滨江区财政局的政策', '日期：2026-02-01', '虚假或误导性报告（严重） −40 分（申诉中）', '信用等级 D（60 分以下）', '失信情况：列入失信名单：2026-01-15 至 2029-01-14'])
      expect(run.stdout).toContain(s)
  })

  it('refuses an unknown subject or bureau (exit 1) and a malformed date (exit 2)', async () => {
    const unknown = await cli('credit:show', newId(), '--json')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('未找到信用主体')
    const bureau = await cli('credit:show', agencyA, '--bureau', agencyA)
    expect(bureau.code).toBe(1)
    expect(bureau.stderr).toContain('未找到财政部门')
    const date = await cli('credit:show', agencyA, '--at', '2026-02-30')
    expect(date.code).toBe(2)
    expect(date.stderr).toContain('--at：日期格式应为 YYYY-MM-DD')
  })
})
