// `report:batch --year 2025`: one report of every engagement of a year (optionally of one bureau),
// rendered several at once in the worker pool. Engagements not ready for the report are skipped with
// the builder's reason; a rendering failure is counted, reported and makes the exit code 1.
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { SingleBar } from 'cli-progress'
import { and, asc, eq, or } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client.server'
import { engagements, organizations } from '../../db/schema'
import { closeRenderPool, renderInWorker, renderPool } from '../../reports/render-pool.server'
import { CliError, EXIT_FAILURE, EXIT_OK, type CliIo, type CommandSpec } from '../framework'
import { describeFile, modelFor, parseAt, parseFormats, parseReportType, parseStage, reportFileStem, writeReportFiles, type ModelOptions, type WrittenFile } from './report'

/** Runs `work` over the items with at most `limit` in flight; resolves when all have settled. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      await work(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane))
}

type Target = { id: string; name: string }

function bureauId(db: Db, ref: string): string {
  const key = ref.trim()
  const row = db
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.kind, 'finance_bureau'), or(eq(organizations.id, key), eq(organizations.name, key))))
    .get()
  if (!row) throw new CliError(`未找到财政局：${ref}（请给出财政局的完整名称或编号）`)
  return row.id
}

function targetsOf(db: Db, year: number, bureau: string | undefined): Target[] {
  const byBureau = bureau === undefined ? undefined : eq(engagements.financeBureauId, bureauId(db, bureau))
  return db.select({ id: engagements.id, name: engagements.name }).from(engagements).where(and(eq(engagements.year, year), byBureau)).orderBy(asc(engagements.name), asc(engagements.id)).all()
}

type Outcome = { kind: 'done'; files: WrittenFile[] } | { kind: 'skipped'; reason: string } | { kind: 'failed'; reason: string }

/** A bar on a terminal; one plain line per engagement when stderr is a file or a pipe (CI logs, tests). */
function progressReporter(total: number, io: CliIo): { tick: (target: Target, outcome: Outcome) => void; stop: () => void } {
  const label: Record<Outcome['kind'], string> = { done: '完成', skipped: '跳过', failed: '失败' }
  if (!process.stderr.isTTY) {
    let count = 0
    return { tick: (t, o) => io.err(`[${++count}/${total}] ${label[o.kind]} ${t.name}`), stop: () => undefined }
  }
  const bar = new SingleBar({ stream: process.stderr, format: '生成报告 [{bar}] {value}/{total} {percentage}% | 已用 {duration_formatted} | {name}', barsize: 30, hideCursor: true, clearOnComplete: false })
  bar.start(total, 0, { name: '' })
  return { tick: (t, o) => bar.increment(1, { name: `${label[o.kind]} ${t.name}` }), stop: () => bar.stop() }
}

function dedupeStem(stem: string, id: string, taken: Set<string>): string {
  const unique = taken.has(stem) ? `${stem}-${id}` : stem
  taken.add(unique)
  return unique
}

/** A whole number in [min, max] from the command line's text; the message says what is expected. */
const integerOption = (message: string, min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v.trim()) ? Number(v) : v), z.number({ required_error: message, invalid_type_error: message }).int(message).min(min, message).max(max, message))

