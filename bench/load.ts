// `npm run bench:load` (issue 10 item 7, SECURITY.md §12.6): bounded autocannon runs against the
// production build on 127.0.0.1, each with the session cookie of a seeded user:
//   1. the expert dashboard (GET, 50 connections, 30 s);
//   2. score saves by 20 distinct experts (POST, what the scoring page's autosave sends, 5,000 requests);
//   3. an issued report's DOCX download (GET, 20 connections, 20 s);
//   4. wrong-password logins with the production scrypt cost: until every account is locked, then
//      10 s more (POST, 10 connections), judged by the CPU the locked phase costs;
//   5. 10 report generations (初稿 Word + PDF) the lead starts at once, while a probe GETs /login
//      every 20 ms on its own connection to bound the event-loop delay from outside;
//   6. a soak: the dashboard mix (expert dashboard, the lead's engagement page, score saves) at a
//      steady rate for 10 minutes, sampling server RSS and the WAL file every 10 s.
// Prints req/s, p50/p99, status counts, server CPU and peak RSS (the launcher and every cluster
// worker), then PASS/FAIL per target. Asserts nothing: a benchmark, not a test. Knobs:
// BENCH_LOAD_SCALE (multiplies every duration and count; 0.2 for a quick look),
// BENCH_LOAD_SOAK_SECONDS (the soak's length before scaling, default 600), EVALDESK_WORKERS;
// `-- --only 5,6` runs just those scenarios (the integrity and audit checks always run).
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { verifyAuditChain } from '../app/models/audit.server'
import { openDatabase } from '../db/client.server'
import { finalizedEngagement } from '../test/helpers/issued-report'
import { Client } from '../test/helpers/http'
import { startServer, type RunningServer } from '../test/helpers/server'
import { BENCH_EXPERT_PASSWORD, buildScoringFixture, type BenchSeat } from './scoring-fixture'

const SCALE = Number(process.env.BENCH_LOAD_SCALE ?? 1)
const AUDIT_KEY = 'bench-audit-key-0123456789abcdef01234567'
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE))
const SOAK_SECONDS = scaled(Number(process.env.BENCH_LOAD_SOAK_SECONDS ?? 600))

type Verdict = { label: string; pass: boolean }
const verdicts: Verdict[] = []
function judge(label: string, pass: boolean) {
  verdicts.push({ label, pass })
  console.log(`  ${pass ? 'PASS' : 'FAIL'}  ${label}`)
}

/** The launcher and all its descendants (tsx's node, the cluster primary and its workers). */
function serverProcesses(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = []
  const walk = (pid: number) => {
    out.push(pid)
    for (const c of children.get(pid) ?? []) walk(c)
  }
  walk(root)
  return out
}

function rssBytes(pids: number[]): number {
  let total = 0
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (m) total += Number(m[1]) * 1024
    } catch {
      // gone
    }
  }
  return total
}

/** CPU seconds (user + system) the processes have used so far. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone
    }
  }
  return ticks / 100 // USER_HZ is 100 on Linux
}

type ServerUse = { cpuPercent: number; peakRss: number; seconds: number }
type Run = ServerUse & { result: autocannon.Result }

/** Starts sampling the server's RSS (peak) and CPU; the returned function stops and reports them. */
function watchServer(serverPid: number): () => ServerUse {
  const pids = serverProcesses(serverPid)
  let peakRss = rssBytes(pids)
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pids))), 250)
  const cpuBefore = cpuSeconds(pids)
  const start = performance.now()
  return () => {
    clearInterval(sampler)
    const seconds = (performance.now() - start) / 1000
    peakRss = Math.max(peakRss, rssBytes(pids))
    return { cpuPercent: (100 * (cpuSeconds(pids) - cpuBefore)) / seconds, peakRss, seconds }
  }
}

/** One bounded autocannon run, sampling the server's RSS and CPU while it lasts. */
async function measure(serverPid: number, opts: autocannon.Options): Promise<Run> {
  const stop = watchServer(serverPid)
  const result = await autocannon({ ...opts, timeout: 30 })
  return { result, ...stop() }
}
/** Answers per HTTP status (autocannon reports them, its typings do not declare them). */
function statusCounts(result: autocannon.Result): [number, number][] {
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}
  return Object.entries(stats).map(([code, s]) => [Number(code), s.count])
}

