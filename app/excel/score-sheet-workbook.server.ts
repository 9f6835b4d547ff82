// 离线评分表: one expert's sheet as a workbook to fill in offline and upload again. Sheet 「评分表」
// holds one row per level-3 indicator with the expert's current drafts; only 得分/扣分理由/备注 are
// unlocked, and a hidden 版本 column carries the version each row's download saw, so an upload over
// a newer save is a conflict, not an overwrite. Sheet 「填写说明」 states the step, deadlines and rules.
//
// Hostile input (SECURITY.md §9–§10): readWorkbookSafely runs the container checks before exceljs;
// formulas are refused outright (a score must be what the expert typed, not what a cell computed);
// the range, step and reason rules are the web form's, applied by saveScoresBulk.
import ExcelJS from 'exceljs'
import { describeRule } from '../domain/indicators/rule-spec'
import type { IndicatorNode } from '../domain/indicators/tree'
import type { BulkScoreRow } from '../services/scoring.server'
import { formatDateTime } from '../utils/datetime'
import { capProblems, problemText, quoted, readCell, readWorkbookSafely, safeCellText, textOf, workbookBytes, type WorkbookProblem } from './framework-workbook.server'

export const SCORE_SHEET = '评分表'
export const SCORE_INSTRUCTIONS_SHEET = '填写说明'
const HEADER_ROW = 1
const HEADER_SEARCH_ROWS = 10
const MAX_VERSION = 999_999

/** What the workbook needs of the expert's scoring page (expertScoringPage's shape). */
export type ScoreSheetPage = {
  sheetVersionNo: number
  round: { step: number; softDeadline: string | null; hardDeadline: string | null }
  items: readonly { node: IndicatorNode; path: string; entry: { score: number; reason: string; comment: string; versionNo: number } | null }[]
}

type ColumnKey = 'code' | 'path' | 'name' | 'weight' | 'rule' | 'score' | 'reason' | 'comment' | 'seen'
type Column = { key: ColumnKey; header: string; width: number; editable: boolean }

const COLUMNS: readonly Column[] = [
  { key: 'code', header: '编码', width: 9, editable: false },
  { key: 'path', header: '一级/二级指标', width: 22, editable: false },
  { key: 'name', header: '三级指标', width: 22, editable: false },
  { key: 'weight', header: '分值', width: 7, editable: false },
  { key: 'rule', header: '指标解释/评分标准', width: 60, editable: false },
  { key: 'score', header: '得分', width: 8, editable: true },
  { key: 'reason', header: '扣分理由', width: 40, editable: true },
  { key: 'comment', header: '备注', width: 24, editable: true },
  { key: 'seen', header: '版本', width: 6, editable: false },
]

const header = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)!.header
const columnIndex = (key: ColumnKey) => COLUMNS.findIndex((c) => c.key === key) + 1
const REQUIRED: readonly ColumnKey[] = ['code', 'score', 'reason', 'comment', 'seen']

// ---------------------------------------------------------------------------------------------
// Writing

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } }
const EDITABLE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF9E5' } }
const WRAP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' }

const points = (hundredths: number) => hundredths / 100

function ruleText(node: IndicatorNode): string {
  const parts: string[] = []
  if (node.explanation) parts.push(node.explanation)
  if (node.points.length > 0) parts.push(`评价要点：\n${node.points.join('\n')}`)
  const rule = node.ruleText || (node.rule ? describeRule(node.rule, node.weight, node.direction) : '')
  if (rule) parts.push(`评分标准：${rule}`)
  return parts.join('\n')
}

function addScoreSheet(workbook: ExcelJS.Workbook, page: ScoreSheetPage) {
  const sheet = workbook.addWorksheet(SCORE_SHEET, { views: [{ state: 'frozen', xSplit: 1, ySplit: HEADER_ROW }] })
  sheet.columns = COLUMNS.map((c) => ({
    key: c.key,
    width: c.width,
    hidden: c.key === 'seen',
    // Text format on text columns, so a reason typed as "-2 分" stays text; 得分 and 分值 are numbers.
    style: c.key === 'score' || c.key === 'weight' || c.key === 'seen' ? { alignment: WRAP } : { numFmt: '@', alignment: WRAP },
  }))
  const head = sheet.getRow(HEADER_ROW)
  head.values = COLUMNS.map((c) => c.header)
  // Row styles reach every cell the row holds: the header cells just written.
  head.font = { bold: true }
  head.fill = HEADER_FILL
  head.alignment = { vertical: 'middle', horizontal: 'center' }
  const step = points(page.round.step)
  page.items.forEach((item, i) => {
    const row = sheet.getRow(HEADER_ROW + 1 + i)
    const values: Record<ColumnKey, ExcelJS.CellValue> = {
      code: safeCellText(item.node.code),
      path: safeCellText(item.path),
      name: safeCellText(item.node.name),
      weight: points(item.node.weight),
      rule: safeCellText(ruleText(item.node)),
      score: item.entry ? points(item.entry.score) : null,
      reason: item.entry ? safeCellText(item.entry.reason) : null,
      comment: item.entry ? safeCellText(item.entry.comment) : null,
      seen: item.entry?.versionNo ?? 0,
    }
    COLUMNS.forEach((c, j) => {
      const cell = row.getCell(j + 1)
      cell.value = values[c.key]
      if (!c.editable) return
      cell.protection = { locked: false }
      cell.fill = EDITABLE_FILL
    })
    row.getCell(columnIndex('score')).dataValidation = {
      type: 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [0, points(item.node.weight)],
      showInputMessage: true,
      promptTitle: '得分',
      prompt: `0–${points(item.node.weight)} 分，步长 ${step}`,
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '得分超出范围',
      error: `得分须在 0 到 ${points(item.node.weight)} 分之间`,
    }
  })
  return sheet
}

