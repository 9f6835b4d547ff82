// HTTP-level security controls of the real server (SECURITY.md §4, §8, §12.7): origin check, headers,
// cookie attributes, session lifecycle, login throttling, open redirects, error pages. Plus the
// session timeouts through getSessionUser on a real database with an injected clock.
import fs from 'node:fs'
import path from 'node:path'
import { ulid } from 'ulid'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { sessions, users } from '../db/schema'
import { hashPassword } from '../app/auth/password.server'
import { newId } from '../app/ids.server'
import { createSessionRow, getSessionUser, sessionSetCookie } from '../app/auth/session.server'
import { insertUser } from '../app/models/user.server'
import { DEMO_PASSWORD } from '../db/seed/demo'
import { builtRoutes, patternOf as builtPattern, type ManifestRoute } from './helpers/built-routes'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'
import { makeTempDb, TEST_AUDIT_KEY } from './helpers/temp-db'
import { prepareFile } from '../app/files/store.server'
import { createRequest, uploadToRequest } from '../app/services/document-requests.server'
import { sendRound } from '../app/services/feedback.server'
import { confirmItem, createItems, reportProgress } from '../app/services/rectification.server'
import { generateVersion, issueVersion } from '../app/services/report.server'
import { decideSubmission, submitReport } from '../app/services/review.server'
import { addPaper } from '../app/services/working-papers.server'
import { standInRender } from './helpers/accepted-engagement'
import { actorOf, form } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { trustProxySetting } from '../server/security'

// getSessionUser signs and reads cookies in this process: keep its secret out of the developer's data/.
process.env.SESSION_SECRETS = 'security-test-session-secret'

const WRONG_PASSWORD = 'Wrong-password-123'
const STACK_LINE = /^\s+at .+[(:]/m

let server: RunningServer
let serverDb: Db

beforeAll(async () => {
  server = await startServer()
  serverDb = openDatabase(server.dbFile, { readonly: true })
})
afterAll(async () => {
  serverDb?.$client.close()
  await server?.stop()
})

function count(sql: string, ...params: unknown[]): number {
  return (serverDb.$client.prepare(sql).get(...params) as { n: number }).n
}
const sessionsOf = (username: string) =>
  count('SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?', username)
const auditRows = () => count('SELECT count(*) AS n FROM audit_log')
const loginFailureRows = () => count('SELECT count(*) AS n FROM login_failures')

function rawPost(path: string, headers: Record<string, string>, form: Record<string, string>) {
  return fetch(server.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
    redirect: 'manual',
  })
}

function cookieAttributes(setCookie: string) {
  const [pair, ...attrs] = setCookie.split(';').map((s) => s.trim())
  const [name] = pair!.split('=')
  return { name: name!, attrs: attrs.map((a) => a.toLowerCase()) }
}