function statusLine(result: autocannon.Result): string {
  const codes = statusCounts(result).map(([code, n]) => `${code}×${n}`)
  return `${codes.join(' ') || '无'}；连接错误 ${result.errors}，超时 ${result.timeouts}`
}

function statusCount(result: autocannon.Result, predicate: (code: number) => boolean): number {
  return statusCounts(result).reduce((n, [code, count]) => n + (predicate(code) ? count : 0), 0)
}

function report(title: string, run: Run) {
  const { result } = run
  console.log(`\n${title}`)
  console.log(
    `  ${result.requests.total} 个请求，${run.seconds.toFixed(1)} s，${result.requests.average.toFixed(0)} 请求/秒；` +
      `延迟 p50 ${result.latency.p50} ms，p99 ${result.latency.p99} ms，最大 ${result.latency.max} ms`,
  )
  console.log(`  状态：${statusLine(result)}`)
  console.log(`  ${serverLine(run)}`)
}

const mb = (bytes: number, digits = 0) => (bytes / 2 ** 20).toFixed(digits)

function serverLine(use: ServerUse): string {
  return `服务器 CPU ${use.cpuPercent.toFixed(0)}%（${os.availableParallelism()} 核共 ${os.availableParallelism() * 100}%），RSS 峰值 ${mb(use.peakRss)} MB`
}


/** `SELECT count(*) AS n …` on the file, read-only, beside the running server. */
function countRows(file: string, sql: string): number {
  const sqlite = new Database(file, { readonly: true })
  try {
    return (sqlite.prepare(sql).get() as { n: number }).n
  } finally {
    sqlite.close()
  }
}

const countEntries = (file: string) => countRows(file, 'SELECT count(*) AS n FROM score_entries')

/** Each seat's latest saved version per indicator code, as the server holds them. */
function savedVersions(file: string): Map<string, Map<string, number>> {
  const sqlite = new Database(file, { readonly: true })
  try {
    const rows = sqlite.prepare('SELECT seat_id AS seatId, code, max(version_no) AS versionNo FROM score_entries GROUP BY seat_id, code').all() as { seatId: string; code: string; versionNo: number }[]
    const out = new Map<string, Map<string, number>>()
    for (const r of rows) out.set(r.seatId, (out.get(r.seatId) ?? new Map<string, number>()).set(r.code, r.versionNo))
    return out
  } finally {
    sqlite.close()
  }
}

/**
 * autocannon's setupClient for score saves: connection i is seat i's expert autosaving their sheet
 * indicator after indicator, carrying the version they last saw (a stale one would be a 409, counted
 * as an error). The versions start from the file, so a run after earlier saves stays right.
 */
function scoreSaves(seats: BenchSeat[], cookies: string[], origin: string, file: string): (client: autocannon.Client) => void {
  const versions = savedVersions(file)
  let nextExpert = 0
  return (client) => {
    const i = nextExpert++ % seats.length
    const seat = seats[i]!
    const seen = versions.get(seat.seatId) ?? new Map<string, number>()
    let turn = 0
    client.setHeaders({ cookie: cookies[i]!, origin, 'content-type': 'application/x-www-form-urlencoded' })
    client.setRequests([
      {
        method: 'POST',
        path: `/expert/seats/${seat.seatId}/score.data`,
        setupRequest: (req) => {
          const leaf = seat.leaves[turn % seat.leaves.length]!
          const full = (seen.get(leaf.code) ?? 0) % 2 === 0
          const body = new URLSearchParams({
            intent: 'save',
            code: leaf.code,
            score: String(full ? leaf.weight / 100 : (leaf.weight - 50) / 100),
            reason: full ? '' : `${leaf.code} 佐证材料不完整`,
            comment: '',
            seen: String(seen.get(leaf.code) ?? 0),
          })
          return { ...req, body: body.toString() }
        },
        onResponse: (status) => {
          const leaf = seat.leaves[turn % seat.leaves.length]!
          if (status === 200) seen.set(leaf.code, (seen.get(leaf.code) ?? 0) + 1)
          turn++
        },
      },
    ])
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? Number.NaN
}

type Probed = { latencies: number[]; failures: number; slow: number[] }

/**
 * GETs `url` on one keep-alive connection of its own, a request every `everyMs` (or as soon as the
 * previous answer arrives, if later), until stopped. A request that lands while the server's event
 * loop is blocked waits for it, so its latency bounds that delay from above.
 */
function startProbe(url: string, everyMs: number, slowMs = 50): () => Promise<Probed> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const probed: Probed = { latencies: [], failures: 0, slow: [] }
  const begun = performance.now()
  let running = true
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now()
      http
        .get(url, { agent }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : Number.NaN))
        })
        .on('error', reject)
    })
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      try {
        const ms = await once()
        if (Number.isNaN(ms)) probed.failures++
        else probed.latencies.push(ms)
        if (ms > slowMs) probed.slow.push((started - begun) / 1000)
      } catch {
        probed.failures++
      }
      await sleep(Math.max(0, everyMs - (performance.now() - started)))
    }
  })()
  return async () => {
    running = false
    await loop
    agent.destroy()
    return probed
  }
}

