// Work-quality rating (执业质量评价, REFERENCE.md §5.4): a finance bureau rates the agency's work on
// one engagement on a 100-point form of configurable items, with a one-vote veto (一票否决) for
// serious misconduct and a grade from configurable bands. Points are integer hundredths, as scores
// are everywhere else (money.ts), so totals add exactly.
import { formatPoints, parsePoints, type Parsed } from '../money'

export type QualityItem = {
  name: string
  /** Full marks of the item, in hundredths; whole points only (1000 = 10 分). */
  points: number
}

export const QUALITY_GRADES = [
  { code: 'excellent', label: '优秀' },
  { code: 'good', label: '良好' },
  { code: 'pass', label: '合格' },
  { code: 'fail', label: '不合格' },
] as const
export type QualityGrade = (typeof QUALITY_GRADES)[number]['code']
export const QUALITY_GRADE_CODES = QUALITY_GRADES.map((g) => g.code) as [QualityGrade, ...QualityGrade[]]

export function qualityGradeLabel(code: string): string {
  return QUALITY_GRADES.find((g) => g.code === code)?.label ?? code
}

/** Lowest total (hundredths, inclusive) for each grade above 不合格, which takes everything below 合格. */
export type QualityBands = { excellent: number; good: number; pass: number }
export const BAND_GRADES = ['excellent', 'good', 'pass'] as const

export type QualityConfig = { items: QualityItem[]; bands: QualityBands }

export const FULL_MARKS = 10_000
/** Scores move in half points. */
export const SCORE_STEP = 50
export const MAX_ITEMS = 20
export const MAX_ITEM_NAME = 50
export const MAX_REASON = 500
export const MAX_VETO_REASON = 1000

export const DEFAULT_QUALITY_CONFIG: QualityConfig = {
  items: [
    { name: '独立性与合规', points: 1000 },
    { name: '评价方案', points: 1500 },
    { name: '数据采集与现场核查', points: 1500 },
    { name: '工作底稿', points: 2000 },
    { name: '报告质量', points: 2500 },
    { name: '时效与配合', points: 1000 },
    { name: '保密与纪律', points: 500 },
  ],
  bands: { excellent: 9000, good: 8000, pass: 6000 },
}

/** Problems keyed by field path (`items.2.name`, `items`, `bands.good`), in Chinese; empty when usable. */
export type Problems = Record<string, string>

/** Checks a configured item list: 1–20 named, distinct items of whole positive points adding to 100. */
export function validateItems(items: readonly QualityItem[]): Problems {
  const problems: Problems = {}
  if (items.length === 0) return { items: '至少需要一个评价项目' }
  if (items.length > MAX_ITEMS) return { items: `评价项目不能超过 ${MAX_ITEMS} 个` }
  const seen = new Set<string>()
  items.forEach((item, i) => {
    const label = `第 ${i + 1} 项${item.name ? `「${item.name}」` : ''}`
    if (item.name === '') problems[`items.${i}.name`] = `请填写第 ${i + 1} 项的名称`
    else if (item.name.length > MAX_ITEM_NAME) problems[`items.${i}.name`] = `${label}名称不能超过 ${MAX_ITEM_NAME} 个字符`
    else if (seen.has(item.name)) problems[`items.${i}.name`] = `${label}与前面的项目重名`
    seen.add(item.name)
    if (!Number.isSafeInteger(item.points) || item.points <= 0 || item.points % 100 !== 0) problems[`items.${i}.points`] = `${label}的分值须为正整数`
  })
  const total = items.reduce((sum, item) => sum + (Number.isSafeInteger(item.points) ? item.points : 0), 0)
  if (total !== FULL_MARKS && !Object.keys(problems).some((k) => k.endsWith('.points'))) {
    problems.items = `各项分值合计须为 100 分，现为 ${formatScore(total)} 分`
  }
  return problems
}

