import { describe, expect, it } from 'vitest'
import { isWeightedCategory } from '../../../app/domain/indicators/framework'
import { formatRuleSpec } from '../../../app/domain/indicators/rule-spec'
import { suggestScore, type RuleInput } from '../../../app/domain/indicators/rules'
import { isLeaf, walkTree, type IndicatorNode } from '../../../app/domain/indicators/tree'
import { validateTree } from '../../../app/domain/indicators/validate'
import { equalShares, hundredths, indicatorBuilders } from './build'
import { LIBRARY_FRAMEWORKS, type LibraryFramework } from './index'

function framework(code: string): LibraryFramework {
  const found = LIBRARY_FRAMEWORKS.find((f) => f.code === code)
  if (!found) throw new Error(`no framework ${code}`)
  return found
}

const leaves = (f: LibraryFramework) => walkTree(f.tree).filter(({ node }) => isLeaf(node))
const root = (f: LibraryFramework, name: string): IndicatorNode => {
  const found = f.tree.roots.find((r) => r.name === name)
  if (!found) throw new Error(`${f.code} has no level-1 ${name}`)
  return found
}
/** The suggested score, in points, for a leaf found by name. */
function scoreOf(f: LibraryFramework, name: string, input: RuleInput): number {
  const node = leaves(f).find(({ node }) => node.name === name)?.node
  if (!node?.rule) throw new Error(`${f.code} has no leaf ${name}`)
  const suggestion = suggestScore(node.rule, node.weight, node.direction, input)
  if (!suggestion.ok) throw new Error(suggestion.message)
  return suggestion.score / 100
}

const leafCount = (node: IndicatorNode): number =>
  isLeaf(node) ? 1 : node.children.reduce((n, c) => n + leafCount(c), 0)

describe('the seeded indicator library', () => {
  it('ships every framework the issue asks for, each code once', () => {
    expect(LIBRARY_FRAMEWORKS.map((f) => f.code)).toEqual([
      'cy2020-project',
      'cy2013-project',
      'cy2013-department',
      'ex-ante-5d',
      'ex-ante-policy-5d',
      'self-eval-2020',
      'self-eval-2021-cost',
      'policy-common',
      'sector-education',
      'sector-health',
      'sector-agriculture',
      'sector-transport',
      'sector-science',
      'sector-social-security',
      'sector-ecology',
      'sector-culture-tourism',
    ])
  })

  it.each(LIBRARY_FRAMEWORKS.map((f) => [f.code, f] as const))('%s validates without errors', (_code, f) => {
    const errors = validateTree(f.tree).filter((i) => i.severity === 'error')
    expect(errors).toEqual([])
  })

  it('warns only about the 2013 department framework, whose 产出+效果 is 45', () => {
    const warnings = LIBRARY_FRAMEWORKS.flatMap((f) =>
      validateTree(f.tree)
        .filter((i) => i.severity === 'warning')
        .map((i) => ({ framework: f.code, message: i.message })),
    )
    expect(warnings).toEqual([
      {
        framework: 'cy2013-department',
        message: '产出、效果指标权重合计 45 分，原则上不低于 60 分（财预〔2020〕10号）',
      },
    ])
  })

  it.each(LIBRARY_FRAMEWORKS.map((f) => [f.code, f] as const))(
    '%s has its metadata and a rule on every leaf',
    (_code, f) => {
      expect(f.name).not.toBe('')
      expect(f.source).not.toBe('')
      expect(f.description.length).toBeGreaterThan(20)
      expect(f.tree.weighted).toBe(isWeightedCategory(f.category))
      for (const { node } of leaves(f)) {
        expect(node.level, node.code).toBe(3)
        expect(node.rule, node.code).not.toBeNull()
        expect(node.ruleText, node.code).not.toBe('')
      }
      for (const { node } of walkTree(f.tree)) {
        if (!isLeaf(node)) expect(node.rule, node.code).toBeNull()
      }
    },
  )

  it('weights are conventional except where a national text sets them', () => {
    const official = LIBRARY_FRAMEWORKS.flatMap((f) =>
      walkTree(f.tree)
        .filter(({ node }) => node.weightBasis === 'official')
        .map(({ node }) => `${f.code}:${node.name}`),
    )
    expect(official).toEqual([
      'self-eval-2020:预算执行率',
      'self-eval-2020:产出指标',
      'self-eval-2020:效益指标',
      'self-eval-2020:满意度指标',
    ])
  })
})

