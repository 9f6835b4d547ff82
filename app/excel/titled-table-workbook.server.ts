// A one-sheet list export: a title, a note, a header row on row 4 (frozen) and one row per item.
// Text goes through safeCellText, so nothing a person wrote can become a formula in the reader's
// spreadsheet; numbers stay numbers.
import ExcelJS from 'exceljs'
import { safeCellText } from './framework-workbook.server'

export type TableColumn<Row> = {
  header: string
  width: number
  value: (row: Row) => string | number
  /** Excel number format of the column's numbers, e.g. '0.00'. */
  numFmt?: string
}

export async function writeTitledTableWorkbook<Row>(
  sheetName: string,
  title: string,
  note: string,
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
  options: { wrapText?: boolean } = {},
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(sheetName)
  sheet.getCell(1, 1).value = safeCellText(title)
  sheet.getRow(1).font = { bold: true, size: 14 }
  sheet.getCell(2, 1).value = safeCellText(note)
  columns.forEach((c, i) => {
    sheet.getCell(4, i + 1).value = c.header
    sheet.getColumn(i + 1).width = c.width
  })
  sheet.getRow(4).font = { bold: true }
  rows.forEach((r, i) => {
    const row = sheet.getRow(5 + i)
    columns.forEach((c, j) => {
      const value = c.value(r)
      const cell = row.getCell(j + 1)
      cell.value = typeof value === 'number' ? value : safeCellText(value)
      if (c.numFmt) cell.numFmt = c.numFmt
      if (options.wrapText) cell.alignment = { wrapText: true, vertical: 'top' }
    })
  })
  sheet.views = [{ state: 'frozen', ySplit: 4 }]
  return new Uint8Array(await workbook.xlsx.writeBuffer())
}
