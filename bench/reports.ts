// `npm run bench:reports`: the full evaluation report of the demo student-aid engagement (its frozen
// 19-indicator sheet, scored by a five-expert panel through the real services, scoring closed, the
// leader's opinion confirmed, issued with a verification code, every annex present; the database is
// built in a child process): warm DOCX and PDF times, peak RSS, 100 reports through the worker pool as
// report:batch renders them, and, when soffice is on PATH, LibreOffice converting the same DOCX. Prints figures and PASS/FAIL against the
// issue's targets; asserts nothing. Knobs: BENCH_RUNS (warm renders per format, default 20),
// BENCH_BATCH (default 100), BENCH_THREADS (default: every core), BENCH_SOFFICE_RUNS (default 3).
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { migrateDatabase, openDatabase, type Db } from '../db/client.server'
import { buildReportModel } from '../reports/build-model.server'
import { composeDocument } from '../reports/compose'
import { leavesOf, type ReportModel } from '../reports/model'
import { renderModel, type ReportFormat } from '../reports/render'
import { closeRenderPool, renderInWorker, renderPool } from '../reports/render-pool.server'
import { eachLimited } from '../cli/commands/report-batch'

const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 20))
const BATCH = Number(process.env.BENCH_BATCH ?? 100)
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism())
const SOFFICE_RUNS = Number(process.env.BENCH_SOFFICE_RUNS ?? 3)
const WARMUP = 3
const AUDIT_KEY = 'bench-audit-key-0123456789abcdef01234567'
const ISSUED_AT = '2026-06-20T02:00:00.000Z'

const TARGETS = { docxMs: 50, pdfMs: 170, vsLibreOffice: 30, rssMb: 250, batchSeconds: 40 }

function must<T extends { ok: boolean }>(result: T, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result
}

/** The demo engagement taken through scoring by the services the pages call: five experts, deductions with reasons, opinion confirmed, closed. */
async function scoreDemoEngagement(db: Db, at: Date): Promise<string> {
  // Imported here, in the setup child only: the measuring process holds just what rendering needs.
  const { eq } = await import('drizzle-orm')
  const { scoringRounds } = await import('../db/schema')
  const { DEMO_SHEET_ENGAGEMENT } = await import('../db/seed/demo-sheets')
  const { setLeader } = await import('../app/services/panel.server')
  const { expertScoringPage, saveOpinion, saveScore, setScoringPhase, startScoring, submitScores } = await import('../app/services/scoring.server')
  const { form, readyPanel } = await import('../test/helpers/panel-fixture')
  let time = at.getTime()
  const tick = (ms = 60_000) => new Date((time += ms))
  const panel = await readyPanel(db, { engagementName: DEMO_SHEET_ENGAGEMENT, leadUsername: 'mingjian.li', size: 5, at: tick() })
  must(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), tick()), 'start scoring')
  panel.seats.forEach((s, i) => {
    for (const [k, item] of expertScoringPage(db, s.actor, s.seatId, tick())!.items.entries()) {
      const w = item.node.weight
      const deduction = Math.min(w, ((i + k) % 4) * 50)
      const reason = deduction > 0 ? `「${item.node.name}」相关佐证材料不完整，部分学校未提供资助对象认定及公示记录（第${i + 1}位专家）` : ''
      must(saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String((w - deduction) / 100), reason, comment: '', seen: '0' }), tick(1000)), 'score')
    }
    must(submitScores(db, s.actor, s.seatId, tick()), 'submit')
  })
  const phase = (to: string) => must(setScoringPhase(db, panel.lead, panel.engagementId, form({ to, version: String(db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()!.version) }), tick()), to)
  phase('discussion')
  const leader = panel.seats[0]!
  must(setLeader(db, panel.lead, panel.engagementId, form({ seatId: leader.seatId }), tick()), 'leader')
  const parts = { 'part.A': '绩效目标有待细化量化，预算测算依据需进一步充实。', 'part.B': '资金管理总体规范，个别学校档案管理不到位。', 'part.D': '资助效果跟踪评估需要加强。' }
  must(saveOpinion(db, leader.actor, leader.seatId, form({ intent: 'confirm', overall: '专家组认为，项目立项依据充分，资金到位及时，资助政策落实总体较好。', ...parts, version: '0' }), tick()), 'opinion')
  phase('closed')
  return panel.engagementId
}

/**
 * The issued final report. Evidence and the feedback log have no tables yet, so the benchmark adds
 * them to the model (one evidence item per indicator, a feedback round) to draw every annex.
 */
