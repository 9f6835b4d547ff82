// One-time invite links for drawn experts without an account: the link sets a username and password,
// creates the expert's account, links it to their pool record and signs them in. Only the token's
// hash is stored; a used or expired link is refused.
import { eq, isNull, and } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client.server'
import { experts } from '../../db/schema'
import { hashPassword, PASSWORD_MAX } from '../auth/password.server'
import { createSessionRow, sessionSetCookie } from '../auth/session.server'
import { appendAudit } from '../models/audit.server'
import { expertById, findInvite, markInviteUsed } from '../models/panel.server'
import { findUserByUsername, insertUser } from '../models/user.server'
import { parseForm, type FieldErrors, type FormValues } from '../utils/form'
import { inviteTokenHash } from './panel.server'
import { inTransaction } from './transaction.server'
import { checkNewPassword, passwordField, usernameField } from './user-admin.server'

const INVALID = '邀请链接无效、已使用或已过期，请联系评价机构重新发送'

/** The invite behind a token, if it is still usable, with the expert's name for the greeting. */
export function openInvite(db: Db, token: string, now: Date): { expertId: string; expertName: string } | null {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null
  const invite = findInvite(db, inviteTokenHash(token))
  if (!invite || invite.usedAt || invite.expiresAt <= now.toISOString()) return null
  const expert = expertById(db, invite.expertId)
  if (!expert || expert.userId) return null
  return { expertId: expert.id, expertName: expert.name }
}

const inviteForm = z
  .object({
    username: usernameField,
    password: passwordField(),
    passwordConfirm: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(PASSWORD_MAX)),
  })
  .superRefine((v, ctx) => checkNewPassword(ctx, { password: v.password, confirm: v.passwordConfirm, username: v.username }, { password: 'password', confirm: 'passwordConfirm' }))

export type InviteResult = { ok: true; setCookie: string } | { ok: false; status: 400 | 404 | 409; errors: FieldErrors; values?: FormValues }

export async function acceptInvite(db: Db, token: string, fd: FormData, client: { ip: string; userAgent: string }, now: Date): Promise<InviteResult> {
  const opened = openInvite(db, token, now)
  if (!opened) return { ok: false, status: 404, errors: { _form: INVALID } }
  const parsed = parseForm(inviteForm, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  if (findUserByUsername(db, parsed.data.username)) return { ok: false, status: 400, errors: { username: '该用户名已被使用' }, values: { username: parsed.data.username } }
  // The slow hash runs before the transaction; everything is decided again inside it.
  const passwordHash = await hashPassword(parsed.data.password)
  const result = inTransaction(db, (tx): { ok: true; sessionToken: string } | { ok: false; status: 400 | 404; errors: FieldErrors } => {
    const invite = findInvite(tx, inviteTokenHash(token))
    const expert = invite ? expertById(tx, invite.expertId) : undefined
    // Every check before any write: a refusal must leave the invite and the pool as they were.
    if (!invite || invite.usedAt || invite.expiresAt <= now.toISOString() || !expert || expert.userId) return { ok: false, status: 404, errors: { _form: INVALID } }
    if (findUserByUsername(tx, parsed.data.username)) return { ok: false, status: 400, errors: { username: '该用户名已被使用' } }
    markInviteUsed(tx, invite.tokenHash, now.toISOString())
    const user = insertUser(tx, { username: parsed.data.username, displayName: expert.name, role: 'expert', organizationId: null, passwordHash, phone: expert.phone, email: expert.email }, now)
    tx.update(experts).set({ userId: user.id, updatedAt: now.toISOString() }).where(and(eq(experts.id, expert.id), isNull(experts.userId))).run()
    appendAudit(tx, { actor: { userId: user.id, role: 'expert', organizationId: null }, action: 'invite.accept', entity: 'expert', entityId: expert.id, after: { username: user.username }, at: now })
    return { ok: true, sessionToken: createSessionRow(tx, user.id, client, now) }
  })
  if (!result.ok) return { ...result, values: { username: parsed.data.username } }
  return { ok: true, setCookie: await sessionSetCookie(result.sessionToken) }
}
