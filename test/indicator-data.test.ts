// 评价数据 on a real database: the agency saves the rule inputs and a note per leaf, the rule's
// suggestion follows; a bad number or a stale form saves nothing; other tenants, the bureau, the
// unit and the experts never reach it; every change is audited with before and after.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, indicatorData, scoringRounds } from '../db/schema'
import type { Actor } from '../app/domain/permissions'
import { newId } from '../app/ids.server'
import { currentSheet } from '../app/models/framework.server'
import { indicatorDataFor, indicatorDataPage, saveIndicatorData } from '../app/services/indicator-data.server'
import { DEMO_SHEET_ENGAGEMENT } from '../db/seed/demo-sheets'
import { actorOf, form } from './helpers/panel-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let engagementId: string
let lead: Actor
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = () => new Date((clock += 60_000))

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  engagementId = db.select().from(engagements).where(eq(engagements.name, DEMO_SHEET_ENGAGEMENT)).get()!.id
  lead = actorOf(db, 'mingjian.li')
})
afterAll(() => temp?.cleanup())

const rowOf = (code: string) =>
  db
    .select()
    .from(indicatorData)
    .where(and(eq(indicatorData.engagementId, engagementId), eq(indicatorData.code, code)))
    .get()
const audits = () => db.select().from(auditLog).where(eq(auditLog.action, 'indicator_data.save')).all()
const cardOf = (code: string) =>
  indicatorDataPage(db, lead, engagementId)!.items.find((i) => i.code === code)!

