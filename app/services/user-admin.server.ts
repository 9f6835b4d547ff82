// Account administration shared by the web pages and the command line: one set of zod schemas, one
// set of checks, one audit trail. Every change is one BEGIN IMMEDIATE transaction with its audit row.
import { data } from '@remix-run/node'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { hashPassword, passwordProblem, PASSWORD_MAX, verifyPassword } from '../auth/password.server'
import { forbidden, notFound } from '../auth/require.server'
import { endAllSessionsOf, type SessionUser } from '../auth/session.server'
import { can, type Action, type Actor, type Resource } from '../domain/permissions'
import { ROLE_CODES, ROLES_BY_ORG_KIND, ROLES_WITHOUT_ORG, type Role } from '../domain/roles'
import { appendAudit, auditActor, type AuditActor } from '../models/audit.server'
import { getEvaluatedUnit, getOrganization } from '../models/organization.server'
import {
  countOtherActiveAdmins,
  endOtherSessionsOf,
  findUserByUsername,
  getPasswordHash,
  getVisibleUser,
  insertUser,
  setUserPassword,
  updateUserProfile,
  updateUserStatus,
  type VisibleUser,
} from '../models/user.server'
import { text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { inTransaction } from './transaction.server'
import { gatePasswordAttempt, releasePasswordAttempt } from './login.server'

export const STALE_MESSAGE = '数据已被他人修改，请刷新后重试'

// ---------------------------------------------------------------------------------------------
// Who is acting. The command line is run by whoever holds the database file, so it is trusted like
// a platform administrator and recorded in the audit log with the role 'cli'.

export type Operator = { kind: 'user'; actor: Actor } | { kind: 'cli' }
export const CLI_OPERATOR: Operator = { kind: 'cli' }

export function operatorOf(user: SessionUser): Operator {
  return { kind: 'user', actor: user.actor }
}

export function auditActorOf(op: Operator): AuditActor {
  return op.kind === 'cli' ? { userId: null, role: 'cli', organizationId: null } : auditActor(op.actor)
}

export function operatorMay(op: Operator, action: Action, resource: Resource): boolean {
  return op.kind === 'cli' || can(op.actor, action, resource)
}

/** Platform administrators and the CLI see every account; everyone else only their own tenant's. */
function lookupScope(op: Operator): { organizationId?: string } | null {
  if (op.kind === 'cli' || op.actor.role === 'system_admin') return {}
  return op.actor.organizationId ? { organizationId: op.actor.organizationId } : null
}

// ---------------------------------------------------------------------------------------------
// Outcomes. A refusal thrown inside a transaction rolls it back, so nothing is saved half-way.

export type RefusalStatus = 400 | 403 | 404 | 409
export type Outcome<T> = { ok: true; value: T } | { ok: false; status: RefusalStatus; errors: FieldErrors }

export class Refusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly errors: FieldErrors,
  ) {
    super(Object.values(errors).join('；'))
  }
}

export const refuse = {
  field: (field: string, message: string) => new Refusal(400, { [field]: message }),
  forbidden: () => new Refusal(403, { _form: '无权执行此操作' }),
  notFound: () => new Refusal(404, { _form: '未找到' }),
  stale: () => new Refusal(409, { _form: STALE_MESSAGE }),
}

export async function outcome<T>(fn: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() }
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, status: error.status, errors: error.errors }
    throw error
  }
}

/**
 * How an action answers a refusal: 404 and 403 as the error pages (nothing of the record leaks);
 * 400 and 409 re-render the form with the messages and what was typed.
 */
export function answerRefusal(refusal: { status: RefusalStatus; errors: FieldErrors }, values: FormValues) {
  if (refusal.status === 404) throw notFound()
  if (refusal.status === 403) throw forbidden()
  for (const key of Object.keys(values)) if (/password/i.test(key)) values[key] = ''
  return data({ errors: refusal.errors, values }, { status: refusal.status })
}

// ---------------------------------------------------------------------------------------------
// Field schemas (web forms and CLI flags alike).

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

export const usernameField = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''),
  z
    .string()
    .min(1, '请填写用户名')
    .regex(/^[a-z0-9._-]{3,32}$/, '用户名须为 3–32 位小写字母、数字或 . _ -'),
)

export const displayNameField = text({ label: '姓名', max: 64 })

