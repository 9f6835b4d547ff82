// The rule-spec text (规则参数): how a ScoringRule is written in the editor and in the Excel template.
// One type label plus `key=value` pairs separated by `;`, e.g. `份额=25,25,25,25,0;否决要点=5`.
// Users type these by hand, often with a Chinese IME, so full-width separators, spaces and a `%`
// after numbers are accepted; formatRuleSpec writes the one canonical form, so a rule survives a
// format → parse round trip unchanged (the Excel export/import depends on it).
//
// Element veto points are 1-based, as written (要点⑤ is 5), both in the text and in the rule.

import type { Direction, RuleType, ScoringRule } from './tree'
import { RULE_TYPES } from './tree'

export type ParsedRule = { ok: true; rule: ScoringRule } | { ok: false; message: string }

/** Parameter names of the spec text; messages about a rule name its parameters the same way. */
export const RULE_PARAM_KEYS = {
  shares: '份额',
  vetoPoints: '否决要点',
  numerator: '分子',
  denominator: '分母',
  zeroBelow: '低于则零分',
  measure: '指标',
  tiers: '分档',
  otherwise: '其余',
  counted: '计数',
  perPoints: '每项扣分',
  perPercent: '每项扣比例',
  veto: '否决',
  bands: '档位',
  target: '目标',
} as const
const KEYS = RULE_PARAM_KEYS

const KEYS_BY_TYPE: Record<RuleType, readonly string[]> = {
  element: [KEYS.shares, KEYS.vetoPoints],
  formula: [KEYS.numerator, KEYS.denominator, KEYS.zeroBelow],
  tier: [KEYS.measure, KEYS.tiers, KEYS.otherwise],
  deduction: [KEYS.counted, KEYS.perPoints, KEYS.perPercent, KEYS.veto],
  qualitative: [KEYS.bands],
  survey: [KEYS.target],
}

const FULL_WIDTH: Record<string, string> = { '；': ';', '＝': '=', '，': ',', '：': ':' }
const SEPARATORS = /[;=,:；＝，：]/

/** The code (`tier`) or the Chinese label (`分档计分`), as the Excel column and the editor show it. */
export function parseRuleType(label: string): RuleType | null {
  const text = label.trim()
  return RULE_TYPES.find((t) => t.code === text || t.label === text)?.code ?? null
}

/**
 * Why a text parameter cannot be written in the spec syntax, or null. Shared with the semantic
 * checks so a rule built in code is held to what the text can carry.
 */
export function textParamProblem(key: string, value: string): string | null {
  if (value.trim() === '') return `参数「${key}」不能为空`
  if (SEPARATORS.test(value)) return `参数「${key}」不能包含分隔符 ; = , :（含全角）`
  if (value !== value.trim()) return `参数「${key}」首尾不能有空格`
  return null
}

// ---------------------------------------------------------------------------------------------
// Numbers: integer hundredths written as decimals with at most two places ("33.33" -> 3333).

const DECIMAL = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/

function parseHundredths(raw: string, allowNegative: boolean): number | null {
  const text = raw
    .trim()
    .replace(/[%％]$/, '')
    .trim()
  const m = DECIMAL.exec(text)
  if (!m) return null
  if (m[1] === '-' && !allowNegative) return null
  const magnitude = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  // "-0" would become -0, which is not a clean value to store or compare.
  return m[1] === '-' && magnitude !== 0 ? -magnitude : magnitude
}

/** 3333 -> "33.33", 1250 -> "12.5", 10000 -> "100", -150 -> "-1.5". */
export function formatHundredths(value: number): string {
  const sign = value < 0 ? '-' : ''
  const abs = Math.abs(value)
  const whole = Math.floor(abs / 100)
  const frac = String(Math.round(abs - whole * 100))
    .padStart(2, '0')
    .replace(/0+$/, '')
  return frac === '' ? `${sign}${whole}` : `${sign}${whole}.${frac}`
}

const CIRCLED_FIRST = 0x2460 // ①; the block runs to ⑳

function parsePointIndex(raw: string): number | null {
  const text = raw.trim()
  if (text.length === 1) {
    const offset = text.charCodeAt(0) - CIRCLED_FIRST
    if (offset >= 0 && offset < 20) return offset + 1
  }
  return /^\d{1,4}$/.test(text) && Number(text) >= 1 ? Number(text) : null
}

/** 5 -> "⑤" (up to ⑳), beyond that "(21)": the numbering the national texts use for 评价要点. */
export function circledNumber(index: number): string {
  return index >= 1 && index <= 20 ? String.fromCharCode(CIRCLED_FIRST + index - 1) : `(${index})`
}

// ---------------------------------------------------------------------------------------------
// Parsing

class SpecError extends Error {}

