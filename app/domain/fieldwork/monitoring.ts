// 绩效运行监控 (双监控, issue 9 item 5; REFERENCE.md §2.6): per target indicator the annual target,
// the year-to-date actual, the expected full-year value, the deviation cause and the likelihood of
// meeting the target; budget execution against the time-elapsed schedule (序时进度); yellow and red
// warnings by configurable thresholds.
//
// Decisions (thresholds are local practice, not national rules, so they are data):
// - Budget: gap = 序时进度 − 执行率 in percentage points; yellow when the gap is at least the yellow
//   threshold, red when at least the red one (defaults 10 and 20). Ahead of schedule is never a warning.
// - Indicators: the shortfall of the expected full-year value against the annual target, as a share
//   of the target (正向: (目标 − 预计) / |目标|; 反向: (预计 − 目标) / |目标|), meets the indicator
//   thresholds in the same way. This is REFERENCE's 偏差率 |预计 − 目标| / 目标 counted only in the
//   bad direction: exceeding a target is reported as the deviation rate but never warned. A target
//   of 0 with any shortfall is red (the share is unbounded). 「完全不可能」 makes any indicator red;
//   a qualitative indicator has no number, so 「有可能」 is yellow and 「确定能」 none.
// - A deviation is expected when the expected value falls short or the likelihood is not 「确定能」;
//   then a cause is required (and a note for 「其他」), otherwise none may be given, so the printed
//   table never explains a deviation that is not there. The likelihood must agree with the numbers:
//   a shortfall cannot be 「确定能」 and a met target cannot be 「完全不可能」.
//
// Exactness: values are decimals with at most 4 places, kept as scaled BigInts; money is fen; every
// threshold comparison is done by cross-multiplication, so 10 points behind is exactly yellow.

import { formatFenAsWanYuan } from '../money'
import type { Direction } from '../indicators/tree'
import { labelOf } from '../indicators/tree'
import { cleanText } from '../text'
import type { Ratio } from './ratio'
import { formatPercent, formatPercentagePoints, ratio, ratioValue } from './ratio'

export const DEVIATION_CAUSES = [
  { code: 'funding', label: '经费保障' },
  { code: 'institutional', label: '制度保障' },
  { code: 'staffing', label: '人员保障' },
  { code: 'facilities', label: '硬件条件保障' },
  { code: 'other', label: '其他' },
] as const
export type DeviationCause = (typeof DEVIATION_CAUSES)[number]['code']

export const LIKELIHOODS = [
  { code: 'certain', label: '确定能' },
  { code: 'possible', label: '有可能' },
  { code: 'impossible', label: '完全不可能' },
] as const
export type Likelihood = (typeof LIKELIHOODS)[number]['code']

export const MEASURES = [
  { code: 'quantitative', label: '定量' },
  { code: 'qualitative', label: '定性' },
] as const
export type Measure = (typeof MEASURES)[number]['code']

export const WARNING_LEVELS = [
  { code: 'none', label: '正常' },
  { code: 'yellow', label: '黄色预警' },
  { code: 'red', label: '红色预警' },
] as const
export type WarningLevel = (typeof WARNING_LEVELS)[number]['code']

const RANK: Record<WarningLevel, number> = { none: 0, yellow: 1, red: 2 }
function worse(a: WarningLevel, b: WarningLevel): WarningLevel {
  return RANK[a] >= RANK[b] ? a : b
}

// ---------------------------------------------------------------------------------------------
// Thresholds

/** Hundredths of a percentage point (10 个百分点 = 1000), as weights are hundredths of a point. */
export type WarningThresholds = { yellow: number; red: number }
export type MonitoringThresholds = { budget: WarningThresholds; indicator: WarningThresholds }

export const DEFAULT_THRESHOLDS: MonitoringThresholds = {
  budget: { yellow: 1000, red: 2000 },
  indicator: { yellow: 1000, red: 2000 },
}

const ALL_POINTS = 10000 // 100 percentage points

export type ThresholdField = 'budget.yellow' | 'budget.red' | 'indicator.yellow' | 'indicator.red'
export type ThresholdProblem = { field: ThresholdField; message: string }

