import { describe, expect, it } from 'vitest'
import { evaluationModel } from './fixtures/models'
import { distinctReasons, missingFor, subjectOf } from './model'

describe('report model facts', () => {
  it('names what an engagement evaluates, so sentences do not evaluate an evaluation', () => {
    expect(subjectOf('2025年滨江区义务教育阶段学生资助资金项目支出绩效评价')).toBe('2025年滨江区义务教育阶段学生资助资金项目')
    expect(subjectOf('2026年滨江区城市更新专项债券项目事前绩效评估')).toBe('2026年滨江区城市更新专项债券项目')
    expect(subjectOf('2025年西湖区农业农村局部门整体支出绩效评价')).toBe('2025年西湖区农业农村局部门整体支出')
    expect(subjectOf('绩效评价')).toBe('绩效评价')
  })

  it('says in Chinese what a report type still needs', () => {
    const ready = { hasSheet: true, hasScoring: true, hasPanel: true, kind: 'project' }
    expect(missingFor('evaluation', ready)).toBeNull()
    expect(missingFor('evaluation', { ...ready, hasScoring: false })).toBe('尚无专家提交评分，不能生成报告（需先完成专家评分）')
    expect(missingFor('plan', { ...ready, hasSheet: false, hasScoring: false })).toBe('尚未建立评分表（指标体系），不能生成评价工作方案')
    expect(missingFor('plan', { ...ready, hasScoring: false, hasPanel: false })).toBeNull()
    expect(missingFor('score-sheets', { ...ready, hasPanel: false })).toBe('专家组尚无已接受邀请的专家，不能生成专家评分表')
    expect(missingFor('ex-ante', ready)).toBe('该项目不是事前绩效评估项目，不能生成事前绩效评估报告')
    expect(missingFor('evaluation', { ...ready, kind: 'ex_ante' })).toBe('事前绩效评估项目请生成事前绩效评估报告')
  })

  it('lists each deduction reason once, as a sentence, in expert order', () => {
    const outcome = { code: 'X', score: 0, expertScores: {}, reasons: [{ expert: '专家A', text: '材料不全' }, { expert: '专家B', text: '材料不全。' }, { expert: '专家C', text: '  ' }, { expert: '专家D', text: '程序不规范。' }] }
    expect(distinctReasons(outcome)).toEqual(['材料不全。', '程序不规范。'])
    expect(distinctReasons(undefined)).toEqual([])
    expect(evaluationModel().scoring!.results.every((r) => r.reasons.every((x) => x.text === x.text.trim()))).toBe(true)
  })
})
