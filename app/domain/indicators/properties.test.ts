import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatRuleSpec, parseRuleSpec, textParamProblem } from './rule-spec'
import type { RuleInput } from './rules'
import { ruleProblems, suggestScore } from './rules'
import type { Direction, IndicatorNode, IndicatorTree, Level, ScoringRule } from './tree'
import { blankIndicator, isLeaf, TOTAL_WEIGHT, walkTree } from './tree'
import { hasErrors, validateTree } from './validate'

// ---------------------------------------------------------------------------------------------
// Rules that pass ruleProblems, built valid by construction

const textChar = fc.constantFrom(
  ...'预算执行率实际支出资金到位目标值满意度不合规事项截留挪用abcXYZ019 、（）-%％·'.split(''),
)
const paramText = fc
  .oneof(
    fc.string({ unit: textChar, minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  )
  .filter((s) => textParamProblem('x', s) === null)

const percent = fc.integer({ min: 0, max: 10000 })

/** n non-negative integers summing to `total`: the gaps between n − 1 sorted cut points. */
function composition(n: number, total: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: total }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), total]
    return sorted.slice(1).map((c, i) => c - sorted[i]!)
  })
}

type RuledLeaf = { rule: ScoringRule; points: string[]; direction: Direction }

const elementLeaf: fc.Arbitrary<RuledLeaf> = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.record({
    rule: fc.record({
      type: fc.constant('element' as const),
      shares: composition(n, 10000),
      vetoPoints: fc.uniqueArray(fc.integer({ min: 1, max: n }), { maxLength: n }),
    }),
    points: fc.constant(Array.from({ length: n }, (_, i) => `要点${i + 1}`)),
    direction: fc.constantFrom<Direction>('positive', 'negative'),
  }),
)

function tierRule(direction: Direction): fc.Arbitrary<ScoringRule> {
  return fc.integer({ min: 1, max: 5 }).chain((k) =>
    fc
      .record({
        type: fc.constant('tier' as const),
        measure: paramText,
        tiers: fc
          .tuple(
            fc.uniqueArray(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: k, maxLength: k }),
            fc.array(percent, { minLength: k, maxLength: k }),
          )
          .map(([bounds, shares]) => {
            const b = bounds.sort((x, y) => (direction === 'negative' ? x - y : y - x))
            const s = shares.sort((x, y) => y - x)
            return b.map((bound, i) => ({ bound, share: s[i]! }))
          }),
        otherwiseShare: percent,
      })
      .map((r) => ({ ...r, otherwiseShare: Math.min(r.otherwiseShare, r.tiers[r.tiers.length - 1]!.share) })),
  )
}

const qualitativeRule: fc.Arbitrary<ScoringRule> = fc.integer({ min: 1, max: 4 }).chain((k) =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { minLength: k - 1, maxLength: k - 1 }),
      fc.uniqueArray(paramText, { minLength: k, maxLength: k }),
    )
    .map(([cuts, labels]) => {
      const edges = [10000, ...cuts.sort((a, b) => b - a), 0]
      return {
        type: 'qualitative' as const,
        bands: labels.map((label, i) => ({ label, min: edges[i + 1]!, max: edges[i]! })),
      }
    }),
)

function ruleFor(direction: Direction): fc.Arbitrary<ScoringRule> {
  return fc.oneof(
    fc.record({
      type: fc.constant('formula' as const),
      numerator: paramText,
      denominator: paramText,
      zeroBelowPercent: fc.option(percent, { nil: null }),
    }),
    tierRule(direction),
    fc.record({
      type: fc.constant('deduction' as const),
      counted: paramText,
      perFinding: fc.oneof(
        fc.record({ unit: fc.constant('points' as const), amount: fc.integer({ min: 1, max: 1_000_000 }) }),
        fc.record({ unit: fc.constant('percent' as const), amount: fc.integer({ min: 1, max: 10000 }) }),
      ),
      veto: fc.option(paramText, { nil: null }),
    }),
    qualitativeRule,
    fc.record({ type: fc.constant('survey' as const), targetPercent: fc.integer({ min: 1, max: 10000 }) }),
  )
}

const otherLeaf: fc.Arbitrary<RuledLeaf> = fc
  .constantFrom<Direction>('positive', 'negative')
  .chain((direction) => ruleFor(direction).map((rule) => ({ rule, points: [], direction })))

const ruledLeaf = fc.oneof(elementLeaf, otherLeaf)

// ---------------------------------------------------------------------------------------------
// Inputs

const amount = fc.double({ min: 0, max: 1e12, noNaN: true })

