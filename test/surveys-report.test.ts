// A survey on a scored engagement reaches the evaluation report: the model built from the database
// carries it, and the composed report prints it under the analysis of the 满意度 leaf it feeds.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { buildReportModel } from '../reports/build-model.server'
import { composeDocument } from '../reports/compose'
import { documentText } from '../reports/compose/text'
import { createSurvey, importResponses, surveyPage, uploadResponses } from '../app/services/surveys.server'
import { form, type ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let panel: ReadyPanel
let clock = new Date('2026-06-01T00:00:00.000Z').getTime()
const tick = () => new Date((clock += 60_000))

beforeAll(async () => {
  temp = await makeDemoDb(tick())
  db = temp.db
  panel = await scoredEngagement(db, { at: tick(), size: 5 })
  clock += 86_400_000
})
afterAll(() => temp?.cleanup())

test('the evaluation report’s model and text carry the imported survey under its indicator', async () => {
  const created = createSurvey(db, panel.lead, panel.engagementId, form({ title: '服务对象满意度调查' }), tick())
  if (!created.ok) throw new Error(JSON.stringify(created))
  const surveyId = created.value.id
  const linked = surveyPage(db, panel.lead, panel.engagementId, surveyId)!
  expect(linked.survey.indicatorCode).not.toBeNull()
  const csv = Buffer.from(`总体满意度\n${['非常满意', '满意', '满意', '一般'].join('\n')}\n`, 'utf8')
  const up = await uploadResponses(db, panel.lead, panel.engagementId, surveyId, { bytes: csv, filename: 'a.csv' }, tick())
  if (!up.ok) throw new Error(JSON.stringify(up))
  const done = await importResponses(db, panel.lead, panel.engagementId, surveyId, up.value.importId, form({ intent: 'import', 'column.q1': '总体满意度' }), tick())
  expect(done).toMatchObject({ ok: true, value: { imported: 4 } })

  const built = buildReportModel(db, panel.engagementId, 'evaluation', { stage: 'draft', generatedAt: tick().toISOString(), verification: null })
  if (!built.ok) throw new Error(JSON.stringify(built.errors))
  expect(built.value.surveys).toEqual([
    expect.objectContaining({ title: '服务对象满意度调查', indicatorCode: linked.survey.indicatorCode, sampleSize: 4, validResponses: 4, satisfied: { numerator: 3, denominator: 4 } }),
  ])
  const text = documentText(composeDocument(built.value))
  expect(text).toContain('满意度调查《服务对象满意度调查》共回收问卷 4 份，其中有效问卷 4 份；满意率为 75.0%（以总体满意度题计算）')
  const plan = buildReportModel(db, panel.engagementId, 'plan', { stage: 'draft', generatedAt: tick().toISOString(), verification: null })
  expect(plan.ok && plan.value.surveys).toEqual([])
})
