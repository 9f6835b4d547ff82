// The expert pool workbook (专家库): the blank template, the export of a filtered list, and the
// import. One layout for all three: sheet 「专家库」 with the header in row 1 and one expert per row;
// sheet 「填写说明」 documents each column. Multi-valued columns hold one entry per line, its parts
// separated by "|".
//
// Hostile input (SECURITY.md §9–§10): checkXlsxBytes runs before exceljs; cells are read through the
// framework workbook's reader (cached formula results only, no dates, no mangled long numbers);
// every row passes the web form's own schemas. On export every user string is a string cell that
// no spreadsheet will run as a formula.
import ExcelJS from 'exceljs'
import type { z } from 'zod'
import { EXPERT_STATUSES, RELATION_KINDS, TITLES, labelOf, type ExpertStatus } from '../domain/experts/vocab'
import type { ExpertDetail } from '../models/expert.server'
import type { ExpertImportRow } from '../services/expert-pool.server'
import {
  EXPERT_FIELD_LABELS,
  EXPERT_ROW_GROUPS,
  employmentSchema,
  expertFieldsSchema,
  relationSchema,
  unavailabilitySchema,
  type ExpertInput,
} from '../utils/expert-form'
import {
  capProblems,
  quoted,
  readCell,
  readWorkbookSafely,
  safeCellText,
  textOf,
  workbookBytes,
  type CellContent,
  type WorkbookProblem,
} from './framework-workbook.server'

export const EXPERT_SHEET = '专家库'
export const EXPERT_INSTRUCTIONS_SHEET = '填写说明'
export const MAX_EXPERT_ROWS = 2000
const HEADER_SEARCH_ROWS = 10

type ColumnKey = keyof typeof EXPERT_FIELD_LABELS
type Column = { key: ColumnKey; width: number; required: boolean; how: string }

const choices = (list: readonly { label: string }[]) => list.map((x) => x.label).join('、')

const COLUMNS: readonly Column[] = [
  { key: 'name', width: 10, required: true, how: '专家姓名，最多 50 字' },
  { key: 'employer', width: 28, required: true, how: '现工作单位全称；已退休的写原单位并在备注中说明' },
  { key: 'title', width: 8, required: true, how: `可选：${choices(TITLES)}` },
  { key: 'specialties', width: 18, required: true, how: '一个或多个，用顿号“、”分隔，须为「专业领域」列表中的名称（见下方）' },
  { key: 'region', width: 14, required: false, how: '如：浙江省杭州市' },
  { key: 'phone', width: 16, required: false, how: '手机 11 位，或带区号的座机（如 0571-87654321）；与邮箱至少填写一项。请设为文本格式' },
  { key: 'email', width: 24, required: false, how: '如 name@example.com' },
  { key: 'status', width: 8, required: false, how: `可选：${choices(EXPERT_STATUSES)}；留空为「在库」` },
  { key: 'employments', width: 40, required: false, how: '每行一段：单位|起始日期|截止日期，仍在职的截止日期留空。例：杭州市滨江区教育局|2015-09-01|2021-08-31' },
  { key: 'relations', width: 36, required: false, how: `每行一条：关系类型|单位|说明。关系类型可选：${choices(RELATION_KINDS)}` },
  { key: 'unavailability', width: 30, required: false, how: '每行一段：起|止（可加 |说明），只有一天的可只写一个日期。例：2026-05-01|2026-05-05|出国' },
  { key: 'note', width: 30, required: false, how: '最多 1000 字' },
]

const header = (key: ColumnKey) => EXPERT_FIELD_LABELS[key]
export const EXPERT_HEADERS: readonly string[] = COLUMNS.map((c) => header(c.key))

// ---------------------------------------------------------------------------------------------
// Writing

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } }
const WRAP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' }

function lines(entries: readonly string[][]): string {
  // A trailing blank part (no note, no end date) is left off.
  return entries.map((parts) => parts.join('|').replace(/\|+$/, '')).join('\n')
}

