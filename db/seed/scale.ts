// The data-scale fixture (issue 10 deliverable 8): on top of the demo, 10,000 engagements spread
// over agencies, bureaus and stages, 5,000 experts with accounts, a five-seat panel and a scoring
// round for every engagement past 专家评审, one million score rows, issued reports and review rounds
// for the submitted ones, and an audit history for all of it. Used by `evaldesk seed:scale` and
// `npm run bench:scale`; docs/decisions/022-scale.md explains the choices.
//
// Speed: rows are written by prepared statements in transactions of a few hundred engagements, not
// through the services (one service call per score would take hours). The audit rows are the
// documented bulk path: the events are collected while the data is written, then appended in time
// order with the same chainHash appendAudit uses, each batch continuing from the head it read inside
// its IMMEDIATE transaction, so `evaldesk audit:verify` accepts the chain.
import stableStringify from 'fast-json-stable-stringify'
import { eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../client.server'
import { auditLog, frameworks, frameworkVersions } from '../schema'
import { hashPassword } from '../../app/auth/password.server'
import { auditKey } from '../../app/config.server'
import { ENGAGEMENT_KIND_CODES, BUDGET_TYPE_CODES } from '../../app/domain/engagement'
import { DEFAULT_SPECIALTIES, TITLE_CODES } from '../../app/domain/experts/vocab'
import { beijingDate } from '../../app/domain/finance/rectification'
import { walkTree, type IndicatorTree } from '../../app/domain/indicators/tree'
import { codeFromBytes } from '../../app/domain/reports/verification'
import { STAGE_CODES, type Stage } from '../../app/domain/stages'
import { newId } from '../../app/ids.server'
import { chainHash, GENESIS_HASH, type AuditActor } from '../../app/models/audit.server'
import { recordEntry } from '../../app/services/credit.server'
import { recordConsolidation } from '../../app/services/scoring.server'
import { DEMO_ACCOUNTS, DEMO_ORGS, DEMO_PASSWORD, isDatabaseEmpty, seedDemo } from './demo'
import { DEMO_ENGAGEMENTS } from './demo-engagements'

export type ScaleCounts = { engagements: number; experts: number; scores: number }
export const SCALE_DEFAULTS: ScaleCounts = { engagements: 10_000, experts: 5_000, scores: 1_000_000 }

/** What the fixture wrote, by table, and how long it took. */
export type ScaleSummary = { rows: Record<string, number>; seconds: number }

export const SCALE_AUDIT_ACTION = 'seed.scale'
const PANEL_SIZE = 5
const ENGAGEMENTS_PER_TX = 250
const EXPERTS_PER_TX = 1_000
const AUDIT_ROWS_PER_TX = 20_000
const DAY = 86_400_000
const SCORED_FROM = STAGE_CODES.indexOf('expert_review')
const SUBMITTED_FROM = STAGE_CODES.indexOf('submitted')

/** Why the fixture must not be written into this database (Chinese), and whether --force may override it. */
export type ScaleRefusal = { reason: string; forceable: boolean }

/**
 * Null for a new database or one holding just the demo. Anything else is refused: the fixture is
 * thousands of made-up engagements and accounts that could never be told apart from real ones
 * afterwards. Real data may be overridden (--force); a second run or a missing demo may not, since
 * the generated names would collide and the fixture hangs off the demo's tenants.
 */
export function scaleRefusal(db: Db): ScaleRefusal | null {
  if (isDatabaseEmpty(db)) return null
  const client = db.$client
  const count = (query: string, ...params: unknown[]) => (client.prepare(query).get(...params) as { n: number }).n
  const list = (xs: readonly string[]) => xs.map(() => '?').join(',')
  if (count(`SELECT count(*) AS n FROM audit_log WHERE action = ?`, SCALE_AUDIT_ACTION) > 0) return { reason: '该数据库已写入过规模测试数据，不能重复写入', forceable: false }
  const demoUsers = DEMO_ACCOUNTS.map((a) => a.username)
  const demoOrgs = Object.values(DEMO_ORGS).map((o) => o.name)
  if (count(`SELECT count(*) AS n FROM users WHERE username IN (${list(demoUsers)})`, ...demoUsers) < demoUsers.length || count(`SELECT count(*) AS n FROM organizations WHERE name IN (${list(demoOrgs)})`, ...demoOrgs) < demoOrgs.length) {
    return { reason: '该数据库没有完整的演示机构和账号，规模测试数据建立在演示数据之上', forceable: false }
  }
  const otherUsers = count(`SELECT count(*) AS n FROM users WHERE username NOT IN (${list(demoUsers)})`, ...demoUsers)
  const otherOrgs = count(`SELECT count(*) AS n FROM organizations WHERE name NOT IN (${list(demoOrgs)})`, ...demoOrgs)
  const demoNames = DEMO_ENGAGEMENTS.map((e) => e.name)
  const otherEngagements = count(`SELECT count(*) AS n FROM engagements WHERE name NOT IN (${list(demoNames)})`, ...demoNames)
  if (otherUsers + otherOrgs + otherEngagements === 0) return null
  return { reason: `该数据库除演示数据外还有其他数据（账号 ${otherUsers} 个、机构 ${otherOrgs} 个、评价项目 ${otherEngagements} 个），规模测试数据会与之混在一起无法区分`, forceable: true }
}

/** A small deterministic generator: the same counts always give the same fixture (ids aside). */
function rng(seed: number) {
  let s = seed >>> 0
  const next = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  }
}
type Random = ReturnType<typeof rng>

