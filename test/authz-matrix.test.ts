// SECURITY.md §12.1 over real resources: every route of the built manifest × the ten actors × P1's
// engagement stages, against the expectations of test/authz-matrix.ts. No denied answer carries a
// sentinel (expert names, the sentinel comment), nor does an admitted page shown to the unit, bureau Y
// or an expert off the panel (nor the raw comment to the team's evaluator or bureau X). Agency B's P2
// ids are 404 to agency A and bureau Y. An expert sees no other expert's score before the discussion,
// and every export an actor may download holds only what that actor may see.
// test/routes-auth.test.ts keeps the random-id matrix. `npm test` checks the stages where answers
// change (an open one and 归档) in full plus a sample; `npm run test:long` checks every stage.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { STAGE_CODES, type Stage } from '../app/domain/stages'
import { LAYOUTS, MATRIX, urlFor } from './authz-matrix'
import { ACTORS, authzWorld, once, type ActorName, type AuthzWorld } from './helpers/authz-fixture'
import { docxText, pdfText, xlsxText } from './helpers/file-text'
import { Client, loggedIn } from './helpers/http'
import { builtRoutes, patternOf as builtPattern } from './helpers/built-routes'
import { LONG_RUN, runCount } from './helpers/long'

const routes = builtRoutes()
/** The URL pattern with the manifest's param names: `/engagements/:id/surveys/:surveyId`. */
const patternOf = (id: string) => builtPattern(routes, id)

const handlerRoutes = Object.values(routes).filter((r) => typeof r.module.loader === 'function' || typeof r.module.action === 'function')
const pages = handlerRoutes.filter((r) => r.id === 'root' || r.index || r.path)
const PATTERNS = pages.filter((r) => r.id !== 'root').map((r) => patternOf(r.id))
const WITH_ACTION = new Set(pages.filter((r) => typeof r.module.action === 'function').map((r) => patternOf(r.id)))

/**
 * Which routes a stage run requests: all of them; those that take one of P1's ids (the others, role
 * pages and the library, the pool and credit files, do not look at P1's stage); or only the rows
 * whose answers the table says depend on the stage.
 */
type Scope = 'all' | 'p1' | 'stage-dependent'
type StagePlan = { stage: Stage; scope: Scope }
const P1_PARAMS = [':id', ':seatId', ':submissionId', ':roundId', ':requestId']
const inScope = (scope: Scope, pattern: string) =>
  scope === 'all' || (scope === 'p1' ? pattern.split('/').some((s) => P1_PARAMS.includes(s)) : MATRIX[pattern]?.stages !== undefined)

/**
 * `npm test`: every route × every actor by GET and POST in an open stage (专家评审) and P1's routes
 * in 归档, the one stage that changes answers; 委托 samples the stage-dependent rows.
 * `npm run test:long`: every route in every stage, and the client-navigation `.data` of each refusal.
 */
const STAGE_PLAN: StagePlan[] = LONG_RUN
  ? STAGE_CODES.map((stage) => ({ stage, scope: 'all' }))
  : [
      { stage: 'commissioned', scope: 'stage-dependent' },
      { stage: 'expert_review', scope: 'all' },
      { stage: 'archived', scope: 'p1' },
    ]

const DENIED = (status: number, location: string | null) => status === 403 || status === 404 || (status === 302 && /^\/login(\?|$)/.test(location ?? ''))

function parseRow(codes: string): string[] {
  const cells = codes.trim().split(/\s+/)
  if (cells.length !== ACTORS.length) throw new Error(`row "${codes}" has ${cells.length} cells, not ${ACTORS.length}`)
  return cells
}

function expected(pattern: string, method: 'get' | 'post', stage: Stage): string[] | undefined {
  const row = MATRIX[pattern]
  const codes = row?.stages?.[stage]?.[method] ?? row?.[method]
  return codes === undefined ? undefined : parseRow(codes)
}

/** Runs `jobs` with at most `width` in flight: the server has a worker per core. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++
        results[i] = await jobs[i]!()
      }
    }),
  )
  return results
}

let w: AuthzWorld
let anonymous: Client
/** What no denied answer to `actor` may carry: every sentinel but the actor's own name. */
const sentinelsFor = (actor: ActorName) => w.sentinels.all.filter((s) => s !== w.sentinels.own[actor])
/**
 * What even an admitted answer never shows `actor`: the unit, bureau Y and experts off the panel
 * see no expert of P1 (their own name aside) and no raw comment; the team's evaluator and bureau X
 * see names where panels and fees are theirs to read, but never a raw comment.
 */
