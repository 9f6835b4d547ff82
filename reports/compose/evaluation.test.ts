import { describe, expect, it } from 'vitest'
import { walkTree } from '../../app/domain/indicators/tree'
import { headingsOf, placeCells, type Block, type HeadingBlock, type TableBlock } from '../document'
import { evaluationModel } from '../fixtures/models'
import { STUDENT_AID_EXPERTS } from '../fixtures/models/common'
import { points } from '../format'
import { leavesOf, type ReportModel } from '../model'
import { composeDocument } from './index'
import { documentText, level1Headings, paragraphText } from './text'

const OFFICIAL_OUTLINE = [
  '一、基本情况',
  '二、绩效评价工作开展情况',
  '三、综合评价情况及评价结论',
  '四、绩效评价指标分析',
  '五、主要经验及做法、存在的问题及原因分析',
  '六、有关建议',
  '七、其他需要说明的问题',
]

function sectionsUnder(headings: HeadingBlock[], parent: string): string[] {
  const start = headings.findIndex((h) => h.text === parent)
  const out: string[] = []
  for (const h of headings.slice(start + 1)) {
    if (h.level === 1) break
    if (h.level === 2) out.push(h.text)
  }
  return out
}

const allText = (blocks: Block[]) => blocks.map((b) => (b.kind === 'heading' ? b.text : paragraphText(b))).join('\n')

function annexTable(blocks: Block[], title: string): TableBlock {
  const at = blocks.findIndex((b) => b.kind === 'heading' && b.text.endsWith(title))
  const table = blocks.slice(at).find((b): b is TableBlock => b.kind === 'table')
  if (at < 0 || !table) throw new Error(`no annex ${title}`)
  return table
}

