// The Excel template (指标体系模板) for indicator frameworks and scoring sheets: export, the blank
// template and import. One layout for all three, so an exported file can be edited and imported
// again, and the round trip reproduces the tree exactly.
//
// Sheet 「指标体系」: rows 1–4 the metadata (label in A, value in B), row 6 the header, rows 7+ one
// indicator per row in pre-order. Sheet 「填写说明」 documents every column and the rule syntax.
//
// Hostile input (SECURITY.md §9–§10): the bytes pass checkXlsxBytes before exceljs sees them;
// formulas are never evaluated (cached results only); text columns refuse numbers Excel may have
// mangled. On export every user string is a string cell, and a string Excel or a CSV re-save could
// run as a formula gets a leading ' that the import strips again.
import ExcelJS from 'exceljs'
import {
  FRAMEWORK_CATEGORIES,
  isWeightedCategory,
  type FrameworkCategory,
} from '../domain/indicators/framework'
import {
  OFFICIAL_BANDS,
  defaultRule,
  formatRuleSpec,
  parseRuleSpec,
  parseRuleType,
} from '../domain/indicators/rule-spec'
import {
  DIRECTIONS,
  INDICATOR_SOURCES,
  MAX_LEVEL,
  RULE_TYPES,
  WEIGHT_BASES,
  blankIndicator,
  flattenTree,
  labelOf,
  unflattenRows,
  walkTree,
  type IndicatorNode,
  type IndicatorRow,
  type IndicatorTree,
  type Level,
  type ScoringRule,
} from '../domain/indicators/tree'
import { validateTree, type ValidationField, type ValidationIssue } from '../domain/indicators/validate'
import { checkXlsxBytes, DEFAULT_XLSX_LIMITS } from './xlsx-safety.server'

export type WorkbookMeta = { name: string; category: FrameworkCategory; source: string; description: string }
/** `row` is the Excel row number (1-based); `column` the Chinese header or metadata label. */
export type WorkbookProblem = { row: number | null; column: string | null; message: string }
export type WorkbookRead =
  | { ok: true; meta: WorkbookMeta; tree: IndicatorTree; warnings: string[] }
  | { ok: false; problems: WorkbookProblem[] }

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const MAX_WORKBOOK_BYTES = DEFAULT_XLSX_LIMITS.maxBytes
export const MAX_INDICATOR_ROWS = 2000
export const MAX_REPORTED_PROBLEMS = 200

export const FRAMEWORK_SHEET = '指标体系'
export const INSTRUCTIONS_SHEET = '填写说明'
const HEADER_ROW = 6
/** How far down an edited sheet may have pushed the header row before we stop looking for it. */
const HEADER_SEARCH_ROWS = 20

const META_FIELDS = [
  { key: 'name', label: '框架名称', max: 100, required: true },
  { key: 'category', label: '类别', max: 100, required: true },
  { key: 'source', label: '来源', max: 200, required: false },
  { key: 'description', label: '说明', max: 2000, required: false },
] as const

type ColumnKey =
  | 'level'
  | 'code'
  | 'name'
  | 'weight'
  | 'weightBasis'
  | 'source'
  | 'explanation'
  | 'points'
  | 'formula'
  | 'ruleType'
  | 'ruleParams'
  | 'ruleText'
  | 'unit'
  | 'target'
  | 'direction'
  | 'evidence'

type Column = { key: ColumnKey; header: string; width: number; required: string; help: string }

const choices = (list: readonly { label: string }[]) => list.map((x) => x.label).join('、')

