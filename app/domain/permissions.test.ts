import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { can, engagementScope, type Action, type Actor, type EngagementResource, type Resource } from './permissions'
import { ROLE_CODES, type Role } from './roles'
import { STAGE_CODES } from './stages'

// Two agencies, two bureaus and two evaluated units, so every "own" has an "other".
const AGENCY_A = 'org-agency-a'
const AGENCY_B = 'org-agency-b'
const BUREAU_X = 'org-bureau-x'
const BUREAU_Y = 'org-bureau-y'
const UNIT_1 = 'unit-1'
const UNIT_2 = 'unit-2'

function actor(role: Role, over: Partial<Actor> = {}): Actor {
  const home: Record<Role, Pick<Actor, 'organizationId' | 'orgAdmin' | 'evaluatedUnitId'>> = {
    system_admin: { organizationId: null, orgAdmin: false, evaluatedUnitId: null },
    agency_admin: { organizationId: AGENCY_A, orgAdmin: true, evaluatedUnitId: null },
    evaluator: { organizationId: AGENCY_A, orgAdmin: false, evaluatedUnitId: null },
    finance_reviewer: { organizationId: BUREAU_X, orgAdmin: true, evaluatedUnitId: null },
    expert: { organizationId: null, orgAdmin: false, evaluatedUnitId: null },
    unit_contact: { organizationId: null, orgAdmin: false, evaluatedUnitId: UNIT_1 },
  }
  return { userId: `user-${role}`, role, ...home[role], ...over }
}

function engagement(over: Partial<EngagementResource> = {}): EngagementResource {
  return {
    type: 'engagement',
    agencyId: AGENCY_A,
    financeBureauId: BUREAU_X,
    leadUserId: 'user-evaluator',
    memberIds: ['user-evaluator'],
    unitIds: [UNIT_1],
    stage: 'fieldwork',
    ...over,
  }
}

const ALL_ACTIONS: Action[] = [
  'organization.create',
  'organization.list',
  'organization.view',
  'user.list',
  'user.manage',
  'engagement.create',
  'engagement.view',
  'engagement.edit',
  'engagement.move',
  'audit.view',
  'framework.view',
  'framework.manage',
  'sheet.view',
  'sheet.edit',
  'expert.view',
  'expert.manage',
  'panel.view',
  'panel.manage',
  'report.view',
  'report.write',
  'report.issue',
  'report.submit',
  'review.view',
  'review.decide',
  'quality.rate',
  'rectification.view',
  'rectification.manage',
  'rectification.report',
  'survey.view',
  'survey.manage',
  'requests.view',
  'requests.manage',
  'requests.upload',
  'feedback.view',
  'feedback.manage',
  'feedback.answer',
  'results.manage',
  'papers.view',
  'papers.upload',
  'papers.retention',
  'papers.delete',
  'monitoring.view',
  'monitoring.edit',
  'bureau.overview',
]

/**
 * For each action: the resource "of the actor's own tenant" (as a function of the actor) and the roles
 * that may act on it. Written from issue 2 (who administers what, who sees which engagements).
 */
