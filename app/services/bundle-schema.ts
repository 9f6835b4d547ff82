// The interchange bundle (数据包, docs/bundle.md): one engagement with its frozen sheet, panel and
// scores as one JSON document. This zod schema is the single definition: the import validates
// with it, and docs/bundle.schema.json is generated from it (npm run bundle:schema). Checks that
// JSON Schema cannot say (references inside the file, scores within weights) are bundleProblems.
// No server imports: the generator script and tests load this without a database.
import { z } from 'zod'
import { BUDGET_TYPE_CODES, ENGAGEMENT_KIND_CODES, MAX_YEAR, MIN_YEAR } from '../domain/engagement'
import { TITLE_CODES } from '../domain/experts/vocab'
import { MAX_FEN } from '../domain/money'
import { STAGE_CODES } from '../domain/stages'
import type { IndicatorNode, IndicatorTree } from '../domain/indicators/tree'
import { walkTree } from '../domain/indicators/tree'
import { MAX_NODES, validateTree } from '../domain/indicators/validate'
import { consolidate, type ScoreCell } from '../domain/scoring/aggregate'
import { NATIONAL_BANDS, validateBands } from '../domain/scoring/grade'

export const BUNDLE_FORMAT = 'evaldesk.bundle/1'

export type BundleProblem = { path: string; message: string }

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

const text = (max: number) => z.string().max(max)
const required = (max: number) => z.string().min(1).max(max)
const int = (min: number, max: number) => z.number().int().min(min).max(max)
const instant = () => z.string().regex(ISO_INSTANT, '须为 UTC 时间，如 2026-06-01T08:00:00.000Z').describe('ISO-8601 UTC 时间')
const day = () =>
  z
  .string()
  .regex(ISO_DAY, '须为日期，如 2026-06-01')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), '不是有效的日期')
  .describe('日期 YYYY-MM-DD')
const hex64 = () => z.string().regex(/^[0-9a-f]{64}$/, '须为 64 位小写十六进制摘要')

// ---- the indicator tree (the document stored in sheet_versions.tree_json) ------------------------

const hundredths = () => z.number().int()
const ruleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('element'), shares: z.array(hundredths()).max(50), vetoPoints: z.array(z.number().int().min(0)).max(50) }).strict(),
  z.object({ type: z.literal('formula'), numerator: text(200), denominator: text(200), zeroBelowPercent: hundredths().nullable() }).strict(),
  z.object({ type: z.literal('tier'), measure: text(200), tiers: z.array(z.object({ bound: hundredths(), share: hundredths() }).strict()).max(50), otherwiseShare: hundredths() }).strict(),
  z.object({ type: z.literal('deduction'), counted: text(200), perFinding: z.object({ unit: z.enum(['points', 'percent']), amount: hundredths() }).strict(), veto: text(200).nullable() }).strict(),
  z.object({ type: z.literal('qualitative'), bands: z.array(z.object({ label: text(50), min: hundredths(), max: hundredths() }).strict()).max(10) }).strict(),
  z.object({ type: z.literal('survey'), targetPercent: hundredths() }).strict(),
])

// Lengths are generous bounds against abuse; validateTree applies the editor's own limits.
const indicatorSchema: z.ZodType<IndicatorNode> = z.lazy(() =>
  z
    .object({
      code: text(20),
      name: text(200),
      level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
      weight: z.number().int().min(0).describe('分值，百分之一分（12.5 分 = 1250）'),
      weightBasis: z.enum(['official', 'conventional']),
      source: z.enum(['official', 'conventional', 'typical', 'project']),
      explanation: text(4000),
      points: z.array(text(1000)).max(50),
      formula: text(4000),
      rule: ruleSchema.nullable(),
      ruleText: text(4000),
      unit: text(4000),
      target: text(4000),
      direction: z.enum(['positive', 'negative']),
      evidence: text(4000),
      children: z.array(indicatorSchema).max(MAX_NODES),
    })
    .strict(),
)

const treeSchema: z.ZodType<IndicatorTree> = z.object({ weighted: z.boolean(), roots: z.array(indicatorSchema).max(MAX_NODES) }).strict()

// ---- the parts of a bundle -----------------------------------------------------------------------

const personRef = () => z.object({ username: required(64), displayName: text(100) }).strict()