const COLUMNS: readonly Column[] = [
  {
    key: 'level',
    header: '层级',
    width: 6,
    required: '必填',
    help: '1–4 的整数：1 为一级指标，2 为二级，3 为三级，4 为四级（可选）。',
  },
  {
    key: 'code',
    header: '编码',
    width: 12,
    required: '必填',
    help: '指标编码，在本表中唯一，如 A1、A11、A111。请按文本填写，超过 15 位的数字编码会被 Excel 改变。',
  },
  { key: 'name', header: '名称', width: 22, required: '必填', help: '指标名称。' },
  {
    key: 'weight',
    header: '权重',
    width: 8,
    required: '计权重的体系必填',
    help: '分值，如 12.5，最多两位小数。下级权重之和须等于上级权重，一级指标合计 100 分。分行业分领域指标集可留空。',
  },
  {
    key: 'weightBasis',
    header: '权重性质',
    width: 9,
    required: '可空（默认惯例）',
    help: `${choices(WEIGHT_BASES)}：权重是文件规定的还是惯例默认值。`,
  },
  {
    key: 'source',
    header: '来源',
    width: 10,
    required: '可空（默认项目自设）',
    help: `${choices(INDICATOR_SOURCES)}。`,
  },
  { key: 'explanation', header: '指标解释', width: 30, required: '可空', help: '指标的含义。' },
  {
    key: 'points',
    header: '评价要点',
    width: 36,
    required: '可空',
    help: '每个要点占一行（单元格内按 Alt+Enter 换行），按①②③的顺序。',
  },
  {
    key: 'formula',
    header: '计算公式',
    width: 24,
    required: '可空',
    help: '如：实际支出资金 / 实际到位资金 × 100%。',
  },
  {
    key: 'ruleType',
    header: '计分规则',
    width: 10,
    required: '末级指标填写',
    help: `${choices(RULE_TYPES)}；上级指标留空。`,
  },
  {
    key: 'ruleParams',
    header: '规则参数',
    width: 34,
    required: '填写计分规则时必填',
    help: '「参数名=值」以分号分隔，写法见下方「规则参数写法」。',
  },
  {
    key: 'ruleText',
    header: '评分标准',
    width: 36,
    required: '可空',
    help: '评分标准的文字表述（文件或本机构的写法）。',
  },
  { key: 'unit', header: '计量单位', width: 9, required: '可空', help: '如 %、个、万元。' },
  {
    key: 'target',
    header: '目标值',
    width: 10,
    required: '可空',
    help: '如 ≥90%、100、按计划完成。请按文本填写。',
  },
  {
    key: 'direction',
    header: '方向',
    width: 7,
    required: '可空（默认正向）',
    help: `${choices(DIRECTIONS)}：反向指标数值越低越好。`,
  },
  { key: 'evidence', header: '佐证材料', width: 24, required: '可空', help: '需要提供的佐证材料。' },
]

const column = (key: ColumnKey): Column => COLUMNS.find((c) => c.key === key)!

/** The header row of the template, in order. */
export const TEMPLATE_HEADERS: readonly string[] = COLUMNS.map((c) => c.header)

// ---------------------------------------------------------------------------------------------
// Writing

/** First characters that make Excel, LibreOffice or Sheets (or a CSV re-save) read a formula. */
const FORMULA_TRIGGER = /^[=+\-@\t\r']/

// exceljs silently drops control characters and the reader turns CR into LF; Excel's own escape
// (`_xHHHH_`, which exceljs decodes on read) keeps them. An underscore that would start a literal
// `_xHHHH_` is escaped in turn (not consumed, so `_x0041_x0042_` escapes both).
const NEEDS_XSTRING_ESCAPE =
  /_(?=x[0-9A-F]{4}_)|[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function escapeXstring(text: string): string {
  return text.replace(NEEDS_XSTRING_ESCAPE, (m) =>
    m === '_' ? '_x005F_' : `_x${m.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
  )
}

/** The string cell value for a user-derived text: blank stays blank, never a formula. */
export function safeCellText(text: string): string | null {
  if (text === '') return null
  return escapeXstring(FORMULA_TRIGGER.test(text) ? `'${text}` : text)
}

function weightCell(weight: number, weighted: boolean): number | null {
  return weight === 0 && !weighted ? null : weight / 100
}

function rowCells(row: IndicatorRow, weighted: boolean): Record<ColumnKey, ExcelJS.CellValue> {
  return {
    level: row.level,
    code: safeCellText(row.code),
    name: safeCellText(row.name),
    weight: weightCell(row.weight, weighted),
    weightBasis: labelOf(WEIGHT_BASES, row.weightBasis),
    source: labelOf(INDICATOR_SOURCES, row.source),
    explanation: safeCellText(row.explanation),
    points: safeCellText(row.points.join('\n')),
    formula: safeCellText(row.formula),
    ruleType: row.rule ? labelOf(RULE_TYPES, row.rule.type) : null,
    ruleParams: row.rule ? safeCellText(formatRuleSpec(row.rule)) : null,
    ruleText: safeCellText(row.ruleText),
    unit: safeCellText(row.unit),
    target: safeCellText(row.target),
    direction: labelOf(DIRECTIONS, row.direction),
    evidence: safeCellText(row.evidence),
  }
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } }
const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FFB0B0B0' } }
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const WRAP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' }
const NUMERIC_COLUMNS: readonly ColumnKey[] = ['level', 'weight']

function addFrameworkSheet(
  workbook: ExcelJS.Workbook,
  meta: WorkbookMeta,
  rows: readonly IndicatorRow[],
  weighted: boolean,
) {
  const sheet = workbook.addWorksheet(FRAMEWORK_SHEET, {
    views: [{ state: 'frozen', xSplit: 3, ySplit: HEADER_ROW }],
  })
  sheet.columns = COLUMNS.map((c) => ({
    key: c.key,
    width: c.width,
    // Text format on text columns, so a code or target the user types later stays text.
    style: NUMERIC_COLUMNS.includes(c.key) ? { alignment: WRAP } : { numFmt: '@', alignment: WRAP },
  }))

  const category = FRAMEWORK_CATEGORIES.find((c) => c.code === meta.category)?.label ?? meta.category
  const metaValues: Record<(typeof META_FIELDS)[number]['key'], string> = { ...meta, category }
  META_FIELDS.forEach((field, i) => {
    const row = sheet.getRow(i + 1)
    row.getCell(1).value = field.label
    row.getCell(1).font = { bold: true }
    row.getCell(2).value = safeCellText(metaValues[field.key])
    sheet.mergeCells(i + 1, 2, i + 1, COLUMNS.length)
  })
  const hint = sheet.getRow(HEADER_ROW - 1).getCell(1)
  hint.value = `第 ${HEADER_ROW + 1} 行起每行一个指标，按层级顺序（上级在前、下级紧随其后）填写；各列写法见「${INSTRUCTIONS_SHEET}」工作表。`
  hint.font = { italic: true, color: { argb: 'FF808080' } }
  hint.alignment = { wrapText: false }

  const header = sheet.getRow(HEADER_ROW)
  COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1)
    cell.value = c.header
    cell.font = { bold: true }
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true }
  })

  rows.forEach((indicator, i) => {
    const row = sheet.getRow(HEADER_ROW + 1 + i)
    const values = rowCells(indicator, weighted)
    COLUMNS.forEach((c, j) => {
      const cell = row.getCell(j + 1)
      cell.value = values[c.key]
      cell.border = BORDER
    })
    // A level-1 row stands out, so the tree reads at a glance.
    if (indicator.level === 1) row.font = { bold: true }
  })
}

