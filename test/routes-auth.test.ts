// Route × role authorization matrix over HTTP against the built server (SECURITY.md §12.1).
// The routes come from the BUILT manifest, so a new route without a row here fails the suite:
// nothing ships untested. Expectations are written out by hand, one column per demo account.
import { ulid } from 'ulid'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO_ACCOUNTS } from '../db/seed/demo'
import { builtRoutes, patternOf, type ManifestRoute } from './helpers/built-routes'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

type Expect = number | readonly number[]
type Row = {
  /** Expected GET status per demo account, in the order of ACCOUNTS. */
  get: readonly Expect[]
  /** Anonymous GET; default: 302 to /login. */
  anonymousGet?: { status: number; location?: string }
  /** Anonymous POST; default: 302 to /login when the route has an action, else 405. */
  anonymousPost?: Expect
  /** Where a 302 in `get` must lead. */
  redirectsTo?: string
}

// prettier-ignore
const ACCOUNTS = ['admin', 'mingjian.admin', 'mingjian.li', 'mingjian.zhao', 'hengping.admin', 'binjiang.finance', 'xihu.finance', 'expert.zhang', 'unit.edu'] as const
const DENIED = [403, 404] as const
const STACK_LINE = /^\s+at .+[(:]/m

// Columns:          admin  mj.adm mj.li mj.zhao hp.adm bj.fin xh.fin expert unit
// prettier-ignore
const TABLE: Record<string, Row> = {
  '/': {               get: [302,   302,   302,  302,    302,   302,   302,   302,   302], redirectsTo: '/dashboard' },
  '/login': {          get: [302,   302,   302,  302,    302,   302,   302,   302,   302], redirectsTo: '/dashboard',
                       anonymousGet: { status: 200 }, anonymousPost: 400 },
  '/logout': {         get: [302,   302,   302,  302,    302,   302,   302,   302,   302], redirectsTo: '/dashboard',
                       anonymousGet: { status: 302, location: '/dashboard' } },
  '/dashboard': {      get: [200,   200,   200,  200,    200,   200,   200,   200,   200] },
  '/account': {        get: [200,   200,   200,  200,    200,   200,   200,   200,   200] },
  '/engagements': {    get: [403,   200,   200,  200,    200,   200,   200,   403,   200] },
  '/engagements/new': { get: [403,  200,   200,  200,    200,   403,   403,   403,   403] },
  // A random id: those who may look get 404, the others 403 or 404 (either reveals nothing).
  '/engagements/:id': { get: [DENIED, 404, 404,  404,    404,   404,   404,   DENIED, 404] },
  '/engagements/:id/edit': { get: [DENIED, 404, 404, 404, 404,  DENIED, DENIED, DENIED, DENIED] },
  // 结果应用: the commissioning bureau's reviewers only; for everyone else the engagement does not exist.
  '/engagements/:id/results': { get: [DENIED, 404, 404, 404, 404, 404,   404,   DENIED, 404] },
  // The bureau's yearly pages: its own reviewers only.
  '/bureau': {         get: [403,   403,   403,  403,    403,   200,   200,   403,   403] },
  '/bureau/results': { get: [403,   403,   403,  403,    403,   200,   200,   403,   403] },
  '/bureau/disclosure': { get: [403, 403,  403,  403,    403,   200,   200,   403,   403] },
  '/bureau/disclosure/:id': { get: [403, 403, 403, 403,  403,   404,   404,   403,   403] },
  '/admin/organizations': { get: [200, 403,  403,  403,    403,   403,   403,   403,   403] },
  '/admin/organizations/:id': { get: [404, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED] },
  '/admin/users': {    get: [200,   403,   403,  403,    403,   403,   403,   403,   403] },
  // The system admin manages every account on /admin/users and is sent there.
  '/users': {          get: [302,   200,   403,  403,    200,   200,   200,   403,   403], redirectsTo: '/admin/users' },
  '/users/:id': {      get: [DENIED, 404,  DENIED, DENIED, 404, 404,   404,   DENIED, DENIED] },
  '/audit': {          get: [200,   200,   403,  403,    200,   403,   403,   403,   403] },
  // The indicator library: the platform library is read by every agency and bureau user; experts and
  // unit contacts see sheets through their engagements only. Creating needs framework.manage.
  '/frameworks': {     get: [200,   200,   200,  200,    200,   200,   200,   403,   403] },
  '/frameworks/template.xlsx': { get: [200, 200, 200, 200, 200, 200,   200,   403,   403] },
  '/frameworks/import': { get: [200,  200,   200,  200,    200,   403,   403,   403,   403] },
  '/frameworks/:id': { get: [404,   404,   404,  404,    404,   404,   404,   DENIED, DENIED] },
  '/frameworks/:id/compare': { get: [404, 404, 404, 404,   404,   404,   404,   DENIED, DENIED] },
  '/frameworks/:id/versions/:id': { get: [404, 404, 404, 404, 404, 404,  404,   DENIED, DENIED] },
  '/frameworks/:id/versions/:id/edit': { get: [404, 404, 404, 404, 404, 404, 404, DENIED, DENIED] },
  '/frameworks/:id/versions/:id/export.xlsx': { get: [404, 404, 404, 404, 404, 404, 404, DENIED, DENIED] },
  '/engagements/:id/sheet': { get: [DENIED, 404, 404, 404,  404,   404,   404,   DENIED, 404] },
  '/engagements/:id/sheet/edit': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/sheet/import': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/sheet/export.xlsx': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  // 评价数据: agency staff only; the bureau, the unit and the experts read it through the scoring pages.
  '/engagements/:id/data': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  // The expert pool: agency staff read it to compose panels; only the platform keeps it.
  '/experts': {        get: [200,   200,   200,  200,    200,   403,   403,   403,   403] },
  '/experts/new': {    get: [200,   403,   403,  403,    403,   403,   403,   403,   403] },
  '/experts/import': { get: [200,   403,   403,  403,    403,   403,   403,   403,   403] },
  '/experts/specialties': { get: [200, 403, 403, 403,    403,   403,   403,   403,   403] },
  '/experts/:id': {    get: [404,   404,   404,  404,    404,   403,   403,   403,   403] },
  '/experts/export.xlsx': { get: [200, 200, 200, 200,    200,   403,   403,   403,   403] },
  '/experts/template.xlsx': { get: [200, 200, 200, 200,  200,   403,   403,   403,   403] },
  // Panels: agency staff manage, the commissioning bureau reads, the evaluated unit never sees them.
  '/engagements/:id/panel': { get: [DENIED, 404, 404, 404,  404,   404,   404,   DENIED, DENIED] },
  '/engagements/:id/panel/draws/:id': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, DENIED] },
  '/engagements/:id/scores': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/scores.xlsx': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/panel/fees.xlsx': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, DENIED] },
  // Without ?month= the monthly fee export is a bad request for agency staff.
  '/panels/fees.xlsx': { get: [403,  400,   400,  400,    400,   403,   403,   403,   403] },
  // Bureau account admins set their bureau's expert fee rates.
  '/fee-rates': {      get: [403,   403,   403,  403,    403,   200,   200,   403,   403] },
  // Bureau account admins keep their bureau's work-quality rating form.
  '/bureau/quality-settings': { get: [403, 403, 403, 403,   403,   200,   200,   403,   403] },
  // The bureau's credit policy: its reviewers read it (the account admin edits); nobody else has it.
  '/bureau/credit-policy': { get: [403, 403,  403,  403,    403,   200,   200,   403,   403] },
  '/expert': {         get: [403,   403,   403,  403,    403,   403,   403,   200,   403] },
  '/expert/seats/:id': { get: [403, 403,   403,  403,    403,   403,   403,   404,   403] },
  '/expert/seats/:id/score': { get: [403, 403, 403, 403,   403,   403,   403,   404,   403] },
  '/expert/seats/:id/score.xlsx': { get: [403, 403, 403, 403, 403, 403,   403,   404,   403] },
  '/expert/seats/:id/offline': { get: [403, 403, 403, 403, 403,   403,   403,   404,   403] },
  '/expert/seats/:id/opinion': { get: [403, 403, 403, 403, 403,   403,   403,   404,   403] },
  // 提交财政: the agency's team reads, the lead or agency admin submits; the bureau reviews in /review.
  '/engagements/:id/submission': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/review': {         get: [403,   403,   403,  403,    403,   200,   200,   403,   403] },
  '/review/:id': {     get: [403,   403,   403,  403,    403,   404,   404,   403,   403] },
  '/review/:id/files/:id': { get: [403, 403, 403, 403,   403,   404,   404,   403,   403] },
  // Reports are the agency team's working documents until issued (the bureau's inbox is issue 7).
  '/engagements/:id/reports': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/reports/:id': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/reports/:id/compare': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/reports/files/:id/:id': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  // 执业质量评价: the commissioning bureau rates, the agency's team reads the submitted rating.
  '/engagements/:id/quality': { get: [DENIED, 404, 404, 404, 404,  404,   404,   DENIED, DENIED] },
  // 专家履职评价: the agency's team reads, its admin or the lead rates; nobody else sees the engagement here.
  '/engagements/:id/expert-ratings': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  // 整改: the bureau's reviewers, the agency's team and the evaluated unit's contact (its own items);
  // a random id is 404 for everyone. The unit's list and the bureau's rates are their own pages.
  // 绩效运行监控: the team and the commissioning bureau; the report likewise (a random id: 404).
  // 工作底稿: the engagement's team only (a random id: 404); an expert reaches a paper through their seat.
  '/engagements/:id/papers': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/engagements/:id/papers/files/:id': { get: [DENIED, 404, 404, 404, 404, DENIED, DENIED, DENIED, DENIED] },
  '/expert/seats/:id/papers/:id': { get: [404, 404,  404,  404,    404,   404,   404,   404,   404] },
  '/engagements/:id/monitoring': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, DENIED] },
  '/engagements/:id/monitoring/report/:id': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, DENIED] },
  '/engagements/:id/rectification': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/engagements/:id/rectification/:id': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/engagements/:id/rectification/:id/files/:id': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/unit/rectification': { get: [403, 403,   403,  403,    403,   403,   403,   403,   200] },
  // 满意度调查: the engagement's team only; a random id is 404.
  '/engagements/:id/surveys': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/engagements/:id/surveys/:id': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/engagements/:id/surveys/:id/imports/:id': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  // 资料清单 and 征求意见: the engagement's team, and the unit's contact on their own /unit pages;
  // a random id is 404. A request's file: 404 for a random id, whoever asks.
  '/engagements/:id/requests': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/engagements/:id/feedback': { get: [DENIED, 404, 404, 404, 404, 404, 404, DENIED, 404] },
  '/requests/:id/files/:id': { get: [404, 404,  404,  404,    404,   404,   404,   404,   404] },
  '/unit/requests': {  get: [403,   403,   403,  403,    403,   403,   403,   403,   200] },
  '/unit/feedback': {  get: [403,   403,   403,  403,    403,   403,   403,   403,   200] },
  '/unit/feedback/:id': { get: [403, 403,  403,  403,    403,   403,   403,   403,   404] },
  '/unit/feedback/:id/:id': { get: [403, 403, 403, 403,   403,   403,   403,   403,   404] },
  '/bureau/rectification': { get: [403, 403, 403,  403,    403,   200,   200,   403,   403] },
  // 信用报告: whoever may read the file (a random id is no one's file); the list is every file the
  // reader may see (an expert's own only), for all but the unit's contact, who has none.
  '/credit/:id/report.pdf': { get: [404, 404,  404,  404,    404,   404,   404,   404,   404] },
  '/credit/:id/report.docx': { get: [404, 404, 404,  404,    404,   404,   404,   404,   404] },
  '/credit.xlsx': {    get: [200,   200,   200,  200,    200,   200,   200,   200,   403] },
  // 信用档案: agency staff, bureaus and the platform list the files they may read; an expert is sent to
  // their own file; the unit's contact has none. A random id is 404 for everyone (existence is not revealed).
  '/credit': {         get: [200,   200,   200,  200,    200,   200,   200,   302,   403] },
  '/credit/:id': {     get: [404,   404,   404,  404,    404,   404,   404,   404,   404] },
  '/credit/:id/files/:id': { get: [404, 404, 404, 404,   404,   404,   404,   404,   404] },
  // Verification is public: anyone holding a report checks it; an unknown code is 404 for everyone.
  '/verify': {         get: [200,   200,   200,  200,    200,   200,   200,   200,   200],
                       anonymousGet: { status: 200 }, anonymousPost: 400 },
  '/verify/:id': {     get: [404,   404,   404,  404,    404,   404,   404,   404,   404],
                       anonymousGet: { status: 404 }, anonymousPost: 404 },
  // The one-time invite link is its own credential: an unknown token is 404 for everyone.
  '/invite/:id': {     get: [404,   404,   404,  404,    404,   404,   404,   404,   404],
                       anonymousGet: { status: 404 }, anonymousPost: 404 },
}

