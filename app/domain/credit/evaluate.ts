// A subject's credit standing on a date (信用状况): score, grade and blacklisting recomputed from its
// entries under a policy, with every entry's contribution explained in Chinese. The date is passed
// in, so the same entries give the same standing for any past date (snapshots can be checked).
//
// Dates: an entry counts from its effective date (inclusive) until its expiry date (exclusive: on
// the expiry date it no longer counts). A blacklisting runs from the date of the entry that
// triggers it to the day before the same date `years` later, both inclusive.
import {
  ENTRY_KINDS,
  SEVERITIES,
  labelOf,
  entryKind,
  isPositiveKind,
  severityRank,
  type EntryKind,
  type Severity,
} from './categories'
import { addDays, addMonths, daysFrom } from './dates'
import { policyCaption, type BlacklistRule, type CreditPolicy } from './policy'

export type EntryStatus = 'active' | 'amended' | 'revoked'

/** What the issuer decided on appeal; a null field keeps the entry's original value. */
export type Amendment = { severity: Severity | null; points: number | null; expiresOn: string | null }

export type CreditEntry = {
  id: string
  kind: EntryKind
  /** Negative kinds only; null for positive ones. */
  severity: Severity | null
  /** YYYY-MM-DD. */
  effectiveOn: string
  /** YYYY-MM-DD, the first day it no longer counts; null: the policy's months for its severity or kind. */
  expiresOn: string | null
  /** Magnitude in hundredths as issued; null: the policy's points for its severity or kind. */
  points: number | null
  status: EntryStatus
  /** Required when status is amended. */
  amendment?: Amendment | null
  /** An appeal is pending: the entry counts as it stands until the issuer decides. */
  underAppeal: boolean
}

export type ContributionStatus = 'counted' | 'expired' | 'revoked' | 'not_yet_effective'

export type Contribution = {
  entryId: string
  kind: EntryKind
  severity: Severity | null
  status: ContributionStatus
  underAppeal: boolean
  amended: boolean
  /** Signed hundredths at full strength. */
  nominal: number
  /** Signed hundredths counted on the date; 0 unless counted. */
  counted: number
  expiresOn: string | null
  line: string
}

export type Blacklisting = {
  active: boolean
  from: string
  /** Inclusive. */
  to: string
  rule: { id: string; label: string; years: number }
  triggeredBy: string[]
}

export type CreditStanding = {
  on: string
  policy: { id: string; version: number; name: string }
  /** Hundredths, within the policy's [minScore, maxScore]. */
  score: number
  grade: string
  gradeLabel: string
  /** The policy's grades, best first, so thresholds can compare grades. */
  gradeOrder: string[]
  /** The active blacklisting ending last; else the latest ended one; else null. */
  blacklisting: Blacklisting | null
  /** Every blacklisting triggered up to the date, oldest first. */
  blacklistings: Blacklisting[]
  contributions: Contribution[]
  explanation: string[]
}

/** 1000 -> "10", 750 -> "7.5", 753 -> "7.53". */
export function pointsText(hundredths: number): string {
  const abs = Math.abs(hundredths)
  const frac = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '')
  return `${hundredths < 0 ? '−' : ''}${Math.floor(abs / 100)}${frac ? `.${frac}` : ''}`
}

function signed(hundredths: number): string {
  return hundredths < 0 ? pointsText(hundredths) : `+${pointsText(hundredths)}`
}

/** The entry as it stands after any decided amendment. */
type Effective = {
  entry: CreditEntry
  positive: boolean
  severity: Severity | null
  magnitude: number
  expiresOn: string | null
  /** Months the policy gave, when the expiry came from the policy. */
  policyMonths: number | null
  amended: boolean
}

function effectiveOf(entry: CreditEntry, policy: CreditPolicy): Effective {
  const positive = isPositiveKind(entry.kind)
  const amendment = entry.status === 'amended' ? (entry.amendment ?? null) : null
  const severity = positive
    ? null
    : (amendment?.severity ?? entry.severity ?? entryKind(entry.kind).defaultSeverity)
  const policyPoints = positive
    ? policy.positivePoints[entry.kind as keyof CreditPolicy['positivePoints']]
    : policy.negativePoints[severity ?? 'general']
  const magnitude = amendment?.points ?? entry.points ?? policyPoints
  const explicitExpiry = amendment?.expiresOn ?? entry.expiresOn
  const policyMonths = positive
    ? policy.positiveExpiryMonths
    : policy.negativeExpiryMonths[severity ?? 'general']
  const expiresOn =
    explicitExpiry ?? (policyMonths === null ? null : addMonths(entry.effectiveOn, policyMonths))
  return {
    entry,
    positive,
    severity,
    magnitude,
    expiresOn,
    policyMonths: explicitExpiry === null ? policyMonths : null,
    amended: amendment !== null,
  }
}

