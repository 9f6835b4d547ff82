// What templates see of a model: the raw integers and strings (helpers format them), plus the
// booleans and lists a sentence needs, never undefined (strict templates refuse a missing value).
import { AGGREGATION_RULES } from '../../app/domain/scoring/aggregate'
import { isLeaf, walkTree } from '../../app/domain/indicators/tree'
import { distinctReasons, reportStageLabel, scoreOf, subjectOf, type ReportModel, type ScoringFacts } from '../model'

export function engagementContext(model: ReportModel) {
  const e = model.engagement
  const unitNames = e.units.map((u) => u.name)
  const departments = [...new Set(e.units.map((u) => u.competentDepartment).filter((d) => d !== ''))]
  return {
    ...e,
    subject: subjectOf(e.name),
    unitNames: unitNames.length > 0 ? unitNames : ['项目实施单位'],
    departments,
    hasDepartments: departments.length > 0,
    hasContract: e.contractNo !== '',
    hasTeam: e.team.length > 0,
  }
}

export function sheetContext(model: ReportModel) {
  const { tree } = model.sheet
  const nodes = walkTree(tree).map((w) => w.node)
  return {
    versionNo: model.sheet.versionNo,
    basedOn: model.sheet.basedOn ?? '',
    hasBasedOn: model.sheet.basedOn !== null,
    level1: tree.roots.map((r) => ({ code: r.code, name: r.name, weight: r.weight })),
    level1Count: tree.roots.length,
    level2Count: nodes.filter((n) => n.level === 2).length,
    leafCount: nodes.filter(isLeaf).length,
    totalWeight: tree.roots.reduce((s, r) => s + r.weight, 0),
  }
}

export function panelContext(model: ReportModel) {
  const p = model.panel
  const leader = p?.members.find((m) => m.leader)
  return {
    present: p !== null && p.members.length > 0,
    size: p?.members.length ?? 0,
    reviewDate: p?.reviewDate ?? '',
    hasLeader: leader !== undefined,
    leaderName: leader?.displayName ?? '',
    showNames: p?.showNames ?? false,
  }
}

export function ruleLabel(scoring: ScoringFacts): string {
  return AGGREGATION_RULES.find((r) => r.code === scoring.rule)!.label
}

/** The scoring facts a conclusion sentence needs; `present` false when there is no scoring yet. */
export function scoringContext(model: ReportModel) {
  const s = model.scoring
  const tree = model.sheet.tree
  if (!s) return { present: false }
  const level1 = tree.roots.map((r) => ({ name: r.name, weight: r.weight, score: scoreOf(s, r.code), full: scoreOf(s, r.code) === r.weight }))
  const losses = s.results
    .map((r) => ({ code: r.code, loss: (walkTree(tree).find((w) => w.node.code === r.code)?.node.weight ?? 0) - r.score }))
    .filter((r) => r.loss > 0)
  return {
    present: true,
    rule: s.rule,
    ruleLabel: ruleLabel(s),
    total: s.total,
    totalWeight: s.totalWeight,
    grade: s.grade.grade,
    gradeLabel: s.grade.label,
    bands: s.bands.map((b) => ({ grade: b.grade, label: b.label })),
    expertCount: s.experts.length,
    level1,
    deductedCount: losses.length,
    divergenceCount: s.divergences.length,
    rescoreCount: s.rescores.length,
    final: s.final,
  }
}

export function baseContext(model: ReportModel) {
  return {
    engagement: engagementContext(model),
    document: { stageLabel: reportStageLabel(model.document.stage), generatedAt: model.document.generatedAt },
    sheet: sheetContext(model),
    panel: panelContext(model),
    scoring: scoringContext(model),
  }
}

/** One leaf indicator's facts for its analysis sentence. */
export function indicatorContext(model: ReportModel, code: string) {
  const node = walkTree(model.sheet.tree).find((w) => w.node.code === code)!.node
  const outcome = model.scoring?.results.find((r) => r.code === code)
  const score = outcome?.score ?? 0
  const reasons = distinctReasons(outcome)
  return {
    name: node.name,
    weight: node.weight,
    score,
    full: score === node.weight,
    explanation: node.explanation,
    hasExplanation: node.explanation !== '',
    reasons,
    hasReasons: reasons.length > 0,
  }
}
