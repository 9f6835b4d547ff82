// Who may be drawn for a panel on a given review date (抽取资格).

import type { ExpertStatus, Title } from './vocab'

export type PoolExpert = {
  id: string
  name: string
  title: Title
  specialties: string[]
  status: ExpertStatus
  /** From the credit issue; null is neutral and passes any threshold. */
  creditScore: number | null
  /** YYYY-MM-DD, inclusive: the last day of a blacklisting in force on the review date. */
  blacklistedUntil: string | null
  /** The grade under the commissioning bureau's credit policy; null is neutral like a null score. */
  creditGrade: string | null
  /** Inclusive YYYY-MM-DD ranges. */
  unavailable: { from: string; to: string }[]
  drawsThisYear: number
  /** Any live conflict (auto, declared or admin) with this engagement or one of its units. */
  conflicted: boolean
}

export type EligibilityContext = {
  reviewDate: string
  creditThreshold: number | null
  maxDrawsPerYear: number
  /** The lowest grade that may be drawn (the policy's drawMinGrade); null: any grade. */
  minCreditGrade: string | null
  /** The policy's grades, best first, which minCreditGrade and creditGrade are compared in. */
  creditGradeOrder: string[]
}

export type ExclusionReason =
  | 'conflict'
  | 'suspended'
  | 'retired'
  | 'blacklisted'
  | 'low_credit'
  | 'low_grade'
  | 'unavailable'
  | 'over_quota'

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  conflict: '回避',
  suspended: '暂停',
  retired: '出库',
  blacklisted: '失信名单',
  low_credit: '信用分低于门槛',
  low_grade: '信用等级低于要求',
  unavailable: '评审日不可参加',
  over_quota: '本年度抽取次数已满',
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}

/**
 * A grade the policy does not know cannot be shown to be good enough, so it counts as below; a
 * required grade the policy does not know is refused by validateDrawSpec before any draw.
 */
function belowMinGrade(grade: string | null, ctx: EligibilityContext): boolean {
  if (ctx.minCreditGrade === null || grade === null) return false
  const required = ctx.creditGradeOrder.indexOf(ctx.minCreditGrade)
  const held = ctx.creditGradeOrder.indexOf(grade)
  return required >= 0 && (held < 0 || held > required)
}

/** Every reason `e` cannot be drawn, in the order of ExclusionReason; empty when eligible. */
export function exclusionReasons(e: PoolExpert, ctx: EligibilityContext): ExclusionReason[] {
  const reasons: ExclusionReason[] = []
  if (e.conflicted) reasons.push('conflict')
  if (e.status === 'suspended') reasons.push('suspended')
  if (e.status === 'retired') reasons.push('retired')
  if (e.blacklistedUntil !== null && ctx.reviewDate <= e.blacklistedUntil) reasons.push('blacklisted')
  if (ctx.creditThreshold !== null && e.creditScore !== null && e.creditScore < ctx.creditThreshold)
    reasons.push('low_credit')
  if (belowMinGrade(e.creditGrade, ctx)) reasons.push('low_grade')
  if (e.unavailable.some((u) => u.from <= ctx.reviewDate && ctx.reviewDate <= u.to))
    reasons.push('unavailable')
  if (e.drawsThisYear >= ctx.maxDrawsPerYear) reasons.push('over_quota')
  return reasons
}

/** The pool split into those who may be drawn and those who may not (with why), order kept. */
export function splitEligible(
  pool: PoolExpert[],
  ctx: EligibilityContext,
): { eligible: PoolExpert[]; excluded: { expertId: string; reasons: ExclusionReason[] }[] } {
  const eligible: PoolExpert[] = []
  const excluded: { expertId: string; reasons: ExclusionReason[] }[] = []
  for (const e of pool) {
    const reasons = exclusionReasons(e, ctx)
    if (reasons.length === 0) eligible.push(e)
    else excluded.push({ expertId: e.id, reasons })
  }
  return { eligible, excluded }
}

/**
 * A reason with the facts behind it, for the draw record: 失信名单（至 2027-02-28）. Takes records
 * written before credit grades too, whose experts and context have no grade fields.
 */
export function exclusionDetail(
  e: Pick<PoolExpert, 'blacklistedUntil' | 'creditScore'> & { creditGrade?: string | null },
  reason: ExclusionReason,
  ctx: Pick<EligibilityContext, 'creditThreshold'> & { minCreditGrade?: string | null },
): string {
  const label = EXCLUSION_LABELS[reason]
  if (reason === 'blacklisted' && e.blacklistedUntil !== null) return `${label}（至 ${e.blacklistedUntil}）`
  if (reason === 'low_credit' && e.creditScore !== null && ctx.creditThreshold !== null)
    return `${label}（${e.creditScore} 分，门槛 ${ctx.creditThreshold} 分）`
  if (reason === 'low_grade' && e.creditGrade != null && ctx.minCreditGrade != null)
    return `${label}（${e.creditGrade} 级，要求 ${ctx.minCreditGrade} 级及以上）`
  return label
}
