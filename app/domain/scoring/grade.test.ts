import { describe, expect, it } from 'vitest'
import type { GradeBand } from './grade'
import { bandsFromThresholds, gradeOf, NATIONAL_BANDS, validateBands } from './grade'

describe('gradeOf with the national bands', () => {
  it.each([
    [1, '优'],
    [0.9, '优'],
    [8999 / 10000, '良'],
    [0.8, '良'],
    [7999 / 10000, '中'],
    [0.6, '中'],
    [5999 / 10000, '差'],
    [0, '差'],
  ])('rate %s is %s', (rate, grade) => {
    expect(gradeOf(rate).grade).toBe(grade)
  })

  it('puts a rate a few ulps under a boundary it is mathematically on in the higher band', () => {
    expect(0.3 * 3).toBeLessThan(0.9)
    expect(gradeOf(0.3 * 3).grade).toBe('优')
  })

  it('gives the lowest band to a rate below every band', () => {
    const bands: GradeBand[] = [
      { grade: 'A', label: '合格', minRate: 0.6 },
      { grade: 'B', label: '不合格', minRate: 0.3 },
    ]
    expect(gradeOf(0.1, bands).grade).toBe('B')
  })

  it('does not depend on the order the bands are listed in', () => {
    expect(gradeOf(0.85, [...NATIONAL_BANDS].reverse()).grade).toBe('良')
  })

  it('refuses empty bands', () => {
    expect(() => gradeOf(0.5, [])).toThrow(RangeError)
  })
})

describe('validateBands', () => {
  it('accepts the national bands', () => {
    expect(validateBands(NATIONAL_BANDS)).toEqual([])
  })

  it('asks for at least one band', () => {
    expect(validateBands([])).toEqual(['至少需要设置一个等级'])
  })

  it('names a band whose lower bound is not below the previous one', () => {
    const bands: GradeBand[] = [
      { grade: '合格', label: '合格', minRate: 0.6 },
      { grade: '良好', label: '良好', minRate: 0.8 },
      { grade: '不合格', label: '不合格', minRate: 0 },
    ]
    expect(validateBands(bands)).toEqual(['第 2 个等级「良好」的得分率下限须低于上一等级「合格」'])
  })

  it('requires the last band to start at 0', () => {
    const bands: GradeBand[] = [
      { grade: '优', label: '优', minRate: 0.9 },
      { grade: '良', label: '良', minRate: 0.5 },
    ]
    expect(validateBands(bands)).toEqual(['最后一个等级「良」的得分率下限须为 0，才能覆盖所有得分'])
  })

  it('reports duplicate and blank names and labels, and bounds outside 0..1', () => {
    const bands: GradeBand[] = [
      { grade: '优', label: '好', minRate: 1.2 },
      { grade: '优', label: '好', minRate: 0.5 },
      { grade: ' ', label: '', minRate: 0 },
    ]
    expect(validateBands(bands)).toEqual([
      '第 1 个等级「优」的得分率下限须在 0% 至 100% 之间',
      '第 2 个等级「优」与前面的等级重名',
      '第 2 个等级「优」的说明「好」与前面的等级重复',
      '第 3 个等级「 」未填写等级名称',
      '第 3 个等级「 」未填写说明',
    ])
  })
})

describe('bandsFromThresholds', () => {
  it('90/80/60 gives the national bands, and what it gives validates', () => {
    const bands = bandsFromThresholds(90, 80, 60)
    expect(bands).toEqual(NATIONAL_BANDS)
    expect(validateBands(bandsFromThresholds(85, 75, 60))).toEqual([])
  })
})