function expertCells(e: ExpertInput & { status: ExpertStatus }): Record<ColumnKey, string | null> {
  return {
    name: safeCellText(e.name),
    employer: safeCellText(e.employer),
    title: labelOf(TITLES, e.title),
    specialties: safeCellText(e.specialties.join('、')),
    region: safeCellText(e.region),
    phone: safeCellText(e.phone),
    email: safeCellText(e.email),
    status: labelOf(EXPERT_STATUSES, e.status),
    employments: safeCellText(lines(e.employments.map((x) => [x.organization, x.fromDate, x.toDate ?? '']))),
    relations: safeCellText(lines(e.relations.map((x) => [labelOf(RELATION_KINDS, x.kind), x.organization, x.note]))),
    unavailability: safeCellText(lines(e.unavailability.map((x) => [x.fromDate, x.toDate, x.note]))),
    note: safeCellText(e.note),
  }
}

function addExpertSheet(workbook: ExcelJS.Workbook, rows: readonly (ExpertInput & { status: ExpertStatus })[]) {
  const sheet = workbook.addWorksheet(EXPERT_SHEET, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] })
  // Text format everywhere, so a phone number or a date typed later stays text.
  sheet.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width, style: { numFmt: '@', alignment: WRAP } }))
  const head = sheet.getRow(1)
  COLUMNS.forEach((c, i) => {
    const cell = head.getCell(i + 1)
    cell.value = header(c.key)
    cell.font = { bold: true }
    cell.fill = HEADER_FILL
    cell.alignment = { vertical: 'middle', horizontal: 'center' }
  })
  rows.forEach((expert, i) => {
    const values = expertCells(expert)
    const row = sheet.getRow(i + 2)
    COLUMNS.forEach((c, j) => (row.getCell(j + 1).value = values[c.key]))
  })
}

function addInstructions(workbook: ExcelJS.Workbook, specialtyLabels: readonly string[]) {
  const sheet = workbook.addWorksheet(EXPERT_INSTRUCTIONS_SHEET)
  sheet.columns = [{ width: 16 }, { width: 8 }, { width: 90, style: { alignment: WRAP } }]
  sheet.addRow(['列名', '必填', '写法']).font = { bold: true }
  for (const c of COLUMNS) sheet.addRow([header(c.key), c.required ? '是' : '', c.how])
  sheet.addRow([])
  sheet.addRow(['专业领域', '', safeCellText(specialtyLabels.join('、'))])
  sheet.addRow([])
  sheet.addRow(['导入规则', '', '任何一行有误时不导入任何专家，并列出全部问题（行号、列名、原因）。姓名相同且电话或邮箱相同的视为同一位专家，不会重复导入。'])
}