const engagementSchema = z
  .object({
    name: required(200),
    year: int(MIN_YEAR, MAX_YEAR),
    kind: z.enum(ENGAGEMENT_KIND_CODES),
    budgetType: z.enum(BUDGET_TYPE_CODES),
    fundsFen: int(0, MAX_FEN).describe('项目资金，分'),
    periodStart: day(),
    periodEnd: day(),
    contractNo: text(64),
    stage: z.enum(STAGE_CODES),
    agency: required(200).describe('评价机构名称（导入时按名称匹配，或用 --org 指定）'),
    financeBureau: required(200).describe('委托财政局名称（导入时按名称匹配，须已存在）'),
    lead: personRef().describe('项目负责人（导入时按用户名匹配本机构人员）'),
    members: z.array(personRef()).max(100),
    units: z.array(z.object({ name: required(100), competentDepartment: required(100) }).strict()).min(1).max(20),
  })
  .strict()

const sheetSchema = z
  .object({
    versionNo: int(1, 10_000),
    status: z.enum(['draft', 'frozen']),
    reason: text(2000),
    frozenAt: instant().nullable(),
    tree: treeSchema,
  })
  .strict()

const expertSchema = z
  .object({
    name: required(50),
    title: z.enum(TITLE_CODES),
    employer: text(200),
    region: text(100),
    phone: text(40),
    email: text(200),
  })
  .strict()
  .describe('专家身份（导入时与专家库匹配，见 docs/bundle.md）')

const seatSchema = z
  .object({
    key: required(40).describe('席位在本数据包内的编号，评分与提交记录据此引用'),
    expert: expertSchema,
    kind: z.enum(['drawn', 'reserve', 'manual']),
    specialtyCode: text(40).nullable(),
    position: int(0, 10_000),
    isLeader: z.boolean(),
    status: z.enum(['waiting', 'invited', 'accepted', 'declined', 'expired', 'withdrawn']),
    manualReason: text(2000),
    invitedAt: instant().nullable(),
    replyBy: instant().nullable(),
    respondedAt: instant().nullable(),
    declineReason: text(2000),
    createdAt: instant(),
    declarations: z.array(z.object({ textVersion: required(40), textHash: hex64(), factsHash: hex64(), signedAt: instant() }).strict()).max(50),
  })
  .strict()

const panelSchema = z
  .object({
    size: int(3, 15).refine((n) => n % 2 === 1, '专家组人数须为奇数'),
    reserveCount: int(0, 10),
    quotas: z.array(z.object({ specialtyCode: required(40), count: int(1, 15) }).strict()).max(20),
    reviewDate: day(),
    reviewDaysHundredths: int(50, 1000).describe('评审天数，百分之一天（半天 = 50）'),
    maxDrawsPerYear: int(1, 100),
    creditThreshold: int(0, 1000).nullable(),
    lookbackYears: int(0, 10),
    replyHours: int(1, 720),
    showExpertNames: z.boolean().describe('报告中列示专家姓名（false 为以代号列示）'),
    seats: z.array(seatSchema).max(60),
  })
  .strict()

const entrySchema = z
  .object({
    seat: required(40),
    code: required(20),
    versionNo: int(1, 100_000),
    score: z.number().int().min(0).describe('得分，百分之一分'),
    reason: text(2000),
    comment: text(2000),
    rescoreReason: text(2000),
    createdAt: instant(),
  })
  .strict()

const opinionSchema = z
  .object({
    overall: text(5000),
    parts: z.array(z.object({ code: required(20), name: text(200), text: text(5000) }).strict()).max(100),
    status: z.enum(['draft', 'confirmed']),
    confirmedAt: instant().nullable(),
    updatedAt: instant(),
  })
  .strict()

const scoringSchema = z
  .object({
    phase: z.enum(['scoring', 'discussion', 'closed']),
    aggregationRule: z.enum(['mean', 'trimmed', 'median']),
    stepHundredths: int(1, 10_000),
    softDeadline: instant().nullable(),
    hardDeadline: instant().nullable(),
    openedAt: instant(),
    divergencePercent: int(5, 100).describe('分歧阈值：极差超过分值的百分比'),
    bands: z
      .array(z.object({ grade: required(10), label: text(100), minRate: z.number().min(0).max(1) }).strict())
      .min(1)
      .max(10)
      .nullable()
      .describe('评价等级线（得分率）；null 为全国通用的 优90/良80/中60'),
    entries: z.array(entrySchema).max(500_000),
    submissions: z.array(z.object({ seat: required(40), submittedAt: instant(), late: z.boolean() }).strict()).max(10_000),
    opinion: opinionSchema.nullable(),
    requests: z
      .array(
        z
          .object({
            seat: required(40),
            code: required(20),
            message: text(1000),
            status: z.enum(['open', 'justified', 'rescored', 'lapsed']),
            response: text(2000),
            responseVersionNo: int(1, 100_000).nullable(),
            requestedAt: instant(),
            respondedAt: instant().nullable(),
          })
          .strict(),
      )
      .max(10_000)
      .describe('讨论阶段项目负责人请专家说明或重评的记录'),
    result: z
      .object({ rule: z.enum(['mean', 'trimmed', 'median']), total: z.number().int().min(0), grade: required(10), createdAt: instant() })
      .strict()
      .nullable()
      .describe('结束评分时确认的汇总结果（导入时按评分重新计算并核对）'),
  })
  .strict()

