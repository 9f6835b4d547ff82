import { redirect } from '@remix-run/node'
import { can, type Action, type Resource } from '../domain/permissions'
import type { Role } from '../domain/roles'
import { getSessionUser, type SessionUser } from './session.server'

/** Where a user whose password was set by an administrator must go before anything else. */
export const PASSWORD_CHANGE_PATH = '/account'

/**
 * The signed-in user, or a redirect to the login page that comes back here afterwards. A user who
 * must replace an administrator-set password reaches nothing else, loaders and actions alike.
 */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getSessionUser(request)
  const url = new URL(request.url)
  if (!user) {
    const back = url.pathname + url.search
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`)
  }
  // Single fetch asks for "/x.data" on client navigations.
  if (user.mustChangePassword && url.pathname.replace(/\.data$/, '') !== PASSWORD_CHANGE_PATH) {
    throw redirect(PASSWORD_CHANGE_PATH)
  }
  return user
}

/** The signed-in user if their role is one of `roles`; otherwise 403 (anonymous: to login). */
export async function requireRole(request: Request, roles: readonly Role[]): Promise<SessionUser> {
  const user = await requireUser(request)
  if (!roles.includes(user.actor.role)) throw forbidden()
  return user
}

/** The signed-in user if `can(actor, action, resource)` allows it; otherwise 403. */
export async function requirePermission(request: Request, action: Action, resource: Resource): Promise<SessionUser> {
  const user = await requireUser(request)
  if (!can(user.actor, action, resource)) throw forbidden()
  return user
}

export function forbidden(): Response {
  return new Response('无权访问', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

export function notFound(): Response {
  return new Response('未找到', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

const LOCAL_BASE = 'http://evaldesk.local'

/**
 * Only same-site relative paths are followed after login (no open redirect). The target is parsed
 * the way a browser parses a Location header (which drops tabs and newlines and reads `\` as `/`),
 * so `/\t/evil.com` cannot turn into `//evil.com` on the way.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/dashboard'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback
  let url: URL
  try {
    url = new URL(to, LOCAL_BASE)
  } catch {
    return fallback
  }
  if (url.origin !== LOCAL_BASE || url.pathname.startsWith('//')) return fallback
  return url.pathname + url.search + url.hash
}