describe('origin check (CSRF)', () => {
  test('a login POST from a foreign Origin is refused with 403 and changes nothing', async () => {
    const before = { sessions: sessionsOf('mingjian.li'), audit: auditRows(), failures: loginFailureRows() }
    const res = await rawPost('/login', { Origin: 'https://evil.example.com' }, { username: 'mingjian.li', password: DEMO_PASSWORD })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('跨站请求已拒绝')
    expect(res.headers.get('set-cookie')).toBeNull()
    expect({ sessions: sessionsOf('mingjian.li'), audit: auditRows(), failures: loginFailureRows() }).toEqual(before)
  })

  test('a logout POST from a foreign Origin is refused and the session survives', async () => {
    const client = await loggedIn(server.url, 'mingjian.admin')
    const before = sessionsOf('mingjian.admin')
    const res = await client.post('/logout', {}, { Origin: 'https://evil.example.com' })
    expect(res.status).toBe(403)
    expect(sessionsOf('mingjian.admin')).toBe(before)
    expect((await client.get('/dashboard')).status).toBe(200)
  })

  test('without Origin, Sec-Fetch-Site decides: cross-site and same-site are refused, nothing at all is refused', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await rawPost('/login', { 'Sec-Fetch-Site': site }, { username: 'mingjian.li', password: DEMO_PASSWORD })
      expect(res.status, site).toBe(403)
      expect(res.headers.get('set-cookie')).toBeNull()
    }
    expect((await rawPost('/login', {}, { username: 'mingjian.li', password: DEMO_PASSWORD })).status).toBe(403)
    expect((await rawPost('/login', { Origin: 'null' }, { username: 'mingjian.li', password: DEMO_PASSWORD })).status).toBe(403)
  })

  test('a same-origin POST passes, by Origin or by Sec-Fetch-Site: same-origin', async () => {
    const byOrigin = await rawPost('/login', { Origin: server.url }, { username: 'mingjian.li', password: DEMO_PASSWORD })
    expect(byOrigin.status).toBe(302)
    expect(byOrigin.headers.get('location')).toBe('/dashboard')
    const bySite = await rawPost('/login', { 'Sec-Fetch-Site': 'same-origin' }, { username: 'mingjian.li', password: DEMO_PASSWORD })
    expect(bySite.status).toBe(302)
  })

  test('bodies that are not URL-encoded forms are refused with 415, never a 500', async () => {
    const bodies: [string | undefined, string][] = [
      ['application/json', '{"username":"mingjian.li"}'],
      ['text/plain', 'username=mingjian.li'],
      ['multipart/form-data', 'no boundary at all'],
      ['multipart/form-data; boundary=zz', 'garbage'],
      [undefined, ''],
    ]
    for (const [type, body] of bodies) {
      const headers: Record<string, string> = { Origin: server.url }
      if (type) headers['Content-Type'] = type
      const res = await fetch(server.url + '/login', { method: 'POST', headers, body, redirect: 'manual' })
      expect(res.status, String(type)).toBe(415)
    }
  })

  test('an oversized form is refused with 413', async () => {
    const res = await rawPost('/login', { Origin: server.url }, { username: 'x', password: 'y'.repeat(1024 * 1024 + 10) })
    expect(res.status).toBe(413)
  })
})

describe('headers and cookies', () => {
  test('security headers are set on pages', async () => {
    const res = await fetch(server.url + '/login')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("form-action 'self'")
    // Inline scripts run only with this response's nonce: no 'unsafe-inline' for scripts.
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? ''
    expect(scriptSrc).not.toContain('unsafe-inline')
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1]
    expect(nonce).toBeTruthy()
    const html = await res.text()
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!)
    expect(scripts.length).toBeGreaterThan(0)
    for (const attrs of scripts) expect(attrs).toContain(`nonce="${nonce}"`)
    const again = await fetch(server.url + '/login')
    expect(again.headers.get('content-security-policy')).not.toContain(nonce!)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('same-origin')
    expect(res.headers.get('x-powered-by')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
    // Plain http: no HSTS (it would pin a browser to https that this server does not speak).
    expect(res.headers.get('strict-transport-security')).toBeNull()
  })

  test('fingerprinted build assets stay cacheable while pages are no-store', async () => {
    const html = await (await fetch(server.url + '/login')).text()
    const css = /href="(\/build\/[^"]+\.css)"/.exec(html)?.[1]
    expect(css).toBeDefined()
    const asset = await fetch(server.url + css!)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  test('the session cookie is HttpOnly, SameSite=Lax, Path=/ and has no Domain', async () => {
    const res = await rawPost('/login', { Origin: server.url }, { username: 'mingjian.li', password: DEMO_PASSWORD })
    const { name, attrs } = cookieAttributes(res.headers.get('set-cookie') ?? '')
    expect(name).toBe('evaldesk_session')
    expect(attrs).toContain('httponly')
    expect(attrs).toContain('samesite=lax')
    expect(attrs).toContain('path=/')
    expect(attrs.some((a) => a.startsWith('domain'))).toBe(false)
  })
})

