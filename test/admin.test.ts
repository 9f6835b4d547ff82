// Organizations and accounts, on a real migrated SQLite file seeded with the demo.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { auditLog, organizations, sessions, users } from '../db/schema'
import { DEMO_ORGS, seedDemo, type DemoIds } from '../db/seed/demo'
import { createSessionRow } from '../app/auth/session.server'
import { verifyPassword } from '../app/auth/password.server'
import type { Actor } from '../app/domain/permissions'
import { listAudit, verifyAuditChain } from '../app/models/audit.server'
import { listOrganizationsWithUserCounts } from '../app/models/organization.server'
import { createOrganizationWithAdmin, NewOrganizationForm, setOrganizationStatus } from '../app/services/organization.server'
import { attemptLogin } from '../app/services/login.server'
import {
  changeOwnPassword,
  CLI_OPERATOR,
  createUser,
  NewUserForm,
  resetPassword,
  setUserStatus,
  updateProfile,
  type Operator,
} from '../app/services/user-admin.server'
import { runCli, type CliIo } from '../cli/framework'
import { command as orgCreate } from '../cli/commands/org-create'
import { command as userCreate } from '../cli/commands/user-create'
import { command as userResetPassword } from '../cli/commands/user-reset-password'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY

const PASSWORD = 'Brand-new-pass-2026'
let t: TempDb
let ids: DemoIds
let clock = Date.parse('2026-03-01T01:00:00Z')
const at = () => new Date((clock += 1000))

beforeAll(async () => {
  t = makeTempDb()
  ids = (await seedDemo(t.db, at())).ids
})
afterAll(() => t?.cleanup())

function userRow(id: string) {
  return t.db.select().from(users).where(eq(users.id, id)).get()!
}

function actorOf(username: string): Operator {
  const u = t.db.select().from(users).where(eq(users.username, username)).get()!
  const actor: Actor = {
    userId: u.id,
    role: u.role,
    organizationId: u.organizationId,
    orgAdmin: u.role === 'agency_admin' || u.orgAdmin,
    evaluatedUnitId: u.evaluatedUnitId,
  }
  return { kind: 'user', actor }
}

function auditRows(action: string, entityId?: string) {
  return t.db
    .select()
    .from(auditLog)
    .all()
    .filter((r) => r.action === action && (entityId === undefined || r.entityId === entityId))
}

function sessionCount(userId: string) {
  return t.db.select().from(sessions).where(eq(sessions.userId, userId)).all().length
}

function signIn(userId: string) {
  return createSessionRow(t.db, userId, { ip: '127.0.0.1', userAgent: 'test' }, at())
}

function newUserInput(overrides: Partial<Parameters<typeof createUser>[2]> = {}) {
  return {
    username: 'new.person',
    displayName: '新人',
    role: 'evaluator' as const,
    organizationId: ids.orgs.agencyA,
    evaluatedUnitId: '',
    orgAdmin: false,
    phone: '',
    email: '',
    password: PASSWORD,
    ...overrides,
  }
}