describe('2020 common project framework', () => {
  const cy2020 = framework('cy2020-project')

  it('weighs 决策 15 / 过程 20 / 产出 35 / 效益 30, so 产出+效益 is 65', () => {
    expect(cy2020.tree.roots.map((r) => [r.code, r.name, r.weight])).toEqual([
      ['A', '决策', 1500],
      ['B', '过程', 2000],
      ['C', '产出', 3500],
      ['D', '效益', 3000],
    ])
    expect(root(cy2020, '产出').weight + root(cy2020, '效益').weight).toBe(6500)
  })

  it('has the annex level-3 indicators with codes, explanations and official source', () => {
    const rows = leaves(cy2020).map(({ node }) => [node.code, node.name, node.weight / 100])
    expect(rows).toEqual([
      ['A101', '立项依据充分性', 3],
      ['A102', '立项程序规范性', 2],
      ['A201', '绩效目标合理性', 3],
      ['A202', '绩效指标明确性', 2],
      ['A301', '预算编制科学性', 3],
      ['A302', '资金分配合理性', 2],
      ['B101', '资金到位率', 3],
      ['B102', '预算执行率', 5],
      ['B103', '资金使用合规性', 4],
      ['B201', '管理制度健全性', 3],
      ['B202', '制度执行有效性', 5],
      ['C101', '实际完成率', 12],
      ['C201', '质量达标率', 10],
      ['C301', '完成及时性', 7],
      ['C401', '成本节约率', 6],
      ['D101', '实施效益', 20],
      ['D102', '满意度', 10],
    ])
    for (const { node } of leaves(cy2020)) {
      expect(node.explanation, node.code).not.toBe('')
      expect(node.evidence, node.code).not.toBe('')
      expect(node.source, node.code).toBe('official')
      expect(node.weightBasis, node.code).toBe('conventional')
    }
  })

  it('writes the rules the annex practice uses', () => {
    const spec = Object.fromEntries(
      leaves(cy2020).map(({ node }) => [
        node.code,
        `${node.rule?.type} ${node.rule ? formatRuleSpec(node.rule) : ''}`,
      ]),
    )
    expect(spec).toMatchObject({
      A101: 'element 份额=25,25,25,25,0;否决要点=5',
      A102: 'element 份额=33.33,33.33,33.34',
      A201: 'element 份额=40,20,20,20;否决要点=1',
      B102: 'formula 分子=实际支出资金;分母=实际到位资金',
      B103: 'deduction 计数=不合规事项;每项扣分=1;否决=存在截留、挤占、挪用、虚列支出',
      B202: 'element 份额=25,25,25,25',
      C401: 'deduction 计数=超支百分点;每项扣比例=5',
      D101: 'qualitative 档位=达成:80-100,部分达成:60-80,未达成:0-60',
      D102: 'survey 目标=90',
    })
  })

  it('gives quantitative indicators a unit and a target', () => {
    const quantitative = leaves(cy2020).filter(
      ({ node }) => node.rule?.type === 'formula' || node.rule?.type === 'survey',
    )
    expect(quantitative.map(({ node }) => node.code)).toEqual([
      'B101',
      'B102',
      'C101',
      'C201',
      'C301',
      'D102',
    ])
    for (const { node } of quantitative) {
      expect(node.unit, node.code).toBe('%')
      expect(node.target, node.code).not.toBe('')
      expect(node.formula, node.code).not.toBe('')
    }
  })
})

