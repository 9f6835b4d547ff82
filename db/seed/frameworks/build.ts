// Builders for the seeded indicator library, so each data file reads like frameworks.yaml: weights in
// points as written (3, 12.5), rules as the same rule-spec text the editor and the Excel template use.
// Everything is checked while the module loads: a typo in a rule or a weight fails every test and the
// seed, instead of shipping a framework that cannot score.
import type { FrameworkCategory } from '../../../app/domain/indicators/framework'
import { isWeightedCategory } from '../../../app/domain/indicators/framework'
import { circledNumber, parseRuleSpec } from '../../../app/domain/indicators/rule-spec'
import type {
  Direction,
  IndicatorNode,
  IndicatorSource,
  IndicatorTree,
  Level,
  RuleType,
  WeightBasis,
} from '../../../app/domain/indicators/tree'
import { parsePoints } from '../../../app/domain/money'

export type LibraryFramework = {
  /** Stable across releases: the loader matches seeded frameworks by it. */
  code: string
  name: string
  category: FrameworkCategory
  /** 来源 */
  source: string
  description: string
  tree: IndicatorTree
}

/** A rule as the editor writes it: type plus 规则参数 text. */
export type RuleSpec = readonly [RuleType, string]

export type IndicatorDetails = {
  explanation?: string
  points?: readonly string[]
  formula?: string
  ruleText?: string
  unit?: string
  target?: string
  direction?: Direction
  evidence?: string
  weightBasis?: WeightBasis
  source?: IndicatorSource
}

export type LeafDetails = IndicatorDetails & { rule: RuleSpec }

/** What a whole framework shares unless an indicator says otherwise. */
export type FrameworkDefaults = { weightBasis: WeightBasis; source: IndicatorSource }

/** 12.5 -> 1250, exactly; a weight with more than two decimals is a data error. */
export function hundredths(points: number): number {
  const parsed = parsePoints(String(points))
  if (!parsed.ok) throw new Error(`指标库数据：分值 ${points} 无效（${parsed.message}）`)
  return parsed.value
}

function parsedRule(code: string, name: string, [type, params]: RuleSpec) {
  const parsed = parseRuleSpec(type, params)
  if (!parsed.ok)
    throw new Error(`指标库数据：${code} ${name} 的计分规则无效（${parsed.message}）：${params}`)
  return parsed.rule
}

function indicator(
  defaults: FrameworkDefaults,
  level: Level,
  code: string,
  name: string,
  weight: number,
  details: IndicatorDetails & { rule?: RuleSpec },
  children: IndicatorNode[],
): IndicatorNode {
  return {
    code,
    name,
    level,
    weight: hundredths(weight),
    weightBasis: details.weightBasis ?? defaults.weightBasis,
    source: details.source ?? defaults.source,
    explanation: details.explanation ?? '',
    points: [...(details.points ?? [])],
    formula: details.formula ?? '',
    rule: details.rule ? parsedRule(code, name, details.rule) : null,
    ruleText: details.ruleText ?? '',
    unit: details.unit ?? '',
    target: details.target ?? '',
    direction: details.direction ?? 'positive',
    evidence: details.evidence ?? '',
    children,
  }
}

/** l1/l2 take their children; l3 is a leaf and must carry a rule. */
export function indicatorBuilders(defaults: FrameworkDefaults) {
  return {
    l1: (
      code: string,
      name: string,
      weight: number,
      children: IndicatorNode[],
      details: IndicatorDetails = {},
    ) => indicator(defaults, 1, code, name, weight, details, children),
    l2: (
      code: string,
      name: string,
      weight: number,
      children: IndicatorNode[],
      details: IndicatorDetails = {},
    ) => indicator(defaults, 2, code, name, weight, details, children),
    l3: (code: string, name: string, weight: number, details: LeafDetails) =>
      indicator(defaults, 3, code, name, weight, details, []),
  }
}

export function libraryFramework(
  meta: Omit<LibraryFramework, 'tree'>,
  roots: IndicatorNode[],
): LibraryFramework {
  return { ...meta, tree: { weighted: isWeightedCategory(meta.category), roots } }
}

// ---------------------------------------------------------------------------------------------
// Rule texts used by many frameworks