describe('organization with its first administrator', () => {
  test('creates both in one transaction, audited, the admin must change the password', async () => {
    const result = await createOrganizationWithAdmin(
      t.db,
      actorOf('admin'),
      { kind: 'agency', name: '宁波求是评估有限公司', creditCode: '91330200MA2C00003K', region: '浙江省宁波市', adminUsername: 'qiushi.admin', adminName: '许求是', adminPassword: PASSWORD },
      at(),
    )
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const org = t.db.select().from(organizations).where(eq(organizations.id, result.value.organizationId)).get()!
    expect(org).toMatchObject({ kind: 'agency', name: '宁波求是评估有限公司', status: 'active' })
    const admin = userRow(result.value.adminUserId)
    expect(admin).toMatchObject({ role: 'agency_admin', orgAdmin: true, organizationId: org.id, mustChangePassword: true })
    expect(await verifyPassword(PASSWORD, admin.passwordHash)).toBe(true)
    expect(auditRows('organization.create', org.id)).toHaveLength(1)
    const created = auditRows('user.create', admin.id)
    expect(created).toHaveLength(1)
    expect(created[0]!.afterJson).not.toContain('scrypt')
    expect(created[0]!.actorRole).toBe('system_admin')
  })

  test('a finance bureau gets a finance reviewer who administers it', async () => {
    const result = await createOrganizationWithAdmin(
      t.db,
      CLI_OPERATOR,
      { kind: 'finance_bureau', name: '宁波市鄞州区财政局', creditCode: '', region: '', adminUsername: 'yinzhou.finance', adminName: '鄞审', adminPassword: PASSWORD },
      at(),
    )
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(userRow(result.value.adminUserId)).toMatchObject({ role: 'finance_reviewer', orgAdmin: true })
    expect(auditRows('organization.create', result.value.organizationId)[0]!.actorRole).toBe('cli')
  })

  test('a taken username fails the whole thing and leaves no organization behind', async () => {
    const before = t.db.select().from(organizations).all().length
    const result = await createOrganizationWithAdmin(
      t.db,
      actorOf('admin'),
      { kind: 'agency', name: '不应存在的机构', creditCode: '', region: '', adminUsername: 'mingjian.admin', adminName: '重名', adminPassword: PASSWORD },
      at(),
    )
    expect(result).toMatchObject({ ok: false, status: 400, errors: { adminUsername: '该用户名已被使用' } })
    expect(t.db.select().from(organizations).all().length).toBe(before)
    expect(t.db.select().from(organizations).where(eq(organizations.name, '不应存在的机构')).get()).toBeUndefined()
  })

  test('a taken name is reported beside the name field', async () => {
    const result = await createOrganizationWithAdmin(
      t.db,
      actorOf('admin'),
      { kind: 'agency', name: DEMO_ORGS.agencyA.name, creditCode: '', region: '', adminUsername: 'someone.new', adminName: '某人', adminPassword: PASSWORD },
      at(),
    )
    expect(result).toMatchObject({ ok: false, status: 400, errors: { name: '该机构名称已存在' } })
    expect(t.db.select().from(users).where(eq(users.username, 'someone.new')).get()).toBeUndefined()
  })

  test('only the platform administrator may create one', async () => {
    const result = await createOrganizationWithAdmin(
      t.db,
      actorOf('mingjian.admin'),
      { kind: 'agency', name: '越权机构', creditCode: '', region: '', adminUsername: 'sneaky.admin', adminName: '越权', adminPassword: PASSWORD },
      at(),
    )
    expect(result).toMatchObject({ ok: false, status: 403 })
  })

  test('the form schema checks credit code, username, password rules and confirmation', () => {
    const fd = new FormData()
    for (const [k, v] of Object.entries({
      kind: 'agency',
      name: '某机构',
      creditCode: '91330108MA2B0000IO',
      adminUsername: 'Bad Name!',
      adminName: '某人',
      adminPassword: 'short',
      adminPasswordConfirm: 'short',
    }))
      fd.set(k, v)
    const parsed = NewOrganizationForm.safeParse(Object.fromEntries(fd))
    expect(parsed.success).toBe(false)
    const fields = parsed.success ? [] : parsed.error.issues.map((i) => i.path[0])
    expect(fields).toEqual(expect.arrayContaining(['creditCode', 'adminUsername']))

    const mismatch = NewOrganizationForm.safeParse({
      kind: 'agency',
      name: '某机构',
      creditCode: '91330108ma2b00001x',
      adminUsername: 'good.name',
      adminName: '某人',
      adminPassword: PASSWORD,
      adminPasswordConfirm: PASSWORD + 'x',
    })
    expect(mismatch.success).toBe(false)
    expect(mismatch.success ? null : mismatch.error.issues[0]).toMatchObject({ path: ['adminPasswordConfirm'], message: '两次输入的密码不一致' })

    const weak = NewUserForm.safeParse({ username: 'xyz', displayName: 'x', role: 'evaluator', password: 'abababababab', passwordConfirm: 'abababababab' })
    expect(weak.success ? null : weak.error.issues[0]?.message).toBe('密码过于简单')
    const bad = NewUserForm.safeParse({ username: 'abc', displayName: 'x', role: 'evaluator', phone: '12345', email: 'not-an-email', password: PASSWORD, passwordConfirm: PASSWORD })
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path[0])).toEqual(['phone', 'email'])
    const good = NewUserForm.safeParse({ username: 'abc', displayName: 'x', role: 'evaluator', phone: '0571-88886666', email: 'a@b.cn', password: PASSWORD, passwordConfirm: PASSWORD })
    expect(good.success).toBe(true)
  })

  test('disabling an organization signs all its people out and is audited', async () => {
    const liId = ids.users['mingjian.li']!
    signIn(liId)
    const org = t.db.select().from(organizations).where(eq(organizations.id, ids.orgs.agencyA)).get()!
    const stale = await setOrganizationStatus(t.db, actorOf('admin'), { organizationId: org.id, version: org.version + 5, status: 'disabled' }, at())
    expect(stale).toMatchObject({ ok: false, status: 409 })
    const result = await setOrganizationStatus(t.db, actorOf('admin'), { organizationId: org.id, version: org.version, status: 'disabled' }, at())
    expect(result.ok).toBe(true)
    expect(sessionCount(liId)).toBe(0)
    expect(auditRows('organization.status', org.id)).toHaveLength(1)
    const back = await setOrganizationStatus(t.db, actorOf('admin'), { organizationId: org.id, version: org.version + 1, status: 'active' }, at())
    expect(back.ok).toBe(true)
  })
})