export const bundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    source: z.object({ engagementId: text(64) }).strict().optional().describe('导出时的项目编号，仅供追溯；导入时不使用'),
    engagement: engagementSchema,
    sheet: sheetSchema.nullable(),
    panel: panelSchema.nullable(),
    scoring: scoringSchema.nullable(),
  })
  .strict()
  .describe('EvalDesk 评价项目数据包')

export type Bundle = z.infer<typeof bundleSchema>
export type BundleSeat = z.infer<typeof seatSchema>

/** Definitions named in the generated JSON Schema (the recursive indicator refers to itself by name). */
export const BUNDLE_SCHEMA_DEFINITIONS = { Indicator: indicatorSchema }

// ---- Chinese messages --------------------------------------------------------------------------

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  integer: '整数',
  float: '小数',
  boolean: '布尔值（true/false）',
  object: '对象',
  array: '数组',
  null: 'null',
  undefined: '空',
}
const typeName = (t: string) => TYPE_NAMES[t] ?? t

const bundleErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return { message: '缺少此项' }
      return { message: `须为${typeName(issue.expected)}，实际为${typeName(issue.received)}` }
    case 'invalid_literal':
      return { message: `须为 ${JSON.stringify(issue.expected)}` }
    case 'unrecognized_keys':
      return { message: `不认识的字段：${issue.keys.join('、')}` }
    case 'invalid_enum_value':
      return { message: `须为 ${issue.options.join('、')} 之一，实际为 ${JSON.stringify(issue.received)}` }
    case 'invalid_union_discriminator':
      return { message: `type 须为 ${issue.options.map(String).join('、')} 之一` }
    case 'invalid_union':
      return { message: '取值不符合任何一种允许的形式' }
    case 'too_small':
      if (issue.type === 'string') return { message: Number(issue.minimum) <= 1 ? '不能为空' : `不能少于 ${issue.minimum} 个字符` }
      if (issue.type === 'array') return { message: `至少须有 ${issue.minimum} 项` }
      return { message: `不能小于 ${issue.minimum}` }
    case 'too_big':
      if (issue.type === 'string') return { message: `不能超过 ${issue.maximum} 个字符` }
      if (issue.type === 'array') return { message: `不能超过 ${issue.maximum} 项` }
      return { message: `不能大于 ${issue.maximum}` }
    default:
      return { message: ctx.defaultError }
  }
}

/** JSON path of a zod issue or a bundle location: $.scoring.entries[3].score */
export function jsonPath(parts: readonly (string | number)[]): string {
  return parts.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : `${out}.${p}`), '$')
}

export type ParsedBundle = { ok: true; bundle: Bundle } | { ok: false; problems: BundleProblem[] }

/** Shape first (every problem of the shape at once), then the file's own consistency. */
export function parseBundle(raw: unknown): ParsedBundle {
  const shaped = bundleSchema.safeParse(raw, { errorMap: bundleErrorMap })
  if (!shaped.success) return { ok: false, problems: shaped.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })) }
  const problems = bundleProblems(shaped.data)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, bundle: shaped.data }
}

// ---- consistency inside the file ------------------------------------------------------------------

/** JSON paths of every indicator of the tree by code (the first, when a code repeats). */
function indicatorPaths(tree: IndicatorTree): Map<string, (string | number)[]> {
  const out = new Map<string, (string | number)[]>()
  const visit = (node: IndicatorNode, at: (string | number)[]) => {
    if (!out.has(node.code)) out.set(node.code, at)
    node.children.forEach((c, i) => visit(c, [...at, 'children', i]))
  }
  tree.roots.forEach((r, i) => visit(r, ['sheet', 'tree', 'roots', i]))
  return out
}

