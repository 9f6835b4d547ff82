import { describe, expect, it } from 'vitest'
import {
  circledNumber,
  defaultRule,
  describeRule,
  formatHundredths,
  formatRuleSpec,
  parseRuleSpec,
  parseRuleType,
} from './rule-spec'
import type { Direction, RuleType, ScoringRule } from './tree'
import { RULE_TYPES } from './tree'

function rule(type: RuleType, params: string): ScoringRule {
  const r = parseRuleSpec(type, params)
  if (!r.ok) throw new Error(`expected ${JSON.stringify(params)} to parse, got ${r.message}`)
  return r.rule
}

function refusal(type: RuleType, params: string): string {
  const r = parseRuleSpec(type, params)
  if (r.ok) throw new Error(`expected ${JSON.stringify(params)} to be refused, got ${JSON.stringify(r.rule)}`)
  return r.message
}

describe('parseRuleType', () => {
  it('accepts the code and the Chinese label, with spaces around', () => {
    for (const t of RULE_TYPES) {
      expect(parseRuleType(t.code)).toBe(t.code)
      expect(parseRuleType(` ${t.label} `)).toBe(t.code)
    }
  })

  it('refuses anything else', () => {
    for (const bad of ['', '要素', 'Element', '公式', 'toString', '__proto__', 'constructor'])
      expect(parseRuleType(bad), bad).toBeNull()
  })
})

describe('parseRuleSpec: the six rule types', () => {
  it('element: A101 shares with a veto point', () => {
    expect(rule('element', '份额=25,25,25,25,0;否决要点=5')).toEqual({
      type: 'element',
      shares: [2500, 2500, 2500, 2500, 0],
      vetoPoints: [5],
    })
    expect(rule('element', '份额=33.33,33.33,33.34')).toEqual({
      type: 'element',
      shares: [3333, 3333, 3334],
      vetoPoints: [],
    })
    expect(rule('element', '份额=40,20,20,20;否决要点=1,③')).toEqual({
      type: 'element',
      shares: [4000, 2000, 2000, 2000],
      vetoPoints: [1, 3],
    })
    expect(rule('element', '份额=100;否决要点=')).toEqual({
      type: 'element',
      shares: [10000],
      vetoPoints: [],
    })
  })

  it('formula: B102 预算执行率, with and without a zero-below threshold', () => {
    expect(rule('formula', '分子=实际支出资金;分母=实际到位资金')).toEqual({
      type: 'formula',
      numerator: '实际支出资金',
      denominator: '实际到位资金',
      zeroBelowPercent: null,
    })
    expect(rule('formula', '分子=实际支出资金;分母=实际到位资金;低于则零分=60')).toMatchObject({
      zeroBelowPercent: 6000,
    })
  })

  it('tier: bounds in the measure unit, may be negative, 其余 defaults to 0', () => {
    expect(rule('tier', '指标=预算执行率;分档=95:100,90:80,80:60;其余=0')).toEqual({
      type: 'tier',
      measure: '预算执行率',
      tiers: [
        { bound: 9500, share: 10000 },
        { bound: 9000, share: 8000 },
        { bound: 8000, share: 6000 },
      ],
      otherwiseShare: 0,
    })
    const pairs = (params: string) => {
      const r = rule('tier', params)
      if (r.type !== 'tier') throw new Error('unreachable')
      return { tiers: r.tiers.map((t) => [t.bound, t.share]), otherwise: r.otherwiseShare }
    }
    expect(pairs('指标=预算调整率;分档=0:100,10:66.67,20:33.33,30:16.67')).toEqual({
      tiers: [
        [0, 10000],
        [1000, 6667],
        [2000, 3333],
        [3000, 1667],
      ],
      otherwise: 0,
    })
    expect(pairs('指标=三公经费变动率;分档=-5:100,-0.5:50,0:20;其余=10')).toEqual({
      tiers: [
        [-500, 10000],
        [-50, 5000],
        [0, 2000],
      ],
      otherwise: 1000,
    })
  })

  it('deduction: per finding in points or percent, optional veto text (B103)', () => {
    expect(rule('deduction', '计数=不合规事项;每项扣分=1;否决=存在截留、挤占、挪用、虚列支出')).toEqual({
      type: 'deduction',
      counted: '不合规事项',
      perFinding: { unit: 'points', amount: 100 },
      veto: '存在截留、挤占、挪用、虚列支出',
    })
    expect(rule('deduction', '计数=超支百分点;每项扣比例=5')).toEqual({
      type: 'deduction',
      counted: '超支百分点',
      perFinding: { unit: 'percent', amount: 500 },
      veto: null,
    })
    expect(rule('deduction', '计数=超出百分点;每项扣分=0.5')).toMatchObject({
      perFinding: { unit: 'points', amount: 50 },
    })
  })

  it('qualitative: D101 official bands, best first', () => {
    expect(rule('qualitative', '档位=达成:80-100,部分达成:60-80,未达成:0-60')).toEqual({
      type: 'qualitative',
      bands: [
        { label: '达成', min: 8000, max: 10000 },
        { label: '部分达成', min: 6000, max: 8000 },
        { label: '未达成', min: 0, max: 6000 },
      ],
    })
    expect(rule('qualitative', '档位=达成:80%~100%，未达成:0%～80%')).toMatchObject({
      bands: [
        { label: '达成', min: 8000, max: 10000 },
        { label: '未达成', min: 0, max: 8000 },
      ],
    })
  })

  it('survey: D102 target', () => {
    expect(rule('survey', '目标=90')).toEqual({ type: 'survey', targetPercent: 9000 })
    expect(rule('survey', '目标=85.5%')).toEqual({ type: 'survey', targetPercent: 8550 })
  })
})

