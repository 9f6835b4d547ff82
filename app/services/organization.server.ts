// Organizations (agencies and finance bureaus), created by the platform administrator or the CLI.
import { z } from 'zod'
import type { Db } from '../../db/client.server'
import { hashPassword } from '../auth/password.server'
import { ORG_KIND_CODES, type OrgKind, type Role } from '../domain/roles'
import { appendAudit } from '../models/audit.server'
import {
  endSessionsOfOrganization,
  findOrganizationByName,
  getOrganization,
  insertOrganization,
  updateOrganizationStatus,
} from '../models/organization.server'
import { findUserByUsername, insertUser } from '../models/user.server'
import { choice, text } from '../utils/form'
import {
  auditActorOf,
  checkNewPassword,
  displayNameField,
  operatorMay,
  outcome,
  passwordField,
  refuse,
  usernameField,
  type Operator,
  type Outcome,
} from './user-admin.server'
import { inTransaction } from './transaction.server'

// 统一社会信用代码 (GB 32100-2015): 18 characters from digits and capitals without I, O, S, V, Z.
export const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/

export const NewOrganizationForm = z
  .object({
    kind: choice(ORG_KIND_CODES, '请选择机构类型'),
    name: text({ label: '机构名称', max: 100 }),
    creditCode: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : ''),
      z.string().refine((s) => s === '' || CREDIT_CODE.test(s), '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）'),
    ),
    region: text({ label: '所在地区', max: 100, required: false }),
    adminUsername: usernameField,
    adminName: displayNameField,
    adminPassword: passwordField(),
    adminPasswordConfirm: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()),
  })
  .superRefine((v, ctx) =>
    checkNewPassword(
      ctx,
      { password: v.adminPassword, confirm: v.adminPasswordConfirm, username: v.adminUsername },
      { password: 'adminPassword', confirm: 'adminPasswordConfirm' },
    ),
  )
export type NewOrganizationData = z.infer<typeof NewOrganizationForm>

/** The first account of a new organization administers it. */
export const FIRST_ADMIN_ROLE: Record<OrgKind, Role> = { agency: 'agency_admin', finance_bureau: 'finance_reviewer' }

/** Creates the organization and its first administrator together, or neither. */
export async function createOrganizationWithAdmin(
  db: Db,
  op: Operator,
  input: Omit<NewOrganizationData, 'adminPasswordConfirm'>,
  at: Date,
): Promise<Outcome<{ organizationId: string; adminUserId: string }>> {
  return outcome(async () => {
    if (!operatorMay(op, 'organization.create', { type: 'platform' })) throw refuse.forbidden()
    const passwordHash = await hashPassword(input.adminPassword)
    return inTransaction(db, (tx) => {
      if (findOrganizationByName(tx, input.name)) throw refuse.field('name', '该机构名称已存在')
      if (findUserByUsername(tx, input.adminUsername)) throw refuse.field('adminUsername', '该用户名已被使用')
      const org = insertOrganization(tx, { kind: input.kind, name: input.name, creditCode: input.creditCode || null, region: input.region }, at)
      const role = FIRST_ADMIN_ROLE[input.kind]
      const admin = insertUser(
        tx,
        {
          username: input.adminUsername,
          displayName: input.adminName,
          role,
          organizationId: org.id,
          orgAdmin: true,
          passwordHash,
          mustChangePassword: true,
        },
        at,
      )
      const actor = auditActorOf(op)
      appendAudit(tx, {
        actor,
        action: 'organization.create',
        entity: 'organization',
        entityId: org.id,
        tenantId: org.id,
        after: { kind: org.kind, name: org.name, creditCode: org.creditCode, region: org.region, status: org.status },
        at,
      })
      appendAudit(tx, {
        actor,
        action: 'user.create',
        entity: 'user',
        entityId: admin.id,
        tenantId: org.id,
        after: {
          username: admin.username,
          displayName: admin.displayName,
          role: admin.role,
          organizationId: admin.organizationId,
          orgAdmin: admin.orgAdmin,
          status: admin.status,
          mustChangePassword: admin.mustChangePassword,
        },
        at,
      })
      return { organizationId: org.id, adminUserId: admin.id }
    })
  })
}

/** Enables or disables an organization; disabling signs all its people out at once. */
export function setOrganizationStatus(
  db: Db,
  op: Operator,
  input: { organizationId: string; version: number; status: 'active' | 'disabled' },
  at: Date,
): Promise<Outcome<void>> {
  return outcome(() =>
    inTransaction(db, (tx) => {
      // The platform right to create organizations is the right to switch them on and off.
      if (!operatorMay(op, 'organization.create', { type: 'platform' })) throw refuse.forbidden()
      const org = getOrganization(tx, input.organizationId)
      if (!org) throw refuse.notFound()
      if (!updateOrganizationStatus(tx, { id: org.id, version: input.version, status: input.status }, at)) throw refuse.stale()
      if (input.status === 'disabled') endSessionsOfOrganization(tx, org.id)
      appendAudit(tx, {
        actor: auditActorOf(op),
        action: 'organization.status',
        entity: 'organization',
        entityId: org.id,
        tenantId: org.id,
        before: { status: org.status },
        after: { status: input.status },
        at,
      })
    }),
  )
}