const neverShown = (actor: ActorName): string[] =>
  ['unitContact', 'bureauY', 'unseatedExpert', 'conflictedExpert'].includes(actor) ? sentinelsFor(actor) : actor === 'evaluator' || actor === 'bureauX' ? [w.sentinels.comment] : []
const client = (actor: ActorName): Client => (actor === 'anonymous' ? anonymous : w.clients[actor])
const counts = { cells: 0, stages: new Set<string>(), sentinelBodies: 0, exports: 0 }

beforeAll(async () => {
  w = await authzWorld()
  anonymous = new Client(w.server.url)
}, 120_000)
afterAll(async () => {
  console.log(
    `authz matrix: ${PATTERNS.length} routes × ${ACTORS.length} actors × ${counts.stages.size} stages, ${counts.cells} (route, method, actor, stage) cells checked, ${counts.sentinelBodies} denied bodies searched for sentinels, ${counts.exports} exports parsed`,
  )
  w?.db.$client.close()
  await w?.server.stop()
})

describe('the table is complete', () => {
  test('every route with a loader or action in the built manifest has a row, and every row a route', () => {
    const missing = handlerRoutes.filter((r) => r.id !== 'root' && !(r.index || r.path) && !LAYOUTS.includes(r.id)).map((r) => r.id)
    expect(missing, 'layouts without an entry').toEqual([])
    expect(PATTERNS.filter((p) => !(p in MATRIX)), 'routes without a row').toEqual([])
    expect(Object.keys(MATRIX).filter((p) => !PATTERNS.includes(p)), 'rows without a route').toEqual([])
  })

  test('a row has a POST line exactly when its route has an action (the sign-out action is checked on its own)', () => {
    const wrong = Object.entries(MATRIX).filter(([p, row]) => p !== '/logout' && (row.post !== undefined) !== WITH_ACTION.has(p))
    expect(wrong.map(([p]) => p)).toEqual([])
    for (const [p, row] of Object.entries(MATRIX)) {
      for (const codes of [row.get, row.post, ...Object.values(row.stages ?? {}).flatMap((s) => [s.get, s.post])]) if (codes) expect(() => parseRow(codes), p).not.toThrow()
    }
  })
})

describe('before the discussion', () => {
  test('a seated expert sees none of another expert’s scores, comments or name on any page or download of their seat', async () => {
    const { seat } = w.p1
    const urls = ['/expert', `/expert/seats/${seat}`, `/expert/seats/${seat}/score`, `/expert/seats/${seat}/opinion`, `/expert/seats/${seat}/offline`]
    const others = [w.scorerName, w.sentinels.comment, w.sentinels.reason]
    const leaks: string[] = []
    for (const url of [...urls, ...urls.map((u) => `${u}.data`)]) {
      const body = await (await w.clients.seatedExpert.get(url)).text()
      for (const s of others) if (body.includes(s)) leaks.push(`${url}: ${s}`)
    }
    const xlsx = await w.clients.seatedExpert.get(`/expert/seats/${seat}/score.xlsx`)
    expect(xlsx.status).toBe(200)
    const cells = (await xlsxText(new Uint8Array(await xlsx.arrayBuffer()))).split('\n')
    for (const s of others) if (cells.some((c) => c.includes(s))) leaks.push(`score.xlsx: ${s}`)
    // The observer has not scored yet: no cell holds the other expert's raw score.
    if (cells.includes(w.sentinels.score)) leaks.push(`score.xlsx: the score ${w.sentinels.score}`)
    expect(leaks).toEqual([])
  })

  test('the recused and the unseated expert get 404 for the seat, and the lead’s consolidation is not open to the team', async () => {
    for (const actor of ['unseatedExpert', 'conflictedExpert'] as const) {
      expect((await w.clients[actor].get(`/expert/seats/${w.p1.seat}/score`)).status, actor).toBe(404)
      expect((await w.clients[actor].get(`/expert/seats/${w.p1.recusedSeat}`)).status, actor).toBe(404)
    }
    expect((await w.clients.evaluator.get(`/engagements/${w.p1.engagement}/scores`)).status).toBe(404)
  })

  test('the rest of the world is built: scoring closed, reports issued and accepted, every resource in place', async () => {
    await w.complete()
    for (const [k, v] of Object.entries(w.p1)) expect(v, k).not.toBe('')
  }, 120_000)
})

/** Who may read expert names in an export: every name, only their own, or none. */
type NameRule = 'all' | 'own' | 'none'
type ExportCheck = { pattern: string; formats: ('xlsx' | 'docx' | 'pdf')[]; names: (actor: ActorName) => NameRule }