describe('behind a TLS-terminating proxy (APP_ORIGIN=https://…, TRUST_PROXY=1)', () => {
  const appOrigin = 'https://evaldesk.example.gov.cn'
  let proxied: RunningServer
  beforeAll(async () => {
    proxied = await startServer({ env: { NODE_ENV: 'production', APP_ORIGIN: appOrigin, TRUST_PROXY: '1' } })
  })
  afterAll(async () => {
    await proxied?.stop()
  })

  test('the cookie is __Host- and Secure, HSTS is sent, and the origin check uses APP_ORIGIN', async () => {
    const client = new Client(proxied.url)
    // The request's own host no longer counts as our origin once APP_ORIGIN is set.
    expect((await client.post('/login', { username: 'mingjian.li', password: DEMO_PASSWORD })).status).toBe(403)
    const res = await client.post('/login', { username: 'mingjian.li', password: DEMO_PASSWORD }, { Origin: appOrigin })
    expect(res.status).toBe(302)
    const { name, attrs } = cookieAttributes(res.headers.get('set-cookie') ?? '')
    expect(name).toBe('__Host-evaldesk_session')
    expect(attrs).toContain('secure')
    expect(attrs).toContain('httponly')
    expect(attrs).toContain('samesite=lax')
    expect(attrs).toContain('path=/')
    expect(attrs.some((a) => a.startsWith('domain'))).toBe(false)
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    expect((await client.get('/dashboard')).status).toBe(200)
    // A client-supplied X-Forwarded-Host changes nothing: the public host is APP_ORIGIN's.
    const out = await client.post('/logout', {}, { Origin: appOrigin, 'X-Forwarded-Host': 'evil.example.com' })
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe('/login')
  })

  test('login throttling counts the client address the proxy reports', async () => {
    const res = await new Client(proxied.url).post(
      '/login',
      { username: 'mingjian.li', password: WRONG_PASSWORD },
      { Origin: appOrigin, 'X-Forwarded-For': '203.0.113.7' },
    )
    expect(res.status).toBe(400)
    const db = openDatabase(proxied.dbFile, { readonly: true })
    try {
      const keys = (db.$client.prepare('SELECT key FROM login_failures').all() as { key: string }[]).map((r) => r.key)
      expect(keys).toContain('ip:203.0.113.7')
    } finally {
      db.$client.close()
    }
  })

  test('TRUST_PROXY values mean what express means', () => {
    expect(trustProxySetting(undefined)).toBeUndefined()
    expect(trustProxySetting(' ')).toBeUndefined()
    expect(trustProxySetting('1')).toBe(1)
    expect(trustProxySetting('true')).toBe(true)
    expect(trustProxySetting('false')).toBe(false)
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8')
  })
})