type RuleExample = { rule: ScoringRule; note: string }

/** One example per rule type; the instructions print them through formatRuleSpec, so they always parse. */
const RULE_EXAMPLES: readonly RuleExample[] = [
  {
    rule: { type: 'element', shares: [2500, 2500, 2500, 2500, 0], vetoPoints: [5] },
    note: '份额：各评价要点所占比例（%），顺序与评价要点一致，合计 100；否决要点（可选）：该要点不满足则本指标 0 分，填要点序号。',
  },
  {
    rule: { type: 'formula', numerator: '实际支出资金', denominator: '实际到位资金', zeroBelowPercent: 6000 },
    note: '得分 = 权重 × 分子 / 分母（封顶 100%），反向指标为分母 / 分子；低于则零分（可选）：比率低于该百分比得 0 分。',
  },
  {
    rule: defaultRule('tier', { points: [], name: '预算执行率' }),
    note: '分档：「临界值:得分比例」，正向指标临界值从高到低（反向从低到高）；其余（可选，默认 0）：未达任何一档时的得分比例。',
  },
  {
    rule: {
      type: 'deduction',
      counted: '不合规事项',
      perFinding: { unit: 'points', amount: 100 },
      veto: '存在截留、挤占、挪用、虚列支出',
    },
    note: '每项扣分（分）与每项扣比例（权重的 %）二选一，扣完为止；否决（可选）：出现该情形本指标 0 分。',
  },
  {
    rule: { type: 'qualitative', bands: OFFICIAL_BANDS.map((band) => ({ ...band })) },
    note: '档位：「档位名称:下限-上限」（权重的 %），从最好一档写起。',
  },
  {
    rule: { type: 'survey', targetPercent: 9000 },
    note: '目标：满意度目标（%）；达到目标得满分，低于目标按 满意度 / 目标 计分。',
  },
]

