import { describe, expect, it } from 'vitest'
import { parseRuleSpec } from './rule-spec'
import type { RuleInput, Suggestion } from './rules'
import { pointsText, ruleProblems, suggestScore } from './rules'
import type { Direction, RuleType, ScoringRule } from './tree'

function rule(type: RuleType, params: string): ScoringRule {
  const r = parseRuleSpec(type, params)
  if (!r.ok) throw new Error(r.message)
  return r.rule
}

// Real rules from the 2020 common framework (frameworks.yaml) and the 2013 department framework.
const A101 = rule('element', '份额=25,25,25,25,0;否决要点=5') // 立项依据充分性, 3 分
const A102 = rule('element', '份额=33.33,33.33,33.34') // 立项程序规范性, 2 分
const B102 = rule('formula', '分子=实际支出资金;分母=实际到位资金') // 预算执行率, 5 分
const B103 = rule('deduction', '计数=不合规事项;每项扣分=1;否决=存在截留、挤占、挪用、虚列支出') // 资金使用合规性, 4 分
const C401 = rule('deduction', '计数=超支百分点;每项扣比例=5') // 成本节约率, 6 分
const BUDGET_ADJUSTMENT = rule('tier', '指标=预算调整率;分档=0:100,10:66.67,20:33.33,30:16.67;其余=0') // 反向, 3 分
const D101 = rule('qualitative', '档位=达成:80-100,部分达成:60-80,未达成:0-60') // 实施效益, 20 分
const D102 = rule('survey', '目标=90') // 满意度, 10 分

// What Number('1e309') from a form gives: Infinity.
const OVERFLOW = Number('1e309')

function score(s: Suggestion): number {
  if (!s.ok) throw new Error(`expected a score, got ${s.message}`)
  return s.score
}

function reasoning(s: Suggestion): string {
  if (!s.ok) throw new Error(`expected a score, got ${s.message}`)
  return s.reasoning
}

function refusal(s: Suggestion): string {
  if (s.ok) throw new Error(`expected a refusal, got ${s.score}: ${s.reasoning}`)
  return s.message
}

const suggest = (
  r: ScoringRule,
  weight: number,
  input: RuleInput,
  direction: Direction = 'positive',
  name?: string,
) => suggestScore(r, weight, direction, input, name)

describe('pointsText', () => {
  it('trims trailing zeros after formatPoints', () => {
    expect([1500, 1250, 483, 0, 10000, 5, 1005].map(pointsText)).toEqual([
      '15',
      '12.5',
      '4.83',
      '0',
      '100',
      '0.05',
      '10.05',
    ])
  })
})

describe('element (A101 立项依据充分性, 3 分)', () => {
  it('sums the shares of the passed points', () => {
    const all = suggest(A101, 300, { type: 'element', passed: [true, true, true, true, true] })
    expect(score(all)).toBe(300)
    expect(reasoning(all)).toBe('满足要点①②③④⑤，份额合计 100.00%；得分 = 3 × 100.00% = 3 分')
    expect(score(suggest(A101, 300, { type: 'element', passed: [true, false, true, true, true] }))).toBe(225)
  })

  it('a failed veto point sets 0', () => {
    const vetoed = suggest(A101, 300, { type: 'element', passed: [true, true, true, true, false] })
    expect(score(vetoed)).toBe(0)
    expect(reasoning(vetoed)).toBe('要点⑤不满足，本指标得0分')
  })

  it('rounds thirds once, half away from zero', () => {
    expect(score(suggest(A102, 200, { type: 'element', passed: [true, false, false] }))).toBe(67) // 66.66
    expect(score(suggest(A102, 200, { type: 'element', passed: [true, true, false] }))).toBe(133) // 133.32
    expect(score(suggest(A102, 200, { type: 'element', passed: [false, true, true] }))).toBe(133) // 133.34
    expect(score(suggest(rule('element', '份额=50,50'), 1, { type: 'element', passed: [true, false] }))).toBe(
      1,
    ) // 0.5
    expect(reasoning(suggest(A102, 200, { type: 'element', passed: [false, false, false] }))).toBe(
      '未满足任何评价要点；得分 = 0 分',
    )
  })

  it('refuses a judgement list that does not match the points', () => {
    expect(refusal(suggest(A101, 300, { type: 'element', passed: [true, true] }))).toBe(
      '评价要点共 5 个，录入了 2 个要点的判断',
    )
    expect(refusal(suggest(A101, 300, { type: 'element', passed: null as unknown as boolean[] }))).toBe(
      '评价要点共 5 个，录入了 0 个要点的判断',
    )
  })
})

