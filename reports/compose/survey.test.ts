import { describe, expect, it } from 'vitest'
import type { TableBlock } from '../document'
import { evaluationModel } from '../fixtures/models'
import { composeDocument } from './index'
import { paragraphText } from './text'

const D102_HEADING = /满意度$/

describe('the survey in the evaluation report', () => {
  it('follows the analysis of the 满意度 indicator it feeds: the sentence, the Likert table and each single-choice table', () => {
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
    const single = body[sentence + 2] as TableBlock
    expect(single.caption).toBe('《受助学生家长满意度调查》填表人身份')
    expect(single.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['学生家长', '380', '92.2%'],
      ['学生本人', '32', '7.8%'],
    ])
  })

  it('an unlinked survey is not printed under any indicator; a survey without valid answers prints its sentence only', () => {
    const model = evaluationModel()
    const [survey] = model.surveys
    const unlinked = composeDocument({ ...model, surveys: [{ ...survey!, indicatorCode: null }] }).body
    expect(unlinked.some((b) => b.kind === 'paragraph' && paragraphText(b).startsWith('满意度调查'))).toBe(false)
    const empty = composeDocument({ ...model, surveys: [{ ...survey!, validResponses: 0, satisfied: null, marginOfError: null }] }).body
    const at = empty.findIndex((b) => b.kind === 'paragraph' && paragraphText(b).startsWith('满意度调查'))
    expect(paragraphText(empty[at]!)).toBe('满意度调查《受助学生家长满意度调查》共回收问卷 420 份，其中有效问卷 0 份，无有效问卷，未计算满意率。')
    expect(empty[at + 1]!.kind).not.toBe('table')
  })
})
