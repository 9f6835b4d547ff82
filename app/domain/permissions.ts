// The one rights engine (SECURITY.md §3.1). Loaders, actions, list queries and exports all ask here.
import { ROLE_CODES, type OrgKind, type Role } from './roles'
import { isClosedStage, isStage } from './stages'

export type Actor = {
  userId: string
  role: Role
  organizationId: string | null
  /** True for an agency_admin, and for a finance reviewer who manages the bureau's accounts. */
  orgAdmin: boolean
  evaluatedUnitId: string | null
}

export type EngagementResource = {
  type: 'engagement'
  agencyId: string
  financeBureauId: string
  leadUserId: string
  memberIds: readonly string[]
  unitIds: readonly string[]
  stage: string
}

export type Resource =
  | { type: 'platform' }
  | { type: 'organization'; id: string; kind: OrgKind }
  /** A user account, existing or about to be created. */
  | { type: 'user'; organizationId: string | null; role: Role; id?: string }
  /** The agency an engagement would be created in. */
  | { type: 'agency'; organizationId: string }
  | EngagementResource
  | { type: 'audit'; organizationId: string | null }
  /** A framework of the indicator library: organizationId null is the platform library. */
  | { type: 'framework'; organizationId: string | null }
  /** The installation-wide expert pool (专家库). */
  | { type: 'expert_pool' }
  /** One expert's record; userId is the expert's own account, if any. */
  | { type: 'expert'; userId: string | null }

export type Action =
  | 'organization.create'
  | 'organization.list'
  | 'organization.view'
  | 'user.list'
  | 'user.manage'
  | 'engagement.create'
  | 'engagement.view'
  | 'engagement.edit'
  | 'engagement.move'
  | 'audit.view'
  | 'framework.view'
  | 'framework.manage'
  | 'sheet.view'
  | 'sheet.edit'
  | 'expert.view'
  | 'expert.manage'
  | 'panel.view'
  | 'panel.manage'
  | 'report.view'
  | 'report.write'
  | 'report.issue'
  | 'report.submit'
  | 'review.view'
  | 'review.decide'
  | 'quality.rate'
  | 'rectification.view'
  | 'rectification.manage'
  | 'rectification.report'
  | 'survey.view'
  | 'survey.manage'
  | 'requests.view'
  | 'requests.manage'
  | 'requests.upload'
  | 'feedback.view'
  | 'feedback.manage'
  | 'feedback.answer'
  | 'results.manage'
  | 'papers.view'
  | 'papers.upload'
  | 'papers.retention'
  | 'papers.delete'
  | 'monitoring.view'
  | 'monitoring.edit'
  | 'bureau.overview'

/** Fails closed: an unexpected resource shape or a thrown error answers false. */
export function can(actor: Actor | null, action: Action, resource: Resource): boolean {
  // A role this engine does not know gets nothing, not whatever the role-blind rules would give.
  if (!actor || !ROLE_CODES.includes(actor.role)) return false
  try {
    return decide(actor, action, resource)
  } catch {
    return false
  }
}