const OWN: Record<Action, { resource: (a: Actor) => Resource; roles: Role[] }> = {
  'organization.create': { resource: () => ({ type: 'platform' }), roles: ['system_admin'] },
  'organization.list': { resource: () => ({ type: 'platform' }), roles: ['system_admin'] },
  'organization.view': {
    resource: (a) => ({ type: 'organization', id: a.organizationId ?? AGENCY_A, kind: 'agency' }),
    roles: ['system_admin', 'agency_admin', 'evaluator', 'finance_reviewer'],
  },
  'user.list': {
    resource: (a) => ({ type: 'organization', id: a.organizationId ?? AGENCY_A, kind: 'agency' }),
    roles: ['system_admin', 'agency_admin', 'finance_reviewer'],
  },
  'user.manage': {
    resource: (a) => ({
      type: 'user',
      organizationId: a.organizationId ?? AGENCY_A,
      role: a.role === 'finance_reviewer' ? 'finance_reviewer' : 'evaluator',
      id: 'target',
    }),
    roles: ['system_admin', 'agency_admin', 'finance_reviewer'],
  },
  'engagement.create': { resource: (a) => ({ type: 'agency', organizationId: a.organizationId ?? AGENCY_A }), roles: ['agency_admin', 'evaluator'] },
  'engagement.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'finance_reviewer', 'unit_contact'] },
  'engagement.edit': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'engagement.move': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'audit.view': { resource: (a) => ({ type: 'audit', organizationId: a.organizationId }), roles: ['system_admin', 'agency_admin'] },
  'framework.view': { resource: () => ({ type: 'framework', organizationId: null }), roles: ['system_admin', 'agency_admin', 'evaluator', 'finance_reviewer'] },
  'framework.manage': {
    resource: (a) => ({ type: 'framework', organizationId: a.organizationId }),
    roles: ['system_admin', 'agency_admin', 'evaluator'],
  },
  'sheet.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'finance_reviewer', 'unit_contact'] },
  'sheet.edit': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'expert.view': { resource: () => ({ type: 'expert_pool' }), roles: ['system_admin', 'agency_admin', 'evaluator'] },
  'expert.manage': { resource: () => ({ type: 'expert_pool' }), roles: ['system_admin'] },
  'panel.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'finance_reviewer'] },
  'panel.manage': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'report.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'report.write': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'report.issue': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'report.submit': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'review.view': { resource: () => engagement(), roles: ['finance_reviewer'] },
  'review.decide': { resource: () => engagement(), roles: ['finance_reviewer'] },
  'quality.rate': { resource: () => engagement(), roles: ['finance_reviewer'] },
  'rectification.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'finance_reviewer', 'unit_contact'] },
  'rectification.manage': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'finance_reviewer'] },
  'rectification.report': { resource: () => engagement(), roles: ['unit_contact'] },
  'survey.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'survey.manage': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'requests.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'unit_contact'] },
  'requests.manage': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'requests.upload': { resource: () => engagement(), roles: ['unit_contact'] },
  'feedback.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'unit_contact'] },
  'feedback.manage': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'feedback.answer': { resource: () => engagement(), roles: ['unit_contact'] },
  'results.manage': { resource: () => engagement(), roles: ['finance_reviewer'] },
  'monitoring.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator', 'finance_reviewer'] },
  'monitoring.edit': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'papers.view': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'papers.upload': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'papers.retention': { resource: () => engagement(), roles: ['agency_admin', 'evaluator'] },
  'papers.delete': { resource: () => engagement(), roles: ['agency_admin'] },
  'bureau.overview': { resource: (a) => ({ type: 'organization', id: a.organizationId ?? BUREAU_X, kind: 'finance_bureau' }), roles: ['finance_reviewer'] },
}

describe('can: every action × role on the actor’s own tenant', () => {
  for (const action of ALL_ACTIONS) {
    it(action, () => {
      for (const role of ROLE_CODES) {
        const a = actor(role)
        expect(can(a, action, OWN[action].resource(a)), `${role} ${action}`).toBe(OWN[action].roles.includes(role))
      }
    })
  }

  it('nobody signed in may do anything', () => {
    for (const action of ALL_ACTIONS) expect(can(null, action, OWN[action].resource(actor('system_admin')))).toBe(false)
  })
})

