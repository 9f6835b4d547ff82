// `report <engagement>`: one report of one engagement written as files (the web stores versions; the
// command line only writes DOCX/PDF into a folder). `--at` fixes the generation time, so two runs on
// the same data give the same bytes. The helpers below are shared with `report:batch`.
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client.server'
import { engagements, reportNarratives } from '../../db/schema'
import { isId } from '../../app/ids.server'
import { buildReportModel } from '../../reports/build-model.server'
import { titleOf } from '../../reports/compose'
import { REPORT_STAGES, REPORT_TYPES, reportStageLabel, type Narrative, type ReportModel, type ReportStage, type ReportType } from '../../reports/model'
import { REPORT_FORMATS, renderModel, type ReportFormat } from '../../reports/render'
import { CliError, type CommandSpec } from '../framework'
import { writeReportFiles, type WrittenFile } from '../../reports/write-files.server'

const TYPE_LIST = REPORT_TYPES.map((t) => t.code).join('|')
const STAGE_LIST = REPORT_STAGES.map((s) => s.code).join('|')

/** Options whose bad values are the user's mistake in a value, not in the command line: exit 1 with the reason. */
export function parseReportType(raw: string): ReportType {
  const found = REPORT_TYPES.find((t) => t.code === raw.trim())
  if (!found) throw new CliError(`未知的报告类型「${raw}」：--type 须为 ${REPORT_TYPES.map((t) => `${t.code}（${t.label}）`).join('、')}`)
  return found.code
}

export function parseStage(raw: string): ReportStage {
  const found = REPORT_STAGES.find((s) => s.code === raw.trim())
  if (!found) throw new CliError(`未知的报告阶段「${raw}」：--stage 须为 ${REPORT_STAGES.map((s) => `${s.code}（${s.label}）`).join('、')}`)
  return found.code
}

