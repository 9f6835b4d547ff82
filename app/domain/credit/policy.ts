// The credit policy (信用评价政策, issue 8 item 5): how entries become a score, a grade and a
// blacklisting. Each bureau configures its own; every computed grade names the policy and version
// it came from, so a subject can see why. Points are integer hundredths, as scores are everywhere
// else (money.ts), so sums are exact.
import {
  ENTRY_KINDS,
  POSITIVE_KIND_CODES,
  SEVERITIES,
  SEVERITY_CODES,
  labelOf,
  isEntryKind,
  type EntryKind,
  type PositiveKind,
  type Severity,
} from './categories'

export type CreditGradeBand = {
  /** Stored and printed, e.g. A. */
  grade: string
  /** As a reader sees it, e.g. A（90 分及以上）. */
  label: string
  /** Lowest score (hundredths, inclusive) earning this grade. */
  minScore: number
}

/**
 * `count` counted entries of the given kinds (at least `minSeverity`) whose effective dates fit in
 * `withinMonths` months — the later one before the earlier one's date plus `withinMonths` — put the
 * subject on the blacklist (失信名单) for `years` years from the date of the entry that completes
 * the count. Every entry that completes a count starts its own period, so a third 不合格 inside
 * the window extends the blacklisting; revoking an entry can only remove periods, never add one.
 */
export type BlacklistRule = {
  id: string
  label: string
  kinds: EntryKind[]
  minSeverity: Severity | null
  count: number
  /** Required when count > 1; ignored for a single entry. */
  withinMonths: number | null
  years: number
}

export type CreditPolicy = {
  id: string
  version: number
  name: string
  baseScore: number
  /** The score never leaves [minScore, maxScore], however many entries there are. */
  minScore: number
  maxScore: number
  /** Points (hundredths) a negative entry takes off, by severity, unless the issuer sets its own. */
  negativePoints: Record<Severity, number>
  /** Months after the effective date a negative entry stops counting; null keeps it for good. */
  negativeExpiryMonths: Record<Severity, number | null>
  positivePoints: Record<PositiveKind, number>
  positiveExpiryMonths: number | null
  /**
   * `linear`: an entry with an expiry fades evenly from full points on its effective date to
   * nothing on its expiry date. `none`: it counts fully until it expires.
   */
  decay: 'none' | 'linear'
  /** Highest grade first; the last covers every score down to minScore. */
  bands: CreditGradeBand[]
  /** The grade while a blacklisting is active, whatever the score (null: the score decides). */
  blacklistedGrade: string | null
  blacklistRules: BlacklistRule[]
  /** Days after an entry's effective date its subject may appeal (申诉). */
  appealWindowDays: number
  /**
   * The lowest grade an expert may hold and still be drawn or invited (null: any grade); experts
   * below it are excluded from draws with the reason shown.
   */
  drawMinGrade: string | null
}

export const MAX_EXPIRY_MONTHS = 120
export const MAX_RULE_COUNT = 10
export const MAX_BLACKLIST_YEARS = 3
export const MAX_APPEAL_WINDOW_DAYS = 365
export const MAX_POLICY_POINTS = 100_000

/**
 * Defaults to configure. REFERENCE.md gives only the blacklisting rules and their lengths (§5.5:
 * two 不合格 quality grades within a year, or a proven falsification, keep an agency out for
 * 1–3 years, the government procurement law art. 77 range; §6: two poor ratings or refusing
 * assignments suspend an expert for 1–3 years) and the 3-year look-back of the entry criteria
 * (§5.1), which sets the expiry of a 严重 entry. Base score, points, the other expiries, grade
 * bands and the appeal window are this app's defaults.
 */
