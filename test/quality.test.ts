// Work-quality rating on a real database: the bureau's account admin keeps a versioned rating form;
// after the report is accepted the commissioning bureau's reviewer rates the agency as a draft and
// then submits for good (triggers keep it so); the agency reads only the submitted rating; another
// bureau, the unit and other agencies see nothing.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, qualityRatings } from '../db/schema'
import { DEFAULT_QUALITY_CONFIG } from '../app/domain/finance/quality'
import {
  qualityRatingOf,
  qualityRatingPage,
  qualitySettingsPage,
  saveQualityRating,
  saveQualitySettings,
} from '../app/services/quality.server'
import { actorOf, form } from './helpers/panel-fixture'
import { acceptReport, issuedEngagement, type IssuedEngagement } from './helpers/quality-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let e: IssuedEngagement
let clock = new Date('2026-07-01T01:00:00.000Z').getTime()
const tick = () => new Date((clock += 60_000))

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  e = await issuedEngagement(db, { at: tick() })
  clock += 3_600_000
})
afterAll(() => temp?.cleanup())

const reviewer = () => actorOf(db, 'binjiang.finance')

// 独立性与合规 10, 评价方案 15, 数据采集与现场核查 15, 工作底稿 20, 报告质量 30, 时效与配合 10; bands 95 / 85 / 60.
const BUREAU_FORM = {
  itemName: ['独立性与合规', '评价方案', '', '数据采集与现场核查', '工作底稿', '报告质量', '时效与配合'],
  itemPoints: ['10', '15', '', '15', '20', '30', '10'],
  excellent: '95',
  good: '85',
  pass: '60',
}

describe('the bureau’s rating form', () => {
  test('only the bureau’s account admin keeps it; until then the default form is in force', () => {
    const page = qualitySettingsPage(db, reviewer())
    expect(page?.current).toMatchObject({ id: null, versionNo: 0, config: DEFAULT_QUALITY_CONFIG })
    expect(page?.versions).toEqual([])
    for (const who of ['mingjian.admin', 'unit.edu', 'admin'])
      expect(qualitySettingsPage(db, actorOf(db, who)), who).toBeNull()
    const plainReviewer = { ...reviewer(), orgAdmin: false }
    expect(qualitySettingsPage(db, plainReviewer)).toBeNull()
    expect(
      saveQualitySettings(db, plainReviewer, form({ ...BUREAU_FORM, basedOn: '0' }), tick()),
    ).toMatchObject({ ok: false, status: 403 })
  })

  test('names each wrong row beside its field, skips blank rows, and keeps what was typed', () => {
    const bad = saveQualitySettings(
      db,
      reviewer(),
      form({
        ...BUREAU_FORM,
        itemName: ['独立性与合规', '', '', '评价方案'],
        itemPoints: ['10', '15', '', '1.5'],
        good: '95',
        basedOn: '0',
      }),
      tick(),
    )
    if (bad.ok) throw new Error('accepted a bad form')
    expect(bad.status).toBe(400)
    expect(bad.errors).toEqual({
      'itemName.1': '请填写第 2 项的名称',
      'itemPoints.3': '第 3 项「评价方案」的分值须为正整数',
      good: '「良好」的分数线须低于「优秀」',
    })
    expect(bad.values).toMatchObject({ itemName: ['独立性与合规', '', '', '评价方案'], good: '95' })
    const short = saveQualitySettings(
      db,
      reviewer(),
      form({ ...BUREAU_FORM, itemPoints: ['10', '15', '', '15', '20', '25', '10'], basedOn: '0' }),
      tick(),
    )
    expect(short).toMatchObject({
      ok: false,
      status: 400,
      errors: { items: '各项分值合计须为 100 分，现为 95 分' },
    })
  })

  test('saves a new version (audited); a stale page gets 409; saving the same form adds nothing', () => {
    expect(saveQualitySettings(db, reviewer(), form({ ...BUREAU_FORM, basedOn: '0' }), tick())).toEqual({
      ok: true,
      value: { versionNo: 1, changed: true },
    })
    expect(saveQualitySettings(db, reviewer(), form({ ...BUREAU_FORM, basedOn: '0' }), tick())).toMatchObject(
      { ok: false, status: 409 },
    )
    expect(saveQualitySettings(db, reviewer(), form({ ...BUREAU_FORM, basedOn: '1' }), tick())).toEqual({
      ok: true,
      value: { versionNo: 1, changed: false },
    })
    const page = qualitySettingsPage(db, reviewer())!
    expect(page.current.config.items.map((i) => `${i.name} ${i.points}`)).toEqual([
      '独立性与合规 1000',
      '评价方案 1500',
      '数据采集与现场核查 1500',
      '工作底稿 2000',
      '报告质量 3000',
      '时效与配合 1000',
    ])
    expect(page.current.config.bands).toEqual({ excellent: 9500, good: 8500, pass: 6000 })
    expect(page.versions).toEqual([expect.objectContaining({ versionNo: 1, createdByName: '孙审' })])
    expect(db.select().from(auditLog).where(eq(auditLog.action, 'quality_config.create')).all()).toHaveLength(
      1,
    )
    // Another bureau's form is its own.
    expect(qualitySettingsPage(db, actorOf(db, 'xihu.finance'))!.current.versionNo).toBe(0)
    expect(() => db.$client.prepare(`UPDATE quality_rating_configs SET bands_json = '{}'`).run()).toThrow(
      /final/,
    )
    expect(() => db.$client.prepare(`DELETE FROM quality_rating_configs`).run()).toThrow(/final/)
  })
})