function fullReportModel(db: Db, engagementId: string, generatedAt: string): ReportModel {
  const built = buildReportModel(db, engagementId, 'evaluation', { stage: 'final', generatedAt, verification: { code: 'K7M2Q9XD', url: 'https://evaldesk.example.gov.cn/verify/K7M2Q9XD' } })
  if (!built.ok) throw new Error(`model: ${JSON.stringify(built.errors)}`)
  const model = built.value
  const evidence = leavesOf(model.sheet.tree).map(({ node }, i) => ({ code: node.code, title: `${node.name}相关资料（第${i + 1}项：制度文件、台账、凭证及现场核查记录）`, source: i % 2 === 0 ? '杭州市滨江区教育局' : '评价工作组' }))
  const feedback = Array.from({ length: 6 }, (_, i) => ({
    from: i % 2 === 0 ? '杭州市滨江区教育局' : '杭州市滨江区财政局',
    comment: `第${i + 1}条意见：建议对报告中关于资助档案管理和资金发放时效的表述作进一步核实，并补充相关学校的整改情况说明。`,
    adoption: (['adopted', 'partly', 'not_adopted'] as const)[i % 3]!,
    response: '评价组已复核相关资料并据实修改报告相应段落；未采纳部分已与委托方沟通说明理由。',
  }))
  return { ...model, evidence, feedback }
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! }
}

async function timeRuns(runs: number, once: () => Promise<unknown> | unknown): Promise<{ median: number; p95: number; cpuMedian: number }> {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < WARMUP + runs; i++) {
    const c = process.cpuUsage()
    const t = performance.now()
    await once()
    if (i < WARMUP) continue
    wall.push(performance.now() - t)
    const used = process.cpuUsage(c)
    cpu.push((used.user + used.system) / 1000)
  }
  return { ...stats(wall), cpuMedian: stats(cpu).median }
}

const ms = (x: number) => `${x.toFixed(1)} ms`
const rssMb = () => process.resourceUsage().maxRSS / 1024
const pdfPages = (bytes: Uint8Array) => (Buffer.from(bytes).toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)))
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => execFile(command, args, { env, timeout: 300_000 }, (error, _out, stderr) => (error ? reject(new Error(`${command}: ${error.message}\n${stderr}`)) : resolve())))
}

/** LibreOffice converting the DOCX to PDF, one process per conversion; the first run makes its profile and is reported apart. */
async function libreOfficeSeconds(dir: string, docx: string): Promise<{ first: number; median: number; pages: number }> {
  const env = { ...process.env, HOME: dir, FONTCONFIG_FILE: path.resolve('reports/docx/fontconfig/fonts.conf') }
  const args = [`-env:UserInstallation=${pathToFileURL(path.join(dir, 'lo-profile')).href}`, '--headless', '--convert-to', 'pdf', '--outdir', path.join(dir, 'lo'), docx]
  const converted = path.join(dir, 'lo', `${path.basename(docx, '.docx')}.pdf`)
  const times: number[] = []
  let pages = 0
  for (let i = 0; i <= SOFFICE_RUNS; i++) {
    fs.rmSync(converted, { force: true })
    const t = performance.now()
    await run('soffice', args, env)
    times.push((performance.now() - t) / 1000)
    // soffice can exit 0 without converting (a locked profile): only a written PDF counts.
    if (!fs.existsSync(converted)) throw new Error(`soffice 未生成 ${converted}`)
    pages = pdfPages(fs.readFileSync(converted))
  }
  return { first: times[0]!, median: stats(times.slice(1)).median, pages }
}

const TSX = path.resolve('node_modules/.bin/tsx')
const SELF = path.resolve('bench/reports.ts')

/** Child mode: builds the database (demo seed, the panel scores, scoring closes) and prints the engagement id. */
async function setup(file: string): Promise<void> {
  const db = openDatabase(file)
  migrateDatabase(db)
  const at = new Date('2026-06-01T00:00:00.000Z')
  const { ensureLibrary } = await import('../db/seed/library')
  const { seedDemo } = await import('../db/seed/demo')
  ensureLibrary(db, at)
  await seedDemo(db, at)
  process.stdout.write(await scoreDemoEngagement(db, at))
  db.$client.close()
}

/** The seeding and scoring run in a child so this process's peak RSS is what rendering (and reading the model) costs. */
function setupInChild(file: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(TSX, [SELF, '--setup', file], { env: process.env, timeout: 600_000 }, (error, stdout, stderr) => (error ? reject(new Error(`setup: ${error.message}\n${stderr}`)) : resolve(stdout.trim()))),
  )
}