function addInstructions(workbook: ExcelJS.Workbook, page: ScoreSheetPage) {
  const sheet = workbook.addWorksheet(SCORE_INSTRUCTIONS_SHEET)
  sheet.columns = [{ width: 16 }, { width: 90, style: { alignment: WRAP } }]
  sheet.addRow(['项目', '说明']).font = { bold: true }
  const deadline = (iso: string | null) => (iso ? `${formatDateTime(iso)}（北京时间）` : '未设定')
  const step = points(page.round.step)
  const rows: [string, string][] = [
    ['评分表版本', `第 ${page.sheetVersionNo} 版`],
    ['评分步长', `${step} 分：得分须为 ${step} 的整数倍，如 ${points(page.round.step * 7)}`],
    ['建议完成时间', deadline(page.round.softDeadline)],
    ['截止时间', `${deadline(page.round.hardDeadline)}；截止后不能再上传或提交`],
    ['得分', '每个三级指标填写 0 到「分值」之间的数字，不能使用公式；留空的行本次不保存（已保存的评分保持不变）'],
    ['扣分理由', '未得满分的指标须填写扣分理由，否则不能提交评分'],
    ['备注', '可选，最多 2000 字'],
    ['不要修改', '请只填写黄色的「得分」「扣分理由」「备注」三列；不要增删行、修改编码或隐藏的「版本」列'],
    ['上传', '在「离线评分」页面上传本文件。任何一行有误时不保存任何评分，并按行列出问题；上传成功后请回到在线评分页核对并提交'],
    ['冲突', '下载后如又在网页上修改过某个指标，上传时该行会提示已被修改；请重新下载评分表后再填写'],
  ]
  for (const r of rows) sheet.addRow(r)
}

/** One expert's scoring sheet with their current drafts, locked but for the three columns they fill. */
export async function writeScoreSheetWorkbook(page: ScoreSheetPage): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = addScoreSheet(workbook, page)
  // No password: protection guards against slips, not people; the upload checks everything anyway.
  await sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true })
  addInstructions(workbook, page)
  return workbookBytes(workbook)
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A problem with the Excel row and, once the row's code is known, that indicator's code. */
export type ScoreSheetProblem = WorkbookProblem & { code: string | null }
export type ScoreSheetRead = { ok: true; rows: BulkScoreRow[] } | { ok: false; problems: ScoreSheetProblem[] }

/** "第 12 行（A11）：得分须为数字", one printable line. */
export function scoreProblemText(p: { row: number | null; code: string | null; message: string }): string {
  const where = p.row === null ? '' : `第 ${p.row} 行${p.code ? `（${p.code}）` : ''}`
  return problemText({ row: null, column: null, message: where === '' ? p.message : `${where}：${p.message}` })
}

const refuse = (problems: ScoreSheetProblem[]): ScoreSheetRead => ({ ok: false, problems: capProblems(problems).map((p) => ({ code: null, ...p })) })
const refuseWith = (message: string): ScoreSheetRead => refuse([{ row: null, code: null, column: null, message }])

function findHeader(sheet: ExcelJS.Worksheet): { row: number; columns: Map<ColumnKey, number> } | null {
  for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
    const columns = new Map<ColumnKey, number>()
    sheet.getRow(r).eachCell((_cell, col) => {
      const content = readCell(sheet, r, col)
      const spec = content.kind === 'text' ? COLUMNS.find((c) => c.header === content.text.trim()) : undefined
      if (spec && !columns.has(spec.key)) columns.set(spec.key, col)
    })
    if (columns.has('code') && columns.has('score')) return { row: r, columns }
  }
  return null
}

function isFormula(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value)
}

const SCORE_TEXT = /^\d+(?:\.\d+)?$/