describe('formula (B102 预算执行率, 5 分)', () => {
  it('scores weight × rate and shows the computation', () => {
    const s = suggest(
      B102,
      500,
      { type: 'formula', numerator: 96.5, denominator: 100 },
      'positive',
      '预算执行率',
    )
    expect(score(s)).toBe(483) // 482.5 rounds up
    expect(reasoning(s)).toBe(
      '预算执行率 = 实际支出资金 / 实际到位资金 = 96.5 / 100 = 96.50%；得分 = 5 × 96.50% = 4.83 分',
    )
  })

  it('caps the rate at 100%', () => {
    const s = suggest(B102, 500, { type: 'formula', numerator: 1_200_000, denominator: 1_000_000 })
    expect(score(s)).toBe(500)
    expect(reasoning(s)).toBe(
      '比率 = 实际支出资金 / 实际到位资金 = 1200000 / 1000000 = 120.00%，超过 100% 按 100% 计；得分 = 5 × 100.00% = 5 分',
    )
  })

  it('zero below the threshold, full score from it', () => {
    const r = rule('formula', '分子=实际到位资金;分母=预算资金;低于则零分=60')
    expect(reasoning(suggest(r, 300, { type: 'formula', numerator: 59.99, denominator: 100 }))).toBe(
      '比率 = 实际到位资金 / 预算资金 = 59.99 / 100 = 59.99%，低于 60%，本指标得0分',
    )
    expect(score(suggest(r, 300, { type: 'formula', numerator: 3, denominator: 5 }))).toBe(180)
  })

  it('反向: at or below target is full, above it scores target / actual', () => {
    const cost = rule('formula', '分子=实际成本;分母=计划成本')
    const under = suggest(cost, 600, { type: 'formula', numerator: 90, denominator: 100 }, 'negative')
    expect(score(under)).toBe(600)
    expect(reasoning(under)).toBe(
      '实际成本 90 ≤ 计划成本 100（反向指标），按 100% 计；得分 = 6 × 100.00% = 6 分',
    )
    const over = suggest(
      cost,
      600,
      { type: 'formula', numerator: 110, denominator: 100 },
      'negative',
      '成本控制率',
    )
    expect(score(over)).toBe(545) // 545.45
    expect(reasoning(over)).toBe(
      '成本控制率 = 计划成本 / 实际成本 = 100 / 110 = 90.91%（反向指标）；得分 = 6 × 90.91% = 5.45 分',
    )
    expect(score(suggest(cost, 600, { type: 'formula', numerator: 0, denominator: 0 }, 'negative'))).toBe(600)
    expect(score(suggest(cost, 600, { type: 'formula', numerator: 5, denominator: 0 }, 'negative'))).toBe(0)
  })

  it('prints absurd rates instead of failing on them', () => {
    const huge = suggest(B102, 500, { type: 'formula', numerator: 1e300, denominator: Number.MIN_VALUE })
    expect(score(huge)).toBe(500)
    expect(reasoning(huge)).toBe(
      '比率 = 实际支出资金 / 实际到位资金 = 1e+300 / 4.94e-324 = 无穷大，超过 100% 按 100% 计；得分 = 5 × 100.00% = 5 分',
    )
    const large = suggest(B102, 500, { type: 'formula', numerator: 1e12, denominator: 0.5 })
    expect(reasoning(large)).toContain('= 1000000000000 / 0.5 = 2.00e+14%，超过 100% 按 100% 计')
    expect(
      reasoning(suggest(B102, 500, { type: 'formula', numerator: 0.1 + 0.2, denominator: 1 })),
    ).toContain('= 0.3 / 1 = 30.00%')
  })

  it('refuses bad amounts', () => {
    const f = (numerator: number, denominator: number) =>
      refusal(suggest(B102, 500, { type: 'formula', numerator, denominator }))
    expect(f(1, 0)).toBe('「实际到位资金」为 0，无法计算比率')
    expect(f(Number.NaN, 1)).toBe('「实际支出资金」须为有效数字')
    expect(f(1, Number.POSITIVE_INFINITY)).toBe('「实际到位资金」须为有效数字')
    expect(f(OVERFLOW, 1)).toBe('「实际支出资金」须为有效数字')
    expect(f(-1, 100)).toBe('「实际支出资金」不能为负数')
    expect(f('96' as unknown as number, 100)).toBe('「实际支出资金」须为有效数字')
    expect(score(suggest(B102, 500, { type: 'formula', numerator: -0, denominator: 100 }))).toBe(0)
  })
})

