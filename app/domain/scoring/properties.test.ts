import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { IndicatorTree } from '../indicators/tree'
import type { ScoreCell } from './aggregate'
import { aggregateScores, AGGREGATION_RULES, consolidate } from './aggregate'
import { icc, kendallW } from './agreement'
import { SCORING_ACTIONS, SCORING_PHASES, SCORING_VIEWERS, scoringAllows } from './phases'
import { sensitivity } from './sensitivity'
import { cellsOf, sheet } from './test-sheet'

const rule = fc.constantFrom(...AGGREGATION_RULES.map((r) => r.code))

type Panel = { tree: IndicatorTree; weights: number[]; experts: string[]; scores: number[][] }

/** 1–12 leaves under level-1 groups of up to three, 1–7 experts, every expert scoring every leaf. */
const panel: fc.Arbitrary<Panel> = fc
  .record({
    weights: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 12 }),
    expertCount: fc.integer({ min: 1, max: 7 }),
  })
  .chain(({ weights, expertCount }) =>
    fc
      .array(fc.tuple(...weights.map((w) => fc.integer({ min: 0, max: w }))), {
        minLength: expertCount,
        maxLength: expertCount,
      })
      .map((scores) => {
        const groups: number[][] = []
        weights.forEach((_, j) => (j % 3 === 0 ? groups.push([j]) : groups[groups.length - 1]!.push(j)))
        const tree = sheet(
          groups.map((group, g) => ({
            code: `G${g}`,
            weight: group.reduce((acc, j) => acc + weights[j]!, 0),
            children: group.map((j) => ({ code: `L${j}`, weight: weights[j]! })),
          })),
        )
        return { tree, weights, experts: scores.map((_, i) => `e${i}`), scores }
      }),
  )

function cellsFor({ experts, scores }: Panel): ScoreCell[] {
  return experts.flatMap((expertKey, i) =>
    scores[i]!.map((score, j) => ({ expertKey, code: `L${j}`, score })),
  )
}

const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

describe('consolidation invariants', () => {
  it('under the mean, the total lies between the lowest and highest expert totals, give or take the per-leaf rounding', () => {
    // Each leaf's mean is rounded half up on its own (ADR 004), so the sum may drift by up to half a
    // hundredth per leaf from the mean of the expert totals, which itself lies between them.
    fc.assert(
      fc.property(panel, (p) => {
        const totals = p.scores.map(sumOf)
        const { total } = consolidate(p.tree, cellsFor(p), 'mean')
        const drift = p.weights.length / 2
        expect(total).toBeGreaterThanOrEqual(Math.min(...totals) - drift)
        expect(total).toBeLessThanOrEqual(Math.max(...totals) + drift)
        expect(Math.abs(total - sumOf(totals) / totals.length)).toBeLessThanOrEqual(drift)
      }),
    )
  })

  it('under every rule, each indicator lies between its lowest and highest expert score, the total between their sums', () => {
    fc.assert(
      fc.property(panel, rule, (p, r) => {
        const result = consolidate(p.tree, cellsFor(p), r)
        const lows = p.weights.map((_, j) => Math.min(...p.scores.map((row) => row[j]!)))
        const highs = p.weights.map((_, j) => Math.max(...p.scores.map((row) => row[j]!)))
        result.leaves.forEach((leaf, j) => {
          expect(leaf.score).toBeGreaterThanOrEqual(lows[j]!)
          expect(leaf.score).toBeLessThanOrEqual(highs[j]!)
        })
        expect(result.total).toBeGreaterThanOrEqual(sumOf(lows))
        expect(result.total).toBeLessThanOrEqual(sumOf(highs))
      }),
    )
  })

  it('does not promise the expert-total bound for the median or the trimmed mean: a hand counterexample', () => {
    // Every expert totals 10.00, each on a different indicator; each indicator's median is 0.
    const tree = sheet([
      { code: 'G', weight: 3000, children: ['X', 'Y', 'Z'].map((code) => ({ code, weight: 1000 })) },
    ])
    const cells = cellsOf({
      a: { X: 1000, Y: 0, Z: 0 },
      b: { X: 0, Y: 1000, Z: 0 },
      c: { X: 0, Y: 0, Z: 1000 },
    })
    expect(consolidate(tree, cells, 'median').total).toBe(0)
    // The mean keeps 10.00 before rounding; each leaf's 3.333… rounds to 3.33, hence the drift allowance.
    expect(consolidate(tree, cells, 'mean').total).toBe(999)
  })

  it('never changes a unanimous indicator, trimming included', () => {
    fc.assert(
      fc.property(
        rule,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 100_000 }),
        (r, n, score) => {
          expect(
            aggregateScores(
              r,
              Array.from({ length: n }, () => score),
            ),
          ).toBe(score)
        },
      ),
    )
  })

  it('trims nothing below five scores', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 4 }), (scores) => {
        expect(aggregateScores('trimmed', scores)).toBe(aggregateScores('mean', scores))
      }),
    )
  })

  it('keeps every aggregated score within 0..weight, with gaps in the panel', () => {
    fc.assert(
      fc.property(panel, rule, fc.array(fc.boolean(), { maxLength: 84 }), (p, r, drops) => {
        const cells = cellsFor(p).filter((_, index) => !drops[index])
        const result = consolidate(p.tree, cells, r)
        for (const leaf of result.leaves) {
          expect(Number.isSafeInteger(leaf.score)).toBe(true)
          expect(leaf.score).toBeGreaterThanOrEqual(0)
          expect(leaf.score).toBeLessThanOrEqual(leaf.weight)
        }
        const present = new Set(cells.map((cell) => cell.expertKey)).size
        expect(result.leaves.length * present).toBe(cells.length + result.missing.length)
      }),
    )
  })

  it('adds up: level-1 subtotals sum to the total, the total to the rounded leaves', () => {
    fc.assert(
      fc.property(panel, rule, (p, r) => {
        const result = consolidate(p.tree, cellsFor(p), r)
        expect(result.total).toBe(sumOf(result.leaves.map((leaf) => leaf.score)))
        expect(sumOf(result.subtotals.filter((s) => s.level === 1).map((s) => s.score))).toBe(result.total)
      }),
    )
  })

  it('reports the declared rule in sensitivity exactly as the base result', () => {
    fc.assert(
      fc.property(panel, rule, (p, r) => {
        const result = sensitivity(p.tree, cellsFor(p), r)
        const declared = result.byRule.find((entry) => entry.rule === r)!
        expect([declared.total, declared.grade, declared.gradeChanges]).toEqual([
          result.base.total,
          result.base.grade,
          false,
        ])
        expect(result.leaveOneOut).toHaveLength(p.experts.length < 2 ? 0 : p.experts.length)
      }),
    )
  })
})

