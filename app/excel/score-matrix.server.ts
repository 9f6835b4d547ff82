// 评分明细表: expert × indicator scores with the reasons, as the lead exports them. Experts appear as
// 专家A/B/C; user text goes in as string cells through safeCellText, never as a formula.
import ExcelJS from 'exceljs'
import type { Consolidation } from '../domain/scoring/aggregate'
import { safeCellText } from './framework-workbook.server'

export type MatrixReason = { expertKey: string; code: string; reason: string; comment: string }

export async function writeScoreMatrix(title: string, experts: string[], c: Consolidation, reasons: MatrixReason[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const scores = workbook.addWorksheet('评分明细')
  scores.getCell(1, 1).value = safeCellText(title)
  scores.getRow(1).font = { bold: true, size: 14 }
  const header = ['编码', '指标', '分值', ...experts, '汇总得分', '得分率']
  header.forEach((h, i) => (scores.getCell(3, i + 1).value = h))
  scores.getRow(3).font = { bold: true }
  c.leaves.forEach((l, r) => {
    const row = scores.getRow(4 + r)
    row.values = [safeCellText(l.code), safeCellText(l.name), l.weight / 100, ...experts.map((k) => (l.expertScores[k] === undefined ? null : l.expertScores[k]! / 100)), l.score / 100, Math.round(l.rate * 10000) / 10000]
  })
  const totalRow = scores.getRow(4 + c.leaves.length)
  totalRow.getCell(2).value = `合计（${c.grade.label}）`
  totalRow.getCell(3).value = c.totalWeight / 100
  totalRow.getCell(4 + experts.length).value = c.total / 100
  totalRow.font = { bold: true }
  scores.getColumn(2).width = 36
  scores.getColumn(5 + experts.length).numFmt = '0.00%'
  scores.views = [{ state: 'frozen', ySplit: 3, xSplit: 2 }]

  const why = workbook.addWorksheet('扣分理由')
  ;['编码', '专家', '扣分理由', '备注'].forEach((h, i) => (why.getCell(1, i + 1).value = h))
  why.getRow(1).font = { bold: true }
  reasons.forEach((r, i) => {
    why.getRow(2 + i).values = [safeCellText(r.code), r.expertKey, safeCellText(r.reason), safeCellText(r.comment)]
  })
  why.getColumn(3).width = 60
  why.getColumn(4).width = 30
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