function addInstructionsSheet(workbook: ExcelJS.Workbook) {
  const sheet = workbook.addWorksheet(INSTRUCTIONS_SHEET)
  sheet.columns = [{ width: 14 }, { width: 22 }, { width: 90 }]
  const heading = (text: string) => {
    const row = sheet.addRow([text])
    row.font = { bold: true, size: 12 }
  }
  const line = (...cells: string[]) => {
    const row = sheet.addRow(cells)
    row.alignment = WRAP
  }
  const categories = FRAMEWORK_CATEGORIES.map((c) => c.label).join('、')

  heading('指标体系导入模板 填写说明')
  line(
    '布局',
    '',
    `在「${FRAMEWORK_SHEET}」工作表中填写。第 1–4 行为框架信息（A 列为项目名，B 列填写内容）；第 ${HEADER_ROW} 行为表头；第 ${HEADER_ROW + 1} 行起每行一个指标。`,
  )
  line('框架名称', '必填', '指标体系的名称，不超过 100 字。')
  line('类别', '必填', `${categories}。「分行业分领域指标」为不计权重的指标集，其余类别须权重合计 100 分。`)
  line('来源', '可空', '依据的文件，如 财预〔2020〕10号。')
  line('说明', '可空', '适用范围等说明。')
  line(
    '指标顺序',
    '',
    '按先上级、后下级的顺序逐行填写：二级指标紧跟在所属一级指标之后，三级指标紧跟在所属二级指标之后，不能跳级。空行会被忽略。',
  )
  line(
    '限制',
    '',
    `最多 ${MAX_INDICATOR_ROWS} 个指标；文件不超过 ${MAX_WORKBOOK_BYTES / 1024 / 1024} MB；不接受含宏的工作簿（.xlsm）和加密的工作簿。`,
  )
  line(
    '文本与公式',
    '',
    '请以文本填写各列（编码等长数字尤其如此）。含公式的单元格按 Excel 保存的计算结果读取，不会重新计算。以 = + - @ 或单引号开头的内容导出时前面加一个单引号，导入时去掉这一个单引号。',
  )
  line(
    '表头',
    '',
    '表头各列均须保留，列的先后顺序可以调整；不用的列留空即可。可以在右侧增加备注列，导入时忽略。',
  )
  sheet.addRow([])

  heading('各列说明')
  line('列名', '是否必填', '说明')
  COLUMNS.forEach((c) => line(c.header, c.required, c.help))
  sheet.addRow([])

  heading('规则参数写法')
  line(
    '',
    '',
    '「参数名=值」，多个参数以分号 ; 分隔，列表以逗号 , 分隔；也可使用全角符号 ；＝，：，百分数后可带 %。文本参数中不能含 ; = , : 这几个符号。',
  )
  line('计分规则', '示例', '说明')
  for (const example of RULE_EXAMPLES) {
    line(labelOf(RULE_TYPES, example.rule.type), formatRuleSpec(example.rule), example.note)
  }
  // Instruction text is ours, but it goes through the same writer as user text: no formula cells.
  sheet.eachRow((row) => {
    row.eachCell((cell) => {
      if (typeof cell.value === 'string') cell.value = safeCellText(cell.value)
    })
  })
}

export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  workbook.creator = 'EvalDesk'
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/**
 * The framework or sheet as a workbook in the template layout. `meta.category` decides whether the
 * import treats the tree as weighted, as it does everywhere else (isWeightedCategory).
 */
export async function writeFrameworkWorkbook(meta: WorkbookMeta, tree: IndicatorTree): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  addFrameworkSheet(workbook, meta, flattenTree(tree), tree.weighted)
  addInstructionsSheet(workbook)
  return workbookBytes(workbook)
}

const TEMPLATE_META: WorkbookMeta = {
  name: '示例：某项目支出绩效评价指标体系',
  category: 'project',
  source: '财预〔2020〕10号',
  description: '示例行仅供参考，请替换为实际指标。',
}

const TEMPLATE_LEAF: IndicatorNode = {
  ...blankIndicator(3, 'C11', '实际完成率'),
  weight: 10_000,
  explanation: '项目实施的实际产出数与计划产出数的比率，用以反映和考核项目产出数量目标的实现程度。',
  points: ['实际产出数以验收确认的数量为准', '计划产出数以批复的绩效目标为准'],
  formula: '实际完成率 = 实际产出数 / 计划产出数 × 100%',
  rule: { type: 'formula', numerator: '实际产出数', denominator: '计划产出数', zeroBelowPercent: 6000 },
  ruleText: '得分 = 权重 × 实际完成率，封顶满分；实际完成率低于 60% 的得 0 分。',
  unit: '%',
  target: '100%',
  evidence: '验收报告、产出清单',
}

const TEMPLATE_TREE: IndicatorTree = {
  weighted: true,
  roots: [
    {
      ...blankIndicator(1, 'C', '产出'),
      weight: 10_000,
      children: [{ ...blankIndicator(2, 'C1', '产出数量'), weight: 10_000, children: [TEMPLATE_LEAF] }],
    },
  ],
}

/** The documented blank template: the same layout, a few example rows and the 填写说明 sheet. */
export function writeTemplateWorkbook(): Promise<Buffer> {
  return writeFrameworkWorkbook(TEMPLATE_META, TEMPLATE_TREE)
}

// ---------------------------------------------------------------------------------------------
// Reading cells

export type CellContent =
  | { kind: 'blank' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'invalid'; message: string }