function sheetProblems(sheet: NonNullable<Bundle['sheet']>): BundleProblem[] {
  const paths = indicatorPaths(sheet.tree)
  const frozen = sheet.status === 'frozen' && sheet.frozenAt === null ? [{ path: jsonPath(['sheet', 'frozenAt']), message: '已冻结的评分表须有冻结时间' }] : []
  return frozen.concat(validateTree(sheet.tree)
    .filter((i) => i.severity === 'error')
    .map((i) => {
      const at = i.code !== null ? paths.get(i.code) : undefined
      const where = at ? [...at, ...(i.field ? [i.field] : [])] : ['sheet', 'tree']
      return { path: jsonPath(where), message: i.path ? `${i.path}：${i.message}` : i.message }
    }))
}

/** Identity of an expert inside one file: two seats with the same person are the same expert. */
export function expertIdentity(e: BundleSeat['expert']): string {
  return [e.name, e.phone, e.email.toLowerCase(), e.phone || e.email ? '' : e.employer].join('\u0000')
}

const ACTIVE_SEAT = new Set(['waiting', 'invited', 'accepted'])

function panelProblems(panel: NonNullable<Bundle['panel']>): BundleProblem[] {
  const out: BundleProblem[] = []
  const keys = new Map<string, number>()
  const people = new Map<string, number>()
  panel.seats.forEach((s, i) => {
    const first = keys.get(s.key)
    if (first !== undefined) out.push({ path: jsonPath(['panel', 'seats', i, 'key']), message: `席位编号「${s.key}」与第 ${first + 1} 个席位重复` })
    else keys.set(s.key, i)
    if (!ACTIVE_SEAT.has(s.status)) return
    const identity = expertIdentity(s.expert)
    const seated = people.get(identity)
    if (seated !== undefined) out.push({ path: jsonPath(['panel', 'seats', i, 'expert']), message: `专家「${s.expert.name}」已在第 ${seated + 1} 个席位，同一专家不能重复入组` })
    else people.set(identity, i)
  })
  const leaders = panel.seats.flatMap((s, i) => (s.isLeader ? [i] : []))
  for (const i of leaders.slice(1)) out.push({ path: jsonPath(['panel', 'seats', i, 'isLeader']), message: `专家组只能有一位组长（第 ${leaders[0]! + 1} 个席位已是组长）` })
  if (panel.quotas.reduce((n, q) => n + q.count, 0) > panel.size) out.push({ path: jsonPath(['panel', 'quotas']), message: '各专业名额之和不能超过专家组人数' })
  return out
}

function scoringProblems(b: Bundle, scoring: NonNullable<Bundle['scoring']>): BundleProblem[] {
  const out: BundleProblem[] = []
  const at = (...p: (string | number)[]) => jsonPath(['scoring', ...p])
  if (!b.sheet) out.push({ path: jsonPath(['sheet']), message: '有评分记录的数据包须包含评分表' })
  else if (b.sheet.status !== 'frozen') out.push({ path: jsonPath(['sheet', 'status']), message: '评分所用的评分表须为已冻结（frozen）' })
  if (!b.panel) out.push({ path: jsonPath(['panel']), message: '有评分记录的数据包须包含专家组' })
  if (scoring.softDeadline && scoring.hardDeadline && scoring.hardDeadline < scoring.softDeadline) out.push({ path: at('hardDeadline'), message: '截止时间不能早于建议完成时间' })
  if (!b.sheet || !b.panel) return out
  const leaves = new Map(walkTree(b.sheet.tree).filter(({ node }) => node.children.length === 0).map(({ node }) => [node.code, node]))
  const seats = new Map(b.panel.seats.map((s) => [s.key, s]))
  const versions = new Map<string, number>()
  scoring.entries.forEach((e, i) => {
    if (!seats.has(e.seat)) out.push({ path: at('entries', i, 'seat'), message: `席位「${e.seat}」不在 panel.seats 中` })
    const leaf = leaves.get(e.code)
    if (!leaf) out.push({ path: at('entries', i, 'code'), message: `评分表中没有编码为「${e.code}」的末级指标` })
    else if (e.score > leaf.weight) out.push({ path: at('entries', i, 'score'), message: `指标「${leaf.name}」得分 ${e.score / 100} 分，超过分值 ${leaf.weight / 100} 分` })
    else if (e.score % scoring.stepHundredths !== 0) out.push({ path: at('entries', i, 'score'), message: `指标「${leaf.name}」得分 ${e.score / 100} 分，须为 ${scoring.stepHundredths / 100} 分的整数倍` })
    // Versions of one seat's indicator arrive in order 1, 2, 3 …: a gap or a repeat means a lost or doubled save.
    const k = `${e.seat}\u0000${e.code}`
    const expected = (versions.get(k) ?? 0) + 1
    if (e.versionNo !== expected) out.push({ path: at('entries', i, 'versionNo'), message: `席位「${e.seat}」指标「${e.code}」的版本号应为 ${expected}，实为 ${e.versionNo}` })
    versions.set(k, Math.max(expected, e.versionNo))
  })
  scoring.submissions.forEach((s, i) => {
    const seat = seats.get(s.seat)
    if (!seat) {
      out.push({ path: at('submissions', i, 'seat'), message: `席位「${s.seat}」不在 panel.seats 中` })
      return
    }
    const missing = [...leaves.values()].filter((leaf) => !versions.has(`${s.seat}\u0000${leaf.code}`))
    if (missing.length > 0) out.push({ path: at('submissions', i), message: `席位「${s.seat}」（${seat.expert.name}）已提交，但 ${missing.length} 个指标没有评分（如「${missing[0]!.name}」）` })
  })
  scoring.requests.forEach((q, i) => {
    if (!seats.has(q.seat)) out.push({ path: at('requests', i, 'seat'), message: `席位「${q.seat}」不在 panel.seats 中` })
    if (!leaves.has(q.code)) out.push({ path: at('requests', i, 'code'), message: `评分表中没有编码为「${q.code}」的末级指标` })
  })
  if (scoring.bands) {
    const problems = validateBands(scoring.bands)
    if (problems.length > 0) out.push({ path: at('bands'), message: problems.join('；') })
  }
  if (scoring.result) out.push(...resultProblems(b.sheet.tree, scoring, seats))
  if (scoring.opinion) {
    const roots = new Set(b.sheet.tree.roots.map((r) => r.code))
    scoring.opinion.parts.forEach((p, i) => {
      if (!roots.has(p.code)) out.push({ path: at('opinion', 'parts', i, 'code'), message: `评分表中没有编码为「${p.code}」的一级指标` })
    })
    if (scoring.opinion.status === 'confirmed' && !scoring.opinion.confirmedAt) out.push({ path: at('opinion', 'confirmedAt'), message: '已确认的专家组意见须有确认时间' })
  }
  return out
}

