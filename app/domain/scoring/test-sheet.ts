// Small scoring sheets for tests, built from a terse outline.
import type { IndicatorTree, Level } from '../indicators/tree'
import { blankIndicator } from '../indicators/tree'
import type { ScoreCell } from './aggregate'

export type SheetOutline = { code: string; weight: number; children?: SheetOutline[] }

export function sheet(outline: SheetOutline[]): IndicatorTree {
  const build = (item: SheetOutline, level: number): IndicatorTree['roots'][number] => ({
    ...blankIndicator(level as Level, item.code, `指标${item.code}`),
    weight: item.weight,
    children: (item.children ?? []).map((child) => build(child, level + 1)),
  })
  return { weighted: true, roots: outline.map((item) => build(item, 1)) }
}

/** Cells from { expertKey: { code: score } }, experts and codes in the order written. */
export function cellsOf(byExpert: Record<string, Record<string, number>>): ScoreCell[] {
  return Object.entries(byExpert).flatMap(([expertKey, scores]) =>
    Object.entries(scores).map(([code, score]) => ({ expertKey, code, score })),
  )
}

/**
 * The sheet most hand-computed tests use: 100 points over five level-3 leaves.
 *   A 决策 20 ── A1 10 ── A11 6, A12 4
 *             └─ A2 10 ── A21 10
 *   B 产出 80 ── B1 80 ── B11 50, B12 30
 */
export const SAMPLE_SHEET = sheet([
  {
    code: 'A',
    weight: 2000,
    children: [
      {
        code: 'A1',
        weight: 1000,
        children: [
          { code: 'A11', weight: 600 },
          { code: 'A12', weight: 400 },
        ],
      },
      { code: 'A2', weight: 1000, children: [{ code: 'A21', weight: 1000 }] },
    ],
  },
  {
    code: 'B',
    weight: 8000,
    children: [
      {
        code: 'B1',
        weight: 8000,
        children: [
          { code: 'B11', weight: 5000 },
          { code: 'B12', weight: 3000 },
        ],
      },
    ],
  },
])

/** Three experts on SAMPLE_SHEET; their totals are 95.00, 82.00 and 92.00. */
export const SAMPLE_SCORES = {
  e1: { A11: 600, A12: 400, A21: 1000, B11: 4500, B12: 3000 },
  e2: { A11: 500, A12: 400, A21: 800, B11: 4000, B12: 2500 },
  e3: { A11: 450, A12: 400, A21: 900, B11: 4750, B12: 2700 },
}
