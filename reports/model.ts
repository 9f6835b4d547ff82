// ReportModel: everything one report of one engagement says, as plain data. The database is read
// once, into this (reports/build-model.server.ts); composers and renderers see nothing else, so a
// fixture of this type drives every report test and equal models give equal documents.
//
// Units as stored: money in integer fen, scores and weights in integer hundredths of a point, times
// as ISO-8601 UTC, dates as YYYY-MM-DD. Nothing here is formatted: reports/format.ts does that once.
import type { Ratio } from '../app/domain/fieldwork/ratio'
import type { IndicatorNode, IndicatorTree } from '../app/domain/indicators/tree'
import { isLeaf, walkTree } from '../app/domain/indicators/tree'
import type { AggregationRule, Consolidation } from '../app/domain/scoring/aggregate'
import { divergenceFlags } from '../app/domain/scoring/divergence'
import type { GradeBand } from '../app/domain/scoring/grade'
import type { Verification } from './document'
import { sentence } from './format'

export type ReportType = 'evaluation' | 'ex-ante' | 'plan' | 'score-sheets'

export const REPORT_TYPES: readonly { code: ReportType; label: string }[] = [
  { code: 'evaluation', label: '绩效评价报告' },
  { code: 'ex-ante', label: '事前绩效评估报告' },
  { code: 'plan', label: '评价工作方案' },
  { code: 'score-sheets', label: '专家个人评分表' },
]

export type ReportStage = 'draft' | 'consultation' | 'final'

export const REPORT_STAGES: readonly { code: ReportStage; label: string }[] = [
  { code: 'draft', label: '初稿' },
  { code: 'consultation', label: '征求意见稿' },
  { code: 'final', label: '定稿' },
]

export function reportTypeLabel(type: ReportType): string {
  return REPORT_TYPES.find((t) => t.code === type)!.label
}

export function reportStageLabel(stage: ReportStage): string {
  return REPORT_STAGES.find((s) => s.code === stage)!.label
}

export type EngagementFacts = {
  id: string
  name: string
  year: number
  /** EngagementKind code and its label (项目支出绩效评价 …). */
  kind: string
  kindLabel: string
  budgetTypeLabel: string
  fundsFen: number
  /** 委托方: the commissioning finance bureau. */
  bureau: string
  /** 评价机构 */
  agency: string
  units: { name: string; competentDepartment: string }[]
  /** The period the evaluated funds cover, YYYY-MM-DD. */
  periodStart: string
  periodEnd: string
  contractNo: string
  /** 项目负责人 */
  lead: string
  /** The other members of the evaluation team, by display name. */
  team: string[]
}

export type SheetFacts = {
  versionNo: number
  /** ISO instant the sheet was frozen; null for a draft (a work plan may precede the freeze). */
  frozenAt: string | null
  /** The library framework the sheet started from, e.g. 「项目支出绩效评价共性指标体系框架（2020）」. */
  basedOn: string | null
  tree: IndicatorTree
}

/** An expert as the report may name them: 专家A … unless the engagement shows names. */
export type PanelMember = {
  /** The pseudonym scores are keyed by (专家A); stable within the engagement. */
  key: string
  /** The real name when names are shown, else the pseudonym. */
  displayName: string
  /** Empty when names are hidden: an employer identifies an expert as well as a name does. */
  employer: string
  title: string
  specialty: string
  leader: boolean
}

export type PanelFacts = {
  showNames: boolean
  /** 评审日期, YYYY-MM-DD. */
  reviewDate: string
  size: number
  members: PanelMember[]
}

export type IndicatorOutcome = {
  code: string
  /** Consolidated score, hundredths. */
  score: number
  /** Each counted expert's score, by pseudonym. */
  expertScores: Record<string, number>
  /** Deduction reasons, in expert order, by pseudonym. */
  reasons: { expert: string; text: string }[]
}

export type DivergenceFacts = { code: string; spread: number; threshold: number; low: string[]; high: string[] }