describe('session lifecycle', () => {
  // Decision: several sessions per account may live at once (office PC and laptop); each login gets
  // its own new row, and logout ends only the session it is sent from.
  test('every login creates a new session id; earlier sessions keep working until their own logout', async () => {
    const first = await loggedIn(server.url, 'hengping.admin')
    const second = await loggedIn(server.url, 'hengping.admin')
    expect(first.cookie).not.toBe('')
    expect(second.cookie).not.toBe(first.cookie)
    expect((await first.get('/dashboard')).status).toBe(200)
    expect((await second.get('/dashboard')).status).toBe(200)

    const before = sessionsOf('hengping.admin')
    const oldCookie = first.cookie
    const out = await first.post('/logout', {})
    expect(out.status).toBe(302)
    expect(out.headers.get('location')).toBe('/login')
    expect(first.cookie).toBe('') // the response cleared the cookie
    expect(sessionsOf('hengping.admin')).toBe(before - 1)

    const replay = new Client(server.url)
    replay.cookie = oldCookie
    const res = await replay.get('/dashboard')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toMatch(/^\/login/)
    expect((await second.get('/dashboard')).status).toBe(200)
  })

  test('a cookie planted before login is never promoted (no session fixation)', async () => {
    const client = await loggedIn(server.url, 'xihu.finance')
    const planted = client.cookie
    await client.login('xihu.finance')
    expect(client.cookie).not.toBe(planted)
  })

  test('GET /logout changes nothing', async () => {
    const client = await loggedIn(server.url, 'binjiang.finance')
    const before = { sessions: sessionsOf('binjiang.finance'), audit: auditRows() }
    const res = await client.get('/logout')
    expect(res.status).toBe(302)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect({ sessions: sessionsOf('binjiang.finance'), audit: auditRows() }).toEqual(before)
    expect((await client.get('/dashboard')).status).toBe(200)
  })

  test('a forged or tampered cookie is treated as anonymous', async () => {
    const client = await loggedIn(server.url, 'expert.zhang')
    const [name, value] = client.cookie.split('=') as [string, string]
    const forged = new Client(server.url)
    forged.cookie = `${name}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`
    const res = await forged.get('/dashboard')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toMatch(/^\/login/)
  })
})

describe('login', () => {
  function login(username: string, password: string, extra: Record<string, string> = {}) {
    return rawPost('/login', { Origin: server.url }, { username, password, ...extra })
  }
  /** The page echoes the typed username back into the form; nothing else may differ. */
  // The typed username is echoed back and every response carries its own CSP nonce; the rest must match.
  const withoutName = (body: string, username: string) =>
    body.split(username).join('<USERNAME>').replace(/nonce="[^"]*"/g, 'nonce="<NONCE>"')

  test('a wrong password reads the same for a known and an unknown account', async () => {
    const known = await login('mingjian.admin', WRONG_PASSWORD)
    const unknown = await login('no.such.user', WRONG_PASSWORD)
    expect(known.status).toBe(400)
    expect(unknown.status).toBe(400)
    const knownBody = withoutName(await known.text(), 'mingjian.admin')
    expect(knownBody).toContain('用户名或密码不正确')
    expect(withoutName(await unknown.text(), 'no.such.user')).toBe(knownBody)
  })

  test('the 6th attempt within 15 minutes is refused with 429 even with the right password, alike for unknown accounts', async () => {
    for (let i = 1; i <= 5; i++) expect((await login('mingjian.zhao', WRONG_PASSWORD)).status, `attempt ${i}`).toBe(400)
    const sixth = await login('mingjian.zhao', DEMO_PASSWORD)
    expect(sixth.status).toBe(429)
    expect(sixth.headers.get('set-cookie')).toBeNull()
    const throttledBody = await sixth.text()
    expect(throttledBody).toContain('登录失败次数过多，请 15 分钟后再试。')
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'login.throttled'")).toBeGreaterThanOrEqual(1)

    for (let i = 1; i <= 5; i++) expect((await login('ghost.account', WRONG_PASSWORD)).status).toBe(400)
    const ghost = await login('ghost.account', WRONG_PASSWORD)
    expect(ghost.status).toBe(429)
    expect(withoutName(await ghost.text(), 'ghost.account')).toBe(withoutName(throttledBody, 'mingjian.zhao'))

    // Other accounts from the same address are not locked out by one account's failures.
    expect((await login('mingjian.li', DEMO_PASSWORD)).status).toBe(302)
  })

  test('a burst of parallel guesses gets no more than 5 password checks before the lock', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => login('admin', `${WRONG_PASSWORD}-${i}`)))
    const statuses = burst.map((r) => r.status)
    expect(statuses.filter((s) => s === 400)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(15)
    expect(count("SELECT count(*) AS n FROM login_failures WHERE key = 'account:admin'")).toBe(5)
    expect((await login('admin', DEMO_PASSWORD)).status).toBe(429)
  })

  test('redirectTo only follows local paths', async () => {
    for (const target of ['//evil.com', 'https://evil.com/x', '/\\evil.com', 'javascript:alert(1)', '/\t/evil.com', '/\n/evil.com', ' //evil.com']) {
      const res = await login('mingjian.li', DEMO_PASSWORD, { redirectTo: target })
      expect(res.status, target).toBe(302)
      expect(res.headers.get('location'), target).toBe('/dashboard')
    }
    const local = await login('mingjian.li', DEMO_PASSWORD, { redirectTo: '/account?tab=1' })
    expect(local.headers.get('location')).toBe('/account?tab=1')
  })

  test('an anonymous visit is sent to login with the way back', async () => {
    const res = await fetch(server.url + '/dashboard', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login?redirectTo=%2Fdashboard')
  })
})