describe('2013 department framework', () => {
  const department = framework('cy2013-department')

  it('keeps 投入 15 / 过程 40 / 产出 20 / 效果 25', () => {
    expect(department.tree.roots.map((r) => [r.name, r.weight])).toEqual([
      ['投入', 1500],
      ['过程', 4000],
      ['产出', 2000],
      ['效果', 2500],
    ])
  })

  it('scores the budget rates the Yueyang way, as 反向 indicators', () => {
    const byName = new Map(leaves(department).map(({ node }) => [node.name, node]))
    const adjustment = byName.get('预算调整率')
    expect(adjustment?.weight).toBe(300)
    expect(adjustment?.direction).toBe('negative')
    expect(adjustment?.rule && formatRuleSpec(adjustment.rule)).toBe(
      '指标=预算调整率;分档=0:100,10:66.67,20:33.33,30:16.67;其余=0',
    )
    const threePublic = byName.get('“三公经费”变动率')
    expect(threePublic?.direction).toBe('negative')
    expect(threePublic?.rule && formatRuleSpec(threePublic.rule)).toBe('计数=超出百分点;每项扣分=0.5')
  })
})

describe('seeded rules score as their 评分标准 says', () => {
  const cy2020 = framework('cy2020-project')
  const department = framework('cy2013-department')

  it('预算调整率 (3 分, 反向): 0 → 3; ≤10% → 2; ≤20% → 1; ≤30% → 0.5; more → 0', () => {
    const score = (value: number) => scoreOf(department, '预算调整率', { type: 'tier', value })
    expect([0, 8, 10, 15, 25, 31].map(score)).toEqual([3, 2, 2, 1, 0.5, 0])
  })

  it('“三公经费”变动率: ≤0 full, 0.5 per percentage point above', () => {
    const score = (points: number) =>
      scoreOf(department, '“三公经费”变动率', { type: 'deduction', findings: points, vetoed: false })
    expect([0, 1, 4, 6, 9].map(score)).toEqual([3, 2.5, 1, 0, 0])
  })

  it('在职人员控制率 is 反向: at or under establishment is full', () => {
    const score = (staff: number) =>
      scoreOf(department, '在职人员控制率', { type: 'formula', numerator: staff, denominator: 100 })
    expect([90, 100, 120].map(score)).toEqual([3, 3, 2.5])
  })

  it('立项依据充分性: ①–④ 25% each, ⑤ failing is 0', () => {
    const score = (passed: boolean[]) => scoreOf(cy2020, '立项依据充分性', { type: 'element', passed })
    expect(score([true, true, true, false, true])).toBe(2.25)
    expect(score([true, true, true, true, false])).toBe(0)
  })

  it('成本节约率: 5% of the weight per percentage point overspent', () => {
    const score = (overspent: number) =>
      scoreOf(cy2020, '成本节约率', { type: 'deduction', findings: overspent, vetoed: false })
    expect([0, 2, 20].map(score)).toEqual([6, 5.4, 0])
  })
})

describe('self-evaluation layouts', () => {
  it('2020: 预算执行率 10 / 产出 50 / 效益 30 / 满意度 10, official at level 1', () => {
    const selfEval = framework('self-eval-2020')
    expect(selfEval.tree.roots.map((r) => [r.name, r.weight, r.weightBasis])).toEqual([
      ['预算执行率', 1000, 'official'],
      ['产出指标', 5000, 'official'],
      ['效益指标', 3000, 'official'],
      ['满意度指标', 1000, 'official'],
    ])
    const execution = leaves(selfEval)[0]!.node
    expect(execution.rule && formatRuleSpec(execution.rule)).toBe('分子=全年执行数;分母=全年预算数')
  })

  it('2021: 成本指标 becomes a level-1 category with three cost types', () => {
    const cost = root(framework('self-eval-2021-cost'), '成本指标')
    expect(cost.children.map((c) => c.name)).toEqual(['经济成本指标', '社会成本指标', '生态环境成本指标'])
  })
})

