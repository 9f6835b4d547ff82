// 绩效评价报告, following the reference outline of 财预〔2020〕10号 (REFERENCE §1.5) exactly:
// 一、基本情况 … 七、其他需要说明的问题, with the cover, the independence statement, a table of
// contents and the annexes agencies attach (评分表, 指标体系及评分标准, 专家组名单, 佐证材料清单, and
// 征求意见及采纳情况 once there is feedback). Department-overall and policy evaluations use the same
// outline with their own framework: 四 follows whatever level-1 indicators the sheet has.
import type { IndicatorNode } from '../../app/domain/indicators/tree'
import type { ReportDocument } from '../document'
import { scoreOf, type ReportModel } from '../model'
import { finishReport, opinionLines, REPORT_ANNEXES, requireScoring, writeNarrative } from './common'
import { baseContext, indicatorContext } from './context'
import { Outline } from './outline'
import { leavesUnder, level1Table } from './tables'
import { surveyBlocks } from './survey'
import { renderTemplate } from './templates'

const STANDARD_LEVEL1 = new Set(['决策', '过程', '产出', '效益'])

/** 「（一）项目决策情况」 for the 2020 framework's four, 「（一）投入情况」 for any other level-1 name. */
function analysisTitle(root: IndicatorNode): string {
  return STANDARD_LEVEL1.has(root.name) ? `项目${root.name}情况` : `${root.name}情况`
}

/** One leaf's analysis: its sentence from the template, under the heading the caller wrote. */
function analyseLeaf(o: Outline, model: ReportModel, leaf: IndicatorNode): void {
  o.generated(renderTemplate('evaluation', 'indicator', indicatorContext(model, leaf.code)))
  for (const survey of model.surveys.filter((s) => s.indicatorCode === leaf.code)) surveyBlocks(o, survey)
}

/** Level 2 as 「1.」, level 3 as 「（1）」; a level-4 leaf is a labelled paragraph under its parent. */
function analyseNode(o: Outline, model: ReportModel, node: IndicatorNode, level: 3 | 4): void {
  o.heading(level, node.name)
  if (node.children.length === 0) return analyseLeaf(o, model, node)
  for (const child of node.children) {
    if (level === 3) analyseNode(o, model, child, 4)
    else {
      o.labelled(`${child.name}：`, '')
      for (const leaf of leavesUnder(child)) analyseLeaf(o, model, leaf)
    }
  }
}

export function composeEvaluation(model: ReportModel): ReportDocument {
  const scoring = requireScoring(model)
  const { tree } = model.sheet
  const context = { ...baseContext(model), annexes: REPORT_ANNEXES, work: '评价' }
  const o = new Outline()

  o.heading(1, '基本情况').heading(2, '项目概况').generated(renderTemplate('common', 'basic-info', context)).text(model.narrative.overview)
  writeNarrative(o, model, 'targets', 2)

  o.heading(1, '绩效评价工作开展情况')
  o.heading(2, '绩效评价目的、对象和范围').generated(renderTemplate('evaluation', 'scope', context))
  o.heading(2, '绩效评价原则、评价指标体系、评价方法、评价标准').generated(renderTemplate('evaluation', 'method', context))
  o.heading(2, '绩效评价工作过程').generated(renderTemplate('evaluation', 'process', context))

  o.heading(1, '综合评价情况及评价结论').generated(renderTemplate('evaluation', 'conclusion', context))
  o.table({ ...level1Table(tree, scoring), caption: '表1  一级指标得分情况' })
  if (model.opinion) opinionLines(o, model.opinion.overall)

  o.heading(1, '绩效评价指标分析')
  for (const root of tree.roots) {
    o.heading(2, analysisTitle(root))
    const score = scoreOf(scoring, root.code)
    const deducted = leavesUnder(root).filter((leaf) => scoreOf(scoring, leaf.code) < leaf.weight)
    o.generated(renderTemplate('evaluation', 'level1', { name: root.name, weight: root.weight, score, full: score === root.weight, deducted: deducted.map((d) => d.name) }))
    const part = model.opinion?.parts.find((p) => p.code === root.code)
    if (part) opinionLines(o, part.text)
    if (root.children.length === 0) analyseLeaf(o, model, root)
    for (const child of root.children) analyseNode(o, model, child, 3)
  }

  o.heading(1, '主要经验及做法、存在的问题及原因分析')
  writeNarrative(o, model, 'experience', 2)
  writeNarrative(o, model, 'problems', 2)
  writeNarrative(o, model, 'suggestions', 1)
  writeNarrative(o, model, 'other', 1)
  return finishReport(o, model, '评价', { scores: '绩效评价指标评分表', system: '绩效评价指标体系及评分标准', panel: '评审专家组名单', evidence: '佐证材料清单' }, `评价等级：${scoring.grade.grade}`)
}
