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
  /** YYYY-MM-DD, inclusive. */
  blacklistedUntil: string | null
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
}

export type ExclusionReason =
  'conflict' | 'suspended' | 'retired' | 'blacklisted' | 'low_credit' | 'unavailable' | 'over_quota'

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  conflict: '回避',
  suspended: '暂停',
  retired: '出库',
  blacklisted: '失信名单',
  low_credit: '信用分低于门槛',
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

/** Every reason `e` cannot be drawn, in the order of ExclusionReason; empty when eligible. */
export function exclusionReasons(e: PoolExpert, ctx: EligibilityContext): ExclusionReason[] {
  const reasons: ExclusionReason[] = []
  if (e.conflicted) reasons.push('conflict')
  if (e.status === 'suspended') reasons.push('suspended')
  if (e.status === 'retired') reasons.push('retired')
  if (e.blacklistedUntil !== null && ctx.reviewDate <= e.blacklistedUntil) reasons.push('blacklisted')
  if (ctx.creditThreshold !== null && e.creditScore !== null && e.creditScore < ctx.creditThreshold)
    reasons.push('low_credit')
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