/** Pathless layouts have no URL of their own; their loaders run (and are checked) under their pages. */
const LAYOUTS: Record<string, string> = {
  'routes/_app': 'signed-in shell: requireUser, nav by role',
}

/** `/engagements/:engagementId/edit` -> `/engagements/:id/edit`: the table does not care about param names. */
function urlPattern(routes: Record<string, ManifestRoute>, id: string): string {
  return patternOf(routes, id).replace(/:[^/]+/g, ':id')
}

const isPathlessLayout = (r: ManifestRoute) => r.id !== 'root' && !r.index && !r.path
const hasHandler = (r: ManifestRoute) => typeof r.module.loader === 'function' || typeof r.module.action === 'function'

function concreteUrl(pattern: string): string {
  return pattern.replace(/:id/g, () => ulid())
}

function matches(expected: Expect, status: number): boolean {
  return typeof expected === 'number' ? expected === status : expected.includes(status)
}

const routes = builtRoutes()
const handlerRoutes = Object.values(routes).filter(hasHandler)
const withAction = new Set(handlerRoutes.filter((r) => typeof r.module.action === 'function').map((r) => urlPattern(routes, r.id)))

let server: RunningServer
const clients = new Map<string, Client>()

beforeAll(async () => {
  server = await startServer()
  for (const username of ACCOUNTS) clients.set(username, await loggedIn(server.url, username))
})
afterAll(async () => {
  await server?.stop()
})

