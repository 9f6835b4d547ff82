import { describe, expect, it } from 'vitest'
import { creditStanding, eligibleForDraw, poolCreditFields, pointsText } from './evaluate'
import { DEFAULT_POLICY, type CreditPolicy } from './policy'
import { creditEntry } from './test-entries'

const LINEAR: CreditPolicy = { ...DEFAULT_POLICY, decay: 'linear' }

describe('creditStanding: score, expiry and decay', () => {
  it('starts at the base score with grade A and explains itself', () => {
    const s = creditStanding([], DEFAULT_POLICY, '2026-06-01')
    expect(s).toMatchObject({ score: 10_000, grade: 'A', blacklisting: null, contributions: [] })
    expect(s.policy).toEqual({ id: 'default', version: 1, name: '默认信用政策' })
    expect(s.explanation).toEqual(['基础分 100', '2026-06-01 信用分 100，等级 A', '依据默认信用政策（第 1 版）'])
  })

  it('counts a 一般 entry from its effective date up to the day before its expiry date', () => {
    const recusal = creditEntry('recusal_breach', '2026-03-01', 'general')
    expect(creditStanding([recusal], DEFAULT_POLICY, '2026-02-28').contributions[0]).toMatchObject({
      status: 'not_yet_effective',
      counted: 0,
    })
    const s = creditStanding([recusal], DEFAULT_POLICY, '2026-03-01')
    expect(s.score).toBe(9_000)
    expect(s.explanation).toEqual([
      '基础分 100',
      '2026-03-01 违反回避（一般）−10，12 个月后失效',
      '2026-03-01 信用分 90，等级 A',
      '依据默认信用政策（第 1 版）',
    ])
    // 12 months after 2026-03-01 is 2027-03-01: the last counted day is 2027-02-28.
    expect(creditStanding([recusal], DEFAULT_POLICY, '2027-02-28').score).toBe(9_000)
    const expired = creditStanding([recusal], DEFAULT_POLICY, '2027-03-01')
    expect(expired.score).toBe(10_000)
    expect(expired.contributions[0]).toMatchObject({ status: 'expired', nominal: -1_000, counted: 0 })
    expect(expired.contributions[0]!.line).toBe(
      '2026-03-01 违反回避（一般）−10，12 个月后失效，已于 2027-03-01 失效，不计入',
    )
  })

  it('uses an explicit expiry date and points set by the issuer', () => {
    const late = creditEntry('late_deliverable', '2026-03-01', 'minor', { points: 150, expiresOn: '2026-09-01' })
    expect(creditStanding([late], DEFAULT_POLICY, '2026-08-31').score).toBe(9_850)
    expect(creditStanding([late], DEFAULT_POLICY, '2026-08-31').contributions[0]!.line).toBe(
      '2026-03-01 成果逾期或缺失（轻微）−1.5，2026-09-01 起失效',
    )
    expect(creditStanding([late], DEFAULT_POLICY, '2026-09-01').score).toBe(10_000)
  })

  it('fades linearly to nothing on the expiry date', () => {
    const entry = creditEntry('absence', '2026-01-01', 'general')
    expect(creditStanding([entry], LINEAR, '2026-01-01').score).toBe(9_000)
    // 2026-07-02 is day 182 of the 365 to 2027-01-01: 10 × 183 / 365 = 5.0137 → 5.01 counted.
    const mid = creditStanding([entry], LINEAR, '2026-07-02')
    expect(mid.score).toBe(9_499)
    expect(mid.contributions[0]!.line).toBe('2026-01-01 无故缺席（一般）−10，12 个月后失效，按时间衰减现计 −5.01')
    // The last counted day keeps 1 / 365 of 10 points: 0.0274 → 0.03.
    expect(creditStanding([entry], LINEAR, '2026-12-31').score).toBe(9_997)
    expect(creditStanding([entry], LINEAR, '2027-01-01').score).toBe(10_000)
  })

  it('never decays an entry that never expires', () => {
    const policy: CreditPolicy = {
      ...LINEAR,
      negativeExpiryMonths: { ...LINEAR.negativeExpiryMonths, general: null },
    }
    const entry = creditEntry('poor_scoring', '2020-01-01', 'general')
    const s = creditStanding([entry], policy, '2030-01-01')
    expect(s.score).toBe(9_000)
    expect(s.contributions[0]!.line).toBe('2020-01-01 评审质量差（一般）−10，长期有效')
  })

  it('keeps the score between the policy bounds and says so', () => {
    const praised = ['2026-01-01', '2026-02-01', '2026-03-01'].map((d) => creditEntry('commendation', d))
    const high = creditStanding(praised, DEFAULT_POLICY, '2026-04-01')
    expect(high.score).toBe(11_000)
    expect(high.explanation).toContain('2026-04-01 信用分 110（以最高分 110 计），等级 A')
    const grave = ['2026-01-01', '2026-02-01', '2026-03-01'].map((d) => creditEntry('underpricing', d, 'grave'))
    const low = creditStanding(grave, DEFAULT_POLICY, '2026-04-01')
    expect(low.score).toBe(0)
    expect(low.explanation).toContain('2026-04-01 信用分 0（以最低分 0 计），等级 D')
  })
})