describe('can: tenant mismatches', () => {
  it('an agency’s own frameworks are invisible to other agencies and bureaus; the platform library is kept by the platform', () => {
    const own = { type: 'framework', organizationId: AGENCY_A } as const
    for (const role of ['agency_admin', 'evaluator'] as const) {
      const other = actor(role, { organizationId: AGENCY_B })
      expect(can(other, 'framework.view', own)).toBe(false)
      expect(can(other, 'framework.manage', own)).toBe(false)
      expect(can(actor(role), 'framework.manage', { type: 'framework', organizationId: null })).toBe(false)
    }
    expect(can(actor('finance_reviewer'), 'framework.view', own)).toBe(false)
    expect(can(actor('system_admin'), 'framework.manage', own)).toBe(false)
    expect(can(actor('expert'), 'framework.view', { type: 'framework', organizationId: null })).toBe(false)
  })

  it('an expert reads only their own record; the evaluated unit never sees the panel', () => {
    expect(can(actor('expert'), 'expert.view', { type: 'expert', userId: 'user-expert' })).toBe(true)
    expect(can(actor('expert'), 'expert.view', { type: 'expert', userId: 'someone-else' })).toBe(false)
    expect(can(actor('expert'), 'expert.manage', { type: 'expert', userId: 'user-expert' })).toBe(false)
    expect(can(actor('unit_contact'), 'panel.view', engagement())).toBe(false)
    expect(can(actor('finance_reviewer', { organizationId: BUREAU_Y }), 'panel.view', engagement())).toBe(false)
    expect(can(actor('evaluator'), 'panel.manage', engagement({ stage: 'archived' }))).toBe(false)
  })

  it('a scoring sheet is edited only while the engagement is open, by those who work on it', () => {
    expect(can(actor('evaluator'), 'sheet.edit', engagement({ stage: 'archived' }))).toBe(false)
    expect(can(actor('evaluator', { userId: 'someone-else' }), 'sheet.edit', engagement())).toBe(false)
    expect(can(actor('agency_admin', { organizationId: AGENCY_B }), 'sheet.view', engagement())).toBe(false)
  })

  it('agency staff of another agency neither see nor change an engagement', () => {
    for (const role of ['agency_admin', 'evaluator'] as const) {
      const other = actor(role, { organizationId: AGENCY_B, userId: 'user-evaluator' })
      for (const action of ['engagement.view', 'engagement.edit', 'engagement.move'] as const) {
        expect(can(other, action, engagement()), `${role} ${action}`).toBe(false)
      }
      expect(can(other, 'engagement.create', { type: 'agency', organizationId: AGENCY_A })).toBe(false)
    }
  })

  it('a finance reviewer sees only engagements their bureau commissioned, and never edits', () => {
    const y = actor('finance_reviewer', { organizationId: BUREAU_Y })
    expect(can(y, 'engagement.view', engagement())).toBe(false)
    expect(can(actor('finance_reviewer'), 'engagement.view', engagement())).toBe(true)
    expect(can(actor('finance_reviewer'), 'engagement.edit', engagement())).toBe(false)
    expect(can(actor('finance_reviewer'), 'engagement.move', engagement())).toBe(false)
  })

  it('a unit contact sees only engagements that include their unit', () => {
    expect(can(actor('unit_contact', { evaluatedUnitId: UNIT_2 }), 'engagement.view', engagement())).toBe(false)
    expect(can(actor('unit_contact'), 'engagement.view', engagement({ unitIds: [UNIT_2, UNIT_1] }))).toBe(true)
    expect(can(actor('unit_contact', { evaluatedUnitId: null }), 'engagement.view', engagement())).toBe(false)
  })

  it('a report is written by the engagement’s team, issued only by its lead or the agency admin, and never after archiving', () => {
    const member = actor('evaluator', { userId: 'member' })
    const e = engagement({ leadUserId: 'lead', memberIds: ['member'] })
    expect(can(member, 'report.write', e)).toBe(true)
    expect(can(member, 'report.issue', e)).toBe(false)
    expect(can(actor('evaluator', { userId: 'lead' }), 'report.issue', e)).toBe(true)
    expect(can(actor('agency_admin'), 'report.issue', engagement({ stage: 'archived' }))).toBe(false)
    expect(can(actor('finance_reviewer'), 'report.view', e)).toBe(false)
    expect(can(actor('agency_admin', { organizationId: AGENCY_B }), 'report.view', e)).toBe(false)
  })

  it('review and results belong to the commissioning bureau only; a unit reports only on its own engagements', () => {
    const otherBureau = actor('finance_reviewer', { organizationId: BUREAU_Y })
    for (const action of ['review.view', 'review.decide', 'quality.rate', 'results.manage', 'rectification.view', 'rectification.manage'] as const) {
      expect(can(otherBureau, action, engagement()), action).toBe(false)
    }
    expect(can(actor('unit_contact', { evaluatedUnitId: UNIT_2 }), 'rectification.report', engagement())).toBe(false)
    expect(can(actor('unit_contact'), 'rectification.manage', engagement())).toBe(false)
    expect(can(actor('evaluator', { userId: 'member' }), 'report.submit', engagement({ leadUserId: 'lead', memberIds: ['member'] }))).toBe(false)
    expect(can(otherBureau, 'bureau.overview', { type: 'organization', id: BUREAU_X, kind: 'finance_bureau' })).toBe(false)
  })

  it('monitoring is kept by the team while open and read by the commissioning bureau only', () => {
    const e = engagement({ leadUserId: 'lead', memberIds: [] })
    expect(can(actor('evaluator', { userId: 'someone-else' }), 'monitoring.view', e)).toBe(false)
    expect(can(actor('finance_reviewer', { organizationId: BUREAU_Y }), 'monitoring.view', e)).toBe(false)
    expect(can(actor('finance_reviewer'), 'monitoring.edit', e)).toBe(false)
    expect(can(actor('unit_contact'), 'monitoring.view', e)).toBe(false)
    expect(can(actor('agency_admin'), 'monitoring.edit', engagement({ stage: 'archived' }))).toBe(false)
    expect(can(actor('agency_admin'), 'monitoring.view', engagement({ stage: 'archived' }))).toBe(true)
  })

  it('working papers: the team reads and uploads while open, the lead or admin sets retention, only the admin deletes', () => {
    const e = engagement({ leadUserId: 'lead', memberIds: ['member'] })
    const member = actor('evaluator', { userId: 'member' })
    expect(can(member, 'papers.upload', e)).toBe(true)
    expect(can(member, 'papers.retention', e)).toBe(false)
    expect(can(actor('evaluator', { userId: 'lead' }), 'papers.retention', e)).toBe(true)
    expect(can(actor('evaluator', { userId: 'someone-else' }), 'papers.view', e)).toBe(false)
    expect(can(actor('evaluator', { userId: 'lead' }), 'papers.delete', e)).toBe(false)
    expect(can(actor('agency_admin', { organizationId: AGENCY_B }), 'papers.delete', e)).toBe(false)
    expect(can(actor('agency_admin'), 'papers.upload', engagement({ stage: 'archived' }))).toBe(false)
    expect(can(actor('agency_admin'), 'papers.view', engagement({ stage: 'archived' }))).toBe(true)
    for (const role of ['finance_reviewer', 'unit_contact', 'expert'] as const) expect(can(actor(role), 'papers.view', e), role).toBe(false)
  })

  it('document requests and the feedback round: the team and the unit only, nobody once the engagement is closed', () => {
    const e = engagement({ leadUserId: 'lead', memberIds: [] })
    expect(can(actor('evaluator', { userId: 'someone-else' }), 'requests.view', e)).toBe(false)
    expect(can(actor('finance_reviewer'), 'feedback.view', e)).toBe(false)
    expect(can(actor('unit_contact', { evaluatedUnitId: 'another-unit' }), 'requests.upload', e)).toBe(false)
    expect(can(actor('unit_contact', { evaluatedUnitId: 'another-unit' }), 'feedback.view', e)).toBe(false)
    expect(can(actor('agency_admin'), 'requests.manage', engagement({ stage: 'archived' }))).toBe(false)
    expect(can(actor('unit_contact'), 'feedback.answer', engagement({ stage: 'archived' }))).toBe(false)
    expect(can(actor('unit_contact'), 'requests.view', engagement({ stage: 'archived' }))).toBe(true)
  })

  it('an evaluator of the agency sees every engagement but works only on those they lead or staff', () => {
    const outsider = actor('evaluator', { userId: 'someone-else' })
    expect(can(outsider, 'engagement.view', engagement())).toBe(true)
    expect(can(outsider, 'engagement.edit', engagement())).toBe(false)
    expect(can(outsider, 'engagement.move', engagement())).toBe(false)
    const lead = engagement({ leadUserId: 'someone-else', memberIds: [] })
    expect(can(outsider, 'engagement.edit', lead)).toBe(true)
    const member = engagement({ leadUserId: 'x', memberIds: ['a', 'someone-else'] })
    expect(can(outsider, 'engagement.move', member)).toBe(true)
  })

  it('org administration stays inside the organization', () => {
    expect(can(actor('agency_admin'), 'organization.view', { type: 'organization', id: AGENCY_B, kind: 'agency' })).toBe(false)
    expect(can(actor('agency_admin'), 'user.list', { type: 'organization', id: AGENCY_B, kind: 'agency' })).toBe(false)
    expect(can(actor('agency_admin'), 'user.manage', { type: 'user', organizationId: AGENCY_B, role: 'evaluator' })).toBe(false)
    expect(can(actor('finance_reviewer'), 'user.manage', { type: 'user', organizationId: BUREAU_Y, role: 'finance_reviewer' })).toBe(false)
    // A finance reviewer without the org-admin flag administers nobody, not even colleagues.
    const plain = actor('finance_reviewer', { orgAdmin: false })
    expect(can(plain, 'user.list', { type: 'organization', id: BUREAU_X, kind: 'finance_bureau' })).toBe(false)
    expect(can(plain, 'user.manage', { type: 'user', organizationId: BUREAU_X, role: 'finance_reviewer' })).toBe(false)
  })

  it('an org admin manages only the roles that belong to their kind of organization', () => {
    const admin = actor('agency_admin')
    const allowed = ROLE_CODES.filter((role) => can(admin, 'user.manage', { type: 'user', organizationId: AGENCY_A, role }))
    expect(allowed).toEqual(['agency_admin', 'evaluator'])
    const reviewer = actor('finance_reviewer')
    expect(ROLE_CODES.filter((role) => can(reviewer, 'user.manage', { type: 'user', organizationId: BUREAU_X, role }))).toEqual(['finance_reviewer'])
  })

  it('audit logs: agency admins see their own organization’s, the system admin only the platform log', () => {
    expect(can(actor('agency_admin'), 'audit.view', { type: 'audit', organizationId: AGENCY_B })).toBe(false)
    expect(can(actor('agency_admin'), 'audit.view', { type: 'audit', organizationId: null })).toBe(false)
    expect(can(actor('agency_admin', { organizationId: null }), 'audit.view', { type: 'audit', organizationId: null })).toBe(false)
    expect(can(actor('system_admin'), 'audit.view', { type: 'audit', organizationId: AGENCY_A })).toBe(false)
    expect(can(actor('finance_reviewer'), 'audit.view', { type: 'audit', organizationId: BUREAU_X })).toBe(false)
  })

  it('an archived engagement can no longer be edited, at any role', () => {
    for (const role of ROLE_CODES) expect(can(actor(role), 'engagement.edit', engagement({ stage: 'archived' }))).toBe(false)
    for (const stage of STAGE_CODES.filter((s) => s !== 'archived')) expect(can(actor('agency_admin'), 'engagement.edit', engagement({ stage }))).toBe(true)
  })

  it('the wrong kind of resource for an action is refused', () => {
    for (const action of ALL_ACTIONS) {
      for (const role of ROLE_CODES) {
        const a = actor(role)
        const wrong: Resource = OWN[action].resource(a).type === 'platform' ? engagement() : { type: 'platform' }
        expect(can(a, action, wrong), `${role} ${action}`).toBe(false)
      }
    }
  })
})