function splitParams(params: string): Map<string, string> {
  const text = params.replace(/[；＝，：]/g, (c) => FULL_WIDTH[c] ?? c)
  const values = new Map<string, string>()
  for (const segment of text.split(';')) {
    if (segment.trim() === '') continue
    const eq = segment.indexOf('=')
    const key = eq < 0 ? '' : segment.slice(0, eq).trim()
    if (key === '') throw new SpecError(`规则参数须写作「参数名=值」，以分号分隔：「${segment.trim()}」`)
    if (values.has(key)) throw new SpecError(`参数「${key}」重复`)
    values.set(key, segment.slice(eq + 1).trim())
  }
  return values
}

class Params {
  constructor(private readonly values: Map<string, string>) {}

  optional(key: string): string | null {
    const value = this.values.get(key)
    return value === undefined || value === '' ? null : value
  }

  required(key: string): string {
    const value = this.optional(key)
    if (value === null) throw new SpecError(`缺少参数「${key}」`)
    return value
  }

  text(key: string): string {
    return checkedText(key, this.required(key))
  }

  optionalText(key: string): string | null {
    const value = this.optional(key)
    return value === null ? null : checkedText(key, value)
  }

  percent(key: string): number {
    return percentValue(key, this.required(key))
  }

  optionalPercent(key: string): number | null {
    const value = this.optional(key)
    return value === null ? null : percentValue(key, value)
  }

  list(key: string): string[] {
    return this.required(key)
      .split(',')
      .map((item) => item.trim())
  }
}

function checkedText(key: string, value: string): string {
  const problem = textParamProblem(key, value)
  if (problem) throw new SpecError(problem)
  return value
}

function percentValue(key: string, raw: string): number {
  const value = parseHundredths(raw, false)
  if (value === null) throw new SpecError(`规则参数「${key}」须为百分比（不小于 0，最多两位小数）`)
  return value
}

function parseElement(p: Params): ScoringRule {
  const shares = p.list(KEYS.shares).map((item) => parseHundredths(item, false))
  if (shares.some((s) => s === null)) throw new SpecError(`规则参数「${KEYS.shares}」须为以逗号分隔的百分比`)
  const veto = p.optional(KEYS.vetoPoints)
  const vetoPoints = veto === null ? [] : p.list(KEYS.vetoPoints).map(parsePointIndex)
  if (vetoPoints.some((i) => i === null)) {
    throw new SpecError(`规则参数「${KEYS.vetoPoints}」须为以逗号分隔的要点序号，如 5 或 1,3`)
  }
  return { type: 'element', shares: shares as number[], vetoPoints: vetoPoints as number[] }
}

function parseFormula(p: Params): ScoringRule {
  return {
    type: 'formula',
    numerator: p.text(KEYS.numerator),
    denominator: p.text(KEYS.denominator),
    zeroBelowPercent: p.optionalPercent(KEYS.zeroBelow),
  }
}

function parseTier(p: Params): ScoringRule {
  const measure = p.text(KEYS.measure)
  const tiers = p.list(KEYS.tiers).map((item) => {
    const [bound, share, ...rest] = item.split(':')
    const parsedBound = bound === undefined ? null : parseHundredths(bound, true)
    const parsedShare = share === undefined ? null : parseHundredths(share, false)
    if (rest.length > 0 || parsedBound === null || parsedShare === null) {
      throw new SpecError(
        `规则参数「${KEYS.tiers}」须为以逗号分隔的「临界值:得分比例」，如 95:100,90:80：「${item}」`,
      )
    }
    return { bound: parsedBound, share: parsedShare }
  })
  return { type: 'tier', measure, tiers, otherwiseShare: p.optionalPercent(KEYS.otherwise) ?? 0 }
}

function parseDeduction(p: Params): ScoringRule {
  const counted = p.text(KEYS.counted)
  const points = p.optional(KEYS.perPoints)
  const percent = p.optional(KEYS.perPercent)
  if ((points === null) === (percent === null)) {
    throw new SpecError(`「${KEYS.perPoints}」与「${KEYS.perPercent}」须填写且只填写其中一项`)
  }
  let perFinding: { unit: 'points' | 'percent'; amount: number }
  if (points !== null) {
    const amount = parseHundredths(points, false)
    if (amount === null)
      throw new SpecError(`规则参数「${KEYS.perPoints}」须为分值（不小于 0，最多两位小数）`)
    perFinding = { unit: 'points', amount }
  } else {
    perFinding = { unit: 'percent', amount: p.percent(KEYS.perPercent) }
  }
  return { type: 'deduction', counted, perFinding, veto: p.optionalText(KEYS.veto) }
}

const RANGE_DASH = /[-~～–—]/

