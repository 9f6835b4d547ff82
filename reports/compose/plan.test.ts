import { describe, expect, it } from 'vitest'
import { headingsOf, placeCells, type TableBlock } from '../document'
import { planModel } from '../fixtures/models'
import { composeDocument } from './index'
import { level1Headings } from './text'

describe('work plan', () => {
  const model = planModel()
  const doc = composeDocument(model)

  it('follows the plan outline and needs no scores', () => {
    expect(model.scoring).toBeNull()
    expect(level1Headings(doc)).toEqual([
      '一、项目基本情况',
      '二、评价目的、对象和范围',
      '三、评价思路和方法',
      '四、评价指标体系',
      '五、评价组织实施',
      '六、资料收集与现场核查',
      '七、质量控制与保密要求',
      '八、其他需要说明的问题',
      '附件1：评价指标体系及评分标准',
      '附件2：资料清单',
      '附件3：评审专家组名单',
    ])
    expect(headingsOf(doc).filter((h) => h.level === 2).map((h) => h.text)).toEqual(['（一）项目概况', '（二）项目绩效目标', '（一）评价工作组', '（二）专家评审安排', '（三）工作进度安排'])
    expect(doc.cover.title).toBe('2025年滨江区义务教育阶段学生资助资金项目支出\n绩效评价工作方案')
    expect(doc.cover.subtitle).toBe('（初稿）')
  })

  it('every table is well formed and the weights add up to the full score', () => {
    const tables = doc.body.filter((b): b is TableBlock => b.kind === 'table')
    for (const t of tables) placeCells(t.columns.length, t.rows)
    const weights = tables.find((t) => t.caption === '表1  一级指标及分值')!
    expect(weights.rows.at(-1)!.map((c) => c.text)).toEqual(['合计', '100', '', '19'])
    const schedule = tables.find((t) => t.caption === '表2  工作进度安排')!
    expect(schedule.rows.find((r) => r[0]!.text === '专家评审')!.at(-1)!.text).toBe('2026年6月10日')
  })
})