/** 评价要点 → equal shares that sum to exactly 100% (33.33, 33.33, 33.34). */
export function equalShares(pointCount: number): string {
  const each = Math.floor(10000 / pointCount)
  const shares = Array.from({ length: pointCount }, (_, i) =>
    i === pointCount - 1 ? 10000 - each * (pointCount - 1) : each,
  )
  return shares.map((s) => String(s / 100)).join(',')
}

export function elementRule(points: readonly string[]): RuleSpec {
  return ['element', `份额=${equalShares(points.length)}`]
}

/** Evaluation points that weigh the same, with the 评分标准 text that says so. */
export function evenPoints(points: readonly string[]) {
  const share = 100 % points.length === 0 ? `${100 / points.length}%` : `1/${points.length}`
  return {
    points,
    rule: elementRule(points),
    ruleText: `每个要点占${share}分值`,
  } satisfies Partial<LeafDetails>
}

/** The official three bands (REFERENCE §1.4), labelled as the editor's default rule labels them. */
export const OFFICIAL_QUALITATIVE: RuleSpec = ['qualitative', '档位=达成:80-100,部分达成:60-80,未达成:0-60']
export const OFFICIAL_QUALITATIVE_TEXT =
  '达成预期目标的，得分值的80%–100%；部分达成并具有一定效果的，得60%–80%；未达成且效果较差的，得0–60%'

export const SURVEY_90: RuleSpec = ['survey', '目标=90']
export const SURVEY_90_TEXT = '满意度≥90%得满分；低于90%的，得分=分值×满意度/90%'

export const ACTUAL_VS_TARGET: RuleSpec = ['formula', '分子=实际值;分母=目标值']
export const ACTUAL_VS_TARGET_TEXT = '实际值达到目标值得满分；未达到的，得分=分值×实际值/目标值（封顶100%）'
/** For 反向 indicators the formula rule computes 目标值/实际值 once the actual exceeds the target. */
export const ACTUAL_VS_CEILING_TEXT = '实际值不高于目标值得满分；超过的，得分=分值×目标值/实际值'

export const SATISFACTION_FORMULA = '（满意+较满意）样本数 / 有效样本数 × 100%'
export const SATISFACTION_EVIDENCE = '调查问卷、抽样方案、问卷统计表'

/** A 满意度 leaf surveyed against the usual 90% target. */
export const SATISFACTION_SURVEY = {
  formula: SATISFACTION_FORMULA,
  rule: SURVEY_90,
  ruleText: SURVEY_90_TEXT,
  unit: '%',
  target: '≥90%',
  evidence: SATISFACTION_EVIDENCE,
} as const satisfies LeafDetails

/**
 * A rate scored as 分值 × numerator / denominator, written once so the formula text and the rule
 * cannot drift apart. Spread first; a different target or direction overrides it.
 */
export function rateOf(numerator: string, denominator: string) {
  return {
    formula: `${numerator} / ${denominator} × 100%`,
    rule: ['formula', `分子=${numerator};分母=${denominator}`],
    unit: '%',
    target: '100%',
  } as const satisfies Partial<LeafDetails>
}

/** 资金使用合规性 in every framework: a point per irregularity, 0 for 截留、挤占、挪用、虚列支出. */
export const MISUSE_DEDUCTION: RuleSpec = [
  'deduction',
  '计数=不合规事项;每项扣分=1;否决=存在截留、挤占、挪用、虚列支出',
]
export const misuseDeductionText = (vetoPoint: number) =>
  `要点①–${circledNumber(vetoPoint - 1)}每发现一项不合规扣1分，扣完为止；存在要点${circledNumber(vetoPoint)}情形的本指标得0分`

/** 成本节约率 (REFERENCE §1.2): overspending costs 5% of the weight per percentage point. */
export const COST_SAVING = {
  explanation: '完成项目计划工作目标的实际节约成本与计划成本的比率，用以反映和考核项目的成本节约程度。',
  formula: '（计划成本 − 实际成本）/ 计划成本 × 100%',
  rule: ['deduction', '计数=超支百分点;每项扣比例=5'],
  ruleText:
    '实际成本不高于计划成本且质量达标的得满分；超支的，每超支1个百分点扣分值的5%，扣完为止（按扣分制计分，计数填超支百分点数）',
  unit: '%',
  target: '≥0',
  evidence: '成本核算资料、决算报告、合同及结算资料',
} as const satisfies LeafDetails