describe('the expected table is complete', () => {
  test('its columns are exactly the demo accounts', () => {
    expect([...ACCOUNTS]).toEqual(DEMO_ACCOUNTS.map((a) => a.username))
    for (const [url, row] of Object.entries(TABLE)) expect(row.get, url).toHaveLength(ACCOUNTS.length)
  })

  test('every route with a loader or action in the built manifest has a row', () => {
    const missing = handlerRoutes
      .filter((r) => (isPathlessLayout(r) ? !(r.id in LAYOUTS) : !(urlPattern(routes, r.id) in TABLE)))
      .map((r) => `${r.id} (${urlPattern(routes, r.id)})`)
    expect(missing, 'routes without a row in TABLE/LAYOUTS').toEqual([])
  })

  test('every row names a route that exists in the build', () => {
    const built = new Set(handlerRoutes.filter((r) => !isPathlessLayout(r)).map((r) => urlPattern(routes, r.id)))
    const absent = Object.keys(TABLE).filter((url) => !built.has(url))
    expect(absent, 'rows in TABLE whose page is not in the build (yet)').toEqual([])
    for (const id of Object.keys(LAYOUTS)) expect(routes[id], id).toBeDefined()
  })
})

describe('anonymous requests', () => {
  test.each(Object.keys(TABLE))('GET %s', async (pattern) => {
    const expected = TABLE[pattern]!.anonymousGet ?? { status: 302, location: '/login' }
    const res = await fetch(server.url + concreteUrl(pattern), { redirect: 'manual' })
    expect(res.status).toBe(expected.status)
    if (expected.location) expect(res.headers.get('location') ?? '').toMatch(new RegExp(`^${expected.location}(\\?|$)`))
  })

  test.each(Object.keys(TABLE))('POST %s', async (pattern) => {
    const expected = TABLE[pattern]!.anonymousPost ?? (withAction.has(pattern) ? 302 : 405)
    const res = await new Client(server.url).post(concreteUrl(pattern), { intent: 'x' })
    expect(matches(expected, res.status), `status ${res.status}`).toBe(true)
    if (res.status === 302) expect(res.headers.get('location') ?? '').toMatch(/^\/login(\?|$)/)
  })

  test.each(Object.keys(TABLE))('GET %s.data (client navigation data) leaks nothing', async (pattern) => {
    const dataUrl = pattern === '/' ? '/_root.data' : concreteUrl(pattern) + '.data'
    const res = await fetch(server.url + dataUrl, { redirect: 'manual' })
    const body = await res.text()
    // Single fetch answers a redirect as 202 + a redirect record; a 200 here would be loader data.
    if (pattern !== '/login' && pattern !== '/verify') expect(res.status).not.toBe(200)
    for (const a of DEMO_ACCOUNTS) expect(body).not.toContain(a.displayName)
  })
})