const BLANK: CellContent = { kind: 'blank' }
const invalid = (message: string): CellContent => ({ kind: 'invalid', message })

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function richTextOf(runs: unknown[]): string {
  return runs.map((run) => (isObject(run) && typeof run.text === 'string' ? run.text : '')).join('')
}

/** What a cell holds, as far as a template column cares. Formulas give their cached result. */
function cellContent(value: unknown, insideFormula = false): CellContent {
  if (value === null || value === undefined || value === '') return BLANK
  if (typeof value === 'string') return { kind: 'text', text: value }
  if (typeof value === 'number')
    return Number.isFinite(value) ? { kind: 'number', value } : invalid('数值无效')
  if (typeof value === 'boolean') return invalid('不能是逻辑值（TRUE/FALSE）')
  if (value instanceof Date) return invalid('不能是日期，请将单元格设为文本格式后重新填写')
  if (!isObject(value)) return invalid('无法识别的单元格内容')
  if ('error' in value) return invalid(`单元格是错误值 ${String(value.error)}`)
  if (Array.isArray(value.richText)) return cellContent(richTextOf(value.richText), insideFormula)
  if ('formula' in value || 'sharedFormula' in value) {
    if (insideFormula) return invalid('无法识别的单元格内容')
    if (value.result === undefined || value.result === null) {
      return invalid('是公式但没有保存计算结果，请在 Excel 中重新计算并保存，或直接填写内容')
    }
    return cellContent(value.result, true)
  }
  if ('hyperlink' in value && 'text' in value) return cellContent(value.text, insideFormula)
  return invalid('无法识别的单元格内容')
}

export function readCell(sheet: ExcelJS.Worksheet, row: number, col: number): CellContent {
  const cell = sheet.getRow(row).getCell(col)
  // A merged cell other than the top-left one reports the top-left value; it holds nothing itself.
  if (cell.type === ExcelJS.ValueType.Merge) return BLANK
  return cellContent(cell.value)
}

/** Undoes the export's guard: exactly one leading apostrophe. */
function unquote(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text
}

const MAX_TEXT_DIGITS = 15
const MAX_QUOTED_CHARS = 30

/** A cell's text as quoted back in a message: short, and unable to rearrange a terminal or a line. */
export function quoted(text: string): string {
  const chars = [...text]
  const short = chars.length > MAX_QUOTED_CHARS ? `${chars.slice(0, MAX_QUOTED_CHARS).join('')}…` : text
  return `「${printable(short)}」`
}

function unknownChoice(text: string, list: readonly { label: string }[]): string {
  return `无法识别${quoted(text)}，可选：${choices(list)}`
}

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