describe('tier (预算调整率, 反向, 3 分: 0→3; ≤10%→2; ≤20%→1; ≤30%→0.5; more→0)', () => {
  const at = (value: number) => score(suggest(BUDGET_ADJUSTMENT, 300, { type: 'tier', value }, 'negative'))

  it('takes the first tier at or below the bound', () => {
    expect([0, -3, 5, 10, 10.01, 15, 20, 25, 30, 30.5, 100].map(at)).toEqual([
      300, 300, 200, 200, 100, 100, 100, 50, 50, 0, 0,
    ])
    expect(reasoning(suggest(BUDGET_ADJUSTMENT, 300, { type: 'tier', value: 15 }, 'negative'))).toBe(
      '预算调整率 15 ≤ 20，得分比例 33.33%；得分 = 3 × 33.33% = 1 分',
    )
    expect(reasoning(suggest(BUDGET_ADJUSTMENT, 300, { type: 'tier', value: 31 }, 'negative'))).toBe(
      '预算调整率 31 未达到任何分档，按其余档 0.00% 计；得分 = 3 × 0.00% = 0 分',
    )
  })

  it('正向: the first tier at or above the bound, exact at decimal bounds', () => {
    const r = rule('tier', '指标=预算执行率;分档=95.1:100,90:80,80:60;其余=10')
    const at95 = (value: number) => score(suggest(r, 500, { type: 'tier', value }))
    expect([100, 95.1, 95.09, 90, 85, 80, 79.99, -5].map(at95)).toEqual([
      500, 500, 400, 400, 300, 300, 50, 50,
    ])
  })

  it('refuses a value that is not a number', () => {
    for (const value of [Number.NaN, Number.NEGATIVE_INFINITY, OVERFLOW]) {
      expect(refusal(suggest(BUDGET_ADJUSTMENT, 300, { type: 'tier', value }, 'negative'))).toBe(
        '「预算调整率」须为有效数字',
      )
    }
  })
})