describe('signed-in GET by every demo account', () => {
  test.each(Object.keys(TABLE))('GET %s', async (pattern) => {
    const row = TABLE[pattern]!
    const url = concreteUrl(pattern)
    const mismatches: string[] = []
    for (const [i, username] of ACCOUNTS.entries()) {
      const res = await clients.get(username)!.get(url)
      const expected = row.get[i]!
      if (!matches(expected, res.status)) mismatches.push(`${username}: expected ${JSON.stringify(expected)}, got ${res.status}`)
      else if (res.status === 302 && row.redirectsTo && res.headers.get('location') !== row.redirectsTo) {
        mismatches.push(`${username}: redirected to ${res.headers.get('location')}, expected ${row.redirectsTo}`)
      }
      const body = await res.text()
      if (res.status >= 400 && STACK_LINE.test(body)) mismatches.push(`${username}: stack trace in the ${res.status} page`)
      // React 18's stream pads 2 KiB chunks with NULs around multi-byte text (see entry.server.tsx).
      const html = (res.headers.get('content-type') ?? '').startsWith('text/html')
      if (html && body.includes('\u0000')) mismatches.push(`${username}: NUL byte in the ${res.status} response`)
      if (matches(expected, 403)) {
        // The same loader answers client-side navigations; a refusal there must not carry data either.
        const viaData = await clients.get(username)!.get(`${url}.data`)
        if (viaData.status === 200) mismatches.push(`${username}: ${url}.data answered 200`)
        await viaData.body?.cancel()
      }
    }
    expect(mismatches).toEqual([])
  })
})