describe('saving one indicator’s data', () => {
  test('the page lists every leaf of the current sheet with the fields its rule needs', () => {
    const page = indicatorDataPage(db, lead, engagementId)!
    expect(page.mayEdit).toBe(true)
    expect(page.items).toHaveLength(19)
    const b102 = page.items.find((i) => i.code === 'B102')!
    expect(b102.fields.map((f) => [f.name, f.label, f.kind, f.value])).toEqual([
      ['numerator', '实际支出资金', 'number', ''],
      ['denominator', '实际到位资金', 'number', ''],
    ])
    expect(b102).toMatchObject({ version: 0, note: '', suggestion: null, updatedAt: null })
    expect(page.items.find((i) => i.code === 'A101')!.fields.map((f) => f.kind)).toEqual([
      'checkbox',
      'checkbox',
      'checkbox',
      'checkbox',
      'checkbox',
    ])
  })

  test('inputs and note are saved; the rule’s suggestion and the expert view follow', () => {
    const saved = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({
        code: 'B102',
        version: '0',
        numerator: '1,930.0',
        denominator: '２０００',
        note: '2025 年度决算报表，财政一体化系统导出',
      }),
      tick(),
    )
    expect(saved).toMatchObject({
      ok: true,
      value: { code: 'B102', version: 1, suggestion: { ok: true, score: 483 } },
    })
    expect(rowOf('B102')).toMatchObject({
      version: 1,
      note: '2025 年度决算报表，财政一体化系统导出',
      updatedBy: lead.userId,
    })
    const card = cardOf('B102')
    expect(card.fields.map((f) => f.value)).toEqual(['1930.0', '2000'])
    expect(card.suggestion).toEqual({
      ok: true,
      score: 483,
      reasoning:
        '预算执行率 = 实际支出资金 / 实际到位资金 = 1930 / 2000 = 96.50%；得分 = 5 × 96.50% = 4.83 分',
    })
    const forExpert = indicatorDataFor(db, engagementId).get('B102')!
    expect(forExpert).toEqual({
      note: '2025 年度决算报表，财政一体化系统导出',
      inputs: [
        { label: '实际支出资金', value: '1930.0' },
        { label: '实际到位资金', value: '2000' },
      ],
      suggestion: card.suggestion,
      updatedAt: rowOf('B102')!.updatedAt,
    })
  })

  test('checkboxes and selects: each point as 是/否, the band by its label', () => {
    const points = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'A101', version: '0', p0: 'on', p1: 'on', p2: 'on', p4: 'on' }),
      tick(),
    )
    expect(points).toMatchObject({ ok: true, value: { suggestion: { ok: true, score: 225 } } })
    expect(
      indicatorDataFor(db, engagementId)
        .get('A101')!
        .inputs.map((l) => l.value),
    ).toEqual(['是', '是', '是', '否', '是'])
    const band = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'D101', version: '0', band: '1', share: '' }),
      tick(),
    )
    expect(band).toMatchObject({ ok: true, value: { suggestion: { ok: true, score: 1600 } } })
    expect(indicatorDataFor(db, engagementId).get('D101')!.inputs).toEqual([
      { label: '档位', value: '部分达成（60%–80%）' },
    ])
  })

  test('a note alone has no suggestion; an impossible fact is kept and answered by the suggestion', () => {
    expect(
      saveIndicatorData(
        db,
        lead,
        engagementId,
        form({ code: 'B101', version: '0', numerator: '', denominator: '', note: '资金到位文件待单位补充' }),
        tick(),
      ),
    ).toMatchObject({ ok: true, value: { suggestion: null } })
    expect(indicatorDataFor(db, engagementId).get('B101')).toMatchObject({
      note: '资金到位文件待单位补充',
      inputs: [],
      suggestion: null,
    })
    const zero = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'D102', version: '0', satisfied: '420', valid: '400' }),
      tick(),
    )
    expect(zero).toMatchObject({
      ok: true,
      value: { suggestion: { ok: false, message: '满意样本数（420）不能多于有效样本数（400）' } },
    })
  })

  test('a bad number, an unknown band or an overlong note is refused beside its field; nothing saved', () => {
    const before = { rows: db.select().from(indicatorData).all(), audits: audits().length }
    const bad = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'B102', version: '1', numerator: '九十', denominator: '1e309', note: '改过的说明' }),
      tick(),
    )
    expect(bad).toMatchObject({
      ok: false,
      status: 400,
      errors: { numerator: '「实际支出资金」须为数字', denominator: '「实际到位资金」须为数字' },
    })
    // The form keeps what was typed.
    expect(bad.ok ? null : bad.values).toMatchObject({
      numerator: '九十',
      denominator: '1e309',
      note: '改过的说明',
    })
    expect(
      saveIndicatorData(db, lead, engagementId, form({ code: 'D101', version: '1', band: '7' }), tick()),
    ).toMatchObject({ ok: false, status: 400, errors: { band: '请从列表中选择「档位」' } })
    expect(
      saveIndicatorData(
        db,
        lead,
        engagementId,
        form({ code: 'B103', version: '0', note: 'x'.repeat(4001) }),
        tick(),
      ),
    ).toMatchObject({ ok: false, status: 400, errors: { note: '数据说明与来源不能超过 4000 个字符' } })
    expect(
      saveIndicatorData(db, lead, engagementId, form({ code: 'ZZ99', version: '0' }), tick()),
    ).toMatchObject({ ok: false, status: 400 })
    expect(db.select().from(indicatorData).all()).toEqual(before.rows)
    expect(audits()).toHaveLength(before.audits)
  })

  test('a save from a stale page is a 409 naming the indicator; the current version saves', () => {
    const stale = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'B102', version: '0', numerator: '1', denominator: '1' }),
      tick(),
    )
    expect(stale).toMatchObject({ ok: false, status: 409 })
    expect(stale.ok ? '' : stale.errors._form).toContain('B102 预算执行率')
    expect(stale.ok ? null : stale.values).toMatchObject({ numerator: '1', denominator: '1' })
    expect(rowOf('B102')!.version).toBe(1)
    const next = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'B102', version: '1', numerator: '2000', denominator: '2000', note: '以决算数为准' }),
      tick(),
    )
    expect(next).toMatchObject({ ok: true, value: { version: 2, suggestion: { ok: true, score: 500 } } })
    expect(
      saveIndicatorData(
        db,
        lead,
        engagementId,
        form({ code: 'B102', version: '1', numerator: '3', denominator: '4' }),
        tick(),
      ),
    ).toMatchObject({ ok: false, status: 409 })
  })

  test('each change is one audit row with before and after; an unchanged save writes nothing', () => {
    const rows = audits().filter((a) => a.entityId === rowOf('B102')!.id)
    expect(rows).toHaveLength(2)
    expect(rows[0]!.beforeJson).toBe('null')
    const second = rows[1]!
    expect(second).toMatchObject({ actorUserId: lead.userId, entity: 'indicator_data' })
    expect(JSON.parse(second.beforeJson!)).toEqual({
      code: 'B102',
      inputs: { type: 'formula', values: { numerator: '1930.0', denominator: '2000' } },
      note: '2025 年度决算报表，财政一体化系统导出',
    })
    expect(JSON.parse(second.afterJson!)).toMatchObject({
      engagementId,
      code: 'B102',
      inputs: { type: 'formula', values: { numerator: '2000', denominator: '2000' } },
      note: '以决算数为准',
      suggestedScore: 500,
      scoringPhase: null,
    })
    const count = audits().length
    expect(
      saveIndicatorData(
        db,
        lead,
        engagementId,
        form({ code: 'B102', version: '2', numerator: '2000', denominator: '2000', note: '以决算数为准' }),
        tick(),
      ),
    ).toMatchObject({ ok: true, value: { version: 2 } })
    expect(audits()).toHaveLength(count)
  })
})

