import { describe, expect, it } from 'vitest'
import { parseRuleSpec } from './rule-spec'
import type { IndicatorNode, IndicatorTree, Level, RuleType } from './tree'
import { blankIndicator } from './tree'
import type { ValidationIssue } from './validate'
import { hasErrors, validateTree } from './validate'

type Spec = [code: string, name: string, points: number, rest: Spec[] | [RuleType, string]]

function build([code, name, points, rest]: Spec, level = 1): IndicatorNode {
  const node = blankIndicator(level as Level, code, name)
  node.weight = Math.round(points * 100)
  if (typeof rest[0] === 'string') {
    const [type, params] = rest as [RuleType, string]
    const parsed = parseRuleSpec(type, params)
    if (!parsed.ok) throw new Error(parsed.message)
    node.rule = parsed.rule
    if (type === 'element')
      node.points = parsed.rule.type === 'element' ? parsed.rule.shares.map((_, i) => `要点${i + 1}`) : []
  } else {
    node.children = (rest as Spec[]).map((child) => build(child, level + 1))
  }
  return node
}

const FOUR = '份额=25,25,25,25'
const HALVES = '份额=50,50'
const RATE = '分子=实际值;分母=目标值'

// The 2020 common framework's shape and conventional weights (frameworks.yaml, transcribed).
function cy2020(): IndicatorTree {
  const specs: Spec[] = [
    [
      'A',
      '决策',
      15,
      [
        [
          'A1',
          '项目立项',
          5,
          [
            ['A101', '立项依据充分性', 3, ['element', '份额=25,25,25,25,0;否决要点=5']],
            ['A102', '立项程序规范性', 2, ['element', '份额=33.33,33.33,33.34']],
          ],
        ],
        [
          'A2',
          '绩效目标',
          5,
          [
            ['A201', '绩效目标合理性', 3, ['element', '份额=40,20,20,20;否决要点=1']],
            ['A202', '绩效指标明确性', 2, ['element', '份额=33.33,33.33,33.34']],
          ],
        ],
        [
          'A3',
          '资金投入',
          5,
          [
            ['A301', '预算编制科学性', 3, ['element', FOUR]],
            ['A302', '资金分配合理性', 2, ['element', HALVES]],
          ],
        ],
      ],
    ],
    [
      'B',
      '过程',
      20,
      [
        [
          'B1',
          '资金管理',
          12,
          [
            ['B101', '资金到位率', 3, ['formula', '分子=实际到位资金;分母=预算资金']],
            ['B102', '预算执行率', 5, ['formula', '分子=实际支出资金;分母=实际到位资金']],
            [
              'B103',
              '资金使用合规性',
              4,
              ['deduction', '计数=不合规事项;每项扣分=1;否决=存在截留、挤占、挪用、虚列支出'],
            ],
          ],
        ],
        [
          'B2',
          '组织实施',
          8,
          [
            ['B201', '管理制度健全性', 3, ['element', HALVES]],
            ['B202', '制度执行有效性', 5, ['element', FOUR]],
          ],
        ],
      ],
    ],
    [
      'C',
      '产出',
      35,
      [
        ['C1', '产出数量', 12, [['C101', '实际完成率', 12, ['formula', RATE]]]],
        ['C2', '产出质量', 10, [['C201', '质量达标率', 10, ['formula', RATE]]]],
        ['C3', '产出时效', 7, [['C301', '完成及时性', 7, ['formula', RATE]]]],
        ['C4', '产出成本', 6, [['C401', '成本节约率', 6, ['deduction', '计数=超支百分点;每项扣比例=5']]]],
      ],
    ],
    [
      'D',
      '效益',
      30,
      [
        [
          'D1',
          '项目效益',
          30,
          [
            ['D101', '实施效益', 20, ['qualitative', '档位=达成:80-100,部分达成:60-80,未达成:0-60']],
            ['D102', '满意度', 10, ['survey', '目标=90']],
          ],
        ],
      ],
    ],
  ]
  return { weighted: true, roots: specs.map((s) => build(s)) }
}

function find(tree: IndicatorTree, code: string): IndicatorNode {
  const stack = [...tree.roots]
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.code === code) return n
    stack.push(...n.children)
  }
  throw new Error(`no ${code}`)
}

const only = (issues: ValidationIssue[]) =>
  issues.map(({ severity, code, path, field, message }) => ({ severity, code, path, field, message }))