describe('creditStanding: grade boundaries (the lower bound of a band is inclusive)', () => {
  it.each([
    [1_000, 'A'],
    [1_001, 'B'],
    [2_000, 'B'],
    [2_001, 'C'],
    [4_000, 'C'],
    [4_001, 'D'],
  ])('−%i hundredths earns %s', (points, grade) => {
    const entry = creditEntry('poor_scoring', '2026-01-01', 'general', { points })
    expect(creditStanding([entry], DEFAULT_POLICY, '2026-01-02').grade).toBe(grade)
  })

  it('reports the label and the order of grades', () => {
    const s = creditStanding([], DEFAULT_POLICY, '2026-01-01')
    expect(s.gradeLabel).toBe('A（90 分及以上）')
    expect(s.gradeOrder).toEqual(['A', 'B', 'C', 'D'])
  })
})

describe('creditStanding: blacklisting', () => {
  const fail = (date: string, more = {}) => creditEntry('quality_fail', date, 'serious', more)

  it('blacklists for one year after two 不合格 within 12 months, from the second one', () => {
    const entries = [fail('2026-01-10'), fail('2026-12-20')]
    expect(creditStanding(entries, DEFAULT_POLICY, '2026-12-19').blacklisting).toBeNull()
    const s = creditStanding(entries, DEFAULT_POLICY, '2026-12-20')
    expect(s.blacklisting).toEqual({
      active: true,
      from: '2026-12-20',
      to: '2027-12-19',
      rule: { id: 'quality-fail-twice', label: '12 个月内两次执业质量评价不合格', years: 1 },
      triggeredBy: [entries[0]!.id, entries[1]!.id],
    })
    // 100 − 20 − 20 = 60 is a C, but an active blacklisting makes it D.
    expect(s.score).toBe(6_000)
    expect(s.grade).toBe('D')
    expect(s.explanation).toContain('2026-12-20 信用分 60，等级 C')
    expect(s.explanation).toContain(
      '2026-12-20 至 2027-12-19 列入失信名单（12 个月内两次执业质量评价不合格，1 年），现处于失信期内',
    )
    expect(s.explanation).toContain('失信期内信用等级按 D 计')
    expect(creditStanding(entries, DEFAULT_POLICY, '2027-12-19').blacklisting?.active).toBe(true)
    const after = creditStanding(entries, DEFAULT_POLICY, '2027-12-20')
    expect(after.blacklisting).toMatchObject({ active: false, to: '2027-12-19' })
    expect(after.grade).toBe('C')
  })

  it('does not blacklist two 不合格 13 months apart, nor exactly 12 months apart', () => {
    const at = '2027-03-01'
    expect(creditStanding([fail('2026-01-10'), fail('2027-02-10')], DEFAULT_POLICY, at).blacklistings).toEqual([])
    expect(creditStanding([fail('2026-01-10'), fail('2027-01-10')], DEFAULT_POLICY, at).blacklistings).toEqual([])
    expect(creditStanding([fail('2026-01-10'), fail('2027-01-09')], DEFAULT_POLICY, at).blacklistings).toHaveLength(1)
  })

  it('lets a third 不合格 in the window extend the blacklisting', () => {
    const entries = [fail('2026-01-10'), fail('2026-06-10'), fail('2026-12-10')]
    const s = creditStanding(entries, DEFAULT_POLICY, '2027-07-01')
    expect(s.blacklistings.map((b) => [b.from, b.to, b.active])).toEqual([
      ['2026-06-10', '2027-06-09', false],
      ['2026-12-10', '2027-12-09', true],
    ])
    expect(s.blacklisting?.triggeredBy).toEqual([entries[1]!.id, entries[2]!.id])
  })

  it('blacklists for three years after one proven falsification, ending the day before the anniversary', () => {
    const s = creditStanding([creditEntry('collusion', '2026-03-01', 'grave')], DEFAULT_POLICY, '2026-03-01')
    expect(s.blacklisting).toMatchObject({ active: true, from: '2026-03-01', to: '2029-02-28' })
    expect(s.blacklisting?.rule.id).toBe('falsification')
    const leap = creditStanding([creditEntry('false_report', '2028-02-29', 'serious')], DEFAULT_POLICY, '2028-03-01')
    expect(leap.blacklisting).toMatchObject({ from: '2028-02-29', to: '2031-02-27' })
    const minor = creditStanding([creditEntry('collusion', '2026-03-01', 'general')], DEFAULT_POLICY, '2026-03-01')
    expect(minor.blacklisting).toBeNull()
  })

  it('keeps the blacklisting after the triggering entries stop counting in the score', () => {
    const policy: CreditPolicy = {
      ...DEFAULT_POLICY,
      negativeExpiryMonths: { ...DEFAULT_POLICY.negativeExpiryMonths, grave: 12 },
    }
    const s = creditStanding([creditEntry('collusion', '2026-03-01', 'grave')], policy, '2028-01-01')
    expect(s.score).toBe(10_000)
    expect(s.blacklisting?.active).toBe(true)
    expect(s.grade).toBe('D')
  })

  it('applies the expert rules: two 不称职 within 12 months', () => {
    const entries = [
      creditEntry('expert_rating_incompetent', '2026-02-01', 'general'),
      creditEntry('expert_rating_incompetent', '2026-09-01', 'general'),
    ]
    expect(creditStanding(entries, DEFAULT_POLICY, '2026-10-01').blacklisting).toMatchObject({
      active: true,
      from: '2026-09-01',
      to: '2027-08-31',
    })
  })
})