export type RescoreFacts = { expert: string; code: string; before: number | null; after: number; reason: string; at: string }

export type ScoringFacts = {
  rule: AggregationRule
  bands: GradeBand[]
  /** True when the result is the one stored as scoring closed; false for a live consolidation. */
  final: boolean
  closedAt: string | null
  /** Pseudonyms of the experts whose submitted sheets count, in seat order. */
  experts: string[]
  /** Leaf indicators, in sheet order. */
  results: IndicatorOutcome[]
  /** Every non-leaf indicator's sum of its leaves, hundredths. */
  subtotals: { code: string; score: number }[]
  total: number
  totalWeight: number
  grade: GradeBand
  /** Which version of every score produced the result: expert → indicator code → version number. */
  versions: Record<string, Record<string, number>>
  /** The divergence trigger: an indicator is flagged when its spread exceeds this percent of its weight. */
  divergencePercent: number
  divergences: DivergenceFacts[]
  /** Rescores in the discussion phase, with their reasons. */
  rescores: RescoreFacts[]
}

/** One expert's own sheet, for their signature: always by name. */
export type ExpertSheet = {
  name: string
  employer: string
  title: string
  leader: boolean
  submittedAt: string | null
  /** Per leaf in sheet order; score null while the expert has not submitted (a blank sheet). */
  entries: { code: string; score: number | null; reason: string }[]
}

export type OpinionFacts = { overall: string; parts: { code: string; name: string; text: string }[]; confirmedAt: string | null }

/** A piece of evidence (佐证材料) collected in fieldwork, against an indicator. */
export type EvidenceItem = { code: string; title: string; source: string }

/** One comment of the evaluated unit on the draft and how it was handled (征求意见及采纳情况). */
export type FeedbackItem = { from: string; comment: string; adoption: 'adopted' | 'partly' | 'not_adopted'; response: string }

export const ADOPTION_LABELS: Record<FeedbackItem['adoption'], string> = { adopted: '采纳', partly: '部分采纳', not_adopted: '不采纳' }

/** One item of a satisfaction survey: counts per label (Likert levels or options) over the valid responses. */
export type SurveyItemFacts = { title: string; kind: 'likert' | 'single'; counts: { label: string; count: number }[]; satisfied: Ratio | null }

/** A satisfaction survey's result (满意度调查), printed with the analysis of the indicator it feeds. */
export type SurveyFacts = {
  title: string
  /** The 满意度 leaf it feeds, or null when the survey is not linked. */
  indicatorCode: string | null
  sampleSize: number
  validResponses: number
  satisfied: Ratio | null
  /** 95 % margin of the rate, finite-population corrected when `population` is set. */
  marginOfError: number | null
  basis: 'overall-item' | 'pooled-items'
  population: number | null
  items: SurveyItemFacts[]
}

/** The sections a person writes (the UI edits them, starting from draftNarrative). */
export type Narrative = {
  /** 项目概况: background, content and implementation beyond the recorded facts. */
  overview: string
  /** 项目绩效目标 */
  targets: string
  /** 主要经验及做法 */
  experience: string
  /** 存在的问题及原因分析 */
  problems: string
  /** 有关建议 */
  suggestions: string
  /** 其他需要说明的问题 */
  other: string
}

export type NarrativeKey = keyof Narrative

/** Which human sections each report type prints, with the heading it prints them under. */
export const NARRATIVE_SECTIONS: Record<ReportType, readonly { key: NarrativeKey; label: string }[]> = {
  evaluation: [
    { key: 'overview', label: '项目概况' },
    { key: 'targets', label: '项目绩效目标' },
    { key: 'experience', label: '主要经验及做法' },
    { key: 'problems', label: '存在的问题及原因分析' },
    { key: 'suggestions', label: '有关建议' },
    { key: 'other', label: '其他需要说明的问题' },
  ],
  'ex-ante': [
    { key: 'overview', label: '立项背景及主要内容' },
    { key: 'targets', label: '绩效目标' },
    { key: 'suggestions', label: '相关建议' },
    { key: 'other', label: '其他需要说明的问题' },
  ],
  plan: [
    { key: 'overview', label: '项目概况' },
    { key: 'targets', label: '项目绩效目标' },
    { key: 'other', label: '其他需要说明的问题' },
  ],
  'score-sheets': [],
}

