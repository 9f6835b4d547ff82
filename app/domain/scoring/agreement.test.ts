import { describe, expect, it } from 'vitest'
import {
  agreementSummary,
  AGREEMENT_EXPLANATIONS,
  flatRaters,
  icc,
  kendallW,
  leaveOneOutDeviation,
} from './agreement'
import { cellsOf, sheet } from './test-sheet'

// Three experts' score rates on four indicators (rows = experts).
const RATES = [
  [0.9, 0.8, 0.6, 0.7],
  [1.0, 0.7, 0.5, 0.7],
  [0.8, 0.8, 0.6, 0.5],
]
const EXPERTS = ['e1', 'e2', 'e3']

describe('kendallW', () => {
  it('matches the hand computation with ties', () => {
    // Ranks within each expert (average ranks for ties):
    //   e1 [4, 3, 1, 2]      no ties                       T = 0
    //   e2 [4, 2.5, 1, 2.5]  0.7 twice                     T = 2³ − 2 = 6
    //   e3 [3.5, 3.5, 2, 1]  0.8 twice                     T = 6
    // R = [11.5, 9, 4, 5.5], mean m (n + 1) / 2 = 7.5, S = 4² + 1.5² + 3.5² + 2² = 34.5
    // W = 12 S / (m² (n³ − n) − m Σ T) = 414 / (9 × 60 − 3 × 12) = 414 / 504 = 23 / 28
    // (uncorrected it would be 414 / 540 = 0.767)
    // χ² = m (n − 1) W = 9 × 23 / 28 = 207 / 28, df = 3
    const result = kendallW(RATES)!
    expect(result.w).toBeCloseTo(23 / 28, 12)
    expect(result.chiSquare).toBeCloseTo(207 / 28, 12)
    expect(result.df).toBe(3)
  })

  it('is 1 for identical orderings and 0 for exactly opposed ones', () => {
    expect(
      kendallW([
        [1, 2, 3],
        [10, 20, 30],
      ])!.w,
    ).toBeCloseTo(1, 12)
    expect(
      kendallW([
        [1, 2, 3],
        [3, 2, 1],
      ])!.w,
    ).toBeCloseTo(0, 12)
  })

  it('is null with fewer than two experts or indicators, or when every expert ties everything', () => {
    expect(kendallW([[1, 2, 3]])).toBeNull()
    expect(kendallW([[1], [2]])).toBeNull()
    expect(kendallW([])).toBeNull()
    expect(
      kendallW([
        [1, 1, 1],
        [0.5, 0.5, 0.5],
      ]),
    ).toBeNull()
  })

  it('refuses a ragged matrix', () => {
    expect(() => kendallW([[1, 2], [1]])).toThrow(RangeError)
  })
})

describe('icc', () => {
  it('matches the hand computation on the same panel (rows = indicators, rates × 10)', () => {
    // I1 [9, 10, 8]  I2 [8, 7, 8]  I3 [6, 5, 6]  I4 [7, 7, 5]; n = 4 targets, k = 3 raters, N = 12
    // Grand sum 86, correction 86² / 12 = 616.33; Σx² = 642 → SST = 77/3
    // Row sums 27, 23, 17, 19 → Σ/3 = 1908/3 = 636 → SSR = 59/3;  BMS = SSR / 3 = 59/9
    // Column sums 30, 29, 27 → Σ/4 = 2470/4 = 617.5 → SSC = 7/6;  JMS = SSC / 2 = 7/12
    // SSE = 77/3 − 59/3 − 7/6 = 29/6;  EMS = SSE / 6 = 29/36
    // ICC(2,1) = (BMS − EMS) / (BMS + 2 EMS + 3 (JMS − EMS) / 4)
    //          = (207/36) / (236/36 + 58/36 − 6/36) = (207/36) / 8 = 0.71875
    // ICC(2,k) = (BMS − EMS) / (BMS + (JMS − EMS) / 4) = 207 / (236 − 2) = 207/234
    const byIndicator = RATES[0]!.map((_, j) => RATES.map((row) => row[j]! * 10))
    const result = icc(byIndicator)!
    expect(result.icc21).toBeCloseTo(0.71875, 12)
    expect(result.icc2k).toBeCloseTo(207 / 234, 12)
    // A change of scale changes nothing: the rates themselves give the same values.
    const onRates = icc(RATES[0]!.map((_, j) => RATES.map((row) => row[j]!)))!
    expect(onRates.icc21).toBeCloseTo(0.71875, 12)
  })

  it('reproduces Shrout & Fleiss (1979) Table 2: 6 targets, 4 judges, ICC(2,1) .29 and ICC(2,k) .62', () => {
    // Their Table 3: BMS 11.24, JMS 32.49, EMS 1.02.
    const table2 = [
      [9, 2, 5, 8],
      [6, 1, 3, 2],
      [8, 4, 6, 8],
      [7, 1, 2, 6],
      [10, 5, 6, 9],
      [6, 2, 4, 7],
    ]
    const result = icc(table2)!
    expect(result.icc21).toBeCloseTo(0.29, 2)
    expect(result.icc2k).toBeCloseTo(0.62, 2)
  })

  it('is null for fewer than two targets or raters, or when a denominator vanishes', () => {
    expect(icc([[1, 2, 3]])).toBeNull()
    expect(icc([[1], [2]])).toBeNull()
    expect(
      icc([
        [5, 5],
        [5, 5],
      ]),
    ).toBeNull()
    // BMS = JMS = 0, EMS = 1 with n = k = 2: the ICC(2,1) denominator is 0 + 1 + 2 (0 − 1) / 2 = 0
    expect(
      icc([
        [1, 0],
        [0, 1],
      ]),
    ).toBeNull()
  })
})

