// The text a downloaded xlsx, docx or pdf shows, for asserting what an export does and does not carry.
import ExcelJS from 'exceljs'
import { strFromU8, unzipSync } from 'fflate'
import { readPdf } from '../../reports/pdf/read-pdf'

/** Every non-empty cell of every sheet, one per line. */
export async function xlsxText(bytes: Uint8Array): Promise<string> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
  const cells: string[] = []
  for (const sheet of workbook.worksheets) sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))))
  return cells.join('\n')
}

/** The body text of a Word document, tags removed (runs joined). */
export function docxText(bytes: Uint8Array): string {
  return strFromU8(unzipSync(bytes)['word/document.xml']!).replace(/<[^>]+>/g, '')
}

/** Every page's text with whitespace removed. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await readPdf(bytes)).pages.map((p) => p.text).join('')
}