// ---------------------------------------------------------------------------------------------
// Sector indicator sets (分行业分领域指标): unweighted lists laid out like a 绩效目标表

/** The target-table layout every sector set follows; codes are fixed so EDU-22 is always 社会效益指标. */
const SECTOR_LAYOUT = {
  '产出-数量': { l1: ['1', '产出指标'], l2: ['11', '数量指标'] },
  '产出-质量': { l1: ['1', '产出指标'], l2: ['12', '质量指标'] },
  '产出-时效': { l1: ['1', '产出指标'], l2: ['13', '时效指标'] },
  '产出-成本': { l1: ['1', '产出指标'], l2: ['14', '成本指标'] },
  '效益-经济': { l1: ['2', '效益指标'], l2: ['21', '经济效益指标'] },
  '效益-社会': { l1: ['2', '效益指标'], l2: ['22', '社会效益指标'] },
  '效益-生态': { l1: ['2', '效益指标'], l2: ['23', '生态效益指标'] },
  '效益-可持续': { l1: ['2', '效益指标'], l2: ['24', '可持续影响指标'] },
  满意度: { l1: ['3', '满意度指标'], l2: ['31', '服务对象满意度指标'] },
} as const

export type SectorGroup = keyof typeof SECTOR_LAYOUT

/** [名称, 计量单位, 典型目标值, 其余字段]. Without a rule: 满意度 → survey, otherwise 实际值/目标值. */
export type SectorIndicator = readonly [
  name: string,
  unit: string,
  target: string,
  details?: IndicatorDetails & { rule?: RuleSpec },
]

export type SectorSetMeta = { code: string; name: string; description: string; source: string }

const SECTOR_DEFAULTS: FrameworkDefaults = { weightBasis: 'conventional', source: 'typical' }

function sectorLeaf(
  code: string,
  group: SectorGroup,
  [name, unit, target, details = {}]: SectorIndicator,
): IndicatorNode {
  const satisfaction = group === '满意度'
  const negative = details.direction === 'negative'
  const rule = details.rule ?? (satisfaction ? SURVEY_90 : ACTUAL_VS_TARGET)
  const defaultText = satisfaction
    ? SURVEY_90_TEXT
    : negative
      ? ACTUAL_VS_CEILING_TEXT
      : ACTUAL_VS_TARGET_TEXT
  return indicator(
    SECTOR_DEFAULTS,
    3,
    code,
    name,
    0,
    {
      formula: satisfaction ? SATISFACTION_FORMULA : '',
      evidence: satisfaction ? SATISFACTION_EVIDENCE : '',
      ruleText: details.rule ? '' : defaultText,
      ...details,
      rule,
      unit,
      target,
    },
    [],
  )
}

/**
 * A sector set from groups keyed like frameworks.yaml (`'产出-数量': [...]`). Codes: `EDU-1` (产出),
 * `EDU-11` (数量指标), `EDU-1101` (its first indicator).
 */
export function sectorSet(
  meta: SectorSetMeta,
  prefix: string,
  groups: Partial<Record<SectorGroup, readonly SectorIndicator[]>>,
): LibraryFramework {
  const roots: IndicatorNode[] = []
  for (const group of Object.keys(SECTOR_LAYOUT) as SectorGroup[]) {
    const items = groups[group]
    if (!items || items.length === 0) continue
    const layout = SECTOR_LAYOUT[group]
    let l1 = roots.find((r) => r.code === `${prefix}-${layout.l1[0]}`)
    if (!l1) {
      l1 = indicator(SECTOR_DEFAULTS, 1, `${prefix}-${layout.l1[0]}`, layout.l1[1], 0, {}, [])
      roots.push(l1)
    }
    const l2Code = `${prefix}-${layout.l2[0]}`
    const leaves = items.map((item, i) =>
      sectorLeaf(`${l2Code}${String(i + 1).padStart(2, '0')}`, group, item),
    )
    l1.children.push(indicator(SECTOR_DEFAULTS, 2, l2Code, layout.l2[1], 0, {}, leaves))
  }
  return libraryFramework({ ...meta, category: 'sector' }, roots)
}