describe('leaveOneOutDeviation', () => {
  it('matches the hand computation', () => {
    // e1 vs mean(e2, e3) = [0.9, 0.75, 0.55, 0.6]: |0| + |0.05| + |0.05| + |0.1| → 0.2 / 4 = 0.05
    // e2 vs mean(e1, e3) = [0.85, 0.8, 0.6, 0.6]:  0.15 + 0.1 + 0.1 + 0.1 → 0.45 / 4 = 0.1125
    // e3 vs mean(e1, e2) = [0.95, 0.75, 0.55, 0.7]: 0.15 + 0.05 + 0.05 + 0.2 → 0.45 / 4 = 0.1125
    const result = leaveOneOutDeviation(RATES, EXPERTS)
    expect(result.map((r) => r.expertKey)).toEqual(EXPERTS)
    expect(result[0]!.meanAbsDeviation).toBeCloseTo(0.05, 12)
    expect(result[1]!.meanAbsDeviation).toBeCloseTo(0.1125, 12)
    expect(result[2]!.meanAbsDeviation).toBeCloseTo(0.1125, 12)
  })

  it('is empty with a single expert, and refuses a key count that does not match the rows', () => {
    expect(leaveOneOutDeviation([[1, 0.5]], ['a'])).toEqual([])
    expect(() => leaveOneOutDeviation(RATES, ['a'])).toThrow(RangeError)
  })
})

describe('flatRaters', () => {
  it('flags experts whose rates barely vary across indicators', () => {
    // e1 variance: mean 0.75, deviations ±0.15, ±0.05 → (0.0225 × 2 + 0.0025 × 2) / 4 = 0.0125, not flat
    // f1 full marks everywhere: 0;  f2 [0.9, 0.95, 0.9, 0.95]: 0.025² = 0.000625 < 0.0025
    const matrix = [RATES[0]!, [1, 1, 1, 1], [0.9, 0.95, 0.9, 0.95]]
    expect(flatRaters(matrix, ['e1', 'f1', 'f2'])).toEqual(['f1', 'f2'])
    expect(flatRaters(matrix, ['e1', 'f1', 'f2'], 0.0005)).toEqual(['f1'])
    expect(flatRaters(matrix, ['e1', 'f1', 'f2'], 0.013)).toEqual(['e1', 'f1', 'f2'])
  })

  it('needs at least two indicators', () => {
    expect(flatRaters([[1], [1]], ['a', 'b'])).toEqual([])
  })
})

describe('agreementSummary', () => {
  const tree = sheet([
    {
      code: 'P',
      weight: 4000,
      children: [
        { code: 'P1', weight: 1000 },
        { code: 'P2', weight: 1000 },
      ],
    },
    {
      code: 'Q',
      weight: 6000,
      children: [
        { code: 'Q1', weight: 2000 },
        { code: 'Q2', weight: 4000 },
        { code: 'Q0', weight: 0 },
      ],
    },
    { code: 'R', weight: 2000, children: [] },
  ])

  it('builds rate matrices over the leaves of positive weight from experts who scored all of them', () => {
    // The same rates as RATES, as scores: P1, P2 of 10 分, Q1 of 20 分, Q2 of 40 分 (R is a
    // level-1 leaf of 20 分, scored 20 by everyone, so it joins the matrices as a rate of 1).
    const cells = cellsOf({
      e1: { P1: 900, P2: 800, Q1: 1200, Q2: 2800, Q0: 0, R: 2000 },
      e2: { P1: 1000, P2: 700, Q1: 1000, Q2: 2800, Q0: 0, R: 2000 },
      late: { P1: 500, Q1: 0 },
      e3: { P1: 800, P2: 800, Q1: 1200, Q2: 2000, Q0: 0, R: 2000 },
    })
    const summary = agreementSummary(tree, cells)
    expect(summary.expertKeys).toEqual(EXPERTS)
    expect(summary.codes).toEqual(['P1', 'P2', 'Q1', 'Q2', 'R'])
    const rates = RATES.map((row) => [...row, 1])
    expect(summary.kendallW).toEqual(kendallW(rates))
    expect(summary.icc).toEqual(icc(rates[0]!.map((_, j) => rates.map((row) => row[j]!))))
    expect(summary.deviations).toEqual(leaveOneOutDeviation(rates, EXPERTS))
    expect(summary.flat).toEqual([])
  })

  it('gives empty statistics when fewer than two experts completed the sheet', () => {
    const summary = agreementSummary(tree, cellsOf({ a: { P1: 500 } }))
    expect(summary).toEqual({
      expertKeys: [],
      codes: ['P1', 'P2', 'Q1', 'Q2', 'R'],
      kendallW: null,
      icc: null,
      deviations: [],
      flat: [],
    })
  })
})

it('explains every statistic in one plain Chinese sentence', () => {
  for (const text of Object.values(AGREEMENT_EXPLANATIONS)) {
    expect(text).toMatch(/[\u4e00-\u9fff]/)
    expect(text.length).toBeLessThan(80)
  }
})