/** A filled rating form on the bureau's form above: 10 + 13.5 + 12 + 18 + 25.5 + 10 = 89 (良好, not 优秀 at 95). */
const filled = (extra: Record<string, string> = {}) =>
  form({
    formKey: qualityRatingPage(db, reviewer(), e.engagementId)!.form.key,
    version: String(qualityRatingPage(db, reviewer(), e.engagementId)!.rating?.version ?? 0),
    'score.0': '10',
    'score.1': '13.5',
    'reason.1': '评价方案未说明抽样方法',
    'score.2': '12',
    'reason.2': '现场核查记录缺少被核查人签字',
    'score.3': '18',
    'reason.3': '两份底稿未编号',
    'score.4': '25.5',
    'reason.4': '问题分析与证据衔接不够',
    'score.5': '10',
    vetoReason: '',
    ...extra,
  })

describe('rating the agency’s work', () => {
  test('waits for the accepted report', () => {
    const page = qualityRatingPage(db, reviewer(), e.engagementId)!
    expect(page).toMatchObject({ accepted: null, rating: null, mayRate: true, mayEdit: false })
    expect(saveQualityRating(db, reviewer(), e.engagementId, 'draft', filled(), tick())).toMatchObject({
      ok: false,
      status: 409,
      errors: { _form: '评价报告验收后方可进行执业质量评价' },
    })
  })

  test('is the commissioning bureau’s alone; the agency’s team reads, others see nothing', () => {
    acceptReport(db, e, tick())
    tick()
    expect(qualityRatingPage(db, reviewer(), e.engagementId)).toMatchObject({
      accepted: { id: e.versionId },
      mayEdit: true,
    })
    for (const who of ['xihu.finance', 'unit.edu', 'hengping.admin', 'expert.zhang', 'admin']) {
      expect(qualityRatingPage(db, actorOf(db, who), e.engagementId), who).toBeUndefined()
      expect(
        saveQualityRating(db, actorOf(db, who), e.engagementId, 'draft', filled(), tick()),
        who,
      ).toMatchObject({ ok: false, status: 404 })
    }
    expect(qualityRatingPage(db, e.lead, e.engagementId)).toMatchObject({
      rating: null,
      mayRate: false,
      mayEdit: false,
    })
    expect(saveQualityRating(db, e.lead, e.engagementId, 'draft', filled(), tick())).toMatchObject({
      ok: false,
      status: 403,
    })
  })

  test('a draft may be partial; the agency does not see it; stale pages get 409', () => {
    const saved = saveQualityRating(
      db,
      reviewer(),
      e.engagementId,
      'draft',
      filled({ 'score.4': '', 'reason.4': '' }),
      tick(),
    )
    expect(saved).toEqual({ ok: true, value: { status: 'draft', total: 6350, grade: null } })
    const page = qualityRatingPage(db, reviewer(), e.engagementId)!
    expect(page.rating).toMatchObject({
      status: 'draft',
      total: 6350,
      grade: null,
      version: 1,
      agencyId: actorOf(db, 'mingjian.admin').organizationId,
    })
    expect(page.rating!.items[4]).toEqual({ name: '报告质量', points: 3000, score: null, reason: '' })
    expect(qualityRatingPage(db, e.lead, e.engagementId)!.rating).toBeNull()
    expect(qualityRatingOf(db, e.engagementId)).toBeUndefined()
    expect(
      saveQualityRating(db, reviewer(), e.engagementId, 'draft', filled({ version: '0' }), tick()),
    ).toMatchObject({ ok: false, status: 409 })
    expect(
      saveQualityRating(db, reviewer(), e.engagementId, 'draft', filled({ formKey: 'default' }), tick()),
    ).toMatchObject({ ok: false, status: 409, errors: { _form: '评价表已调整，请刷新后重新填写' } })
  })

  test('keeps the form it started on when the bureau changes its form', () => {
    const defaults = {
      itemName: DEFAULT_QUALITY_CONFIG.items.map((i) => i.name),
      itemPoints: DEFAULT_QUALITY_CONFIG.items.map((i) => String(i.points / 100)),
      excellent: '90',
      good: '80',
      pass: '60',
    }
    expect(saveQualitySettings(db, reviewer(), form({ ...defaults, basedOn: '1' }), tick())).toMatchObject({
      ok: true,
      value: { versionNo: 2 },
    })
    const page = qualityRatingPage(db, reviewer(), e.engagementId)!
    expect(page.form.config.items).toHaveLength(6)
    expect(page.form.config.bands.excellent).toBe(9500)
  })

  test('submitting wants every score and a reason below full marks, each named beside its field', () => {
    const bad = saveQualityRating(
      db,
      reviewer(),
      e.engagementId,
      'submit',
      filled({ 'score.3': '18', 'reason.3': '', 'score.4': '', 'score.5': '10.25' }),
      tick(),
    )
    expect(bad).toMatchObject({
      ok: false,
      status: 400,
      errors: {
        'scores.3.reason': '「工作底稿」未得满分，请填写扣分理由',
        'scores.4.score': '请为「报告质量」打分',
        'scores.5.score': '「时效与配合」的得分须在 0 至 10 分之间，以 0.5 分为单位',
      },
      values: { 'score.5': '10.25' },
    })
  })

  test('a submitted rating is graded, final and readable by the agency; the database refuses changes', () => {
    const submitted = saveQualityRating(db, reviewer(), e.engagementId, 'submit', filled(), tick())
    expect(submitted).toEqual({ ok: true, value: { status: 'submitted', total: 8900, grade: 'good' } })
    const record = qualityRatingOf(db, e.engagementId)!
    expect(record).toMatchObject({
      engagementId: e.engagementId,
      agencyId: actorOf(db, 'mingjian.admin').organizationId,
      financeBureauId: reviewer().organizationId,
      reportVersionId: e.versionId,
      total: 8900,
      grade: 'good',
      gradeLabel: '良好',
      veto: false,
      status: 'submitted',
      ratedBy: reviewer().userId,
      ratedByName: '孙审',
    })
    expect(record.configId).not.toBeNull()
    expect(record.items.map((i) => i.score)).toEqual([1000, 1350, 1200, 1800, 2550, 1000])
    expect(qualityRatingPage(db, e.lead, e.engagementId)!.rating).toMatchObject({
      total: 8900,
      gradeLabel: '良好',
    })
    expect(qualityRatingPage(db, reviewer(), e.engagementId)!.mayEdit).toBe(false)
    expect(saveQualityRating(db, reviewer(), e.engagementId, 'draft', filled(), tick())).toMatchObject({
      ok: false,
      status: 409,
      errors: { _form: '执业质量评价已提交，不能再修改' },
    })
    expect(() =>
      db
        .update(qualityRatings)
        .set({ total: 10_000 })
        .where(eq(qualityRatings.engagementId, e.engagementId))
        .run(),
    ).toThrow(/final/)
    expect(() => db.delete(qualityRatings).run()).toThrow(/never removed/)
    const audit = db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'engagement'), eq(auditLog.entityId, e.engagementId)))
      .all()
    expect(audit.filter((r) => r.action.startsWith('quality_rating.')).map((r) => r.action)).toEqual([
      'quality_rating.save',
      'quality_rating.submit',
    ])
  })
})

