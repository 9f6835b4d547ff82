import { describe, expect, it } from 'vitest'
import { sensitivity } from './sensitivity'
import { cellsOf, SAMPLE_SCORES, SAMPLE_SHEET } from './test-sheet'

describe('sensitivity', () => {
  it('shows which single expert and which rule would move the grade', () => {
    // Mean of all three: 89.67 良 (see aggregate.test.ts).
    // Without e1: 475 + 400 + 850 + 4375 + 2600 = 8700 良
    // Without e2: 525 + 400 + 950 + 4625 + 2850 = 9350 优
    // Without e3: 550 + 400 + 900 + 4250 + 2750 = 8850 良
    // Trimmed with three scores is the mean; the median gives 9000 优.
    expect(sensitivity(SAMPLE_SHEET, cellsOf(SAMPLE_SCORES), 'mean')).toEqual({
      base: { total: 8967, grade: '良' },
      leaveOneOut: [
        { expertKey: 'e1', total: 8700, grade: '良', gradeChanges: false },
        { expertKey: 'e2', total: 9350, grade: '优', gradeChanges: true },
        { expertKey: 'e3', total: 8850, grade: '良', gradeChanges: false },
      ],
      byRule: [
        { rule: 'mean', total: 8967, grade: '良', gradeChanges: false },
        { rule: 'trimmed', total: 8967, grade: '良', gradeChanges: false },
        { rule: 'median', total: 9000, grade: '优', gradeChanges: true },
      ],
    })
  })

  it('compares against the declared rule and the given bands', () => {
    const bands = [
      { grade: '甲', label: '甲', minRate: 0.895 },
      { grade: '乙', label: '乙', minRate: 0 },
    ]
    const result = sensitivity(SAMPLE_SHEET, cellsOf(SAMPLE_SCORES), 'median', bands)
    expect(result.base).toEqual({ total: 9000, grade: '甲' })
    expect(result.byRule.map((r) => [r.rule, r.grade, r.gradeChanges])).toEqual([
      ['mean', '甲', false],
      ['trimmed', '甲', false],
      ['median', '甲', false],
    ])
  })

  it('leaves nobody out of a one-expert panel', () => {
    const result = sensitivity(SAMPLE_SHEET, cellsOf({ e1: SAMPLE_SCORES.e1 }), 'mean')
    expect(result.base).toEqual({ total: 9500, grade: '优' })
    expect(result.leaveOneOut).toEqual([])
  })
})
