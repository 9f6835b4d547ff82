// 满意度调查 on a real database: the questionnaire is edited with its problems beside the question,
// a 200-row .xlsx export is mapped, previewed and imported with the domain's statistics, and its
// rate becomes the 满意度 leaf's 评价数据 with the rule's suggestion; a CSV with one bad row imports
// nothing and names the row and column; other tenants and the unit never reach a survey.
import fs from 'node:fs'
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, indicatorData, storedFiles, surveyImports, surveys } from '../db/schema'
import { formatMargin, formatPercent } from '../app/domain/fieldwork/ratio'
import { likertLevels, marginOfError, suggestedSatisfactionScore, surveyStatistics, type Questionnaire, type SurveyResponse } from '../app/domain/fieldwork/survey'
import type { Actor } from '../app/domain/permissions'
import { filesRoot } from '../app/files/store.server'
import { surveysForReport } from '../app/models/surveys.server'
import { indicatorDataFor, indicatorDataPage } from '../app/services/indicator-data.server'
import {
  createSurvey,
  discardUpload,
  feedNote,
  importPage,
  importResponses,
  saveSurvey,
  surveyPage,
  surveysPage,
  uploadResponses,
} from '../app/services/surveys.server'
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

const QUESTIONNAIRE: Questionnaire = {
  scale: 'very',
  questions: [
    { id: 'q1', kind: 'likert', title: '总体满意度' },
    { id: 'q2', kind: 'likert', title: '资助发放及时性' },
    { id: 'q3', kind: 'single', title: '您的身份', options: ['学生', '家长'] },
    { id: 'q4', kind: 'text', title: '意见建议' },
  ],
  overallQuestionId: 'q1',
}

/** The settings form for QUESTIONNAIRE plus a blank row, as the edit page posts it. */
function settingsForm(version: number, extra: Record<string, string | string[]> = {}) {
  const qs = QUESTIONNAIRE.questions
  return form({
    title: '受助学生及家长满意度调查',
    scale: 'very',
    population: '',
    indicatorCode: 'D102',
    overall: 'q1',
    version: String(version),
    questionId: [...qs.map((q) => (q.id === 'q1' ? 'q1' : '')), ''],
    questionKind: [...qs.map((q) => q.kind), 'likert'],
    questionTitle: [...qs.map((q) => q.title), ''],
    questionOptions: [...qs.map((q) => (q.kind === 'single' ? q.options.join('\n') : '')), ''],
    ...extra,
  })
}

// 200 respondents, deterministic: levels cycle so every level of both items occurs.
const ANSWERS = Array.from({ length: 200 }, (_, i) => ({ q1: i % 5 === 4 ? 2 : i % 3, q2: (i * 7) % 5, q3: i % 2, q4: i % 10 === 0 ? `建议${i}` : '' }))

async function surveyWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('问卷数据')
  const levels = likertLevels('very')
  ws.addRow(['序号', '提交时间', '1、总体满意度', '2、资助发放及时性', '3、您的身份', '4、意见建议'])
  ANSWERS.forEach((a, i) => ws.addRow([i + 1, '2026-05-20 10:00', levels[a.q1], levels[a.q2], a.q3 === 0 ? '学生' : '家长', a.q4]))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

const EXPECTED_RESPONSES: SurveyResponse[] = ANSWERS.map((a, i) => ({
  row: i + 2,
  answers: {
    q1: { kind: 'likert', level: a.q1 },
    q2: { kind: 'likert', level: a.q2 },
    q3: { kind: 'single', option: a.q3 },
    ...(a.q4 === '' ? {} : { q4: { kind: 'text', text: a.q4 } }),
  },
}))

let surveyId = ''
let secondSurveyId = ''

const surveyRow = (id = surveyId) => db.select().from(surveys).where(eq(surveys.id, id)).get()!
const d102 = () => db.select().from(indicatorData).where(and(eq(indicatorData.engagementId, engagementId), eq(indicatorData.code, 'D102'))).get()
const mappingForm = (intent: string, columns: Record<string, string>, extra: Record<string, string> = {}) =>
  form({ intent, ...Object.fromEntries(Object.entries(columns).map(([k, v]) => [`column.${k}`, v])), ...extra })