/** "10" or "12.5" (percentage points) -> 1000 / 1250; more than two decimals or out of (0, 100] is refused. */
export function parseThresholdPoints(input: string): { ok: true; value: number } | { ok: false; message: string } {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(cleanText(input).normalize('NFKC').replace(/\s/g, ''))
  const value = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : Number.NaN
  if (!(value > 0 && value <= ALL_POINTS)) return { ok: false, message: '预警阈值须为大于 0、不超过 100 的百分点数（最多两位小数）' }
  return { ok: true, value }
}

/** Yellow must come before red, both within (0, 100] points. */
export function thresholdProblems(t: MonitoringThresholds): ThresholdProblem[] {
  const problems: ThresholdProblem[] = []
  for (const [key, label] of [['budget', '预算执行'], ['indicator', '绩效指标']] as const) {
    const { yellow, red } = t[key]
    const inRange = (x: number) => Number.isSafeInteger(x) && x > 0 && x <= ALL_POINTS
    if (!inRange(yellow)) problems.push({ field: `${key}.yellow`, message: `${label}的黄色预警阈值须大于 0 且不超过 100 个百分点` })
    if (!inRange(red)) problems.push({ field: `${key}.red`, message: `${label}的红色预警阈值须大于 0 且不超过 100 个百分点` })
    else if (inRange(yellow) && yellow >= red) problems.push({ field: `${key}.red`, message: `${label}的红色预警阈值须大于黄色预警阈值（${formatHundredthsOfPoints(yellow)}）` })
  }
  return problems
}

function formatHundredthsOfPoints(hundredths: number): string {
  return `${String(hundredths / 100)} 个百分点`
}

/**
 * The level for a gap (a share of 1, positive = behind) given exactly as gapNumerator / gapDenominator
 * (denominator > 0): gap ≥ threshold ⇔ gapNumerator · 10000 ≥ threshold · gapDenominator.
 */
function levelOfGap(gapNumerator: bigint, gapDenominator: bigint, t: WarningThresholds): WarningLevel {
  const scaled = gapNumerator * BigInt(ALL_POINTS)
  if (scaled >= BigInt(t.red) * gapDenominator) return 'red'
  if (scaled >= BigInt(t.yellow) * gapDenominator) return 'yellow'
  return 'none'
}

function thresholdReached(level: WarningLevel, t: WarningThresholds): string {
  if (level === 'none') return ''
  const line = level === 'red' ? t.red : t.yellow
  return `，达到${labelOf(WARNING_LEVELS, level)}线（${formatHundredthsOfPoints(line)}）`
}

// ---------------------------------------------------------------------------------------------
// Decimal values of indicators

const SCALE = 10_000n
const DECIMAL = /^(-?)(\d{1,12})(?:\.(\d{1,4}))?$/

type Decimal = { text: string; scaled: bigint }

/** "1,200", "95.5%", full-width digits -> exact scaled value and its canonical text ("1200", "95.5"). */
function parseDecimal(input: string): Decimal | null {
  const m = DECIMAL.exec(cleanText(input).normalize('NFKC').replace(/[,\s]/g, '').replace(/%$/, ''))
  if (!m) return null
  const magnitude = BigInt(m[2]!) * SCALE + BigInt((m[3] ?? '').padEnd(4, '0'))
  const scaled = m[1] === '-' ? -magnitude : magnitude
  const whole = (magnitude / SCALE).toString()
  const frac = (magnitude % SCALE).toString().padStart(4, '0').replace(/0+$/, '')
  return { text: `${scaled < 0n ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`, scaled }
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x
}

// ---------------------------------------------------------------------------------------------
// Target indicators

/** As typed in the monitoring table's row; cause and likelihood are codes or ''. */
export type MonitoringIndicatorInput = {
  name: string
  unit: string
  direction: Direction
  measure: Measure
  annualTarget: string
  ytdActual: string
  expectedFullYear: string
  cause: string
  causeNote: string
  likelihood: string
  remark: string
}
export type MonitoringField = keyof MonitoringIndicatorInput
export type FieldProblem<F extends string> = { field: F; message: string }

/** A valid row. Quantitative values are canonical decimal text ("1200", "95.5"). */
export type MonitoringIndicator = Omit<MonitoringIndicatorInput, 'cause' | 'likelihood'> & {
  cause: DeviationCause | null
  likelihood: Likelihood
}