describe('accounts managed by an organization administrator', () => {
  test('creates an evaluator in their own agency, audited without the password', async () => {
    const result = await createUser(t.db, actorOf('mingjian.admin'), newUserInput({ phone: '13800001111', email: 'xin@example.cn' }), at())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(userRow(result.value.id)).toMatchObject({ organizationId: ids.orgs.agencyA, role: 'evaluator', mustChangePassword: true })
    const rows = auditRows('user.create', result.value.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.organizationId).toBe(ids.orgs.agencyA)
    expect(rows[0]!.afterJson).not.toContain(PASSWORD)
    expect(rows[0]!.afterJson).not.toContain('scrypt')
  })

  test('a taken username is refused beside the field', async () => {
    const result = await createUser(t.db, actorOf('mingjian.admin'), newUserInput({ username: 'mingjian.li' }), at())
    expect(result).toMatchObject({ ok: false, status: 400, errors: { username: '该用户名已被使用' } })
  })

  test('cannot create accounts in another agency or with a role their agency cannot have', async () => {
    const foreign = await createUser(t.db, actorOf('mingjian.admin'), newUserInput({ username: 'intruder', organizationId: ids.orgs.agencyB }), at())
    expect(foreign).toMatchObject({ ok: false, status: 404 })
    expect(t.db.select().from(users).where(eq(users.username, 'intruder')).get()).toBeUndefined()
    const wrongRole = await createUser(t.db, actorOf('mingjian.admin'), newUserInput({ username: 'reviewer.x', role: 'finance_reviewer' }), at())
    expect(wrongRole).toMatchObject({ ok: false, status: 400, errors: { role: '该机构不能设立此角色的账号' } })
    const evaluator = await createUser(t.db, actorOf('mingjian.li'), newUserInput({ username: 'by.evaluator' }), at())
    expect(evaluator).toMatchObject({ ok: false, status: 403 })
  })

  test("cannot touch another agency's users: every service answers 404 and changes nothing", async () => {
    const hengping = userRow(ids.users['hengping.admin']!)
    const op = actorOf('mingjian.admin')
    expect(await updateProfile(t.db, op, { userId: hengping.id, version: hengping.version, displayName: '改名', phone: '', email: '' }, at())).toMatchObject({ ok: false, status: 404 })
    expect(await resetPassword(t.db, op, { userId: hengping.id, password: PASSWORD }, at())).toMatchObject({ ok: false, status: 404 })
    expect(await setUserStatus(t.db, op, { userId: hengping.id, version: hengping.version, status: 'disabled' }, at())).toMatchObject({ ok: false, status: 404 })
    const bureauReviewer = userRow(ids.users['binjiang.finance']!)
    expect(await setUserStatus(t.db, op, { userId: bureauReviewer.id, version: bureauReviewer.version, status: 'disabled' }, at())).toMatchObject({ ok: false, status: 404 })
    expect(userRow(hengping.id)).toEqual(hengping)
  })

  test('a finance reviewer who administers the bureau manages its reviewers only', async () => {
    const op = actorOf('binjiang.finance')
    const ok = await createUser(t.db, op, newUserInput({ username: 'binjiang.second', role: 'finance_reviewer', organizationId: ids.orgs.bureauX }), at())
    expect(ok.ok).toBe(true)
    const evaluator = await createUser(t.db, op, newUserInput({ username: 'binjiang.eval', role: 'evaluator', organizationId: ids.orgs.bureauX }), at())
    expect(evaluator).toMatchObject({ ok: false, status: 400 })
    const plainReviewer = actorOf('binjiang.second')
    expect(await createUser(t.db, plainReviewer, newUserInput({ username: 'binjiang.third', role: 'finance_reviewer', organizationId: ids.orgs.bureauX }), at())).toMatchObject({ ok: false, status: 403 })
  })

  test('profile edits carry the version: a stale one answers 409', async () => {
    const zhao = userRow(ids.users['mingjian.zhao']!)
    const op = actorOf('mingjian.admin')
    const first = await updateProfile(t.db, op, { userId: zhao.id, version: zhao.version, displayName: '赵核（改）', phone: '0571-88886666', email: 'zhao@example.cn' }, at())
    expect(first.ok).toBe(true)
    const second = await updateProfile(t.db, op, { userId: zhao.id, version: zhao.version, displayName: '赵核（再改）', phone: '', email: '' }, at())
    expect(second).toMatchObject({ ok: false, status: 409, errors: { _form: '数据已被他人修改，请刷新后重试' } })
    expect(userRow(zhao.id)).toMatchObject({ displayName: '赵核（改）', version: zhao.version + 1 })
    const rows = auditRows('user.update', zhao.id)
    expect(rows).toHaveLength(1)
    expect(JSON.parse(rows[0]!.beforeJson!)).toMatchObject({ displayName: '赵核' })
  })

  test('resetting a password sets mustChangePassword and ends every session of the account', async () => {
    const zhaoId = ids.users['mingjian.zhao']!
    signIn(zhaoId)
    signIn(zhaoId)
    expect(sessionCount(zhaoId)).toBe(2)
    const result = await resetPassword(t.db, actorOf('mingjian.admin'), { userId: zhaoId, password: PASSWORD, passwordConfirm: PASSWORD }, at())
    expect(result.ok).toBe(true)
    expect(sessionCount(zhaoId)).toBe(0)
    const row = userRow(zhaoId)
    expect(row.mustChangePassword).toBe(true)
    expect(await verifyPassword(PASSWORD, row.passwordHash)).toBe(true)
    const audit = auditRows('user.reset_password', zhaoId)
    expect(audit).toHaveLength(1)
    expect(`${audit[0]!.beforeJson}${audit[0]!.afterJson}`).not.toContain(PASSWORD)
    const weak = await resetPassword(t.db, actorOf('mingjian.admin'), { userId: zhaoId, password: 'mingjian.zhao-123' }, at())
    expect(weak).toMatchObject({ ok: false, status: 400, errors: { password: '密码不能包含用户名' } })
    const self = await resetPassword(t.db, actorOf('mingjian.admin'), { userId: ids.users['mingjian.admin']!, password: PASSWORD }, at())
    expect(self).toMatchObject({ ok: false, status: 400 })
  })

  test('the user then changes their own password: other sessions end, this one stays', async () => {
    const zhaoId = ids.users['mingjian.zhao']!
    signIn(zhaoId)
    signIn(zhaoId)
    const current = t.db.select().from(sessions).where(eq(sessions.userId, zhaoId)).all()[0]!
    const me = {
      sessionId: current.id,
      username: 'mingjian.zhao',
      displayName: '赵核',
      organizationName: null,
      mustChangePassword: true,
      actor: (actorOf('mingjian.zhao') as Extract<Operator, { kind: 'user' }>).actor,
    }
    const next = 'Zhao-own-choice-77'
    expect(await changeOwnPassword(t.db, me, { currentPassword: 'wrong-password-0', newPassword: next, newPasswordConfirm: next }, at())).toMatchObject({
      ok: false,
      errors: { currentPassword: '当前密码不正确' },
    })
    expect(await changeOwnPassword(t.db, me, { currentPassword: PASSWORD, newPassword: next, newPasswordConfirm: next + '!' }, at())).toMatchObject({
      ok: false,
      errors: { newPasswordConfirm: '两次输入的密码不一致' },
    })
    const ok = await changeOwnPassword(t.db, me, { currentPassword: PASSWORD, newPassword: next, newPasswordConfirm: next }, at())
    expect(ok.ok).toBe(true)
    const left = t.db.select().from(sessions).where(eq(sessions.userId, zhaoId)).all()
    expect(left.map((s) => s.id)).toEqual([current.id])
    expect(userRow(zhaoId).mustChangePassword).toBe(false)
    const audit = auditRows('account.password_change', zhaoId)
    expect(audit).toHaveLength(1)
    expect(`${audit[0]!.beforeJson}${audit[0]!.afterJson}`).not.toContain(next)
  })

  test('deactivating ends the sessions and blocks login; reactivating lets them in again', async () => {
    const liId = ids.users['mingjian.li']!
    signIn(liId)
    const li = userRow(liId)
    const result = await setUserStatus(t.db, actorOf('mingjian.admin'), { userId: liId, version: li.version, status: 'disabled' }, at())
    expect(result.ok).toBe(true)
    expect(sessionCount(liId)).toBe(0)
    const login = await attemptLogin(t.db, { username: 'mingjian.li', password: 'EvalDesk-demo-2026', ip: '10.0.0.9', userAgent: 'test' }, at())
    expect(login.kind).toBe('invalid')
    expect(auditRows('user.status', liId)).toHaveLength(1)
    const again = await setUserStatus(t.db, actorOf('mingjian.admin'), { userId: liId, version: li.version + 1, status: 'active' }, at())
    expect(again.ok).toBe(true)
    const login2 = await attemptLogin(t.db, { username: 'mingjian.li', password: 'EvalDesk-demo-2026', ip: '10.0.0.10', userAgent: 'test' }, at())
    expect(login2.kind).toBe('ok')
  })

  test('cannot deactivate yourself, nor the last active administrator of an organization', async () => {
    const adminB = userRow(ids.users['hengping.admin']!)
    const self = await setUserStatus(t.db, actorOf('hengping.admin'), { userId: adminB.id, version: adminB.version, status: 'disabled' }, at())
    expect(self).toMatchObject({ ok: false, status: 400, errors: { _form: '不能停用自己的账号' } })
    const last = await setUserStatus(t.db, actorOf('admin'), { userId: adminB.id, version: adminB.version, status: 'disabled' }, at())
    expect(last).toMatchObject({ ok: false, status: 400, errors: { _form: '不能停用该机构最后一个有效的管理员' } })
    expect(userRow(adminB.id).status).toBe('active')

    // With a second admin in place, the first one may go.
    const second = await createUser(t.db, actorOf('hengping.admin'), newUserInput({ username: 'hengping.second', role: 'agency_admin', organizationId: ids.orgs.agencyB }), at())
    expect(second.ok).toBe(true)
    const now = await setUserStatus(t.db, actorOf('admin'), { userId: adminB.id, version: adminB.version, status: 'disabled' }, at())
    expect(now.ok).toBe(true)
    if (!second.ok) return
    const lastNow = await setUserStatus(t.db, actorOf('admin'), { userId: second.value.id, version: 1, status: 'disabled' }, at())
    expect(lastNow).toMatchObject({ ok: false, status: 400 })
  })

  test('the platform administrator creates experts and unit contacts, who belong to no organization', async () => {
    const op = actorOf('admin')
    const expert = await createUser(t.db, op, newUserInput({ username: 'expert.wang', role: 'expert', organizationId: null }), at())
    expect(expert.ok).toBe(true)
    const noUnit = await createUser(t.db, op, newUserInput({ username: 'unit.none', role: 'unit_contact', organizationId: null }), at())
    expect(noUnit).toMatchObject({ ok: false, status: 400, errors: { evaluatedUnitId: '请选择被评价单位' } })
    const contact = await createUser(t.db, op, newUserInput({ username: 'unit.health', role: 'unit_contact', organizationId: null, evaluatedUnitId: ids.units[1]! }), at())
    expect(contact.ok).toBe(true)
    if (contact.ok) expect(userRow(contact.value.id).evaluatedUnitId).toBe(ids.units[1])
    const evaluatorWithoutOrg = await createUser(t.db, op, newUserInput({ username: 'loose.eval', role: 'evaluator', organizationId: null }), at())
    expect(evaluatorWithoutOrg).toMatchObject({ ok: false, status: 400 })
  })

  test('the organization list counts each organization\'s accounts', () => {
    const counts = new Map(listOrganizationsWithUserCounts(t.db).map((o) => [o.id, o.userCount]))
    for (const id of Object.values(ids.orgs)) {
      expect(counts.get(id), id).toBe(t.db.select().from(users).where(eq(users.organizationId, id)).all().length)
    }
    expect(counts.get(ids.orgs.agencyA)).toBeGreaterThan(2)
  })

  test('after all of the above the audit chain still verifies', () => {
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
  })
})