/** Checks the bands: 0 < 合格 < 良好 < 优秀 ≤ 100. */
export function validateBands(bands: QualityBands): Problems {
  const problems: Problems = {}
  for (const g of BAND_GRADES) {
    const v = bands[g]
    if (!Number.isSafeInteger(v) || v <= 0 || v > FULL_MARKS) problems[`bands.${g}`] = `「${qualityGradeLabel(g)}」的分数线须大于 0 且不超过 100 分`
  }
  if (Object.keys(problems).length > 0) return problems
  if (bands.good >= bands.excellent) problems['bands.good'] = '「良好」的分数线须低于「优秀」'
  if (bands.pass >= bands.good) problems['bands.pass'] = '「合格」的分数线须低于「良好」'
  return problems
}

export function validateConfig(config: QualityConfig): Problems {
  return { ...validateItems(config.items), ...validateBands(config.bands) }
}

/** The band a total falls in; a veto makes it 不合格 whatever the total. */
export function qualityGradeOf(total: number, bands: QualityBands, veto: boolean): QualityGrade {
  if (veto) return 'fail'
  if (total >= bands.excellent) return 'excellent'
  if (total >= bands.good) return 'good'
  if (total >= bands.pass) return 'pass'
  return 'fail'
}

/** One item as scored: null when not yet scored (a draft). */
export type ItemScore = { score: number | null; reason: string }
export type RatingInput = { scores: ItemScore[]; veto: boolean; vetoReason: string }

/** "12.5" for an item of 15 points -> 1250; empty -> null. Half-point steps within 0…the item's points. */
export function parseItemScore(input: string, item: QualityItem): Parsed<number | null> {
  if (input.trim() === '') return { ok: true, value: null }
  const parsed = parsePoints(input)
  if (parsed.ok && parsed.value <= item.points && parsed.value % SCORE_STEP === 0) return { ok: true, value: parsed.value }
  return { ok: false, message: scoreRangeMessage(item) }
}

function scoreRangeMessage(item: QualityItem): string {
  return `「${item.name}」的得分须在 0 至 ${formatScore(item.points)} 分之间，以 0.5 分为单位`
}

export type RatingOutcome = {
  /** Sum of the scores given so far, in hundredths. */
  total: number
  /** Null while an item is unscored and no veto decides the grade. */
  grade: QualityGrade | null
}

/**
 * Problems with a rating against its config. A draft may leave items unscored and reasons blank;
 * a submitted rating scores every item, gives a reason below full marks, and a reason for a veto.
 */
export function checkRating(config: QualityConfig, input: RatingInput, mode: 'draft' | 'submit'): Problems {
  const problems: Problems = {}
  if (input.scores.length !== config.items.length) return { _form: '评价项目已调整，请刷新后重新填写' }
  config.items.forEach((item, i) => {
    const { score, reason } = input.scores[i]!
    if (reason.length > MAX_REASON) problems[`scores.${i}.reason`] = `「${item.name}」的扣分理由不能超过 ${MAX_REASON} 个字符`
    if (score !== null && (!Number.isSafeInteger(score) || score < 0 || score > item.points || score % SCORE_STEP !== 0)) {
      problems[`scores.${i}.score`] = scoreRangeMessage(item)
      return
    }
    if (mode === 'draft') return
    if (score === null) problems[`scores.${i}.score`] = `请为「${item.name}」打分`
    else if (score < item.points && reason === '') problems[`scores.${i}.reason`] = `「${item.name}」未得满分，请填写扣分理由`
  })
  if (input.vetoReason.length > MAX_VETO_REASON) problems.vetoReason = `一票否决的理由不能超过 ${MAX_VETO_REASON} 个字符`
  else if (mode === 'submit' && input.veto && input.vetoReason === '') problems.vetoReason = '一票否决须写明理由（如弄虚作假、串通等严重违规事实）'
  return problems
}

export function outcomeOf(config: QualityConfig, input: RatingInput): RatingOutcome {
  const total = input.scores.reduce((sum, s) => sum + (s.score ?? 0), 0)
  const complete = input.scores.every((s) => s.score !== null)
  return { total, grade: input.veto || complete ? qualityGradeOf(total, config.bands, input.veto) : null }
}

/** 1500 -> "15", 1250 -> "12.5": points as people write them on the form. */
export function formatScore(hundredths: number): string {
  return formatPoints(hundredths).replace(/\.?0+$/, '')
}