const MOBILE = /^1[3-9]\d{9}$/
// Landline: optional area code, 7–8 digit number, optional extension: 0571-88886666, 88886666-123.
const LANDLINE = /^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$/
export const phoneField = z.preprocess(
  trimmed,
  z
    .string()
    .max(20, '电话号码过长')
    .refine((s) => s === '' || MOBILE.test(s) || LANDLINE.test(s), '电话格式不正确：手机号为 11 位数字，座机如 0571-88886666'),
)

export const emailField = z.preprocess(
  trimmed,
  z
    .string()
    .max(254, '邮箱地址过长')
    .refine((s) => s === '' || z.string().email().safeParse(s).success, '邮箱格式不正确'),
)

/** A password as typed: never trimmed or cleaned, since every character counts. */
export const passwordField = (label = '密码') =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z
      .string()
      .min(1, `请填写${label}`)
      .max(PASSWORD_MAX, `${label}最多 ${PASSWORD_MAX} 个字符`),
  )

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean())

const optionalId = z.preprocess(trimmed, z.string().max(64))

/** The password rules plus the confirmation, reported beside the new-password fields. */
export function checkNewPassword(
  ctx: z.RefinementCtx,
  input: { password: string; confirm: string; username?: string },
  fields: { password: string; confirm: string },
): void {
  const problem = passwordProblem(input.password, input.username)
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [fields.password], message: problem })
  else if (input.password !== input.confirm) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [fields.confirm], message: '两次输入的密码不一致' })
}

export const NewUserForm = z
  .object({
    username: usernameField,
    displayName: displayNameField,
    role: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(ROLE_CODES, { errorMap: () => ({ message: '请选择角色' }) })),
    evaluatedUnitId: optionalId,
    orgAdmin: checkbox,
    phone: phoneField,
    email: emailField,
    password: passwordField(),
    passwordConfirm: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(PASSWORD_MAX)),
  })
  .superRefine((v, ctx) =>
    checkNewPassword(ctx, { password: v.password, confirm: v.passwordConfirm, username: v.username }, { password: 'password', confirm: 'passwordConfirm' }),
  )
export type NewUserData = z.infer<typeof NewUserForm>

export const ProfileForm = z.object({
  displayName: displayNameField,
  phone: phoneField,
  email: emailField,
  version: versionField,
})

export const ResetPasswordForm = z.object({
  password: passwordField('新密码'),
  passwordConfirm: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(PASSWORD_MAX)),
})

export const StatusForm = z.object({
  status: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(['active', 'disabled'], { errorMap: () => ({ message: '状态无效' }) })),
  version: versionField,
})

export const OwnPasswordForm = z
  .object({
    currentPassword: passwordField('当前密码'),
    newPassword: passwordField('新密码'),
    newPasswordConfirm: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(PASSWORD_MAX)),
  })

// ---------------------------------------------------------------------------------------------
// What an audit row may say about an account: never the password hash.

function auditedUser(u: Pick<VisibleUser, 'username' | 'displayName' | 'role' | 'organizationId' | 'evaluatedUnitId' | 'orgAdmin' | 'status' | 'phone' | 'email' | 'mustChangePassword'>) {
  return {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    organizationId: u.organizationId,
    evaluatedUnitId: u.evaluatedUnitId,
    orgAdmin: u.orgAdmin,
    status: u.status,
    phone: u.phone,
    email: u.email,
    mustChangePassword: u.mustChangePassword,
  }
}

/** Whether an account is one its tenant's administration depends on. */
function administersTenant(u: Pick<VisibleUser, 'organizationId' | 'orgAdmin' | 'role'>): boolean {
  return u.organizationId === null ? u.role === 'system_admin' : u.orgAdmin
}

/** The user, if this operator may see and manage it; otherwise 404 (its existence stays hidden). */
function manageableUser(db: Db | Tx, op: Operator, userId: string) {
  const scope = lookupScope(op)
  const target = scope ? getVisibleUser(db, userId, scope) : undefined
  if (!target) throw refuse.notFound()
  if (!operatorMay(op, 'user.manage', { type: 'user', organizationId: target.organizationId, role: target.role as Role, id: target.id })) {
    throw refuse.notFound()
  }
  return target
}