describe('the questionnaire', () => {
  test('a new survey starts with 总体满意度 and links the sheet’s 满意度 leaf', () => {
    const created = createSurvey(db, lead, engagementId, form({ title: '受助学生及家长满意度调查' }), tick())
    expect(created.ok).toBe(true)
    surveyId = created.ok ? created.value.id : ''
    const page = surveyPage(db, lead, engagementId, surveyId)!
    expect(page.questionnaire.questions).toEqual([{ id: 'q1', kind: 'likert', title: '总体满意度' }])
    expect(page.survey.indicatorCode).toBe('D102')
    expect(page.indicators[0]).toMatchObject({ code: 'D102', isSurveyRule: true })
    expect(surveysPage(db, lead, engagementId)!.surveys.map((s) => s.title)).toEqual(['受助学生及家长满意度调查'])
    expect(createSurvey(db, lead, engagementId, form({ title: '受助学生及家长满意度调查' }), tick())).toMatchObject({ ok: false, status: 400, errors: { title: expect.stringContaining('已有') } })
    expect(createSurvey(db, lead, engagementId, form({ title: '  ' }), tick())).toMatchObject({ ok: false, errors: { title: '请填写调查名称' } })
  })

  test('problems stand beside their question row and the typed rows come back', () => {
    const bad = settingsForm(1, { questionId: ['q1', 'q2', '', '', ''], questionOptions: ['', '', '学生', '', ''], questionTitle: ['总体满意度', '', '您的身份', '意见建议', ''], population: '十万' })
    const saved = saveSurvey(db, lead, engagementId, surveyId, bad, tick())
    expect(saved.ok).toBe(false)
    if (saved.ok) return
    expect(saved.errors['questionTitle.1']).toBe('第 2 题的题目不能为空')
    expect(saved.errors['questionOptions.2']).toBe('第 3 题「您的身份」至少需要 2 个选项')
    expect(saved.errors.population).toBe('总体数量须为正整数，可留空')
    expect(saved.values?.questionTitle).toEqual(['总体满意度', '', '您的身份', '意见建议', ''])
    expect(surveyRow().version).toBe(1)
  })

  test('a valid questionnaire saves with ids for new rows, audited; a stale form is refused', () => {
    const saved = saveSurvey(db, lead, engagementId, surveyId, settingsForm(1), tick())
    expect(saved.ok).toBe(true)
    const page = surveyPage(db, lead, engagementId, surveyId)!
    expect(page.questionnaire).toEqual({ ...QUESTIONNAIRE, questions: QUESTIONNAIRE.questions.map((q, i) => ({ ...q, id: i === 0 ? 'q1' : `q${i + 1}` })) })
    expect(db.select().from(auditLog).where(eq(auditLog.action, 'survey.update')).all()).toHaveLength(1)
    expect(saveSurvey(db, lead, engagementId, surveyId, settingsForm(1), tick())).toMatchObject({ ok: false, status: 409 })
  })
})

