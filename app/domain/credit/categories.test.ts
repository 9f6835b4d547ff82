import { describe, expect, it } from 'vitest'
import {
  ENTRY_KINDS,
  entryForDecline,
  entryForExpertRating,
  entryForLateScoring,
  entryForQualityGrade,
  kindsFor,
  severityRank,
} from './categories'
import { addDays, addMonths, daysFrom } from './dates'

const labelsFor = (subject: 'agency' | 'practitioner' | 'expert') => kindsFor(subject).map((k) => k.label)

describe('entry kinds', () => {
  it('cover every misconduct issue 8 names, for the subjects it applies to', () => {
    for (const label of [
      '虚假或误导性报告',
      '串通或数据造假',
      '违规转包或出借资质',
      '泄露秘密',
      '违反回避',
      '索取不正当利益',
      '恶意低价',
      '成果逾期或缺失',
    ])
      expect(labelsFor('agency')).toContain(label)
    for (const label of ['无正当理由拒绝评审', '无故缺席', '评审质量差', '泄露秘密', '违反回避'])
      expect(labelsFor('expert')).toContain(label)
    expect(labelsFor('expert')).not.toContain('恶意低价')
    expect(labelsFor('agency')).not.toContain('无故缺席')
    expect(labelsFor('practitioner')).toContain('虚假或误导性报告')
    expect(labelsFor('practitioner')).toContain('表彰')
  })

  it('give every negative kind a default severity and no positive kind one', () => {
    for (const kind of ENTRY_KINDS)
      expect(kind.defaultSeverity === null).toBe(kind.direction === 'positive')
    expect(new Set(ENTRY_KINDS.map((k) => k.code)).size).toBe(ENTRY_KINDS.length)
    expect(new Set(ENTRY_KINDS.map((k) => k.label)).size).toBe(ENTRY_KINDS.length)
  })

  it('rank severities from 轻微 to 严重', () => {
    expect(severityRank('minor')).toBeLessThan(severityRank('general'))
    expect(severityRank('serious')).toBeLessThan(severityRank('grave'))
  })
})

describe('automatic entries', () => {
  it('turn 优秀 and 不合格 quality grades into entries and leave 良好 and 合格 out', () => {
    expect(entryForQualityGrade('excellent')).toEqual({
      kind: 'quality_excellent',
      severity: null,
      source: 'auto_quality_rating',
    })
    expect(entryForQualityGrade('fail')).toEqual({
      kind: 'quality_fail',
      severity: 'serious',
      source: 'auto_quality_rating',
    })
    expect(entryForQualityGrade('good')).toBeNull()
    expect(entryForQualityGrade('pass')).toBeNull()
  })

  it('turn expert ratings into entries, 称职 into none', () => {
    expect(entryForExpertRating('excellent')?.kind).toBe('expert_rating_excellent')
    expect(entryForExpertRating('competent')).toBeNull()
    expect(entryForExpertRating('basically_competent')).toEqual({
      kind: 'expert_rating_basic',
      severity: 'minor',
      source: 'auto_expert_rating',
    })
    expect(entryForExpertRating('incompetent')?.severity).toBe('general')
    expect(entryForDecline()).toEqual({ kind: 'unjustified_decline', severity: 'general', source: 'auto_decline' })
    expect(entryForLateScoring()).toEqual({ kind: 'late_scoring', severity: 'minor', source: 'auto_late_scoring' })
  })
})

describe('dates', () => {
  it('add months keeping the day, or the month end when the target month is shorter', () => {
    expect(addMonths('2026-03-01', 12)).toBe('2027-03-01')
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28')
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15')
  })

  it('add days and count them across month and year ends', () => {
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(daysFrom('2026-01-01', '2027-01-01')).toBe(365)
    expect(daysFrom('2026-07-02', '2026-07-01')).toBe(-1)
  })
})