function decide(actor: Actor, action: Action, r: Resource): boolean {
  switch (action) {
    case 'organization.create':
    case 'organization.list':
      return actor.role === 'system_admin' && r.type === 'platform'
    case 'organization.view':
      return r.type === 'organization' && (actor.role === 'system_admin' || actor.organizationId === r.id)
    case 'user.list':
      if (r.type !== 'organization') return false
      return actor.role === 'system_admin' || (actor.orgAdmin && actor.organizationId === r.id)
    case 'user.manage':
      return r.type === 'user' && canManageUser(actor, r)
    case 'engagement.create':
      return r.type === 'agency' && isAgencyStaff(actor) && actor.organizationId === r.organizationId
    case 'engagement.view':
      return r.type === 'engagement' && canViewEngagement(actor, r)
    case 'engagement.edit':
    case 'engagement.move':
      // An unknown stage could be a closed one: editing needs a stage known to be open.
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && !(action === 'engagement.edit' && (!isStage(r.stage) || isClosedStage(r.stage)))
    case 'audit.view':
      if (r.type !== 'audit') return false
      if (actor.role === 'system_admin') return r.organizationId === null
      return actor.role === 'agency_admin' && actor.organizationId !== null && actor.organizationId === r.organizationId
    case 'framework.view':
      return r.type === 'framework' && canViewFramework(actor, r.organizationId)
    case 'framework.manage':
      // The platform library is kept by the platform; an agency keeps its own frameworks.
      if (r.type !== 'framework') return false
      if (r.organizationId === null) return actor.role === 'system_admin'
      return isAgencyStaff(actor) && actor.organizationId === r.organizationId
    case 'sheet.view':
      // The client and the evaluated unit may read the indicator system; scores are another matter.
      return r.type === 'engagement' && canViewEngagement(actor, r)
    case 'sheet.edit':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'expert.view':
      // Agencies read the pool to compose panels; an expert reads only their own record.
      if (r.type === 'expert_pool') return actor.role === 'system_admin' || isAgencyStaff(actor)
      return r.type === 'expert' && (actor.role === 'system_admin' || isAgencyStaff(actor) || (actor.role === 'expert' && r.userId === actor.userId))
    case 'expert.manage':
      // The pool is kept by the platform (the bureau's 专家库 administrator), not by the agencies that draw from it.
      return (r.type === 'expert_pool' || r.type === 'expert') && actor.role === 'system_admin'
    case 'panel.view':
      // Panel membership is not shown to the evaluated unit: it would expose experts to approaches.
      return r.type === 'engagement' && (isAgencyStaff(actor) || actor.role === 'finance_reviewer') && canViewEngagement(actor, r)
    case 'panel.manage':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'report.view':
      // Drafts are the agency's working documents; the bureau receives issued reports (its inbox).
      return r.type === 'engagement' && canWorkOnEngagement(actor, r)
    case 'report.write':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'report.issue':
      // Issuing signs the report out in the agency's name: its admin or the engagement's lead.
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage) && (actor.role === 'agency_admin' || r.leadUserId === actor.userId)
    case 'report.submit':
      // Submitting to the bureau speaks for the agency, like issuing.
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage) && (actor.role === 'agency_admin' || r.leadUserId === actor.userId)
    case 'review.view':
    case 'review.decide':
    case 'quality.rate':
    case 'results.manage':
      // The commissioning bureau's reviewers, and only theirs.
      return r.type === 'engagement' && isBureauReviewerOf(actor, r)
    case 'rectification.view':
      return r.type === 'engagement' && (isBureauReviewerOf(actor, r) || canWorkOnEngagement(actor, r) || isUnitContactOf(actor, r))
    case 'rectification.manage':
      // The reviewer sets, confirms and verifies items; the agency's team proposes and confirms them.
      return r.type === 'engagement' && (isBureauReviewerOf(actor, r) || canWorkOnEngagement(actor, r))
    case 'rectification.report':
      return r.type === 'engagement' && isUnitContactOf(actor, r)
    case 'survey.view':
      // Questionnaires and raw answers are the agency's working material, like its drafts.
      return r.type === 'engagement' && canWorkOnEngagement(actor, r)
    case 'survey.manage':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'requests.view':
    case 'feedback.view':
      // 资料清单 and 征求意见 are between the agency's team and the evaluated unit.
      return r.type === 'engagement' && (canWorkOnEngagement(actor, r) || isUnitContactOf(actor, r))
    case 'requests.manage':
    case 'feedback.manage':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'requests.upload':
    case 'feedback.answer':
      return r.type === 'engagement' && isUnitContactOf(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'monitoring.view':
      // 双监控: the team keeps the monitoring table; the commissioning bureau reads it.
      return r.type === 'engagement' && (canWorkOnEngagement(actor, r) || isBureauReviewerOf(actor, r))
    case 'monitoring.edit':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'papers.view':
      // 工作底稿 are the agency's working files; experts reach theirs through their scoring seat.
      return r.type === 'engagement' && canWorkOnEngagement(actor, r)
    case 'papers.upload':
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && isStage(r.stage) && !isClosedStage(r.stage)
    case 'papers.retention':
      // The retention date binds the agency: its admin or the engagement's lead sets it.
      return r.type === 'engagement' && canWorkOnEngagement(actor, r) && (actor.role === 'agency_admin' || r.leadUserId === actor.userId)
    case 'papers.delete':
      // Only the agency's admin deletes, and only after the retention date (checked by the service).
      return r.type === 'engagement' && actor.role === 'agency_admin' && actor.organizationId === r.agencyId
    case 'bureau.overview':
      // A bureau's yearly dashboard, results summary and disclosure list.
      return r.type === 'organization' && r.kind === 'finance_bureau' && actor.role === 'finance_reviewer' && actor.organizationId === r.id
    default:
      return false
  }
}

