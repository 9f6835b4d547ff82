// A survey tool's export (.xlsx or .csv) as the header row and the data rows the survey domain maps
// and parses (app/domain/fieldwork/survey.ts). Only the first worksheet is read; row numbers are the
// file's own (the header is row 1), so problems point where the user looks.
import { parse } from 'csv-parse/sync'
import type { CellValue, SurveyTable } from '../domain/fieldwork/survey'
import { MAX_SURVEY_RESPONSES } from '../domain/fieldwork/survey'
import { readCell, readWorkbookSafely } from './framework-workbook.server'

export type TableRead = { ok: true; table: SurveyTable } | { ok: false; message: string }

export const MAX_SURVEY_COLUMNS = 500

const refuse = (message: string): TableRead => ({ ok: false, message })

function tableOf(records: readonly (readonly CellValue[])[]): TableRead {
  const [headers, ...rest] = records
  if (!headers || headers.every((h) => h === null || h === undefined || String(h).trim() === ''))
    return refuse('文件第 1 行应为表头（各题的题目），但第 1 行是空的')
  if (headers.length > MAX_SURVEY_COLUMNS) return refuse(`文件的列数超过上限 ${MAX_SURVEY_COLUMNS}`)
  if (rest.length > MAX_SURVEY_RESPONSES) return refuse(`文件的行数超过上限 ${MAX_SURVEY_RESPONSES}，请分批导入`)
  return { ok: true, table: { headers, rows: rest.map((cells, i) => ({ row: i + 2, cells })) } }
}

/** UTF-8 (with or without BOM) as most tools write it; otherwise GB18030, as Excel saves CSV in China. */
export function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return new TextDecoder('gb18030').decode(bytes)
  }
}

export function readSurveyCsv(bytes: Buffer): TableRead {
  let records: string[][]
  try {
    records = parse(decodeCsv(bytes), { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][]
  } catch {
    return refuse('无法读取 CSV 文件：引号或分隔符不成对，请用 Excel 或调查平台重新导出')
  }
  // A trailing newline gives no record; blank lines give [''], parsed later as rows without answers.
  return tableOf(records.map((r) => (r.length === 1 && r[0] === '' ? [] : r)))
}

export function readSurveyXlsx(bytes: Buffer): Promise<TableRead> {
  return readWorkbookSafely(
    bytes,
    (workbook): TableRead => {
      const sheet = workbook.worksheets[0]
      if (!sheet) return refuse('工作簿中没有工作表')
      const width = Math.min(sheet.columnCount, MAX_SURVEY_COLUMNS + 1)
      const records: CellValue[][] = []
      for (let r = 1; r <= sheet.rowCount; r++) {
        const cells: CellValue[] = []
        for (let c = 1; c <= width; c++) {
          const content = readCell(sheet, r, c)
          // A cell exceljs cannot give as text or number (a date, an error value) stays visible as
          // a mark the parser rejects with its row and column.
          cells.push(content.kind === 'text' ? content.text : content.kind === 'number' ? content.value : content.kind === 'blank' ? null : `〔${content.message}〕`)
        }
        records.push(cells)
      }
      return tableOf(records)
    },
    refuse,
  )
}
