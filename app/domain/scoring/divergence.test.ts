import { describe, expect, it } from 'vitest'
import type { IndicatorResult } from './aggregate'
import { consolidate } from './aggregate'
import { divergenceFlags } from './divergence'
import { cellsOf, SAMPLE_SCORES, SAMPLE_SHEET } from './test-sheet'

function leaf(code: string, weight: number, expertScores: Record<string, number>): IndicatorResult {
  return { code, name: `指标${code}`, weight, level: 3, score: 0, rate: 0, expertScores }
}

describe('divergenceFlags', () => {
  const { leaves } = consolidate(SAMPLE_SHEET, cellsOf(SAMPLE_SCORES), 'mean')

  it('flags nothing on the sample panel at the default 25 %: A11 spread 150 equals its threshold', () => {
    expect(divergenceFlags(leaves)).toEqual([])
  })

  it('flags a spread strictly above the share of the weight, with the experts at each extreme', () => {
    // 20 %: A11 600 → 120, spread 600 − 450 = 150 flagged; A21 1000 → 200, spread 200 not;
    // B11 5000 → 1000, spread 750 not; B12 3000 → 600, spread 500 not
    expect(divergenceFlags(leaves, 0.2)).toEqual([
      { code: 'A11', name: '指标A11', spread: 150, threshold: 120, low: ['e3'], high: ['e1'] },
    ])
  })

  it('rounds the threshold half up to hundredths and compares the spread with that', () => {
    // 25 % of 12.50 分 is 3.125 分 → 3.13
    expect(divergenceFlags([leaf('X', 1250, { a: 0, b: 313 })])).toEqual([])
    expect(divergenceFlags([leaf('X', 1250, { a: 0, b: 314 })])).toEqual([
      { code: 'X', name: '指标X', spread: 314, threshold: 313, low: ['a'], high: ['b'] },
    ])
  })

  it('lists every expert sharing an extreme', () => {
    const [flag] = divergenceFlags([leaf('Y', 1000, { a: 900, b: 500, c: 900, d: 500, e: 700 })])
    expect(flag).toMatchObject({ spread: 400, threshold: 250, low: ['b', 'd'], high: ['a', 'c'] })
  })

  it('never flags an indicator with fewer than two scores', () => {
    expect(divergenceFlags([leaf('Z', 1000, { a: 0 }), leaf('W', 1000, {})], 0)).toEqual([])
  })
})