describe('signed-in POST by accounts the page refuses', () => {
  // An action must refuse whoever its loader refuses, before it looks at the form.
  test.each(Object.keys(TABLE).filter((p) => withAction.has(p)))('POST %s', async (pattern) => {
    const row = TABLE[pattern]!
    const url = concreteUrl(pattern)
    const mismatches: string[] = []
    for (const [i, username] of ACCOUNTS.entries()) {
      const expected = row.get[i]!
      if (!matches(expected, 403)) continue // permitted (200, or 404 for a random id): the page's own tests
      const res = await clients.get(username)!.post(url, { intent: 'x' })
      if (!matches(expected, res.status)) mismatches.push(`${username}: expected ${JSON.stringify(expected)}, got ${res.status}`)
      await res.body?.cancel()
    }
    expect(mismatches).toEqual([])
  })
})

describe('cross-site POST to every action', () => {
  // SECURITY.md §12.7: the Origin check must cover 100% of actions, whoever is signed in.
  test.each([...withAction])('POST %s from a foreign Origin is refused with 403', async (pattern) => {
    const url = concreteUrl(pattern)
    for (const username of ['admin', 'mingjian.admin']) {
      const res = await clients.get(username)!.post(url, { intent: 'x' }, { Origin: 'https://evil.example.com' })
      expect(res.status, username).toBe(403)
      expect(res.headers.get('set-cookie'), username).toBeNull()
    }
  })
})
