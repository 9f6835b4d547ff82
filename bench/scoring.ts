// `npm run bench:scoring`: consolidating a 7-expert panel on a 200-indicator sheet, agreement
// statistics and divergence flags included (what the lead's consolidation page computes).
// Prints timings (median / p95, milliseconds); asserts nothing. Target: median ≤ 20 ms.
import type { ScoreCell } from '../app/domain/scoring/aggregate'
import { consolidate } from '../app/domain/scoring/aggregate'
import { agreementSummary } from '../app/domain/scoring/agreement'
import { divergenceFlags } from '../app/domain/scoring/divergence'
import { sensitivity } from '../app/domain/scoring/sensitivity'
import type { IndicatorTree } from '../app/domain/indicators/tree'
import { sheet } from '../app/domain/scoring/test-sheet'

const EXPERTS = Number(process.env.BENCH_EXPERTS ?? 7)
const INDICATORS = Number(process.env.BENCH_INDICATORS ?? 200)
const RUNS = Number(process.env.BENCH_RUNS ?? 200)

/** A small deterministic generator, so every run measures the same data. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Four level-1 groups of five level-2 groups, the leaves spread over them; weights sum to 100 分. */
function makeSheet(): IndicatorTree {
  const base = Math.floor(10_000 / INDICATORS)
  const weights = Array.from(
    { length: INDICATORS },
    (_, j) => base + (j < 10_000 - base * INDICATORS ? 1 : 0),
  )
  const groupOf = (j: number) =>
    [Math.floor((j * 4) / INDICATORS), Math.floor((j * 20) / INDICATORS) % 5] as const
  const outline = Array.from({ length: 4 }, (_, a) => ({
    code: `${a + 1}`,
    weight: 0,
    children: Array.from({ length: 5 }, (_, b) => ({
      code: `${a + 1}.${b + 1}`,
      weight: 0,
      children: weights
        .map((weight, j) => ({ code: `${a + 1}.${b + 1}.${j + 1}`, weight, j }))
        .filter(({ j }) => groupOf(j)[0] === a && groupOf(j)[1] === b)
        .map(({ code, weight }) => ({ code, weight })),
    })),
  }))
  for (const l1 of outline) {
    for (const l2 of l1.children) l2.weight = l2.children.reduce((acc, leaf) => acc + leaf.weight, 0)
    l1.weight = l1.children.reduce((acc, l2) => acc + l2.weight, 0)
  }
  return sheet(outline)
}

/** Each expert has a leniency; each indicator a true rate; scores fall in 0..weight. */
function makeCells(tree: IndicatorTree): ScoreCell[] {
  const random = rng(20260601)
  const leaves = tree.roots.flatMap((l1) => l1.children.flatMap((l2) => l2.children))
  const leniency = Array.from({ length: EXPERTS }, () => (random() - 0.5) * 0.2)
  const truth = leaves.map(() => 0.6 + random() * 0.4)
  return leaves.flatMap((leaf, j) =>
    leniency.map((bias, i) => {
      const rate = Math.min(1, Math.max(0, truth[j]! + bias + (random() - 0.5) * 0.3))
      return { expertKey: `expert-${i}`, code: leaf.code, score: Math.round(rate * leaf.weight) }
    }),
  )
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: sorted[Math.floor(sorted.length / 2)]!,
    p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!,
  }
}

function time(label: string, work: () => void) {
  for (let i = 0; i < 10; i++) work()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    work()
    samples.push(performance.now() - start)
  }
  const { median, p95 } = stats(samples)
  console.log(`${label}: median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (${RUNS} runs)`)
  return median
}

function main() {
  const tree = makeSheet()
  const cells = makeCells(tree)
  const result = consolidate(tree, cells, 'trimmed')
  const agreement = agreementSummary(tree, cells)
  console.log(
    `${EXPERTS} experts × ${INDICATORS} indicators: total ${(result.total / 100).toFixed(2)} 分 (${result.grade.grade}), ` +
      `${divergenceFlags(result.leaves).length} divergence flags, Kendall W ${agreement.kendallW?.w.toFixed(3)}, ` +
      `ICC(2,1) ${agreement.icc?.icc21.toFixed(3)}, ICC(2,k) ${agreement.icc?.icc2k.toFixed(3)}`,
  )
  const median = time('consolidate + divergence + agreement statistics', () => {
    const consolidation = consolidate(tree, cells, 'trimmed')
    divergenceFlags(consolidation.leaves)
    agreementSummary(tree, cells)
  })
  console.log(`target: median ≤ 20 ms (${median <= 20 ? 'met' : 'NOT met'})`)
  time('sensitivity (every expert left out, every rule)', () => sensitivity(tree, cells, 'trimmed'))
}

main()