/** One data row's cells, each read once, problems recorded against the row (and its code once known). */
class RowReader {
  code: string | null = null
  private readonly pending: { column: string; message: string }[] = []

  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly columns: Map<ColumnKey, number>,
    readonly row: number,
  ) {}

  private raw(key: ColumnKey): unknown {
    const col = this.columns.get(key)
    return col === undefined ? null : this.sheet.getRow(this.row).getCell(col).value
  }

  fail(key: ColumnKey, message: string): null {
    this.pending.push({ column: header(key), message })
    return null
  }

  isBlank(): boolean {
    return [...this.columns.keys()].every((key) => readCell(this.sheet, this.row, this.columns.get(key)!).kind === 'blank')
  }

  text(key: ColumnKey, trim: boolean): string | null {
    if (isFormula(this.raw(key))) return this.fail(key, `${header(key)}不能使用公式，请直接填写内容`)
    const col = this.columns.get(key)
    const parsed = textOf(col === undefined ? { kind: 'blank' } : readCell(this.sheet, this.row, col), header(key), trim)
    return parsed.ok ? parsed.value : this.fail(key, parsed.message)
  }

  /** The score as the web form would receive it: a plain decimal string, '' when blank. */
  score(): string | null {
    const key = 'score'
    if (isFormula(this.raw(key))) return this.fail(key, '得分不能使用公式，请直接填写数字')
    const content = readCell(this.sheet, this.row, this.columns.get(key)!)
    if (content.kind === 'blank') return ''
    if (content.kind === 'invalid') return this.fail(key, `得分${content.message}`)
    // Excel stores a typed 2.3 as 2.2999999999999998; 15 significant digits give back what was typed.
    const text = content.kind === 'number' ? String(Number(content.value.toPrecision(15))) : content.text.trim().replace(/^'/, '')
    return SCORE_TEXT.test(text) ? text : this.fail(key, `得分须为不小于 0 的数字（现为${quoted(text)}）`)
  }

  seen(): number | null {
    const text = this.text('seen', true)
    if (text === null) return null
    const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
    return Number.isInteger(n) && n <= MAX_VERSION ? n : this.fail('seen', '隐藏的「版本」列被修改，请重新下载评分表后再填写')
  }

  problems(): ScoreSheetProblem[] {
    return this.pending.map((p) => ({ row: this.row, code: this.code, column: p.column, message: p.message }))
  }
}

function readSheet(workbook: ExcelJS.Workbook, expectedCodes: readonly string[]): ScoreSheetRead {
  const sheet = workbook.getWorksheet(SCORE_SHEET) ?? workbook.worksheets[0]
  const found = sheet ? findHeader(sheet) : null
  if (!sheet || !found) return refuseWith(`未找到工作表「${SCORE_SHEET}」的表头行（应包含 编码、得分 等列），请使用本页下载的评分表`)
  const missingColumns = REQUIRED.filter((k) => !found.columns.has(k)).map(header)
  if (missingColumns.length > 0) return refuseWith(`缺少表头列：${missingColumns.join('、')}，请使用本页下载的评分表`)

  const expected = new Set(expectedCodes)
  const firstRowOf = new Map<string, number>()
  const problems: ScoreSheetProblem[] = []
  const rows: BulkScoreRow[] = []
  sheet.eachRow((_row, rowNumber) => {
    if (rowNumber <= found.row) return
    const reader = new RowReader(sheet, found.columns, rowNumber)
    if (reader.isBlank()) return
    const code = reader.text('code', true)
    if (code === '') reader.fail('code', '缺少编码（请勿增加行或清空编码）')
    else if (code !== null && !expected.has(code)) reader.fail('code', `编码${quoted(code)}不在本评分表中`)
    else if (code !== null && firstRowOf.has(code)) {
      reader.code = code
      reader.fail('code', `编码重复（另见第 ${firstRowOf.get(code)} 行）`)
    } else if (code !== null) {
      reader.code = code
      firstRowOf.set(code, rowNumber)
    }
    const score = reader.score()
    const reason = reader.text('reason', false)
    const comment = reader.text('comment', false)
    // A row without a valid code is already refused; its version would only repeat the news.
    const seen = reader.code === null ? 0 : reader.seen()
    const own = reader.problems()
    if (own.length > 0) problems.push(...own)
    else if (score === '' && reason === '' && comment === '') return
    else rows.push({ row: rowNumber, code: reader.code!, score: score!, reason: reason!, comment: comment!, seen: seen! })
  })
  const missing = expectedCodes.filter((c) => !firstRowOf.has(c))
  if (missing.length > 0) problems.push({ row: null, code: null, column: null, message: `缺少指标 ${missing.slice(0, 20).join('、')}${missing.length > 20 ? ` 等 ${missing.length} 项` : ''} 的行（请勿删除行），请重新下载评分表` })
  if (problems.length > 0) return refuse(problems)
  if (rows.length === 0) return refuseWith('评分表中没有填写任何得分')
  return { ok: true, rows }
}

/**
 * Reads an uploaded scoring sheet against the codes of the expert's sheet. Never throws for hostile
 * bytes: every refusal is a list of Chinese problems, by Excel row and code where there is one.
 * Rows whose 得分, 扣分理由 and 备注 are all blank are not returned (nothing to save for them).
 */
export function readScoreSheetWorkbook(bytes: Buffer, expectedCodes: readonly string[]): Promise<ScoreSheetRead> {
  return readWorkbookSafely(bytes, (workbook) => readSheet(workbook, expectedCodes), refuseWith)
}