describe('phone numbers', () => {
  const phone = (value: string) => NewUserForm.safeParse({ username: 'xyz', displayName: 'x', role: 'evaluator', phone: value, password: PASSWORD, passwordConfirm: PASSWORD }).success
  test.each(['', '13912345678', '0571-88886666', '057188886666', '010-12345678-123', '88886666'])('accepts %j', (value) => {
    expect(phone(value)).toBe(true)
  })
  test.each(['12912345678', '1391234567', '0571-8888', 'abc', '0571--88886666', '+86 139 1234 5678'])('refuses %j', (value) => {
    expect(phone(value)).toBe(false)
  })
})

describe('the command line uses the same services', () => {
  const commands = [orgCreate, userCreate, userResetPassword]
  async function cli(...argv: string[]) {
    const out: string[] = []
    const err: string[] = []
    const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) }
    const previous = process.env.EVALDESK_DB
    process.env.EVALDESK_DB = t.file
    try {
      const code = await runCli(commands, argv, io)
      return { code, out: out.join('\n'), err: err.join('\n') }
    } finally {
      process.env.EVALDESK_DB = previous
    }
  }

  test('org:create, user:create and user:reset-password write the same rows and audit entries (role cli)', async () => {
    const org = await cli('org:create', '--kind', 'agency', '--name', '命令行机构', '--admin-username', 'cli.admin', '--admin-name', '命令行', '--admin-password', PASSWORD)
    expect(org).toMatchObject({ code: 0 })
    const admin = t.db.select().from(users).where(eq(users.username, 'cli.admin')).get()!
    expect(admin).toMatchObject({ role: 'agency_admin', mustChangePassword: true })
    expect(auditRows('organization.create', admin.organizationId!)[0]!.actorRole).toBe('cli')

    const dup = await cli('org:create', '--kind', 'agency', '--name', '命令行机构', '--admin-username', 'cli.other', '--admin-name', '命令行', '--admin-password', PASSWORD)
    expect(dup.code).toBe(1)
    expect(dup.err).toContain('--name：该机构名称已存在')
    const usage = await cli('org:create', '--kind', 'bank', '--name', 'x', '--admin-username', 'ab', '--admin-name', 'y', '--admin-password', PASSWORD)
    expect(usage.code).toBe(2)
    expect(usage.err).toContain('--admin-username')

    const created = await cli('user:create', '--username', 'cli.eval', '--name', '命令行评价', '--role', 'evaluator', '--org', '命令行机构', '--password', PASSWORD)
    expect(created).toMatchObject({ code: 0 })
    expect(t.db.select().from(users).where(eq(users.username, 'cli.eval')).get()).toMatchObject({ organizationId: admin.organizationId, role: 'evaluator' })
    const wrongRole = await cli('user:create', '--username', 'cli.rev', '--name', '审', '--role', 'finance_reviewer', '--org', admin.organizationId!, '--password', PASSWORD)
    expect(wrongRole.code).toBe(1)
    expect(wrongRole.err).toContain('--role')

    const evalId = t.db.select().from(users).where(eq(users.username, 'cli.eval')).get()!.id
    signIn(evalId)
    const reset = await cli('user:reset-password', 'cli.eval')
    expect(reset.code).toBe(0)
    const generated = /只显示这一次）：(\S+)/.exec(reset.out)?.[1]
    expect(generated).toHaveLength(16)
    expect(await verifyPassword(generated!, userRow(evalId).passwordHash)).toBe(true)
    expect(sessionCount(evalId)).toBe(0)
    expect(auditRows('user.reset_password', evalId).at(-1)!.actorRole).toBe('cli')
    expect(`${reset.out}`).not.toContain('scrypt')
    const unknown = await cli('user:reset-password', 'nobody.here')
    expect(unknown.code).toBe(1)
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: true })
  })
})