describe('the one-vote veto', () => {
  // A rating is one per engagement and the fixture's experts one per database: a database of its own.
  let vetoDb: TempDb
  afterAll(() => vetoDb?.cleanup())

  test('needs a reason and makes the rating 不合格 whatever the total', async () => {
    vetoDb = await makeDemoDb(tick())
    const other = await issuedEngagement(vetoDb.db, { at: tick() })
    clock += 3_600_000
    acceptReport(vetoDb.db, other, tick())
    tick()
    const bureau = actorOf(vetoDb.db, 'binjiang.finance')
    const page = () => qualityRatingPage(vetoDb.db, bureau, other.engagementId)!
    expect(page().form).toEqual({ key: 'default', config: DEFAULT_QUALITY_CONFIG, configId: null })
    const fields = (extra: Record<string, string>) =>
      form({
        formKey: 'default',
        version: '0',
        ...Object.fromEntries(
          DEFAULT_QUALITY_CONFIG.items.map((item, i) => [`score.${i}`, String(item.points / 100)]),
        ),
        veto: 'on',
        ...extra,
      })
    expect(
      saveQualityRating(vetoDb.db, bureau, other.engagementId, 'submit', fields({ vetoReason: ' ' }), tick()),
    ).toMatchObject({
      ok: false,
      status: 400,
      errors: { vetoReason: '一票否决须写明理由（如弄虚作假、串通等严重违规事实）' },
    })
    expect(
      saveQualityRating(
        vetoDb.db,
        bureau,
        other.engagementId,
        'submit',
        fields({ vetoReason: '现场核查记录系事后补签，弄虚作假' }),
        tick(),
      ),
    ).toEqual({ ok: true, value: { status: 'submitted', total: 10_000, grade: 'fail' } })
    expect(qualityRatingOf(vetoDb.db, other.engagementId)).toMatchObject({
      configId: null,
      veto: true,
      vetoReason: '现场核查记录系事后补签，弄虚作假',
      gradeLabel: '不合格',
      total: 10_000,
    })
  })
})