function parseQualitative(p: Params): ScoringRule {
  const bands = p.list(KEYS.bands).map((item) => {
    const [label, range, ...rest] = item.split(':')
    const bounds = range?.split(RANGE_DASH) ?? []
    const min = bounds.length === 2 ? parseHundredths(bounds[0]!, false) : null
    const max = bounds.length === 2 ? parseHundredths(bounds[1]!, false) : null
    if (rest.length > 0 || label === undefined || min === null || max === null) {
      throw new SpecError(
        `规则参数「${KEYS.bands}」须为以逗号分隔的「档位名称:下限-上限」，如 达成:80-100：「${item}」`,
      )
    }
    return { label: checkedText(KEYS.bands, label.trim()), min, max }
  })
  return { type: 'qualitative', bands }
}

function parseSurvey(p: Params): ScoringRule {
  return { type: 'survey', targetPercent: p.percent(KEYS.target) }
}

const PARSERS: Record<RuleType, (p: Params) => ScoringRule> = {
  element: parseElement,
  formula: parseFormula,
  tier: parseTier,
  deduction: parseDeduction,
  qualitative: parseQualitative,
  survey: parseSurvey,
}

/**
 * Parses the 规则参数 text for a rule type. Checks the syntax only; whether the rule makes sense for
 * its indicator (shares summing to 100%, monotonic tiers …) is ruleProblems' job in rules.ts.
 */
export function parseRuleSpec(type: RuleType, params: string): ParsedRule {
  const parse = Object.hasOwn(PARSERS, type) ? PARSERS[type] : undefined
  if (!parse) return { ok: false, message: `未知的计分规则类型「${String(type)}」` }
  try {
    const values = splitParams(params)
    const known = KEYS_BY_TYPE[type]
    for (const key of values.keys()) {
      if (!known.includes(key)) return { ok: false, message: `未知参数「${key}」` }
    }
    return { ok: true, rule: parse(new Params(values)) }
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, message: e.message }
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

function joinParams(pairs: [string, string | null][]): string {
  return pairs
    .filter((pair): pair is [string, string] => pair[1] !== null)
    .map(([key, value]) => `${key}=${value}`)
    .join(';')
}

/** The canonical text: ASCII separators, no spaces, no `%`, optional parameters left out when unset. */
export function formatRuleSpec(rule: ScoringRule): string {
  switch (rule.type) {
    case 'element':
      return joinParams([
        [KEYS.shares, rule.shares.map(formatHundredths).join(',')],
        [KEYS.vetoPoints, rule.vetoPoints.length > 0 ? rule.vetoPoints.join(',') : null],
      ])
    case 'formula':
      return joinParams([
        [KEYS.numerator, rule.numerator],
        [KEYS.denominator, rule.denominator],
        [KEYS.zeroBelow, rule.zeroBelowPercent === null ? null : formatHundredths(rule.zeroBelowPercent)],
      ])
    case 'tier':
      return joinParams([
        [KEYS.measure, rule.measure],
        [
          KEYS.tiers,
          rule.tiers.map((t) => `${formatHundredths(t.bound)}:${formatHundredths(t.share)}`).join(','),
        ],
        [KEYS.otherwise, formatHundredths(rule.otherwiseShare)],
      ])
    case 'deduction':
      return joinParams([
        [KEYS.counted, rule.counted],
        [
          rule.perFinding.unit === 'points' ? KEYS.perPoints : KEYS.perPercent,
          formatHundredths(rule.perFinding.amount),
        ],
        [KEYS.veto, rule.veto],
      ])
    case 'qualitative':
      return joinParams([
        [
          KEYS.bands,
          rule.bands.map((b) => `${b.label}:${formatHundredths(b.min)}-${formatHundredths(b.max)}`).join(','),
        ],
      ])
    case 'survey':
      return joinParams([[KEYS.target, formatHundredths(rule.targetPercent)]])
  }
}

// ---------------------------------------------------------------------------------------------
// Defaults for the editor

/** Official three bands (REFERENCE §1.4): 达成 (80%,100%], 部分达成 (60%,80%], 未达成 [0,60%]. */
export const OFFICIAL_BANDS: readonly { label: string; min: number; max: number }[] = [
  { label: '达成', min: 8000, max: 10000 },
  { label: '部分达成', min: 6000, max: 8000 },
  { label: '未达成', min: 0, max: 6000 },
]

function equalShares(count: number): number[] {
  if (count === 0) return [10000]
  const each = Math.floor(10000 / count)
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? 10000 - each * (count - 1) : each))
}

/**
 * A valid starting rule for the editor when the user picks a type. Tiers follow the usual
 * "≥95% full, ≥90% 80%, ≥80% 60%" pattern, mirrored for 反向 indicators (≤5 / ≤10 / ≤20).
 */
