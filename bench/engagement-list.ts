// `npm run bench:engagements`: the engagement list at 10,000 engagements (2 agencies, 2 bureaus).
// Prints timings (median / p95, milliseconds) and query plans; asserts nothing.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { desc } from 'drizzle-orm'
import { migrateDatabase, openDatabase, type Db } from '../db/client.server'
import { engagements } from '../db/schema'
import { ENGAGEMENT_KIND_CODES } from '../app/domain/engagement'
import type { EngagementScope } from '../app/domain/permissions'
import { STAGE_CODES } from '../app/domain/stages'
import { newId } from '../app/ids.server'
import {
  countByStage,
  countEngagements,
  findEngagementInScope,
  listBureausInScope,
  listEngagements,
  listYearsInScope,
  scopeCondition,
  type EngagementListQuery,
} from '../app/models/engagement.server'

const TOTAL = Number(process.env.BENCH_ENGAGEMENTS ?? 10_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 40)

/** A small deterministic generator, so every run measures the same data. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

type Fixture = {
  agencies: string[]
  bureaus: string[]
  unitsByBureau: Record<string, string[]>
  staffByAgency: Record<string, string[]>
}

function populate(db: Db): Fixture {
  const sqlite = db.$client
  const random = rng(20261126)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const at = new Date('2026-11-26T00:00:00.000Z')
  const iso = at.toISOString()
  const insertOrg = sqlite.prepare(
    `INSERT INTO organizations (id, kind, name, region, status, created_at, updated_at, version) VALUES (?, ?, ?, '', 'active', ?, ?, 1)`,
  )
  const insertUser = sqlite.prepare(
    `INSERT INTO users (id, username, display_name, role, organization_id, password_hash, status, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, 'x', 'active', ?, ?, 1)`,
  )
  const insertUnit = sqlite.prepare(
    `INSERT INTO evaluated_units (id, finance_bureau_id, name, competent_department, created_at) VALUES (?, ?, ?, ?, ?)`,
  )
  const insertEngagement = sqlite.prepare(
    `INSERT INTO engagements (id, agency_id, finance_bureau_id, name, year, kind, budget_type, funds_fen, period_start, period_end,
       contract_no, lead_user_id, stage, stage_changed_at, created_by, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, 'general_public', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  )
  const insertMember = sqlite.prepare(`INSERT OR IGNORE INTO engagement_members (engagement_id, user_id) VALUES (?, ?)`)
  const insertEngagementUnit = sqlite.prepare(
    `INSERT OR IGNORE INTO engagement_units (engagement_id, evaluated_unit_id, position) VALUES (?, ?, ?)`,
  )
  const insertTransition = sqlite.prepare(
    `INSERT INTO stage_transitions (id, engagement_id, from_stage, to_stage, actor_user_id, note, at) VALUES (?, ?, ?, ?, ?, '', ?)`,
  )

  const fixture: Fixture = { agencies: [], bureaus: [], unitsByBureau: {}, staffByAgency: {} }
  sqlite.transaction(() => {
    for (let a = 0; a < 2; a++) {
      const id = newId()
      insertOrg.run(id, 'agency', `基准评价机构${a + 1}`, iso, iso)
      fixture.agencies.push(id)
      fixture.staffByAgency[id] = Array.from({ length: 12 }, (_, u) => {
        const userId = newId()
        insertUser.run(userId, `bench.a${a}.u${u}`, `评价人员${a}-${u}`, u === 0 ? 'agency_admin' : 'evaluator', id, iso, iso)
        return userId
      })
    }
    for (let b = 0; b < 2; b++) {
      const id = newId()
      insertOrg.run(id, 'finance_bureau', `基准财政局${b + 1}`, iso, iso)
      fixture.bureaus.push(id)
      fixture.unitsByBureau[id] = Array.from({ length: 60 }, (_, u) => {
        const unitId = newId()
        insertUnit.run(unitId, id, `基准单位${b}-${u}`, `主管部门${b}-${u % 12}`, iso)
        return unitId
      })
    }
    for (let i = 0; i < TOTAL; i++) {
      const id = newId()
      const agency = pick(fixture.agencies)
      const bureau = pick(fixture.bureaus)
      const staff = fixture.staffByAgency[agency]!
      const lead = pick(staff)
      const year = 2019 + Math.floor(random() * 8)
      const stage = pick(STAGE_CODES)
      const created = new Date(at.getTime() - Math.floor(random() * 3 * 365) * 86_400_000 - i * 1000)
      const updated = new Date(created.getTime() + Math.floor(random() * 200) * 86_400_000)
      insertEngagement.run(
        id,
        agency,
        bureau,
        `${year}年基准项目第${i + 1}号支出绩效评价`,
        year,
        pick(ENGAGEMENT_KIND_CODES),
        Math.floor(random() * 50_000) * 1_000_000 + Math.floor(random() * 1_000_000),
        `${year}-01-01`,
        `${year}-12-31`,
        `HT-${year}-${i}`,
        lead,
        stage,
        updated.toISOString(),
        lead,
        created.toISOString(),
        updated.toISOString(),
      )
      const units = fixture.unitsByBureau[bureau]!
      const unitCount = 1 + Math.floor(random() * 2)
      for (let u = 0; u < unitCount; u++) insertEngagementUnit.run(id, pick(units), u)
      for (let m = 0; m < 2; m++) insertMember.run(id, pick(staff))
      insertTransition.run(newId(), id, null, 'commissioned', lead, created.toISOString())
      if (stage !== 'commissioned') insertTransition.run(newId(), id, 'commissioned', stage, lead, updated.toISOString())
    }
  })()
  sqlite.exec('ANALYZE')
  return fixture
}

function time(fn: () => unknown): { median: number; p95: number } {
  for (let i = 0; i < 3; i++) fn() // warm the page cache and statement cache
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint()
    fn()
    samples.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  samples.sort((a, b) => a - b)
  return { median: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]! }
}

function plan(db: Db, scope: EngagementScope): string {
  const q = db.select({ id: engagements.id }).from(engagements).where(scopeCondition(scope)).orderBy(desc(engagements.updatedAt), desc(engagements.id)).limit(20).toSQL()
  const rows = db.$client.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]
  return rows.map((r) => r.detail).join(' | ')
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-bench-'))
  const db = openDatabase(path.join(dir, 'bench.db'))
  try {
    migrateDatabase(db)
    const t0 = Date.now()
    const f = populate(db)
    console.log(`已生成 ${TOTAL} 个评价项目（2 个机构、2 个财政局），用时 ${Date.now() - t0} ms；每项测量 ${RUNS} 次。\n`)

    const agency: EngagementScope = { kind: 'agency', organizationId: f.agencies[0]! }
    const bureau: EngagementScope = { kind: 'bureau', organizationId: f.bureaus[0]! }
    const unit: EngagementScope = { kind: 'unit', evaluatedUnitId: f.unitsByBureau[f.bureaus[0]!]![0]! }
    const base: EngagementListQuery = { sort: 'updated', direction: 'desc', page: 1 }
    const anyId = db.select({ id: engagements.id }).from(engagements).where(scopeCondition(agency)).limit(1).get()!.id

    const cases: [string, () => unknown][] = [
      ['机构 · 默认（最近更新↓）第 1 页', () => listEngagements(db, agency, base)],
      ['机构 · 年度=2024', () => listEngagements(db, agency, { ...base, year: 2024 })],
      ['机构 · 阶段=专家评审', () => listEngagements(db, agency, { ...base, stage: 'expert_review' })],
      ['机构 · 类型+财政局', () => listEngagements(db, agency, { ...base, kind: 'project', financeBureauId: f.bureaus[1]! })],
      ['机构 · 年度+阶段+类型', () => listEngagements(db, agency, { ...base, year: 2025, stage: 'fieldwork', kind: 'policy' })],
      ['机构 · 按名称↑', () => listEngagements(db, agency, { ...base, sort: 'name', direction: 'asc' })],
      ['机构 · 按阶段顺序↑', () => listEngagements(db, agency, { ...base, sort: 'stage', direction: 'asc' })],
      ['机构 · 按资金↓', () => listEngagements(db, agency, { ...base, sort: 'funds', direction: 'desc' })],
      ['机构 · 按年度↓ 第 100 页', () => listEngagements(db, agency, { ...base, sort: 'year', page: 100 })],
      ['机构 · 负责人（我负责的项目）', () => listEngagements(db, agency, { ...base, leadUserId: f.staffByAgency[f.agencies[0]!]![1]!, pageSize: 10 })],
      ['财政局 · 默认', () => listEngagements(db, bureau, base)],
      ['财政局 · 年度=2023 按资金↓', () => listEngagements(db, bureau, { ...base, year: 2023, sort: 'funds' })],
      ['被评价单位 · 默认', () => listEngagements(db, unit, base)],
      ['计数 · 机构全部', () => countEngagements(db, agency, {})],
      ['计数 · 机构 年度=2024', () => countEngagements(db, agency, { year: 2024 })],
      ['计数 · 各阶段（工作台）', () => countByStage(db, agency)],
      ['筛选项 · 年度列表', () => listYearsInScope(db, agency)],
      ['筛选项 · 财政局列表', () => listBureausInScope(db, agency)],
      ['详情 · 按 id 读取', () => findEngagementInScope(db, agency, anyId)],
    ]
    const width = Math.max(...cases.map(([name]) => name.length)) + 2
    console.log(`${'查询'.padEnd(width, '　')}  中位数(ms)   p95(ms)`)
    for (const [name, fn] of cases) {
      const { median, p95 } = time(fn)
      console.log(`${name.padEnd(width, '　')}  ${median.toFixed(3).padStart(9)}  ${p95.toFixed(3).padStart(9)}`)
    }
    console.log('\n查询计划（最近更新排序）：')
    for (const [label, scope] of [['机构', agency], ['财政局', bureau], ['被评价单位', unit]] as const) {
      console.log(`  ${label}: ${plan(db, scope)}`)
    }
  } finally {
    db.$client.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main()