/** The experts as a workbook in the import layout (specialties by label, codes shown as words). */
export async function writeExpertWorkbook(experts: readonly ExpertDetail[], specialtyLabels: readonly string[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  addExpertSheet(
    workbook,
    experts.map((e) => ({
      ...e,
      specialties: e.specialties.map((s) => s.label),
      employments: e.employments,
      relations: e.relations,
      unavailability: e.unavailability,
    })),
  )
  addInstructions(workbook, specialtyLabels)
  return workbookBytes(workbook)
}

const EXAMPLE: ExpertInput & { status: ExpertStatus } = {
  name: '示例专家',
  employer: '浙江大学公共管理学院',
  title: 'senior',
  specialties: ['财务', '政策研究'],
  region: '浙江省杭州市',
  phone: '13800000000',
  email: 'expert@example.com',
  status: 'active',
  employments: [
    { organization: '浙江大学公共管理学院', fromDate: '2016-09-01', toDate: null },
    { organization: '杭州市财政局', fromDate: '2008-07-01', toDate: '2016-08-31' },
  ],
  relations: [{ kind: 'advisory', organization: '杭州某咨询有限公司', note: '独立董事' }],
  unavailability: [{ fromDate: '2026-07-01', toDate: '2026-07-15', note: '出国访学' }],
  note: '示例行，导入前请删除',
}

/** The documented blank template: the header, one example row and the 填写说明 sheet. */
export async function writeExpertTemplate(specialtyLabels: readonly string[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  addExpertSheet(workbook, [EXAMPLE])
  addInstructions(workbook, specialtyLabels)
  return workbookBytes(workbook)
}

// ---------------------------------------------------------------------------------------------
// Reading

export type ExpertWorkbookRead = { ok: true; rows: ExpertImportRow[] } | { ok: false; problems: WorkbookProblem[] }

const refuse = (problems: WorkbookProblem[]): ExpertWorkbookRead => ({ ok: false, problems: capProblems(problems) })
const refuseWith = (message: string, row: number | null = null, column: string | null = null) => refuse([{ row, column, message }])

function headerLabel(content: CellContent): string {
  return content.kind === 'text' ? content.text.trim() : ''
}

function findHeader(sheet: ExcelJS.Worksheet): { row: number; columns: Map<ColumnKey, number>; problems: WorkbookProblem[] } | null {
  for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
    const columns = new Map<ColumnKey, number>()
    const problems: WorkbookProblem[] = []
    sheet.getRow(r).eachCell((_cell, col) => {
      const label = headerLabel(readCell(sheet, r, col))
      const spec = COLUMNS.find((c) => header(c.key) === label)
      if (!spec) return
      if (columns.has(spec.key)) problems.push({ row: r, column: label, message: '表头重复' })
      else columns.set(spec.key, col)
    })
    if (columns.has('name')) return { row: r, columns, problems }
  }
  return null
}

function locate(workbook: ExcelJS.Workbook) {
  const named = workbook.getWorksheet(EXPERT_SHEET)
  const sheet = named ?? workbook.worksheets[0]
  const found = sheet ? findHeader(sheet) : null
  return sheet && found ? { sheet, ...found } : null
}

type Parsed<T> = { ok: true; value: T } | { ok: false }

/** Reads one data row; each bad cell adds a problem naming the Excel row and the column. */
class RowReader {
  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly columns: Map<ColumnKey, number>,
    readonly row: number,
    private readonly problems: WorkbookProblem[],
  ) {}

  private content(key: ColumnKey): CellContent {
    const col = this.columns.get(key)
    return col === undefined ? { kind: 'blank' } : readCell(this.sheet, this.row, col)
  }

  fail(key: ColumnKey, message: string): { ok: false } {
    this.problems.push({ row: this.row, column: header(key), message })
    return { ok: false }
  }

  isBlank(): boolean {
    return COLUMNS.every((c) => this.content(c.key).kind === 'blank')
  }

  text(key: ColumnKey): Parsed<string> {
    const parsed = textOf(this.content(key), header(key), true)
    return parsed.ok ? parsed : this.fail(key, parsed.message)
  }

  /** A code from its label (or the code itself); blank gives `fallback`. */
  choice<T extends string>(key: ColumnKey, list: readonly { code: T; label: string }[], fallback: T | ''): Parsed<T | ''> {
    const text = this.text(key)
    if (!text.ok) return text
    if (text.value === '') return { ok: true, value: fallback }
    const found = list.find((x) => x.label === text.value || x.code === text.value)
    return found ? { ok: true, value: found.code } : this.fail(key, `无法识别${quoted(text.value)}，可选：${choices(list)}`)
  }

  specialties(): Parsed<string[]> {
    const text = this.text('specialties')
    if (!text.ok) return text
    return { ok: true, value: text.value.split(/[、,，;；\n]/).map((s) => s.trim()).filter((s) => s !== '') }
  }

  /**
   * One entry per line, parts split on "|": each entry becomes a record for `schema`, whose
   * messages come back as "第 2 条：…". Notes, the last part, may themselves contain "|".
   */
  entries<T>(
    key: 'employments' | 'relations' | 'unavailability',
    toRecord: (parts: string[]) => Record<string, string> | string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  ): Parsed<T[]> {
    const text = this.text(key)
    if (!text.ok) return text
    const entries = text.value.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l !== '')
    const max = EXPERT_ROW_GROUPS[key].max
    if (entries.length > max) return this.fail(key, `最多 ${max} 条（现有 ${entries.length} 条）`)
    const out: T[] = []
    let failed = false
    entries.forEach((line, i) => {
      const record = toRecord(line.split(/[|｜]/).map((p) => p.trim()))
      const parsed = typeof record === 'string' ? null : schema.safeParse(record)
      if (parsed?.success) out.push(parsed.data)
      else {
        failed = true
        this.fail(key, `第 ${i + 1} 条${quoted(line)}：${typeof record === 'string' ? record : (parsed?.error.issues[0]?.message ?? '无法识别')}`)
      }
    })
    return failed ? { ok: false } : { ok: true, value: out }
  }
}