/** The stored result must be what the submitted scores give under its rule: it is recomputed on import. */
function resultProblems(tree: IndicatorTree, scoring: NonNullable<Bundle['scoring']>, seats: Map<string, unknown>): BundleProblem[] {
  const result = scoring.result!
  const path = jsonPath(['scoring', 'result'])
  if (scoring.phase !== 'closed') return [{ path, message: '只有评分已结束（closed）的数据包才有汇总结果' }]
  if (result.rule !== scoring.aggregationRule) return [{ path: jsonPath(['scoring', 'result', 'rule']), message: '汇总结果的规则须与评分所声明的汇总规则一致' }]
  const submitted = new Set(scoring.submissions.map((s) => s.seat).filter((s) => seats.has(s)))
  const latest = new Map<string, ScoreCell>()
  for (const e of scoring.entries) if (submitted.has(e.seat)) latest.set(`${e.seat}\u0000${e.code}`, { expertKey: e.seat, code: e.code, score: e.score })
  if (latest.size === 0) return [{ path, message: '没有已提交的评分，不能有汇总结果' }]
  try {
    const c = consolidate(tree, [...latest.values()], result.rule, scoring.bands ?? NATIONAL_BANDS)
    if (c.total !== result.total || c.grade.grade !== result.grade) return [{ path, message: `汇总结果（${result.total / 100} 分，${result.grade}）与评分重新计算的结果（${c.total / 100} 分，${c.grade.grade}）不一致` }]
  } catch {
    return [] // the entries' own problems are reported above
  }
  return []
}

function engagementProblems(e: Bundle['engagement']): BundleProblem[] {
  const out: BundleProblem[] = []
  if (e.periodEnd < e.periodStart) out.push({ path: jsonPath(['engagement', 'periodEnd']), message: '评价期间截止日不能早于起始日' })
  const units = new Set<string>()
  e.units.forEach((u, i) => {
    const k = `${u.name}\u0000${u.competentDepartment}`
    if (units.has(k)) out.push({ path: jsonPath(['engagement', 'units', i]), message: `被评价单位「${u.name}」重复` })
    units.add(k)
  })
  return out
}

/** Everything wrong inside a well-shaped bundle, with the JSON path of each problem, in Chinese. */
export function bundleProblems(b: Bundle): BundleProblem[] {
  return [...engagementProblems(b.engagement), ...(b.sheet ? sheetProblems(b.sheet) : []), ...(b.panel ? panelProblems(b.panel) : []), ...(b.scoring ? scoringProblems(b, b.scoring) : [])]
}