describe('whose audit log a change lands in', () => {
  test('a platform administrator resetting an agency account shows in that agency log and in the platform log', async () => {
    const zhaoId = ids.users['mingjian.zhao']!
    const result = await resetPassword(t.db, actorOf('admin'), { userId: zhaoId, password: PASSWORD }, at())
    expect(result.ok).toBe(true)
    const agencyLog = listAudit(t.db, { organizationId: ids.orgs.agencyA, action: 'user.reset_password', entity: 'user' }, 1)
    expect(agencyLog.rows.some((r) => r.entityId === zhaoId && r.actorRole === 'system_admin')).toBe(true)
    const platformLog = listAudit(t.db, { organizationId: null, action: 'user.reset_password' }, 1)
    expect(platformLog.rows.some((r) => r.entityId === zhaoId)).toBe(true)
    const otherAgencyLog = listAudit(t.db, { organizationId: ids.orgs.agencyB, action: 'user.reset_password' }, 1)
    expect(otherAgencyLog.rows.some((r) => r.entityId === zhaoId)).toBe(false)
    // The agency's own actions stay out of the platform log.
    const agencyOwn = await updateProfile(
      t.db,
      actorOf('mingjian.admin'),
      { userId: zhaoId, version: userRow(zhaoId).version, displayName: '赵核', phone: '', email: '' },
      at(),
    )
    expect(agencyOwn.ok).toBe(true)
    expect(listAudit(t.db, { organizationId: null, action: 'user.update' }, 1).rows.some((r) => r.entityId === zhaoId)).toBe(false)
  })
})
