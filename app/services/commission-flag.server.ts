// 委托信用提示 (issue 8 item 6): the agency's credit when an engagement is created, under the
// commissioning bureau's policy, kept on the engagement (engagements.commission_credit_flag_json)
// so the engagement page, the review inbox and the yearly overview show what held at commissioning.
// It flags; it never blocks.
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { engagements, organizations } from '../../db/schema'
import { commissionCreditFlag, commissionFlagHeadline, type CommissionCreditFlag } from '../domain/credit/commission-flag'
import { policyCaption } from '../domain/credit/policy'
import { pointsText } from '../domain/credit/evaluate'
import { beijingDate } from '../domain/finance/rectification'
import { standingOf } from './credit.server'

/** The flag for an agency commissioned by a bureau at `at`, or null when its credit calls for none. */
export function commissionFlagAt(db: Db | Tx, agencyId: string, bureauId: string, at: Date): CommissionCreditFlag | null {
  return commissionCreditFlag(standingOf(db, { type: 'agency', id: agencyId }, bureauId, beijingDate(at)))
}

/** The stored column as the value to keep with the engagement row. */
export function commissionFlagColumn(flag: CommissionCreditFlag | null): string | null {
  return flag === null ? null : JSON.stringify(flag)
}

/** What a page shows of a flag: headline, reasons, the policy and score it was judged by, and the file. */
export type CommissionFlagView = { agencyId: string; headline: string; reasons: string[]; basis: string }

export function commissionFlagView(agencyId: string, json: string | null): CommissionFlagView | null {
  if (json === null) return null
  const flag = JSON.parse(json) as CommissionCreditFlag
  return {
    agencyId,
    headline: commissionFlagHeadline(flag),
    reasons: flag.reasons,
    basis: `${flag.on} 依据${policyCaption(flag.policy)}，信用分 ${pointsText(flag.score)}`,
  }
}

/** Flags of the given engagements that have one, by engagement id (list rows). */
export function commissionFlagsOf(db: Db | Tx, engagementIds: readonly string[]): Map<string, CommissionFlagView> {
  const out = new Map<string, CommissionFlagView>()
  if (engagementIds.length === 0) return out
  const rows = db
    .select({ id: engagements.id, agencyId: engagements.agencyId, json: engagements.commissionCreditFlagJson })
    .from(engagements)
    .where(and(inArray(engagements.id, [...engagementIds]), isNotNull(engagements.commissionCreditFlagJson)))
    .all()
  for (const r of rows) {
    const view = commissionFlagView(r.agencyId, r.json)
    if (view) out.set(r.id, view)
  }
  return out
}

/** A bureau's engagements of a year that were flagged when commissioned, newest first. */
export function flaggedCommissions(db: Db | Tx, bureauId: string, year: number) {
  return db
    .select({ id: engagements.id, name: engagements.name, createdAt: engagements.createdAt, agencyId: engagements.agencyId, agencyName: organizations.name, json: engagements.commissionCreditFlagJson })
    .from(engagements)
    .innerJoin(organizations, eq(organizations.id, engagements.agencyId))
    .where(and(eq(engagements.financeBureauId, bureauId), eq(engagements.year, year), isNotNull(engagements.commissionCreditFlagJson)))
    .orderBy(desc(engagements.createdAt))
    .all()
    .map((r) => ({ id: r.id, name: r.name, agencyName: r.agencyName, flag: commissionFlagView(r.agencyId, r.json)! }))
}