export function parseFormats(raw: string): ReportFormat[] {
  const parts = raw.split(/[,，]/).map((p) => p.trim().toLowerCase()).filter((p) => p !== '')
  const unknown = parts.filter((p) => !(REPORT_FORMATS as readonly string[]).includes(p))
  if (parts.length === 0 || unknown.length > 0) throw new CliError(`未知的文件格式「${unknown.join(',') || raw}」：--format 须为 docx、pdf 或 docx,pdf`)
  return REPORT_FORMATS.filter((f) => parts.includes(f))
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/

/** The report's generation time as ISO-8601 UTC; a zone is required so the same text means the same instant everywhere. */
export function parseAt(raw: string | undefined, now: Date): string {
  if (raw === undefined) return now.toISOString()
  const ms = ISO_INSTANT.test(raw.trim()) ? Date.parse(raw.trim()) : Number.NaN
  if (Number.isNaN(ms)) throw new CliError(`--at 时间格式不正确「${raw}」：须为带时区的 ISO-8601 时间，如 2026-06-20T10:00:00+08:00 或 2026-06-20T02:00:00Z`)
  return new Date(ms).toISOString()
}

/** What people wrote for this report type on the report page, if anything (sections left out get their drafts). */
export function writtenNarrative(db: Db, engagementId: string, type: ReportType): Partial<Narrative> | undefined {
  const row = db.select({ sectionsJson: reportNarratives.sectionsJson }).from(reportNarratives).where(and(eq(reportNarratives.engagementId, engagementId), eq(reportNarratives.type, type))).get()
  return row ? (JSON.parse(row.sectionsJson) as Partial<Narrative>) : undefined
}

export type ModelOptions = { type: ReportType; stage: ReportStage; generatedAt: string }

/** The model, or the builder's Chinese reason why this engagement cannot have this report yet. */
export function modelFor(db: Db, engagementId: string, options: ModelOptions): { ok: true; model: ReportModel } | { ok: false; reason: string } {
  const built = buildReportModel(db, engagementId, options.type, { stage: options.stage, generatedAt: options.generatedAt, verification: null, narrative: writtenNarrative(db, engagementId, options.type) })
  return built.ok ? { ok: true, model: built.value } : { ok: false, reason: built.errors._form ?? Object.values(built.errors).join('；') }
}

/** Characters no file system (Windows included) accepts in a name. */
const UNSAFE_IN_FILE_NAME = /[\\/:*?"<>|\u0000-\u001f]/g

/** `<title>-<stage label>`, e.g. 「…绩效评价报告-初稿」; the extension is the format. */
export function reportFileStem(model: ReportModel): string {
  return `${titleOf(model).replace(UNSAFE_IN_FILE_NAME, '_')}-${reportStageLabel(model.document.stage)}`
}

// The file writing lives beside the renderers; report:batch takes it from here with the other helpers.
export { writeReportFiles, type WrittenFile }

export const describeFile = (f: WrittenFile): string => `${f.path}\t${f.size} 字节\tSHA-256 ${f.sha256}`

/** An engagement by id, or by its exact name when that names exactly one. */
export function findEngagement(db: Db, ref: string): { id: string; name: string } {
  const columns = { id: engagements.id, name: engagements.name }
  const key = ref.trim()
  const matches = isId(key) ? db.select(columns).from(engagements).where(eq(engagements.id, key)).all() : db.select(columns).from(engagements).where(eq(engagements.name, key)).all()
  if (matches.length === 0) throw new CliError(`未找到评价项目：${ref}（请给出项目编号或完整的项目名称）`)
  if (matches.length > 1) throw new CliError(`有 ${matches.length} 个评价项目名为「${key}」，请改用项目编号：${matches.map((m) => m.id).join('、')}`)
  return matches[0]!
}

/** Raw strings only: a wrong value is explained by the command itself (exit 1), as the type and format lists are long. */
const input = z.object({
  engagement: z.string().trim().min(1, '请给出评价项目编号或名称'),
  type: z.string({ required_error: `请用 --type 指定报告类型（${TYPE_LIST}）` }),
  format: z.string().default('docx,pdf'),
  out: z.string({ required_error: '请用 --out 指定输出目录' }).trim().min(1, '请用 --out 指定输出目录'),
  at: z.string().optional(),
  stage: z.string().default('draft'),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'report',
  summary: { zh: '生成一个评价项目的报告文件（DOCX/PDF），打印每个文件的路径、大小和 SHA-256', en: 'write one report of an engagement as DOCX/PDF files' },
  configure(cmd) {
    cmd
      .argument('<engagement>', '评价项目编号或完整名称 / engagement id or exact name')
      .option('--type <type>', `报告类型 ${TYPE_LIST} / report type`)
      .option('--format <list>', '文件格式，逗号分隔（默认 docx,pdf）/ formats')
      .option('--out <dir>', '输出目录（不存在时创建，同名文件覆盖）/ output folder')
      .option('--at <time>', '生成时间（ISO-8601，带时区）；固定后同样的数据生成同样的字节 / generation time')
      .option('--stage <stage>', `报告阶段 ${STAGE_LIST}（默认 draft 初稿）/ stage`)
  },
  input,
  async run(raw, ctx) {
    const type = parseReportType(raw.type)
    const formats = parseFormats(raw.format)
    const stage = parseStage(raw.stage)
    const generatedAt = parseAt(raw.at, ctx.now)
    const db = ctx.openDb({ readonly: true })
    const engagement = findEngagement(db, raw.engagement)
    const built = modelFor(db, engagement.id, { type, stage, generatedAt })
    if (!built.ok) throw new CliError(`「${engagement.name}」不能生成报告：${built.reason}`)
    const rendered = await renderModel(built.model, formats).catch((error: unknown) => {
      throw new CliError(`「${engagement.name}」的报告排版失败：${error instanceof Error ? error.message : String(error)}`)
    })
    const files = writeReportFiles(path.resolve(raw.out), reportFileStem(built.model), rendered)
    for (const f of files) ctx.io.out(describeFile(f))
  },
}