function statusOn(e: Effective, on: string): ContributionStatus {
  if (e.entry.status === 'revoked') return 'revoked'
  if (on < e.entry.effectiveOn) return 'not_yet_effective'
  if (e.expiresOn !== null && on >= e.expiresOn) return 'expired'
  return 'counted'
}

function countedMagnitude(e: Effective, on: string, policy: CreditPolicy): number {
  if (policy.decay === 'none' || e.expiresOn === null) return e.magnitude
  const span = daysFrom(e.entry.effectiveOn, e.expiresOn)
  return Math.round((e.magnitude * daysFrom(on, e.expiresOn)) / span)
}

function contributionLine(e: Effective, status: ContributionStatus, counted: number): string {
  const label = labelOf(ENTRY_KINDS, e.entry.kind)
  const severity = e.severity === null ? '' : `（${labelOf(SEVERITIES, e.severity)}）`
  const nominal = e.positive ? e.magnitude : -e.magnitude
  const parts = [`${e.entry.effectiveOn} ${label}${severity}${signed(nominal)}`]
  if (e.amended) parts.push('经申诉变更')
  if (e.expiresOn === null) parts.push('长期有效')
  else if (e.policyMonths !== null) parts.push(`${e.policyMonths} 个月后失效`)
  else parts.push(`${e.expiresOn} 起失效`)
  if (status === 'revoked') parts.push('已撤销，不计入')
  else if (status === 'not_yet_effective') parts.push('尚未生效，不计入')
  else if (status === 'expired') parts.push(`已于 ${e.expiresOn} 失效，不计入`)
  else if (counted !== nominal) parts.push(`按时间衰减现计 ${signed(counted)}`)
  if (e.entry.underAppeal && status !== 'revoked') parts.push('申诉处理中，处理前照常计入')
  return parts.join('，')
}

/** `counting` in date order. */
function blacklistingsFrom(
  counting: Effective[],
  rules: readonly BlacklistRule[],
  on: string,
): Blacklisting[] {
  const result: Blacklisting[] = []
  for (const rule of rules) {
    const matches = counting.filter(
      (e) =>
        rule.kinds.includes(e.entry.kind) &&
        (rule.minSeverity === null ||
          (e.severity !== null && severityRank(e.severity) >= severityRank(rule.minSeverity))),
    )
    matches.forEach((e, i) => {
      const inWindow = matches
        .slice(0, i + 1)
        .filter((p) =>
          rule.count === 1
            ? p === e
            : e.entry.effectiveOn < addMonths(p.entry.effectiveOn, rule.withinMonths ?? 0),
        )
      if (inWindow.length < rule.count) return
      const from = e.entry.effectiveOn
      const to = addDays(addMonths(from, 12 * rule.years), -1)
      result.push({
        active: from <= on && on <= to,
        from,
        to,
        rule: { id: rule.id, label: rule.label, years: rule.years },
        triggeredBy: inWindow.slice(-rule.count).map((p) => p.entry.id),
      })
    })
  }
  return result.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
}

function latestEnding(list: Blacklisting[]): Blacklisting | null {
  return list.reduce<Blacklisting | null>((best, b) => (best === null || b.to > best.to ? b : best), null)
}

