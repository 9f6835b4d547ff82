// The commissioning flag (委托信用提示, issue 8 item 6): when an engagement is created, an agency
// whose grade under the commissioning bureau's policy is the policy's lowest, or who is on the
// blacklist, is flagged with the reasons. The engagement is still created: the bureau decides.
import { pointsText, type CreditStanding } from './evaluate'
import { policyCaption } from './policy'

export type CommissionCreditFlag = {
  /** The creation date the standing was computed on (YYYY-MM-DD, Beijing). */
  on: string
  policy: { id: string; version: number; name: string }
  /** Hundredths. */
  score: number
  grade: string
  /** The blacklisting active on that date, if any. */
  blacklisting: { from: string; to: string; rule: string } | null
  reasons: string[]
}

/** The flag for an agency's standing on the creation date, or null when nothing calls for one. */
export function commissionCreditFlag(standing: CreditStanding): CommissionCreditFlag | null {
  const lowest = standing.gradeOrder[standing.gradeOrder.length - 1]
  const b = standing.blacklisting?.active ? standing.blacklisting : null
  const lowestGrade = standing.grade === lowest
  if (!lowestGrade && b === null) return null
  const caption = policyCaption(standing.policy)
  const reasons: string[] = []
  if (lowestGrade)
    reasons.push(`信用等级 ${standing.grade}（信用分 ${pointsText(standing.score)}），为${caption}的最低等级`)
  if (b !== null) reasons.push(`列入失信名单（${b.from} 至 ${b.to}，${b.rule.label}）`)
  return {
    on: standing.on,
    policy: { ...standing.policy },
    score: standing.score,
    grade: standing.grade,
    blacklisting: b === null ? null : { from: b.from, to: b.to, rule: b.rule.label },
    reasons,
  }
}

/** The notice's first line: 委托时该机构信用等级为 D，处于失信期，请审慎委托. */
export function commissionFlagHeadline(flag: CommissionCreditFlag): string {
  const state = [`信用等级为 ${flag.grade}`, ...(flag.blacklisting ? ['处于失信期'] : [])].join('，')
  return `委托时该机构${state}，请审慎委托`
}