/** Unbounded raw matrices: integers far from zero, at least 2 × 2. */
const rawMatrix = fc
  .record({ rows: fc.integer({ min: 2, max: 8 }), cols: fc.integer({ min: 2, max: 7 }) })
  .chain(({ rows, cols }) =>
    fc.array(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: cols, maxLength: cols }), {
      minLength: rows,
      maxLength: rows,
    }),
  )

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(a), Math.abs(b))

describe('agreement invariants', () => {
  it('leaves the ICC unchanged when a constant is added to every score', () => {
    fc.assert(
      fc.property(rawMatrix, fc.integer({ min: -1_000_000, max: 1_000_000 }), (matrix, shift) => {
        const before = icc(matrix)
        const after = icc(matrix.map((row) => row.map((x) => x + shift)))
        if (before === null || after === null) {
          expect(after).toBe(before)
          return
        }
        expect(close(before.icc21, after.icc21)).toBe(true)
        expect(close(before.icc2k, after.icc2k)).toBe(true)
      }),
    )
  })

  it('never puts ICC(2,1) above 1', () => {
    fc.assert(
      fc.property(rawMatrix, (matrix) => {
        const result = icc(matrix)
        if (result) expect(result.icc21).toBeLessThanOrEqual(1 + 1e-12)
      }),
    )
  })

  it('keeps Kendall W in 0..1 and unchanged when one expert rescales their scores', () => {
    fc.assert(
      fc.property(
        rawMatrix,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: -50, max: 50 }),
        (matrix, scale, offset) => {
          const result = kendallW(matrix)
          if (result === null) return
          expect(result.w).toBeGreaterThanOrEqual(-1e-12)
          expect(result.w).toBeLessThanOrEqual(1 + 1e-12)
          const rescaled = matrix.map((row, i) => (i === 0 ? row.map((x) => x * scale + offset) : row))
          expect(kendallW(rescaled)!.w).toBeCloseTo(result.w, 12)
        },
      ),
    )
  })

  it('gives W = 1 when every expert orders the indicators the same way without ties', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 2, maxLength: 10 }),
        fc.integer({ min: 2, max: 7 }),
        (row, experts) => {
          const matrix = Array.from({ length: experts }, (_, i) => row.map((x) => x + i))
          expect(kendallW(matrix)!.w).toBeCloseTo(1, 12)
        },
      ),
    )
  })
})

describe('phase table invariants', () => {
  const phase = fc.constantFrom(...SCORING_PHASES)
  const viewer = fc.constantFrom(...SCORING_VIEWERS)
  const action = fc.constantFrom(...SCORING_ACTIONS)

  it('answers every phase × viewer × action with a boolean', () => {
    fc.assert(
      fc.property(phase, viewer, action, (p, v, a) => {
        expect(typeof scoringAllows(p, v, a)).toBe('boolean')
      }),
    )
  })

  it('never shows other experts’ scores or the consolidated result to an expert who has not submitted', () => {
    fc.assert(
      fc.property(phase, fc.constantFrom('see_other_expert_scores', 'see_consolidated' as const), (p, a) => {
        expect(scoringAllows(p, 'expert_other_unsubmitted', a)).toBe(false)
      }),
    )
  })

  it('never shows per-expert scores to finance or the evaluated unit, nor anyone but the lead during scoring', () => {
    fc.assert(
      fc.property(phase, viewer, (p, v) => {
        if (v === 'finance' || v === 'unit' || (p === 'scoring' && v !== 'lead')) {
          expect(scoringAllows(p, v, 'see_other_expert_scores')).toBe(false)
        }
        if (p === 'scoring' && v !== 'expert_self') expect(scoringAllows(p, v, 'see_own_scores')).toBe(false)
        if (p !== 'closed' && (v === 'finance' || v === 'unit'))
          expect(scoringAllows(p, v, 'see_consolidated')).toBe(false)
      }),
    )
  })
})