describe('creditStanding: appeals', () => {
  it('counts an entry under appeal until it is decided, and says so', () => {
    const entry = creditEntry('quality_fail', '2026-03-01', 'serious', { underAppeal: true })
    const s = creditStanding([entry], DEFAULT_POLICY, '2026-04-01')
    expect(s.score).toBe(8_000)
    expect(s.contributions[0]).toMatchObject({ status: 'counted', underAppeal: true })
    expect(s.contributions[0]!.line).toBe(
      '2026-03-01 执业质量评价不合格（较重）−20，24 个月后失效，申诉处理中，处理前照常计入',
    )
  })

  it('never counts a revoked entry, in the score or for blacklisting', () => {
    const entries = [
      creditEntry('quality_fail', '2026-01-10', 'serious'),
      creditEntry('quality_fail', '2026-03-10', 'serious', { status: 'revoked' }),
    ]
    const s = creditStanding(entries, DEFAULT_POLICY, '2026-04-01')
    expect(s.score).toBe(8_000)
    expect(s.blacklisting).toBeNull()
    expect(s.contributions[1]).toMatchObject({ status: 'revoked', counted: 0 })
    expect(s.contributions[1]!.line).toBe('2026-03-10 执业质量评价不合格（较重）−20，24 个月后失效，已撤销，不计入')
  })

  it('counts an amended entry with its amended severity and points', () => {
    const entry = creditEntry('collusion', '2026-03-01', 'grave', {
      status: 'amended',
      amendment: { severity: 'general', points: null, expiresOn: null },
    })
    const s = creditStanding([entry], DEFAULT_POLICY, '2026-04-01')
    expect(s.score).toBe(9_000)
    expect(s.blacklisting).toBeNull()
    expect(s.contributions[0]).toMatchObject({ amended: true, severity: 'general', nominal: -1_000 })
    expect(s.contributions[0]!.line).toBe('2026-03-01 串通或数据造假（一般）−10，经申诉变更，12 个月后失效')
    const points = creditEntry('collusion', '2026-03-01', 'grave', {
      status: 'amended',
      amendment: { severity: null, points: 2_500, expiresOn: '2027-03-01' },
    })
    const kept = creditStanding([points], DEFAULT_POLICY, '2026-04-01')
    expect(kept.score).toBe(7_500)
    expect(kept.blacklisting?.active).toBe(true)
  })
})

