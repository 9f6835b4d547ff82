// Demo credit files (信用档案, issue 8): a few entries so the files, the grades and the draw's
// exclusion can be seen right after set-up. Recorded through the credit service, so each has its
// snapshot and audit row like any entry; dates count back from the seed's instant.
import { eq } from 'drizzle-orm'
import type { Tx } from '../client.server'
import { engagements, experts } from '../schema'
import { beijingDate } from '../../app/domain/finance/rectification'
import type { AuditActor } from '../../app/models/audit.server'
import { recordEntry, type NewEntry } from '../../app/services/credit.server'
import type { DemoIds } from './demo'

const DAY = 86_400_000

/** The demo expert whose grave leak keeps them out of draws (finance has enough others to draw from). */
export const DEMO_BLACKLISTED_EXPERT = '李静'
export const DEMO_COMMENDED_EXPERT = '王立新'

function expertId(tx: Tx, name: string): string {
  const row = tx.select({ id: experts.id }).from(experts).where(eq(experts.name, name)).get()
  if (!row) throw new Error(`demo expert ${name} missing`)
  return row.id
}

function engagementId(tx: Tx, name: string): string {
  const row = tx.select({ id: engagements.id }).from(engagements).where(eq(engagements.name, name)).get()
  if (!row) throw new Error(`demo engagement ${name} missing`)
  return row.id
}

/** Records the demo entries; returns how many. The pool and engagements must be seeded already. */
export function seedDemoCredit(tx: Tx, ids: DemoIds, at: Date): number {
  const daysAgo = (n: number) => beijingDate(new Date(at.getTime() - n * DAY))
  const bureau = ids.orgs.bureauX
  const reviewer: AuditActor = { userId: ids.users['binjiang.finance']!, role: 'finance_reviewer', organizationId: bureau }
  const agencyAdmin: AuditActor = { userId: ids.users['mingjian.admin']!, role: 'agency_admin', organizationId: ids.orgs.agencyA }
  const byBureau = { source: 'bureau', sourceRef: null, issuerOrgId: bureau, issuedBy: reviewer.userId, bureauId: bureau, points: null, expiresOn: null } as const
  const entries: [NewEntry, AuditActor][] = [
    [
      {
        ...byBureau,
        subject: { type: 'agency', id: ids.orgs.agencyA },
        kind: 'commendation',
        severity: null,
        effectiveOn: daysAgo(90),
        description: '2025 年度预算绩效评价工作成效突出，予以通报表扬',
        engagementId: null,
      },
      reviewer,
    ],
    [
      {
        ...byBureau,
        subject: { type: 'agency', id: ids.orgs.agencyB },
        kind: 'late_deliverable',
        severity: 'minor',
        effectiveOn: daysAgo(45),
        description: '评价工作方案逾期 7 个工作日提交，经督促后补交',
        engagementId: engagementId(tx, '2025年滨江区教育局部门整体支出绩效评价'),
      },
      reviewer,
    ],
    [
      {
        ...byBureau,
        subject: { type: 'expert', id: expertId(tx, DEMO_BLACKLISTED_EXPERT) },
        kind: 'leaking',
        severity: 'grave',
        effectiveOn: daysAgo(120),
        description: '经查实，评审期间向被评价单位透露专家组评分意见',
        engagementId: null,
      },
      reviewer,
    ],
    [
      {
        subject: { type: 'expert', id: expertId(tx, DEMO_COMMENDED_EXPERT) },
        kind: 'expert_rating_excellent',
        severity: null,
        points: null,
        effectiveOn: daysAgo(60),
        expiresOn: null,
        description: '义务教育学生资助资金项目评审：出勤、专业水平、独立性、及时性均为优秀',
        source: 'agency',
        sourceRef: null,
        issuerOrgId: ids.orgs.agencyA,
        issuedBy: agencyAdmin.userId,
        bureauId: bureau,
        engagementId: engagementId(tx, '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'),
      },
      agencyAdmin,
    ],
  ]
  for (const [entry, actor] of entries) recordEntry(tx, entry, actor, at)
  return entries.length
}