const AGENCY_OR_PLATFORM = (a: ActorName): NameRule => (a === 'systemAdmin' || a === 'agencyAdmin' || a === 'evaluator' ? 'all' : 'none')
// Every generated download. Identities: the agency composes panels from the pool and the client pays
// the panel (fees), so both read names there; the scores workbook with names is the lead's and the
// agency admin's; a bureau's credit list holds the experts who sat on its panels, an expert's their
// own file. Reports, the monitoring report, the disclosure list and the consultation draft name no
// expert. The sentinel comment is in none of them but the scores workbook.
const EXPORTS: ExportCheck[] = [
  { pattern: '/engagements/:id/scores.xlsx', formats: ['xlsx'], names: (a) => (a === 'agencyAdmin' ? 'all' : 'none') },
  { pattern: '/engagements/:id/panel/fees.xlsx', formats: ['xlsx'], names: (a) => (a === 'bureauX' ? 'all' : AGENCY_OR_PLATFORM(a)) },
  { pattern: '/panels/fees.xlsx', formats: ['xlsx'], names: AGENCY_OR_PLATFORM },
  { pattern: '/experts/export.xlsx', formats: ['xlsx'], names: AGENCY_OR_PLATFORM },
  { pattern: '/credit.xlsx', formats: ['xlsx'], names: (a) => (a === 'bureauX' ? 'all' : a.endsWith('Expert') ? 'own' : AGENCY_OR_PLATFORM(a)) },
  { pattern: '/expert/seats/:seatId/score.xlsx', formats: ['xlsx'], names: () => 'own' },
  { pattern: '/engagements/:id/sheet/export.xlsx', formats: ['xlsx'], names: () => 'none' },
  { pattern: '/bureau/disclosure/:format', formats: ['xlsx', 'docx', 'pdf'], names: () => 'none' },
  { pattern: '/engagements/:id/reports/files/:versionId/:format', formats: ['docx', 'pdf'], names: () => 'none' },
  { pattern: '/review/:submissionId/files/:format', formats: ['docx', 'pdf'], names: () => 'none' },
  { pattern: '/unit/feedback/:roundId/:format', formats: ['docx', 'pdf'], names: () => 'none' },
  { pattern: '/engagements/:id/monitoring/report/:format', formats: ['docx', 'pdf'], names: () => 'none' },
  { pattern: '/credit/:subjectId/report.pdf', formats: ['pdf'], names: () => 'none' },
  { pattern: '/credit/:subjectId/report.docx', formats: ['docx'], names: () => 'none' },
]

async function exportText(bytes: Uint8Array, format: 'xlsx' | 'docx' | 'pdf'): Promise<string> {
  return format === 'xlsx' ? xlsxText(bytes) : format === 'docx' ? docxText(bytes) : pdfText(bytes)
}

describe('exports hold only what their reader may see', () => {
  test('every export, for every actor the table lets download it, parsed back: no foreign name, no raw comment', async () => {
    const problems: string[] = []
    let downloads = 0
    for (const check of EXPORTS) {
      expect(MATRIX[check.pattern], check.pattern).toBeDefined()
      const codes = parseRow(MATRIX[check.pattern]!.get)
      for (const [i, actor] of ACTORS.entries()) {
        if (codes[i] !== '200' || actor === 'anonymous') continue
        for (const format of check.formats) {
          const url = urlFor(check.pattern, w.p1).replace(/\/(pdf|xlsx)(\?|$)/, `/${format}$2`)
          const res = await once(() => w.clients[actor].get(url))
          if (res.status !== 200) {
            problems.push(`${url} as ${actor}: ${res.status}`)
            continue
          }
          const text = await exportText(new Uint8Array(await res.arrayBuffer()), format)
          downloads++
          counts.exports++
          const rule = check.names(actor)
          const forbidden = [
            ...(check.pattern.endsWith('/scores.xlsx') ? [] : [w.sentinels.comment]),
            ...(rule === 'all' ? [] : w.sentinels.expertNames.filter((n) => rule === 'none' || n !== w.sentinels.own[actor])),
          ]
          for (const f of forbidden) if (text.includes(f)) problems.push(`${check.pattern} (${format}) as ${actor} holds «${f}»`)
        }
      }
    }
    expect(problems).toEqual([])
    expect(downloads).toBeGreaterThan(20)
  }, 180_000)

  test('the scores workbook carries the names and the raw comment for the agency admin: the check above can see them', async () => {
    const text = await xlsxText(new Uint8Array(await (await w.clients.agencyAdmin.get(urlFor('/engagements/:id/scores.xlsx', w.p1))).arrayBuffer()))
    expect(text).toContain(w.sentinels.comment)
  })
})

