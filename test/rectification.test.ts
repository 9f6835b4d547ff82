// Rectification on a real database: items drafted from the issued report's 存在的问题, proposed by
// the agency and confirmed by the reviewer (never by the proposing side alone), seen by the unit only
// once confirmed and only for its own unit; progress with an evidence file; 不通过 with a reason back
// to 整改中, then 通过; overdue by the clock given; the bureau's rates per unit and year, scoped to it.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, rectificationItems, rectificationUpdates, storedFiles, users } from '../db/schema'
import type { Actor } from '../app/domain/permissions'
import { prepareFile } from '../app/files/store.server'
import { newId } from '../app/ids.server'
import { generateVersion, issueVersion } from '../app/services/report.server'
import {
  confirmItem,
  createItems,
  draftsFromReport,
  evidenceFile,
  itemPage,
  parseProgress,
  rectificationPage,
  rectificationRates,
  rectificationSummary,
  rectificationYears,
  reportProgress,
  unitItems,
  verifyItem,
} from '../app/services/rectification.server'
import { renderModel } from '../reports/render'
import { actorOf, form, type ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let panel: ReadyPanel
let reviewer: Actor
let otherBureau: Actor
let otherAgency: Actor
let healthContact: Actor
let eduContact: Actor
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n')

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  panel = await scoredEngagement(db, { at: tick() })
  const render = (model: Parameters<typeof renderModel>[0]) => renderModel(model)
  const final = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'final', note: '' }), tick(), render)
  if (!final.ok) throw new Error(JSON.stringify(final))
  const issued = await issueVersion(db, panel.lead, panel.engagementId, form({ versionId: final.value.id }), tick(), render, { publicUrl: 'https://evaldesk.example.cn', randomBytes: (n) => new Uint8Array(n).fill(3) })
  if (!issued.ok) throw new Error(JSON.stringify(issued))
  reviewer = actorOf(db, 'binjiang.finance')
  otherBureau = actorOf(db, 'xihu.finance')
  otherAgency = actorOf(db, 'hengping.admin')
  eduContact = actorOf(db, 'unit.edu')
  // The demo has no contact for 卫生健康局, the unit of the scored engagement: add one.
  const unitId = rectificationPage(db, panel.lead, panel.engagementId, tick())!.units[0]!.id
  const iso = new Date(clock).toISOString()
  db.insert(users).values({ id: newId(), username: 'unit.health', displayName: '孙联络', role: 'unit_contact', evaluatedUnitId: unitId, passwordHash: 'x', createdAt: iso, updatedAt: iso }).run()
  healthContact = actorOf(db, 'unit.health')
})
afterAll(() => temp?.cleanup())

const item = (id: string) => db.select().from(rectificationItems).where(eq(rectificationItems.id, id)).get()!

