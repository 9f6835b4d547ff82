import type { NextFunction, Request, Response } from 'express'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence beside SameSite=Lax (SECURITY.md §4): every state-changing request must come from
 * our own origin. The Origin header decides; without it, only a same-origin or user-typed
 * Sec-Fetch-Site passes. Anything else is refused before Remix sees it.
 */
export function isSameOriginRequest(
  method: string,
  headers: { origin?: string; 'sec-fetch-site'?: string; host?: string },
  ownOrigin: string | null,
  protocol: string,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true
  const expected = ownOrigin ?? (headers.host ? `${protocol}://${headers.host}` : null)
  const origin = headers.origin
  if (origin && origin !== 'null') return expected !== null && origin === expected
  const site = headers['sec-fetch-site']
  return site === 'same-origin' || site === 'none'
}

export function originCheck(ownOrigin: string | null) {
  return (req: Request, res: Response, next: NextFunction) => {
    const ok = isSameOriginRequest(
      req.method,
      {
        origin: req.get('origin'),
        'sec-fetch-site': req.get('sec-fetch-site'),
        host: req.get('host'),
      },
      ownOrigin,
      req.protocol,
    )
    if (ok) return next()
    res.status(403).type('text/plain; charset=utf-8').send('请求来源不被允许（跨站请求已拒绝）')
  }
}

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
/** Forms here are a few fields; anything larger is not one of ours. */
export const MAX_FORM_BYTES = 1024 * 1024

/** Upload routes: the only ones that take multipart bodies (Excel imports). */
export const UPLOAD_PATHS: readonly RegExp[] = [/^\/frameworks\/import(\.data)?$/, /^\/experts\/import(\.data)?$/, /^\/engagements\/[0-9A-Za-z]{1,40}\/sheet\/import(\.data)?$/, /^\/expert\/seats\/[0-9A-Za-z]{1,40}\/offline(\.data)?$/, /^\/verify\/[0-9A-Za-z-]{1,20}(\.data)?$/, /^\/engagements\/[0-9A-Za-z]{1,40}\/rectification\/[0-9A-Za-z]{1,40}(\.data)?$/, /^\/credit\/[0-9A-Za-z]{1,40}(\.data)?$/, /^\/engagements\/[0-9A-Za-z]{1,40}\/papers(\.data)?$/, /^\/unit\/requests(\.data)?$/, /^\/engagements\/[0-9A-Za-z]{1,40}\/surveys\/[0-9A-Za-z]{1,40}(\.data)?$/]
/** An upload is one workbook (capped at 5 MiB by the parser) plus a few fields. */
export const MAX_UPLOAD_BYTES = 6 * 1024 * 1024

/**
 * Every action reads `request.formData()`, which throws (and became a 500) on a JSON, text/plain,
 * missing or malformed multipart body. Pages post URL-encoded forms; only the upload routes take
 * multipart, and they parse it with a size-capped handler (SECURITY.md §9), which also caps a
 * chunked body this declared-length check cannot see.
 */
export function formBodyGuard(maxBytes: number = MAX_FORM_BYTES) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method.toUpperCase())) return next()
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    const upload = type === 'multipart/form-data' && /;\s*boundary=/i.test(req.get('content-type') ?? '') && UPLOAD_PATHS.some((p) => p.test(req.path))
    if (type !== FORM_CONTENT_TYPE && !upload) {
      res.status(415).type('text/plain; charset=utf-8').send('不支持的提交格式')
      return
    }
    const length = Number(req.get('content-length') ?? 0)
    if (Number.isFinite(length) && length > (upload ? MAX_UPLOAD_BYTES : maxBytes)) {
      res.status(413).set('Connection', 'close').type('text/plain; charset=utf-8').send('提交的内容过大')
      return
    }
    next()
  }
}

/**
 * Remix runs its own CSRF check after ours: it compares Origin with X-Forwarded-Host or Host, and
 * answers a bare 500 on a mismatch. Behind a proxy that rewrites Host (nginx does by default) every
 * legitimate POST would fail. Once our check has matched Origin against APP_ORIGIN, the public host
 * is APP_ORIGIN's host, so we say so to Remix (overwriting whatever the client sent).
 */
export function publicHostFromAppOrigin(ownOrigin: string | null) {
  const host = ownOrigin ? new URL(ownOrigin).host : null
  return (req: Request, _res: Response, next: NextFunction) => {
    if (host) req.headers['x-forwarded-host'] = host
    next()
  }
}

/**
 * TRUST_PROXY as express understands it: a hop count, true/false, or a list of addresses/subnet
 * names ("loopback, 10.0.0.0/8"). Express reads every string as an address list, so "1" would trust
 * nobody and "true" would crash at start-up.
 */
export function trustProxySetting(value: string | undefined): boolean | number | string | undefined {
  const v = value?.trim()
  if (!v) return undefined
  if (v === 'true' || v === 'false') return v === 'true'
  if (/^\d+$/.test(v)) return Number(v)
  return v
}
