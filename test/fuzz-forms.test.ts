// Hostile form input against every action of the built server (SECURITY.md §12.2; 1,000 runs per
// action under `npm run test:long`): whatever a user can type or craft, another tenant's ids
// included, the answer is never a 5xx, and a refused request changes nothing in any table. Actions
// come from the built manifest, so a new action is fuzzed automatically.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { DatabaseDigest, foreignIdsOf, hostileForm, hostilePairs, ONE_MEGABYTE, retryOnClosedSocket } from './helpers/hostile'
import { Client, loggedIn } from './helpers/http'
import { builtRoutes, patternOf } from './helpers/built-routes'
import { LONG_RUN, runCount } from './helpers/long'
import { startServer, type RunningServer } from './helpers/server'

const routes = builtRoutes()
const urlPattern = (id: string) => patternOf(routes, id)

const actionPatterns = Object.values(routes)
  .filter((r) => typeof r.module.action === 'function')
  .map((r) => urlPattern(r.id))
  // Logout takes no input; fuzzing it would only end the fuzzer's own session.
  .filter((p) => p !== '/logout')

/** Who may use each action (so the fuzz reaches the parsing and the service, not just the door). */
function actorFor(pattern: string): string | null {
  if (pattern === '/login') return null
  if (pattern.startsWith('/admin') || pattern.startsWith('/experts')) return 'admin'
  // The work-quality rating form and the rating are the commissioning bureau's.
  if (pattern === '/bureau/quality-settings' || pattern === '/engagements/:id/quality') return 'binjiang.finance'
  if (pattern === '/bureau/credit-policy') return 'binjiang.finance'
  // The bureau issues entries on the agency's credit file (and would decide its appeals).
  if (pattern === '/credit/:subjectId') return 'binjiang.finance'
  // 资料清单 uploads and 征求意见 answers are the evaluated unit's contact's.
  if (pattern.startsWith('/unit/')) return 'unit.edu'
  // Everything else, 专家履职评价 and 认定无正当理由谢绝 on the panel page included, is the agency admin's.
  return 'mingjian.admin'
}

