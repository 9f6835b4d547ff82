// Executable scoring rules: a suggested score with the reasoning an evaluator can read and check,
// and the semantic checks that make a rule usable for its indicator.
//
// Scores are integer hundredths of a point, always within [0, weight]. Intermediate values stay
// unrounded and roundHalfUp is applied once at the end (docs/decisions/004-money-and-scores.md).
// Inputs come from forms and spreadsheets, so every number is distrusted: a bad one yields a
// Chinese message, never NaN and never a throw.

import { formatPoints, roundHalfUp } from '../money'
import { circledNumber, formatHundredths, RULE_PARAM_KEYS as KEYS, textParamProblem } from './rule-spec'
import type { Direction, RuleType, ScoringRule } from './tree'
import { labelOf, RULE_TYPES } from './tree'

export type RuleInput =
  | { type: 'element'; passed: boolean[] }
  | { type: 'formula'; numerator: number; denominator: number }
  | { type: 'tier'; value: number }
  | { type: 'deduction'; findings: number; vetoed: boolean }
  | { type: 'qualitative'; band: number; sharePercent?: number }
  | { type: 'survey'; satisfied: number; valid: number }

export type Suggestion = { ok: true; score: number; reasoning: string } | { ok: false; message: string }

type RuleOf<T extends RuleType> = Extract<ScoringRule, { type: T }>
type InputOf<T extends RuleType> = Extract<RuleInput, { type: T }>

const ALL = 10000 // 100% in hundredths of a percent

/** Points for display: 1500 -> "15", 1250 -> "12.5", 483 -> "4.83". */
export function pointsText(hundredths: number): string {
  return formatPoints(hundredths).replace(/\.?0+$/, '')
}

/** A fraction as a percent with two decimals: 0.965 -> "96.50%". Absurd rates still print. */
function rateText(fraction: number): string {
  const hundredths = fraction * ALL
  if (Number.isFinite(hundredths) && Math.abs(hundredths) < 1e15)
    return `${formatPoints(roundHalfUp(hundredths))}%`
  // fraction × 100 itself can overflow (1.8e308 / 1, found by the property tests): that is 无穷大 too.
  return Number.isFinite(fraction * 100) ? `${(fraction * 100).toPrecision(3)}%` : '无穷大'
}

/** Entered amounts as typed, without binary noise: 0.1 + 0.2 -> "0.3"; tiny values keep three digits. */
function numberText(x: number): string {
  if (Number.isInteger(x)) return String(x)
  return Math.abs(x) >= 1e-6 ? String(Number(x.toFixed(6))) : x.toPrecision(3)
}

class InputError extends Error {}

function finite(label: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`「${label}」须为有效数字`)
  return x
}

function nonNegative(label: string, x: unknown): number {
  const value = finite(label, x)
  if (value < 0) throw new InputError(`「${label}」不能为负数`)
  return value
}

/**
 * The one place a fraction of the weight becomes a score: clamped to [0, 1] and rounded once.
 * A rule that slipped past ruleProblems (a share sum above 100%, say) still cannot leave the range.
 */
function scoreOf(weight: number, fraction: number): number {
  const clamped = Math.min(1, Math.max(0, fraction))
  return Math.min(weight, Math.max(0, roundHalfUp(weight * clamped)))
}

function result(weight: number, fraction: number, reasoning: (score: number) => string): Suggestion {
  if (!Number.isFinite(fraction)) return { ok: false, message: '计分规则参数无效，无法计算得分' }
  const score = scoreOf(weight, fraction)
  return { ok: true, score, reasoning: reasoning(score) }
}

function product(weight: number, fraction: number): (score: number) => string {
  return (score) => `得分 = ${pointsText(weight)} × ${rateText(fraction)} = ${pointsText(score)} 分`
}

function zero(weight: number, why: string): Suggestion {
  return result(weight, 0, () => `${why}，本指标得0分`)
}

// ---------------------------------------------------------------------------------------------

function suggestElement(rule: RuleOf<'element'>, weight: number, input: InputOf<'element'>): Suggestion {
  if (!Array.isArray(input.passed) || input.passed.length !== rule.shares.length) {
    const given = Array.isArray(input.passed) ? input.passed.length : 0
    throw new InputError(`评价要点共 ${rule.shares.length} 个，录入了 ${given} 个要点的判断`)
  }
  const failedVeto = rule.vetoPoints.filter((p) => input.passed[p - 1] !== true)
  if (failedVeto.length > 0) return zero(weight, `要点${failedVeto.map(circledNumber).join('、')}不满足`)
  const passed = rule.shares.map((_, i) => i).filter((i) => input.passed[i] === true)
  if (passed.length === 0) return result(weight, 0, () => '未满足任何评价要点；得分 = 0 分')
  const fraction = passed.reduce((sum, i) => sum + rule.shares[i]!, 0) / ALL
  const which = passed.map((i) => circledNumber(i + 1)).join('')
  return result(
    weight,
    fraction,
    (score) => `满足要点${which}，份额合计 ${rateText(fraction)}；${product(weight, fraction)(score)}`,
  )
}