export const EMPTY_NARRATIVE: Narrative = { overview: '', targets: '', experience: '', problems: '', suggestions: '', other: '' }

export type ReportModel = {
  type: ReportType
  document: {
    stage: ReportStage
    /** ISO-8601 UTC: the report's date and the only clock anything downstream uses. */
    generatedAt: string
    verification: Verification | null
  }
  engagement: EngagementFacts
  sheet: SheetFacts
  /** Null until experts have submitted (a work plan, blank score sheets). */
  scoring: ScoringFacts | null
  panel: PanelFacts | null
  /** Filled for the score-sheets type only: each expert's own scores, by name, stay out of every other report's model. */
  expertSheets: ExpertSheet[]
  /** The panel leader's confirmed opinion, or null. */
  opinion: OpinionFacts | null
  narrative: Narrative
  /** Sections whose text is still the generated draft (nobody supplied their own). */
  drafted: NarrativeKey[]
  evidence: EvidenceItem[]
  /** Null when the report has no feedback round (yet). */
  feedback: FeedbackItem[] | null
  /** Surveys with imported responses, in creation order. */
  surveys: SurveyFacts[]
}

// ---- derived facts every consumer needs the same way ------------------------------------------

const NAME_ENDINGS: [string, string][] = [
  ['项目支出绩效评价', '项目'],
  ['事前绩效评估', ''],
  ['绩效运行监控', ''],
  ['绩效目标审核', ''],
  ['综合评价', ''],
  ['再评价', ''],
  ['绩效评价', ''],
  ['绩效评估', ''],
]

/**
 * What is evaluated, from the engagement's name: 「…资金项目支出绩效评价」 → 「…资金项目」, so a sentence
 * can say 「对…资金项目开展绩效评价」 instead of evaluating an evaluation.
 */
export function subjectOf(name: string): string {
  const found = NAME_ENDINGS.find(([ending]) => name.endsWith(ending) && name.length > ending.length)
  return found ? `${name.slice(0, -found[0].length)}${found[1]}` : name
}

/** Every indicator of the sheet by code. */
export function indicatorIndex(tree: IndicatorTree): Map<string, { node: IndicatorNode; path: string[] }> {
  return new Map(walkTree(tree).map((entry) => [entry.node.code, entry]))
}

/** Leaves in sheet order, each with its ancestors' names. */
export function leavesOf(tree: IndicatorTree): { node: IndicatorNode; path: string[] }[] {
  return walkTree(tree).filter(({ node }) => isLeaf(node))
}

/**
 * The scoring facts of a model from a domain consolidation and what the sheets said: the one way
 * both the database reader and the fixtures fill them, so their shapes cannot drift.
 */
export function scoringFactsOf(input: {
  consolidation: Consolidation
  bands: GradeBand[]
  experts: string[]
  reasons: { expert: string; code: string; text: string }[]
  versions: Record<string, Record<string, number>>
  divergencePercent: number
  final: boolean
  closedAt: string | null
  rescores: RescoreFacts[]
}): ScoringFacts {
  const c = input.consolidation
  const order = new Map(input.experts.map((key, i) => [key, i]))
  return {
    rule: c.rule,
    bands: input.bands,
    final: input.final,
    closedAt: input.closedAt,
    experts: input.experts,
    results: c.leaves.map((leaf) => ({
      code: leaf.code,
      score: leaf.score,
      expertScores: leaf.expertScores,
      reasons: input.reasons
        .filter((r) => r.code === leaf.code && r.text.trim() !== '')
        .sort((a, b) => (order.get(a.expert) ?? 0) - (order.get(b.expert) ?? 0))
        .map((r) => ({ expert: r.expert, text: r.text.trim() })),
    })),
    subtotals: c.subtotals.map((s) => ({ code: s.code, score: s.score })),
    total: c.total,
    totalWeight: c.totalWeight,
    grade: c.grade,
    versions: input.versions,
    divergencePercent: input.divergencePercent,
    divergences: divergenceFlags(c.leaves, input.divergencePercent / 100).map((d) => ({ code: d.code, spread: d.spread, threshold: d.threshold, low: d.low, high: d.high })),
    rescores: input.rescores,
  }
}