/** A well-typed input of the rule's own type, with values a form could plausibly carry. */
function inputFor(rule: ScoringRule): fc.Arbitrary<RuleInput> {
  switch (rule.type) {
    case 'element':
      return fc
        .array(fc.boolean(), { minLength: rule.shares.length, maxLength: rule.shares.length })
        .map((passed) => ({ type: 'element', passed }))
    case 'formula':
      return fc.record({ type: fc.constant('formula' as const), numerator: amount, denominator: amount })
    case 'tier':
      return fc.record({
        type: fc.constant('tier' as const),
        value: fc.double({ min: -2e4, max: 2e4, noNaN: true }),
      })
    case 'deduction':
      return fc.record({
        type: fc.constant('deduction' as const),
        findings: fc.nat(1000),
        vetoed: fc.boolean(),
      })
    case 'qualitative':
      return fc.record(
        {
          type: fc.constant('qualitative' as const),
          band: fc.nat(rule.bands.length - 1),
          sharePercent: fc.double({ min: 0, max: 100, noNaN: true }),
        },
        { requiredKeys: ['type', 'band'] },
      )
    case 'survey':
      return fc
        .tuple(fc.nat(100_000), fc.nat(100_000))
        .map(([a, b]) => ({ type: 'survey' as const, satisfied: Math.min(a, b), valid: Math.max(a, b) }))
  }
}

const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(
    Number.NaN,
    -0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number('1e309'),
    -1,
    -1e300,
    Number.MAX_VALUE,
    2 ** 53,
  ),
  fc.integer({ min: -100, max: 100 }),
)

/** Any input shape, often of another rule type, with hostile numbers everywhere. */
const hostileInput: fc.Arbitrary<RuleInput> = fc.oneof(
  fc.array(fc.boolean(), { maxLength: 8 }).map((passed) => ({ type: 'element' as const, passed })),
  fc.record({ type: fc.constant('formula' as const), numerator: hostileNumber, denominator: hostileNumber }),
  fc.record({ type: fc.constant('tier' as const), value: hostileNumber }),
  fc.record({ type: fc.constant('deduction' as const), findings: hostileNumber, vetoed: fc.boolean() }),
  fc.record({
    type: fc.constant('qualitative' as const),
    band: hostileNumber,
    sharePercent: fc.option(hostileNumber, { nil: undefined }),
  }),
  fc.record({ type: fc.constant('survey' as const), satisfied: hostileNumber, valid: hostileNumber }),
)

// ---------------------------------------------------------------------------------------------
// Weighted trees whose weights are consistent by construction: leaf weights are a composition of
// 100 points into positive parts, and every parent is the sum of its children.

type Shape = number[][][] // roots → level-2 → level-3, each level-3 the number of level-4 children (0: leaf)

const shape: fc.Arbitrary<Shape> = fc.array(
  fc.array(fc.array(fc.nat(2), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  {
    minLength: 1,
    maxLength: 4,
  },
)

function leafCount(s: Shape): number {
  return s.flat(2).reduce((sum, n) => sum + Math.max(1, n), 0)
}

function buildTree(s: Shape, leafWeights: number[], leaves: RuledLeaf[]): IndicatorTree {
  let next = 0
  const make = (level: Level, code: string, childCounts: (() => IndicatorNode)[]): IndicatorNode => {
    const node = blankIndicator(level, code, `指标${code}`)
    if (childCounts.length === 0) {
      const leaf = leaves[next]!
      node.weight = leafWeights[next]!
      node.rule = leaf.rule
      node.points = leaf.points
      node.direction = leaf.direction
      next++
    } else {
      node.children = childCounts.map((child) => child())
      node.weight = node.children.reduce((sum, c) => sum + c.weight, 0)
    }
    return node
  }
  const roots = s.map((l2s, i) =>
    make(
      1,
      `N${i}`,
      l2s.map(
        (l3s, j) => () =>
          make(
            2,
            `N${i}-${j}`,
            l3s.map(
              (l4, k) => () =>
                make(
                  3,
                  `N${i}-${j}-${k}`,
                  Array.from({ length: l4 }, (_, m) => () => make(4, `N${i}-${j}-${k}-${m}`, [])),
                ),
            ),
          ),
      ),
    ),
  )
  return { weighted: true, roots }
}

const validTree: fc.Arbitrary<IndicatorTree> = shape.chain((s) => {
  const m = leafCount(s)
  return fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: TOTAL_WEIGHT - 1 }), { minLength: m - 1, maxLength: m - 1 }),
      fc.array(ruledLeaf, { minLength: m, maxLength: m }),
    )
    .map(([cuts, leaves]) => {
      const edges = [0, ...cuts.sort((a, b) => a - b), TOTAL_WEIGHT]
      return buildTree(
        s,
        edges.slice(1).map((e, i) => e - edges[i]!),
        leaves,
      )
    })
})

function nodesOf(tree: IndicatorTree): IndicatorNode[] {
  return walkTree(tree).map((w) => w.node)
}