async function main() {
  process.env.EVALDESK_AUDIT_KEY = AUDIT_KEY
  process.env.EVALDESK_SCRYPT_LOG2N = '12'
  if (process.argv[2] === '--setup') return setup(process.argv[3]!)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-bench-reports-'))
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ')
  console.log(`node ${process.version}, ${os.availableParallelism()} 核 (${os.cpus()[0]?.model.trim() ?? '未知 CPU'}), 负载 ${load()}`)
  try {
    const file = path.join(dir, 'evaldesk.db')
    const engagementId = await setupInChild(file)
    const db = openDatabase(file, { readonly: true })
    const model = fullReportModel(db, engagementId, ISSUED_AT)
    const doc = composeDocument(model)
    const [docxFile, pdfFile] = await renderModel(model, ['docx', 'pdf'])
    const docxPath = path.join(dir, 'report.docx')
    fs.writeFileSync(docxPath, docxFile!.bytes)
    console.log(
      `报告：${doc.meta.title}；${leavesOf(model.sheet.tree).length} 个三级指标，${model.scoring!.experts.length} 位专家，佐证 ${model.evidence.length} 项，反馈意见 ${model.feedback!.length} 条；` +
        `PDF ${pdfPages(pdfFile!.bytes)} 页 ${(pdfFile!.bytes.byteLength / 1024).toFixed(0)} KB，DOCX ${(docxFile!.bytes.byteLength / 1024).toFixed(0)} KB`,
    )

    const compose = await timeRuns(RUNS, () => composeDocument(model))
    const docx = await timeRuns(RUNS, () => renderModel(model, ['docx']))
    const pdf = await timeRuns(RUNS, () => renderModel(model, ['pdf']))
    const rss = rssMb()
    console.log(`\n单份（预热 ${WARMUP} 次后 ${RUNS} 次，由模型组装文档起计；CPU 含 GC 线程，机器繁忙时比墙钟时间稳定）`)
    for (const [label, t] of [['组装文档', compose], ['DOCX    ', docx], ['PDF     ', pdf]] as const) console.log(`  ${label}  中位 ${ms(t.median)}  p95 ${ms(t.p95)}  CPU 中位 ${ms(t.cpuMedian)}`)
    console.log(`  峰值 RSS  ${rss.toFixed(0)} MB（本进程：读库建模、组装与两种格式的全部渲染）`)

    // Each report its own generation time, so no two jobs are the same model.
    const formats: ReportFormat[] = ['docx', 'pdf']
    const batchDir = path.join(dir, 'batch')
    fs.mkdirSync(batchDir)
    const batchStart = performance.now()
    renderPool(THREADS)
    let bytes = 0
    await eachLimited(
      Array.from({ length: BATCH }, (_, i) => i),
      THREADS * 2,
      async (i) => {
        const files = await renderInWorker(fullReportModel(db, engagementId, new Date(Date.parse(ISSUED_AT) + i * 1000).toISOString()), formats)
        for (const f of files) {
          fs.writeFileSync(path.join(batchDir, `${i}.${f.format}`), f.bytes)
          bytes += f.bytes.byteLength
        }
      },
    )
    const batchSeconds = (performance.now() - batchStart) / 1000
    await closeRenderPool()
    console.log(`\n批量 ${BATCH} 份（DOCX + PDF，${THREADS} 个工作线程，含线程启动、建模和写文件）：${batchSeconds.toFixed(1)} 秒，${(BATCH / batchSeconds).toFixed(2)} 份/秒，${(bytes / 1024 / 1024).toFixed(1)} MB；此后进程峰值 RSS ${rssMb().toFixed(0)} MB（含各工作线程）`)

    let ratio: number | null = null
    if (onPath('soffice')) {
      const lo = await libreOfficeSeconds(dir, docxPath)
      ratio = (lo.median * 1000) / pdf.median
      console.log(`\nLibreOffice 转换同一 DOCX：首次（建配置目录）${lo.first.toFixed(2)} 秒；其后 ${SOFFICE_RUNS} 次（每次新进程）中位 ${lo.median.toFixed(2)} 秒（${lo.pages} 页）；pdfkit PDF 快 ${ratio.toFixed(0)} 倍`)
    } else console.log('\n未找到 soffice：跳过 LibreOffice 对比')
    db.$client.close()

    const checks: [string, boolean | null][] = [
      [`DOCX ≤ ${TARGETS.docxMs} ms`, docx.median <= TARGETS.docxMs],
      [`PDF ≤ ${TARGETS.pdfMs} ms`, pdf.median <= TARGETS.pdfMs],
      [`比 LibreOffice 快 ≥ ${TARGETS.vsLibreOffice} 倍`, ratio === null ? null : ratio >= TARGETS.vsLibreOffice],
      [`峰值 RSS ≤ ${TARGETS.rssMb} MB`, rss <= TARGETS.rssMb],
      [`${BATCH} 份 ≤ ${TARGETS.batchSeconds} 秒`, batchSeconds <= TARGETS.batchSeconds],
    ]
    console.log(`\n负载 ${load()}`)
    console.log(`目标：${checks.map(([label, ok]) => `${label} ${ok === null ? '未测' : ok ? 'PASS' : 'FAIL'}`).join('；')}`)
    console.log(checks.every(([, ok]) => ok !== false) ? 'PASS' : 'FAIL')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