export const DEFAULT_POLICY: CreditPolicy = {
  id: 'default',
  version: 1,
  name: '默认信用政策',
  baseScore: 10_000,
  minScore: 0,
  maxScore: 11_000,
  negativePoints: { minor: 300, general: 1_000, serious: 2_000, grave: 4_000 },
  negativeExpiryMonths: { minor: 12, general: 12, serious: 24, grave: 36 },
  positivePoints: {
    commendation: 500,
    excellent_evaluation: 300,
    quality_excellent: 300,
    expert_rating_excellent: 200,
  },
  positiveExpiryMonths: 12,
  decay: 'none',
  bands: [
    { grade: 'A', label: 'A（90 分及以上）', minScore: 9_000 },
    { grade: 'B', label: 'B（80 分至 90 分）', minScore: 8_000 },
    { grade: 'C', label: 'C（60 分至 80 分）', minScore: 6_000 },
    { grade: 'D', label: 'D（60 分以下）', minScore: 0 },
  ],
  blacklistedGrade: 'D',
  blacklistRules: [
    {
      id: 'quality-fail-twice',
      label: '12 个月内两次执业质量评价不合格',
      kinds: ['quality_fail'],
      minSeverity: null,
      count: 2,
      withinMonths: 12,
      years: 1,
    },
    {
      id: 'falsification',
      label: '经查实虚假报告、串通或数据造假（较重及以上）',
      kinds: ['false_report', 'collusion'],
      minSeverity: 'serious',
      count: 1,
      withinMonths: null,
      years: 3,
    },
    {
      id: 'expert-incompetent-twice',
      label: '12 个月内两次专家履职评价不称职',
      kinds: ['expert_rating_incompetent'],
      minSeverity: null,
      count: 2,
      withinMonths: 12,
      years: 1,
    },
    {
      id: 'expert-refusals',
      label: '12 个月内三次无正当理由拒绝评审或无故缺席',
      kinds: ['unjustified_decline', 'absence'],
      minSeverity: null,
      count: 3,
      withinMonths: 12,
      years: 1,
    },
    {
      id: 'grave-breach',
      label: '严重泄密、违反回避或索取不正当利益',
      kinds: ['leaking', 'recusal_breach', 'improper_benefit'],
      minSeverity: 'grave',
      count: 1,
      withinMonths: null,
      years: 3,
    },
  ],
  appealWindowDays: 15,
  drawMinGrade: 'C',
}

const isWhole = (n: number, min: number, max: number) => Number.isSafeInteger(n) && n >= min && n <= max

/** "12.5" for 1250 hundredths: policy messages speak whole points where they can. */
function points(hundredths: number): string {
  return String(hundredths / 100)
}

function validateMonths(months: number | null, what: string): string[] {
  if (months === null || isWhole(months, 1, MAX_EXPIRY_MONTHS)) return []
  return [`${what}的有效期须为 1 至 ${MAX_EXPIRY_MONTHS} 个月的整数，或留空表示长期有效`]
}

function validateScores(policy: CreditPolicy): string[] {
  const problems: string[] = []
  if (!isWhole(policy.minScore, 0, MAX_POLICY_POINTS)) problems.push('最低分须为 0 至 1000 分之间的分值')
  if (!isWhole(policy.maxScore, 0, MAX_POLICY_POINTS)) problems.push('最高分须为 0 至 1000 分之间的分值')
  else if (policy.maxScore <= policy.minScore) problems.push('最高分须高于最低分')
  if (!isWhole(policy.baseScore, 0, MAX_POLICY_POINTS)) problems.push('基础分须为 0 至 1000 分之间的分值')
  else if (policy.baseScore < policy.minScore || policy.baseScore > policy.maxScore)
    problems.push(`基础分 ${points(policy.baseScore)} 须在最低分与最高分之间`)
  let previous: { label: string; points: number } | null = null
  for (const s of SEVERITIES) {
    const value = policy.negativePoints[s.code]
    if (!isWhole(value, 0, MAX_POLICY_POINTS))
      problems.push(`「${s.label}」的扣分须为不小于 0 的分值（最多两位小数）`)
    else if (previous && value < previous.points)
      problems.push(`「${s.label}」的扣分不能少于「${previous.label}」`)
    if (isWhole(value, 0, MAX_POLICY_POINTS)) previous = { label: s.label, points: value }
    problems.push(...validateMonths(policy.negativeExpiryMonths[s.code], `「${s.label}」失信记录`))
  }
  for (const code of POSITIVE_KIND_CODES) {
    if (!isWhole(policy.positivePoints[code], 0, MAX_POLICY_POINTS))
      problems.push(`「${labelOf(ENTRY_KINDS, code)}」的加分须为不小于 0 的分值（最多两位小数）`)
  }
  problems.push(...validateMonths(policy.positiveExpiryMonths, '守信记录'))
  return problems
}