describe('parseRuleSpec: what users type', () => {
  it('accepts full-width separators, spaces, % and a trailing separator', () => {
    expect(rule('element', ' 份额 ＝ 25% ， 25 %，25，25，0 ； 否决要点＝⑤；')).toEqual(
      rule('element', '份额=25,25,25,25,0;否决要点=5'),
    )
    expect(rule('tier', '指标＝预算执行率；分档＝95：100，90：80；其余＝0％')).toEqual(
      rule('tier', '指标=预算执行率;分档=95:100,90:80;其余=0'),
    )
    expect(rule('survey', '目标＝90％')).toEqual({ type: 'survey', targetPercent: 9000 })
  })

  it('keeps inner spaces of text values and trims the ends', () => {
    expect(rule('formula', '分子= 实际 支出 ;分母=到位')).toMatchObject({
      numerator: '实际 支出',
      denominator: '到位',
    })
  })

  it('a % inside a text value is text, full-width or not', () => {
    expect(rule('formula', '分子=达标数％;分母=计划数%')).toMatchObject({
      numerator: '达标数％',
      denominator: '计划数%',
    })
  })

  it('never produces -0', () => {
    const parsed = rule('tier', '指标=x;分档=-0:100,-0.00:50')
    if (parsed.type !== 'tier') throw new Error('unreachable')
    expect(parsed.tiers.map((t) => Object.is(t.bound, 0))).toEqual([true, true])
  })
})