const relationKindOf = (text: string) => RELATION_KINDS.find((k) => k.label === text || k.code === text)?.code ?? `?${text}`

function readRow(reader: RowReader, problems: WorkbookProblem[]): ExpertImportRow | null {
  const before = problems.length
  const cells = {
    name: reader.text('name'),
    employer: reader.text('employer'),
    title: reader.choice('title', TITLES, ''),
    region: reader.text('region'),
    phone: reader.text('phone'),
    email: reader.text('email'),
    note: reader.text('note'),
    specialties: reader.specialties(),
  }
  const status = reader.choice('status', EXPERT_STATUSES, 'active')
  const employments = reader.entries(
    'employments',
    (p) => (p.length < 2 || p.length > 3 ? '应写作「单位|起始日期|截止日期」，仍在职的截止日期留空' : { organization: p[0]!, fromDate: p[1]!, toDate: p[2] ?? '' }),
    employmentSchema,
  )
  const relations = reader.entries(
    'relations',
    (p) => {
      if (p.length < 2) return '应写作「关系类型|单位|说明」'
      const kind = relationKindOf(p[0]!)
      if (kind.startsWith('?')) return `无法识别关系类型${quoted(p[0]!)}，可选：${choices(RELATION_KINDS)}`
      return { kind, organization: p[1]!, note: p.slice(2).join('|') }
    },
    relationSchema,
  )
  const unavailability = reader.entries(
    'unavailability',
    (p) => ({ fromDate: p[0]!, toDate: p[1] || p[0]!, note: p.slice(2).join('|') }),
    unavailabilitySchema,
  )
  const raw = Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, v.ok ? v.value : k === 'specialties' ? [] : '']))
  const fields = expertFieldsSchema.safeParse(raw)
  if (!fields.success) {
    const seen = new Set<string>()
    for (const issue of fields.error.issues) {
      const key = issue.path[0] as ColumnKey
      // A cell already refused for its content is not refused again for being blank.
      if (seen.has(key) || (key in cells && !cells[key as keyof typeof cells].ok)) continue
      seen.add(key)
      reader.fail(key, issue.message)
    }
  }
  if (problems.length > before || !fields.success || !status.ok || !employments.ok || !relations.ok || !unavailability.ok) return null
  return {
    row: reader.row,
    status: status.value === '' ? 'active' : status.value,
    input: { ...fields.data, employments: employments.value, relations: relations.value, unavailability: unavailability.value },
  }
}

function readSheet(workbook: ExcelJS.Workbook): ExpertWorkbookRead {
  const located = locate(workbook)
  if (!located) return refuseWith(`未找到工作表「${EXPERT_SHEET}」的表头行（应包含 ${EXPERT_HEADERS.slice(0, 4).join('、')} 等列），请使用系统提供的模板`)
  const { sheet, row: headerRow, columns } = located
  const problems = [...located.problems]
  const missing = COLUMNS.filter((c) => c.required && !columns.has(c.key)).map((c) => header(c.key))
  if (missing.length > 0) problems.push({ row: headerRow, column: null, message: `缺少表头列：${missing.join('、')}` })
  if (problems.length > 0) return refuse(problems)

  const readers: RowReader[] = []
  sheet.eachRow((_row, rowNumber) => {
    if (rowNumber > headerRow) readers.push(new RowReader(sheet, columns, rowNumber, problems))
  })
  const filled = readers.filter((r) => !r.isBlank())
  if (filled.length === 0) return refuseWith(`未找到专家行：请从第 ${headerRow + 1} 行起每行填写一位专家`)
  if (filled.length > MAX_EXPERT_ROWS) return refuseWith(`专家行数超过上限 ${MAX_EXPERT_ROWS}（共 ${filled.length} 行），请分批导入`)
  const rows = filled.map((r) => readRow(r, problems))
  if (problems.length > 0) return refuse(problems)
  return { ok: true, rows: rows.filter((r) => r !== null) }
}

/**
 * Reads a workbook in the template layout. Never throws for hostile bytes: every refusal is a list
 * of Chinese problems with the Excel row and column where there is one.
 */
export function readExpertWorkbook(bytes: Buffer): Promise<ExpertWorkbookRead> {
  return readWorkbookSafely(bytes, readSheet, (message) => refuseWith(message))
}
