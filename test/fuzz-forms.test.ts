// Hostile form input against every action of the built server (SECURITY.md §12.2, in a short
// variant): whatever a user can type or craft, the answer is never a 5xx, and a refused request
// changes nothing. Actions come from the built manifest, so a new action is fuzzed automatically.
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

type ManifestRoute = { id: string; path?: string; index?: boolean; parentId?: string; module: Record<string, unknown> }

const build = createRequire(__filename)(path.resolve('build', 'index.js')) as ServerBuild
const routes = build.routes as unknown as Record<string, ManifestRoute>

function urlPattern(id: string): string {
  const parts: string[] = []
  for (let r: ManifestRoute | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) {
    if (r.path) parts.unshift(...r.path.split('/').filter(Boolean))
  }
  return '/' + parts.join('/')
}

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

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\u202Egnp.exe',
  '=cmd|\' /c calc\'!A1',
  '+1',
  '-1',
  '@SUM(A1)',
  '{{constructor.constructor}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  "' OR 1=1 --",
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '9'.repeat(40),
  '0.0000001',
  '2026-02-30',
  '2026-13-01',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'x'.repeat(5000),
]

const value = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
)

let server: RunningServer
let db: Db
const clients = new Map<string, Client>()
const fieldNames = new Map<string, string[]>()
const concrete = new Map<string, string>()

function changeDigest(): string {
  // Every change writes an audit row in its own transaction, and edits bump versions. Password
  // checks log their failures and lock-outs (login.*) even when refused: security events, not changes.
  const audit = db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action NOT LIKE 'login.%'").get() as { n: number }
  const versions = db.$client
    .prepare(
      `SELECT (SELECT coalesce(sum(version),0) FROM engagements) || '/' || (SELECT coalesce(sum(version),0) FROM users)
              || '/' || (SELECT coalesce(sum(version),0) FROM organizations) || '/' || (SELECT count(*) FROM engagements)
              || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM organizations)
              || '/' || (SELECT count(*) FROM frameworks) || '/' || (SELECT coalesce(sum(version),0) || ':' || count(*) FROM framework_versions)
              || '/' || (SELECT coalesce(sum(version),0) || ':' || count(*) FROM sheet_versions)
              || '/' || (SELECT coalesce(sum(version),0) || ':' || count(*) FROM experts)
              || '/' || (SELECT count(*) || ':' || coalesce(group_concat(label || active || position), '') FROM specialties)
              || '/' || (SELECT coalesce(sum(version),0) || ':' || count(*) FROM panels) || '/' || (SELECT coalesce(sum(version),0) || ':' || count(*) FROM seats)
              || '/' || (SELECT count(*) FROM conflicts) || '/' || (SELECT count(*) FROM draws) || '/' || (SELECT count(*) FROM declarations)
              || '/' || (SELECT count(*) FROM expert_ratings) || '/' || (SELECT count(*) FROM credit_entries)
              || '/' || (SELECT coalesce(sum(version),0) || ':' || count(*) FROM surveys) || '/' || (SELECT count(*) || ':' || coalesce(group_concat(status), '') FROM survey_imports) AS v`,
    )
    .get() as { v: string }
  return `${audit.n}|${versions.v}`
}

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile, { readonly: true })
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

describe('hostile form input', () => {
  test('the manifest has the actions we expect to fuzz', () => {
    expect(actionPatterns).toEqual(expect.arrayContaining(['/login', '/engagements/new', '/engagements/:id', '/admin/organizations']))
  })

  for (const pattern of actionPatterns) {
    test(`POST ${pattern}: never a 5xx, and a refusal changes nothing`, async () => {
      const names = fieldNames.get(pattern)!
      const form = fc.array(fc.tuple(fc.constantFrom(...names, 'intent', 'version', 'unknown_key'), value), { maxLength: 24 })
      const who = actorFor(pattern)
      await fc.assert(
        fc.asyncProperty(form, async (pairs) => {
          const before = changeDigest()
          const body = new URLSearchParams()
          for (const [k, v] of pairs) body.append(k, v)
          const client = who ? clients.get(who)! : new Client(server.url)
          const res = await client.request(concrete.get(pattern)!, {
            method: 'POST',
            body,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          })
          const text = await res.text()
          expect(ALLOWED.has(res.status), `status ${res.status}: ${text.slice(0, 300)}`).toBe(true)
          expect(text).not.toMatch(/^\s+at .+[(:]/m)
          // A refused request leaves the data as it was.
          if (res.status >= 400) expect(changeDigest()).toBe(before)
        }),
        { numRuns: 60 },
      )
      // The fuzzer's own session still works afterwards (no input can lock out the admin by accident).
      if (who) expect((await clients.get(who)!.get('/dashboard')).status).toBe(200)
    })
  }

  test('a valid credit entry form with one or two hostile fields: never a 5xx, never half saved', async () => {
    const valid: Record<string, string> = { intent: 'issue', kind: 'late_deliverable', severity: 'minor', points: '1.5', effectiveOn: '', expiresOn: '', description: '模糊测试记录', engagementId: '' }
    const keys = Object.keys(valid)
    const reviewer = clients.get('binjiang.finance')!
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...keys), value), { minLength: 1, maxLength: 2 }), async (spoilt) => {
        const before = changeDigest()
        const res = await reviewer.post(concrete.get('/credit/:subjectId')!, { ...valid, ...Object.fromEntries(spoilt) })
        const text = await res.text()
        expect([200, 400], `status ${res.status}: ${text.slice(0, 300)}`).toContain(res.status)
        if (res.status === 400) expect(changeDigest()).toBe(before)
        else expect(changeDigest()).not.toBe(before)
      }),
      { numRuns: 60 },
    )
  })

  // Random forms rarely get past the first check; these start from a valid form and spoil one or
  // two fields, so the hostile value reaches the deeper checks and the service.
  test('a valid engagement form with one or two hostile fields: never a 5xx, never half saved', async () => {
    const one = (sql: string) => (db.$client.prepare(sql).get() as { id: string }).id
    const bureauId = one(`SELECT id FROM organizations WHERE name = '杭州市滨江区财政局'`)
    const leadId = one(`SELECT id FROM users WHERE username = 'mingjian.li'`)
    const memberId = one(`SELECT id FROM users WHERE username = 'mingjian.zhao'`)
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
        fc.array(fc.tuple(fc.constantFrom(...keys), value), { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        async (spoilt, editing) => {
          const form: Record<string, string | string[]> = { ...valid, ...Object.fromEntries(spoilt) }
          const before = changeDigest()
          let res: Response
          if (editing) {
            const { version } = db.$client.prepare('SELECT version FROM engagements WHERE id = ?').get(engagementId) as { version: number }
            res = await admin.post(editUrl, { ...form, version: String(version) })
          } else {
            res = await admin.post('/engagements/new', form)
          }
          const text = await res.text()
          expect([200, 302, 400], `status ${res.status}: ${text.slice(0, 300)}`).toContain(res.status)
          if (res.status === 400) expect(changeDigest()).toBe(before)
          // A saved edit may equal what is stored already; a created engagement always adds rows.
          else if (!editing) expect(changeDigest()).not.toBe(before)
        },
      ),
      { numRuns: 120 },
    )
  })
})