describe('proposing items', () => {
  test('drafts come from the issued report’s 存在的问题, one per line, numbering removed; outsiders get 404', () => {
    const drafts = draftsFromReport(db, panel.lead, panel.engagementId)
    if (!drafts.ok) throw new Error(JSON.stringify(drafts))
    expect(drafts.value.drafts.length).toBeGreaterThan(0)
    expect(drafts.value.drafts[0]!.problem).toMatch(/^\S+方面（得分率/)
    expect(drafts.value.drafts[0]!.problem).not.toMatch(/^一是/)
    expect(drafts.value.drafts.every((d) => d.unitId === rectificationPage(db, panel.lead, panel.engagementId, tick())!.units[0]!.id)).toBe(true)
    expect(draftsFromReport(db, otherBureau, panel.engagementId)).toMatchObject({ ok: false, status: 404 })
    expect(draftsFromReport(db, otherAgency, panel.engagementId)).toMatchObject({ ok: false, status: 404 })
    expect(draftsFromReport(db, healthContact, panel.engagementId)).toMatchObject({ ok: false, status: 403 })
  })

  test('every row is checked beside its field, nothing is saved on an error, and the form keeps what was typed', () => {
    const unitId = rectificationPage(db, panel.lead, panel.engagementId, tick())!.units[0]!.id
    const bad = createItems(db, panel.lead, panel.engagementId, form({ problem: ['台账不全', ''], requirement: ['', '补齐'], unitId: [unitId, 'X'], deadline: ['2026-13-01', '2020-01-01'] }), tick())
    expect(bad).toMatchObject({
      ok: false,
      status: 400,
      errors: { 'requirement.0': '请填写第 1 项的整改要求', 'deadline.0': '第 1 项的整改期限格式应为 年-月-日', 'problem.1': '请填写第 2 项的问题', 'unitId.1': '请为第 2 项选择本项目的责任单位', 'deadline.1': '第 2 项的整改期限不能早于今天（2026-06-01）' },
      values: { problem: ['台账不全', ''] },
    })
    expect(createItems(db, panel.lead, panel.engagementId, form({ problem: [''], requirement: [''], unitId: [unitId], deadline: [''] }), tick())).toMatchObject({ ok: false, errors: { _form: '请至少填写一项整改事项' } })
    expect(db.select().from(rectificationItems).all()).toHaveLength(0)
  })

  test('the agency proposes from the report; the unit sees nothing until the reviewer confirms', () => {
    const drafts = draftsFromReport(db, panel.lead, panel.engagementId)
    if (!drafts.ok) throw new Error('no drafts')
    const [first, second] = drafts.value.drafts
    const created = createItems(
      db,
      panel.lead,
      panel.engagementId,
      form({ reportVersionId: drafts.value.reportVersionId, problem: [first!.problem, second?.problem ?? '资金支出进度滞后'], requirement: ['补齐服务台账并建立月度核对', '制定支出计划并按月通报'], unitId: [first!.unitId, first!.unitId], deadline: ['2026-06-30', '2026-09-30'] }),
      tick(),
    )
    if (!created.ok) throw new Error(JSON.stringify(created))
    expect(created.value.ids).toHaveLength(2)
    expect(item(created.value.ids[0]!)).toMatchObject({ status: 'pending', reportVersionId: drafts.value.reportVersionId })
    expect(rectificationPage(db, healthContact, panel.engagementId, tick())!.items).toHaveLength(0)
    expect(itemPage(db, healthContact, created.value.ids[0]!, tick())).toBeUndefined()
    // The proposing side cannot confirm its own proposal; another bureau does not see it.
    const pending = item(created.value.ids[0]!)
    expect(confirmItem(db, panel.lead, pending.id, form({ version: '1' }), tick())).toMatchObject({ ok: false, status: 403, errors: { _form: '本方提出的整改事项须由委托财政局确认' } })
    expect(confirmItem(db, otherBureau, pending.id, form({ version: '1' }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(confirmItem(db, reviewer, pending.id, form({ version: '7' }), tick())).toMatchObject({ ok: false, status: 409 })
    for (const id of created.value.ids) expect(confirmItem(db, reviewer, id, form({ version: '1' }), tick())).toMatchObject({ ok: true, value: { status: 'in_progress' } })
    expect(confirmItem(db, reviewer, pending.id, form({ version: '2' }), tick())).toMatchObject({ ok: false, status: 409, errors: { _form: '该整改事项已确认' } })
    expect(rectificationPage(db, healthContact, panel.engagementId, tick())!.items.map((i) => i.statusLabel)).toEqual(['整改中', '整改中'])
    expect(unitItems(db, healthContact, tick())).toHaveLength(2)
    // 教育局's contact is not a unit of this engagement.
    expect(rectificationPage(db, eduContact, panel.engagementId, tick())).toBeUndefined()
    expect(unitItems(db, eduContact, tick())).toEqual([])
  })

  test('the agency confirms what the reviewer proposed', () => {
    const unitId = rectificationPage(db, reviewer, panel.engagementId, tick())!.units[0]!.id
    const created = createItems(db, reviewer, panel.engagementId, form({ problem: ['满意度调查样本不足'], requirement: ['扩大样本并公开结果'], unitId: [unitId], deadline: ['2026-12-31'] }), tick())
    if (!created.ok) throw new Error(JSON.stringify(created))
    const page = rectificationPage(db, panel.lead, panel.engagementId, tick())!
    expect(page.items.find((i) => i.id === created.value.ids[0])).toMatchObject({ proposedBy: 'bureau', mayConfirm: true })
    expect(confirmItem(db, panel.lead, created.value.ids[0]!, form({ version: '1' }), tick())).toMatchObject({ ok: true })
  })
})

describe('progress, evidence and verification', () => {
  test('the unit reports with a file; 不通过 needs a reason and returns it to 整改中; 通过 closes it', async () => {
    const target = rectificationPage(db, healthContact, panel.engagementId, tick())!.items.find((i) => i.deadline === '2026-06-30')!
    expect(verifyItem(db, reviewer, target.id, form({ verdict: 'pass', version: String(target.version) }), tick())).toMatchObject({ ok: false, status: 409, errors: { _form: '被评价单位尚未报告整改情况，暂不能核验' } })
    expect(parseProgress(form({ note: '', version: String(target.version) }))).toMatchObject({ ok: false, status: 400, errors: { note: '请填写整改情况' } })
    const prepared = await prepareFile(db, { bytes: PDF, filename: '台账.pdf' })
    if (!prepared.ok) throw new Error(prepared.message)
    // Only the unit's contact reports.
    expect(reportProgress(db, panel.lead, target.id, { note: '已补齐', version: target.version }, null, tick())).toMatchObject({ ok: false, status: 403 })
    const reported = reportProgress(db, healthContact, target.id, { note: '已补齐 2025 年服务台账，建立月度核对制度。', version: target.version }, prepared.file, tick())
    expect(reported).toMatchObject({ ok: true, value: { status: 'reported' } })
    const page = itemPage(db, reviewer, target.id, tick())!
    expect(page.mayVerify).toBe(true)
    const evidence = page.history.flatMap((h) => h.files)
    expect(evidence.map((f) => f.name)).toEqual(['台账.pdf'])
    expect(evidenceFile(db, reviewer, target.id, evidence[0]!.id)?.bytes).toEqual(PDF)
    expect(evidenceFile(db, eduContact, target.id, evidence[0]!.id)).toBeUndefined()
    expect(evidenceFile(db, otherBureau, target.id, evidence[0]!.id)).toBeUndefined()

    const v = item(target.id).version
    expect(verifyItem(db, reviewer, target.id, form({ verdict: 'fail', reason: '', version: String(v) }), tick())).toMatchObject({ ok: false, status: 400, errors: { reason: '不通过时须填写理由' }, values: { verdict: 'fail' } })
    expect(verifyItem(db, panel.lead, target.id, form({ verdict: 'pass', version: String(v) }), tick())).toMatchObject({ ok: false, status: 403 })
    expect(verifyItem(db, reviewer, target.id, form({ verdict: 'fail', reason: '台账缺少 12 月数据', version: String(v) }), tick())).toMatchObject({ ok: true, value: { status: 'in_progress' } })
    const back = rectificationPage(db, healthContact, panel.engagementId, tick())!.items.find((i) => i.id === target.id)!
    expect(back).toMatchObject({ status: 'in_progress', statusLabel: '未通过（整改中）', failedReason: '台账缺少 12 月数据' })
    expect(reportProgress(db, healthContact, target.id, { note: '已补 12 月数据', version: back.version }, null, tick())).toMatchObject({ ok: true })
    expect(verifyItem(db, reviewer, target.id, form({ verdict: 'pass', reason: '', version: String(item(target.id).version) }), tick())).toMatchObject({ ok: true, value: { status: 'passed' } })
    expect(itemPage(db, healthContact, target.id, tick())!.history.map((h) => h.label)).toEqual(['提出', '确认', '报告整改情况', '核验不通过', '报告整改情况', '核验通过'])
    expect(() => db.$client.prepare('DELETE FROM rectification_updates').run()).toThrow(/append-only/)
    expect(db.select().from(storedFiles).all()).toHaveLength(1)
    const actions = db.select({ action: auditLog.action }).from(auditLog).orderBy(auditLog.seq).all().map((r) => r.action).filter((a) => a.startsWith('rectification.') || a === 'file.upload')
    expect(actions).toEqual(['rectification.create', 'rectification.confirm', 'rectification.confirm', 'rectification.create', 'rectification.confirm', 'rectification.report', 'file.upload', 'rectification.verify', 'rectification.report', 'rectification.verify'])
    expect(db.select().from(rectificationUpdates).where(eq(rectificationUpdates.itemId, target.id)).all()).toHaveLength(6)
  })
})

describe('overdue and rates', () => {
  test('an item past its deadline and not passed is overdue; summary and rates follow the clock given', () => {
    const june = new Date('2026-06-15T00:00:00Z')
    const october = new Date('2026-10-08T00:00:00Z')
    expect(rectificationSummary(db, panel.engagementId, june)).toEqual({ total: 3, verified: 1, overdue: 0 })
    expect(rectificationSummary(db, panel.engagementId, october)).toEqual({ total: 3, verified: 1, overdue: 1 })
    const bureauId = reviewer.organizationId!
    const rates = rectificationRates(db, bureauId, 2025, october)
    expect(rates.total).toEqual({ total: 3, passed: 1, overdue: 1, rate: 33 })
    expect(rates.byUnit).toEqual([expect.objectContaining({ unitName: '杭州市滨江区卫生健康局', total: 3, passed: 1, rate: 33 })])
    expect(rates.overdue.map((o) => o.deadline)).toEqual(['2026-09-30'])
    expect(rectificationYears(db, bureauId, october)).toEqual([{ year: 2025, total: 3, passed: 1, overdue: 1, rate: 33 }])
    // Another bureau's figures hold none of these.
    expect(rectificationRates(db, otherBureau.organizationId!, 2025, october).total.total).toBe(0)
    expect(rectificationYears(db, otherBureau.organizationId!, october)).toEqual([])
  })
})
