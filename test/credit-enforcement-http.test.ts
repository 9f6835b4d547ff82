// The commissioning flag and the draw's credit rule on the pages, against the built server: an
// agency with two 不合格 ratings has an engagement created; its team and the commissioning bureau see
// the red notice with the reasons and the link to the agency's file, the bureau's yearly overview
// lists it and its review inbox marks its row; the draw record names the policy's lowest grade.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { draws, panels } from '../db/schema'
import { auditActor } from '../app/models/audit.server'
import { recordEntry } from '../app/services/credit.server'
import { createEngagement } from '../app/services/engagement.server'
import { submitReport } from '../app/services/review.server'
import { inTransaction } from '../app/services/transaction.server'
import { loggedIn } from './helpers/http'
import { issueEvaluation, moveThrough, TO_FINALIZED } from './helpers/issued-report'
import { actorOf, form } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

const NAME = '2026年滨江区养老服务补贴资金项目支出绩效评价'
const HEADLINE = '委托时该机构信用等级为 D，处于失信期，请审慎委托'

let server: RunningServer
let db: Db
let engagementId = ''
let agencyId = ''
let clock = Date.now()
const tick = () => new Date((clock += 1000))
const pageText = async (res: Response) => (await res.text()).replace(/<!-- -->/g, '')

beforeAll(async () => {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  const reviewer = actorOf(db, 'binjiang.finance')
  const admin = actorOf(db, 'mingjian.admin')
  agencyId = admin.organizationId!
  const today = new Date(clock).toISOString().slice(0, 10)
  for (const days of [40, 10]) {
    const effectiveOn = new Date(clock - days * 86_400_000).toISOString().slice(0, 10)
    inTransaction(db, (tx) =>
      recordEntry(
        tx,
        { subject: { type: 'agency', id: agencyId }, kind: 'quality_fail', severity: null, points: null, effectiveOn, expiresOn: null, description: '执业质量评价不合格', source: 'bureau', sourceRef: null, issuerOrgId: reviewer.organizationId!, issuedBy: reviewer.userId, bureauId: reviewer.organizationId!, engagementId: null },
        auditActor(reviewer),
        tick(),
      ),
    )
  }
  const created = createEngagement(
    db,
    admin,
    {
      name: NAME,
      year: Number(today.slice(0, 4)),
      kind: 'project',
      budgetType: 'general_public',
      financeBureauId: reviewer.organizationId!,
      fundsFen: 120_000000,
      periodStart: `${today.slice(0, 4)}-01-01`,
      periodEnd: `${today.slice(0, 4)}-12-31`,
      contractNo: 'BJCZ-2026-018',
      leadUserId: actorOf(db, 'mingjian.zhao').userId,
      memberIds: [],
      units: [{ name: '杭州市滨江区民政局', competentDepartment: '杭州市滨江区民政局' }],
    },
    tick(),
  )
  if (!created.ok) throw new Error(JSON.stringify(created))
  engagementId = created.value.id
  const lead = actorOf(db, 'mingjian.zhao')
  moveThrough(db, lead, engagementId, ['preliminary_research', 'evaluation_plan', 'fieldwork', 'survey'], tick)
  const panel = await scoredEngagement(db, { at: tick(), size: 3, engagementName: NAME })
  moveThrough(db, lead, engagementId, TO_FINALIZED, tick)
  const issuedId = await issueEvaluation(db, panel.lead, engagementId, tick)
  if (!submitReport(db, panel.lead, engagementId, form({ versionId: issuedId }), tick()).ok) throw new Error('submit')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

describe('the commissioning flag on the pages', () => {
  test("the agency's team and the commissioning bureau see the red notice with the reasons and the file's link", async () => {
    for (const username of ['mingjian.zhao', 'binjiang.finance']) {
      const client = await loggedIn(server.url, username)
      const res = await client.get(`/engagements/${engagementId}`)
      expect(res.status).toBe(200)
      const html = await pageText(res)
      expect(html).toContain('data-testid="commission-flag"')
      expect(html).toContain(HEADLINE)
      expect(html).toContain('12 个月内两次执业质量评价不合格')
      expect(html).toContain('信用提示不影响项目的创建与委托')
      expect(html).toContain(`href="/credit/${agencyId}"`)
    }
  })

  test("the bureau's yearly overview lists the engagement and its review inbox marks the row", async () => {
    const reviewer = await loggedIn(server.url, 'binjiang.finance')
    const overview = await pageText(await reviewer.get(`/bureau?year=${new Date(clock).getUTCFullYear()}`))
    expect(overview).toContain('委托时有信用提示的项目（1）')
    expect(overview).toContain(NAME)
    const inbox = await pageText(await reviewer.get('/review'))
    expect(inbox).toContain('data-testid="commission-flag-badge"')
    expect(inbox.match(/委托信用提示/g)).toHaveLength(1)
    // Another bureau's overview lists nothing of it.
    const other = await loggedIn(server.url, 'xihu.finance')
    expect(await pageText(await other.get('/bureau'))).not.toContain('委托时有信用提示的项目')
  })

  test('the draw record states the lowest grade the policy draws and the credit exclusions', async () => {
    const draw = db.select({ id: draws.id }).from(draws).innerJoin(panels, eq(panels.id, draws.panelId)).where(eq(panels.engagementId, engagementId)).get()!
    const lead = await loggedIn(server.url, 'mingjian.zhao')
    const html = await pageText(await lead.get(`/engagements/${engagementId}/panel/draws/${draw.id}`))
    expect(html).toContain('复核一致')
    expect(html).toContain('信用等级须为 C 级及以上（信用政策）')
  })
})