type AuditEvent = { at: string; actor: AuditActor; action: string; entity: string; entityId: string; after: unknown }

const CITIES = ['宁波', '温州', '嘉兴', '湖州', '绍兴', '金华', '衢州', '台州', '丽水', '舟山', '义乌', '海宁']
const TOPICS = ['义务教育', '基本公共卫生', '高标准农田', '城乡供水', '垃圾分类', '养老服务', '公交补贴', '乡村振兴', '科技创新', '文化惠民', '河道治理', '智慧城市', '就业补助', '住房保障', '交通安全', '食品安全']
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌宇浩凯晨琳雪梅海燕鹏飞俊峰丹玉兰春梅'
const EMPLOYERS = ['浙江大学', '浙江财经大学', '浙江工商大学', '杭州电子科技大学', '浙江省财政科学研究所', '浙江天健会计师事务所', '浙江省社会科学院', '宁波大学', '温州医科大学', '浙江农林大学', '浙江省交通规划设计研究院', '浙江工业大学']

type Ctx = {
  db: Db
  at: Date
  random: Random
  events: AuditEvent[]
  rows: Record<string, number>
  passwordHash: string
}

function bump(ctx: Ctx, table: string, n = 1) {
  ctx.rows[table] = (ctx.rows[table] ?? 0) + n
}

const iso = (t: number) => new Date(t).toISOString()

type Tenant = { id: string; name: string; users: { id: string; role: 'agency_admin' | 'evaluator' | 'finance_reviewer' }[] }
type Bureau = Tenant & { units: { id: string; name: string }[] }