export function defaultRule(
  type: RuleType,
  node: { points: string[]; name: string; direction?: Direction },
): ScoringRule {
  switch (type) {
    case 'element':
      return { type, shares: equalShares(node.points.length), vetoPoints: [] }
    case 'formula':
      return { type, numerator: '实际值', denominator: '目标值', zeroBelowPercent: null }
    case 'tier': {
      const measure = node.name.replace(new RegExp(SEPARATORS.source, 'g'), '').trim() || '实际值'
      const bounds = node.direction === 'negative' ? [500, 1000, 2000] : [9500, 9000, 8000]
      const shares = [10000, 8000, 6000]
      return {
        type,
        measure,
        tiers: bounds.map((bound, i) => ({ bound, share: shares[i]! })),
        otherwiseShare: 0,
      }
    }
    case 'deduction':
      return { type, counted: '不合规事项', perFinding: { unit: 'points', amount: 100 }, veto: null }
    case 'qualitative':
      return { type, bands: OFFICIAL_BANDS.map((b) => ({ ...b })) }
    case 'survey':
      return { type, targetPercent: 9000 }
  }
}

// ---------------------------------------------------------------------------------------------
// One-line description, shown where the indicator has no 评分标准 text of its own

function percentText(hundredths: number): string {
  return `${formatHundredths(hundredths)}%`
}

function shareText(share: number): string {
  if (share === 10000) return '得满分'
  if (share === 0) return '得0分'
  return `得${percentText(share)}`
}

function pointList(indexes: number[]): string {
  if (indexes.length >= 3 && indexes.every((x, i) => i === 0 || x === indexes[i - 1]! + 1)) {
    return `${circledNumber(indexes[0]!)}–${circledNumber(indexes[indexes.length - 1]!)}`
  }
  return indexes.map(circledNumber).join('、')
}

function describeElement(rule: Extract<ScoringRule, { type: 'element' }>): string {
  // Consecutive points with the same share read as one phrase: 要点①–④各占25%.
  const runs: { share: number; indexes: number[] }[] = []
  rule.shares.forEach((share, i) => {
    const last = runs[runs.length - 1]
    if (share === 0) return
    if (last && last.share === share && last.indexes[last.indexes.length - 1] === i) last.indexes.push(i + 1)
    else runs.push({ share, indexes: [i + 1] })
  })
  const parts = runs.map(
    (r) => `要点${pointList(r.indexes)}${r.indexes.length > 1 ? '各' : ''}占${percentText(r.share)}`,
  )
  if (rule.vetoPoints.length === 1) parts.push(`要点${circledNumber(rule.vetoPoints[0]!)}不满足则本指标0分`)
  else if (rule.vetoPoints.length > 1) parts.push(`要点${pointList(rule.vetoPoints)}任一不满足则本指标0分`)
  return parts.join('；')
}

function describeTier(rule: Extract<ScoringRule, { type: 'tier' }>, direction: Direction): string {
  const op = direction === 'negative' ? '≤' : '≥'
  const parts = rule.tiers.map((t) => `${rule.measure}${op}${formatHundredths(t.bound)}${shareText(t.share)}`)
  parts.push(`其余${shareText(rule.otherwiseShare)}`)
  return parts.join('，')
}

/** e.g. "要点①–④各占25%；要点⑤不满足则本指标0分". `weight` in hundredths; 0 reads as 分值. */
export function describeRule(rule: ScoringRule, weight: number, direction: Direction = 'positive'): string {
  const full = weight > 0 ? `${formatHundredths(weight)}分` : '分值'
  switch (rule.type) {
    case 'element':
      return describeElement(rule)
    case 'formula': {
      const rate =
        direction === 'negative'
          ? `${rule.denominator} / ${rule.numerator}`
          : `${rule.numerator} / ${rule.denominator}`
      const zero = rule.zeroBelowPercent === null ? '' : `；低于${percentText(rule.zeroBelowPercent)}得0分`
      return `得分 = ${full} × ${rate}（封顶100%）${zero}`
    }
    case 'tier':
      return describeTier(rule, direction)
    case 'deduction': {
      const per =
        rule.perFinding.unit === 'points'
          ? `扣${formatHundredths(rule.perFinding.amount)}分`
          : `扣分值的${percentText(rule.perFinding.amount)}`
      const veto = rule.veto === null ? '' : `；存在${rule.veto}的本指标0分`
      return `每项${rule.counted}${per}，扣完为止${veto}`
    }
    case 'qualitative':
      return rule.bands.map((b) => `${b.label}得${formatHundredths(b.min)}%–${percentText(b.max)}`).join('，')
    case 'survey':
      return `满意度≥${percentText(rule.targetPercent)}得满分；低于的，得分 = ${full} × 满意度 / ${percentText(rule.targetPercent)}`
  }
}
