import { describe, expect, it } from 'vitest'
import { commissionCreditFlag, commissionFlagHeadline } from './commission-flag'
import { creditStanding } from './evaluate'
import { DEFAULT_POLICY } from './policy'
import { creditEntry } from './test-entries'

describe('commissionCreditFlag', () => {
  it('does not flag an agency above the lowest grade and off the blacklist', () => {
    expect(commissionCreditFlag(creditStanding([], DEFAULT_POLICY, '2026-06-01'))).toBeNull()
    const one = [creditEntry('quality_fail', '2026-01-10')]
    expect(commissionCreditFlag(creditStanding(one, DEFAULT_POLICY, '2026-06-01'))).toBeNull()
  })

  it('flags two 不合格 ratings within a year: blacklisted, grade D, with both reasons', () => {
    const twice = [creditEntry('quality_fail', '2026-01-10'), creditEntry('quality_fail', '2026-05-01')]
    const flag = commissionCreditFlag(creditStanding(twice, DEFAULT_POLICY, '2026-06-01'))
    expect(flag).toEqual({
      on: '2026-06-01',
      policy: { id: 'default', version: 1, name: '默认信用政策' },
      score: 6_000,
      grade: 'D',
      blacklisting: { from: '2026-05-01', to: '2027-04-30', rule: '12 个月内两次执业质量评价不合格' },
      reasons: [
        '信用等级 D（信用分 60），为默认信用政策（第 1 版）的最低等级',
        '列入失信名单（2026-05-01 至 2027-04-30，12 个月内两次执业质量评价不合格）',
      ],
    })
    expect(commissionFlagHeadline(flag!)).toBe('委托时该机构信用等级为 D，处于失信期，请审慎委托')
  })

  it('flags the lowest grade by score alone, and stops once the blacklisting is over', () => {
    const grave = [
      creditEntry('false_report', '2026-01-10', 'grave'),
      creditEntry('underpricing', '2026-02-01', 'general'),
    ]
    const low = commissionCreditFlag(
      creditStanding(grave, { ...DEFAULT_POLICY, blacklistRules: [] }, '2026-06-01'),
    )
    expect(low?.grade).toBe('D')
    expect(low?.blacklisting).toBeNull()
    expect(low?.reasons).toEqual(['信用等级 D（信用分 50），为默认信用政策（第 1 版）的最低等级'])
    expect(commissionFlagHeadline(low!)).toBe('委托时该机构信用等级为 D，请审慎委托')
    const twice = [creditEntry('quality_fail', '2025-01-10'), creditEntry('quality_fail', '2025-05-01')]
    expect(commissionCreditFlag(creditStanding(twice, DEFAULT_POLICY, '2026-05-01'))).toBeNull()
  })
})