describe('importing a 200-row .xlsx export', () => {
  let importId = ''
  test('the upload is stored, the columns are suggested from the titles and the preview shows the first rows', async () => {
    const up = await uploadResponses(db, lead, engagementId, surveyId, { bytes: await surveyWorkbook(), filename: '问卷星导出.xlsx' }, tick())
    expect(up.ok).toBe(true)
    importId = up.ok ? up.value.importId : ''
    const page = (await importPage(db, lead, engagementId, surveyId, importId))!
    expect(page.preview.mapping.columns).toEqual({ q1: '1、总体满意度', q2: '2、资助发放及时性', q3: '3、您的身份', q4: '4、意见建议' })
    expect(page.preview.rowCount).toBe(200)
    expect(page.preview.rows).toHaveLength(10)
    expect(page.preview.rows[0]).toEqual({ row: 2, cells: ['1', '2026-05-20 10:00', '非常满意', '非常满意', '学生', '建议0'] })
    expect(page.preview).toMatchObject({ problems: [], responses: 200 })
    expect(page.mayImport).toBe(true)
    expect(d102()).toBeUndefined()
  })

  test('the import stores all 200 answers; the statistics are the domain’s and D102 gets the rate and the suggestion', async () => {
    const columns = { q1: '1、总体满意度', q2: '2、资助发放及时性', q3: '3、您的身份', q4: '4、意见建议' }
    const done = await importResponses(db, lead, engagementId, surveyId, importId, mappingForm('import', columns), tick())
    expect(done).toMatchObject({ ok: true, value: { imported: 200, feed: { code: 'D102', suggestion: { ok: true } } } })
    const q = (surveyPage(db, lead, engagementId, surveyId)!).questionnaire
    const expected = surveyStatistics(q, EXPECTED_RESPONSES)
    expect(JSON.parse(db.select().from(surveyImports).where(eq(surveyImports.id, importId)).get()!.responsesJson!)).toEqual(EXPECTED_RESPONSES)
    const page = surveyPage(db, lead, engagementId, surveyId)!
    expect(page.survey.status).toBe('collected')
    expect(page.summary).toMatchObject({ sampleSize: 200, validResponses: 200, rateText: formatPercent(expected.satisfied!), basisText: '以总体满意度题计算' })
    // q1 levels: i%5==4 -> 一般(2), otherwise i%3: satisfied when 0 or 1.
    const satisfied = ANSWERS.filter((a) => a.q1 < 2).length
    expect(expected.satisfied).toEqual({ numerator: satisfied, denominator: 200 })
    expect(page.summary.marginText).toBe(formatMargin(marginOfError(satisfied / 200, 200)))
    const q2 = page.items[1]!
    expect(q2.kind === 'likert' && q2.rows.map((r) => r.count)).toEqual([40, 40, 40, 40, 40])
    const stored = d102()!
    expect(JSON.parse(stored.inputsJson)).toEqual({ type: 'survey', values: { satisfied: String(satisfied), valid: '200' } })
    expect(stored.note).toBe(feedNote('受助学生及家长满意度调查', 200))
    // The 评价数据 page and the experts' view show the same suggestion as the domain computes.
    const suggestion = suggestedSatisfactionScore(expected.satisfied!, 1000, { type: 'survey', targetPercent: 9000 })
    expect(indicatorDataPage(db, lead, engagementId)!.items.find((i) => i.code === 'D102')!.suggestion).toEqual(suggestion)
    expect(indicatorDataFor(db, engagementId).get('D102')!.suggestion).toEqual(suggestion)
    expect(db.select().from(auditLog).where(eq(auditLog.action, 'survey.import')).all()).toHaveLength(1)
    expect(db.select().from(auditLog).where(eq(auditLog.action, 'indicator_data.save')).all()).toHaveLength(1)
  })

  test('the same upload cannot be imported twice; the questionnaire is fixed; population changes the margin', async () => {
    expect(await importResponses(db, lead, engagementId, surveyId, importId, mappingForm('import', {}), tick())).toMatchObject({ ok: false, status: 409 })
    const version = surveyRow().version
    const changed = settingsForm(version, { questionTitle: ['总体满意度（改）', '资助发放及时性', '您的身份', '意见建议', '新题'], population: '1000' })
    expect(saveSurvey(db, lead, engagementId, surveyId, changed, tick()).ok).toBe(true)
    const page = surveyPage(db, lead, engagementId, surveyId)!
    expect(page.questionnaire.questions.map((q) => q.title)).toEqual(['总体满意度', '资助发放及时性', '您的身份', '意见建议'])
    const satisfied = ANSWERS.filter((a) => a.q1 < 2).length
    expect(page.summary.population).toBe(1000)
    expect(page.summary.marginText).toBe(formatMargin(marginOfError(satisfied / 200, 200, 1000)))
  })

  test('the report gets the survey with its per-item table', () => {
    const report = surveysForReport(db, engagementId)
    expect(report).toHaveLength(1)
    const satisfied = ANSWERS.filter((a) => a.q1 < 2).length
    expect(report[0]).toMatchObject({ title: '受助学生及家长满意度调查', indicatorCode: 'D102', sampleSize: 200, validResponses: 200, satisfied: { numerator: satisfied, denominator: 200 }, basis: 'overall-item', population: 1000 })
    expect(report[0]!.marginOfError).toBe(marginOfError({ numerator: satisfied, denominator: 200 }, 200, 1000))
    // Open answers stay out of the report's tables.
    expect(report[0]!.items.map((i) => [i.title, i.kind, i.counts.reduce((a, c) => a + c.count, 0)])).toEqual([
      ['总体满意度', 'likert', 200],
      ['资助发放及时性', 'likert', 200],
      ['您的身份', 'single', 200],
    ])
  })
})