function suggestFormula(
  rule: RuleOf<'formula'>,
  weight: number,
  direction: Direction,
  input: InputOf<'formula'>,
  name: string,
): Suggestion {
  const n = nonNegative(rule.numerator, input.numerator)
  const d = nonNegative(rule.denominator, input.denominator)
  let rate: number
  let computed: string
  if (direction === 'positive') {
    if (d === 0) throw new InputError(`「${rule.denominator}」为 0，无法计算${name}`)
    rate = n / d
    computed = `${name} = ${rule.numerator} / ${rule.denominator} = ${numberText(n)} / ${numberText(d)} = ${rateText(rate)}`
  } else if (n <= d) {
    rate = 1
    computed = `${rule.numerator} ${numberText(n)} ≤ ${rule.denominator} ${numberText(d)}（反向指标），按 100% 计`
  } else {
    rate = d / n
    computed = `${name} = ${rule.denominator} / ${rule.numerator} = ${numberText(d)} / ${numberText(n)} = ${rateText(rate)}（反向指标）`
  }
  if (rule.zeroBelowPercent !== null && rate < rule.zeroBelowPercent / ALL) {
    return zero(weight, `${computed}，低于 ${formatHundredths(rule.zeroBelowPercent)}%`)
  }
  const capped = Math.min(rate, 1)
  const cap = rate > 1 ? '，超过 100% 按 100% 计' : ''
  return result(weight, capped, (score) => `${computed}${cap}；${product(weight, capped)(score)}`)
}

function suggestTier(
  rule: RuleOf<'tier'>,
  weight: number,
  direction: Direction,
  input: InputOf<'tier'>,
): Suggestion {
  const value = finite(rule.measure, input.value)
  const op = direction === 'negative' ? '≤' : '≥'
  // Bounds are compared in the measure's unit: 9510 / 100 is the same double as the literal 95.1,
  // whereas 95.1 × 100 is not 9510.
  const tier = rule.tiers.find((t) =>
    direction === 'negative' ? value <= t.bound / 100 : value >= t.bound / 100,
  )
  const share = (tier?.share ?? rule.otherwiseShare) / ALL
  const matched = tier
    ? `${rule.measure} ${numberText(value)} ${op} ${formatHundredths(tier.bound)}，得分比例 ${rateText(share)}`
    : `${rule.measure} ${numberText(value)} 未达到任何分档，按其余档 ${rateText(share)} 计`
  return result(weight, share, (score) => `${matched}；${product(weight, share)(score)}`)
}

function suggestDeduction(
  rule: RuleOf<'deduction'>,
  weight: number,
  input: InputOf<'deduction'>,
): Suggestion {
  if (typeof input.findings !== 'number' || !Number.isSafeInteger(input.findings) || input.findings < 0) {
    throw new InputError(`「${rule.counted}」须为不小于 0 的整数`)
  }
  if (input.vetoed === true) {
    if (rule.veto === null) throw new InputError('本指标的计分规则未设否决情形')
    return zero(weight, `存在否决情形（${rule.veto}）`)
  }
  const findings = input.findings
  const perPoints =
    rule.perFinding.unit === 'points' ? rule.perFinding.amount : (weight * rule.perFinding.amount) / ALL
  const per =
    rule.perFinding.unit === 'points'
      ? `每项扣 ${pointsText(rule.perFinding.amount)} 分`
      : `每项扣分值的 ${formatHundredths(rule.perFinding.amount)}%`
  const fraction = weight === 0 ? 1 : (weight - findings * perPoints) / weight
  return result(weight, fraction, (score) => {
    const found = `${rule.counted} ${findings} 项，${per}`
    if (findings === 0) return `${found}；得分 = ${pointsText(score)} 分`
    const floor = score === 0 && findings * perPoints > weight ? '，扣完为止' : ''
    return `${found}，共扣 ${pointsText(weight - score)} 分${floor}；得分 = ${pointsText(weight)} − ${pointsText(weight - score)} = ${pointsText(score)} 分`
  })
}

