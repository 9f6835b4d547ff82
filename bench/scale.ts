// `npm run bench:scale`: the main list pages and a draw on the data-scale fixture (issue 10
// deliverable 8). Builds the fixture (db/seed/scale.ts, default 10,000 engagements / 5,000 experts /
// 1M scores) into a temporary database, or reuses BENCH_SCALE_DB (built by `evaldesk seed:scale`,
// which takes minutes; the run adds sessions, panels and draws to it). Then starts the production
// build (`npm run build` first) on 127.0.0.1 against it and times each page per role, BENCH_RUNS
// requests after three warm-ups, and BENCH_DRAWS draws through the panel service on engagements
// without a panel. Prints p50/p95 with PASS/FAIL against the targets (page p95 ≤ 100 ms, draw
// median ≤ 50 ms) and the load average: figures from a loaded machine are not comparable.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { migrateDatabase, openDatabase, type Db } from '../db/client.server'
import { ensureLibrary } from '../db/seed/library'
import { DEMO_ORGS } from '../db/seed/demo'
import { SCALE_DEFAULTS, seedScale, tableCounts } from '../db/seed/scale'
import { drawPanel, savePanel } from '../app/services/panel.server'
import { findPanel } from '../app/models/panel.server'
import { loggedIn, type Client } from '../test/helpers/http'
import { actorOf, form } from '../test/helpers/panel-fixture'
import { startServer } from '../test/helpers/server'

const RUNS = Number(process.env.BENCH_RUNS ?? 30)
const DRAWS = Number(process.env.BENCH_DRAWS ?? 20)
const PAGE_TARGET_MS = 100
const DRAW_TARGET_MS = 50
const AUDIT_KEY = process.env.EVALDESK_AUDIT_KEY ?? 'bench-scale-audit-key'

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ')

function stats(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! }
}

async function fixtureFile(): Promise<{ file: string; dir: string | null }> {
  const given = process.env.BENCH_SCALE_DB
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`BENCH_SCALE_DB ${given} does not exist: build it with \`EVALDESK_DB=${given} npm run evaldesk -- seed:scale\``)
    return { file: path.resolve(given), dir: null }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-scale-'))
  const file = path.join(dir, 'evaldesk.db')
  const counts = {
    engagements: Number(process.env.BENCH_ENGAGEMENTS ?? SCALE_DEFAULTS.engagements),
    experts: Number(process.env.BENCH_EXPERTS ?? SCALE_DEFAULTS.experts),
    scores: Number(process.env.BENCH_SCORES ?? SCALE_DEFAULTS.scores),
  }
  const db = openDatabase(file)
  try {
    migrateDatabase(db)
    const at = new Date()
    ensureLibrary(db, at)
    const summary = await seedScale(db, counts, at, (line) => console.log(`  ${line}`))
    console.log(`规模数据已写入 ${file}，用时 ${summary.seconds.toFixed(1)} 秒（负载 ${load()}）`)
  } finally {
    db.$client.close()
  }
  return { file, dir }
}

type Page = { role: string; label: string; url: string }