function insertStatements(db: Db) {
  const c = db.$client
  return {
    org: c.prepare(`INSERT INTO organizations (id, kind, name, credit_code, region, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    user: c.prepare(
      `INSERT INTO users (id, username, display_name, role, organization_id, org_admin, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    unit: c.prepare(`INSERT INTO evaluated_units (id, finance_bureau_id, name, competent_department, created_at) VALUES (?, ?, ?, ?, ?)`),
    expert: c.prepare(
      `INSERT INTO experts (id, user_id, name, employer, title, region, phone, email, status, credit_score, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    specialty: c.prepare(`INSERT INTO expert_specialties (expert_id, specialty_code) VALUES (?, ?)`),
    employment: c.prepare(`INSERT INTO expert_employments (id, expert_id, organization, from_date, to_date) VALUES (?, ?, ?, ?, NULL)`),
    unavailable: c.prepare(`INSERT INTO expert_unavailability (id, expert_id, from_date, to_date, note) VALUES (?, ?, ?, ?, ?)`),
    engagement: c.prepare(
      `INSERT INTO engagements (id, agency_id, finance_bureau_id, name, year, kind, budget_type, funds_fen, period_start, period_end,
         contract_no, lead_user_id, stage, stage_changed_at, created_by, created_at, updated_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    engagementUnit: c.prepare(`INSERT INTO engagement_units (engagement_id, evaluated_unit_id, position) VALUES (?, ?, 0)`),
    member: c.prepare(`INSERT INTO engagement_members (engagement_id, user_id) VALUES (?, ?)`),
    transition: c.prepare(`INSERT INTO stage_transitions (id, engagement_id, from_stage, to_stage, actor_user_id, note, at) VALUES (?, ?, ?, ?, ?, '', ?)`),
    sheet: c.prepare(
      `INSERT INTO sheet_versions (id, engagement_id, version_no, status, tree_json, framework_version_id, created_by, created_at, updated_at, frozen_at, frozen_by)
       VALUES (?, ?, 1, 'frozen', ?, ?, ?, ?, ?, ?, ?)`,
    ),
    panel: c.prepare(
      `INSERT INTO panels (id, engagement_id, size, reserve_count, quotas_json, review_date, max_draws_per_year, credit_threshold, lookback_years, reply_hours, created_by, created_at, updated_at)
       VALUES (?, ?, ?, 0, '[]', ?, 6, NULL, 3, 48, ?, ?, ?)`,
    ),
    seat: c.prepare(
      `INSERT INTO seats (id, panel_id, draw_id, expert_id, kind, specialty_code, position, is_leader, status, manual_reason, invited_at, reply_by, responded_at, created_at, updated_at)
       VALUES (?, ?, NULL, ?, 'manual', NULL, ?, ?, 'accepted', '规模测试数据：直接委派', ?, ?, ?, ?, ?)`,
    ),
    round: c.prepare(
      `INSERT INTO scoring_rounds (id, engagement_id, sheet_version_id, phase, step_hundredths, aggregation_rule, divergence_percent, opened_by, opened_at, updated_at)
       VALUES (?, ?, ?, ?, 50, 'trimmed', 25, ?, ?, ?)`,
    ),
    score: c.prepare(
      `INSERT INTO score_entries (id, round_id, seat_id, code, version_no, score, reason, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)`,
    ),
    submission: c.prepare(`INSERT INTO score_submissions (id, round_id, seat_id, submitted_at, late) VALUES (?, ?, ?, ?, 0)`),
    reportVersion: c.prepare(
      `INSERT INTO report_versions (id, engagement_id, type, version_no, stage, title, model_json, docx_sha256, pdf_sha256, docx_size, pdf_size, generated_by, generated_at, verification_code, issued_at, note)
       VALUES (?, ?, 'evaluation', ?, 'final', ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, '规模测试数据：无报告文件')`,
    ),
    reportSubmission: c.prepare(
      `INSERT INTO report_submissions (id, engagement_id, version_id, round_no, status, submitted_by, submitted_at, decided_by, decided_at, decision_note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    audit: c.prepare(
      `INSERT INTO audit_log (seq, at, actor_user_id, actor_role, organization_id, action, entity, entity_id, before_json, after_json, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
    ),
  }
}
type Statements = ReturnType<typeof insertStatements>

const personName = (random: Random) => SURNAMES[random.int(SURNAMES.length)]! + GIVEN[random.int(GIVEN.length)]! + (random.next() < 0.6 ? GIVEN[random.int(GIVEN.length)]! : '')

function addUser(ctx: Ctx, st: Statements, username: string, role: Tenant['users'][number]['role'] | 'expert', organizationId: string | null, orgAdmin = false): string {
  const id = newId()
  const at = ctx.at.toISOString()
  st.user.run(id, username, personName(ctx.random), role, organizationId, orgAdmin ? 1 : 0, ctx.passwordHash, at, at)
  bump(ctx, 'users')
  return id
}

const CLI_ACTOR: AuditActor = { userId: null, role: 'cli', organizationId: null }

/** The demo tenants plus generated ones: agency A and bureau X carry the largest share, as the benchmark's signed-in users. */
function addTenants(ctx: Ctx, st: Statements): { agencies: Tenant[]; agencyWeights: number[]; bureaus: Bureau[]; bureauWeights: number[] } {
  const client = ctx.db.$client
  const at = ctx.at.toISOString()
  const orgId = (name: string) => (client.prepare(`SELECT id FROM organizations WHERE name = ?`).get(name) as { id: string }).id
  const demoUsersOf = (organizationId: string) =>
    client.prepare(`SELECT id, role FROM users WHERE organization_id = ? AND role IN ('agency_admin', 'evaluator', 'finance_reviewer')`).all(organizationId) as Tenant['users']
  const agencies: Tenant[] = [DEMO_ORGS.agencyA.name, DEMO_ORGS.agencyB.name].map((name) => ({ id: orgId(name), name, users: demoUsersOf(orgId(name)) }))
  const bureaus: Bureau[] = [DEMO_ORGS.bureauX.name, DEMO_ORGS.bureauY.name].map((name) => ({ id: orgId(name), name, users: demoUsersOf(orgId(name)), units: [] }))
  const newOrg = (kind: 'agency' | 'finance_bureau', name: string, i: number) => {
    const id = newId()
    st.org.run(id, kind, name, `9133${String(kind === 'agency' ? 1000 + i : 2000 + i).padStart(4, '0')}MA2SCALE${String(i).padStart(2, '0')}`.slice(0, 18), '浙江省', at, at)
    bump(ctx, 'organizations')
    ctx.events.push({ at, actor: CLI_ACTOR, action: 'organization.create', entity: 'organization', entityId: id, after: { kind, name } })
    return id
  }
  CITIES.slice(0, 8).forEach((city, i) => {
    const name = `${city}正衡绩效评价咨询有限公司`
    const id = newOrg('agency', name, i)
    const tenantUsers: Tenant['users'] = [{ id: addUser(ctx, st, `scale.agency${i}.admin`, 'agency_admin', id), role: 'agency_admin' }]
    for (let k = 0; k < 4; k++) tenantUsers.push({ id: addUser(ctx, st, `scale.agency${i}.eval${k}`, 'evaluator', id), role: 'evaluator' })
    agencies.push({ id, name, users: tenantUsers })
    const bureauName = `${city}市财政局`
    const bureauId = newOrg('finance_bureau', bureauName, i)
    bureaus.push({ id: bureauId, name: bureauName, users: [{ id: addUser(ctx, st, `scale.bureau${i}.reviewer`, 'finance_reviewer', bureauId, true), role: 'finance_reviewer' }], units: [] })
  })
  // Agency A gets more evaluators, so "my engagements" and lead filters have a spread to choose from.
  for (let k = 0; k < 6; k++) agencies[0]!.users.push({ id: addUser(ctx, st, `scale.mingjian.eval${k}`, 'evaluator', agencies[0]!.id), role: 'evaluator' })
  for (const bureau of bureaus) {
    const short = bureau.name.replace(/财政局$/, '')
    for (const [k, topic] of TOPICS.entries()) {
      for (const suffix of ['局', '中心']) {
        const id = newId()
        const name = `${short}${topic}${suffix === '局' ? '主管局' : '服务中心'}${k}`
        st.unit.run(id, bureau.id, name, `${short}${topic}主管局${k}`, at)
        bump(ctx, 'evaluated_units')
        bureau.units.push({ id, name })
      }
    }
  }
  const spread = (n: number, first: number, second: number) => [first, second, ...Array.from({ length: n - 2 }, () => (1 - first - second) / (n - 2))]
  return { agencies, agencyWeights: spread(agencies.length, 0.4, 0.1), bureaus, bureauWeights: spread(bureaus.length, 0.4, 0.1) }
}

function weighted<T>(random: Random, xs: readonly T[], weights: readonly number[]): T {
  let r = random.next()
  for (let i = 0; i < xs.length; i++) {
    r -= weights[i]!
    if (r < 0) return xs[i]!
  }
  return xs[xs.length - 1]!
}

type PoolExpert = { id: string; userId: string }

function addExperts(ctx: Ctx, st: Statements, count: number): PoolExpert[] {
  const pool: PoolExpert[] = []
  const codes = DEFAULT_SPECIALTIES.map((s) => s.code)
  const { random } = ctx
  for (let start = 0; start < count; start += EXPERTS_PER_TX) {
    const end = Math.min(count, start + EXPERTS_PER_TX)
    ctx.db.transaction(
      () => {
        const at = ctx.at.toISOString()
        const ids: string[] = []
        for (let i = start; i < end; i++) {
          const userId = addUser(ctx, st, `scale.expert${String(i).padStart(5, '0')}`, 'expert', null)
          const id = newId()
          const roll = random.next()
          const status = roll < 0.03 ? 'suspended' : roll < 0.05 ? 'retired' : 'active'
          const employer = random.pick(EMPLOYERS)
          st.expert.run(id, userId, personName(random), employer, random.pick(TITLE_CODES), `浙江省${random.pick(CITIES)}`, `139${String(10_000_000 + i)}`, `scale.expert${i}@example.com`, status, random.next() < 0.5 ? null : 60 + random.int(41), at, at)
          for (const code of new Set([random.pick(codes), random.pick(codes)])) {
            st.specialty.run(id, code)
            bump(ctx, 'expert_specialties')
          }
          st.employment.run(newId(), id, employer, `${2000 + random.int(24)}-09-01`)
          bump(ctx, 'expert_employments')
          if (random.next() < 0.05) {
            st.unavailable.run(newId(), id, beijingDate(new Date(ctx.at.getTime() + 7 * DAY)), beijingDate(new Date(ctx.at.getTime() + 37 * DAY)), '出差')
            bump(ctx, 'expert_unavailability')
          }
          ids.push(id)
          pool.push({ id, userId })
        }
        bump(ctx, 'experts', ids.length)
        ctx.events.push({ at, actor: CLI_ACTOR, action: 'expert.import', entity: 'expert', entityId: '', after: { count: ids.length, ids } })
      },
      { behavior: 'immediate' },
    )
  }
  return pool
}

type Leaf = { code: string; name: string; weight: number }

function nationalSheet(db: Db): { versionId: string; treeJson: string; leaves: Leaf[] } {
  const row = db
    .select({ id: frameworkVersions.id, treeJson: frameworkVersions.treeJson })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(eq(frameworks.libraryCode, 'cy2020-project'))
    .get()
  if (!row) throw new Error('the national project framework (cy2020-project) is not loaded')
  const tree = JSON.parse(row.treeJson) as IndicatorTree
  const leaves = walkTree(tree)
    .filter(({ node }) => node.children.length === 0)
    .map(({ node }) => ({ code: node.code, name: node.name, weight: node.weight }))
  return { versionId: row.id, treeJson: row.treeJson, leaves }
}

/** How many score rows each seat of a panel gets, and how many versions of each of its leaves. */
function seatPlans(quota: number, leafCount: number): { entries: number; extraVersions: number }[] {
  const full = Math.min(PANEL_SIZE, Math.floor(quota / leafCount))
  if (full < PANEL_SIZE) {
    return Array.from({ length: PANEL_SIZE }, (_, s) => ({ entries: s < full ? leafCount : s === full ? quota - full * leafCount : 0, extraVersions: 0 }))
  }
  // Beyond one row per leaf and seat: earlier drafts, spread over the seats.
  const extra = quota - PANEL_SIZE * leafCount
  return Array.from({ length: PANEL_SIZE }, (_, s) => {
    const mine = Math.floor(extra / PANEL_SIZE) + (s < extra % PANEL_SIZE ? 1 : 0)
    return { entries: leafCount + mine, extraVersions: mine }
  })
}

function verificationCode(random: Random, used: Set<string>): string {
  for (;;) {
    const bytes = Uint8Array.from({ length: 16 }, () => random.int(256))
    const code = codeFromBytes(bytes)
    if (code && !used.has(code)) {
      used.add(code)
      return code
    }
  }
}

type Plan = { stageIndex: number; scoreQuota: number }

function plans(random: Random, count: number, scores: number): Plan[] {
  const out = Array.from({ length: count }, () => ({ stageIndex: random.int(STAGE_CODES.length), scoreQuota: 0 }))
  const scored = out.filter((p) => p.stageIndex >= SCORED_FROM)
  scored.forEach((p, i) => (p.scoreQuota = Math.floor(scores / scored.length) + (i < scores % scored.length ? 1 : 0)))
  return out
}

function addEngagements(ctx: Ctx, st: Statements, counts: ScaleCounts, pool: PoolExpert[], progress: (line: string) => void) {
  const { random, db } = ctx
  if (counts.scores > 0 && pool.length < PANEL_SIZE) throw new Error(`评分数据至少需要 ${PANEL_SIZE} 名专家`)
  const tenants = db.transaction(() => addTenants(ctx, st), { behavior: 'immediate' })
  const sheet = nationalSheet(db)
  const todo = plans(random, counts.engagements, counts.scores)
  const codes = new Set<string>()
  for (let start = 0; start < counts.engagements; start += ENGAGEMENTS_PER_TX) {
    db.transaction(
      (tx) => {
        for (let i = start; i < Math.min(counts.engagements, start + ENGAGEMENTS_PER_TX); i++) addEngagement(ctx, st, tx, tenants, sheet, todo[i]!, i, pool, codes)
      },
      { behavior: 'immediate' },
    )
    const done = Math.min(counts.engagements, start + ENGAGEMENTS_PER_TX)
    if (done % 2_000 === 0 && done < counts.engagements) progress(`……评价项目 ${done} 个`)
  }
}

function addEngagement(
  ctx: Ctx,
  st: Statements,
  tx: Tx,
  tenants: ReturnType<typeof addTenants>,
  sheet: ReturnType<typeof nationalSheet>,
  plan: Plan,
  index: number,
  pool: PoolExpert[],
  codes: Set<string>,
) {
  const { random } = ctx
  const agency = weighted(random, tenants.agencies, tenants.agencyWeights)
  const bureau = weighted(random, tenants.bureaus, tenants.bureauWeights)
  const unit = random.pick(bureau.units)
  const staff = agency.users.filter((u) => u.role === 'evaluator')
  const lead = random.pick(staff.length > 0 ? staff : agency.users)
  const actor: AuditActor = { userId: lead.id, role: lead.role, organizationId: agency.id }
  const stage = STAGE_CODES[plan.stageIndex]!
  // One step a week; the newest history ends before `at`, creation up to three years earlier.
  const created = ctx.at.getTime() - (plan.stageIndex * 7 + 1 + random.int(3 * 365 - 100)) * DAY - random.int(DAY)
  const year = new Date(created).getUTCFullYear() - (random.next() < 0.7 ? 1 : 0)
  const kind = random.pick(ENGAGEMENT_KIND_CODES)
  const topic = random.pick(TOPICS)
  const name = `${year}年${unit.name.replace(/\d+$/, '')}${topic}资金第${index + 1}号绩效评价`
  const id = newId()
  const stepAt = (k: number) => iso(created + k * 7 * DAY)
  const changedAt = stepAt(plan.stageIndex)
  const funds = (1 + random.int(50_000)) * 1_000_000
  st.engagement.run(id, agency.id, bureau.id, name, year, kind, random.pick(BUDGET_TYPE_CODES), funds, `${year}-01-01`, `${year}-12-31`, `SC-${year}-${index + 1}`, lead.id, stage, changedAt, lead.id, iso(created), changedAt, 1 + plan.stageIndex)
  st.engagementUnit.run(id, unit.id)
  const members = staff.filter((u) => u.id !== lead.id && random.next() < 0.3)
  for (const m of members) st.member.run(id, m.id)
  bump(ctx, 'engagements')
  bump(ctx, 'engagement_members', members.length)
  ctx.events.push({ at: iso(created), actor, action: 'engagement.create', entity: 'engagement', entityId: id, after: { name, year, kind, financeBureauId: bureau.id, fundsFen: funds } })
  st.transition.run(newId(), id, null, 'commissioned', lead.id, iso(created))
  for (let k = 1; k <= plan.stageIndex; k++) {
    st.transition.run(newId(), id, STAGE_CODES[k - 1]!, STAGE_CODES[k]!, lead.id, stepAt(k))
    ctx.events.push({ at: stepAt(k), actor, action: 'engagement.stage_move', entity: 'engagement', entityId: id, after: { from: STAGE_CODES[k - 1], to: STAGE_CODES[k] } })
  }
  bump(ctx, 'stage_transitions', plan.stageIndex + 1)
  if (plan.stageIndex < SCORED_FROM) return
  const grade = addScoring(ctx, st, tx, { id, lead: lead.id, actor, stage, reviewAt: created + SCORED_FROM * 7 * DAY, closedAt: created + (SCORED_FROM + 1) * 7 * DAY - DAY }, sheet, plan.scoreQuota, pool)
  if (plan.stageIndex >= SUBMITTED_FROM) addReview(ctx, st, { id, name, lead: lead.id, actor, stage, bureau, submittedAt: created + SUBMITTED_FROM * 7 * DAY, grade }, codes)
}

type ScoringTarget = { id: string; lead: string; actor: AuditActor; stage: Stage; reviewAt: number; closedAt: number }

/** Sheet, panel, seats, round, scores and submissions; closes the round (stored consolidation) once the stage has moved on. */
function addScoring(ctx: Ctx, st: Statements, tx: Tx, e: ScoringTarget, sheet: ReturnType<typeof nationalSheet>, quota: number, pool: PoolExpert[]): string | null {
  const { random } = ctx
  const reviewAt = iso(e.reviewAt)
  const sheetId = newId()
  st.sheet.run(sheetId, e.id, sheet.treeJson, sheet.versionId, e.lead, reviewAt, reviewAt, reviewAt, e.lead)
  const panelId = newId()
  st.panel.run(panelId, e.id, PANEL_SIZE, beijingDate(new Date(e.reviewAt + DAY)), e.lead, reviewAt, reviewAt)
  const chosen = new Set<PoolExpert>()
  while (chosen.size < PANEL_SIZE) chosen.add(random.pick(pool))
  const seats = [...chosen].map((expert, position) => {
    const seatId = newId()
    st.seat.run(seatId, panelId, expert.id, position + 1, position === 0 ? 1 : 0, reviewAt, iso(e.reviewAt + 2 * DAY), reviewAt, reviewAt, reviewAt)
    return { seatId, expert }
  })
  const roundId = newId()
  const plansBySeat = seatPlans(quota, sheet.leaves.length)
  const allSubmitted = plansBySeat.every((p) => p.entries >= sheet.leaves.length)
  const closes = allSubmitted && e.stage !== 'expert_review'
  const phase = closes ? 'closed' : allSubmitted ? 'discussion' : 'scoring'
  st.round.run(roundId, e.id, sheetId, phase, e.lead, reviewAt, closes ? iso(e.closedAt) : reviewAt)
  bump(ctx, 'sheet_versions')
  bump(ctx, 'panels')
  bump(ctx, 'seats', PANEL_SIZE)
  bump(ctx, 'scoring_rounds')
  ctx.events.push({ at: reviewAt, actor: e.actor, action: 'scoring.start', entity: 'engagement', entityId: e.id, after: { roundId, sheetVersionId: sheetId, aggregationRule: 'trimmed', step: '0.5' } })
  seats.forEach(({ seatId, expert }, s) => {
    const plan = plansBySeat[s]!
    const expertActor: AuditActor = { userId: expert.userId, role: 'expert', organizationId: null }
    const versions: Record<string, number> = {}
    let t = e.reviewAt + (s + 1) * 3_600_000
    for (let n = 0; n < plan.entries; n++) {
      // Drafts first (the first `extraVersions` rows revisit leaves), then one final row per leaf.
      const leaf = n < plan.extraVersions ? sheet.leaves[n % sheet.leaves.length]! : sheet.leaves[n - plan.extraVersions]!
      const deduction = Math.min(leaf.weight, random.int(4) * 50)
      const versionNo = (versions[leaf.code] ?? 0) + 1
      versions[leaf.code] = versionNo
      st.score.run(newId(), roundId, seatId, leaf.code, versionNo, leaf.weight - deduction, deduction > 0 ? `「${leaf.name}」佐证材料不完整` : '', expert.userId, iso((t += 20_000)))
    }
    bump(ctx, 'score_entries', plan.entries)
    if (plan.entries >= sheet.leaves.length) {
      const submittedAt = iso(t + 60_000)
      st.submission.run(newId(), roundId, seatId, submittedAt)
      bump(ctx, 'score_submissions')
      ctx.events.push({ at: submittedAt, actor: expertActor, action: 'scoring.submit', entity: 'seat', entityId: seatId, after: { engagementId: e.id, roundId, late: false, entries: versions } })
    }
  })
  if (!closes) return null
  const stored = recordConsolidation(tx, e.id, e.lead, iso(e.closedAt))
  bump(ctx, 'consolidation_results')
  ctx.events.push({ at: iso(e.closedAt), actor: e.actor, action: 'scoring.phase', entity: 'engagement', entityId: e.id, after: { to: 'closed', total: stored?.total, grade: stored?.grade } })
  return stored?.grade ?? null
}

type ReviewTarget = { id: string; name: string; lead: string; actor: AuditActor; stage: Stage; bureau: Bureau; submittedAt: number; grade: string | null }

/** An issued final report and its review rounds: pending while 提交, accepted after; one in ten was returned once first. */
function addReview(ctx: Ctx, st: Statements, e: ReviewTarget, codes: Set<string>) {
  const { random } = ctx
  const reviewer = e.bureau.users[0]!
  const reviewerActor: AuditActor = { userId: reviewer.id, role: 'finance_reviewer', organizationId: e.bureau.id }
  const rounds = random.next() < 0.1 ? 2 : 1
  for (let roundNo = 1; roundNo <= rounds; roundNo++) {
    const issuedAt = iso(e.submittedAt - DAY + (roundNo - 1) * 2 * DAY)
    const versionId = newId()
    const code = verificationCode(random, codes)
    const model = JSON.stringify({ title: `${e.name}报告`, scoring: e.grade ? { grade: { grade: e.grade } } : null })
    st.reportVersion.run(versionId, e.id, roundNo, `${e.name}报告`, model, '0'.repeat(64), '0'.repeat(64), e.lead, issuedAt, code, issuedAt)
    ctx.events.push({ at: issuedAt, actor: e.actor, action: 'report.issue', entity: 'report_version', entityId: versionId, after: { engagementId: e.id, versionNo: roundNo, verificationCode: code } })
    const submittedAt = iso(e.submittedAt + (roundNo - 1) * 2 * DAY)
    const last = roundNo === rounds
    const status = !last ? 'returned' : e.stage === 'submitted' ? 'pending' : 'accepted'
    const decidedAt = status === 'pending' ? null : iso(e.submittedAt + (roundNo - 1) * 2 * DAY + DAY)
    const submissionId = newId()
    st.reportSubmission.run(submissionId, e.id, versionId, roundNo, status, e.lead, submittedAt, decidedAt ? reviewer.id : null, decidedAt, status === 'returned' ? '请补充满意度调查的样本说明' : '')
    ctx.events.push({ at: submittedAt, actor: e.actor, action: 'review.submit', entity: 'report_submission', entityId: submissionId, after: { engagementId: e.id, roundNo, versionId } })
    if (decidedAt) ctx.events.push({ at: decidedAt, actor: reviewerActor, action: 'review.decide', entity: 'report_submission', entityId: submissionId, after: { engagementId: e.id, status } })
    bump(ctx, 'report_versions')
    bump(ctx, 'report_submissions')
  }
}

/** Appends the collected history to the chain in time order, continuing from the current head. */
function writeAudit(ctx: Ctx, st: Statements) {
  const key = auditKey()
  const events = ctx.events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  for (let start = 0; start < events.length; start += AUDIT_ROWS_PER_TX) {
    ctx.db.transaction(
      (tx) => {
        const head = tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(sql`${auditLog.seq} desc`).limit(1).get()
        let seq = head?.seq ?? 0
        let prevHash = head?.hash ?? GENESIS_HASH
        for (const event of events.slice(start, start + AUDIT_ROWS_PER_TX)) {
          seq += 1
          const fields = {
            seq,
            at: event.at,
            actorUserId: event.actor.userId,
            actorRole: event.actor.role,
            organizationId: event.actor.organizationId,
            action: event.action,
            entity: event.entity,
            entityId: event.entityId,
            beforeJson: null,
            afterJson: stableStringify(event.after),
          }
          const hash = chainHash(key, prevHash, fields)
          st.audit.run(seq, fields.at, fields.actorUserId, fields.actorRole, fields.organizationId, fields.action, fields.entity, fields.entityId, fields.afterJson, prevHash, hash)
          prevHash = hash
        }
      },
      { behavior: 'immediate' },
    )
  }
  bump(ctx, 'audit_log', events.length)
  ctx.events = []
}

/** A few hundred credit entries through the credit service (each with its snapshot and audit row): commendations, late deliverables, a few blacklistings. */
function addCredit(ctx: Ctx, pool: PoolExpert[]): number {
  const { random, db } = ctx
  const client = db.$client
  const bureau = client.prepare(`SELECT id FROM organizations WHERE name = ?`).get(DEMO_ORGS.bureauX.name) as { id: string }
  const reviewer = client.prepare(`SELECT id FROM users WHERE organization_id = ? AND role = 'finance_reviewer' LIMIT 1`).get(bureau.id) as { id: string }
  const agencies = client.prepare(`SELECT id FROM organizations WHERE kind = 'agency'`).all() as { id: string }[]
  const actor: AuditActor = { userId: reviewer.id, role: 'finance_reviewer', organizationId: bureau.id }
  const daysAgo = (n: number) => beijingDate(new Date(ctx.at.getTime() - n * DAY))
  const byBureau = { source: 'bureau', sourceRef: null, issuerOrgId: bureau.id, issuedBy: reviewer.id, bureauId: bureau.id, points: null, expiresOn: null, engagementId: null } as const
  let n = 0
  db.transaction(
    (tx) => {
      for (const agency of agencies) {
        recordEntry(tx, { ...byBureau, subject: { type: 'agency', id: agency.id }, kind: 'late_deliverable', severity: 'minor', effectiveOn: daysAgo(30 + random.int(300)), description: '评价工作方案逾期提交（规模测试数据）' }, actor, ctx.at)
        n++
      }
      for (let i = 0; i < Math.ceil(pool.length / 50); i++) {
        const grave = i % 10 === 0
        recordEntry(
          tx,
          {
            ...byBureau,
            subject: { type: 'expert', id: random.pick(pool).id },
            kind: grave ? 'leaking' : 'commendation',
            severity: grave ? 'grave' : null,
            effectiveOn: daysAgo(1 + random.int(700)),
            description: grave ? '评审期间向被评价单位透露评分意见（规模测试数据）' : '评审工作认真负责，予以表扬（规模测试数据）',
          },
          actor,
          ctx.at,
        )
        n++
      }
    },
    { behavior: 'immediate' },
  )
  bump(ctx, 'credit_entries', n)
  return n
}

/**
 * Writes the fixture; seeds the demo first into an empty database. The caller checks
 * scaleRefusal first. Progress lines (Chinese) go to `progress`.
 */
export async function seedScale(db: Db, counts: ScaleCounts, at: Date, progress: (line: string) => void = () => {}): Promise<ScaleSummary> {
  const started = performance.now()
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1)
  if (isDatabaseEmpty(db)) {
    await seedDemo(db, at)
    progress(`演示数据已写入（${elapsed()} 秒）`)
  }
  const ctx: Ctx = { db, at, random: rng(20261126), events: [], rows: {}, passwordHash: await hashPassword(DEMO_PASSWORD) }
  const st = insertStatements(db)
  const pool = addExperts(ctx, st, counts.experts)
  progress(`专家 ${pool.length} 人（${elapsed()} 秒）`)
  addEngagements(ctx, st, counts, pool, (line) => progress(`${line}（${elapsed()} 秒）`))
  progress(`评价项目 ${ctx.rows.engagements ?? 0} 个，评分记录 ${ctx.rows.score_entries ?? 0} 条（${elapsed()} 秒）`)
  ctx.events.push({ at: at.toISOString(), actor: CLI_ACTOR, action: SCALE_AUDIT_ACTION, entity: 'database', entityId: '', after: counts })
  writeAudit(ctx, st)
  progress(`审计日志 ${ctx.rows.audit_log ?? 0} 条（${elapsed()} 秒）`)
  if (pool.length > 0) addCredit(ctx, pool)
  // Fresh statistics, so the planner picks the indexes at this size from the first query on.
  db.$client.exec('ANALYZE')
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  return { rows: ctx.rows, seconds: (performance.now() - started) / 1000 }
}

const COUNTED_TABLES = ['organizations', 'users', 'evaluated_units', 'experts', 'engagements', 'stage_transitions', 'panels', 'seats', 'scoring_rounds', 'score_entries', 'score_submissions', 'consolidation_results', 'report_submissions', 'credit_entries', 'audit_log'] as const

/** Row counts of the tables the fixture fills, as they stand (for the command's report and the test). */
export function tableCounts(db: Db): Record<(typeof COUNTED_TABLES)[number], number> {
  const out = {} as Record<(typeof COUNTED_TABLES)[number], number>
  for (const t of COUNTED_TABLES) out[t] = (db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
  return out
}
