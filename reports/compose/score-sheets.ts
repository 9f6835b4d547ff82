// 专家个人评分表: one sheet per expert, each on its own pages, by name (each expert signs their own),
// with every leaf's weight, scoring standard, the expert's score and deduction reason, the total,
// the pledge and a signature line. An expert who has not submitted gets a blank sheet to fill by hand.
import { cell, heading, pageBreak, paragraph, type Block, type ReportDocument, type TableCell } from '../document'
import { chineseDate, points, weight } from '../format'
import type { ExpertSheet, ReportModel } from '../model'
import { assemble, BLANK_DATE } from './common'
import { baseContext } from './context'
import { headerRow } from './outline'
import { hierarchyCells, type Table } from './tables'
import { renderBlocks } from './templates'

function sheetTable(model: ReportModel, sheet: ExpertSheet): Table {
  const scores = new Map(sheet.entries.map((e) => [e.code, e]))
  const rows: TableCell[][] = hierarchyCells(model.sheet.tree).map(({ leaf, lead }) => {
    const entry = scores.get(leaf.code)
    return [
      ...lead,
      cell(weight(leaf.weight), { align: 'right' }),
      cell(leaf.ruleText),
      cell(entry === undefined || entry.score === null ? '' : points(entry.score), { align: 'right' }),
      cell(entry?.reason ?? ''),
    ]
  })
  const complete = sheet.entries.length > 0 && sheet.entries.every((e) => e.score !== null)
  const total = sheet.entries.reduce((s, e) => s + (e.score ?? 0), 0)
  const totalWeight = model.sheet.tree.roots.reduce((s, r) => s + r.weight, 0)
  rows.push([
    cell('合计', { colSpan: 3, align: 'center', bold: true }),
    cell(weight(totalWeight), { align: 'right', bold: true }),
    cell(''),
    cell(complete ? points(total) : '', { align: 'right', bold: true }),
    cell(''),
  ])
  return {
    columns: [{ width: 8, align: 'center' }, { width: 10, align: 'center' }, { width: 14 }, { width: 6, align: 'right' }, { width: 28 }, { width: 8, align: 'right' }, { width: 26 }],
    header: headerRow('一级指标', '二级指标', '三级指标', '分值', '评分标准', '得分', '扣分理由'),
    rows,
  }
}

export function composeScoreSheets(model: ReportModel): ReportDocument {
  const base = baseContext(model)
  const body: Block[] = []
  model.expertSheets.forEach((sheet, i) => {
    if (i > 0) body.push(pageBreak)
    body.push(heading(1, `专家评分表（${sheet.name}）`, `sheet-${i + 1}`))
    const expert = { name: sheet.name, employer: sheet.employer, hasEmployer: sheet.employer !== '', title: sheet.title, leader: sheet.leader }
    body.push(...renderBlocks('score-sheets', 'header', { ...base, expert }))
    body.push({ kind: 'table', ...sheetTable(model, sheet) })
    body.push(...renderBlocks('score-sheets', 'pledge', { submitted: sheet.submittedAt !== null, submittedAt: sheet.submittedAt ?? '' }))
    body.push(paragraph(`评审专家（签字）：\n日期：${BLANK_DATE}`, 'signature'))
  })
  const lines = [
    { label: '委托方', value: model.engagement.bureau },
    { label: '评价机构', value: model.engagement.agency },
    { label: '评审日期', value: model.panel ? chineseDate(model.panel.reviewDate) : chineseDate(model.document.generatedAt) },
    { label: '评审专家', value: `${model.expertSheets.length}人` },
  ]
  return assemble(model, { lines, sealNote: '', frontMatter: [], toc: false, body })
}
