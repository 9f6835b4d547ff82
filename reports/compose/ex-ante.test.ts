import { describe, expect, it } from 'vitest'
import { headingsOf, placeCells, type TableBlock } from '../document'
import { exAnteModel } from '../fixtures/models'
import { dimensionVerdict, exAnteConclusion, type ScoringFacts } from '../model'
import { composeDocument } from './index'
import { level1Headings, paragraphText } from './text'

/** Scoring facts with only what the conclusion reads: the total and each dimension's subtotal. */
function scored(dimensions: number[]): { scoring: ScoringFacts; tree: ReturnType<typeof exAnteModel>['sheet']['tree'] } {
  const tree = exAnteModel().sheet.tree
  const base = exAnteModel().scoring!
  const subtotals = tree.roots.map((r, i) => ({ code: r.code, score: dimensions[i]! }))
  return { tree, scoring: { ...base, subtotals, total: dimensions.reduce((s, x) => s + x, 0), totalWeight: 10000 } }
}

describe('ex-ante conclusion', () => {
  it('supports at 80% with every dimension at 60% or more; adjusts from 60%; rejects below', () => {
    const conclude = (d: number[]) => {
      const { scoring, tree } = scored(d)
      return exAnteConclusion(scoring, tree)
    }
    expect(conclude([1600, 1600, 1600, 1600, 1600])).toBe('予以支持')
    expect(conclude([2000, 2000, 2000, 2000, 1190])).toBe('调整完善后予以支持') // 91.9%, but one dimension below 60%
    expect(conclude([1600, 1600, 1600, 1600, 1599])).toBe('调整完善后予以支持')
    expect(conclude([1200, 1200, 1200, 1200, 1200])).toBe('调整完善后予以支持')
    expect(conclude([1200, 1200, 1200, 1200, 1199])).toBe('不予支持')
    expect([dimensionVerdict(1600, 2000), dimensionVerdict(1200, 2000), dimensionVerdict(1199, 2000)]).toEqual(['充分', '基本充分', '不充分'])
  })
})

describe('ex-ante report', () => {
  const model = exAnteModel()
  const doc = composeDocument(model)
  const headings = headingsOf(doc)

  it('follows the reference format: five parts, the five dimensions then the overall conclusion', () => {
    expect(level1Headings(doc)).toEqual([
      '一、评估对象基本情况',
      '二、评估工作开展情况',
      '三、综合评估情况与评估结论',
      '四、相关建议',
      '五、其他需要说明的问题',
      '附件1：事前绩效评估评分表',
      '附件2：评估指标体系及评分标准',
      '附件3：评估专家组名单',
      '附件4：评估资料清单',
    ])
    const three = headings.findIndex((h) => h.text.startsWith('三、'))
    expect(headings.slice(three + 1, three + 7).map((h) => h.text)).toEqual(['（一）立项必要性', '（二）投入经济性', '（三）绩效目标合理性', '（四）实施方案可行性', '（五）筹资合规性', '（六）总体结论'])
    expect(doc.cover.subtitle).toBe('（征求意见稿）')
    expect(doc.cover.lines.map((l) => l.label)).toEqual(['委托方', '评估机构', '报告日期'])
  })

  it('states the conclusion that follows from the score, in the body and in the score table', () => {
    const conclusion = exAnteConclusion(model.scoring!, model.sheet.tree)
    expect(conclusion).toBe('调整完善后予以支持')
    const paragraphs = doc.body.filter((b) => b.kind === 'paragraph').map(paragraphText)
    expect(paragraphs).toContain(`评估结论：${conclusion}。`)
    expect(paragraphs.some((p) => p.includes('投入经济性') && p.includes('调整完善后予以支持'))).toBe(true)
    const table = doc.body.filter((b): b is TableBlock => b.kind === 'table').find((t) => t.header[0]?.length === 7)!
    placeCells(table.columns.length, table.rows)
    expect(table.rows.at(-1)!.at(-1)!.text).toBe(`评估结论：${conclusion}`)
  })

  it('names the experts when the engagement shows names, and marks a section nobody wrote', () => {
    const panel = doc.body.filter((b): b is TableBlock => b.kind === 'table').find((t) => t.header[0]?.[1]?.text === '姓名')!
    expect(panel.rows.map((r) => r[1]!.text)).toContain('周文涛')
    expect(panel.note).toBeUndefined()
    expect(doc.body.some((b) => b.kind === 'paragraph' && b.runs[0]?.text === '（待补充：其他需要说明的问题）')).toBe(true)
  })
})
