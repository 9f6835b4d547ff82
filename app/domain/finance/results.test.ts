import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  averageDays,
  budgetDecisionLabel,
  disclosureProblems,
  gradeDecisionTable,
  gradeDistribution,
  MAX_PROBLEMS_CHARS,
  rectificationStatus,
  suggestedDecision,
} from './results'

describe('budget decisions', () => {
  test('the grade suggests a decision under the national bands, and nothing for other grade names', () => {
    expect(['优', '良', '中', '差', '优秀'].map(suggestedDecision)).toEqual(['priority', 'maintain', 'reduce', 'suspend', null])
  })

  test('a cut reads with its percentage', () => {
    expect(budgetDecisionLabel('reduce', 20)).toBe('压减 20%')
    expect(budgetDecisionLabel('maintain', null)).toBe('维持')
    expect(budgetDecisionLabel('unknown')).toBe('unknown')
  })
})

describe('the yearly cross table', () => {
  test('counts grades against decisions, undecided ones apart, with totals', () => {
    const t = gradeDecisionTable([
      { grade: '良', decision: 'maintain' },
      { grade: '优', decision: 'priority' },
      { grade: '良', decision: 'reduce' },
      { grade: '差', decision: null },
      { grade: '良', decision: 'maintain' },
    ])
    expect(t.grades).toEqual(['优', '良', '差'])
    expect(t.counts['良']).toMatchObject({ maintain: 2, reduce: 1, undecided: 0 })
    expect(t.counts['差']!.undecided).toBe(1)
    expect(t.rowTotals).toEqual({ 优: 1, 良: 3, 差: 1 })
    expect(t.columnTotals.maintain).toBe(2)
    expect(t.total).toBe(5)
  })

  test('every row lands in exactly one cell', () => {
    const row = fc.record({ grade: fc.constantFrom('优', '良', '中', '差', '合格'), decision: fc.option(fc.constantFrom('priority', 'maintain', 'reduce', 'suspend', 'cancel', 'bogus')) })
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (rows) => {
        const t = gradeDecisionTable(rows)
        const cells = t.grades.flatMap((g) => t.columns.map((c) => t.counts[g]![c.code]))
        expect(cells.reduce((a, b) => a + b, 0)).toBe(rows.length)
        expect(Object.values(t.rowTotals).reduce((a, b) => a + b, 0)).toBe(rows.length)
      }),
    )
  })

  test('the grade distribution keeps the national order and appends configured grades', () => {
    expect(gradeDistribution(['差', '合格', '优', '差'])).toEqual([
      { grade: '优', count: 1 },
      { grade: '差', count: 2 },
      { grade: '合格', count: 1 },
    ])
  })
})

describe('review time', () => {
  test('is the mean of submission-to-decision days, one decimal; none decided is null', () => {
    expect(averageDays([])).toBeNull()
    expect(
      averageDays([
        { from: '2026-06-01T00:00:00.000Z', to: '2026-06-04T00:00:00.000Z' },
        { from: '2026-06-01T00:00:00.000Z', to: '2026-06-02T12:00:00.000Z' },
      ]),
    ).toBe(2.3)
  })
})

describe('the disclosure list', () => {
  test('rectification status reads from the counts', () => {
    expect(rectificationStatus({ total: 0, verified: 0, overdue: 0 })).toBe('无整改事项')
    expect(rectificationStatus({ total: 3, verified: 3, overdue: 0 })).toBe('已完成整改（3 项）')
    expect(rectificationStatus({ total: 3, verified: 1, overdue: 2 })).toBe('整改中（已完成 1/3 项，逾期 2 项）')
  })

  test('problems lose expert names and pseudonyms and are cut to length', () => {
    expect(disclosureProblems('王立新指出台账不全；专家A、专家 B 认为目标不细。', ['王立新'])).toBe('专家指出台账不全；专家、专家 认为目标不细。')
    expect(disclosureProblems('  \n ', [])).toBe('无')
    const long = disclosureProblems('问'.repeat(1000), [])
    expect(long).toHaveLength(MAX_PROBLEMS_CHARS + 1)
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('评分专家1', '张教授'), fc.string(), (a, name, b) => {
        expect(disclosureProblems(`${a}${name}${b}`, [name])).not.toContain(name)
      }),
    )
  })
})