function isBureauReviewerOf(actor: Actor, e: EngagementResource): boolean {
  return actor.role === 'finance_reviewer' && actor.organizationId !== null && actor.organizationId === e.financeBureauId
}

function isUnitContactOf(actor: Actor, e: EngagementResource): boolean {
  return actor.role === 'unit_contact' && actor.evaluatedUnitId !== null && e.unitIds.includes(actor.evaluatedUnitId)
}

function canViewFramework(actor: Actor, organizationId: string | null): boolean {
  if (organizationId === null) return actor.role === 'system_admin' || isAgencyStaff(actor) || actor.role === 'finance_reviewer'
  return isAgencyStaff(actor) && actor.organizationId === organizationId
}

function isAgencyStaff(actor: Actor): boolean {
  return actor.role === 'agency_admin' || actor.role === 'evaluator'
}

function canManageUser(actor: Actor, target: Extract<Resource, { type: 'user' }>): boolean {
  if (actor.role === 'system_admin') return true
  if (!actor.orgAdmin || actor.organizationId === null || target.organizationId !== actor.organizationId) return false
  if (actor.role === 'agency_admin') return target.role === 'agency_admin' || target.role === 'evaluator'
  if (actor.role === 'finance_reviewer') return target.role === 'finance_reviewer'
  return false
}

function canViewEngagement(actor: Actor, e: EngagementResource): boolean {
  if (isAgencyStaff(actor)) return actor.organizationId === e.agencyId
  if (actor.role === 'finance_reviewer') return actor.organizationId === e.financeBureauId
  if (actor.role === 'unit_contact') return actor.evaluatedUnitId !== null && e.unitIds.includes(actor.evaluatedUnitId)
  return false
}

/** Agency admins work on every engagement of their agency; evaluators on those they lead or staff. */
function canWorkOnEngagement(actor: Actor, e: EngagementResource): boolean {
  if (actor.organizationId !== e.agencyId) return false
  if (actor.role === 'agency_admin') return true
  if (actor.role === 'evaluator') return e.leadUserId === actor.userId || e.memberIds.includes(actor.userId)
  return false
}

/** How list queries must be narrowed for this actor; models translate it into a WHERE clause. */
export type EngagementScope =
  | { kind: 'agency'; organizationId: string }
  | { kind: 'bureau'; organizationId: string }
  | { kind: 'unit'; evaluatedUnitId: string }
  | { kind: 'none' }

export function engagementScope(actor: Actor): EngagementScope {
  if (isAgencyStaff(actor) && actor.organizationId) return { kind: 'agency', organizationId: actor.organizationId }
  if (actor.role === 'finance_reviewer' && actor.organizationId) return { kind: 'bureau', organizationId: actor.organizationId }
  if (actor.role === 'unit_contact' && actor.evaluatedUnitId) return { kind: 'unit', evaluatedUnitId: actor.evaluatedUnitId }
  return { kind: 'none' }
}
