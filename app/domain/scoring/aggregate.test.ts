import { describe, expect, it } from 'vitest'
import { aggregateScores, AGGREGATION_RULES, consolidate } from './aggregate'
import { cellsOf, SAMPLE_SCORES, SAMPLE_SHEET, sheet } from './test-sheet'

describe('aggregateScores', () => {
  it('means round half up once, at the end', () => {
    expect(aggregateScores('mean', [800, 900, 1000])).toBe(900)
    expect(aggregateScores('mean', [1, 2])).toBe(2) // 1.5
    expect(aggregateScores('mean', [1, 1, 2])).toBe(1) // 1.333…
    expect(aggregateScores('mean', [1, 2, 2])).toBe(2) // 1.666…
  })

  it('trims one highest and one lowest with exactly 5 scores', () => {
    // 500 and 1000 go; (720 + 730 + 741) / 3 = 2191 / 3 = 730.33…
    expect(aggregateScores('trimmed', [741, 1000, 720, 500, 730])).toBe(730)
    // only one of each repeated extreme goes; (500 + 800 + 1000) / 3 = 766.67
    expect(aggregateScores('trimmed', [500, 1000, 800, 500, 1000])).toBe(767)
  })

  it('trims nothing below 5 scores: the plain mean', () => {
    // (100 + 200 + 300 + 1000) / 4 = 400; a trimmed mean would give 250
    expect(aggregateScores('trimmed', [100, 200, 300, 1000])).toBe(400)
    expect(aggregateScores('trimmed', [7])).toBe(7)
  })

  it('takes the middle score, or the rounded mean of the two middle ones for even counts', () => {
    expect(aggregateScores('median', [300, 100, 200])).toBe(200)
    // (200 + 301) / 2 = 250.5
    expect(aggregateScores('median', [400, 100, 301, 200])).toBe(251)
    expect(aggregateScores('median', [1, 2])).toBe(2)
    expect(aggregateScores('median', [600, 600, 0, 0])).toBe(300)
  })

  it('refuses an empty list under every rule', () => {
    for (const { code } of AGGREGATION_RULES) expect(() => aggregateScores(code, [])).toThrow(RangeError)
  })
})

