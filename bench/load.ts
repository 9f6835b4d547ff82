// `npm run bench:load` (issue 10 item 7, SECURITY.md §12.6): bounded autocannon runs against the
// production build on 127.0.0.1, each with the session cookie of a seeded user:
//   1. the expert dashboard (GET, 50 connections, 30 s);
//   2. score saves by 20 distinct experts (POST, what the scoring page's autosave sends, 5,000 requests);
//   3. an issued report's DOCX download (GET, 20 connections, 20 s);
//   4. wrong-password logins with the production scrypt cost: until every account is locked, then
//      10 s more (POST, 10 connections), judged by the CPU the locked phase costs.
// Prints req/s, p50/p99, status counts, server CPU and peak RSS (the launcher and every cluster
// worker), then PASS/FAIL per target. Asserts nothing: a benchmark, not a test. Knobs:
// BENCH_LOAD_SCALE (multiplies every duration and count; 0.2 for a quick look), EVALDESK_WORKERS.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { verifyAuditChain } from '../app/models/audit.server'
import { openDatabase } from '../db/client.server'
import { finalizedEngagement } from '../test/helpers/issued-report'
import { Client } from '../test/helpers/http'
import { startServer } from '../test/helpers/server'
import { BENCH_EXPERT_PASSWORD, buildScoringFixture, type BenchSeat } from './scoring-fixture'

const SCALE = Number(process.env.BENCH_LOAD_SCALE ?? 1)
const AUDIT_KEY = 'bench-audit-key-0123456789abcdef01234567'
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE))

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

type Run = { result: autocannon.Result; cpuPercent: number; peakRss: number; seconds: number }

/** One bounded autocannon run, sampling the server's RSS and CPU while it lasts. */
async function measure(serverPid: number, opts: autocannon.Options): Promise<Run> {
  const pids = serverProcesses(serverPid)
  let peakRss = rssBytes(pids)
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pids))), 250)
  const cpuBefore = cpuSeconds(pids)
  const start = performance.now()
  const result = await autocannon({ ...opts, timeout: 30 })
  const seconds = (performance.now() - start) / 1000
  clearInterval(sampler)
  peakRss = Math.max(peakRss, rssBytes(pids))
  return { result, cpuPercent: (100 * (cpuSeconds(pids) - cpuBefore)) / seconds, peakRss, seconds }
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
  console.log(`  服务器 CPU ${run.cpuPercent.toFixed(0)}%（${os.availableParallelism()} 核共 ${os.availableParallelism() * 100}%），RSS 峰值 ${(run.peakRss / 2 ** 20).toFixed(0)} MB`)
}

function countEntries(file: string): number {
  const sqlite = new Database(file, { readonly: true })
  try {
    return (sqlite.prepare('SELECT count(*) AS n FROM score_entries').get() as { n: number }).n
  } finally {
    sqlite.close()
  }
}

async function main() {
  process.env.EVALDESK_AUDIT_KEY = AUDIT_KEY
  // The production password cost: the failed-login run must show what the limiter saves.
  process.env.EVALDESK_SCRYPT_LOG2N = '17'
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-bench-load-'))
  const file = path.join(dir, 'evaldesk.db')
  console.log(
    `node ${process.version}, ${os.availableParallelism()} 核 (${os.cpus()[0]?.model.trim() ?? '未知 CPU'}), ` +
      `内存 ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, 负载 ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}; autocannon 与服务器同机`,
  )
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

    // 1. The expert dashboard.
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

    // 2. Score saves: each connection is one expert autosaving their sheet indicator after indicator,
    // carrying the version it last saw (a stale one would be a 409, counted as an error below).
    const entriesBefore = countEntries(file)
    let nextExpert = 0
    const saves = await measure(server.pid, {
      url: server.url,
      connections: seats.length,
      amount: scaled(5000),
      setupClient: (client) => {
        const i = nextExpert++ % seats.length
        const seat = seats[i]!
        const seen = new Map<string, number>()
        let turn = 0
        client.setHeaders({ cookie: expertClients[i]!.cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' })
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
      },
    })
    const written = countEntries(file) - entriesBefore
    const acknowledged = statusCount(saves.result, (c) => c === 200)
    report(`2. 评分保存 POST（${seats.length} 名专家各一个连接）`, saves)
    console.log(`  score_entries 新增 ${written} 行，服务器确认 ${acknowledged} 次`)
    judge(`评分保存 p99 ${saves.result.latency.p99} ms ≤ 150 ms`, saves.result.latency.p99 <= 150)
    judge(`评分保存 5xx ${statusCount(saves.result, (c) => c >= 500)} = 0，其他非 200 ${saves.result.non2xx}`, statusCount(saves.result, (c) => c >= 500) === 0 && saves.result.errors === 0)
    judge(`写入行数 ${written} = 确认次数 ${acknowledged}`, written === acknowledged)

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
    const checksSoFar = () => {
      const check = new Database(file, { readonly: true })
      try {
        return (check.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'login.failed'").get() as { n: number }).n
      } finally {
        check.close()
      }
    }
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