/** The standing of one subject on date `now` (YYYY-MM-DD) from all its entries. */
export function creditStanding(
  entries: readonly CreditEntry[],
  policy: CreditPolicy,
  now: string,
): CreditStanding {
  const ordered = [...entries].sort(
    (a, b) => a.effectiveOn.localeCompare(b.effectiveOn) || a.id.localeCompare(b.id),
  )
  const effective = ordered.map((entry) => effectiveOf(entry, policy))
  const contributions: Contribution[] = effective.map((e) => {
    const status = statusOn(e, now)
    const sign = e.positive ? 1 : -1
    const counted = status === 'counted' ? sign * countedMagnitude(e, now, policy) : 0
    return {
      entryId: e.entry.id,
      kind: e.entry.kind,
      severity: e.severity,
      status,
      underAppeal: e.entry.underAppeal,
      amended: e.amended,
      nominal: sign * e.magnitude,
      counted,
      expiresOn: e.expiresOn,
      line: contributionLine(e, status, counted),
    }
  })
  const raw = policy.baseScore + contributions.reduce((sum, c) => sum + c.counted, 0)
  const score = Math.min(policy.maxScore, Math.max(policy.minScore, raw))

  // Blacklisting outlives the entry's own expiry: the rule's window, not the score, decides.
  const inForce = effective.filter((e) => e.entry.status !== 'revoked' && e.entry.effectiveOn <= now)
  const blacklistings = blacklistingsFrom(inForce, policy.blacklistRules, now)
  const blacklisting = latestEnding(blacklistings.filter((b) => b.active)) ?? latestEnding(blacklistings)

  const gradeOrder = [...policy.bands].sort((a, b) => b.minScore - a.minScore)
  const byScore = gradeOrder.find((band) => score >= band.minScore) ?? gradeOrder[gradeOrder.length - 1]!
  const forced = blacklisting?.active
    ? gradeOrder.find((band) => band.grade === policy.blacklistedGrade)
    : undefined
  const band = forced && gradeOrder.indexOf(forced) > gradeOrder.indexOf(byScore) ? forced : byScore

  const explanation = [`基础分 ${pointsText(policy.baseScore)}`, ...contributions.map((c) => c.line)]
  const bounds =
    raw > policy.maxScore
      ? `（以最高分 ${pointsText(policy.maxScore)} 计）`
      : raw < policy.minScore
        ? `（以最低分 ${pointsText(policy.minScore)} 计）`
        : ''
  explanation.push(`${now} 信用分 ${pointsText(score)}${bounds}，等级 ${byScore.grade}`)
  for (const b of blacklistings) {
    explanation.push(
      `${b.from} 至 ${b.to} 列入失信名单（${b.rule.label}，${b.rule.years} 年）${b.active ? '，现处于失信期内' : ''}`,
    )
  }
  if (band !== byScore) explanation.push(`失信期内信用等级按 ${band.grade} 计`)
  explanation.push(`依据${policyCaption(policy)}`)

  return {
    on: now,
    policy: { id: policy.id, version: policy.version, name: policy.name },
    score,
    grade: band.grade,
    gradeLabel: band.label,
    gradeOrder: gradeOrder.map((b) => b.grade),
    blacklisting,
    blacklistings,
    contributions,
    explanation,
  }
}

/** A draw's credit requirement: a lowest grade, a lowest score (hundredths), or both. */
export type CreditThreshold = { minGrade?: string; minScore?: number }

export type DrawEligibility = { ok: true } | { ok: false; code: 'blacklisted' | 'low_credit'; reason: string }

/** Whether a subject's credit lets it be drawn or invited; the reason is shown to whoever draws. */
export function eligibleForDraw(standing: CreditStanding, threshold: CreditThreshold = {}): DrawEligibility {
  const b = standing.blacklisting
  if (b?.active)
    return { ok: false, code: 'blacklisted', reason: `列入失信名单（${b.from} 至 ${b.to}，${b.rule.label}）` }
  const { minGrade, minScore } = threshold
  if (minGrade !== undefined) {
    const required = standing.gradeOrder.indexOf(minGrade)
    if (required < 0)
      return {
        ok: false,
        code: 'low_credit',
        reason: `要求的信用等级「${minGrade}」不在${policyCaption(standing.policy)}的等级中`,
      }
    if (standing.gradeOrder.indexOf(standing.grade) > required)
      return { ok: false, code: 'low_credit', reason: `信用等级 ${standing.grade} 低于要求的 ${minGrade} 级` }
  }
  if (minScore !== undefined && standing.score < minScore)
    return {
      ok: false,
      code: 'low_credit',
      reason: `信用分 ${pointsText(standing.score)} 低于门槛 ${pointsText(minScore)}`,
    }
  return { ok: true }
}

/** The pool columns the panel draw reads: whole points (rounded down, so `<` a whole threshold holds) and the last blacklisted day. */
export function poolCreditFields(standing: CreditStanding): {
  creditScore: number
  blacklistedUntil: string | null
} {
  return {
    creditScore: Math.floor(standing.score / 100),
    blacklistedUntil: standing.blacklisting?.to ?? null,
  }
}
