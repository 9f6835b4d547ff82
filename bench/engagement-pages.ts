// `npm run bench:pages`: the engagement pages over HTTP, as a user gets them, with 10,000 engagements
// in the signed-in agency. Starts the production build (run `npm run build` first) on a free port
// with a fresh demo database, adds the engagements, then times each page. Prints figures only.
import { ENGAGEMENT_KIND_CODES } from '../app/domain/engagement'
import { STAGE_CODES } from '../app/domain/stages'
import { newId } from '../app/ids.server'
import { openDatabase } from '../db/client.server'
import { loggedIn } from '../test/helpers/http'
import { startServer } from '../test/helpers/server'

const TOTAL = Number(process.env.BENCH_ENGAGEMENTS ?? 10_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 30)

function addEngagements(dbFile: string): string {
  const db = openDatabase(dbFile)
  const sqlite = db.$client
  const one = (sql: string) => (sqlite.prepare(sql).get() as { id: string }).id
  const agency = one(`SELECT id FROM organizations WHERE name = '浙江明鉴绩效评价咨询有限公司'`)
  const bureaus = (
    sqlite.prepare(`SELECT id FROM organizations WHERE kind = 'finance_bureau'`).all() as { id: string }[]
  ).map((b) => b.id)
  const lead = one(`SELECT id FROM users WHERE username = 'mingjian.li'`)
  const unit = one(`SELECT id FROM evaluated_units LIMIT 1`)
  const insert = sqlite.prepare(
    `INSERT INTO engagements (id, agency_id, finance_bureau_id, name, year, kind, budget_type, funds_fen, period_start, period_end,
       contract_no, lead_user_id, stage, stage_changed_at, created_by, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, 'general_public', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  )
  const link = sqlite.prepare(
    `INSERT INTO engagement_units (engagement_id, evaluated_unit_id, position) VALUES (?, ?, 0)`,
  )
  let seed = 20261126
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!
  let sample = ''
  sqlite.transaction(() => {
    for (let i = 0; i < TOTAL; i++) {
      const id = newId()
      const year = 2019 + Math.floor(random() * 8)
      const at = new Date(Date.parse('2026-11-01T00:00:00Z') - i * 60_000).toISOString()
      insert.run(
        id,
        agency,
        pick(bureaus),
        `${year}年基准项目第${i + 1}号支出绩效评价`,
        year,
        pick(ENGAGEMENT_KIND_CODES),
        Math.floor(random() * 5e10),
        `${year}-01-01`,
        `${year}-12-31`,
        `HT-${i}`,
        lead,
        pick(STAGE_CODES),
        at,
        lead,
        at,
        at,
      )
      link.run(id, unit)
      if (i === TOTAL / 2) sample = id
    }
  })()
  sqlite.exec('ANALYZE')
  sqlite.close()
  return sample
}

async function main() {
  const server = await startServer()
  try {
    const sample = addEngagements(server.dbFile)
    const client = await loggedIn(server.url, 'mingjian.li')
    const pages: [string, string][] = [
      ['工作台', '/dashboard'],
      ['列表 默认 第 1 页', '/engagements'],
      ['列表 第 250 页', '/engagements?page=250'],
      ['列表 年度+阶段', '/engagements?year=2024&stage=expert_review'],
      ['列表 按资金↓', '/engagements?sort=funds&dir=desc'],
      ['详情', `/engagements/${sample}`],
    ]
    console.log(`${TOTAL} 个评价项目（本机构），每页请求 ${RUNS} 次（HTTP，生产构建，127.0.0.1）\n`)
    console.log('中位数(ms)   p95(ms)  页面')
    for (const [label, url] of pages) {
      for (let i = 0; i < 3; i++) await (await client.get(url)).text()
      const samples: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now()
        const res = await client.get(url)
        await res.text()
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
        samples.push(performance.now() - t)
      }
      samples.sort((a, b) => a - b)
      const median = samples[Math.floor(samples.length / 2)]!
      const p95 = samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]!
      console.log(`${median.toFixed(1).padStart(10)} ${p95.toFixed(1).padStart(9)}  ${label}`)
    }
  } finally {
    await server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
