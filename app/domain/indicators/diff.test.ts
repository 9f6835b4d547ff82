import { describe, expect, it } from 'vitest'
import { diffTrees } from './diff'
import { parseRuleSpec } from './rule-spec'
import type { IndicatorNode, IndicatorTree, Level, RuleType, ScoringRule } from './tree'
import { blankIndicator } from './tree'

function rule(type: RuleType, params: string): ScoringRule {
  const r = parseRuleSpec(type, params)
  if (!r.ok) throw new Error(r.message)
  return r.rule
}

function node(
  level: Level,
  code: string,
  name: string,
  weight: number,
  children: IndicatorNode[] = [],
): IndicatorNode {
  return { ...blankIndicator(level, code, name), weight, children }
}

// A slice of the 2020 framework: 决策 › 项目立项 / 绩效目标.
function base(): IndicatorTree {
  const a101 = node(3, 'A101', '立项依据充分性', 300)
  a101.points = ['符合国家法律法规', '符合行业发展规划', '与部门职责相符', '属于公共财政支持范围', '不重复']
  a101.rule = rule('element', '份额=25,25,25,25,0;否决要点=5')
  const a102 = node(3, 'A102', '立项程序规范性', 200)
  a102.rule = rule('formula', '分子=实际值;分母=目标值')
  const a201 = node(3, 'A201', '绩效目标合理性', 500)
  a201.rule = rule('survey', '目标=90')
  return {
    weighted: true,
    roots: [
      node(1, 'A', '决策', 1000, [
        node(2, 'A1', '项目立项', 500, [a101, a102]),
        node(2, 'A2', '绩效目标', 500, [a201]),
      ]),
    ],
  }
}

function find(tree: IndicatorTree, code: string): IndicatorNode {
  const stack = [...tree.roots]
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.code === code) return n
    stack.push(...n.children)
  }
  throw new Error(`no ${code}`)
}

