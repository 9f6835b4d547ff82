import { describe, expect, it } from 'vitest'
import { poolMember } from './test-pool'
import {
  EXCLUSION_LABELS,
  exclusionDetail,
  exclusionReasons,
  isIsoDate,
  splitEligible,
  type EligibilityContext,
  type PoolExpert,
} from './eligibility'

const member = (id: string, overrides: Partial<PoolExpert> = {}) => poolMember(id, ['finance'], overrides)

const ctx: EligibilityContext = {
  reviewDate: '2026-05-20',
  creditThreshold: 60,
  maxDrawsPerYear: 3,
  minCreditGrade: 'C',
  creditGradeOrder: ['A', 'B', 'C', 'D'],
}

describe('exclusionReasons', () => {
  it('admits an active expert with nothing against them', () => {
    expect(exclusionReasons(member('A'), ctx)).toEqual([])
  })

  it('excludes conflicts, suspended and retired experts', () => {
    expect(exclusionReasons(member('A', { conflicted: true }), ctx)).toEqual(['conflict'])
    expect(exclusionReasons(member('A', { status: 'suspended' }), ctx)).toEqual(['suspended'])
    expect(exclusionReasons(member('A', { status: 'retired' }), ctx)).toEqual(['retired'])
  })

  it('excludes the blacklisted up to and including the last day', () => {
    expect(exclusionReasons(member('A', { blacklistedUntil: '2026-05-20' }), ctx)).toEqual(['blacklisted'])
    expect(exclusionReasons(member('A', { blacklistedUntil: '2027-01-01' }), ctx)).toEqual(['blacklisted'])
    expect(exclusionReasons(member('A', { blacklistedUntil: '2026-05-19' }), ctx)).toEqual([])
  })

  it('compares credit with the threshold; a missing score is neutral', () => {
    expect(exclusionReasons(member('A', { creditScore: 59 }), ctx)).toEqual(['low_credit'])
    expect(exclusionReasons(member('A', { creditScore: 60 }), ctx)).toEqual([])
    expect(exclusionReasons(member('A', { creditScore: null }), { ...ctx, creditThreshold: 100 })).toEqual([])
    expect(exclusionReasons(member('A', { creditScore: 0 }), { ...ctx, creditThreshold: null })).toEqual([])
  })

  it('excludes grades below the required one; a missing grade is neutral, an unknown one is below', () => {
    expect(exclusionReasons(member('A', { creditGrade: 'A' }), ctx)).toEqual([])
    expect(exclusionReasons(member('A', { creditGrade: 'C' }), ctx)).toEqual([])
    expect(exclusionReasons(member('A', { creditGrade: 'D' }), ctx)).toEqual(['low_grade'])
    expect(exclusionReasons(member('A', { creditGrade: 'E' }), ctx)).toEqual(['low_grade'])
    expect(exclusionReasons(member('A', { creditGrade: null }), ctx)).toEqual([])
    expect(exclusionReasons(member('A', { creditGrade: 'D' }), { ...ctx, minCreditGrade: null })).toEqual([])
    expect(exclusionReasons(member('A', { creditGrade: 'D' }), { ...ctx, minCreditGrade: 'D' })).toEqual([])
    expect(exclusionReasons(member('A', { creditGrade: 'B' }), { ...ctx, minCreditGrade: 'A' })).toEqual([
      'low_grade',
    ])
  })

  it('excludes experts unavailable on the review date, both ends inclusive', () => {
    const away = (from: string, to: string) =>
      exclusionReasons(member('A', { unavailable: [{ from, to }] }), ctx)
    expect(away('2026-05-20', '2026-05-20')).toEqual(['unavailable'])
    expect(away('2026-05-01', '2026-05-20')).toEqual(['unavailable'])
    expect(away('2026-05-20', '2026-06-01')).toEqual(['unavailable'])
    expect(away('2026-05-21', '2026-06-01')).toEqual([])
    expect(away('2026-05-01', '2026-05-19')).toEqual([])
    const twoRanges = member('A', {
      unavailable: [
        { from: '2026-01-01', to: '2026-01-31' },
        { from: '2026-05-18', to: '2026-05-22' },
      ],
    })
    expect(exclusionReasons(twoRanges, ctx)).toEqual(['unavailable'])
  })

  it('excludes experts whose yearly draws reached the limit', () => {
    expect(exclusionReasons(member('A', { drawsThisYear: 2 }), ctx)).toEqual([])
    expect(exclusionReasons(member('A', { drawsThisYear: 3 }), ctx)).toEqual(['over_quota'])
    expect(exclusionReasons(member('A', { drawsThisYear: 9 }), ctx)).toEqual(['over_quota'])
  })

  it('lists every reason, in a fixed order', () => {
    const worst = member('A', {
      conflicted: true,
      status: 'suspended',
      blacklistedUntil: '2030-01-01',
      creditScore: 10,
      creditGrade: 'D',
      unavailable: [{ from: '2026-05-20', to: '2026-05-20' }],
      drawsThisYear: 3,
    })
    expect(exclusionReasons(worst, ctx)).toEqual([
      'conflict',
      'suspended',
      'blacklisted',
      'low_credit',
      'low_grade',
      'unavailable',
      'over_quota',
    ])
    expect(exclusionReasons({ ...worst, status: 'retired' }, ctx)).toContain('retired')
  })

  it('labels every reason in Chinese, each differently', () => {
    const labels = Object.values(EXCLUSION_LABELS)
    expect(labels).toHaveLength(8)
    expect(new Set(labels).size).toBe(8)
    expect(EXCLUSION_LABELS.blacklisted).toBe('失信名单')
    expect(EXCLUSION_LABELS.low_grade).toBe('信用等级低于要求')
    expect(EXCLUSION_LABELS.over_quota).toBe('本年度抽取次数已满')
  })
})

describe('exclusionDetail', () => {
  it('gives the credit reasons their facts, and the others their label', () => {
    const e = member('A', { blacklistedUntil: '2027-02-28', creditScore: 55, creditGrade: 'D', conflicted: true })
    expect(exclusionDetail(e, 'blacklisted', ctx)).toBe('失信名单（至 2027-02-28）')
    expect(exclusionDetail(e, 'low_credit', ctx)).toBe('信用分低于门槛（55 分，门槛 60 分）')
    expect(exclusionDetail(e, 'low_grade', ctx)).toBe('信用等级低于要求（D 级，要求 C 级及以上）')
    expect(exclusionDetail(e, 'conflict', ctx)).toBe('回避')
  })
})

describe('splitEligible', () => {
  it('keeps pool order in both lists', () => {
    const pool = [
      member('C'),
      member('A', { conflicted: true }),
      member('B'),
      member('D', { status: 'retired', drawsThisYear: 5 }),
    ]
    expect(splitEligible(pool, ctx)).toEqual({
      eligible: [pool[0], pool[2]],
      excluded: [
        { expertId: 'A', reasons: ['conflict'] },
        { expertId: 'D', reasons: ['retired', 'over_quota'] },
      ],
    })
  })

  it('handles an empty pool', () => {
    expect(splitEligible([], ctx)).toEqual({ eligible: [], excluded: [] })
  })
})

describe('isIsoDate', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2026-05-20')).toBe(true)
    expect(isIsoDate('2028-02-29')).toBe(true)
    expect(isIsoDate('2026-02-29')).toBe(false)
    expect(isIsoDate('2026-13-01')).toBe(false)
    expect(isIsoDate('2026-5-20')).toBe(false)
    expect(isIsoDate('2026-05-20T00:00:00Z')).toBe(false)
    expect(isIsoDate('')).toBe(false)
  })
})