export const MAX_NAME_CHARS = 100
export const MAX_UNIT_CHARS = 20
export const MAX_VALUE_CHARS = 200
export const MAX_NOTE_CHARS = 500

/** Shortfall of the expected value against the target (scaled, positive = falls short). */
function shortfallOf(direction: Direction, target: bigint, expected: bigint): bigint {
  return direction === 'negative' ? expected - target : target - expected
}

/** A row of the monitoring table checked field by field; messages name the indicator. */
export function parseMonitoringIndicator(input: MonitoringIndicatorInput): { ok: true; value: MonitoringIndicator } | { ok: false; problems: FieldProblem<MonitoringField>[] } {
  const problems: FieldProblem<MonitoringField>[] = []
  const name = cleanText(input.name)
  const who = name === '' ? '该指标' : `「${name.slice(0, 30)}」`
  const add = (field: MonitoringField, message: string) => problems.push({ field, message: `${who}${message}` })
  const text = (field: MonitoringField, max: number, label: string, required: boolean) => {
    const value = cleanText(String(input[field] ?? ''))
    if (required && value === '') add(field, `的${label}不能为空`)
    else if (value.length > max) add(field, `的${label}不能超过 ${max} 字`)
    return value
  }

  if (name === '') problems.push({ field: 'name', message: '指标名称不能为空' })
  else if (name.length > MAX_NAME_CHARS) add('name', `的名称不能超过 ${MAX_NAME_CHARS} 字`)
  const unit = text('unit', MAX_UNIT_CHARS, '计量单位', false)
  const direction: Direction = input.direction === 'negative' ? 'negative' : 'positive'
  if (input.direction !== 'positive' && input.direction !== 'negative') add('direction', '须选择正向或反向')
  const quantitative = input.measure === 'quantitative'
  if (!quantitative && input.measure !== 'qualitative') add('measure', '须选择定量或定性')

  const labels = { annualTarget: '年度指标值', ytdActual: '当年累计执行情况', expectedFullYear: '全年预计完成情况' } as const
  const values = {} as Record<keyof typeof labels, string>
  const scaled: Partial<Record<keyof typeof labels, bigint>> = {}
  for (const field of ['annualTarget', 'ytdActual', 'expectedFullYear'] as const) {
    if (!quantitative) {
      values[field] = text(field, MAX_VALUE_CHARS, labels[field], true)
      continue
    }
    const raw = cleanText(input[field])
    const parsed = parseDecimal(raw)
    if (raw === '') add(field, `的${labels[field]}不能为空`)
    else if (!parsed) add(field, `的${labels[field]}须为数字（最多 12 位整数、4 位小数）`)
    values[field] = parsed?.text ?? raw
    if (parsed) scaled[field] = parsed.scaled
  }

  const likelihood = LIKELIHOODS.find((l) => l.code === input.likelihood)?.code ?? null
  if (likelihood === null) add('likelihood', `须选择完成目标可能性（${LIKELIHOODS.map((l) => l.label).join('/')}）`)
  const cause = input.cause === '' ? null : (DEVIATION_CAUSES.find((c) => c.code === input.cause)?.code ?? null)
  if (input.cause !== '' && cause === null) add('cause', `的偏差原因无效，可选：${DEVIATION_CAUSES.map((c) => c.label).join('/')}`)
  const causeNote = text('causeNote', MAX_NOTE_CHARS, '偏差原因说明', false)

  const { annualTarget: target, expectedFullYear: expected } = scaled
  const shortfall = target !== undefined && expected !== undefined ? shortfallOf(direction, target, expected) : null
  if (shortfall !== null && likelihood === 'certain' && shortfall > 0n)
    add('likelihood', '的全年预计完成情况未达到年度指标值，完成目标可能性不能为「确定能」')
  if (shortfall !== null && likelihood === 'impossible' && shortfall <= 0n)
    add('likelihood', '的全年预计完成情况已达到年度指标值，完成目标可能性不能为「完全不可能」')
  if (likelihood !== null && (!quantitative || shortfall !== null)) {
    const deviates = (shortfall !== null && shortfall > 0n) || likelihood !== 'certain'
    if (deviates && input.cause === '') add('cause', '预计存在偏差，请选择偏差原因')
    if (deviates && cause === 'other' && causeNote === '') add('causeNote', '的偏差原因为「其他」，请说明具体原因')
    if (!deviates && (input.cause !== '' || causeNote !== '')) add('cause', '预计能完成年度目标，无需填写偏差原因')
  }
  const remark = text('remark', MAX_NOTE_CHARS, '备注', false)

  if (problems.length > 0 || likelihood === null) return { ok: false, problems }
  return {
    ok: true,
    value: { name, unit, direction, measure: quantitative ? 'quantitative' : 'qualitative', ...values, cause, causeNote, likelihood, remark },
  }
}