describe('can fails closed', () => {
  const malformed: unknown[] = [
    null,
    undefined,
    {},
    'engagement',
    { type: 'engagement' },
    { type: 'engagement', agencyId: AGENCY_B },
    { type: 'engagement', financeBureauId: BUREAU_Y, agencyId: AGENCY_B }, // unitIds missing
    { type: 'nonsense', id: AGENCY_A },
  ]

  it('on malformed resources, for every role and action', () => {
    for (const resource of malformed) {
      for (const role of ROLE_CODES) {
        for (const action of ALL_ACTIONS) {
          expect(can(actor(role), action, resource as Resource), `${role} ${action} ${JSON.stringify(resource)}`).toBe(false)
        }
      }
    }
  })

  it('on an engagement whose deciding fields are missing', () => {
    const noMembers = { type: 'engagement', agencyId: AGENCY_A, leadUserId: 'x', stage: 'fieldwork' } as unknown as Resource
    expect(can(actor('evaluator'), 'engagement.edit', noMembers)).toBe(false)
    expect(can(actor('evaluator'), 'engagement.move', noMembers)).toBe(false)
    const noStage = { ...engagement(), stage: undefined } as unknown as Resource
    expect(can(actor('agency_admin'), 'engagement.edit', noStage)).toBe(false)
    expect(can(actor('agency_admin'), 'engagement.edit', engagement({ stage: 'ARCHIVED' }))).toBe(false)
    // Without an id, an organization is nobody's own (null and undefined must not match).
    for (const role of ['agency_admin', 'evaluator', 'finance_reviewer', 'expert', 'unit_contact'] as const) {
      expect(can(actor(role), 'organization.view', { type: 'organization' } as unknown as Resource), role).toBe(false)
      expect(can(actor(role), 'user.list', { type: 'organization' } as unknown as Resource), role).toBe(false)
    }
    // An org admin may manage only some roles, so a target without a role is refused.
    const roleless = { type: 'user', organizationId: AGENCY_A } as unknown as Resource
    expect(can(actor('agency_admin'), 'user.manage', roleless)).toBe(false)
    expect(can(actor('finance_reviewer', { organizationId: AGENCY_A }), 'user.manage', roleless)).toBe(false)
    const noUnits = { ...engagement(), unitIds: undefined } as unknown as Resource
    expect(can(actor('unit_contact'), 'engagement.view', noUnits)).toBe(false)
  })

  it('on unknown actions and unknown roles', () => {
    expect(can(actor('system_admin'), 'organization.delete' as Action, { type: 'platform' })).toBe(false)
    const ghost = { ...actor('agency_admin'), role: 'superuser' as Role, orgAdmin: false }
    for (const action of ALL_ACTIONS) {
      expect(can(ghost, action, OWN[action].resource(ghost)), action).toBe(false)
    }
  })

  it('never throws, whatever the resource (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLE_CODES), fc.constantFrom(...ALL_ACTIONS), fc.anything(), (role, action, resource) => {
        expect(typeof can(actor(role), action, resource as Resource)).toBe('boolean')
      }),
      { numRuns: 3000 },
    )
  })
})

