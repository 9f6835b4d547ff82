// 评价工作方案: what the agency submits to the client for confirmation before fieldwork (REFERENCE
// §5.2–5.3). No national outline exists; this one follows agency practice: project, purpose and
// scope, approach, indicator system, organisation and timetable, fieldwork, quality control, other.
import type { ReportDocument } from '../document'
import { cell } from '../document'
import { chineseDate, weight } from '../format'
import type { ReportModel } from '../model'
import { assemble, BLANK_DATE, closingSignature, coverLines, writeNarrative } from './common'
import { baseContext } from './context'
import { headerRow, Outline } from './outline'
import { evidenceTable, indicatorSystemTable, leavesUnder, panelTable, type Table } from './tables'
import { renderTemplate } from './templates'

const ANNEXES = { system: 1, evidence: 2, panel: 3 }

/** The work as REFERENCE §5.3 stages it; the expert review row carries the panel's date when set. */
function scheduleTable(model: ReportModel): Table {
  const review = model.panel ? chineseDate(model.panel.reviewDate) : '按委托方要求确定'
  const rows: [string, string, string, string][] = [
    ['前期准备', '成立评价工作组，收集项目资料，开展前期调研', '资料清单、调研记录', '合同签订后'],
    ['方案设计', '设计评价指标体系和评分标准，编制评价工作方案并报委托方确认', '评价工作方案', '前期调研后'],
    ['数据采集与现场核查', '资料审核、现场核查、问卷调查和座谈访谈', '工作底稿、问卷统计表', '方案确认后'],
    ['专家评审', '专家独立评分，讨论评分差异，形成专家组意见', '专家评分表、专家组意见', review],
    ['报告撰写', '撰写报告初稿，履行三级复核', '绩效评价报告（初稿）', '专家评审后'],
    ['征求意见', '就报告征求委托方和被评价单位意见', '征求意见稿、意见采纳情况', '初稿复核后'],
    ['定稿提交', '根据反馈意见修改完善，报告定稿并提交委托方', '绩效评价报告（定稿）', '反馈意见处理后'],
    ['资料归档', '整理工作底稿和报告，按规定归档', '评价档案', '定稿提交后'],
  ]
  return {
    caption: '表2  工作进度安排',
    columns: [{ width: 16 }, { width: 44 }, { width: 24 }, { width: 16, align: 'center' }],
    header: headerRow('阶段', '主要工作', '工作成果', '时间安排'),
    rows: rows.map((r) => r.map((t) => cell(t))),
  }
}

function level1WeightTable(model: ReportModel): Table {
  const { roots } = model.sheet.tree
  return {
    caption: '表1  一级指标及分值',
    columns: [{ width: 28 }, { width: 14, align: 'right' }, { width: 40 }, { width: 18, align: 'right' }],
    header: headerRow('一级指标', '分值', '二级指标', '末级指标数'),
    rows: [
      ...roots.map((r) => [cell(r.name), cell(weight(r.weight), { align: 'right' }), cell(r.children.map((c) => c.name).join('、')), cell(String(leavesUnder(r).length), { align: 'right' })]),
      [cell('合计', { bold: true, align: 'center' }), cell(weight(roots.reduce((s, r) => s + r.weight, 0)), { align: 'right', bold: true }), cell(''), cell(String(roots.flatMap(leavesUnder).length), { align: 'right', bold: true })],
    ],
  }
}

export function composePlan(model: ReportModel): ReportDocument {
  const context = { ...baseContext(model), annexes: ANNEXES, work: '评价' }
  const o = new Outline()

  const part = (level: 1 | 2, title: string, template: string) => o.heading(level, title).generated(renderTemplate('plan', template, context))

  o.heading(1, '项目基本情况').heading(2, '项目概况').generated(renderTemplate('common', 'basic-info', context)).text(model.narrative.overview)
  writeNarrative(o, model, 'targets', 2)
  part(1, '评价目的、对象和范围', 'purpose')
  part(1, '评价思路和方法', 'approach')
  part(1, '评价指标体系', 'indicators').table(level1WeightTable(model))
  o.heading(1, '评价组织实施')
  part(2, '评价工作组', 'team')
  part(2, '专家评审安排', 'panel')
  o.heading(2, '工作进度安排').table(scheduleTable(model))
  part(1, '资料收集与现场核查', 'fieldwork')
  part(1, '质量控制与保密要求', 'quality')

  writeNarrative(o, model, 'other', 1)
  o.push(closingSignature(model))
  o.labelled('委托方确认意见：', '')
  o.paragraph(`${model.engagement.bureau}（盖章）\n确认日期：${BLANK_DATE}`, 'signature')

  o.annex('评价指标体系及评分标准').table(indicatorSystemTable(model.sheet.tree))
  o.annex('资料清单').table(evidenceTable(model.sheet.tree, model.evidence))
  if (model.panel && model.panel.members.length > 0) o.annex('评审专家组名单').table(panelTable(model.panel))

  return assemble(model, { lines: coverLines(model, '评价机构', '编制日期'), sealNote: '（评价机构盖章）', frontMatter: [], toc: true, body: o.blocks })
}
