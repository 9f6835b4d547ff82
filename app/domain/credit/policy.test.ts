import { describe, expect, it } from 'vitest'
import { DEFAULT_POLICY, policyCaption, validatePolicy, type CreditPolicy } from './policy'

const withPolicy = (change: Partial<CreditPolicy>): CreditPolicy => ({ ...DEFAULT_POLICY, ...change })
const firstRule = DEFAULT_POLICY.blacklistRules[0]!

describe('validatePolicy', () => {
  it('accepts the default policy', () => {
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([])
    expect(validatePolicy(withPolicy({ decay: 'linear', blacklistedGrade: null }))).toEqual([])
  })

  it('refuses a lowest draw grade the bands do not have', () => {
    expect(validatePolicy(withPolicy({ drawMinGrade: 'E' }))).toEqual(['专家抽取的最低信用等级「E」不在等级设置中'])
    expect(validatePolicy(withPolicy({ drawMinGrade: null }))).toEqual([])
  })

  it('names the score bounds that do not fit', () => {
    expect(validatePolicy(withPolicy({ baseScore: 12_000 }))).toEqual(['基础分 120 须在最低分与最高分之间'])
    expect(validatePolicy(withPolicy({ maxScore: 0 }))).toContain('最高分须高于最低分')
    expect(validatePolicy(withPolicy({ minScore: -1 }))).toContain('最低分须为 0 至 1000 分之间的分值')
  })

  it('names the severity whose points or expiry are wrong', () => {
    expect(
      validatePolicy(withPolicy({ negativePoints: { ...DEFAULT_POLICY.negativePoints, grave: 1_500 } })),
    ).toEqual(['「严重」的扣分不能少于「较重」'])
    expect(
      validatePolicy(withPolicy({ negativePoints: { ...DEFAULT_POLICY.negativePoints, minor: 2.5 } })),
    ).toEqual(['「轻微」的扣分须为不小于 0 的分值（最多两位小数）'])
    expect(
      validatePolicy(withPolicy({ negativeExpiryMonths: { ...DEFAULT_POLICY.negativeExpiryMonths, general: 0 } })),
    ).toEqual(['「一般」失信记录的有效期须为 1 至 120 个月的整数，或留空表示长期有效'])
    expect(
      validatePolicy(withPolicy({ positivePoints: { ...DEFAULT_POLICY.positivePoints, commendation: -100 } })),
    ).toEqual(['「表彰」的加分须为不小于 0 的分值（最多两位小数）'])
  })

  it('checks grade bands descend and cover the lowest score', () => {
    expect(
      validatePolicy(
        withPolicy({
          bands: [
            { grade: 'A', label: 'A', minScore: 9_000 },
            { grade: 'B', label: 'B', minScore: 9_000 },
            { grade: 'B', label: '', minScore: 100 },
          ],
        }),
      ),
    ).toEqual([
      '第 2 个等级「B」的分数下限须低于上一等级「A」',
      '第 3 个等级「B」与前面的等级重名',
      '第 3 个等级「B」未填写说明',
      '最后一个等级「B」的分数下限不能高于最低分 0，才能覆盖所有得分',
      '失信名单期间的等级「D」不在等级设置中',
      '专家抽取的最低信用等级「C」不在等级设置中',
    ])
    expect(validatePolicy(withPolicy({ bands: [] }))).toContain('至少需要设置一个信用等级')
  })

  it('checks each blacklisting rule by its label', () => {
    const rule = { ...firstRule, count: 2, withinMonths: null, years: 5, kinds: [] }
    expect(validatePolicy(withPolicy({ blacklistRules: [rule] }))).toEqual([
      '第 1 条失信规则「12 个月内两次执业质量评价不合格」须至少选择一类失信记录',
      '第 1 条失信规则「12 个月内两次执业质量评价不合格」须设置统计期间（1 至 120 个月）',
      '第 1 条失信规则「12 个月内两次执业质量评价不合格」的失信期限须为 1 至 3 年的整数',
    ])
    expect(
      validatePolicy(
        withPolicy({ blacklistRules: [firstRule, { ...firstRule, kinds: ['commendation'], label: '重复' }] }),
      ),
    ).toEqual(['第 2 条失信规则「重复」的编号与前面的规则重复', '第 2 条失信规则「重复」不能包含守信记录「表彰」'])
    expect(validatePolicy(withPolicy({ blacklistRules: [{ ...firstRule, count: 1, withinMonths: null }] }))).toEqual(
      [],
    )
  })

  it('checks name, version and appeal window', () => {
    expect(validatePolicy(withPolicy({ name: ' ', version: 0, appealWindowDays: 0 }))).toEqual([
      '请填写信用政策名称',
      '版本号须为正整数',
      '申诉期限须为 1 至 365 天的整数',
    ])
  })

  it('captions a policy with its version', () => {
    expect(policyCaption(DEFAULT_POLICY)).toBe('默认信用政策（第 1 版）')
  })
})