describe('deduction (B103 资金使用合规性, 4 分; C401 成本节约率, 6 分)', () => {
  it('deducts per finding down to 0', () => {
    expect(reasoning(suggest(B103, 400, { type: 'deduction', findings: 0, vetoed: false }))).toBe(
      '不合规事项 0 项，每项扣 1 分；得分 = 4 分',
    )
    const two = suggest(B103, 400, { type: 'deduction', findings: 2, vetoed: false })
    expect(score(two)).toBe(200)
    expect(reasoning(two)).toBe('不合规事项 2 项，每项扣 1 分，共扣 2 分；得分 = 4 − 2 = 2 分')
    const five = suggest(B103, 400, { type: 'deduction', findings: 5, vetoed: false })
    expect(score(five)).toBe(0)
    expect(reasoning(five)).toBe('不合规事项 5 项，每项扣 1 分，共扣 4 分，扣完为止；得分 = 4 − 4 = 0 分')
  })

  it('a veto finding sets 0', () => {
    expect(reasoning(suggest(B103, 400, { type: 'deduction', findings: 0, vetoed: true }))).toBe(
      '存在否决情形（存在截留、挤占、挪用、虚列支出），本指标得0分',
    )
  })

  it('percent of the weight per finding', () => {
    const s = suggest(C401, 600, { type: 'deduction', findings: 3, vetoed: false })
    expect(score(s)).toBe(510)
    expect(reasoning(s)).toBe('超支百分点 3 项，每项扣分值的 5%，共扣 0.9 分；得分 = 6 − 0.9 = 5.1 分')
    expect(score(suggest(C401, 600, { type: 'deduction', findings: 25, vetoed: false }))).toBe(0)
  })

  it('refuses bad counts and a veto the rule does not have', () => {
    for (const findings of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(refusal(suggest(B103, 400, { type: 'deduction', findings, vetoed: false }))).toBe(
        '「不合规事项」须为不小于 0 的整数',
      )
    }
    expect(refusal(suggest(C401, 600, { type: 'deduction', findings: 0, vetoed: true }))).toBe(
      '本指标的计分规则未设否决情形',
    )
  })
})

describe('qualitative (D101 实施效益, 20 分)', () => {
  const q = (band: number, sharePercent?: number) =>
    suggest(D101, 2000, { type: 'qualitative', band, sharePercent })

  it('takes the band maximum unless a share inside the band is given', () => {
    expect(reasoning(q(0))).toBe(
      '评定为「达成」（80%–100%），按该档上限 100% 计；得分 = 20 × 100.00% = 20 分',
    )
    expect(score(q(1))).toBe(1600)
    expect(reasoning(q(1, 75))).toBe('评定为「部分达成」（60%–80%），按 75% 计；得分 = 20 × 75.00% = 15 分')
    expect(score(q(2, 0))).toBe(0)
    expect(score(q(2, 60))).toBe(1200)
    expect(score(q(0, 80.01))).toBe(1600) // 1600.2
    expect(score(q(1, 60.03))).toBe(1201) // 1200.6
  })

  it('refuses a band out of range and a share outside the chosen band', () => {
    for (const band of [-1, 3, 0.5, Number.NaN]) expect(refusal(q(band))).toBe('请选择评定档位（共 3 档）')
    expect(refusal(q(1, 60))).toBe('得分比例 60% 不在「部分达成」档（60%–80%）内')
    expect(refusal(q(0, 100.01))).toBe('得分比例 100.01% 不在「达成」档（80%–100%）内')
    expect(refusal(q(2, -0.5))).toBe('得分比例 -0.5% 不在「未达成」档（0%–60%）内')
    expect(refusal(q(0, Number.NaN))).toBe('「得分比例」须为有效数字')
  })
})

describe('survey (D102 满意度, 10 分, 目标 90%)', () => {
  const s = (satisfied: number, valid: number) => suggest(D102, 1000, { type: 'survey', satisfied, valid })

  it('full at or above target, else proportional to it', () => {
    expect(reasoning(s(95, 100))).toBe('满意度 = 95 / 100 = 95.00%，达到目标 90%；得分 = 10 分（满分）')
    expect(score(s(90, 100))).toBe(1000)
    expect(reasoning(s(85, 100))).toBe(
      '满意度 = 85 / 100 = 85.00%，低于目标 90%；得分 = 10 × 85.00% / 90% = 9.44 分',
    )
    expect(score(s(0, 10))).toBe(0)
  })

  it('refuses impossible samples', () => {
    expect(refusal(s(0, 0))).toBe('有效样本数为 0，无法计算满意度')
    expect(refusal(s(101, 100))).toBe('满意样本数（101）不能多于有效样本数（100）')
    expect(refusal(s(-1, 100))).toBe('「满意样本数」不能为负数')
    expect(refusal(s(1, Number.NaN))).toBe('「有效样本数」须为有效数字')
  })
})