function probeLine(probed: Probed): string {
  const sorted = [...probed.latencies].sort((a, b) => a - b)
  const f = (x: number) => x.toFixed(1)
  return `${sorted.length} 次，p50 ${f(percentile(sorted, 0.5))} ms，p99 ${f(percentile(sorted, 0.99))} ms，最大 ${f(sorted.at(-1) ?? Number.NaN)} ms，失败 ${probed.failures}`
}

const REPORT_JOBS = 10
const REPORT_JOB_NOTE = '基准并发生成'

/**
 * 5. The lead starts 10 report generations at once on the 定稿 engagement (each renders Word and PDF
 * in the server's worker pool and stores a new version). One engagement takes them all: each
 * version number is taken inside its own write transaction.
 */
async function reportGeneration(server: RunningServer, lead: Client, engagementId: string, file: string) {
  const page = `/engagements/${engagementId}/reports/evaluation`
  const probeUrl = `${server.url}/login`
  const idle = startProbe(probeUrl, 20)
  await sleep(2000)
  const baseline = await idle()
  const stopProbe = startProbe(probeUrl, 20)
  const stopWatch = watchServer(server.pid)
  const jobs = await Promise.all(
    Array.from({ length: REPORT_JOBS }, async (_, i) => {
      const started = performance.now()
      const res = await lead.post(page, { intent: 'generate', stage: 'draft', note: `${REPORT_JOB_NOTE}第${i + 1}份` })
      const body = await res.text()
      return { status: res.status, ms: performance.now() - started, confirmed: /已生成第 \d+ 版/.test(body) }
    }),
  )
  const use = stopWatch()
  const probed = await stopProbe()

  const stored = new Database(file, { readonly: true })
  const files = stored
    .prepare(
      `SELECT v.id, v.version_no AS versionNo, f.format, f.bytes, CASE f.format WHEN 'docx' THEN v.docx_sha256 ELSE v.pdf_sha256 END AS sha256,
              CASE f.format WHEN 'docx' THEN v.docx_size ELSE v.pdf_size END AS size
       FROM report_versions v JOIN report_files f ON f.version_id = v.id
       WHERE v.engagement_id = ? AND v.note LIKE ?`,
    )
    .all(engagementId, `${REPORT_JOB_NOTE}%`) as { id: string; versionNo: number; format: string; bytes: Buffer; sha256: string; size: number }[]
  stored.close()
  const versionNos = new Set(files.map((f) => f.versionNo))
  const intact = files.filter((f) => f.bytes.byteLength === f.size && f.size > 0 && crypto.createHash('sha256').update(f.bytes).digest('hex') === f.sha256)

  const times = jobs.map((j) => j.ms).sort((a, b) => a - b)
  const slowest = times.at(-1) ?? Number.NaN
  const statuses = new Map<number, number>()
  for (const j of jobs) statuses.set(j.status, (statuses.get(j.status) ?? 0) + 1)
  console.log(`\n5. 报告生成：项目负责人同时发起 ${REPORT_JOBS} 次评价报告初稿生成（Word + PDF，服务器工作线程渲染）`)
  console.log(`  每次用时 ${times.map((t) => (t / 1000).toFixed(1)).join(' / ')} s；全部完成 ${use.seconds.toFixed(1)} s`)
  console.log(`  状态：${[...statuses].map(([code, n]) => `${code}×${n}`).join(' ')}；页面确认“已生成” ${jobs.filter((j) => j.confirmed).length} 次`)
  console.log(`  ${serverLine(use)}`)
  console.log(`  探针 GET /login（独立连接，每 20 ms 一次；其延迟包含事件循环的等待，是事件循环延迟的上界）：`)
  console.log(`    空闲 2 s：${probeLine(baseline)}`)
  console.log(`    生成期间：${probeLine(probed)}`)
  if (probed.slow.length > 0) console.log(`    超过 50 ms 的探针 ${probed.slow.length} 次，发出于生成开始后 ${probed.slow.slice(0, 10).map((t) => t.toFixed(2)).join(' / ')} s`)
  console.log(`  新版本 ${versionNos.size} 个，文件 ${files.length} 个，其中长度与 SHA-256 相符 ${intact.length} 个`)
  const probeP99 = percentile([...probed.latencies].sort((a, b) => a - b), 0.99)
  judge(`每次生成用时 ≤ 10 s（最慢 ${(slowest / 1000).toFixed(1)} s）`, slowest <= 10_000)
  judge(`生成全部 200 且确认（${jobs.filter((j) => j.status === 200 && j.confirmed).length} / ${REPORT_JOBS}）`, jobs.every((j) => j.status === 200 && j.confirmed))
  judge(`事件循环延迟 p99 ≤ 探针 p99 ${probeP99.toFixed(1)} ms < 200 ms，探针失败 ${probed.failures} = 0`, probeP99 < 200 && probed.failures === 0)
  judge(`服务器 RSS 峰值 ${mb(use.peakRss)} MB < 1024 MB`, use.peakRss < 2 ** 30)
  judge(`${REPORT_JOBS} 个新版本、${REPORT_JOBS * 2} 个完整文件（版本 ${versionNos.size}，完整文件 ${intact.length}/${files.length}）`, versionNos.size === REPORT_JOBS && files.length === REPORT_JOBS * 2 && intact.length === files.length)
}