/** Identifiers and choices are trimmed before the apostrophe comes off; free text is kept as typed. */
export function textOf(content: CellContent, label: string, trim: boolean): Parsed<string> {
  switch (content.kind) {
    case 'blank':
      return { ok: true, value: '' }
    case 'text':
      return { ok: true, value: unquote(trim ? content.text.trim() : content.text) }
    case 'invalid':
      return { ok: false, message: content.message }
    case 'number': {
      const n = content.value
      if (Number.isSafeInteger(n) && String(Math.abs(n)).length <= MAX_TEXT_DIGITS)
        return { ok: true, value: String(n) }
      if (Number.isInteger(n))
        return { ok: false, message: `${label}须以文本格式填写（超过15位的数字会丢失精度）` }
      return { ok: false, message: `${label}是小数格式的数值，请以文本格式填写（如 95.5%）` }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the sheet

class ProblemList {
  readonly items: WorkbookProblem[] = []
  add(row: number | null, column: string | null, message: string) {
    this.items.push({ row, column, message })
  }
  get any() {
    return this.items.length > 0
  }
}

function cellLabel(sheet: ExcelJS.Worksheet, row: number, col: number): string {
  const content = readCell(sheet, row, col)
  return content.kind === 'text' ? content.text.trim() : ''
}

function findHeaderRow(sheet: ExcelJS.Worksheet): number | null {
  const wanted = [column('level').header, column('code').header, column('name').header]
  for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
    const labels = new Set<string>()
    sheet.getRow(r).eachCell((_cell, col) => {
      labels.add(cellLabel(sheet, r, col))
    })
    if (wanted.every((w) => labels.has(w))) return r
  }
  return null
}

const columnLetter = (col: number) => {
  let s = ''
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

function mapColumns(
  sheet: ExcelJS.Worksheet,
  headerRow: number,
  problems: ProblemList,
): Map<ColumnKey, number> {
  const found = new Map<ColumnKey, number>()
  sheet.getRow(headerRow).eachCell((_cell, col) => {
    const label = cellLabel(sheet, headerRow, col)
    const spec = COLUMNS.find((c) => c.header === label)
    if (!spec) return
    const earlier = found.get(spec.key)
    if (earlier !== undefined) {
      problems.add(
        headerRow,
        spec.header,
        `表头重复（第 ${columnLetter(earlier)} 列和第 ${columnLetter(col)} 列）`,
      )
      return
    }
    found.set(spec.key, col)
  })
  const missing = COLUMNS.filter((c) => !found.has(c.key)).map((c) => c.header)
  if (missing.length > 0) problems.add(headerRow, null, `缺少表头列：${missing.join('、')}`)
  return found
}

function locateSheet(
  workbook: ExcelJS.Workbook,
): { ok: true; sheet: ExcelJS.Worksheet; headerRow: number } | { ok: false; message: string } {
  const named = workbook.getWorksheet(FRAMEWORK_SHEET)
  const wantedHeaders = `${column('level').header}、${column('code').header}、${column('name').header}`
  if (named) {
    const headerRow = findHeaderRow(named)
    if (headerRow === null)
      return {
        ok: false,
        message: `工作表「${FRAMEWORK_SHEET}」中未找到表头行（应包含 ${wantedHeaders} 等列，见模板第 ${HEADER_ROW} 行）`,
      }
    return { ok: true, sheet: named, headerRow }
  }
  // A user who renamed the only sheet still gets an import, as long as it looks like the template.
  const first = workbook.worksheets[0]
  const headerRow = first ? findHeaderRow(first) : null
  if (!first || headerRow === null)
    return { ok: false, message: `未找到工作表「${FRAMEWORK_SHEET}」，请使用系统提供的模板` }
  return { ok: true, sheet: first, headerRow }
}

function readMeta(sheet: ExcelJS.Worksheet, headerRow: number, problems: ProblemList): WorkbookMeta | null {
  const values = new Map<string, { row: number; value: string }>()
  for (let r = 1; r < headerRow; r++) {
    const label = cellLabel(sheet, r, 1).replace(/[:：]$/, '')
    const field = META_FIELDS.find((f) => f.label === label)
    if (!field || values.has(field.key)) continue
    const text = textOf(readCell(sheet, r, 2), field.label, true)
    if (!text.ok) {
      problems.add(r, field.label, text.message)
      continue
    }
    values.set(field.key, { row: r, value: text.value })
  }
  const before = problems.items.length
  for (const field of META_FIELDS) {
    const found = values.get(field.key)
    if (!found) {
      if (field.required)
        problems.add(
          null,
          field.label,
          `缺少「${field.label}」：请在第 1–4 行的 A 列写「${field.label}」，B 列填写内容`,
        )
      continue
    }
    if (field.required && found.value === '') problems.add(found.row, field.label, '不能为空')
    else if (found.value.length > field.max) problems.add(found.row, field.label, `不能超过 ${field.max} 字`)
  }
  const categoryCell = values.get('category')
  const category = FRAMEWORK_CATEGORIES.find(
    (c) => c.label === categoryCell?.value || c.code === categoryCell?.value,
  )?.code
  if (categoryCell && categoryCell.value !== '' && !category) {
    problems.add(categoryCell.row, '类别', unknownChoice(categoryCell.value, FRAMEWORK_CATEGORIES))
  }
  if (problems.items.length > before || !category) return null
  return {
    name: values.get('name')?.value ?? '',
    category,
    source: values.get('source')?.value ?? '',
    description: values.get('description')?.value ?? '',
  }
}

/** Reads one data row; each bad cell adds a problem naming the row and the column. */
class RowReader {
  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly columns: Map<ColumnKey, number>,
    readonly rowNumber: number,
    private readonly problems: ProblemList,
  ) {}

  private content(key: ColumnKey): CellContent {
    const col = this.columns.get(key)
    return col === undefined ? BLANK : readCell(this.sheet, this.rowNumber, col)
  }

  fail(key: ColumnKey, message: string): null {
    this.problems.add(this.rowNumber, column(key).header, message)
    return null
  }

  isBlank(): boolean {
    return COLUMNS.every((c) => this.content(c.key).kind === 'blank')
  }

  text(key: ColumnKey, trim = false): string | null {
    const parsed = textOf(this.content(key), column(key).header, trim)
    return parsed.ok ? parsed.value : this.fail(key, parsed.message)
  }

  level(): Level | null {
    const content = this.content('level')
    if (content.kind === 'invalid') return this.fail('level', content.message)
    const value =
      content.kind === 'number'
        ? content.value
        : content.kind === 'text' && /^\d$/.test(content.text.trim())
          ? Number(content.text.trim())
          : NaN
    if (Number.isInteger(value) && value >= 1 && value <= MAX_LEVEL) return value as Level
    return this.fail('level', `须为 1–${MAX_LEVEL} 的整数`)
  }

  weight(): number | null {
    const content = this.content('weight')
    const message = '须为不小于 0 的数字，最多两位小数'
    let points: number
    if (content.kind === 'blank') return 0
    if (content.kind === 'invalid') return this.fail('weight', content.message)
    if (content.kind === 'number') points = content.value
    else {
      const text = unquote(content.text.trim())
      if (text === '') return 0
      if (!/^\d+(\.\d+)?$/.test(text)) return this.fail('weight', message)
      points = Number(text)
    }
    const hundredths = Math.round(points * 100)
    if (points < 0 || Math.abs(points * 100 - hundredths) > 1e-6) return this.fail('weight', message)
    if (hundredths > 10_000) return this.fail('weight', '不能超过 100 分')
    return hundredths
  }

  choice<T extends string>(
    key: ColumnKey,
    list: readonly { code: T; label: string }[],
    fallback: T,
  ): T | null {
    const text = this.text(key, true)
    if (text === null) return null
    if (text === '') return fallback
    const found = list.find((x) => x.label === text || x.code === text)
    return found ? found.code : this.fail(key, unknownChoice(text, list))
  }

  points(): string[] | null {
    const text = this.text('points')
    if (text === null) return null
    return text
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p !== '')
  }

  /** The rule, null when both rule cells are blank, undefined when a problem was recorded. */
  rule(): ScoringRule | null | undefined {
    const typeText = this.text('ruleType', true)
    const params = this.text('ruleParams', true)
    if (typeText === null || params === null) return undefined
    if (typeText === '' && params === '') return null
    if (typeText === '') {
      this.fail('ruleType', '填写了规则参数，但未选择计分规则')
      return undefined
    }
    const type = parseRuleType(typeText)
    if (!type) {
      this.fail('ruleType', unknownChoice(typeText, RULE_TYPES))
      return undefined
    }
    const parsed = parseRuleSpec(type, params)
    if (!parsed.ok) {
      this.fail('ruleParams', parsed.message)
      return undefined
    }
    return parsed.rule
  }
}

/** The row, or null when a problem was recorded for it. */
function readIndicatorRow(reader: RowReader): IndicatorRow | null {
  const { rule, ...fields } = {
    level: reader.level(),
    code: reader.text('code', true),
    name: reader.text('name'),
    weight: reader.weight(),
    weightBasis: reader.choice('weightBasis', WEIGHT_BASES, 'conventional'),
    source: reader.choice('source', INDICATOR_SOURCES, 'project'),
    explanation: reader.text('explanation'),
    points: reader.points(),
    formula: reader.text('formula'),
    rule: reader.rule(),
    ruleText: reader.text('ruleText'),
    unit: reader.text('unit'),
    target: reader.text('target'),
    direction: reader.choice('direction', DIRECTIONS, 'positive'),
    evidence: reader.text('evidence'),
  }
  if (fields.code === '') return reader.fail('code', '不能为空')
  const present = withoutNulls(fields)
  return present && rule !== undefined ? { ...present, rule } : null
}

type NonNullFields<T> = { [K in keyof T]: Exclude<T[K], null> }

/** The fields when every one was read; null when any recorded a problem. */
function withoutNulls<T extends Record<string, unknown>>(fields: T): NonNullFields<T> | null {
  return Object.values(fields).every((v) => v !== null) ? (fields as NonNullFields<T>) : null
}

export function capProblems(problems: WorkbookProblem[]): WorkbookProblem[] {
  if (problems.length <= MAX_REPORTED_PROBLEMS) return problems
  const rest = problems.length - MAX_REPORTED_PROBLEMS
  return [
    ...problems.slice(0, MAX_REPORTED_PROBLEMS),
    { row: null, column: null, message: `……另有 ${rest} 处问题` },
  ]
}

function refuse(problems: WorkbookProblem[]): WorkbookRead {
  return { ok: false, problems: capProblems(problems) }
}

const refuseWith = (message: string, row: number | null = null, column: string | null = null): WorkbookRead =>
  refuse([{ row, column, message }])

function readSheet(workbook: ExcelJS.Workbook): WorkbookRead {
  const located = locateSheet(workbook)
  if (!located.ok) return refuseWith(located.message)
  const { sheet, headerRow } = located
  const problems = new ProblemList()
  const columns = mapColumns(sheet, headerRow, problems)
  if (problems.any) return refuse(problems.items)
  const meta = readMeta(sheet, headerRow, problems)

  const readers: RowReader[] = []
  sheet.eachRow((_row, rowNumber) => {
    if (rowNumber > headerRow) readers.push(new RowReader(sheet, columns, rowNumber, problems))
  })
  const filled = readers.filter((r) => !r.isBlank())
  if (filled.length === 0) return refuseWith(`未找到指标行：请从第 ${headerRow + 1} 行起填写指标`)
  if (filled.length > MAX_INDICATOR_ROWS)
    return refuseWith(`指标行数超过上限 ${MAX_INDICATOR_ROWS}（共 ${filled.length} 行）`)

  const rows = filled.map(readIndicatorRow).filter((r) => r !== null)
  if (problems.any || !meta || rows.length !== filled.length) return refuse(problems.items)
  return buildTree(
    meta,
    rows,
    filled.map((r) => r.rowNumber),
  )
}

const FIELD_COLUMNS: Record<ValidationField, ColumnKey> = {
  weight: 'weight',
  code: 'code',
  name: 'name',
  rule: 'ruleParams',
  level: 'level',
}

/**
 * The Excel row an issue is about. An issue names its indicator by code and by path (names joined
 * as validateTree writes them); the path tells apart rows that share a code, and where it does not
 * match, the first row with the code is the best guess.
 */
function issueRows(
  tree: IndicatorTree,
  rowNumbers: readonly number[],
): (issue: ValidationIssue) => number | null {
  const byCodeAndPath = new Map<string, number>()
  const byCode = new Map<string, number>()
  walkTree(tree).forEach(({ node, path }, i) => {
    const row = rowNumbers[i]!
    const key = `${node.code}\n${path.map((name) => name.trim() || '（未命名）').join(' › ')}`
    if (!byCodeAndPath.has(key)) byCodeAndPath.set(key, row)
    if (!byCode.has(node.code)) byCode.set(node.code, row)
  })
  return (issue) =>
    issue.code === null
      ? null
      : (byCodeAndPath.get(`${issue.code}\n${issue.path}`) ?? byCode.get(issue.code) ?? null)
}

function buildTree(meta: WorkbookMeta, rows: IndicatorRow[], rowNumbers: number[]): WorkbookRead {
  const levelHeader = column('level').header
  const built = unflattenRows(rows, isWeightedCategory(meta.category))
  if (!built.ok)
    return refuse(
      built.errors.map((e) => ({
        row: rowNumbers[e.index] ?? null,
        column: levelHeader,
        message: e.message,
      })),
    )

  const rowOf = issueRows(built.tree, rowNumbers)
  const issues = validateTree(built.tree)
  const errors = issues.filter((i) => i.severity === 'error')
  if (errors.length > 0) {
    return refuse(
      errors.map((issue) => ({
        row: rowOf(issue),
        column: issue.field === null ? null : column(FIELD_COLUMNS[issue.field]).header,
        message: issue.message,
      })),
    )
  }
  const warnings = issues.filter((i) => i.severity === 'warning').map((i) => i.message)
  return { ok: true, meta, tree: built.tree, warnings }
}

/**
 * Reads a workbook in the template layout. Never throws for hostile bytes: every refusal is a list
 * of Chinese problems with the Excel row and column where there is one, and nothing is imported
 * unless every row is valid and the tree passes validateTree.
 */
export function readFrameworkWorkbook(bytes: Buffer): Promise<WorkbookRead> {
  return readWorkbookSafely(bytes, readSheet, (message) => refuseWith(message))
}

/**
 * The container checks, then exceljs, then `read`: whatever the bytes are, the answer is `read`'s
 * or `refuse` with a Chinese message, never a throw.
 */
export async function readWorkbookSafely<T>(bytes: Buffer, read: (workbook: ExcelJS.Workbook) => T, refuse: (message: string) => T): Promise<T> {
  const container = await checkXlsxBytes(bytes)
  if (!container.ok) return refuse(container.message)
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
  } catch {
    return refuse('无法读取工作簿：文件已损坏或不是 Excel 保存的 .xlsx 文件')
  }
  try {
    return read(workbook)
  } catch {
    return refuse('无法读取工作簿内容：文件结构异常，请用 Excel 另存为 .xlsx 后再试')
  }
}

// Control characters (ANSI escapes, line breaks) and bidi overrides in a message come from cell
// text quoted back; on a terminal or in a log line they could forge output.
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

function printable(text: string): string {
  return text.replace(UNPRINTABLE, '�')
}

/** "第 12 行「权重」：须为不小于 0 的数字，最多两位小数", one printable line. */
export function problemText(p: WorkbookProblem): string {
  const where = [p.row !== null ? `第 ${p.row} 行` : '', p.column !== null ? `「${p.column}」` : ''].join('')
  return printable(where === '' ? p.message : `${where}：${p.message}`)
}
