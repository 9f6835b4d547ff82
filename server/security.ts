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
