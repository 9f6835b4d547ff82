import { describe, expect, it } from 'vitest'
import { addYears, retentionOf, retentionPassed } from './retention'

describe('retention', () => {
  it('defaults to 10 years after 归档, keeping the calendar day', () => {
    expect(retentionOf(null, '2026-03-15')).toEqual({ until: '2036-03-15', source: 'default' })
    expect(addYears('2024-02-29', 10)).toBe('2034-02-28')
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29')
  })

  it('a configured date wins; before 归档 there is none', () => {
    expect(retentionOf('2040-01-01', '2026-03-15')).toEqual({ until: '2040-01-01', source: 'configured' })
    expect(retentionOf('2030-12-31', null)).toEqual({ until: '2030-12-31', source: 'configured' })
    expect(retentionOf(null, null)).toEqual({ until: null, source: 'not_archived' })
  })

  it('deletion is allowed only after the retention date, never on it', () => {
    const r = retentionOf(null, '2026-03-15')
    expect(retentionPassed(r, '2036-03-15')).toBe(false)
    expect(retentionPassed(r, '2036-03-16')).toBe(true)
    expect(retentionPassed(retentionOf(null, null), '2099-01-01')).toBe(false)
  })
})