describe('who reaches it', () => {
  test('another agency, the bureau, the unit and the experts get nothing (404)', () => {
    for (const username of ['hengping.admin', 'binjiang.finance', 'unit.edu', 'expert.zhang', 'admin']) {
      const actor = actorOf(db, username)
      expect(indicatorDataPage(db, actor, engagementId), username).toBeUndefined()
      const refused = saveIndicatorData(
        db,
        actor,
        engagementId,
        form({ code: 'C101', version: '0', numerator: '1', denominator: '1' }),
        tick(),
      )
      expect(refused, username).toMatchObject({ ok: false, status: 404 })
    }
    expect(rowOf('C101')).toBeUndefined()
  })

  test('during scoring the data stays editable, audited with the phase; experts read the scored sheet’s leaves', () => {
    const sheet = currentSheet(db, engagementId)!
    db.insert(scoringRounds)
      .values({
        id: newId(),
        engagementId,
        sheetVersionId: sheet.id,
        phase: 'scoring',
        aggregationRule: 'mean',
        openedBy: lead.userId,
        openedAt: new Date(clock).toISOString(),
        updatedAt: new Date(clock).toISOString(),
      })
      .run()
    const zhao = actorOf(db, 'mingjian.zhao')
    expect(indicatorDataPage(db, zhao, engagementId)!.scoringPhase).toBe('scoring')
    expect(
      saveIndicatorData(
        db,
        zhao,
        engagementId,
        form({ code: 'C101', version: '0', numerator: '3100', denominator: '3200' }),
        tick(),
      ),
    ).toMatchObject({ ok: true })
    expect(JSON.parse(audits().at(-1)!.afterJson!)).toMatchObject({ code: 'C101', scoringPhase: 'scoring' })
    expect(indicatorDataFor(db, engagementId).get('C101')!.suggestion).toMatchObject({ ok: true, score: 969 })
  })

  test('inputs saved for a rule the indicator no longer has are neither shown nor used', () => {
    db.update(indicatorData)
      .set({ inputsJson: JSON.stringify({ type: 'tier', values: { value: '12' } }) })
      .where(eq(indicatorData.id, rowOf('C101')!.id))
      .run()
    expect(cardOf('C101')).toMatchObject({ stale: true, suggestion: null })
    expect(cardOf('C101').fields.map((f) => f.value)).toEqual(['', ''])
    expect(indicatorDataFor(db, engagementId).get('C101')).toMatchObject({ inputs: [], suggestion: null })
  })

  test('once the engagement is archived the page is read-only and a save is refused', () => {
    db.update(engagements).set({ stage: 'archived' }).where(eq(engagements.id, engagementId)).run()
    expect(indicatorDataPage(db, lead, engagementId)!.mayEdit).toBe(false)
    const refused = saveIndicatorData(
      db,
      lead,
      engagementId,
      form({ code: 'B102', version: '2', numerator: '1', denominator: '2' }),
      tick(),
    )
    expect(refused).toMatchObject({
      ok: false,
      status: 403,
      errors: { _form: '项目已归档，评价数据不能再修改' },
    })
    expect(rowOf('B102')!.version).toBe(2)
  })
})