function validateGradeBands(policy: CreditPolicy): string[] {
  const { bands } = policy
  if (bands.length === 0) return ['至少需要设置一个信用等级']
  const problems: string[] = []
  const seen = new Set<string>()
  bands.forEach((band, i) => {
    const name = `第 ${i + 1} 个等级${band.grade ? `「${band.grade}」` : ''}`
    if (band.grade.trim() === '') problems.push(`${name}未填写等级名称`)
    else if (seen.has(band.grade)) problems.push(`${name}与前面的等级重名`)
    seen.add(band.grade)
    if (band.label.trim() === '') problems.push(`${name}未填写说明`)
    if (!isWhole(band.minScore, 0, MAX_POLICY_POINTS)) {
      problems.push(`${name}的分数下限须为不小于 0 的分值`)
      return
    }
    const higher = bands[i - 1]
    if (higher && band.minScore >= higher.minScore)
      problems.push(`${name}的分数下限须低于上一等级「${higher.grade}」`)
  })
  const last = bands[bands.length - 1]!
  if (last.minScore > policy.minScore)
    problems.push(
      `最后一个等级「${last.grade}」的分数下限不能高于最低分 ${points(policy.minScore)}，才能覆盖所有得分`,
    )
  if (policy.blacklistedGrade !== null && !seen.has(policy.blacklistedGrade))
    problems.push(`失信名单期间的等级「${policy.blacklistedGrade}」不在等级设置中`)
  if (policy.drawMinGrade !== null && !seen.has(policy.drawMinGrade))
    problems.push(`专家抽取的最低信用等级「${policy.drawMinGrade}」不在等级设置中`)
  return problems
}

function validateRules(rules: readonly BlacklistRule[]): string[] {
  const problems: string[] = []
  const ids = new Set<string>()
  rules.forEach((rule, i) => {
    const name = `第 ${i + 1} 条失信规则${rule.label ? `「${rule.label}」` : ''}`
    if (rule.id.trim() === '') problems.push(`${name}缺少编号`)
    else if (ids.has(rule.id)) problems.push(`${name}的编号与前面的规则重复`)
    ids.add(rule.id)
    if (rule.label.trim() === '') problems.push(`${name}未填写说明`)
    if (rule.kinds.length === 0) problems.push(`${name}须至少选择一类失信记录`)
    for (const kind of rule.kinds) {
      if (!isEntryKind(kind)) problems.push(`${name}含有未知的记录类别「${kind}」`)
      else if ((POSITIVE_KIND_CODES as string[]).includes(kind))
        problems.push(`${name}不能包含守信记录「${labelOf(ENTRY_KINDS, kind)}」`)
    }
    if (rule.minSeverity !== null && !SEVERITY_CODES.includes(rule.minSeverity))
      problems.push(`${name}的最低严重程度无效`)
    if (!isWhole(rule.count, 1, MAX_RULE_COUNT))
      problems.push(`${name}的次数须为 1 至 ${MAX_RULE_COUNT} 的整数`)
    else if (
      rule.count > 1 &&
      (rule.withinMonths === null || !isWhole(rule.withinMonths, 1, MAX_EXPIRY_MONTHS))
    )
      problems.push(`${name}须设置统计期间（1 至 ${MAX_EXPIRY_MONTHS} 个月）`)
    if (!isWhole(rule.years, 1, MAX_BLACKLIST_YEARS))
      problems.push(`${name}的失信期限须为 1 至 ${MAX_BLACKLIST_YEARS} 年的整数`)
  })
  return problems
}

/** Everything wrong with a policy, in Chinese, each naming its field; empty when usable. */
export function validatePolicy(policy: CreditPolicy): string[] {
  const problems: string[] = []
  if (policy.name.trim() === '') problems.push('请填写信用政策名称')
  if (policy.id.trim() === '') problems.push('信用政策缺少编号')
  if (!isWhole(policy.version, 1, Number.MAX_SAFE_INTEGER)) problems.push('版本号须为正整数')
  if (policy.decay !== 'none' && policy.decay !== 'linear') problems.push('时间衰减方式无效')
  if (!isWhole(policy.appealWindowDays, 1, MAX_APPEAL_WINDOW_DAYS))
    problems.push(`申诉期限须为 1 至 ${MAX_APPEAL_WINDOW_DAYS} 天的整数`)
  return [
    ...problems,
    ...validateScores(policy),
    ...validateGradeBands(policy),
    ...validateRules(policy.blacklistRules),
  ]
}

/** How a policy is named next to a grade: 默认信用政策（第 1 版）. */
export function policyCaption(policy: Pick<CreditPolicy, 'name' | 'version'>): string {
  return `${policy.name}（第 ${policy.version} 版）`
}
