// 事前绩效评估报告, following the municipal reference format of REFERENCE §2.4: 一、评估对象基本情况
// 二、评估工作开展情况 三、综合评估情况与评估结论 (one part per dimension, then 总体结论) 四、相关建议
// 五、其他需要说明的问题, with the conclusion 予以支持 / 调整完善后予以支持 / 不予支持 from the score
// (exAnteConclusion, a documented threshold since REFERENCE gives none).
import type { ReportDocument } from '../document'
import { percent } from '../format'
import { dimensionVerdict, distinctReasons, exAnteConclusion, EX_ANTE_THRESHOLDS, scoreOf, type ReportModel } from '../model'
import { finishReport, opinionLines, REPORT_ANNEXES, requireScoring, writeNarrative } from './common'
import { baseContext } from './context'
import { Outline } from './outline'
import { leavesUnder, level1Table } from './tables'
import { renderTemplate } from './templates'

export function composeExAnte(model: ReportModel): ReportDocument {
  const scoring = requireScoring(model)
  const { tree } = model.sheet
  const context = { ...baseContext(model), annexes: REPORT_ANNEXES, work: '评估' }
  const o = new Outline()

  o.heading(1, '评估对象基本情况')
  writeNarrative(o, model, 'overview', 2)
  o.heading(2, '实施主体及实施期间').generated(renderTemplate('ex-ante', 'basic-info', context))
  writeNarrative(o, model, 'targets', 2)
  o.heading(2, '资金构成').generated(renderTemplate('ex-ante', 'funding', context))

  o.heading(1, '评估工作开展情况')
  o.heading(2, '评估目的和对象').generated(renderTemplate('ex-ante', 'purpose', context))
  o.heading(2, '评估思路和方法').generated(renderTemplate('ex-ante', 'approach', context))
  o.heading(2, '评估工作程序').generated(renderTemplate('ex-ante', 'procedure', context))

  o.heading(1, '综合评估情况与评估结论')
  o.table({ ...level1Table(tree, scoring, { title: '评估结果', of: (root) => dimensionVerdict(scoreOf(scoring, root.code), root.weight) }), caption: '表1  各维度评估得分情况' })
  for (const root of tree.roots) {
    o.heading(2, root.name)
    const score = scoreOf(scoring, root.code)
    const items = leavesUnder(root).map((leaf) => {
      const reasons = distinctReasons(scoring.results.find((r) => r.code === leaf.code))
      return { name: leaf.name, weight: leaf.weight, score: scoreOf(scoring, leaf.code), reasons, hasReasons: reasons.length > 0 }
    })
    o.generated(renderTemplate('ex-ante', 'dimension', { name: root.name, weight: root.weight, score, verdict: dimensionVerdict(score, root.weight), items }))
    const part = model.opinion?.parts.find((p) => p.code === root.code)
    if (part) opinionLines(o, part.text)
  }
  o.heading(2, '总体结论')
  const conclusion = exAnteConclusion(scoring, tree)
  const weak = tree.roots.filter((r) => dimensionVerdict(scoreOf(scoring, r.code), r.weight) !== '充分').map((r) => r.name)
  o.generated(
    renderTemplate('ex-ante', 'conclusion', {
      ...context,
      conclusion,
      support: conclusion === '予以支持',
      adjust: conclusion === '调整完善后予以支持',
      reject: conclusion === '不予支持',
      weak: weak.length > 0 ? weak : ['个别方面'],
      thresholds: { support: percent(EX_ANTE_THRESHOLDS.support), adjust: percent(EX_ANTE_THRESHOLDS.adjust), floor: percent(EX_ANTE_THRESHOLDS.dimensionFloor) },
    }),
  )
  if (model.opinion) opinionLines(o, model.opinion.overall)

  writeNarrative(o, model, 'suggestions', 1)
  writeNarrative(o, model, 'other', 1)
  return finishReport(o, model, '评估', { scores: '事前绩效评估评分表', system: '评估指标体系及评分标准', panel: '评估专家组名单', evidence: '评估资料清单' }, `评估结论：${conclusion}`)
}
