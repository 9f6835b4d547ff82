// The disclosure list (绩效评价结果公开清单) as a workbook: every cell a string through safeCellText,
// so nothing a person wrote can become a formula in the reader's spreadsheet.
import ExcelJS from 'exceljs'
import { safeCellText } from './framework-workbook.server'

export async function writeDisclosureWorkbook<Row extends Record<string, string>>(
  title: string,
  note: string,
  columns: readonly { key: keyof Row & string; header: string; width: number }[],
  rows: readonly Row[],
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('公开清单')
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
      const cellRef = row.getCell(j + 1)
      cellRef.value = safeCellText(r[c.key] ?? '')
      cellRef.alignment = { wrapText: true, vertical: 'top' }
    })
  })
  sheet.views = [{ state: 'frozen', ySplit: 4 }]
  return new Uint8Array(await workbook.xlsx.writeBuffer())
}
