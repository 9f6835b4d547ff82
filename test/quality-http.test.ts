// Work-quality rating over HTTP against the built server: the bureau's account admin sets the form
// (a refused form keeps what was typed, messages beside the fields); after the report is accepted
// the bureau's reviewer saves a draft and submits; the agency then reads the grade; another bureau
// and the evaluated unit get 404, the agency's POST 403.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { Client, loggedIn } from './helpers/http'
import { acceptReport, issuedEngagement, type IssuedEngagement } from './helpers/quality-fixture'
import { startServer, type RunningServer } from './helpers/server'
import { TEST_AUDIT_KEY } from './helpers/temp-db'

let server: RunningServer
let db: Db
let e: IssuedEngagement
let bureau: Client

beforeAll(async () => {
  // The fixture writes audit rows from this process: the same chain key as the server's.
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  db = openDatabase(server.dbFile)
  e = await issuedEngagement(db, { at: new Date(Date.now() - 3_600_000) })
  bureau = await loggedIn(server.url, 'binjiang.finance')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const settings = '/bureau/quality-settings'
const page = () => `/engagements/${e.engagementId}/quality`

describe('the bureau’s rating form', () => {
  test('shows the default items; a wrong form comes back with the messages and what was typed', async () => {
    const res = await bureau.get(settings)
    expect(res.status).toBe(200)
    const html = await res.text()
    for (const name of ['独立性与合规', '数据采集与现场核查', '保密与纪律']) expect(html).toContain(name)
    expect(html).toContain('现采用默认评价表')
    const bad = await bureau.post(settings, {
      basedOn: '0',
      itemName: ['独立性与合规', '廉洁自律'],
      itemPoints: ['10', '80'],
      excellent: '95',
      good: '80',
      pass: '60',
    })
    expect(bad.status).toBe(400)
    const body = await bad.text()
    expect(body).toContain('各项分值合计须为 100 分，现为 90 分')
    expect(body).toContain('廉洁自律')
    const saved = await bureau.post(settings, {
      basedOn: '0',
      itemName: ['独立性与合规', '廉洁自律', ''],
      itemPoints: ['10', '90', ''],
      excellent: '95',
      good: '80',
      pass: '60',
    })
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('已保存为第 1 版')
    expect(await (await bureau.get(settings)).text()).toContain('现行第 1 版')
  })
})

describe('rating the engagement', () => {
  test('waits for the accepted report, then takes a draft and a submission; the agency reads the grade', async () => {
    expect(await (await bureau.get(page())).text()).toContain('评价报告经验收后方可进行执业质量评价')
    acceptReport(db, e, new Date(Date.now() - 600_000))
    const form = await bureau.get(page())
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(html).toContain('廉洁自律')
    const formKey = /name="formKey" value="([^"]+)"/.exec(html)?.[1]
    expect(formKey).toBeTruthy()

    const draft = await bureau.post(page(), {
      intent: 'draft',
      formKey: formKey!,
      version: '0',
      'score.0': '9',
      'reason.0': '独立性声明晚于进场',
      'score.1': '',
    })
    expect(draft.status).toBe(200)
    expect(await draft.text()).toContain('草稿已保存')

    const complete = {
      intent: 'submit',
      formKey: formKey!,
      version: '1',
      'score.0': '9',
      'reason.0': '独立性声明晚于进场',
      'score.1': '85',
    }
    const refused = await bureau.post(page(), complete)
    expect(refused.status).toBe(400)
    const refusedBody = await refused.text()
    expect(refusedBody).toContain('「廉洁自律」未得满分，请填写扣分理由')
    expect(refusedBody).toContain('独立性声明晚于进场')

    const submitted = await bureau.post(page(), { ...complete, 'reason.1': '个别人员未签保密承诺' })
    expect(submitted.status).toBe(200)
    const after = await submitted.text()
    expect(after).toContain('评价已提交')
    expect(after).toContain('总分 94 分')

    const lead = await loggedIn(server.url, 'mingjian.zhao')
    const agencyView = await lead.get(page())
    expect(agencyView.status).toBe(200)
    const agencyHtml = await agencyView.text()
    expect(agencyHtml).toContain('良好')
    expect(agencyHtml).toContain('个别人员未签保密承诺')
    expect(agencyHtml).not.toContain('name="score.0"')
    expect((await lead.post(page(), { intent: 'draft', formKey: formKey!, version: '2' })).status).toBe(403)
    expect(
      (await bureau.post(page(), { intent: 'draft', formKey: formKey!, version: '2', 'score.0': '10' }))
        .status,
    ).toBe(409)
    expect(await (await lead.get(`/engagements/${e.engagementId}`)).text()).toContain(
      `/engagements/${e.engagementId}/quality`,
    )
  })

  test('another bureau and the evaluated unit get 404', async () => {
    for (const who of ['xihu.finance', 'unit.edu']) {
      const client = await loggedIn(server.url, who)
      expect((await client.get(page())).status, who).toBe(404)
      expect((await client.post(page(), { intent: 'draft' })).status, who).toBe(404)
    }
  })
})