describe('suggestScore: guards', () => {
  it('refuses an input of another rule type and a bad weight', () => {
    expect(refusal(suggest(B102, 500, { type: 'tier', value: 1 }))).toBe(
      '录入的数据与计分规则不一致（本指标为「公式计分」）',
    )
    expect(refusal(suggest(B102, 500, null as unknown as RuleInput))).toMatch(/不一致/)
    for (const weight of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal(suggest(D102, weight, { type: 'survey', satisfied: 1, valid: 1 }))).toBe('指标分值无效')
    }
  })

  it('a rule with broken numbers yields a message, not NaN', () => {
    const broken: ScoringRule = { type: 'element', shares: [Number.NaN], vetoPoints: [] }
    expect(refusal(suggest(broken, 100, { type: 'element', passed: [true] }))).toBe(
      '计分规则参数无效，无法计算得分',
    )
    const unknown = { type: 'magic' } as unknown as ScoringRule
    expect(refusal(suggest(unknown, 100, { type: 'magic' } as unknown as RuleInput))).toBe(
      '未知的计分规则类型',
    )
  })

  it('keeps an out-of-spec rule inside [0, weight]', () => {
    const tooMuch: ScoringRule = { type: 'element', shares: [8000, 8000], vetoPoints: [] }
    expect(score(suggest(tooMuch, 300, { type: 'element', passed: [true, true] }))).toBe(300)
  })
})