describe('eligibleForDraw', () => {
  const standingWith = (...entries: ReturnType<typeof creditEntry>[]) =>
    creditStanding(entries, DEFAULT_POLICY, '2026-06-01')

  it('lets a clean subject be drawn with or without a threshold', () => {
    expect(eligibleForDraw(standingWith())).toEqual({ ok: true })
    expect(eligibleForDraw(standingWith(), { minGrade: 'A', minScore: 10_000 })).toEqual({ ok: true })
  })

  it('excludes an active blacklisting with its period and rule', () => {
    expect(eligibleForDraw(standingWith(creditEntry('collusion', '2026-03-01', 'grave')))).toEqual({
      ok: false,
      code: 'blacklisted',
      reason: '列入失信名单（2026-03-01 至 2029-02-28，经查实虚假报告、串通或数据造假（较重及以上））',
    })
  })

  it('excludes a grade below the required one and a score below the threshold', () => {
    const c = standingWith(creditEntry('underpricing', '2026-03-01', 'grave'))
    expect(c.grade).toBe('C')
    expect(eligibleForDraw(c, { minGrade: 'C' })).toEqual({ ok: true })
    expect(eligibleForDraw(c, { minGrade: 'B' })).toEqual({
      ok: false,
      code: 'low_credit',
      reason: '信用等级 C 低于要求的 B 级',
    })
    expect(eligibleForDraw(c, { minScore: 6_050 })).toEqual({
      ok: false,
      code: 'low_credit',
      reason: '信用分 60 低于门槛 60.5',
    })
    expect(eligibleForDraw(c, { minGrade: 'AA' })).toEqual({
      ok: false,
      code: 'low_credit',
      reason: '要求的信用等级「AA」不在默认信用政策（第 1 版）的等级中',
    })
  })

  it('feeds the pool columns in whole points rounded down', () => {
    const s = standingWith(creditEntry('underpricing', '2026-03-01', 'grave', { points: 4_001 }))
    expect(poolCreditFields(s)).toEqual({ creditScore: 59, blacklistedUntil: null })
    const b = standingWith(creditEntry('collusion', '2026-03-01', 'grave'))
    expect(poolCreditFields(b)).toEqual({ creditScore: 60, blacklistedUntil: '2029-02-28' })
  })
})

describe('pointsText', () => {
  it('drops trailing zeros and signs with a minus sign', () => {
    expect([1_000, 750, 753, 5, 0, -1_050].map(pointsText)).toEqual(['10', '7.5', '7.53', '0.05', '0', '−10.5'])
  })
})
