import { describe, expect, it } from 'vitest'
import { addChild, addRoot, freshCode, insertUnder, moveRow, removeRow, suggestPlacement } from './edit'
import { blankIndicator, flattenTree, unflattenRows, type IndicatorNode, type IndicatorRow, type IndicatorTree, type Level } from './tree'

function node(level: Level, code: string, name: string, children: IndicatorNode[] = []): IndicatorNode {
  return { ...blankIndicator(level, code, name), children }
}

// 决策 › 项目立项 › 立项依据充分性, 立项程序规范性 / 产出 › 产出数量 › 实际完成率 / 产出 › 产出质量 › 质量达标率
const TREE: IndicatorTree = {
  weighted: true,
  roots: [
    node(1, 'A', '决策', [node(2, 'A1', '项目立项', [node(3, 'A101', '立项依据充分性'), node(3, 'A102', '立项程序规范性')])]),
    node(1, 'C', '产出', [node(2, 'C1', '产出数量', [node(3, 'C101', '实际完成率')]), node(2, 'C2', '产出质量', [node(3, 'C201', '质量达标率')])]),
    node(1, 'D', '效益', [node(2, 'D1', '项目效益', [node(3, 'D101', '实施效益'), node(3, 'D102', '满意度')])]),
  ],
}
const ROWS = flattenTree(TREE)
const codes = (rows: IndicatorRow[]) => rows.map((r) => r.code)

describe('structural edits keep a well-formed pre-order', () => {
  it('adds a child at the end of the subtree, with a fresh code one level down, and drops the parent’s rule', () => {
    const withRule = ROWS.map((r) => (r.code === 'A102' ? { ...r, rule: { type: 'survey' as const, targetPercent: 9000 } } : r))
    const out = addChild(withRule, codes(withRule).indexOf('A102'))
    expect(codes(out)).toEqual(['A', 'A1', 'A101', 'A102', 'A10201', 'C', 'C1', 'C101', 'C2', 'C201', 'D', 'D1', 'D101', 'D102'])
    expect(out.find((r) => r.code === 'A10201')?.level).toBe(4)
    expect(out.find((r) => r.code === 'A102')?.rule).toBeNull()
    expect(unflattenRows(out, true).ok).toBe(true)
  })

  it('refuses a fifth level', () => {
    const deep = addChild(ROWS, codes(ROWS).indexOf('A101'))
    const at = codes(deep).indexOf('A10101')
    expect(addChild(deep, at)).toEqual(deep)
  })

  it('removes a row with everything under it', () => {
    expect(codes(removeRow(ROWS, codes(ROWS).indexOf('C')))).toEqual(['A', 'A1', 'A101', 'A102', 'D', 'D1', 'D101', 'D102'])
  })

  it('moves a subtree past its sibling’s subtree, and not past its parent', () => {
    const down = moveRow(ROWS, codes(ROWS).indexOf('C1'), 'down')
    expect(codes(down)).toEqual(['A', 'A1', 'A101', 'A102', 'C', 'C2', 'C201', 'C1', 'C101', 'D', 'D1', 'D101', 'D102'])
    expect(moveRow(ROWS, codes(ROWS).indexOf('A101'), 'up')).toEqual(ROWS)
    expect(codes(moveRow(ROWS, codes(ROWS).indexOf('D'), 'up')).slice(0, 5)).toEqual(['A', 'A1', 'A101', 'A102', 'D'])
  })

  it('adds roots with codes that never clash', () => {
    const once = addRoot(ROWS)
    const twice = addRoot(once)
    expect(new Set(codes(twice)).size).toBe(twice.length)
    expect(freshCode(ROWS, 'C1')).toBe('C102')
  })

  it('inserts picked indicators under a parent, renaming clashing codes', () => {
    const picked = [{ ...flattenTree({ weighted: false, roots: [node(3, 'C101', '资助学生人数')] })[0]!, weight: 0 }]
    const out = insertUnder(ROWS, 'C1', picked)!
    expect(codes(out).slice(5, 8)).toEqual(['C1', 'C101', 'C102'])
    expect(out.find((r) => r.code === 'C102')?.name).toBe('资助学生人数')
    expect(insertUnder(ROWS, 'nope', picked)).toBeNull()
    const blank = insertUnder(ROWS, 'C1', [{ ...picked[0]!, code: '' }, { ...picked[0]!, code: '' }])!
    expect(codes(blank).slice(5, 9)).toEqual(['C1', 'C101', 'C102', 'C103'])
  })
})

describe('suggestPlacement: where a sector indicator lands in a framework', () => {
  it('puts output indicators under the matching output group', () => {
    expect(suggestPlacement(TREE, '产出指标', '数量指标')).toBe('C1')
    expect(suggestPlacement(TREE, '产出指标', '质量指标')).toBe('C2')
  })
  it('puts outcome and satisfaction indicators under the outcome group', () => {
    expect(suggestPlacement(TREE, '效益指标', '社会效益指标')).toBe('D1')
    expect(suggestPlacement(TREE, '满意度指标', '服务对象满意度指标')).toBe('D1')
  })
  it('has nowhere to go in a tree without level-2 rows', () => {
    expect(suggestPlacement({ weighted: true, roots: [node(1, 'A', '决策')] }, '产出指标', '数量指标')).toBeNull()
  })
})
