// The expert fee payment sheet (专家咨询费发放表), per engagement or per month. User text goes in
// as string cells through safeCellText (no formula can be planted); amounts are numbers in 元.
import ExcelJS from 'exceljs'
import { TITLES, labelOf } from '../domain/experts/vocab'
import type { FeeLine } from '../services/panel.server'
import { safeCellText } from './framework-workbook.server'

const COLUMNS = [
  { header: '序号', width: 6 },
  { header: '评价项目', width: 40 },
  { header: '评审日期', width: 12 },
  { header: '专家姓名', width: 12 },
  { header: '工作单位', width: 30 },
  { header: '职称', width: 10 },
  { header: '天数', width: 8 },
  { header: '日标准（元）', width: 12 },
  { header: '金额（元）', width: 12 },
  { header: '联系电话', width: 16 },
  { header: '签收', width: 12 },
] as const

export async function writeFeeWorkbook(title: string, lines: readonly FeeLine[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('专家咨询费')
  sheet.getCell(1, 1).value = safeCellText(title)
  sheet.getRow(1).font = { bold: true, size: 14 }
  COLUMNS.forEach((c, i) => {
    sheet.getCell(3, i + 1).value = c.header
    sheet.getColumn(i + 1).width = c.width
  })
  sheet.getRow(3).font = { bold: true }
  lines.forEach((l, i) => {
    const row = sheet.getRow(4 + i)
    row.values = [
      i + 1,
      safeCellText(l.engagementName),
      l.reviewDate,
      safeCellText(l.expertName),
      safeCellText(l.employer),
      labelOf(TITLES, l.title),
      l.days,
      l.rateFen / 100,
      l.feeFen / 100,
      safeCellText(l.phone),
      null,
    ]
  })
  const total = lines.reduce((n, l) => n + l.feeFen, 0)
  const totalRow = sheet.getRow(4 + lines.length)
  totalRow.getCell(2).value = '合计'
  totalRow.getCell(9).value = total / 100
  totalRow.font = { bold: true }
  for (const col of [8, 9]) sheet.getColumn(col).numFmt = '#,##0.00'
  sheet.views = [{ state: 'frozen', ySplit: 3 }]
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