let server: RunningServer
let db: Db
let digest: DatabaseDigest
let foreignIds: string[] = []
const clients = new Map<string, Client>()
const fieldNames = new Map<string, string[]>()
const concrete = new Map<string, string>()

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
  digest = new DatabaseDigest(db)
  foreignIds = foreignIdsOf(db)
  for (const username of ['admin', 'mingjian.admin', 'binjiang.finance', 'unit.edu']) clients.set(username, await loggedIn(server.url, username))
  const one = (sql: string) => (db.$client.prepare(sql).get() as { id: string }).id
  const engagementId = one(`SELECT e.id FROM engagements e JOIN organizations o ON o.id = e.agency_id
                             WHERE o.name = '浙江明鉴绩效评价咨询有限公司' AND e.stage != 'archived'
                               AND NOT EXISTS (SELECT 1 FROM sheet_versions s WHERE s.engagement_id = e.id) LIMIT 1`)
  const userId = one(`SELECT id FROM users WHERE username = 'mingjian.zhao'`)
  const orgId = one(`SELECT id FROM organizations WHERE name = '杭州衡平会计师事务所'`)
  const expertId = one(`SELECT id FROM experts WHERE name = '王立新'`)
  const agencyId = one(`SELECT id FROM organizations WHERE name = '浙江明鉴绩效评价咨询有限公司'`)
  // The monitoring page answers only for a monitoring engagement: fuzz it on the demo's.
  const monitoringId = one(`SELECT id FROM engagements WHERE kind = 'monitoring' LIMIT 1`)
  // A draft framework of the fuzzing agency and a draft sheet on its engagement, so the library and
  // sheet actions are fuzzed past their doors, on real drafts.
  const cy2020 = one(`SELECT v.id FROM framework_versions v JOIN frameworks f ON f.id = v.framework_id WHERE f.library_code = 'cy2020-project'`)
  const created = await clients.get('mingjian.admin')!.post('/frameworks', { name: '模糊测试框架', category: 'project', basedOn: cy2020 })
  const [, frameworkId, versionId] = /^\/frameworks\/([^/]+)\/versions\/([^/]+)\/edit$/.exec(created.headers.get('location') ?? '') ?? []
  if (!frameworkId || !versionId) throw new Error(`framework draft not created: ${created.status}`)
  const sheet = await clients.get('mingjian.admin')!.post(`/engagements/${engagementId}/sheet`, { intent: 'start', frameworkVersionId: cy2020 })
  if (sheet.status !== 302) throw new Error(`sheet not started: ${sheet.status}`)
  // A survey with an uploaded export on that engagement, so its settings and mapping forms are fuzzed past their doors.
  const survey = await clients.get('mingjian.admin')!.post(`/engagements/${engagementId}/surveys`, { title: '模糊测试调查' })
  const surveyPath = survey.headers.get('location') ?? ''
  const csv = new FormData()
  csv.append('file', new Blob([Buffer.from('总体满意度,意见\n满意,无\n', 'utf8')]), 'fuzz.csv')
  const uploaded = await clients.get('mingjian.admin')!.request(surveyPath, { method: 'POST', body: csv })
  const importPath = uploaded.headers.get('location') ?? ''
  if (!surveyPath || !importPath) throw new Error(`survey not prepared: ${survey.status} ${uploaded.status}`)
  for (const pattern of actionPatterns) {
    const url = pattern
      .replace(/^\/frameworks\/:frameworkId/, `/frameworks/${frameworkId}`)
      .replace(/\/versions\/:versionId/, `/versions/${versionId}`)
      .replace(/^\/engagements\/:[^/]+\/monitoring$/, `/engagements/${monitoringId}/monitoring`)
      .replace(/^\/engagements\/:[^/]+\/surveys\/:[^/]+\/imports\/:[^/]+$/, importPath)
      .replace(/^\/engagements\/:[^/]+\/surveys\/:[^/]+$/, surveyPath)
      .replace(/^\/engagements\/:[^/]+/, `/engagements/${engagementId}`)
      .replace(/^\/users\/:[^/]+/, `/users/${userId}`)
      .replace(/^\/admin\/organizations\/:[^/]+/, `/admin/organizations/${orgId}`)
      .replace(/^\/experts\/:[^/]+/, `/experts/${expertId}`)
      .replace(/^\/credit\/:[^/]+/, `/credit/${agencyId}`)
    concrete.set(pattern, url)
    // The field names the real form offers, read from the page as its user sees it.
    const who = actorFor(pattern)
    const page = who ? await clients.get(who)!.get(url) : await fetch(server.url + url)
    const html = await page.text()
    const names = [...new Set([...html.matchAll(/\sname="([^"]+)"/g)].map((m) => m[1]!))].filter((n) => n !== 'viewport')
    fieldNames.set(pattern, names.length ? names : ['intent'])
  }
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const ALLOWED = new Set([200, 302, 303, 400, 403, 404, 409, 413, 415, 429])
const FUZZ_RUNS = runCount(40, 1000)
// 1,000 runs of ~60 actions take minutes each under test:long, not the default 60 s.
const TIMEOUT = LONG_RUN ? 30 * 60_000 : 60_000

describe('hostile form input', () => {
  test('the manifest has the actions we expect to fuzz', () => {
    expect(actionPatterns).toEqual(expect.arrayContaining(['/login', '/engagements/new', '/engagements/:id', '/admin/organizations']))
  })

  test('the digest covers every table but sessions and login throttling, and the foreign ids are real', () => {
    const all = (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[]).map((t) => t.name)
    expect([...digest.covered()].sort()).toEqual(all.filter((t) => t !== 'sessions' && t !== 'login_failures').sort())
    // Agency B and bureau Y, an engagement of B, their users, a unit of Y and an expert.
    expect(foreignIds.length).toBeGreaterThanOrEqual(7)
  })

  for (const pattern of actionPatterns) {
    test(`POST ${pattern}: never a 5xx, and a refusal changes nothing`, async () => {
      const names = fieldNames.get(pattern)!
      const form = hostileForm(names, foreignIds)
      const who = actorFor(pattern)
      await fc.assert(
        fc.asyncProperty(form, async (pairs) => {
          const before = digest.current()
          const body = new URLSearchParams()
          for (const [k, v] of pairs) body.append(k, v)
          const client = who ? clients.get(who)! : new Client(server.url)
          const res = await retryOnClosedSocket(() =>
            client.request(concrete.get(pattern)!, {
              method: 'POST',
              body,
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            }),
          )
          const text = await res.text()
          expect(ALLOWED.has(res.status), `status ${res.status}: ${text.slice(0, 300)}`).toBe(true)
          expect(text).not.toMatch(/^\s+at .+[(:]/m)
          // A megabyte in one field is over the form cap: refused whole, before any parsing.
          if (pairs.some(([, v]) => v === ONE_MEGABYTE)) expect([400, 413]).toContain(res.status)
          // A refused request leaves the data as it was.
          if (res.status >= 400) expect(digest.current()).toBe(before)
        }),
        { numRuns: FUZZ_RUNS },
      )
      // Whatever the runs drew, every action once gets a megabyte in its first field: refused whole.
      const before = digest.current()
      const client = who ? clients.get(who)! : new Client(server.url)
      const huge = await retryOnClosedSocket(() => client.post(concrete.get(pattern)!, { [names[0]!]: ONE_MEGABYTE }))
      expect([400, 413]).toContain(huge.status)
      await huge.body?.cancel()
      expect(digest.current()).toBe(before)
      // The fuzzer's own session still works afterwards (no input can lock out the admin by accident).
      if (who) expect((await clients.get(who)!.get('/dashboard')).status).toBe(200)
    }, TIMEOUT)
  }

  test('a valid credit entry form with one or two hostile fields: never a 5xx, never half saved', async () => {
    const valid: Record<string, string> = { intent: 'issue', kind: 'late_deliverable', severity: 'minor', points: '1.5', effectiveOn: '', expiresOn: '', description: '模糊测试记录', engagementId: '' }
    const keys = Object.keys(valid)
    const reviewer = clients.get('binjiang.finance')!
    await fc.assert(
      fc.asyncProperty(hostilePairs(keys, foreignIds, { minLength: 1, maxLength: 2 }), async (spoilt) => {
        const before = digest.current()
        const res = await retryOnClosedSocket(() => reviewer.post(concrete.get('/credit/:subjectId')!, { ...valid, ...Object.fromEntries(spoilt) }))
        const text = await res.text()
        expect([200, 400, 413], `status ${res.status}: ${text.slice(0, 300)}`).toContain(res.status)
        if (res.status !== 200) expect(digest.current()).toBe(before)
        else expect(digest.current()).not.toBe(before)
      }),
      { numRuns: FUZZ_RUNS },
    )
  }, TIMEOUT)

  // Random forms rarely get past the first check; these start from a valid form and spoil one or
  // two fields, so the hostile value reaches the deeper checks and the service.
  test('a valid engagement form with one or two hostile fields: never a 5xx, never half saved', async () => {
    const one = (sql: string) => (db.$client.prepare(sql).get() as { id: string }).id
    const bureauId = one(`SELECT id FROM organizations WHERE name = '杭州市滨江区财政局'`)
    const leadId = one(`SELECT id FROM users WHERE username = 'mingjian.li'`)
    const memberId = one(`SELECT id FROM users WHERE username = 'mingjian.zhao'`)
    const foreignUserIds = new Set((db.$client.prepare('SELECT id FROM users').all() as { id: string }[]).map((u) => u.id).filter((id) => foreignIds.includes(id)))
    const valid: Record<string, string | string[]> = {
      name: '2026年滨江区测试项目支出绩效评价',
      year: '2026',
      kind: 'project',
      budgetType: 'general_public',
      financeBureauId: bureauId,
      funds: '1286.5',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      contractNo: 'MJ-2026-900',
      leadUserId: leadId,
      memberIds: [memberId],
      unitName: ['杭州市滨江区教育局'],
      unitDepartment: ['杭州市滨江区教育局'],
    }
    const keys = Object.keys(valid)
    const admin = clients.get('mingjian.admin')!
    const editUrl = concrete.get('/engagements/:id/edit')!
    const engagementId = editUrl.split('/')[2]!
    await fc.assert(
      fc.asyncProperty(
        hostilePairs(keys, foreignIds, { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        async (spoilt, editing) => {
          const form: Record<string, string | string[]> = { ...valid, ...Object.fromEntries(spoilt) }
          const before = digest.current()
          let res: Response
          if (editing) {
            const { version } = db.$client.prepare('SELECT version FROM engagements WHERE id = ?').get(engagementId) as { version: number }
            res = await retryOnClosedSocket(() => admin.post(editUrl, { ...form, version: String(version) }))
          } else {
            res = await retryOnClosedSocket(() => admin.post('/engagements/new', form))
          }
          const text = await res.text()
          expect([200, 302, 400, 413], `status ${res.status}: ${text.slice(0, 300)}`).toContain(res.status)
          // Another agency's or bureau's user can be neither the lead nor a member (a form over the
          // size cap is refused whole first, with 413).
          if (spoilt.some(([k, v]) => (k === 'leadUserId' || k === 'memberIds') && foreignUserIds.has(v))) expect([400, 413]).toContain(res.status)
          if (res.status >= 400) expect(digest.current()).toBe(before)
          // A saved edit may equal what is stored already; a created engagement always adds rows.
          else if (!editing) expect(digest.current()).not.toBe(before)
        },
      ),
      // Regression (test:long, seed -1091522010): another agency's member with a megabyte name is refused whole, 413.
      { numRuns: 2 * FUZZ_RUNS, examples: [[[['memberIds', [...foreignUserIds][0]!], ['name', ONE_MEGABYTE]], false]] },
    )
  }, 2 * TIMEOUT)
})