const input = z.object({
  year: integerOption('请用 --year 指定 2000 至 2100 之间的项目年度，如 --year 2025', 2000, 2100),
  bureau: z.string().trim().min(1, '--bureau 不能为空').optional(),
  type: z.string().default('evaluation'),
  format: z.string().default('docx,pdf'),
  out: z.string({ required_error: '请用 --out 指定输出目录' }).trim().min(1, '请用 --out 指定输出目录'),
  at: z.string().optional(),
  stage: z.string().default('draft'),
  threads: integerOption('--threads 须为 1 至 16 的整数', 1, 16).optional(),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'report:batch',
  summary: { zh: '批量生成某年度（可限定财政局）全部评价项目的报告文件，显示进度并汇总完成、跳过和失败', en: 'write one report type for every engagement of a year (or bureau)' },
  configure(cmd) {
    cmd
      .option('--year <year>', '项目年度，如 2025 / year')
      .option('--bureau <name>', '只生成该财政局的项目（名称或编号）/ finance bureau')
      .option('--type <type>', '报告类型 evaluation|ex-ante|plan|score-sheets（默认 evaluation）/ report type')
      .option('--format <list>', '文件格式，逗号分隔（默认 docx,pdf）/ formats')
      .option('--out <dir>', '输出目录（不存在时创建，同名文件覆盖）/ output folder')
      .option('--at <time>', '生成时间（ISO-8601，带时区）/ generation time')
      .option('--stage <stage>', '报告阶段 draft|consultation|final（默认 draft 初稿）/ stage')
      .option('--threads <n>', `排版线程数（默认 ${Math.max(1, os.availableParallelism())}）/ worker threads`)
  },
  input,
  async run(raw, ctx) {
    const options: ModelOptions = { type: parseReportType(raw.type), stage: parseStage(raw.stage), generatedAt: parseAt(raw.at, ctx.now) }
    const formats = parseFormats(raw.format)
    const threads = raw.threads ?? Math.max(1, os.availableParallelism())
    const outDir = path.resolve(raw.out)
    const db = ctx.openDb({ readonly: true })
    const targets = targetsOf(db, raw.year, raw.bureau)
    if (targets.length === 0) throw new CliError(`${raw.year} 年度${raw.bureau ? `「${raw.bureau}」` : ''}没有评价项目`)

    const started = performance.now()
    const outcomes = new Map<string, Outcome>()
    const taken = new Set<string>()
    const progress = progressReporter(targets.length, ctx.io)
    renderPool(threads)
    try {
      // Two jobs per thread keep every worker busy while the main thread builds the next model and writes files.
      await eachLimited(targets, threads * 2, async (target) => {
        let outcome: Outcome
        try {
          const built = modelFor(db, target.id, options)
          if (!built.ok) outcome = { kind: 'skipped', reason: built.reason }
          else {
            const stem = dedupeStem(reportFileStem(built.model), target.id, taken)
            outcome = { kind: 'done', files: writeReportFiles(outDir, stem, await renderInWorker(built.model, formats)) }
          }
        } catch (error) {
          outcome = { kind: 'failed', reason: error instanceof Error ? error.message : String(error) }
        }
        outcomes.set(target.id, outcome)
        progress.tick(target, outcome)
      })
    } finally {
      progress.stop()
      await closeRenderPool()
    }

    const seconds = (performance.now() - started) / 1000
    const listed = targets.map((t) => ({ target: t, outcome: outcomes.get(t.id)! }))
    const of = <K extends Outcome['kind']>(kind: K) => listed.filter((x): x is { target: Target; outcome: Extract<Outcome, { kind: K }> } => x.outcome.kind === kind)
    const files = of('done').flatMap((x) => x.outcome.files)
    for (const f of files) ctx.io.out(describeFile(f))
    for (const { target, outcome } of of('skipped')) ctx.io.out(`跳过：${target.name}（${target.id}）：${outcome.reason}`)
    for (const { target, outcome } of of('failed')) ctx.io.out(`失败：${target.name}（${target.id}）：${outcome.reason}`)
    const bytes = files.reduce((sum, f) => sum + f.size, 0)
    ctx.io.out(
      `共 ${targets.length} 个项目：完成 ${of('done').length} 个，跳过 ${of('skipped').length} 个，失败 ${of('failed').length} 个；用时 ${seconds.toFixed(1)} 秒；写入 ${files.length} 个文件（${(bytes / 1024).toFixed(0)} KB）到 ${outDir}`,
    )
    return of('failed').length > 0 ? EXIT_FAILURE : EXIT_OK
  },
}