/** Sum of a node's consolidated leaves (its subtotal, or its own score for a leaf). */
export function scoreOf(scoring: ScoringFacts, code: string): number {
  return scoring.subtotals.find((s) => s.code === code)?.score ?? scoring.results.find((r) => r.code === code)?.score ?? 0
}

/** Distinct deduction reasons of one indicator, in expert order, each a sentence. */
export function distinctReasons(outcome: IndicatorOutcome | undefined): string[] {
  return [...new Set((outcome?.reasons ?? []).map((r) => sentence(r.text)).filter((t) => t !== ''))]
}

export type ExAnteConclusion = '予以支持' | '调整完善后予以支持' | '不予支持'

/**
 * The ex-ante conclusion from the panel's score. REFERENCE §2.4 names the three conclusions but no
 * score rule, so this is a documented convention: 予以支持 at a score rate of 80% or more with every
 * dimension at 60% or more of its weight (a weak dimension must be fixed first); 调整完善后予以支持
 * from 60%; 不予支持 below 60% — the same 60/80 breaks as the national grade bands.
 */
export const EX_ANTE_THRESHOLDS = { support: 0.8, adjust: 0.6, dimensionFloor: 0.6 } as const

export function exAnteConclusion(scoring: ScoringFacts, tree: IndicatorTree): ExAnteConclusion {
  const totalRate = scoring.totalWeight === 0 ? 0 : scoring.total / scoring.totalWeight
  const weakDimension = tree.roots.some((root) => root.weight > 0 && scoreOf(scoring, root.code) < EX_ANTE_THRESHOLDS.dimensionFloor * root.weight)
  if (totalRate >= EX_ANTE_THRESHOLDS.support && !weakDimension) return '予以支持'
  if (totalRate >= EX_ANTE_THRESHOLDS.adjust) return '调整完善后予以支持'
  return '不予支持'
}

/** How well a dimension was argued, by its score rate, on the same breaks as the conclusion. */
export function dimensionVerdict(score: number, weight: number): '充分' | '基本充分' | '不充分' {
  const r = weight === 0 ? 0 : score / weight
  if (r >= EX_ANTE_THRESHOLDS.support) return '充分'
  if (r >= EX_ANTE_THRESHOLDS.dimensionFloor) return '基本充分'
  return '不充分'
}

/** What a report type needs that the engagement may not have yet, as the Chinese message a user reads. */
export function missingFor(type: ReportType, facts: { hasSheet: boolean; hasScoring: boolean; hasPanel: boolean; kind: string }): string | null {
  if (type === 'ex-ante' && facts.kind !== 'ex_ante') return '该项目不是事前绩效评估项目，不能生成事前绩效评估报告'
  if (type === 'evaluation' && facts.kind === 'ex_ante') return '事前绩效评估项目请生成事前绩效评估报告'
  if (!facts.hasSheet) return type === 'plan' ? '尚未建立评分表（指标体系），不能生成评价工作方案' : '尚未建立评分表，不能生成报告'
  if (type === 'score-sheets' && !facts.hasPanel) return '专家组尚无已接受邀请的专家，不能生成专家评分表'
  if ((type === 'evaluation' || type === 'ex-ante') && !facts.hasScoring) return '尚无专家提交评分，不能生成报告（需先完成专家评分）'
  return null
}