export type IndicatorAssessment = {
  /** Shortfall as a share of |target| (positive = behind, negative = ahead); null for qualitative rows and a 0 target. */
  shortfall: number | null
  /** REFERENCE's 偏差率 |预计 − 目标| / |目标|; null where shortfall is. */
  deviationRate: number | null
  deviationExpected: boolean
  level: WarningLevel
  /** The shortfall or likelihood behind the level, in Chinese (a shortfall below the yellow line too); empty when on target. */
  reason: string
}

/** The warning for a valid row (see the decisions at the top of this file). */
export function assessIndicator(indicator: MonitoringIndicator, t: WarningThresholds): IndicatorAssessment {
  const impossible = indicator.likelihood === 'impossible'
  const likelihoodText = `完成目标可能性为「${labelOf(LIKELIHOODS, indicator.likelihood)}」`
  if (indicator.measure === 'qualitative') {
    const level: WarningLevel = impossible ? 'red' : indicator.likelihood === 'possible' ? 'yellow' : 'none'
    return { shortfall: null, deviationRate: null, deviationExpected: level !== 'none', level, reason: level === 'none' ? '' : likelihoodText }
  }
  const target = parseDecimal(indicator.annualTarget)?.scaled
  const expected = parseDecimal(indicator.expectedFullYear)?.scaled
  if (target === undefined || expected === undefined) throw new RangeError('assessIndicator needs a parsed quantitative row')
  const shortfall = shortfallOf(indicator.direction, target, expected)
  const unit = indicator.unit === '' ? '' : ` ${indicator.unit}`
  const facts = `全年预计 ${indicator.expectedFullYear}${unit}，年度指标值 ${indicator.annualTarget}${unit}`
  let level: WarningLevel
  let reason: string
  let share: number | null = null
  if (target === 0n) {
    level = shortfall > 0n ? 'red' : 'none'
    reason = shortfall > 0n ? `${facts}，指标值为 0 而预计未达到` : ''
  } else {
    share = Number(shortfall) / Number(abs(target))
    level = shortfall > 0n ? levelOfGap(shortfall, abs(target), t) : 'none'
    reason = shortfall > 0n ? `${facts}，偏差 ${formatPercent(share)}${thresholdReached(level, t)}` : ''
  }
  if (impossible) {
    reason = reason === '' ? likelihoodText : `${reason}；${likelihoodText}`
    level = 'red'
  }
  return {
    shortfall: share,
    deviationRate: share === null ? null : Math.abs(share),
    deviationExpected: shortfall > 0n || indicator.likelihood !== 'certain',
    level,
    reason,
  }
}

// ---------------------------------------------------------------------------------------------
// Budget execution against 序时进度

export const SCHEDULE_BASES = [
  { code: 'month', label: '按月（截止月份 ÷ 12）' },
  { code: 'day', label: '按日（已过天数 ÷ 全年天数）' },
] as const
export type ScheduleBasis = (typeof SCHEDULE_BASES)[number]['code']

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

function dayOfYear(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS + 1
}

/**
 * 序时进度 at a cut-off date of the budget year, exactly. By month (REFERENCE: month ÷ 12) the
 * cut-off's month counts as elapsed, since monitoring data are reported to a month's end (1–7月);
 * by day, the days up to and including the cut-off over the days of the year.
 */
export function elapsedShare(asOf: string, year: number, basis: ScheduleBasis = 'month'): { ok: true; share: Ratio } | { ok: false; message: string } {
  const m = ISO_DATE.exec(asOf)
  const [y, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0]
  const real = m !== null && month >= 1 && month <= 12 && day >= 1 && new Date(Date.UTC(y, month - 1, day)).getUTCDate() === day
  if (!real) return { ok: false, message: '监控截止日期须为有效日期（YYYY-MM-DD）' }
  if (y !== year) return { ok: false, message: `监控截止日期须在预算年度 ${year} 年内` }
  if (basis === 'month') return { ok: true, share: ratio(month, 12) }
  return { ok: true, share: ratio(dayOfYear(year, month, day), dayOfYear(year, 12, 31)) }
}