describe.each(STAGE_PLAN)('P1 at $stage ($scope routes)', ({ stage, scope }) => {
  beforeAll(() => w.moveTo(stage))

  test('every route in scope × every actor answers as the table says, by GET and POST; no denied answer carries a sentinel', async () => {
    counts.stages.add(stage)
    const jobs: (() => Promise<string[]>)[] = []
    for (const pattern of PATTERNS.filter((p) => inScope(scope, p))) {
      const url = urlFor(pattern, w.p1)
      for (const method of WITH_ACTION.has(pattern) && pattern !== '/logout' ? (['get', 'post'] as const) : (['get'] as const)) {
        const want = expected(pattern, method, stage)
        if (!want) continue
        ACTORS.forEach((actor, i) =>
          jobs.push(async () => {
            const c = client(actor)
            const res = await once(() => (method === 'get' ? c.get(url) : c.post(url, { intent: 'x' })))
            const body = await res.text()
            counts.cells++
            const problems: string[] = []
            const location = res.headers.get('location')
            const code = want[i]!
            const ok = code === 'L' ? res.status === 302 && /^\/login(\?|$)/.test(location ?? '') : res.status === Number(code)
            if (!ok) problems.push(`${method.toUpperCase()} ${pattern} as ${actor}: expected ${code}, got ${res.status}${location ? ` → ${location}` : ''}`)
            if (res.status === 200) {
              for (const s of neverShown(actor)) if (body.includes(s)) problems.push(`${method.toUpperCase()} ${pattern} as ${actor}: the page carries «${s}»`)
            }
            if (DENIED(res.status, location)) {
              counts.sentinelBodies++
              for (const s of sentinelsFor(actor)) if (body.includes(s)) problems.push(`${method.toUpperCase()} ${pattern} as ${actor}: the denied ${res.status} carries «${s}»`)
              if (LONG_RUN && method === 'get') {
                // The same loader answers client-side navigations: a refusal there carries no data either.
                const viaData = await once(() => c.get(`${url.replace(/\?.*$/, '')}.data`))
                const data = await viaData.text()
                counts.sentinelBodies++
                if (viaData.status === 200 && pattern !== '/login') problems.push(`GET ${pattern}.data as ${actor}: 200 where the page refused`)
                for (const s of sentinelsFor(actor)) if (data.includes(s)) problems.push(`GET ${pattern}.data as ${actor}: carries «${s}»`)
              }
            }
            return problems
          }),
        )
      }
    }
    const mismatches = (await pool(jobs, 8)).flat()
    expect(mismatches).toEqual([])
  }, runCount(240_000, 1_200_000))
})

describe('cross-tenant: P2 (agency B) ids', () => {
  const ENGAGEMENT_PATTERNS = PATTERNS.filter((p) => p.startsWith('/engagements/:id'))

  test('every engagement route with P2 in place of P1 is 404 to agency A’s admin and evaluator and to bureau Y, by GET and POST', async () => {
    const jobs: (() => Promise<string | null>)[] = []
    for (const pattern of ENGAGEMENT_PATTERNS) {
      const url = urlFor(pattern, w.p2)
      for (const actor of ['agencyAdmin', 'evaluator', 'bureauY'] as const) {
        jobs.push(async () => {
          const res = await w.clients[actor].get(url)
          const body = await res.text()
          counts.cells++
          if (res.status !== 404) return `GET ${url} (${pattern}) as ${actor}: ${res.status}`
          return sentinelsFor(actor).some((s) => body.includes(s)) ? `GET ${pattern} as ${actor}: sentinel in the 404` : null
        })
        if (WITH_ACTION.has(pattern))
          jobs.push(async () => {
            const res = await w.clients[actor].post(url, { intent: 'x' })
            await res.body?.cancel()
            counts.cells++
            return res.status === 404 ? null : `POST ${pattern} as ${actor}: ${res.status}`
          })
      }
    }
    expect((await pool(jobs, 8)).filter(Boolean)).toEqual([])
  }, 120_000)
})

describe('signing out', () => {
  test('POST /logout ends the session that sends it (a fresh one, so the matrix clients stay signed in)', async () => {
    const c = await loggedIn(w.server.url, 'mingjian.li')
    expect((await c.post('/logout', {})).status).toBe(302)
    const after = await c.get('/dashboard')
    expect(after.status).toBe(302)
    expect(after.headers.get('location') ?? '').toMatch(/^\/login(\?|$)/)
  })
})