// ---------------------------------------------------------------------------------------------

describe('properties', () => {
  it('(1) for a valid weighted tree, the suggested total stays within [0, 100]', () => {
    const withInputs = validTree.chain((tree) => {
      const leaves = nodesOf(tree).filter(isLeaf)
      return fc.tuple(fc.constant(tree), fc.tuple(...leaves.map((leaf) => inputFor(leaf.rule!))))
    })
    fc.assert(
      fc.property(withInputs, ([tree, inputs]) => {
        expect(validateTree(tree).filter((i) => i.severity === 'error')).toEqual([])
        const leaves = nodesOf(tree).filter(isLeaf)
        let total = 0
        leaves.forEach((leaf, i) => {
          const s = suggestScore(leaf.rule!, leaf.weight, leaf.direction, inputs[i]!)
          if (s.ok) {
            expect(Number.isSafeInteger(s.score)).toBe(true)
            expect(s.score).toBeGreaterThanOrEqual(0)
            expect(s.score).toBeLessThanOrEqual(leaf.weight)
            total += s.score
          }
        })
        expect(total).toBeGreaterThanOrEqual(0)
        expect(total).toBeLessThanOrEqual(TOTAL_WEIGHT)
      }),
    )
  })

  it('(2) every rule that passes ruleProblems suggests a score within [0, weight], whatever the input', () => {
    const weight = fc.oneof(fc.integer({ min: 0, max: 10000 }), fc.constantFrom(0, 1, 10000))
    const anyInput = (rule: ScoringRule) => fc.oneof(inputFor(rule), hostileInput)
    fc.assert(
      fc.property(
        ruledLeaf.chain((leaf) => fc.tuple(fc.constant(leaf), weight, anyInput(leaf.rule))),
        ([leaf, w, input]) => {
          expect(ruleProblems(leaf.rule, leaf)).toEqual([])
          const s = suggestScore(leaf.rule, w, leaf.direction, input)
          if (s.ok) {
            expect(Number.isSafeInteger(s.score)).toBe(true)
            expect(Object.is(s.score, -0)).toBe(false)
            expect(s.score).toBeGreaterThanOrEqual(0)
            expect(s.score).toBeLessThanOrEqual(w)
            expect(s.reasoning).not.toMatch(/NaN|Infinity|undefined/)
          } else {
            expect(s.message).toMatch(/[\u4e00-\u9fff]/)
          }
        },
      ),
    )
  })

  it('(3) validation reports a weight error exactly where the sums are wrong', () => {
    const mutated = validTree.chain((tree) =>
      fc.tuple(
        fc.constant(tree),
        fc.array(
          fc.record({ index: fc.nat(), weight: fc.oneof(fc.nat(10000), fc.constant(0), fc.nat(100)) }),
          { maxLength: 4 },
        ),
      ),
    )
    fc.assert(
      fc.property(mutated, ([tree, changes]) => {
        const nodes = nodesOf(tree)
        for (const { index, weight } of changes) nodes[index % nodes.length]!.weight = weight

        // The expected verdict, computed from the definition rather than by the validator's code.
        const expected = new Set<string | null>()
        const rootSum = tree.roots.reduce((sum, r) => sum + r.weight, 0)
        if (rootSum !== TOTAL_WEIGHT) expected.add(null)
        for (const n of nodes) {
          if (
            n.children.length === 0
              ? n.weight <= 0
              : n.children.reduce((sum, c) => sum + c.weight, 0) !== n.weight
          )
            expected.add(n.code)
        }

        const issues = validateTree(tree)
        const reported = new Set(
          issues.filter((i) => i.severity === 'error' && i.field === 'weight').map((i) => i.code),
        )
        expect([...reported].sort()).toEqual([...expected].sort())
        expect(hasErrors(issues)).toBe(expected.size > 0)
      }),
    )
  })

  it('(4) parse ∘ format is the identity on valid rules, whatever separators the user typed', () => {
    const variants: Record<string, string[]> = {
      ';': [';', '；', ' ; '],
      '=': ['=', '＝', ' = '],
      ',': [',', '，', ', '],
      ':': [':', '：'],
    }
    fc.assert(
      fc.property(ruledLeaf, fc.infiniteStream(fc.nat()), (leaf, picks) => {
        const canonical = formatRuleSpec(leaf.rule)
        expect(parseRuleSpec(leaf.rule.type, canonical)).toEqual({ ok: true, rule: leaf.rule })
        const typed = canonical.replace(/[;=,:]/g, (c) => {
          const options = variants[c]!
          return options[picks.next().value % options.length]!
        })
        expect(parseRuleSpec(leaf.rule.type, typed)).toEqual({ ok: true, rule: leaf.rule })
      }),
    )
  })
})