/** The pages to time, with ids picked from the fixture so each one shows a full page. */
function pagesOf(db: Db): Page[] {
  const one = <T>(query: string, ...params: unknown[]) => {
    const row = db.$client.prepare(query).get(...params) as T | undefined
    if (!row) throw new Error(`fixture has no row for: ${query}`)
    return row
  }
  const agencyA = one<{ id: string }>(`SELECT id FROM organizations WHERE name = ?`, DEMO_ORGS.agencyA.name).id
  const bureauX = one<{ id: string }>(`SELECT id FROM organizations WHERE name = ?`, DEMO_ORGS.bureauX.name).id
  const agencyRows = one<{ n: number }>(`SELECT count(*) AS n FROM engagements WHERE agency_id = ?`, agencyA).n
  const closed = one<{ id: string }>(
    `SELECT e.id FROM engagements e JOIN scoring_rounds r ON r.engagement_id = e.id JOIN users u ON u.id = e.lead_user_id
      WHERE e.agency_id = ? AND r.phase = 'closed' AND u.username = 'mingjian.li' ORDER BY e.id LIMIT 1`,
    agencyA,
  ).id
  const year = one<{ year: number }>(`SELECT year, count(*) AS n FROM engagements WHERE agency_id = ? GROUP BY year ORDER BY n DESC LIMIT 1`, agencyA).year
  const lastPage = Math.max(1, Math.ceil(agencyRows / 20))
  return [
    { role: 'mingjian.li', label: '工作台', url: '/dashboard' },
    { role: 'mingjian.li', label: '项目列表 第 1 页', url: '/engagements' },
    { role: 'mingjian.li', label: `项目列表 第 ${Math.ceil(lastPage / 2)} 页`, url: `/engagements?page=${Math.ceil(lastPage / 2)}` },
    { role: 'mingjian.li', label: `项目列表 ${year}年+专家评审`, url: `/engagements?year=${year}&stage=expert_review` },
    { role: 'mingjian.li', label: '项目列表 财政局X+项目支出', url: `/engagements?bureau=${bureauX}&kind=project` },
    { role: 'mingjian.li', label: '项目列表 按资金↓', url: '/engagements?sort=funds&dir=desc' },
    { role: 'mingjian.li', label: '项目详情', url: `/engagements/${closed}` },
    { role: 'mingjian.li', label: '专家组', url: `/engagements/${closed}/panel` },
    { role: 'mingjian.li', label: '评分汇总', url: `/engagements/${closed}/scores` },
    { role: 'mingjian.admin', label: '项目列表 第 1 页', url: '/engagements' },
    { role: 'mingjian.admin', label: '专家库', url: '/experts' },
    { role: 'mingjian.admin', label: '专家库 搜索“王”', url: `/experts?q=${encodeURIComponent('王')}` },
    { role: 'mingjian.admin', label: '专家库 财务 第 20 页', url: '/experts?specialty=finance&page=20' },
    { role: 'mingjian.admin', label: '信用 机构', url: '/credit' },
    { role: 'mingjian.admin', label: '信用 专家', url: '/credit?type=expert' },
    { role: 'mingjian.admin', label: '审计日志', url: '/audit' },
    { role: 'mingjian.admin', label: '审计日志 评分提交', url: '/audit?action=scoring.submit' },
    { role: 'mingjian.admin', label: '审计日志 第 100 页', url: '/audit?page=100' },
    { role: 'binjiang.finance', label: '项目列表 第 1 页', url: '/engagements' },
    { role: 'binjiang.finance', label: '年度概览', url: '/bureau' },
    { role: 'binjiang.finance', label: '报告审核', url: '/review' },
    { role: 'binjiang.finance', label: '报告审核 已验收', url: '/review?status=accepted' },
    { role: 'binjiang.finance', label: '信用 专家', url: '/credit?type=expert' },
    { role: 'admin', label: '专家库', url: '/experts' },
    { role: 'admin', label: '审计日志（平台）', url: '/audit' },
    { role: 'admin', label: '信用 专家', url: '/credit?type=expert' },
  ]
}

async function timePage(client: Client, url: string): Promise<number[]> {
  const once = async () => {
    const t = performance.now()
    const res = await client.get(url)
    await res.text()
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    return performance.now() - t
  }
  for (let i = 0; i < 3; i++) await once()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) samples.push(await once())
  return samples
}