describe('error pages', () => {
  test('an unknown route and an unknown engagement id answer a Chinese 404 page without a stack trace', async () => {
    const client = await loggedIn(server.url, 'mingjian.li')
    for (const path of ['/no-such-page', `/engagements/${ulid()}`, '/engagements/..%2F..%2Fetc%2Fpasswd']) {
      const res = await client.get(path)
      expect(res.status, path).toBe(404)
      const body = await res.text()
      expect(body, path).toContain('未找到')
      expect(body, path).not.toMatch(STACK_LINE)
      expect(body, path).not.toMatch(/SQLITE|node_modules|\.server\.ts/)
    }
  })

  test('an anonymous unknown route answers 404 without a stack trace', async () => {
    const res = await fetch(server.url + '/no-such-page', { redirect: 'manual' })
    expect(res.status).toBe(404)
    expect(await res.text()).not.toMatch(STACK_LINE)
  })
})

describe('session timeouts through getSessionUser on a real database', () => {
  const t0 = new Date('2026-03-02T01:00:00.000Z')
  const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)

  async function sessionRequest(db: Db) {
    const user = insertUser(
      db,
      { username: `timeout.${ulid().toLowerCase()}`, displayName: '超时测试', role: 'expert', organizationId: null, passwordHash: 'x' },
      t0,
    )
    const token = createSessionRow(db, user.id, { ip: '127.0.0.1', userAgent: 'vitest' }, t0)
    const cookie = (await sessionSetCookie(token)).split(';')[0]!
    return { request: new Request('http://localhost/dashboard', { headers: { Cookie: cookie } }), userId: user.id }
  }
  const rowsOf = (db: Db) => db.select().from(sessions).all()

  test('idle for 31 minutes: no user, and the row is gone; 29 minutes is still fine and touches the row', async () => {
    const temp = makeTempDb()
    try {
      const a = await sessionRequest(temp.db)
      const fresh = await getSessionUser(a.request, temp.db, minutes(29))
      expect(fresh?.actor.userId).toBe(a.userId)
      expect(rowsOf(temp.db)[0]!.lastSeenAt).toBe(minutes(29).toISOString())
      expect(await getSessionUser(a.request, temp.db, minutes(29 + 31))).toBeNull()
      expect(rowsOf(temp.db)).toHaveLength(0)
    } finally {
      temp.cleanup()
    }
  })

  test('in use every 25 minutes, the session still ends at 12 hours', async () => {
    const temp = makeTempDb()
    try {
      const a = await sessionRequest(temp.db)
      let m = 0
      for (; m + 25 < 12 * 60; m += 25) expect(await getSessionUser(a.request, temp.db, minutes(m)), `minute ${m}`).not.toBeNull()
      expect(await getSessionUser(a.request, temp.db, minutes(12 * 60))).toBeNull()
      expect(rowsOf(temp.db)).toHaveLength(0)
    } finally {
      temp.cleanup()
    }
  })
})

// ---- §12.7 headers over the whole build: every page and every download ---------------------------