describe('parseRuleSpec: refusals in Chinese', () => {
  it('names a missing or unknown parameter', () => {
    expect(refusal('formula', '分母=实际到位资金')).toBe('缺少参数「分子」')
    expect(refusal('formula', '分子=;分母=实际到位资金')).toBe('缺少参数「分子」')
    expect(refusal('survey', '')).toBe('缺少参数「目标」')
    expect(refusal('qualitative', '  ')).toBe('缺少参数「档位」')
    expect(refusal('tier', '指标=x;其余=0')).toBe('缺少参数「分档」')
    expect(refusal('deduction', '每项扣分=1')).toBe('缺少参数「计数」')
    expect(refusal('element', '否决要点=1')).toBe('缺少参数「份额」')
    expect(refusal('survey', '目标=90;xx=1')).toBe('未知参数「xx」')
    expect(refusal('formula', '分子=a;分母=b;份额=1')).toBe('未知参数「份额」')
  })

  it('refuses a repeated parameter and a segment without =', () => {
    expect(refusal('survey', '目标=90;目标=80')).toBe('参数「目标」重复')
    expect(refusal('survey', '目标 90')).toBe('规则参数须写作「参数名=值」，以分号分隔：「目标 90」')
    expect(refusal('survey', '=90')).toMatch(/参数名=值/)
  })

  it('refuses malformed numbers', () => {
    const shares = '规则参数「份额」须为以逗号分隔的百分比'
    for (const bad of ['25,25,x', '25,,25', '-25,125', '33.333', '1e2', '0x10', '25%%']) {
      expect(refusal('element', `份额=${bad}`), bad).toBe(shares)
    }
    expect(refusal('element', '份额=100;否决要点=0')).toBe(
      '规则参数「否决要点」须为以逗号分隔的要点序号，如 5 或 1,3',
    )
    expect(refusal('element', '份额=100;否决要点=1.5')).toMatch(/否决要点/)
    expect(refusal('survey', '目标=九十')).toBe('规则参数「目标」须为百分比（不小于 0，最多两位小数）')
    expect(refusal('survey', '目标=-5')).toMatch(/不小于 0/)
    expect(refusal('formula', '分子=a;分母=b;低于则零分=6O')).toMatch(/低于则零分/)
    expect(refusal('survey', '目标=1234567890123')).toMatch(/目标/)
  })

  it('refuses malformed tiers and bands, quoting the item', () => {
    expect(refusal('tier', '指标=x;分档=95-100')).toBe(
      '规则参数「分档」须为以逗号分隔的「临界值:得分比例」，如 95:100,90:80：「95-100」',
    )
    expect(refusal('tier', '指标=x;分档=95:100:1')).toMatch(/分档/)
    expect(refusal('tier', '指标=x;分档=95:-100')).toMatch(/分档/)
    expect(refusal('tier', '指标=x;分档=95:100;其余=abc')).toMatch(/其余/)
    expect(refusal('qualitative', '档位=达成:80')).toBe(
      '规则参数「档位」须为以逗号分隔的「档位名称:下限-上限」，如 达成:80-100：「达成:80」',
    )
    expect(refusal('qualitative', '档位=达成:80-90-100')).toMatch(/档位/)
    expect(refusal('qualitative', '档位=:80-100')).toBe('参数「档位」不能为空')
  })

  it('deduction needs exactly one of points and percent', () => {
    const message = '「每项扣分」与「每项扣比例」须填写且只填写其中一项'
    expect(refusal('deduction', '计数=x')).toBe(message)
    expect(refusal('deduction', '计数=x;每项扣分=1;每项扣比例=5')).toBe(message)
    expect(refusal('deduction', '计数=x;每项扣分=一')).toBe(
      '规则参数「每项扣分」须为分值（不小于 0，最多两位小数）',
    )
    expect(refusal('deduction', '计数=x;每项扣比例=5.555')).toMatch(/每项扣比例/)
  })

  it('text values may not carry separators', () => {
    expect(refusal('formula', '分子=实际=支出;分母=b')).toBe('参数「分子」不能包含分隔符 ; = , :（含全角）')
    expect(refusal('formula', '分子=a,b;分母=b')).toMatch(/分子.*分隔符/)
    expect(refusal('formula', '分子=a;分母=b：c')).toMatch(/分母.*分隔符/)
    expect(refusal('deduction', '计数=x;每项扣分=1;否决=截留，挤占')).toMatch(/否决.*分隔符/)
  })

  it('refuses a type that is not a rule type', () => {
    expect(refusal('bogus' as RuleType, '目标=90')).toBe('未知的计分规则类型「bogus」')
    expect(refusal('toString' as RuleType, '')).toMatch(/未知的计分规则类型/)
  })
})