function suggestQualitative(
  rule: RuleOf<'qualitative'>,
  weight: number,
  input: InputOf<'qualitative'>,
): Suggestion {
  const band = Number.isInteger(input.band) ? rule.bands[input.band] : undefined
  if (!band) throw new InputError(`请选择评定档位（共 ${rule.bands.length} 档）`)
  const range = `${formatHundredths(band.min)}%–${formatHundredths(band.max)}%`
  let fraction = band.max / ALL
  let basis = `按该档上限 ${formatHundredths(band.max)}% 计`
  if (input.sharePercent !== undefined) {
    const share = finite('得分比例', input.sharePercent)
    // The lowest band includes its lower bound; every other band starts just above it.
    const isLowest = input.band === rule.bands.length - 1
    const aboveMin = isLowest ? share >= band.min / 100 : share > band.min / 100
    if (!aboveMin || share > band.max / 100) {
      throw new InputError(`得分比例 ${numberText(share)}% 不在「${band.label}」档（${range}）内`)
    }
    fraction = share / 100
    basis = `按 ${numberText(share)}% 计`
  }
  return result(
    weight,
    fraction,
    (score) => `评定为「${band.label}」（${range}），${basis}；${product(weight, fraction)(score)}`,
  )
}

function suggestSurvey(rule: RuleOf<'survey'>, weight: number, input: InputOf<'survey'>): Suggestion {
  const satisfied = nonNegative('满意样本数', input.satisfied)
  const valid = nonNegative('有效样本数', input.valid)
  if (valid === 0) throw new InputError('有效样本数为 0，无法计算满意度')
  if (satisfied > valid)
    throw new InputError(`满意样本数（${numberText(satisfied)}）不能多于有效样本数（${numberText(valid)}）`)
  const rate = satisfied / valid
  const target = rule.targetPercent / ALL
  const computed = `满意度 = ${numberText(satisfied)} / ${numberText(valid)} = ${rateText(rate)}`
  const targetText = `${formatHundredths(rule.targetPercent)}%`
  if (rate >= target)
    return result(
      weight,
      1,
      (score) => `${computed}，达到目标 ${targetText}；得分 = ${pointsText(score)} 分（满分）`,
    )
  const fraction = rate / target
  return result(
    weight,
    fraction,
    (score) =>
      `${computed}，低于目标 ${targetText}；得分 = ${pointsText(weight)} × ${rateText(rate)} / ${targetText} = ${pointsText(score)} 分`,
  )
}

/**
 * The score the rule suggests for the entered facts, in hundredths within [0, weight], with the
 * computation spelled out. `name` labels the rate of a formula rule (预算执行率, 实际完成率 …).
 */