describe('a CSV with a bad row', () => {
  const CSV_HEADER = '总体满意度,资助发放及时性,您的身份,意见建议'
  const csv = (lines: string[]) => Buffer.from(`\uFEFF${[CSV_HEADER, ...lines].join('\r\n')}\r\n`, 'utf8')

  test('nothing is imported, and every problem names its row and column', async () => {
    const created = createSurvey(db, lead, engagementId, form({ title: '第二轮满意度调查' }), tick())
    secondSurveyId = created.ok ? created.value.id : ''
    // D102 is fed by the first survey: the second is created unlinked and may not take it.
    expect(surveyRow(secondSurveyId).indicatorCode).toBeNull()
    expect(saveSurvey(db, lead, engagementId, secondSurveyId, settingsForm(1, { title: '第二轮满意度调查' }), tick())).toMatchObject({
      ok: false,
      errors: { indicatorCode: '指标 D102 已由调查《受助学生及家长满意度调查》提供数据，一个指标只能关联一项调查' },
    })
    expect(saveSurvey(db, lead, engagementId, secondSurveyId, settingsForm(1, { title: '第二轮满意度调查', indicatorCode: '' }), tick()).ok).toBe(true)
    const before = d102()!
    const up = await uploadResponses(db, lead, engagementId, secondSurveyId, { bytes: csv(['非常满意,满意,学生,', '满意,很好,家长,无', '一般,一般,教师,']), filename: 'export.csv' }, tick())
    expect(up.ok).toBe(true)
    const importId = up.ok ? up.value.importId : ''
    const page = (await importPage(db, lead, engagementId, secondSurveyId, importId))!
    expect(page.preview.rows.map((r) => r.row)).toEqual([2, 3, 4])
    expect(page.preview.problems).toEqual([
      { row: 3, column: '资助发放及时性', message: expect.stringContaining('「很好」不是有效选项') },
      { row: 4, column: '您的身份', message: expect.stringContaining('「教师」不是该题的选项') },
    ])
    const columns = page.preview.mapping.columns
    const refused = await importResponses(db, lead, engagementId, secondSurveyId, importId, mappingForm('import', columns), tick())
    expect(refused).toMatchObject({ ok: false, status: 400, errors: { _form: expect.stringContaining('未导入任何答卷') } })
    expect(db.select().from(surveyImports).where(eq(surveyImports.id, importId)).get()).toMatchObject({ status: 'uploaded', responsesJson: null, rowCount: null })
    expect(surveyRow(secondSurveyId).status).toBe('draft')
    expect(d102()).toEqual(before)
    expect(discardUpload(db, lead, engagementId, secondSurveyId, importId, tick()).ok).toBe(true)
    expect(surveyPage(db, lead, engagementId, secondSurveyId)!.imports).toHaveLength(0)
  })

  test('a mapping that leaves a question out or codes 1–5 without a direction is reported before import', async () => {
    const up = await uploadResponses(db, lead, engagementId, secondSurveyId, { bytes: csv(['5,4,1,', '1,2,2,好']), filename: 'codes.csv' }, tick())
    const importId = up.ok ? up.value.importId : ''
    const noDirection = await importResponses(db, lead, engagementId, secondSurveyId, importId, mappingForm('preview', { q1: '总体满意度', q2: '资助发放及时性', q3: '您的身份' }), tick())
    expect(noDirection.ok && noDirection.value.view.preview.problems[0]!.message).toContain('请选择编码方向')
    const missing = await importResponses(db, lead, engagementId, secondSurveyId, importId, mappingForm('preview', { q1: '总体满意度', q3: '您的身份' }), tick())
    expect(missing.ok && missing.value.view.preview.problems.map((p) => p.message)).toEqual(['第 2 题「资助发放及时性」未指定对应的列'])
    const coded = await importResponses(db, lead, engagementId, secondSurveyId, importId, mappingForm('import', { q1: '总体满意度', q2: '资助发放及时性', q3: '您的身份', q4: '意见建议' }, { likertCoding: 'five-best' }), tick())
    expect(coded).toMatchObject({ ok: true, value: { imported: 2 } })
    expect(surveyPage(db, lead, engagementId, secondSurveyId)!.summary).toMatchObject({ sampleSize: 2, validResponses: 2, rateText: '50.0%' })
  })

  test('a GB18030 CSV (Excel’s default in China) reads the same', async () => {
    const text = `${CSV_HEADER}\r\n非常满意,满意,家长,\r\n`
    const gb = Buffer.from(new Uint8Array([...encodeGb18030(text)]))
    const up = await uploadResponses(db, lead, engagementId, secondSurveyId, { bytes: gb, filename: 'gbk.csv' }, tick())
    const importId = up.ok ? up.value.importId : ''
    const page = (await importPage(db, lead, engagementId, secondSurveyId, importId))!
    expect(page.preview.headers).toEqual(['总体满意度', '资助发放及时性', '您的身份', '意见建议'])
    expect(page.preview).toMatchObject({ problems: [], responses: 1 })
  })
})