describe('formatRuleSpec', () => {
  it('writes the canonical form', () => {
    expect(formatRuleSpec(rule('element', '份额＝25%,25 ,25,25,0；否决要点=⑤'))).toBe(
      '份额=25,25,25,25,0;否决要点=5',
    )
    expect(formatRuleSpec(rule('element', '份额=33.33,33.33,33.34'))).toBe('份额=33.33,33.33,33.34')
    expect(formatRuleSpec(rule('formula', '分母=实际到位资金;分子=实际支出资金;低于则零分=60.50'))).toBe(
      '分子=实际支出资金;分母=实际到位资金;低于则零分=60.5',
    )
    expect(formatRuleSpec(rule('tier', '指标=预算调整率;分档=0:100,10:66.67'))).toBe(
      '指标=预算调整率;分档=0:100,10:66.67;其余=0',
    )
    expect(formatRuleSpec(rule('tier', '指标=x;分档=-0.5:100'))).toBe('指标=x;分档=-0.5:100;其余=0')
    expect(formatRuleSpec(rule('deduction', '计数=超支百分点;每项扣比例=5'))).toBe(
      '计数=超支百分点;每项扣比例=5',
    )
    expect(formatRuleSpec(rule('deduction', '否决=挪用;计数=不合规事项;每项扣分=0.25'))).toBe(
      '计数=不合规事项;每项扣分=0.25;否决=挪用',
    )
    expect(formatRuleSpec(rule('qualitative', '档位=达成:80-100,部分达成:60-80,未达成:0-60'))).toBe(
      '档位=达成:80-100,部分达成:60-80,未达成:0-60',
    )
    expect(formatRuleSpec({ type: 'survey', targetPercent: 9000 })).toBe('目标=90')
  })

  it('round-trips every default rule', () => {
    for (const t of RULE_TYPES) {
      const r = defaultRule(t.code, { points: ['a', 'b', 'c'], name: '预算执行率' })
      expect(parseRuleSpec(t.code, formatRuleSpec(r))).toEqual({ ok: true, rule: r })
    }
  })

  it('formats hundredths with at most two trimmed decimals', () => {
    expect([0, 5, 50, 100, 1250, 3333, 10000, -150, -5].map(formatHundredths)).toEqual([
      '0',
      '0.05',
      '0.5',
      '1',
      '12.5',
      '33.33',
      '100',
      '-1.5',
      '-0.05',
    ])
  })
})

describe('defaultRule', () => {
  it('element: equal shares with the remainder on the last point', () => {
    expect(defaultRule('element', { points: ['a', 'b', 'c'], name: 'x' })).toEqual({
      type: 'element',
      shares: [3333, 3333, 3334],
      vetoPoints: [],
    })
    expect(defaultRule('element', { points: ['a', 'b', 'c', 'd'], name: 'x' })).toMatchObject({
      shares: [2500, 2500, 2500, 2500],
    })
    expect(defaultRule('element', { points: Array.from({ length: 7 }, () => 'p'), name: 'x' })).toMatchObject(
      {
        shares: [1428, 1428, 1428, 1428, 1428, 1428, 1432],
      },
    )
    expect(defaultRule('element', { points: [], name: 'x' })).toMatchObject({ shares: [10000] })
  })

  it('formula, deduction, qualitative and survey defaults', () => {
    expect(defaultRule('formula', { points: [], name: 'x' })).toEqual({
      type: 'formula',
      numerator: '实际值',
      denominator: '目标值',
      zeroBelowPercent: null,
    })
    expect(defaultRule('deduction', { points: [], name: 'x' })).toEqual({
      type: 'deduction',
      counted: '不合规事项',
      perFinding: { unit: 'points', amount: 100 },
      veto: null,
    })
    expect(formatRuleSpec(defaultRule('qualitative', { points: [], name: 'x' }))).toBe(
      '档位=达成:80-100,部分达成:60-80,未达成:0-60',
    )
    expect(defaultRule('survey', { points: [], name: 'x' })).toEqual({ type: 'survey', targetPercent: 9000 })
  })

  it('tier: measured on the indicator name, mirrored for 反向 indicators', () => {
    expect(formatRuleSpec(defaultRule('tier', { points: [], name: '预算执行率' }))).toBe(
      '指标=预算执行率;分档=95:100,90:80,80:60;其余=0',
    )
    expect(
      formatRuleSpec(defaultRule('tier', { points: [], name: '劣V类水体比例', direction: 'negative' })),
    ).toBe('指标=劣V类水体比例;分档=5:100,10:80,20:60;其余=0')
    expect(defaultRule('tier', { points: [], name: '比例：a=b, c' })).toMatchObject({ measure: '比例ab c' })
    expect(defaultRule('tier', { points: [], name: ' ；' })).toMatchObject({ measure: '实际值' })
  })

  it('does not share the official bands between rules', () => {
    const a = defaultRule('qualitative', { points: [], name: 'x' })
    const b = defaultRule('qualitative', { points: [], name: 'x' })
    if (a.type !== 'qualitative' || b.type !== 'qualitative') throw new Error('unreachable')
    a.bands[0]!.min = 1
    expect(b.bands[0]!.min).toBe(8000)
  })
})