describe('evaluation report', () => {
  const model = evaluationModel()
  const doc = composeDocument(model)
  const headings = headingsOf(doc)

  it('follows the official outline: the seven parts in order, then the annexes', () => {
    const level1 = level1Headings(doc)
    expect(level1.slice(0, 7)).toEqual(OFFICIAL_OUTLINE)
    expect(level1.slice(7)).toEqual(['附件1：绩效评价指标评分表', '附件2：绩效评价指标体系及评分标准', '附件3：评审专家组名单', '附件4：佐证材料清单', '附件5：征求意见及采纳情况'])
    expect(sectionsUnder(headings, '一、基本情况')).toEqual(['（一）项目概况', '（二）项目绩效目标'])
    expect(sectionsUnder(headings, '二、绩效评价工作开展情况')).toEqual(['（一）绩效评价目的、对象和范围', '（二）绩效评价原则、评价指标体系、评价方法、评价标准', '（三）绩效评价工作过程'])
    expect(sectionsUnder(headings, '四、绩效评价指标分析')).toEqual(['（一）项目决策情况', '（二）项目过程情况', '（三）项目产出情况', '（四）项目效益情况'])
    expect(sectionsUnder(headings, '五、主要经验及做法、存在的问题及原因分析')).toEqual(['（一）主要经验及做法', '（二）存在的问题及原因分析'])
  })

  it('has a cover, an independence statement before the contents, and numbered headings 一、（一）1.（1）', () => {
    expect(doc.cover.title).toBe('2025年滨江区义务教育阶段学生资助资金项目支出\n绩效评价报告')
    expect(doc.cover.subtitle).toBe('')
    expect(doc.cover.lines.map((l) => `${l.label}：${l.value}`)).toEqual(['委托方：杭州市滨江区财政局', '评价机构：浙江明鉴绩效评价咨询有限公司', '报告日期：2026年6月18日'])
    expect(doc.cover.sealNote).toBe('（评价机构盖章）')
    expect(doc.cover.verification).toEqual(model.document.verification)
    expect(doc.frontMatter[0]?.[0]).toMatchObject({ kind: 'heading', text: '独立性声明' })
    expect(doc.toc).not.toBeNull()
    expect(headings.find((h) => h.level === 3)?.text).toBe('1.项目立项')
    expect(headings.find((h) => h.level === 4)?.text).toBe('（1）立项依据充分性')
  })

  it('analyses every leaf indicator under 四 with its score and its deduction reasons', () => {
    const start = doc.body.findIndex((b) => b.kind === 'heading' && b.text === '四、绩效评价指标分析')
    const end = doc.body.findIndex((b) => b.kind === 'heading' && b.text.startsWith('五、'))
    const section = doc.body.slice(start, end)
    const text = allText(section)
    const leaves = leavesOf(model.sheet.tree)
    expect(leaves.length).toBeGreaterThanOrEqual(19)
    for (const { node } of leaves) {
      expect(section.some((b) => b.kind === 'heading' && b.text.endsWith(node.name))).toBe(true)
      const result = model.scoring!.results.find((r) => r.code === node.code)!
      expect(text).toContain(`评价得分${points(result.score)}分`)
      for (const reason of result.reasons) expect(text).toContain(reason.text)
    }
  })

  it('score table: spans fill every row, level-1 cells cover all leaves, the total row adds up and states the grade', () => {
    const table = annexTable(doc.body, '绩效评价指标评分表')
    const placed = placeCells(table.columns.length, table.rows)
    for (const row of placed) expect(row.at(-1)!.col + (row.at(-1)!.cell.colSpan ?? 1)).toBe(table.columns.length)
    const leafCount = leavesOf(model.sheet.tree).length
    expect(table.rows).toHaveLength(leafCount + 1)
    const level1Cells = placed.flat().filter((p) => p.col === 0 && p.row < leafCount)
    expect(level1Cells.map((p) => p.cell.text.split('\n')[0])).toEqual(model.sheet.tree.roots.map((r) => r.name))
    expect(level1Cells.reduce((s, p) => s + (p.cell.rowSpan ?? 1), 0)).toBe(leafCount)
    const level2Cells = placed.flat().filter((p) => p.col === 1 && p.row < leafCount)
    expect(level2Cells.reduce((s, p) => s + (p.cell.rowSpan ?? 1), 0)).toBe(leafCount)
    const scores = table.rows.slice(0, -1).map((r) => Number(r.at(-3)!.text))
    const total = table.rows.at(-1)!
    expect(total.map((c) => c.text)).toEqual(['合计', '100', points(model.scoring!.total), '89.00%', '评价等级：良'])
    expect(Math.round(scores.reduce((s, x) => s + x, 0) * 100)).toBe(model.scoring!.total)
  })

  it('lists the panel as pseudonyms when the engagement hides names: no real name anywhere', () => {
    const table = annexTable(doc.body, '评审专家组名单')
    expect(table.rows.map((r) => r[1]!.text)).toEqual(['专家A', '专家B', '专家C', '专家D', '专家E'])
    const everything = documentText(doc)
    for (const e of STUDENT_AID_EXPERTS) {
      expect(everything).not.toContain(e.name)
      expect(everything).not.toContain(e.employer)
    }
  })

  it('indicator system annex carries explanations, evaluation points and scoring rules', () => {
    const table = annexTable(doc.body, '绩效评价指标体系及评分标准')
    const a101 = walkTree(model.sheet.tree).find((w) => w.node.code === 'A101')!.node
    const text = table.rows.flat().map((c) => c.text).join('|')
    expect(text).toContain(a101.explanation)
    expect(text).toContain(`①${a101.points[0]}`)
    expect(text).toContain(a101.ruleText)
  })

  it('equal models give equal documents; any change of content changes the document id', () => {
    expect(composeDocument(evaluationModel())).toEqual(doc)
    expect(doc.meta.documentId).toMatch(/^[0-9a-f]{32}$/)
    const edited: ReportModel = { ...evaluationModel(), narrative: { ...model.narrative, other: '另行说明。' } }
    expect(composeDocument(edited).meta.documentId).not.toBe(doc.meta.documentId)
    expect(doc.meta.createdAt).toBe(model.document.generatedAt)
  })

  it('a draft says which draft it is, and leaves out the feedback annex until there is feedback', () => {
    const draft = composeDocument({ ...evaluationModel(), document: { stage: 'consultation', generatedAt: model.document.generatedAt, verification: null }, feedback: null })
    expect(draft.cover.subtitle).toBe('（征求意见稿）')
    expect(draft.cover.verification).toBeNull()
    expect(headingsOf(draft).some((h) => h.text.includes('征求意见及采纳情况'))).toBe(false)
  })

  it('an unwritten section says so instead of printing nothing', () => {
    const bare = composeDocument({ ...evaluationModel(), narrative: { ...model.narrative, targets: '', problems: ' \n ' } })
    const text = documentText(bare)
    expect(text).toContain('（待补充：项目绩效目标）')
    expect(text).toContain('（待补充：存在的问题及原因分析）')
  })
})