/** GB18030 bytes for the few characters the test uses, from the decoder's own table. */
function encodeGb18030(text: string): number[] {
  const decoder = new TextDecoder('gb18030')
  const table = new Map<string, number[]>()
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue
      const ch = decoder.decode(new Uint8Array([hi, lo]))
      if (!table.has(ch)) table.set(ch, [hi, lo])
    }
  return [...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch)!))
}

describe('refusals', () => {
  test('a file that is neither .xlsx nor CSV is refused and leaves no file behind', async () => {
    const files = db.select().from(storedFiles).all().length
    const onDisk = () => fs.readdirSync(filesRoot(db), { recursive: true }).filter((f) => fs.statSync(path.join(filesRoot(db), String(f))).isFile()).length
    const disk = onDisk()
    expect(await uploadResponses(db, lead, engagementId, surveyId, { bytes: Buffer.from('%PDF-1.7\n%%EOF\n'), filename: '../../etc/passwd.csv' }, tick())).toMatchObject({ ok: false, status: 415 })
    expect(await uploadResponses(db, lead, engagementId, surveyId, { bytes: Buffer.from('%PDF-1.7\n%%EOF\n'), filename: 'a.pdf' }, tick())).toMatchObject({ ok: false, status: 415 })
    expect(await uploadResponses(db, lead, engagementId, surveyId, { bytes: Buffer.from('\n\n'), filename: 'empty.csv' }, tick())).toMatchObject({ ok: false, status: 400, errors: { file: expect.stringContaining('第 1 行') } })
    expect(db.select().from(storedFiles).all()).toHaveLength(files)
    expect(onDisk()).toBe(disk)
    const named = await uploadResponses(db, lead, engagementId, surveyId, { bytes: Buffer.from('总体满意度\n满意\n'), filename: '../../etc/passwd.csv' }, tick())
    const file = db.select().from(storedFiles).all().find((f) => f.uploadedAt === db.select().from(surveyImports).where(eq(surveyImports.id, named.ok ? named.value.importId : '')).get()!.uploadedAt)!
    expect(file).toMatchObject({ originalName: 'passwd.csv', mime: 'text/csv' })
    expect(file.storageName).toMatch(/^[0-9a-f]{32}$/)
  })

  test('another agency, the bureau and the unit never reach a survey', async () => {
    for (const who of ['hengping.admin', 'binjiang.finance', 'unit.edu', 'expert.zhang']) {
      const actor = actorOf(db, who)
      expect(surveysPage(db, actor, engagementId)).toBeUndefined()
      expect(surveyPage(db, actor, engagementId, surveyId)).toBeUndefined()
      expect(createSurvey(db, actor, engagementId, form({ title: '越权' }), tick())).toMatchObject({ ok: false, status: 404 })
      expect(await uploadResponses(db, actor, engagementId, surveyId, { bytes: Buffer.from('a\n1\n'), filename: 'a.csv' }, tick())).toMatchObject({ ok: false, status: 404 })
    }
  })
})