/** Draws through the panel service (pool snapshot, conflict check, draw, record), timed per call. */
function timeDraws(file: string): number[] {
  const db = openDatabase(file)
  try {
    const admin = actorOf(db, 'mingjian.admin')
    const candidates = db.$client
      .prepare(
        `SELECT e.id FROM engagements e WHERE e.agency_id = ? AND e.stage IN ('preliminary_research', 'evaluation_plan', 'fieldwork')
           AND NOT EXISTS (SELECT 1 FROM panels p WHERE p.engagement_id = e.id) ORDER BY e.id LIMIT ?`,
      )
      .all(admin.organizationId, DRAWS + 3) as { id: string }[]
    if (candidates.length < DRAWS + 3) throw new Error(`only ${candidates.length} engagements left without a panel`)
    const now = new Date()
    const samples: number[] = []
    candidates.forEach(({ id }, i) => {
      const saved = savePanel(
        db,
        admin,
        id,
        form({ size: '5', reserveCount: '2', reviewDate: '2027-03-15', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48', 'quotaSpecialty': ['finance', 'education'], 'quotaCount': ['1', '1'] }),
        now,
      )
      if (!saved.ok) throw new Error(`panel: ${JSON.stringify(saved.errors)}`)
      const version = String(findPanel(db, id)!.version)
      const t = performance.now()
      const drawn = drawPanel(db, admin, id, form({ version }), now)
      const elapsed = performance.now() - t
      if (!drawn.ok) throw new Error(`draw: ${JSON.stringify(drawn.errors)}`)
      if (i >= 3) samples.push(elapsed)
    })
    return samples
  } finally {
    db.$client.close()
  }
}

async function main() {
  console.log(`负载（开始）：${load()}（${os.cpus().length} 核）`)
  process.env.EVALDESK_AUDIT_KEY = AUDIT_KEY
  const { file, dir } = await fixtureFile()
  const server = await startServer({ env: { NODE_ENV: 'production', EVALDESK_DB: file, EVALDESK_AUDIT_KEY: AUDIT_KEY } })
  let failed = 0
  try {
    const probe = openDatabase(file, { readonly: true })
    const counts = tableCounts(probe)
    const pages = pagesOf(probe)
    probe.$client.close()
    console.log(`数据：评价项目 ${counts.engagements}，专家 ${counts.experts}，评分记录 ${counts.score_entries}，审计记录 ${counts.audit_log}`)
    console.log(`每页 ${RUNS} 次（另预热 3 次），HTTP，生产构建，127.0.0.1；目标 p95 ≤ ${PAGE_TARGET_MS} ms\n`)
    console.log('  p50(ms)   p95(ms)  结果  角色 / 页面')
    const clients = new Map<string, Client>()
    for (const page of pages) {
      let client = clients.get(page.role)
      if (!client) clients.set(page.role, (client = await loggedIn(server.url, page.role)))
      const timed = await timePage(client, page.url).catch((error: unknown) => error as Error)
      if (timed instanceof Error) {
        failed++
        console.log(`${'—'.padStart(9)} ${'—'.padStart(9)}  FAIL  ${page.role} / ${page.label}  ${timed.message}`)
        continue
      }
      const { p50, p95 } = stats(timed)
      const pass = p95 <= PAGE_TARGET_MS
      if (!pass) failed++
      console.log(`${p50.toFixed(1).padStart(9)} ${p95.toFixed(1).padStart(9)}  ${pass ? 'PASS' : 'FAIL'}  ${page.role} / ${page.label}  ${page.url.length > 60 ? '' : page.url}`)
    }
    console.log(`\n负载（页面之后）：${load()}`)
    const draws = stats(timeDraws(file))
    const drawPass = draws.p50 <= DRAW_TARGET_MS
    if (!drawPass) failed++
    console.log(`\n抽取专家（5 席 + 2 候补，含回避检测、专家库快照与记录），${DRAWS} 次：中位数 ${draws.p50.toFixed(1)} ms，p95 ${draws.p95.toFixed(1)} ms；目标中位数 ≤ ${DRAW_TARGET_MS} ms  ${drawPass ? 'PASS' : 'FAIL'}`)
    console.log(`负载（结束）：${load()}`)
    console.log(failed === 0 ? '\n全部达标。' : `\n${failed} 项未达标。`)
  } finally {
    await server.stop()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
  process.exitCode = failed === 0 ? 0 : 1
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