const routes = builtRoutes()
const patternOf = (id: string) => builtPattern(routes, id)
const pageRoutes = Object.values(routes).filter((r) => r.id !== 'root' && (r.index || r.path) && typeof r.module.loader === 'function')

/** A route whose loader answers with a file: its module builds the response with attachment(). */
function isDownload(route: ManifestRoute): boolean {
  const source = ['.tsx', '.ts'].map((ext) => path.resolve('app', route.id + ext)).find((f) => fs.existsSync(f))
  if (!source) throw new Error(`no source for ${route.id}`)
  return /\battachment\(/.test(fs.readFileSync(source, 'utf8'))
}
const DOWNLOAD_PATTERNS = pageRoutes.filter(isDownload).map((r) => patternOf(r.id)).sort()

/** The headers every answer of the app carries, whatever its status; Cache-Control exactly once. */
function expectSecurityHeaders(res: Response, label: string) {
  expect(res.headers.get('content-security-policy') ?? '', label).toContain("frame-ancestors 'none'")
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff')
  expect(res.headers.get('referrer-policy'), label).toBe('same-origin')
  expect(res.headers.get('cache-control'), label).toBe('no-store')
}

describe('headers on every page of the build', () => {
  test('signed in and anonymous, page and .data, every loader route answers with CSP, nosniff, Referrer-Policy and one no-store', async () => {
    expect(pageRoutes.length).toBeGreaterThan(50)
    const client = await loggedIn(server.url, 'mingjian.admin')
    for (const route of pageRoutes) {
      const url = patternOf(route.id).replace(/:[A-Za-z]+/g, () => ulid())
      for (const [who, res] of [
        ['signed in', await client.get(url)],
        ['signed in .data', await client.get(`${url === '/' ? '/_root' : url}.data`)],
        ['anonymous', await fetch(server.url + url, { redirect: 'manual' })],
      ] as const) {
        expectSecurityHeaders(res, `${who} GET ${url}`)
        await res.arrayBuffer()
      }
    }
  })
})

describe('every download route sends its file once with no-store', () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)])
  const PDF = Buffer.from('%PDF-1.4\n%%EOF\n')
  let files: RunningServer
  /** Who fetches, and the URL, for each download pattern; filled from real resources in beforeAll. */
  const DOWNLOADS: Record<string, { as: string; url: string }> = {}

  beforeAll(async () => {
    process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
    files = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
    const db = openDatabase(files.dbFile)
    try {
      let time = Date.parse('2026-06-01T02:00:00.000Z')
      const tick = (ms = 60_000) => new Date((time += ms))
      const must = <T extends { ok: boolean }>(result: T, what: string): T & { ok: true } => {
        if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
        return result as T & { ok: true }
      }
      const stored = async (bytes: Buffer, name: string) => {
        const prepared = await prepareFile(db, { bytes, filename: name })
        if (!prepared.ok) throw new Error(prepared.message)
        return prepared.file
      }
      const panel = await scoredEngagement(db, { at: tick(), size: 3 })
      const e = panel.engagementId
      const lead = panel.lead
      const reviewer = actorOf(db, 'binjiang.finance')
      // The evaluated unit's contact, with a password of their own (no first-login change pending).
      const unitId = (db.$client.prepare('SELECT evaluated_unit_id AS id FROM engagement_units WHERE engagement_id = ?').get(e) as { id: string }).id
      const iso = tick().toISOString()
      db.insert(users).values({ id: newId(), username: 'dl.unit', displayName: '下载测试联络人', role: 'unit_contact', evaluatedUnitId: unitId, passwordHash: await hashPassword(DEMO_PASSWORD), createdAt: iso, updatedAt: iso }).run()
      const unit = actorOf(db, 'dl.unit')
      const consultation = must(await generateVersion(db, lead, e, 'evaluation', form({ stage: 'consultation', note: '' }), tick(), standInRender), 'consultation')
      const round = must(sendRound(db, lead, e, form({ versionId: consultation.value.id, deadline: '2099-12-31' }), tick()), 'round')
      const final = must(await generateVersion(db, lead, e, 'evaluation', form({ stage: 'final', note: '' }), tick(), standInRender), 'final')
      const issued = must(await issueVersion(db, lead, e, form({ versionId: final.value.id }), tick(), standInRender, { publicUrl: 'https://evaldesk.example.cn', randomBytes: (n) => new Uint8Array(n).fill(3) }), 'issue')
      const submission = must(submitReport(db, lead, e, form({ versionId: issued.value.id }), tick(24 * 3600_000)), 'submit').value.submissionId
      must(decideSubmission(db, reviewer, submission, form({ decision: 'accept', note: '' }), tick()), 'accept')
      const item = must(createItems(db, reviewer, e, form({ problem: ['资金台账不全'], requirement: ['补齐台账'], unitId: [unit.evaluatedUnitId!], deadline: ['2099-06-30'] }), tick()), 'item').value.ids[0]!
      must(confirmItem(db, lead, item, form({ version: '1' }), tick()), 'confirm')
      must(reportProgress(db, unit, item, { note: '已补建', version: 2 }, await stored(PNG, '凭证.png'), tick()), 'progress')
      const request = must(createRequest(db, lead, e, form({ title: '资助台账', description: '', dueDate: '2099-06-30', unitId: unit.evaluatedUnitId! }), tick()), 'request').value.id
      const requestUpload = await stored(PNG, '台账.png')
      must(uploadToRequest(db, unit, request, { note: '', version: 1 }, requestUpload, tick()), 'request upload')
      const q = (sql: string, ...params: unknown[]) => (db.$client.prepare(sql).get(...params) as { id: string }).id
      const seat = panel.seats[0]!
      // On an indicator the expert scores: only such papers reach the expert's seat.
      const leaf = q('SELECT code AS id FROM score_entries WHERE seat_id = ? LIMIT 1', seat.seatId)
      const paper = must(addPaper(db, lead, e, { intent: 'paper', title: '拨付凭证', indicatorCode: leaf, note: '' }, await stored(PDF, '底稿.pdf'), tick()), 'paper').value.versionId
      const evidence = q('SELECT id FROM rectification_evidence WHERE item_id = ?', item)
      const requestFile = q('SELECT id FROM document_request_files WHERE request_id = ?', request)
      const version = q(`SELECT v.id FROM framework_versions v JOIN frameworks f ON f.id = v.framework_id WHERE f.library_code = 'cy2020-project'`)
      const framework = q('SELECT framework_id AS id FROM framework_versions WHERE id = ?', version)
      const seatUser = q('SELECT username AS id FROM users WHERE id = ?', seat.actor.userId)
      const agency = lead.organizationId!
      const bureauClient = await loggedIn(files.url, 'binjiang.finance')
      const credit = new FormData()
      for (const [k, v] of Object.entries({ intent: 'issue', kind: 'commendation', description: '表彰事实' })) credit.append(k, v)
      credit.append('files', new Blob([Uint8Array.from(PNG)]), '表彰文件.png')
      expect((await bureauClient.request(`/credit/${agency}?intent=issue`, { method: 'POST', body: credit })).status).toBe(200)
      const creditFile = /\/files\/([0-9A-Z]{26})/.exec(await (await bureauClient.get(`/credit/${agency}`)).text())![1]!
      Object.assign(DOWNLOADS, {
        '/bureau/disclosure/:format': { as: 'binjiang.finance', url: '/bureau/disclosure/xlsx' },
        '/credit.xlsx': { as: 'admin', url: '/credit.xlsx' },
        '/credit/:subjectId/files/:fileId': { as: 'binjiang.finance', url: `/credit/${agency}/files/${creditFile}` },
        '/credit/:subjectId/report.docx': { as: 'mingjian.admin', url: `/credit/${agency}/report.docx` },
        '/credit/:subjectId/report.pdf': { as: 'mingjian.admin', url: `/credit/${agency}/report.pdf` },
        '/engagements/:id/monitoring/report/:format': { as: 'mingjian.zhao', url: `/engagements/${e}/monitoring/report/pdf` },
        '/engagements/:id/panel/fees.xlsx': { as: 'mingjian.zhao', url: `/engagements/${e}/panel/fees.xlsx` },
        '/engagements/:id/papers/files/:versionId': { as: 'mingjian.zhao', url: `/engagements/${e}/papers/files/${paper}` },
        '/engagements/:id/rectification/:itemId/files/:evidenceId': { as: 'binjiang.finance', url: `/engagements/${e}/rectification/${item}/files/${evidence}` },
        '/engagements/:id/reports/files/:versionId/:format': { as: 'mingjian.zhao', url: `/engagements/${e}/reports/files/${issued.value.id}/pdf` },
        '/engagements/:id/scores.xlsx': { as: 'mingjian.zhao', url: `/engagements/${e}/scores.xlsx` },
        '/engagements/:id/sheet/export.xlsx': { as: 'mingjian.zhao', url: `/engagements/${e}/sheet/export.xlsx` },
        '/expert/seats/:seatId/papers/:versionId': { as: seatUser, url: `/expert/seats/${seat.seatId}/papers/${paper}` },
        '/expert/seats/:seatId/score.xlsx': { as: seatUser, url: `/expert/seats/${seat.seatId}/score.xlsx` },
        '/experts/export.xlsx': { as: 'admin', url: '/experts/export.xlsx' },
        '/experts/template.xlsx': { as: 'admin', url: '/experts/template.xlsx' },
        '/frameworks/:frameworkId/versions/:versionId/export.xlsx': { as: 'mingjian.li', url: `/frameworks/${framework}/versions/${version}/export.xlsx` },
        '/frameworks/template.xlsx': { as: 'mingjian.li', url: '/frameworks/template.xlsx' },
        '/panels/fees.xlsx': { as: 'mingjian.admin', url: '/panels/fees.xlsx?month=2026-06' },
        '/requests/:requestId/files/:fileId': { as: 'mingjian.zhao', url: `/requests/${request}/files/${requestFile}` },
        '/review/:submissionId/files/:format': { as: 'binjiang.finance', url: `/review/${submission}/files/pdf` },
        '/unit/feedback/:roundId/:format': { as: 'dl.unit', url: `/unit/feedback/${round.value.id}/pdf` },
      })
    } finally {
      db.$client.close()
    }
  }, 180_000)
  afterAll(async () => {
    await files?.stop()
  })

  test('the download routes are found in the build, and each has a real file to fetch', () => {
    expect(DOWNLOAD_PATTERNS.length).toBeGreaterThan(15)
    expect(Object.keys(DOWNLOADS).sort()).toEqual(DOWNLOAD_PATTERNS)
  })

  test('each download is an attachment with its headers, Cache-Control: no-store exactly once', async () => {
    const clients = new Map<string, Client>()
    for (const pattern of DOWNLOAD_PATTERNS) {
      const { as: username, url } = DOWNLOADS[pattern]!
      if (!clients.has(username)) clients.set(username, username.startsWith('fx.') ? await new Client(files.url).login(username, 'Fixture-expert-password-1') : await loggedIn(files.url, username))
      const res = await clients.get(username)!.get(url)
      const body = new Uint8Array(await res.arrayBuffer())
      expect(res.status, `${pattern} as ${username}: ${new TextDecoder().decode(body.slice(0, 200))}`).toBe(200)
      expect(res.headers.get('content-disposition') ?? '', pattern).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''/)
      expect(body.byteLength, pattern).toBeGreaterThan(0)
      expectSecurityHeaders(res, pattern)
    }
  })
})
