import { describe, expect, it } from 'vitest'
import { docxText, pdfText } from '../../test/helpers/file-text'
import type { BarChartBlock, TableBlock } from '../document'
import { renderDocx } from '../docx/render-docx'
import { evaluationModel } from '../fixtures/models'
import { renderPdf } from '../pdf/render-pdf'
import { composeDocument } from './index'
import { paragraphText } from './text'

const D102_HEADING = /满意度$/

describe('the survey in the evaluation report', () => {
  it('follows the analysis of the 满意度 indicator it feeds: the sentence, the Likert table, its chart and each single-choice table', () => {
    const body = composeDocument(evaluationModel()).body
    const at = body.findIndex((b) => b.kind === 'heading' && D102_HEADING.test(b.text))
    expect(at).toBeGreaterThan(0)
    const sentence = body.findIndex((b, i) => i > at && b.kind === 'paragraph' && paragraphText(b).startsWith('满意度调查《受助学生家长满意度调查》'))
    expect(paragraphText(body[sentence]!)).toBe(
      '满意度调查《受助学生家长满意度调查》共回收问卷 420 份，其中有效问卷 412 份；满意率为 90.5%（以总体满意度题计算），95% 置信水平下误差范围为 ±2.6%（调查对象总数 3260，已作有限总体校正）。',
    )
    const likert = body[sentence + 1] as TableBlock
    expect(likert.kind).toBe('table')
    expect(likert.header[0]!.map((c) => c.text)).toEqual(['题目', '非常满意', '满意', '一般', '不满意', '非常不满意', '满意率'])
    expect(likert.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['总体满意度', '215\n52.2%', '158\n38.3%', '30\n7.3%', '7\n1.7%', '2\n0.5%', '90.5%'],
      ['资助资金发放及时性', '230\n55.8%', '140\n34.0%', '35\n8.5%', '5\n1.2%', '2\n0.5%', '89.8%'],
    ])
    const chart = body[sentence + 2] as BarChartBlock
    expect(chart).toEqual({
      kind: 'barChart',
      caption: '《受助学生家长满意度调查》各题满意率',
      bars: [
        { label: '总体满意度', share: 373 / 412, valueText: '90.5%' },
        { label: '资助资金发放及时性', share: 370 / 412, valueText: '89.8%' },
      ],
      note: '注：满意率为选择「非常满意」或「满意」的有效问卷占比。',
    })
    const single = body[sentence + 3] as TableBlock
    expect(single.caption).toBe('《受助学生家长满意度调查》填表人身份')
    expect(single.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['学生家长', '380', '92.2%'],
      ['学生本人', '32', '7.8%'],
    ])
  })

  it('a survey with one Likert item charts that item’s levels, each bar its share of the valid answers', () => {
    const model = evaluationModel()
    const [survey] = model.surveys
    const overall = survey!.items.filter((i) => i.title !== '资助资金发放及时性')
    const body = composeDocument({ ...model, surveys: [{ ...survey!, items: overall }] }).body
    const chart = body.find((b): b is BarChartBlock => b.kind === 'barChart')
    expect(chart?.caption).toBe('《受助学生家长满意度调查》总体满意度各等级占比')
    expect(chart?.bars.map((b) => [b.label, b.valueText])).toEqual([
      ['非常满意', '52.2%（215）'],
      ['满意', '38.3%（158）'],
      ['一般', '7.3%（30）'],
      ['不满意', '1.7%（7）'],
      ['非常不满意', '0.5%（2）'],
    ])
    expect(chart?.bars[0]!.share).toBe(215 / 412)
    expect(chart?.note).toBe('注：括号内为人数，占比以有效问卷 412 份为基数。')
  })

  it('an unlinked survey is not printed under any indicator; a survey without valid answers prints its sentence only', () => {
    const model = evaluationModel()
    const [survey] = model.surveys
    const unlinked = composeDocument({ ...model, surveys: [{ ...survey!, indicatorCode: null }] }).body
    expect(unlinked.some((b) => b.kind === 'paragraph' && paragraphText(b).startsWith('满意度调查'))).toBe(false)
    const empty = composeDocument({ ...model, surveys: [{ ...survey!, validResponses: 0, satisfied: null, marginOfError: null }] }).body
    const at = empty.findIndex((b) => b.kind === 'paragraph' && paragraphText(b).startsWith('满意度调查'))
    expect(paragraphText(empty[at]!)).toBe('满意度调查《受助学生家长满意度调查》共回收问卷 420 份，其中有效问卷 0 份，无有效问卷，未计算满意率。')
    expect(['table', 'barChart']).not.toContain(empty[at + 1]!.kind)
  })
})

describe('the survey chart in the rendered report', () => {
  const doc = composeDocument(evaluationModel())
  const chart = doc.body.find((b): b is BarChartBlock => b.kind === 'barChart')!

  it('is in the DOCX with its caption, each question and its rate, the same bytes twice', async () => {
    const bytes = await renderDocx(doc)
    const text = docxText(bytes)
    expect(text).toContain(chart.caption)
    for (const bar of chart.bars) expect(text).toContain(`${bar.label}${bar.valueText}`)
    expect((await renderDocx(composeDocument(evaluationModel()))).equals(bytes)).toBe(true)
  })

  it('is in the PDF with its caption, each question and its rate, the same bytes twice', async () => {
    const bytes = await renderPdf(doc)
    const text = await pdfText(bytes)
    expect(text).toContain(chart.caption)
    for (const bar of chart.bars) expect(text).toContain(`${bar.label}${bar.valueText}`)
    expect((await renderPdf(composeDocument(evaluationModel()))).equals(bytes)).toBe(true)
  })
})