describe('validateTree: the 2020 common framework', () => {
  it('is valid as shipped', () => {
    expect(validateTree(cy2020())).toEqual([])
  })

  it('reports a child sum that differs from its parent, and the total', () => {
    const tree = cy2020()
    find(tree, 'A101').weight = 200
    expect(only(validateTree(tree))).toEqual([
      {
        severity: 'error',
        code: 'A1',
        path: '决策 › 项目立项',
        field: 'weight',
        message: '「项目立项」的下级指标权重合计 4 分，应等于本级权重 5 分',
      },
    ])
    const tree2 = cy2020()
    find(tree2, 'A').weight = 1400
    find(tree2, 'A1').weight = 450
    find(tree2, 'A102').weight = 150
    expect(validateTree(tree2).map((i) => i.message)).toEqual([
      '一级指标权重合计 99 分，应为 100 分',
      '「决策」的下级指标权重合计 14.5 分，应等于本级权重 14 分',
    ])
  })

  it('warns when 产出 + 效益 is below 60 (2013 names 效果 too)', () => {
    const tree = cy2020()
    find(tree, 'A').weight = 2500
    find(tree, 'A1').weight = 1500
    find(tree, 'A101').weight = 1300
    find(tree, 'C').weight = 2500
    find(tree, 'C1').weight = 200
    find(tree, 'C101').weight = 200
    const issues = validateTree(tree)
    expect(only(issues)).toEqual([
      {
        severity: 'warning',
        code: null,
        path: '',
        field: 'weight',
        message: '产出、效益指标权重合计 55 分，原则上不低于 60 分（财预〔2020〕10号）',
      },
    ])
    expect(hasErrors(issues)).toBe(false)
    find(tree, 'D').name = '效果'
    expect(validateTree(tree)[0]?.message).toBe(
      '产出、效果指标权重合计 55 分，原则上不低于 60 分（财预〔2020〕10号）',
    )
  })

  it('a leaf needs a positive weight and a valid rule; a parent carries none', () => {
    const tree = cy2020()
    find(tree, 'A102').weight = 0
    find(tree, 'A101').weight = 500
    find(tree, 'B103').rule = null
    find(tree, 'B1').rule = find(tree, 'B102').rule
    find(tree, 'A101').points.pop()
    expect(only(validateTree(tree))).toEqual([
      {
        severity: 'error',
        code: 'A101',
        path: '决策 › 项目立项 › 立项依据充分性',
        field: 'rule',
        message: '计分规则：份额个数（5）与评价要点个数（4）不一致',
      },
      {
        severity: 'error',
        code: 'A101',
        path: '决策 › 项目立项 › 立项依据充分性',
        field: 'rule',
        message: '计分规则：否决要点 5 超出评价要点个数（4）',
      },
      {
        severity: 'error',
        code: 'A102',
        path: '决策 › 项目立项 › 立项程序规范性',
        field: 'weight',
        message: '「立项程序规范性」的权重须大于 0',
      },
      {
        severity: 'error',
        code: 'B1',
        path: '过程 › 资金管理',
        field: 'rule',
        message: '「资金管理」有下级指标，不应设置计分规则（由下级指标计分）',
      },
      {
        severity: 'error',
        code: 'B103',
        path: '过程 › 资金管理 › 资金使用合规性',
        field: 'rule',
        message: '「资金使用合规性」是末级指标，须设置计分规则',
      },
    ])
  })

  it('refuses weights that are not non-negative integers without crashing the sums', () => {
    const tree = cy2020()
    find(tree, 'A101').weight = 250.5
    find(tree, 'B').weight = -2000
    expect(validateTree(tree).map((i) => [i.code, i.message])).toEqual([
      ['A101', '权重须为不小于 0 的分值，最多两位小数'],
      ['B', '权重须为不小于 0 的分值，最多两位小数'],
    ])
    find(tree, 'C101').weight = Number.NaN
    expect(validateTree(tree).map((i) => i.code)).toEqual(['A101', 'B', 'C101'])
  })
})