describe('ruleProblems', () => {
  const positive = { points: ['①', '②', '③', '④', '⑤'], direction: 'positive' as Direction }
  const problems = (r: ScoringRule, node = positive) => ruleProblems(r, node)

  it('accepts the real rules', () => {
    for (const r of [A101, B102, B103, C401, D101, D102]) expect(problems(r)).toEqual([])
    expect(problems(BUDGET_ADJUSTMENT, { points: [], direction: 'negative' })).toEqual([])
    expect(problems(A102, { points: ['a', 'b', 'c'], direction: 'positive' })).toEqual([])
  })

  it('element: counts, sums and veto indexes', () => {
    expect(problems(rule('element', '份额=25,25,25,25'))).toEqual(['份额个数（4）与评价要点个数（5）不一致'])
    expect(problems(rule('element', '份额=20,20,20,20,10'))).toEqual(['份额合计 90%，应为 100%'])
    expect(problems(rule('element', '份额=20,20,20,20,120'))).toEqual([
      '每个要点的份额须在 0% 到 100% 之间（最多两位小数）',
    ])
    expect(problems(rule('element', '份额=20,20,20,20,20;否决要点=6,5,5'))).toEqual([
      '否决要点 6 超出评价要点个数（5）',
      '否决要点⑤重复',
    ])
    expect(problems(rule('element', '份额=100'), { points: [], direction: 'positive' })).toEqual([
      '要素计分须先填写评价要点',
    ])
  })

  it('formula: parameter texts and the threshold', () => {
    expect(problems({ type: 'formula', numerator: '', denominator: 'a,b', zeroBelowPercent: 10001 })).toEqual(
      [
        '参数「分子」不能为空',
        '参数「分母」不能包含分隔符 ; = , :（含全角）',
        '「低于则零分」须在 0% 到 100% 之间',
      ],
    )
    expect(problems({ type: 'formula', numerator: ' a', denominator: 'b', zeroBelowPercent: null })).toEqual([
      '参数「分子」首尾不能有空格',
    ])
  })

  it('tier: monotonic bounds for the direction, non-increasing shares, 其余 not above the last', () => {
    const t = (params: string, direction: Direction = 'positive') =>
      problems(rule('tier', params), { points: [], direction })
    expect(t('指标=预算执行率;分档=90:80,95:100')).toEqual([
      '分档临界值须依次递减（正向指标）',
      '分档得分比例须逐档不增（越靠前的档位得分越高）',
    ])
    expect(t('指标=预算执行率;分档=95:100,95:80')).toEqual(['分档临界值须依次递减（正向指标）'])
    expect(t('指标=预算执行率;分档=95:100,90:80;其余=0', 'negative')).toEqual([
      '分档临界值须依次递增（反向指标）',
    ])
    expect(t('指标=x;分档=95:100,90:80;其余=90')).toEqual(['「其余」得分比例（90%）不能高于最后一档（80%）'])
    expect(t('指标=x;分档=95:120')).toEqual(['分档得分比例须在 0% 到 100% 之间（最多两位小数）'])
    expect(problems({ type: 'tier', measure: 'x', tiers: [], otherwiseShare: 0 })).toEqual([
      '分档计分至少需要一个分档',
    ])
    expect(
      problems({ type: 'tier', measure: 'x', tiers: [{ bound: 0.5, share: 100 }], otherwiseShare: 0 }),
    ).toEqual(['分档临界值须为数字（最多两位小数）'])
  })

  it('deduction: a positive amount, a percent at most 100', () => {
    const d = (perFinding: { unit: 'points' | 'percent'; amount: number }, veto: string | null = null) =>
      problems({ type: 'deduction', counted: '不合规事项', perFinding, veto })
    expect(d({ unit: 'points', amount: 0 })).toEqual(['「每项扣分」须大于 0（最多两位小数）'])
    expect(d({ unit: 'percent', amount: 10001 })).toEqual(['「每项扣比例」不能超过 100%'])
    expect(d({ unit: 'percent', amount: 10000 }, '截留:挪用')).toEqual([
      '参数「否决」不能包含分隔符 ; = , :（含全角）',
    ])
  })

  it('qualitative: contiguous bands from 100 down to 0, best first', () => {
    const q = (params: string) => problems(rule('qualitative', params))
    expect(q('档位=未达成:0-60,部分达成:60-80,达成:80-100')).toEqual([
      '第一档「未达成」的上限须为 100%（最好的档位在前）',
      '档位须依次衔接：「未达成」的下限（0%）应等于「部分达成」的上限（80%）',
      '档位须依次衔接：「部分达成」的下限（60%）应等于「达成」的上限（100%）',
      '最后一档「达成」的下限须为 0%',
    ])
    expect(q('档位=达成:80-100,部分达成:60-75,未达成:0-60')).toEqual([
      '档位须依次衔接：「达成」的下限（80%）应等于「部分达成」的上限（75%）',
    ])
    expect(q('档位=达成:80-100,达成:0-80')).toEqual(['档位名称不能重复'])
    expect(q('档位=达成:100-100,未达成:0-100')).toEqual(['档位「达成」的下限须小于上限'])
    expect(q('档位=达成:0-101')).toEqual(['档位的上下限须在 0% 到 100% 之间（最多两位小数）'])
    expect(problems({ type: 'qualitative', bands: [] })).toEqual(['定性分档至少需要一个档位'])
    expect(problems({ type: 'qualitative', bands: [{ label: '', min: 0, max: 10000 }] })).toEqual([
      '参数「档位」不能为空',
    ])
  })

  it('survey: target in (0, 100]', () => {
    expect(problems(rule('survey', '目标=0'))).toEqual(['满意度目标须大于 0% 且不超过 100%'])
    expect(problems(rule('survey', '目标=100.01'))).toEqual(['满意度目标须大于 0% 且不超过 100%'])
    expect(problems(rule('survey', '目标=100'))).toEqual([])
  })

  it('an unknown rule type', () => {
    expect(problems({ type: 'magic' } as unknown as ScoringRule)).toEqual(['未知的计分规则类型'])
  })
})

describe('a ratio whose percentage overflows', () => {
  it('reads 无穷大, never Infinity % (fast-check seed 275404270)', () => {
    const rule = { type: 'formula', numerator: '执行数', denominator: '预算数', zeroBelowPercent: 4 } as const
    const s = suggestScore(rule, 1000, 'positive', { type: 'formula', numerator: Number.MAX_VALUE, denominator: 1 })
    expect(s.ok && s.reasoning).toBe('比率 = 执行数 / 预算数 = 1.7976931348623157e+308 / 1 = 无穷大，超过 100% 按 100% 计；得分 = 10 × 100.00% = 10 分')
  })
})