function walBytes(file: string): number {
  try {
    return fs.statSync(`${file}-wal`).size
  } catch {
    return 0 // checkpointed away, or not created yet
  }
}

// The WAL bound: db/client.server.ts sets journal_size_limit to 64 MiB, so after a checkpoint that
// restarts the log the file is cut back to at most that; beyond it, checkpoints are being starved
// by readers and the file would grow without end.
const WAL_BOUND = 64 * 2 ** 20

/**
 * 6. The soak: the dashboard mix at a steady rate, well under what 1-3 measured at full speed, for
 * BENCH_LOAD_SOAK_SECONDS: a leak shows as growth over time, not under peak load, and the machine
 * stays usable meanwhile. Expert dashboard 10 connections × 10/s, the lead's engagement page 5 × 4/s,
 * every expert autosaving 2/s.
 */
async function soak(server: RunningServer, clients: { expert: Client; lead: Client; experts: Client[] }, seats: BenchSeat[], file: string) {
  const seconds = SOAK_SECONDS
  const warmUp = Math.min(60, seconds * 0.1)
  const every = Math.min(10, seconds / 6)
  const pids = serverProcesses(server.pid)
  const samples: { at: number; rss: number; wal: number }[] = []
  const started = performance.now()
  const sample = () => samples.push({ at: (performance.now() - started) / 1000, rss: rssBytes(pids), wal: walBytes(file) })
  sample()
  const sampler = setInterval(sample, every * 1000)
  const cpuBefore = cpuSeconds(pids)
  const entriesBefore = countEntries(file)
  const steady = { duration: seconds, timeout: 30 }
  const [dashboard, engagementPage, saves] = await Promise.all([
    autocannon({ ...steady, url: `${server.url}/dashboard`, connections: 10, connectionRate: 10, headers: { cookie: clients.expert.cookie } }),
    autocannon({ ...steady, url: `${server.url}/engagements/${seats[0]!.engagementId}`, connections: 5, connectionRate: 4, headers: { cookie: clients.lead.cookie } }),
    autocannon({ ...steady, url: server.url, connections: seats.length, connectionRate: 2, setupClient: scoreSaves(seats, clients.experts.map((c) => c.cookie), server.url, file) }),
  ])
  clearInterval(sampler)
  sample()
  const elapsed = (performance.now() - started) / 1000
  const cpuPercent = (100 * (cpuSeconds(pids) - cpuBefore)) / elapsed
  const written = countEntries(file) - entriesBefore
  const acknowledged = statusCount(saves, (c) => c === 200)

  console.log(`\n6. 浸泡：工作台组合负载 ${seconds} s（专家工作台 10 连接×10/秒，负责人项目页 5 连接×4/秒，${seats.length} 名专家各 2 次保存/秒）`)
  const runs: [string, autocannon.Result][] = [
    ['专家工作台 GET', dashboard],
    ['负责人项目页 GET', engagementPage],
    ['评分保存 POST', saves],
  ]
  for (const [label, result] of runs) {
    console.log(`  ${label}：${result.requests.total} 个请求，${result.requests.average.toFixed(0)} 请求/秒，p50 ${result.latency.p50} ms，p99 ${result.latency.p99} ms；状态 ${statusLine(result)}`)
  }
  console.log(`  服务器 CPU ${cpuPercent.toFixed(0)}%；score_entries 新增 ${written} 行，服务器确认 ${acknowledged} 次（结束时在途的保存可能已写入而未确认）`)
  const warm = samples.find((s) => s.at >= warmUp) ?? samples[0]!
  const end = samples.at(-1)!
  const rssList = samples.map((s) => mb(s.rss)).join(' ')
  const walList = samples.map((s) => mb(s.wal, 1)).join(' ')
  const peakWal = Math.max(...samples.map((s) => s.wal))
  const growth = (end.rss - warm.rss) / warm.rss
  console.log(`  每 ${every.toFixed(0)} s 采样 ${samples.length} 次；RSS（MB）：${rssList}`)
  console.log(`  RSS 预热后（${warm.at.toFixed(0)} s）${mb(warm.rss)} MB，结束 ${mb(end.rss)} MB，最低 ${mb(Math.min(...samples.map((s) => s.rss)))} MB，最高 ${mb(Math.max(...samples.map((s) => s.rss)))} MB`)
  console.log(`  WAL（MB）：${walList}；最大 ${mb(peakWal, 1)} MB`)
  const errors = runs.reduce((n, [, r]) => n + r.errors + r.timeouts, 0)
  const non2xx = runs.reduce((n, [, r]) => n + r.non2xx, 0)
  judge(`浸泡 RSS 增长 ${(growth * 100).toFixed(1)}% < 10%（预热后 ${mb(warm.rss)} MB → 结束 ${mb(end.rss)} MB）`, growth < 0.1)
  judge(`浸泡 WAL 最大 ${mb(peakWal, 1)} MB < ${mb(WAL_BOUND)} MB（journal_size_limit）`, peakWal < WAL_BOUND)
  judge(`浸泡连接错误与超时 ${errors} = 0，非 2xx ${non2xx} = 0（含版本过期的 409）`, errors === 0 && non2xx === 0)
  judge(`浸泡写入行数 ${written} 与确认次数 ${acknowledged} 相符（至多多出 ${seats.length} 次在途保存）`, written >= acknowledged && written <= acknowledged + seats.length)
}