export function getManageableUser(db: Db, op: Operator, userId: string) {
  try {
    return manageableUser(db, op, userId)
  } catch (error) {
    if (error instanceof Refusal) return null
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// Services

export type CreateUserInput = Omit<NewUserData, 'passwordConfirm'> & { organizationId: string | null }

/**
 * Creates an account. Accounts made by someone else start with mustChangePassword: whoever typed
 * the first password knows it, so the owner replaces it at first sign-in.
 */
export async function createUser(db: Db, op: Operator, input: CreateUserInput, at: Date): Promise<Outcome<VisibleUser>> {
  return outcome(async () => {
    checkUserPlacement(db, op, input)
    const passwordHash = await hashPassword(input.password)
    return inTransaction(db, (tx) => {
      if (findUserByUsername(tx, input.username)) throw refuse.field('username', '该用户名已被使用')
      const row = insertUser(
        tx,
        {
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          organizationId: input.organizationId,
          evaluatedUnitId: input.role === 'unit_contact' ? input.evaluatedUnitId : null,
          orgAdmin: input.role === 'finance_reviewer' ? input.orgAdmin : false,
          passwordHash,
          mustChangePassword: true,
          phone: input.phone,
          email: input.email,
        },
        at,
      )
      const { passwordHash: _omit, ...visible } = row
      appendAudit(tx, {
        actor: auditActorOf(op),
        tenantId: row.organizationId,
        action: 'user.create',
        entity: 'user',
        entityId: row.id,
        after: auditedUser(visible),
        at,
      })
      return visible
    })
  })
}

/** Role, tenant and unit must fit together, and the operator must be allowed to make that account. */
function checkUserPlacement(db: Db, op: Operator, input: CreateUserInput): void {
  if (input.organizationId === null) {
    if (!ROLES_WITHOUT_ORG.includes(input.role)) throw refuse.field('role', '该角色的账号必须属于某个机构')
  } else {
    const scope = lookupScope(op)
    const org = getOrganization(db, input.organizationId)
    if (!org || !scope || (scope.organizationId !== undefined && scope.organizationId !== org.id)) throw refuse.notFound()
    if (!ROLES_BY_ORG_KIND[org.kind].includes(input.role)) throw refuse.field('role', '该机构不能设立此角色的账号')
  }
  if (input.role === 'unit_contact') {
    if (!input.evaluatedUnitId || !getEvaluatedUnit(db, input.evaluatedUnitId)) throw refuse.field('evaluatedUnitId', '请选择被评价单位')
  }
  if (!operatorMay(op, 'user.manage', { type: 'user', organizationId: input.organizationId, role: input.role })) throw refuse.forbidden()
}

export function updateProfile(
  db: Db,
  op: Operator,
  input: { userId: string; version: number; displayName: string; phone: string; email: string },
  at: Date,
): Promise<Outcome<void>> {
  return outcome(() =>
    inTransaction(db, (tx) => {
      const target = manageableUser(tx, op, input.userId)
      if (!updateUserProfile(tx, { id: target.id, version: input.version, displayName: input.displayName, phone: input.phone, email: input.email }, at)) {
        throw refuse.stale()
      }
      appendAudit(tx, {
        actor: auditActorOf(op),
        action: 'user.update',
        entity: 'user',
        entityId: target.id,
        tenantId: target.organizationId,
        before: { displayName: target.displayName, phone: target.phone, email: target.email },
        after: { displayName: input.displayName, phone: input.phone, email: input.email },
        at,
      })
    }),
  )
}

/**
 * An administrator sets a new password for someone else: the owner must change it at next sign-in
 * and every device they are signed in on is signed out.
 */
export function resetPassword(
  db: Db,
  op: Operator,
  input: { userId: string; password: string; passwordConfirm?: string },
  at: Date,
): Promise<Outcome<VisibleUser>> {
  return outcome(async () => {
    const target = manageableUser(db, op, input.userId)
    if (op.kind === 'user' && target.id === op.actor.userId) throw refuse.field('_form', '请在“我的账号”页面修改自己的密码')
    const problem = passwordProblem(input.password, target.username)
    if (problem) throw refuse.field('password', problem)
    if (input.passwordConfirm !== undefined && input.passwordConfirm !== input.password) throw refuse.field('passwordConfirm', '两次输入的密码不一致')
    const passwordHash = await hashPassword(input.password)
    return inTransaction(db, (tx) => {
      // Hashing took a moment outside the transaction: decide again on what is there now.
      const current = manageableUser(tx, op, input.userId)
      setUserPassword(tx, { id: current.id, passwordHash, mustChangePassword: true }, at)
      endAllSessionsOf(tx, current.id)
      appendAudit(tx, {
        actor: auditActorOf(op),
        action: 'user.reset_password',
        entity: 'user',
        entityId: current.id,
        tenantId: current.organizationId,
        before: { mustChangePassword: current.mustChangePassword },
        after: { mustChangePassword: true },
        at,
      })
      return { ...current, mustChangePassword: true, version: current.version + 1 }
    })
  })
}

export function setUserStatus(
  db: Db,
  op: Operator,
  input: { userId: string; version: number; status: 'active' | 'disabled' },
  at: Date,
): Promise<Outcome<void>> {
  return outcome(() =>
    inTransaction(db, (tx) => {
      const target = manageableUser(tx, op, input.userId)
      if (input.status === 'disabled') {
        if (op.kind === 'user' && target.id === op.actor.userId) throw refuse.field('_form', '不能停用自己的账号')
        if (target.status === 'active' && administersTenant(target) && countOtherActiveAdmins(tx, target.organizationId, target.id) === 0) {
          throw refuse.field('_form', target.organizationId === null ? '不能停用最后一个有效的系统管理员' : '不能停用该机构最后一个有效的管理员')
        }
      }
      if (!updateUserStatus(tx, { id: target.id, version: input.version, status: input.status }, at)) throw refuse.stale()
      if (input.status === 'disabled') endAllSessionsOf(tx, target.id)
      appendAudit(tx, {
        actor: auditActorOf(op),
        action: 'user.status',
        entity: 'user',
        entityId: target.id,
        tenantId: target.organizationId,
        before: { status: target.status },
        after: { status: input.status },
        at,
      })
    }),
  )
}

/** The signed-in user replaces their own password; their other sessions end, this one stays. */
export function changeOwnPassword(
  db: Db,
  user: SessionUser,
  input: { currentPassword: string; newPassword: string; newPasswordConfirm: string },
  at: Date,
  clientIp = 'unknown',
): Promise<Outcome<void>> {
  return outcome(async () => {
    // The current password is a password check like login's, throttled the same way: a stolen
    // session must not become a way to guess the password.
    const gate = gatePasswordAttempt(db, { username: user.username, ip: clientIp }, at, {
      actor: auditActor(user.actor),
      userId: user.actor.userId,
    })
    if (gate.throttled) throw refuse.field('currentPassword', '密码错误次数过多，请 15 分钟后再试')
    const stored = getPasswordHash(db, user.actor.userId)
    if (!stored || !(await verifyPassword(input.currentPassword, stored))) throw refuse.field('currentPassword', '当前密码不正确')
    inTransaction(db, (tx) => releasePasswordAttempt(tx, user.username, gate.bookedIds))
    const problem = passwordProblem(input.newPassword, user.username)
    if (problem) throw refuse.field('newPassword', problem)
    if (input.newPassword === input.currentPassword) throw refuse.field('newPassword', '新密码不能与当前密码相同')
    if (input.newPassword !== input.newPasswordConfirm) throw refuse.field('newPasswordConfirm', '两次输入的密码不一致')
    const passwordHash = await hashPassword(input.newPassword)
    inTransaction(db, (tx) => {
      setUserPassword(tx, { id: user.actor.userId, passwordHash, mustChangePassword: false }, at)
      endOtherSessionsOf(tx, user.actor.userId, user.sessionId)
      appendAudit(tx, {
        actor: auditActor(user.actor),
        action: 'account.password_change',
        entity: 'user',
        entityId: user.actor.userId,
        before: { mustChangePassword: user.mustChangePassword },
        after: { mustChangePassword: false },
        at,
      })
    })
  })
}

/** Signs the user out everywhere but here (lost phone, shared computer). */
export function endMyOtherSessions(db: Db, user: SessionUser, at: Date): number {
  return inTransaction(db, (tx) => {
    const ended = endOtherSessionsOf(tx, user.actor.userId, user.sessionId)
    appendAudit(tx, {
      actor: auditActor(user.actor),
      action: 'account.sessions_ended',
      entity: 'user',
      entityId: user.actor.userId,
      after: { ended },
      at,
    })
    return ended
  })
}

/** The CLI names accounts by username. */
export function findUserIdByUsername(db: Db, username: string): string | null {
  return findUserByUsername(db, username)?.id ?? null
}