describe('consolidate', () => {
  const cells = cellsOf(SAMPLE_SCORES)

  it('aggregates each leaf, sums subtotals and the total from the rounded leaves, and grades the rate', () => {
    // A11 (600 + 500 + 450) / 3 = 516.67 → 517   A12 400   A21 (1000 + 800 + 900) / 3 = 900
    // B11 (4500 + 4000 + 4750) / 3 = 4416.67 → 4417   B12 (3000 + 2500 + 2700) / 3 = 2733.33 → 2733
    // total 517 + 400 + 900 + 4417 + 2733 = 8967 → 89.67 分, rate 0.8967 → 良
    const result = consolidate(SAMPLE_SHEET, cells, 'mean')
    expect(result.rule).toBe('mean')
    expect(result.leaves.map((leaf) => [leaf.code, leaf.score])).toEqual([
      ['A11', 517],
      ['A12', 400],
      ['A21', 900],
      ['B11', 4417],
      ['B12', 2733],
    ])
    expect(result.leaves[0]).toEqual({
      code: 'A11',
      name: '指标A11',
      weight: 600,
      level: 3,
      score: 517,
      rate: 517 / 600,
      expertScores: { e1: 600, e2: 500, e3: 450 },
    })
    expect(result.subtotals).toEqual([
      { code: 'A', name: '指标A', level: 1, weight: 2000, score: 1817 },
      { code: 'A1', name: '指标A1', level: 2, weight: 1000, score: 917 },
      { code: 'A2', name: '指标A2', level: 2, weight: 1000, score: 900 },
      { code: 'B', name: '指标B', level: 1, weight: 8000, score: 7150 },
      { code: 'B1', name: '指标B1', level: 2, weight: 8000, score: 7150 },
    ])
    expect(result.total).toBe(8967)
    expect(result.totalWeight).toBe(10000)
    expect(result.rate).toBe(0.8967)
    expect(result.grade.grade).toBe('良')
    expect(result.missing).toEqual([])
  })

  it('reaches exactly 90 分 and 优 under the median', () => {
    // medians 500, 400, 900, 4500, 2700 → 9000
    const result = consolidate(SAMPLE_SHEET, cells, 'median')
    expect(result.total).toBe(9000)
    expect(result.grade.grade).toBe('优')
  })

  it('uses the given bands', () => {
    const bands = [
      { grade: '合格', label: '合格', minRate: 0.85 },
      { grade: '不合格', label: '不合格', minRate: 0 },
    ]
    expect(consolidate(SAMPLE_SHEET, cells, 'mean', bands).grade.grade).toBe('合格')
  })

  it('consolidates over whoever scored and reports each gap, by leaf then expert', () => {
    const partial = cellsOf({
      e1: { A11: 600, A12: 400, A21: 1000, B11: 4500, B12: 3000 },
      e2: { A11: 500, A21: 800, B11: 4000 },
      e3: { A11: 450, A21: 900, B11: 4750, B12: 2700 },
    })
    const result = consolidate(SAMPLE_SHEET, partial, 'mean')
    expect(result.missing).toEqual([
      { expertKey: 'e2', code: 'A12' },
      { expertKey: 'e3', code: 'A12' },
      { expertKey: 'e2', code: 'B12' },
    ])
    // A12 from e1 alone; B12 (3000 + 2700) / 2 = 2850
    expect(result.leaves.map((leaf) => leaf.score)).toEqual([517, 400, 900, 4417, 2850])
    expect(result.total).toBe(9084)
  })

  it('scores 0 on a leaf nobody scored, every expert listed as missing it', () => {
    const result = consolidate(SAMPLE_SHEET, cellsOf({ e1: { A11: 600 }, e2: { A11: 400 } }), 'mean')
    expect(result.leaves.map((leaf) => leaf.score)).toEqual([500, 0, 0, 0, 0])
    expect(result.missing).toHaveLength(8)
    expect(result.total).toBe(500)
    expect(result.grade.grade).toBe('差')
  })

  it('gives a zero total, rate and the lowest grade with no scores at all', () => {
    const result = consolidate(SAMPLE_SHEET, [], 'trimmed')
    expect([result.total, result.rate, result.grade.grade, result.missing]).toEqual([0, 0, '差', []])
  })

  it('keeps pre-order across unevenly deep branches and rates a zero-weight leaf 0', () => {
    const tree = sheet([
      { code: 'X', weight: 0, children: [{ code: 'X1', weight: 0 }] },
      { code: 'Y', weight: 100 },
    ])
    const result = consolidate(tree, cellsOf({ a: { X1: 0, Y: 50 } }), 'mean')
    expect(result.leaves.map((leaf) => [leaf.code, leaf.rate])).toEqual([
      ['X1', 0],
      ['Y', 0.5],
    ])
    expect(result.subtotals.map((s) => s.code)).toEqual(['X'])
  })

  it('refuses cells an upstream bug would produce', () => {
    expect(() => consolidate(SAMPLE_SHEET, [{ expertKey: 'e1', code: 'A1', score: 10 }], 'mean')).toThrow(
      RangeError,
    )
    expect(() => consolidate(SAMPLE_SHEET, [{ expertKey: 'e1', code: 'Z9', score: 10 }], 'mean')).toThrow(
      RangeError,
    )
    expect(() => consolidate(SAMPLE_SHEET, [{ expertKey: 'e1', code: 'A11', score: 601 }], 'mean')).toThrow(
      RangeError,
    )
    expect(() => consolidate(SAMPLE_SHEET, [{ expertKey: 'e1', code: 'A11', score: 12.5 }], 'mean')).toThrow(
      RangeError,
    )
    expect(() => consolidate(SAMPLE_SHEET, [{ expertKey: 'e1', code: 'A11', score: -1 }], 'mean')).toThrow(
      RangeError,
    )
    const twice = [
      { expertKey: 'e1', code: 'A11', score: 10 },
      { expertKey: 'e1', code: 'A11', score: 20 },
    ]
    expect(() => consolidate(SAMPLE_SHEET, twice, 'mean')).toThrow(RangeError)
  })
})