export type BudgetExecutionInput = { budgetFen: number; spentFen: number; asOf: string; year: number; basis?: ScheduleBasis }
export type BudgetField = 'budgetFen' | 'spentFen' | 'asOf'

export type BudgetAssessment = {
  elapsed: Ratio
  execution: Ratio
  /** 序时进度 − 执行率 in percentage points; positive = behind schedule. For display; the level is exact. */
  gapPoints: number
  level: WarningLevel
  reason: string
}

/** Execution rate = spent / budget against 序时进度, with the warning its gap reaches. */
export function assessBudgetExecution(input: BudgetExecutionInput, t: WarningThresholds): { ok: true; value: BudgetAssessment } | { ok: false; problems: FieldProblem<BudgetField>[] } {
  const problems: FieldProblem<BudgetField>[] = []
  const { budgetFen, spentFen } = input
  if (!Number.isSafeInteger(budgetFen) || budgetFen <= 0) problems.push({ field: 'budgetFen', message: '预算金额须大于 0' })
  if (!Number.isSafeInteger(spentFen) || spentFen < 0) problems.push({ field: 'spentFen', message: '已支出金额不能为负数' })
  else if (spentFen > budgetFen && problems.length === 0)
    problems.push({ field: 'spentFen', message: `已支出金额（${formatFenAsWanYuan(spentFen)} 万元）超过预算金额（${formatFenAsWanYuan(budgetFen)} 万元），请按调整后预算填写` })
  const elapsed = elapsedShare(input.asOf, input.year, input.basis)
  if (!elapsed.ok) problems.push({ field: 'asOf', message: elapsed.message })
  if (problems.length > 0 || !elapsed.ok) return { ok: false, problems }

  const execution = ratio(spentFen, budgetFen)
  const { numerator: a, denominator: b } = elapsed.share
  // a/b − s/B = (a·B − s·b) / (b·B), exact in BigInt.
  const gapNumerator = BigInt(a) * BigInt(budgetFen) - BigInt(spentFen) * BigInt(b)
  const gapDenominator = BigInt(b) * BigInt(budgetFen)
  const level = gapNumerator > 0n ? levelOfGap(gapNumerator, gapDenominator, t) : 'none'
  const gapPoints = (ratioValue(elapsed.share) - ratioValue(execution)) * 100
  const standing = gapNumerator > 0n ? `落后 ${formatPercentagePoints(gapPoints)}` : gapNumerator < 0n ? `领先 ${formatPercentagePoints(-gapPoints)}` : '与序时进度持平'
  const reason = `截至 ${input.asOf}，预算执行率 ${formatPercent(execution)}（${formatFenAsWanYuan(spentFen)} / ${formatFenAsWanYuan(budgetFen)} 万元），序时进度 ${formatPercent(elapsed.share)}，${standing}${thresholdReached(level, t)}`
  return { ok: true, value: { elapsed: elapsed.share, execution, gapPoints, level, reason } }
}

// ---------------------------------------------------------------------------------------------
// The warnings of a monitoring engagement

export type MonitoringWarning = { level: 'yellow' | 'red'; subject: string; message: string }

/** Every yellow or red warning, red first; the budget before the indicators, which keep table order. */
export function monitoringWarnings(
  indicators: readonly MonitoringIndicator[],
  budget: BudgetAssessment | null,
  thresholds: MonitoringThresholds,
): MonitoringWarning[] {
  const warnings: MonitoringWarning[] = []
  if (budget && budget.level !== 'none') warnings.push({ level: budget.level, subject: '预算执行进度', message: budget.reason })
  for (const indicator of indicators) {
    const { level, reason } = assessIndicator(indicator, thresholds.indicator)
    if (level !== 'none') warnings.push({ level, subject: indicator.name, message: reason })
  }
  return warnings.sort((x, y) => RANK[y.level] - RANK[x.level])
}

/** The worse of two levels, for a summary badge over several rows. */
export function worstLevel(levels: readonly WarningLevel[]): WarningLevel {
  return levels.reduce<WarningLevel>(worse, 'none')
}