describe('describeRule', () => {
  const cases: [RuleType, string, number, Direction, string][] = [
    ['element', '份额=25,25,25,25,0;否决要点=5', 300, 'positive', '要点①–④各占25%；要点⑤不满足则本指标0分'],
    [
      'element',
      '份额=40,20,20,20;否决要点=1',
      300,
      'positive',
      '要点①占40%；要点②–④各占20%；要点①不满足则本指标0分',
    ],
    ['element', '份额=33.33,33.33,33.34', 200, 'positive', '要点①、②各占33.33%；要点③占33.34%'],
    [
      'element',
      '份额=50,0,50;否决要点=1,2,3',
      200,
      'positive',
      '要点①占50%；要点③占50%；要点①–③任一不满足则本指标0分',
    ],
    [
      'formula',
      '分子=实际支出资金;分母=实际到位资金',
      500,
      'positive',
      '得分 = 5分 × 实际支出资金 / 实际到位资金（封顶100%）',
    ],
    [
      'formula',
      '分子=实际值;分母=目标值;低于则零分=60',
      0,
      'negative',
      '得分 = 分值 × 目标值 / 实际值（封顶100%）；低于60%得0分',
    ],
    [
      'tier',
      '指标=预算执行率;分档=95:100,90:80;其余=0',
      500,
      'positive',
      '预算执行率≥95得满分，预算执行率≥90得80%，其余得0分',
    ],
    [
      'tier',
      '指标=预算调整率;分档=0:100,10:66.67',
      300,
      'negative',
      '预算调整率≤0得满分，预算调整率≤10得66.67%，其余得0分',
    ],
    [
      'deduction',
      '计数=不合规事项;每项扣分=1;否决=截留挪用',
      400,
      'positive',
      '每项不合规事项扣1分，扣完为止；存在截留挪用的本指标0分',
    ],
    ['deduction', '计数=超支百分点;每项扣比例=5', 600, 'positive', '每项超支百分点扣分值的5%，扣完为止'],
    [
      'qualitative',
      '档位=达成:80-100,部分达成:60-80,未达成:0-60',
      2000,
      'positive',
      '达成得80%–100%，部分达成得60%–80%，未达成得0%–60%',
    ],
    ['survey', '目标=90', 1000, 'positive', '满意度≥90%得满分；低于的，得分 = 10分 × 满意度 / 90%'],
  ]

  it.each(cases)('%s %s', (type, params, weight, direction, expected) => {
    expect(describeRule(rule(type, params), weight, direction)).toBe(expected)
  })

  it('numbers beyond ⑳ are written in parentheses', () => {
    expect(circledNumber(1)).toBe('①')
    expect(circledNumber(20)).toBe('⑳')
    expect(circledNumber(21)).toBe('(21)')
  })
})