describe('engagementScope', () => {
  it('narrows each role to its tenant, and to nothing otherwise', () => {
    expect(engagementScope(actor('agency_admin'))).toEqual({ kind: 'agency', organizationId: AGENCY_A })
    expect(engagementScope(actor('evaluator'))).toEqual({ kind: 'agency', organizationId: AGENCY_A })
    expect(engagementScope(actor('finance_reviewer'))).toEqual({ kind: 'bureau', organizationId: BUREAU_X })
    expect(engagementScope(actor('unit_contact'))).toEqual({ kind: 'unit', evaluatedUnitId: UNIT_1 })
    expect(engagementScope(actor('system_admin'))).toEqual({ kind: 'none' })
    expect(engagementScope(actor('expert'))).toEqual({ kind: 'none' })
  })

  it('a role missing its tenant sees nothing rather than everything', () => {
    expect(engagementScope(actor('evaluator', { organizationId: null }))).toEqual({ kind: 'none' })
    expect(engagementScope(actor('finance_reviewer', { organizationId: null }))).toEqual({ kind: 'none' })
    expect(engagementScope(actor('unit_contact', { evaluatedUnitId: null }))).toEqual({ kind: 'none' })
  })

  it('agrees with can(engagement.view) for engagements inside and outside the scope (property)', () => {
    const orgs = fc.constantFrom(AGENCY_A, AGENCY_B)
    const bureaus = fc.constantFrom(BUREAU_X, BUREAU_Y)
    const units = fc.subarray([UNIT_1, UNIT_2])
    fc.assert(
      fc.property(fc.constantFrom(...ROLE_CODES), orgs, bureaus, units, (role, agencyId, financeBureauId, unitIds) => {
        const a = actor(role)
        const e = engagement({ agencyId, financeBureauId, unitIds })
        const scope = engagementScope(a)
        const inScope =
          scope.kind === 'agency'
            ? e.agencyId === scope.organizationId
            : scope.kind === 'bureau'
              ? e.financeBureauId === scope.organizationId
              : scope.kind === 'unit'
                ? e.unitIds.includes(scope.evaluatedUnitId)
                : false
        expect(can(a, 'engagement.view', e)).toBe(inScope)
      }),
    )
  })
})