describe('ex-ante assessment', () => {
  it.each(['ex-ante-5d', 'ex-ante-policy-5d'])(
    '%s: five dimensions of 20, two sub-items of 10, items of 5',
    (code) => {
      const f = framework(code)
      expect(f.tree.roots.map((r) => r.weight)).toEqual([2000, 2000, 2000, 2000, 2000])
      for (const dimension of f.tree.roots) {
        expect(dimension.children.map((c) => c.weight)).toEqual([1000, 1000])
        for (const sub of dimension.children) expect(sub.children.map((c) => c.weight)).toEqual([500, 500])
      }
      expect(f.description).toContain('予以支持、调整完善后予以支持、不予支持')
    },
  )
})

describe('sector indicator sets', () => {
  const sectors = LIBRARY_FRAMEWORKS.filter((f) => f.category === 'sector')

  it('covers the eight sectors', () => {
    expect(sectors).toHaveLength(8)
  })

  it.each(sectors.map((f) => [f.code, f] as const))(
    '%s: 产出, 效益 and 满意度 indicators, unweighted, with units and targets',
    (_code, f) => {
      expect(f.tree.weighted).toBe(false)
      expect(leafCount(root(f, '产出指标'))).toBeGreaterThan(0)
      expect(leafCount(root(f, '效益指标'))).toBeGreaterThan(0)
      expect(leafCount(root(f, '满意度指标'))).toBeGreaterThan(0)
      expect(leaves(f).length).toBeGreaterThanOrEqual(8)
      for (const { node } of walkTree(f.tree)) {
        expect(node.weight, node.code).toBe(0)
        expect(node.weightBasis, node.code).toBe('conventional')
        expect(node.source, node.code).toBe('typical')
      }
      for (const { node } of leaves(f)) {
        expect(node.unit, node.code).not.toBe('')
        expect(node.target, node.code).not.toBe('')
      }
      for (const { node } of root(f, '满意度指标')
        .children.flatMap((c) => c.children)
        .map((node) => ({ node }))) {
        expect(node.rule?.type, node.code).toBe('survey')
      }
    },
  )

  it('codes follow the prefix-and-layout pattern', () => {
    const education = framework('sector-education')
    expect(
      walkTree(education.tree)
        .map(({ node }) => node.code)
        .slice(0, 3),
    ).toEqual(['EDU-1', 'EDU-11', 'EDU-1101'])
  })

  it('marks lower-is-better indicators as 反向', () => {
    const negative = sectors.flatMap((f) =>
      leaves(f)
        .filter(({ node }) => node.direction === 'negative')
        .map(({ node }) => node.name),
    )
    expect(negative).toEqual(['城镇调查失业率', 'PM2.5年均浓度', '劣V类水体比例'])
  })

  it('uses the typical targets named in the reference', () => {
    const targets = new Map(
      sectors.flatMap((f) => leaves(f).map(({ node }) => [node.name, node.target] as const)),
    )
    expect(targets.get('适龄儿童国家免疫规划疫苗接种率')).toBe('≥90%')
    expect(targets.get('动物疫病强制免疫应免畜禽免疫密度')).toBe('≥90%')
    expect(targets.get('免疫抗体合格率')).toBe('≥70%')
    expect(targets.get('养老金按时足额发放率')).toBe('100%')
  })
})

describe('builders', () => {
  it('converts points to hundredths exactly and refuses more than two decimals', () => {
    expect(hundredths(12.5)).toBe(1250)
    expect(hundredths(0.5)).toBe(50)
    expect(hundredths(33.33)).toBe(3333)
    expect(() => hundredths(0.1 + 0.2)).toThrow('分值')
    expect(() => hundredths(-1)).toThrow('分值')
  })

  it('splits 100% into equal shares that sum exactly', () => {
    expect(equalShares(3)).toBe('33.33,33.33,33.34')
    expect(equalShares(4)).toBe('25,25,25,25')
    expect(equalShares(6)).toBe('16.66,16.66,16.66,16.66,16.66,16.7')
  })

  it('refuses a rule spec that does not parse, naming the indicator', () => {
    const { l3 } = indicatorBuilders({ weightBasis: 'conventional', source: 'official' })
    expect(() => l3('X1', '测试指标', 1, { rule: ['element', '份额=abc'] })).toThrow('X1 测试指标')
  })
})