describe('diffTrees', () => {
  it('finds nothing between equal trees, rules compared by their text', () => {
    const after = base()
    find(after, 'A101').rule = rule('element', '份额＝25%，25，25，25，0；否决要点＝⑤')
    expect(diffTrees(base(), after)).toEqual({ added: [], removed: [], changed: [] })
  })

  it('lists added indicators in the new order and removed ones in the old order', () => {
    const after = base()
    const a1 = find(after, 'A1')
    a1.children = [node(3, 'A103', '新增一', 100), find(after, 'A101')]
    find(after, 'A2').children.push(node(3, 'A202', '新增二', 100))
    const d = diffTrees(base(), after)
    expect(d.added.map((r) => r.code)).toEqual(['A103', 'A202'])
    expect(d.removed.map((r) => r.code)).toEqual(['A102'])
    expect(d.added[0]).not.toHaveProperty('children')

    const gone = diffTrees(base(), { weighted: true, roots: [] })
    expect(gone.removed.map((r) => r.code)).toEqual(['A', 'A1', 'A101', 'A102', 'A2', 'A201'])
    expect(diffTrees({ weighted: true, roots: [] }, base()).added.map((r) => r.code)).toEqual([
      'A',
      'A1',
      'A101',
      'A102',
      'A2',
      'A201',
    ])
  })

  it('names every changed field with its Chinese label and display values', () => {
    const after = base()
    const a101 = find(after, 'A101')
    a101.name = '立项依据的充分性'
    a101.weight = 250
    a101.explanation = '是否符合规划'
    a101.points = ['符合国家法律法规', '符合行业规划']
    a101.formula = '—'
    a101.rule = rule('element', '份额=50,50')
    a101.ruleText = '各占50%'
    a101.unit = '%'
    a101.target = '100%'
    a101.direction = 'negative'
    a101.evidence = '批复文件'
    a101.weightBasis = 'official'
    const { changed } = diffTrees(base(), after)
    expect(changed).toHaveLength(1)
    expect(changed[0]!.code).toBe('A101')
    expect(changed[0]!.name).toBe('立项依据的充分性')
    expect(changed[0]!.changes.map(({ label, before, after }) => [label, before, after])).toEqual([
      ['名称', '立项依据充分性', '立项依据的充分性'],
      ['权重', '3 分', '2.5 分'],
      ['指标解释', '（空）', '是否符合规划'],
      [
        '评价要点',
        '①符合国家法律法规\n②符合行业发展规划\n③与部门职责相符\n④属于公共财政支持范围\n⑤不重复',
        '①符合国家法律法规\n②符合行业规划',
      ],
      ['计算公式', '（空）', '—'],
      ['计分规则', '要素计分：份额=25,25,25,25,0;否决要点=5', '要素计分：份额=50,50'],
      ['评分标准', '（空）', '各占50%'],
      ['计量单位', '（空）', '%'],
      ['目标值', '（空）', '100%'],
      ['方向', '正向', '反向'],
      ['佐证材料', '（空）', '批复文件'],
      ['权重性质', '惯例', '官方'],
    ])
    expect(changed[0]!.changes.map((c) => c.field)).toEqual([
      'name',
      'weight',
      'explanation',
      'points',
      'formula',
      'rule',
      'ruleText',
      'unit',
      'target',
      'direction',
      'evidence',
      'weightBasis',
    ])
  })

  it('reports a rule added, removed or of another type, and the source', () => {
    const after = base()
    find(after, 'A1').rule = rule('survey', '目标=80')
    find(after, 'A102').rule = null
    find(after, 'A201').rule = rule('tier', '指标=满意度;分档=90:100;其余=0')
    find(after, 'A201').source = 'official'
    const byCode = Object.fromEntries(
      diffTrees(base(), after).changed.map((c) => [
        c.code,
        c.changes.map(({ label, before, after }) => [label, before, after]),
      ]),
    )
    expect(byCode).toEqual({
      A1: [['计分规则', '（无）', '满意度：目标=80']],
      A102: [['计分规则', '公式计分：分子=实际值;分母=目标值', '（无）']],
      A201: [
        ['计分规则', '满意度：目标=90', '分档计分：指标=满意度;分档=90:100;其余=0'],
        ['来源', '项目自设', '官方'],
      ],
    })
  })

  it('reports a move to another parent and a level change', () => {
    const before = base()
    const after = base()
    const a102 = find(after, 'A102')
    find(after, 'A1').children = [find(after, 'A101')]
    find(after, 'A2').children.push(a102)
    const promoted = find(after, 'A201')
    find(after, 'A2').children = find(after, 'A2').children.filter((c) => c !== promoted)
    after.roots.push({ ...promoted, level: 1 })
    expect(
      diffTrees(before, after).changed.map((c) => [
        c.code,
        c.changes.map(({ field, before, after }) => [field, before, after]),
      ]),
    ).toEqual([
      ['A102', [['parent', 'A1 项目立项', 'A2 绩效目标']]],
      [
        'A201',
        [
          ['level', '三级', '一级'],
          ['parent', 'A2 绩效目标', '（无）'],
        ],
      ],
    ])
    expect(diffTrees(before, after).changed[0]!.changes[0]!.label).toBe('上级指标')
  })

  it('matches a repeated code occurrence by occurrence', () => {
    const after = base()
    find(after, 'A2').children.push({ ...find(after, 'A201'), name: '重复编码' })
    const d = diffTrees(base(), after)
    expect(d.added.map((r) => [r.code, r.name])).toEqual([['A201', '重复编码']])
    expect(d.removed).toEqual([])
    expect(d.changed).toEqual([])
    expect(diffTrees(after, base()).removed.map((r) => r.name)).toEqual(['重复编码'])
  })

  it('shows a weight that is not a whole number of hundredths as it is, without throwing', () => {
    const after = base()
    find(after, 'A').weight = 999.5
    expect(diffTrees(base(), after).changed[0]!.changes).toEqual([
      { field: 'weight', label: '权重', before: '10 分', after: '999.5' },
    ])
  })
})