describe('validateTree: codes, names and levels', () => {
  it('refuses an empty tree', () => {
    expect(only(validateTree({ weighted: true, roots: [] }))).toEqual([
      { severity: 'error', code: null, path: '', field: null, message: '指标体系为空' },
    ])
    expect(validateTree({ weighted: false, roots: [] })).toHaveLength(1)
  })

  it('empty and malformed codes, duplicate codes naming both places', () => {
    const tree = cy2020()
    find(tree, 'A102').code = 'A101'
    find(tree, 'B101').code = ''
    find(tree, 'B102').code = 'B 102'
    find(tree, 'B201').code = 'X'.repeat(21)
    expect(only(validateTree(tree)).filter((i) => i.field === 'code')).toEqual([
      {
        severity: 'error',
        code: 'A101',
        path: '决策 › 项目立项 › 立项程序规范性',
        field: 'code',
        message: '编码 A101 重复（决策 › 项目立项 › 立项依据充分性 与 决策 › 项目立项 › 立项程序规范性）',
      },
      {
        severity: 'error',
        code: null,
        path: '过程 › 资金管理 › 资金到位率',
        field: 'code',
        message: '编码不能为空',
      },
      {
        severity: 'error',
        code: 'B 102',
        path: '过程 › 资金管理 › 预算执行率',
        field: 'code',
        message: '编码「B 102」只能由字母、数字和 . - _ 组成，最多 20 个字符',
      },
      {
        severity: 'error',
        code: 'X'.repeat(21),
        path: '过程 › 组织实施 › 管理制度健全性',
        field: 'code',
        message: `编码「${'X'.repeat(21)}」只能由字母、数字和 . - _ 组成，最多 20 个字符`,
      },
    ])
    const codes = cy2020()
    find(codes, 'A101').code = 'a.b-c_9'
    expect(validateTree(codes)).toEqual([])
  })

  it('an empty name shows as （未命名） in the path', () => {
    const tree = cy2020()
    find(tree, 'A1').name = '  '
    expect(only(validateTree(tree))).toEqual([
      {
        severity: 'error',
        code: 'A1',
        path: '决策 › （未命名）',
        field: 'name',
        message: '指标名称不能为空',
      },
    ])
    expect(validateTree(tree).filter((i) => i.path.startsWith('决策 › （未命名） › '))).toEqual([])
  })

  it('levels follow the depth, at most four', () => {
    const tree = cy2020()
    find(tree, 'A101').level = 2
    expect(only(validateTree(tree))).toEqual([
      {
        severity: 'error',
        code: 'A101',
        path: '决策 › 项目立项 › 立项依据充分性',
        field: 'level',
        message: '「立项依据充分性」位于第 3 级，层级应为 3（三级指标），填写为 2',
      },
    ])
    const deep = cy2020()
    const a101 = find(deep, 'A101')
    const fourth = { ...a101, code: 'A1011', level: 4 as Level, children: [] }
    const fifth = { ...a101, code: 'A10111', level: 4 as Level, children: [] }
    a101.rule = null
    a101.children = [{ ...fourth, children: [fifth] }]
    find(deep, 'A1011').rule = null
    expect(validateTree(deep).map((i) => [i.code, i.field, i.message])).toEqual([
      ['A10111', 'level', '指标最多四级，「立项依据充分性」位于第 5 级'],
    ])
  })

  it('a weighted leaf above level 3 is an error; an unweighted set may stop at level 2', () => {
    const tree = cy2020()
    const c3 = find(tree, 'C3')
    c3.children = []
    c3.rule = find(tree, 'C201').rule
    expect(validateTree(tree).map((i) => [i.code, i.message])).toEqual([
      ['C3', '「产出时效」没有下级指标：末级指标须为三级或四级指标'],
    ])
    expect(validateTree({ ...tree, weighted: false })).toEqual([])
  })
})

describe('validateTree: unweighted indicator sets', () => {
  it('skips every weight check', () => {
    const tree = cy2020()
    tree.weighted = false
    for (const code of ['A', 'A1', 'A101', 'D102']) find(tree, code).weight = 0
    find(tree, 'B').weight = -1
    find(tree, 'C').name = '成本'
    expect(validateTree(tree)).toEqual([])
  })

  it('still checks codes and rules', () => {
    const tree = cy2020()
    tree.weighted = false
    find(tree, 'D101').rule = { type: 'survey', targetPercent: 0 }
    expect(validateTree(tree).map((i) => i.message)).toEqual(['计分规则：满意度目标须大于 0% 且不超过 100%'])
  })
})

describe('validateTree: size caps', () => {
  it('text length caps name the field', () => {
    const tree = cy2020()
    const a101 = find(tree, 'A101')
    a101.name = '名'.repeat(101)
    a101.points[1] = '点'.repeat(501)
    a101.explanation = '释'.repeat(2001)
    a101.ruleText = '规'.repeat(2001)
    a101.evidence = 'x'.repeat(2001)
    expect(validateTree(tree).map((i) => [i.field, i.message])).toEqual([
      ['name', '名称不能超过 100 个字'],
      [null, '评价要点第 2 条不能超过 500 个字'],
      [null, '指标解释不能超过 2000 个字'],
      ['rule', '评分标准不能超过 2000 个字'],
      [null, '佐证材料不能超过 2000 个字'],
    ])
    a101.name = '😀'.repeat(100)
    a101.points[1] = '点'.repeat(500)
    a101.explanation = a101.ruleText = a101.evidence = ''
    expect(validateTree(tree)).toEqual([])
  })

  it('at most 500 indicators', () => {
    // 31 indicators in the framework; C101 gets n fourth-level children sharing its 12 points.
    const withChildren = (n: number) => {
      const tree = cy2020()
      const c101 = find(tree, 'C101')
      c101.children = Array.from({ length: n }, (_, i) => ({
        ...blankIndicator(4, `C101-${i}`, `子指标${i}`),
        weight: i < 120 ? 10 : 0,
        rule: c101.rule,
      }))
      c101.rule = null
      return validateTree(tree)
    }
    expect(withChildren(469).filter((i) => i.field !== 'weight')).toEqual([])
    const issues = withChildren(470)
    expect(issues[0]).toEqual({
      severity: 'error',
      code: null,
      path: '',
      field: null,
      message: '指标数量 501 个，超过上限 500 个',
    })
    expect(issues.filter((i) => i.message.endsWith('的权重须大于 0'))).toHaveLength(350)
  })
})

describe('hasErrors', () => {
  it('is true only with an error', () => {
    const warning: ValidationIssue = { severity: 'warning', code: null, path: '', field: null, message: 'w' }
    expect(hasErrors([])).toBe(false)
    expect(hasErrors([warning])).toBe(false)
    expect(hasErrors([warning, { ...warning, severity: 'error' }])).toBe(true)
  })
})