export function suggestScore(
  rule: ScoringRule,
  weight: number,
  direction: Direction,
  input: RuleInput,
  name = '比率',
): Suggestion {
  if (!Number.isSafeInteger(weight) || weight < 0) return { ok: false, message: '指标分值无效' }
  if (input?.type !== rule.type) {
    return {
      ok: false,
      message: `录入的数据与计分规则不一致（本指标为「${labelOf(RULE_TYPES, rule.type)}」）`,
    }
  }
  try {
    switch (rule.type) {
      case 'element':
        return suggestElement(rule, weight, input as InputOf<'element'>)
      case 'formula':
        return suggestFormula(rule, weight, direction, input as InputOf<'formula'>, name)
      case 'tier':
        return suggestTier(rule, weight, direction, input as InputOf<'tier'>)
      case 'deduction':
        return suggestDeduction(rule, weight, input as InputOf<'deduction'>)
      case 'qualitative':
        return suggestQualitative(rule, weight, input as InputOf<'qualitative'>)
      case 'survey':
        return suggestSurvey(rule, weight, input as InputOf<'survey'>)
      default:
        return { ok: false, message: '未知的计分规则类型' }
    }
  } catch (e) {
    if (e instanceof InputError) return { ok: false, message: e.message }
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// Semantic checks

function isPercent(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0 && x <= ALL
}

const percentText = (hundredths: number) => `${formatHundredths(hundredths)}%`

function textProblems(pairs: [string, string | null][]): string[] {
  return pairs.flatMap(([key, value]) => (value === null ? [] : (textParamProblem(key, value) ?? [])))
}

function elementProblems(rule: RuleOf<'element'>, points: readonly string[]): string[] {
  if (points.length === 0) return ['要素计分须先填写评价要点']
  const problems: string[] = []
  if (rule.shares.length !== points.length) {
    problems.push(`份额个数（${rule.shares.length}）与评价要点个数（${points.length}）不一致`)
  }
  if (!rule.shares.every(isPercent)) problems.push('每个要点的份额须在 0% 到 100% 之间（最多两位小数）')
  else {
    const sum = rule.shares.reduce((a, b) => a + b, 0)
    if (sum !== ALL) problems.push(`份额合计 ${percentText(sum)}，应为 100%`)
  }
  const seen = new Set<number>()
  for (const p of rule.vetoPoints) {
    if (!Number.isInteger(p) || p < 1 || p > points.length)
      problems.push(`否决要点 ${String(p)} 超出评价要点个数（${points.length}）`)
    else if (seen.has(p)) problems.push(`否决要点${circledNumber(p)}重复`)
    seen.add(p)
  }
  return problems
}

function formulaProblems(rule: RuleOf<'formula'>): string[] {
  const problems = textProblems([
    [KEYS.numerator, rule.numerator],
    [KEYS.denominator, rule.denominator],
  ])
  if (rule.zeroBelowPercent !== null && !isPercent(rule.zeroBelowPercent))
    problems.push(`「${KEYS.zeroBelow}」须在 0% 到 100% 之间`)
  return problems
}

const MAX_BOUND = 1e14 // what the spec text can carry: 12 integer digits, two decimals

function tierProblems(rule: RuleOf<'tier'>, direction: Direction): string[] {
  const problems = textProblems([[KEYS.measure, rule.measure]])
  if (rule.tiers.length === 0) return [...problems, '分档计分至少需要一个分档']
  if (!rule.tiers.every((t) => Number.isSafeInteger(t.bound) && Math.abs(t.bound) < MAX_BOUND)) {
    problems.push('分档临界值须为数字（最多两位小数）')
  } else {
    const ordered = rule.tiers.every((t, i) => {
      const prev = rule.tiers[i - 1]
      return !prev || (direction === 'negative' ? t.bound > prev.bound : t.bound < prev.bound)
    })
    if (!ordered)
      problems.push(
        direction === 'negative' ? '分档临界值须依次递增（反向指标）' : '分档临界值须依次递减（正向指标）',
      )
  }
  if (!rule.tiers.every((t) => isPercent(t.share)) || !isPercent(rule.otherwiseShare)) {
    problems.push('分档得分比例须在 0% 到 100% 之间（最多两位小数）')
    return problems
  }
  if (rule.tiers.some((t, i) => i > 0 && t.share > rule.tiers[i - 1]!.share)) {
    problems.push('分档得分比例须逐档不增（越靠前的档位得分越高）')
  }
  const last = rule.tiers[rule.tiers.length - 1]!
  if (rule.otherwiseShare > last.share) {
    problems.push(
      `「${KEYS.otherwise}」得分比例（${percentText(rule.otherwiseShare)}）不能高于最后一档（${percentText(last.share)}）`,
    )
  }
  return problems
}

function deductionProblems(rule: RuleOf<'deduction'>): string[] {
  const problems = textProblems([
    [KEYS.counted, rule.counted],
    [KEYS.veto, rule.veto],
  ])
  const { unit, amount } = rule.perFinding
  const key = unit === 'points' ? KEYS.perPoints : KEYS.perPercent
  if (!Number.isSafeInteger(amount) || amount <= 0) problems.push(`「${key}」须大于 0（最多两位小数）`)
  else if (unit === 'percent' && amount > ALL) problems.push(`「${key}」不能超过 100%`)
  return problems
}

function qualitativeProblems(rule: RuleOf<'qualitative'>): string[] {
  const { bands } = rule
  if (bands.length === 0) return ['定性分档至少需要一个档位']
  const problems = textProblems(bands.map((b) => [KEYS.bands, b.label]))
  if (!bands.every((b) => isPercent(b.min) && isPercent(b.max))) {
    return [...problems, '档位的上下限须在 0% 到 100% 之间（最多两位小数）']
  }
  const labels = new Set(bands.map((b) => b.label))
  if (labels.size !== bands.length) problems.push('档位名称不能重复')
  if (bands[0]!.max !== ALL) problems.push(`第一档「${bands[0]!.label}」的上限须为 100%（最好的档位在前）`)
  bands.forEach((b, i) => {
    if (b.min >= b.max) problems.push(`档位「${b.label}」的下限须小于上限`)
    const next = bands[i + 1]
    if (next && next.max !== b.min) {
      problems.push(
        `档位须依次衔接：「${b.label}」的下限（${percentText(b.min)}）应等于「${next.label}」的上限（${percentText(next.max)}）`,
      )
    }
  })
  const last = bands[bands.length - 1]!
  if (last.min !== 0) problems.push(`最后一档「${last.label}」的下限须为 0%`)
  return problems
}

/**
 * Whether a syntactically valid rule makes sense for its indicator, as Chinese messages (empty when
 * it does). The validator reports each as an error on the indicator's rule.
 */
export function ruleProblems(
  rule: ScoringRule,
  node: { points: readonly string[]; direction: Direction },
): string[] {
  switch (rule.type) {
    case 'element':
      return elementProblems(rule, node.points)
    case 'formula':
      return formulaProblems(rule)
    case 'tier':
      return tierProblems(rule, node.direction)
    case 'deduction':
      return deductionProblems(rule)
    case 'qualitative':
      return qualitativeProblems(rule)
    case 'survey':
      return isPercent(rule.targetPercent) && rule.targetPercent > 0
        ? []
        : ['满意度目标须大于 0% 且不超过 100%']
    default:
      return ['未知的计分规则类型']
  }
}