/** `--only 5,6` (or `--only=5,6`): the scenarios to run; all of them without it. */
function scenariosWanted(argv: string[]): (n: number) => boolean {
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='))
  if (at < 0) return () => true
  const list = argv[at]!.startsWith('--only=') ? argv[at]!.slice('--only='.length) : (argv[at + 1] ?? '')
  const chosen = new Set(list.split(',').map((n) => Number(n.trim())))
  if (list === '' || ![...chosen].every((n) => Number.isInteger(n) && n >= 1 && n <= 6)) throw new Error(`--only 需要 1 到 6 的场景编号，以逗号分隔，例如 --only 5,6（收到「${list}」）`)
  return (n) => chosen.has(n)
}

async function main() {
  const wanted = scenariosWanted(process.argv.slice(2))
  process.env.EVALDESK_AUDIT_KEY = AUDIT_KEY
  // The production password cost: the failed-login run must show what the limiter saves.
  process.env.EVALDESK_SCRYPT_LOG2N = '17'
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-bench-load-'))
  const file = path.join(dir, 'evaldesk.db')
  console.log(
    `node ${process.version}, ${os.availableParallelism()} 核 (${os.cpus()[0]?.model.trim() ?? '未知 CPU'}), ` +
      `内存 ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, 负载 ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}; autocannon 与服务器同机`,
  )
  console.log(`场景 ${[1, 2, 3, 4, 5, 6].filter(wanted).join('、')}${wanted(6) ? `；浸泡 ${SOAK_SECONDS} s` : ''}`)
  const seats: BenchSeat[] = await buildScoringFixture({ file, engagements: 4, panelSize: 5, at: new Date() })
  const db = openDatabase(file)
  const { panel, issuedId } = await finalizedEngagement(db, () => new Date())
  const leadUsername = (db.$client.prepare('SELECT username FROM users WHERE id = ?').get(panel.lead.userId) as { username: string }).username
  db.$client.close()

  const server = await startServer({ dir, env: { ...process.env, EVALDESK_AUDIT_KEY: AUDIT_KEY, EVALDESK_SCRYPT_LOG2N: '17' } })
  try {
    const expertClients = await Promise.all(seats.map((s) => new Client(server.url).login(s.username, BENCH_EXPERT_PASSWORD)))
    const lead = await new Client(server.url).login(leadUsername)
    console.log(`数据库 ${file}；${seats.length} 名专家已登录，服务器进程 ${serverProcesses(server.pid).length} 个（含启动器）`)

    if (wanted(1)) {
      const dashboard = await measure(server.pid, {
        url: `${server.url}/dashboard`,
        connections: 50,
        duration: scaled(30),
        headers: { cookie: expertClients[0]!.cookie },
      })
      report('1. 专家工作台 GET /dashboard（50 连接）', dashboard)
      judge(`工作台 ${dashboard.result.requests.average.toFixed(0)} 请求/秒 ≥ 300`, dashboard.result.requests.average >= 300)
      judge(`工作台 p99 ${dashboard.result.latency.p99} ms ≤ 250 ms`, dashboard.result.latency.p99 <= 250)
      judge(`工作台非 2xx ${dashboard.result.non2xx} = 0`, dashboard.result.non2xx === 0 && dashboard.result.errors === 0)
    }

    if (wanted(2)) {
      const entriesBefore = countEntries(file)
      const saves = await measure(server.pid, {
        url: server.url,
        connections: seats.length,
        amount: scaled(5000),
        setupClient: scoreSaves(seats, expertClients.map((c) => c.cookie), server.url, file),
      })
      const written = countEntries(file) - entriesBefore
      const acknowledged = statusCount(saves.result, (c) => c === 200)
      report(`2. 评分保存 POST（${seats.length} 名专家各一个连接）`, saves)
      console.log(`  score_entries 新增 ${written} 行，服务器确认 ${acknowledged} 次`)
      judge(`评分保存 p99 ${saves.result.latency.p99} ms ≤ 150 ms`, saves.result.latency.p99 <= 150)
      judge(`评分保存 5xx ${statusCount(saves.result, (c) => c >= 500)} = 0，其他非 200 ${saves.result.non2xx}`, statusCount(saves.result, (c) => c >= 500) === 0 && saves.result.errors === 0)
      judge(`写入行数 ${written} = 确认次数 ${acknowledged}`, written === acknowledged)
    }

    if (wanted(3)) {
      // 3. The issued report's DOCX, as the lead downloads it.
      const download = await measure(server.pid, {
        url: `${server.url}/engagements/${panel.engagementId}/reports/files/${issuedId}/docx`,
        connections: 20,
        duration: scaled(20),
        headers: { cookie: lead.cookie },
      })
      report('3. 报告下载 GET（已签发评价报告 DOCX，20 连接）', download)
      judge(`报告下载 p99 ${download.result.latency.p99} ms ≤ 200 ms`, download.result.latency.p99 <= 200)
      judge(`报告下载非 2xx ${download.result.non2xx} = 0`, download.result.non2xx === 0 && download.result.errors === 0)
    }

    if (wanted(4)) {
      // 4. Wrong passwords, known and unknown accounts, from one address: first as many as the limiter
      // lets through to a password check (5 per account), then a timed run against locked accounts.
      const usernames = [...seats.slice(0, 5).map((s) => s.username), 'nobody.here', 'mingjian.admin']
      let nextGuess = 0
      const guessing: autocannon.Options = {
        url: `${server.url}/login`,
        connections: 10,
        method: 'POST',
        headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
        setupClient: (client) => {
          client.setRequests([
            {
              method: 'POST',
              path: '/login',
              setupRequest: (req) => ({ ...req, body: new URLSearchParams({ username: usernames[nextGuess++ % usernames.length]!, password: 'wrong-password-123' }).toString() }),
            },
          ])
        },
      }
      const checksSoFar = () => countRows(file, "SELECT count(*) AS n FROM audit_log WHERE action = 'login.failed'")
      const checksBefore = checksSoFar()
      const locking = await measure(server.pid, { ...guessing, amount: usernames.length * 10 })
      const checksLocking = checksSoFar() - checksBefore
      report(`4a. 错误密码登录，直至锁定：${usernames.length} 个账号各 10 次（10 连接，生产口令成本 scrypt N=2^17）`, locking)
      console.log(`  口令校验 ${checksLocking} 次（每账号至多 5 次），耗服务器 CPU ${((locking.cpuPercent * locking.seconds) / 100).toFixed(1)} 秒`)
      const throttled = await measure(server.pid, { ...guessing, duration: scaled(10) })
      const checksThrottled = checksSoFar() - checksBefore - checksLocking
      report('4b. 锁定后继续猜测（10 连接）', throttled)
      console.log(`  口令校验 ${checksThrottled} 次`)
      const successes = statusCount(locking.result, (c) => c >= 300 && c < 400) + statusCount(throttled.result, (c) => c >= 300 && c < 400)
      judge(`错误密码登录成功 ${successes} = 0`, successes === 0)
      judge(`锁定前口令校验 ${checksLocking} 次 ≤ 每账号 5 次（${usernames.length * 5}）`, checksLocking <= usernames.length * 5)
      judge(`锁定后 429 共 ${statusCount(throttled.result, (c) => c === 429)} / ${throttled.result.requests.total}，口令校验 ${checksThrottled} 次`, checksThrottled === 0 && statusCount(throttled.result, (c) => c === 429) === throttled.result.requests.total)
      judge(`锁定后服务器 CPU ${throttled.cpuPercent.toFixed(0)}% < 100%（未占满一个核）`, throttled.cpuPercent < 100)
    }

    if (wanted(5)) await reportGeneration(server, lead, panel.engagementId, file)
    if (wanted(6)) await soak(server, { expert: expertClients[0]!, lead, experts: expertClients }, seats, file)
  } finally {
    await server.stop()
  }

  const after = openDatabase(file, { readonly: true })
  const integrity = (after.$client.pragma('integrity_check') as { integrity_check: string }[])[0]?.integrity_check
  const chain = verifyAuditChain(after, AUDIT_KEY)
  after.$client.close()
  console.log('')
  judge(`压测后 integrity_check = ${integrity}`, integrity === 'ok')
  judge(`压测后审计链校验${chain.ok ? '通过' : `失败（第 ${chain.badSeq} 条）`}`, chain.ok)
  fs.rmSync(dir, { recursive: true, force: true })
  const failed = verdicts.filter((v) => !v.pass)
  console.log(failed.length === 0 ? '\nPASS' : `\nFAIL（${failed.length} 项未达标）`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
