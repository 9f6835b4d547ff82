// 满意度调查 (issue 9 item 3): the agency defines a questionnaire per engagement, uploads a survey
// tool's export (.xlsx or .csv), maps its columns to the questions, previews every problem, and
// imports all rows or none. The statistics (app/domain/fieldwork/survey.ts) feed the linked 满意度
// leaf's 评价数据 inputs, so its rule's suggested score appears wherever the data does. Each action
// is one transaction with its audit row; what the actor may not see is a 404.
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { indicatorData, storedFiles, surveyImports, surveys, users } from '../../db/schema'
import { formatMargin, formatPercent } from '../domain/fieldwork/ratio'
import {
  LIKERT_CODINGS,
  LIKERT_SCALES,
  MAX_QUESTIONS,
  parseSurveyResponses,
  suggestColumnMapping,
  suggestedSatisfactionScore,
  validateQuestionnaire,
  type ColumnMapping,
  type ImportProblem,
  type LikertCoding,
  type LikertScale,
  type Questionnaire,
  type QuestionnaireProblem,
  type QuestionKind,
  type SurveyQuestion,
  type SurveyStatistics,
  type SurveyTable,
} from '../domain/fieldwork/survey'
import type { Suggestion } from '../domain/indicators/rules'
import { walkTree, type IndicatorNode, type ScoringRule } from '../domain/indicators/tree'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { readSurveyCsv, readSurveyXlsx, type TableRead } from '../excel/survey-table.server'
import { discardFile, openStoredFile, prepareCsvFile, prepareFile, recordFile, sniffKind, type PreparedFile, type Refusal } from '../files/store.server'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { currentSheet, parseTree } from '../models/framework.server'
import { questionnaireOf, statisticsOf } from '../models/surveys.server'
import { formValues, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { MAX_SURVEY_TITLE, SURVEY_FILE_TYPES_TEXT } from '../utils/survey-limits'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409 | 413 | 415; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该满意度调查' } }
const CONFLICT: Failure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }

export const MAX_POPULATION = 1_000_000_000
/** Rows shown in the preview of an upload; problems are listed in full. */
export const PREVIEW_ROWS = 10
export const QUESTION_ARRAYS = ['questionId', 'questionKind', 'questionTitle', 'questionOptions', 'questionRemove'] as const

type SurveyRow = typeof surveys.$inferSelect
type ImportRow = typeof surveyImports.$inferSelect

const STARTER: Questionnaire = { scale: 'very', questions: [{ id: 'q1', kind: 'likert', title: '总体满意度' }], overallQuestionId: 'q1' }

// ---------------------------------------------------------------------------------------------
// Reading stored JSON (written only by this service)

function mappingOf(row: Pick<ImportRow, 'mappingJson'>): ColumnMapping | null {
  return row.mappingJson === null ? null : (JSON.parse(row.mappingJson) as ColumnMapping)
}

// ---------------------------------------------------------------------------------------------
// Access

function engagementFor(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && can(actor, 'survey.view', engagementResource(e)) ? e : undefined
}

function surveyFor(db: Db | Tx, actor: Actor, engagementId: string, surveyId: string): { e: EngagementDetail; survey: SurveyRow } | undefined {
  if (!isId(surveyId)) return undefined
  const e = engagementFor(db, actor, engagementId)
  if (!e) return undefined
  const survey = db.select().from(surveys).where(and(eq(surveys.id, surveyId), eq(surveys.engagementId, e.id))).get()
  return survey ? { e, survey } : undefined
}

const mayManage = (actor: Actor, e: EngagementDetail) => can(actor, 'survey.manage', engagementResource(e))

function manageRefusal(e: EngagementDetail): Failure {
  return { ok: false, status: 403, errors: { _form: e.stage === 'archived' ? '项目已归档，调查不能再修改' : '无权修改该项目的满意度调查' } }
}

// ---------------------------------------------------------------------------------------------
// The 满意度 indicator

export type LinkableIndicator = { code: string; name: string; path: string; ruleType: string | null; isSurveyRule: boolean }

function leaves(db: Db | Tx, engagementId: string): { node: IndicatorNode; path: string[] }[] {
  const sheet = currentSheet(db, engagementId)
  return sheet ? walkTree(parseTree(sheet.treeJson)).filter(({ node }) => node.children.length === 0) : []
}

/** Another survey of the engagement already feeding this leaf, if any. */
function linkedBy(db: Db | Tx, engagementId: string, code: string, exceptSurveyId: string | null): { title: string } | undefined {
  return db
    .select({ id: surveys.id, title: surveys.title })
    .from(surveys)
    .where(and(eq(surveys.engagementId, engagementId), eq(surveys.indicatorCode, code)))
    .all()
    .find((s) => s.id !== exceptSurveyId)
}

/** Leaves a survey may feed, 满意度-rule leaves first. */
function linkableIndicators(db: Db | Tx, engagementId: string): LinkableIndicator[] {
  return leaves(db, engagementId)
    .map(({ node, path }) => ({ code: node.code, name: node.name, path: path.slice(0, -1).join(' › '), ruleType: node.rule?.type ?? null, isSurveyRule: node.rule?.type === 'survey' }))
    .sort((a, b) => Number(b.isSurveyRule) - Number(a.isSurveyRule))
}

/** The rule's input fields (as 评价数据 stores them) for a satisfied share; null for a rule a survey cannot feed. */
export function satisfactionInputs(rule: ScoringRule, satisfied: { numerator: number; denominator: number }): Record<string, string> | null {
  switch (rule.type) {
    case 'survey':
      return { satisfied: String(satisfied.numerator), valid: String(satisfied.denominator) }
    case 'tier':
      // As suggestedSatisfactionScore computes it: multiplying first keeps 57/100 at exactly 57.
      return { value: String((satisfied.numerator * 100) / satisfied.denominator) }
    case 'formula':
      return { numerator: String(satisfied.numerator), denominator: String(satisfied.denominator) }
    default:
      return null
  }
}

export function feedNote(title: string, validResponses: number): string {
  return `来自满意度调查《${title}》，有效样本 ${validResponses}`
}

export type Feed = { code: string; name: string; suggestion: Suggestion } | { code: string | null; name: string | null; problem: string }

/** What the survey gives its linked indicator now: the suggestion, or why there is none. */
function feedOf(db: Db | Tx, survey: SurveyRow, stats: SurveyStatistics): Feed | null {
  if (survey.indicatorCode === null) return null
  const leaf = leaves(db, survey.engagementId).find(({ node }) => node.code === survey.indicatorCode)?.node
  if (!leaf) return { code: survey.indicatorCode, name: null, problem: `评分表中已没有末级指标 ${survey.indicatorCode}，请重新选择关联指标` }
  if (!leaf.rule) return { code: leaf.code, name: leaf.name, problem: `指标 ${leaf.code} ${leaf.name} 尚未设置计分规则` }
  if (stats.satisfied === null) return { code: leaf.code, name: leaf.name, problem: '尚无有效样本' }
  const suggestion = suggestedSatisfactionScore(stats.satisfied, leaf.weight, leaf.rule)
  if (satisfactionInputs(leaf.rule, stats.satisfied) === null) return { code: leaf.code, name: leaf.name, problem: suggestion.ok ? '' : suggestion.message }
  return { code: leaf.code, name: leaf.name, suggestion }
}

/**
 * Writes the rate into the linked leaf's 评价数据 (inputs for its rule and the source note), in the
 * caller's transaction, audited. Nothing when the survey has no usable link or no valid response.
 */
function feedIndicator(tx: Tx, actor: Actor, survey: SurveyRow, now: Date): Feed | null {
  const stats = statisticsOf(tx, survey)
  const feed = feedOf(tx, survey, stats)
  if (!feed || !('suggestion' in feed) || stats.satisfied === null) return feed
  const leaf = leaves(tx, survey.engagementId).find(({ node }) => node.code === feed.code)!.node
  const stored = { type: leaf.rule!.type, values: satisfactionInputs(leaf.rule!, stats.satisfied)! }
  const inputsJson = JSON.stringify(stored)
  const note = feedNote(survey.title, stats.validResponses)
  const row = tx.select().from(indicatorData).where(and(eq(indicatorData.engagementId, survey.engagementId), eq(indicatorData.code, leaf.code))).get()
  if (row && row.inputsJson === inputsJson && row.note === note) return feed
  const at = now.toISOString()
  const id = row?.id ?? newId()
  if (row) {
    tx.update(indicatorData).set({ inputsJson, note, updatedBy: actor.userId, updatedAt: at, version: row.version + 1 }).where(eq(indicatorData.id, row.id)).run()
  } else {
    tx.insert(indicatorData).values({ id, engagementId: survey.engagementId, code: leaf.code, inputsJson, note, updatedBy: actor.userId, updatedAt: at }).run()
  }
  appendAudit(tx, {
    actor: auditActor(actor),
    action: 'indicator_data.save',
    entity: 'indicator_data',
    entityId: id,
    before: row ? { code: leaf.code, inputs: JSON.parse(row.inputsJson) as unknown, note: row.note } : null,
    after: { engagementId: survey.engagementId, code: leaf.code, name: leaf.name, inputs: stored, note, surveyId: survey.id, suggestedScore: feed.suggestion.ok ? feed.suggestion.score : null },
    at: now,
  })
  return feed
}

// ---------------------------------------------------------------------------------------------
// Pages

export type SurveyListItem = { id: string; title: string; status: SurveyRow['status']; indicatorCode: string | null; sampleSize: number; validResponses: number; rateText: string | null }

export function surveysPage(db: Db, actor: Actor, engagementId: string) {
  const e = engagementFor(db, actor, engagementId)
  if (!e) return undefined
  const rows = db.select().from(surveys).where(eq(surveys.engagementId, e.id)).orderBy(asc(surveys.createdAt), asc(surveys.id)).all()
  const items: SurveyListItem[] = rows.map((s) => {
    const stats = statisticsOf(db, s)
    return { id: s.id, title: s.title, status: s.status, indicatorCode: s.indicatorCode, sampleSize: stats.sampleSize, validResponses: stats.validResponses, rateText: stats.satisfied ? formatPercent(stats.satisfied) : null }
  })
  return { engagement: { id: e.id, name: e.name, stage: e.stage }, surveys: items, mayManage: mayManage(actor, e) }
}

const createSchema = z.object({ title: text({ label: '调查名称', max: MAX_SURVEY_TITLE }) })

/** 新建调查: a title and a one-item starter questionnaire (总体满意度) to edit. */
export function createSurvey(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ id: string }> {
  const parsed = parseForm(createSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const e = engagementFor(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!mayManage(actor, e)) return manageRefusal(e)
    const taken = tx.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.engagementId, e.id), eq(surveys.title, parsed.data.title))).get()
    if (taken) return { ok: false, status: 400, errors: { title: `本项目已有名为「${parsed.data.title}」的调查` }, values: formValues(fd) }
    const id = newId()
    const at = now.toISOString()
    const survey = { id, engagementId: e.id, title: parsed.data.title, questionnaireJson: JSON.stringify(STARTER), population: null, indicatorCode: linkableIndicators(tx, e.id).find((l) => l.isSurveyRule && !linkedBy(tx, e.id, l.code, null))?.code ?? null, createdBy: actor.userId, createdAt: at, updatedAt: at }
    tx.insert(surveys).values(survey).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'survey.create', entity: 'survey', entityId: id, before: null, after: { engagementId: e.id, title: survey.title, indicatorCode: survey.indicatorCode }, at: now })
    return { ok: true, value: { id } }
  })
}

export type ImportListItem = { id: string; fileName: string; status: ImportRow['status']; rowCount: number | null; uploadedAt: string; uploadedByName: string; importedAt: string | null }

export type ItemRow = { label: string; count: number; shareText: string }
export type SurveyResultItem =
  | { kind: 'likert'; questionId: string; title: string; rows: ItemRow[]; rateText: string | null; marginText: string | null }
  | { kind: 'single'; questionId: string; title: string; rows: ItemRow[]; answered: number }
  | { kind: 'text'; questionId: string; title: string; answers: string[] }

/** The figures as pages and the report print them. */
export function resultItems(stats: SurveyStatistics): SurveyResultItem[] {
  return stats.items.map((item): SurveyResultItem => {
    const rows = (d: { label: string; count: number; share: { numerator: number; denominator: number } | null }[]) =>
      d.map((x) => ({ label: x.label, count: x.count, shareText: x.share ? formatPercent(x.share) : '—' }))
    switch (item.kind) {
      case 'likert':
        return { kind: 'likert', questionId: item.questionId, title: item.title, rows: rows(item.distribution), rateText: item.satisfied ? formatPercent(item.satisfied) : null, marginText: item.marginOfError === null ? null : formatMargin(item.marginOfError) }
      case 'single':
        return { kind: 'single', questionId: item.questionId, title: item.title, rows: rows(item.distribution), answered: item.answered }
      case 'text':
        return { kind: 'text', questionId: item.questionId, title: item.title, answers: item.answers }
    }
  })
}

export type SurveySummary = {
  sampleSize: number
  validResponses: number
  rateText: string | null
  marginText: string | null
  basisText: string
  population: number | null
  populationNote: string | null
}

export function summaryOf(stats: SurveyStatistics): SurveySummary {
  return {
    sampleSize: stats.sampleSize,
    validResponses: stats.validResponses,
    rateText: stats.satisfied ? formatPercent(stats.satisfied) : null,
    marginText: stats.marginOfError === null ? null : formatMargin(stats.marginOfError),
    basisText: stats.basis === 'overall-item' ? '以总体满意度题计算' : '各量表题合并计算',
    population: stats.population,
    populationNote: stats.populationNote,
  }
}

/** The survey's page: the questionnaire, its uploads, the results and what it feeds. */
export function surveyPage(db: Db, actor: Actor, engagementId: string, surveyId: string) {
  const found = surveyFor(db, actor, engagementId, surveyId)
  if (!found) return undefined
  const { e, survey } = found
  const stats = statisticsOf(db, survey)
  const uploads = db
    .select({ i: surveyImports, fileName: storedFiles.originalName, uploadedByName: users.displayName })
    .from(surveyImports)
    .innerJoin(storedFiles, eq(storedFiles.id, surveyImports.fileId))
    .innerJoin(users, eq(users.id, surveyImports.uploadedBy))
    .where(and(eq(surveyImports.surveyId, survey.id), inArray(surveyImports.status, ['uploaded', 'imported'])))
    .orderBy(desc(surveyImports.uploadedAt), desc(surveyImports.id))
    .all()
  const imports: ImportListItem[] = uploads.map(({ i, fileName, uploadedByName }) => ({ id: i.id, fileName, status: i.status, rowCount: i.rowCount, uploadedAt: i.uploadedAt, uploadedByName, importedAt: i.importedAt }))
  return {
    engagement: { id: e.id, name: e.name, stage: e.stage },
    survey: { id: survey.id, title: survey.title, status: survey.status, population: survey.population, indicatorCode: survey.indicatorCode, version: survey.version },
    questionnaire: questionnaireOf(survey),
    indicators: linkableIndicators(db, e.id),
    imports,
    summary: summaryOf(stats),
    items: resultItems(stats),
    feed: feedOf(db, survey, stats),
    mayManage: mayManage(actor, e),
  }
}

// ---------------------------------------------------------------------------------------------
// Editing the questionnaire and settings

const settingsSchema = z.object({
  title: text({ label: '调查名称', max: MAX_SURVEY_TITLE }),
  scale: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(LIKERT_SCALES.map((s) => s.code) as [LikertScale, ...LikertScale[]], { errorMap: () => ({ message: '请选择满意度量表' }) })),
  population: z.preprocess(
    (v) => (typeof v === 'string' ? v.normalize('NFKC').replace(/[,，\s]/g, '') : ''),
    z.string().refine((s) => s === '' || (/^\d{1,10}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_POPULATION), '总体数量须为正整数，可留空'),
  ),
  indicatorCode: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(20, '请从列表中选择关联指标')),
  overall: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(40)),
  version: versionField,
})

type QuestionRowInput = { id: string; kind: string; title: string; options: string; remove: boolean }

function questionRowsOf(fd: FormData): QuestionRowInput[] {
  const all = (key: string) => fd.getAll(key).map((v) => (typeof v === 'string' ? v : ''))
  const ids = all('questionId')
  const kinds = all('questionKind')
  const titles = all('questionTitle')
  const options = all('questionOptions')
  const removed = new Set(all('questionRemove'))
  return ids.slice(0, MAX_QUESTIONS + 1).map((id, i) => ({ id: id.trim(), kind: kinds[i] ?? '', title: titles[i] ?? '', options: options[i] ?? '', remove: removed.has(String(i)) }))
}

/** Form rows -> questions; a blank new row is ignored and new rows get the next free id. */
function questionsOf(rows: readonly QuestionRowInput[]): { questions: SurveyQuestion[]; rowOf: number[] } {
  const used = new Set(rows.map((r) => r.id).filter((id) => id !== ''))
  let next = 1
  const freshId = () => {
    while (used.has(`q${next}`)) next++
    used.add(`q${next}`)
    return `q${next}`
  }
  const questions: SurveyQuestion[] = []
  const rowOf: number[] = []
  rows.forEach((r, i) => {
    if (r.remove) return
    const title = cleanText(r.title)
    if (r.id === '' && title === '' && cleanText(r.options) === '') return
    const id = r.id === '' ? freshId() : r.id
    const kind = r.kind as QuestionKind
    const question: SurveyQuestion =
      kind === 'single'
        ? { id, kind, title, options: r.options.split(/\r?\n/).map(cleanText).filter((o) => o !== '') }
        : // An unknown kind passes through for validateQuestionnaire to name.
          ({ id, kind, title } as SurveyQuestion)
    questions.push(question)
    rowOf.push(i)
  })
  return { questions, rowOf }
}

/** A questionnaire problem under its form field: question rows as `questionTitle.3`. */
function problemKey(p: QuestionnaireProblem, rowOf: readonly number[]): string {
  if (p.index === null) return p.field === 'overall' ? 'overall' : p.field === 'scale' ? 'scale' : '_questions'
  const row = rowOf[p.index] ?? p.index
  const field = p.field === 'kind' ? 'questionKind' : p.field === 'options' ? 'questionOptions' : p.field === 'id' ? 'questionId' : 'questionTitle'
  return `${field}.${row}`
}

export const SETTINGS_ARRAYS = [...QUESTION_ARRAYS]

/**
 * 保存 the survey: title, population and linked indicator always; the scale and the questions only
 * while nothing is imported (stored answers refer to them). Re-feeds the indicator when collected.
 */
export function saveSurvey(db: Db, actor: Actor, engagementId: string, surveyId: string, fd: FormData, now: Date): Result<{ id: string; feed: Feed | null }> {
  const values = formValues(fd, SETTINGS_ARRAYS)
  const parsed = parseForm(settingsSchema, fd)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  return inTransaction(db, (tx) => {
    const found = surveyFor(tx, actor, engagementId, surveyId)
    if (!found) return NOT_FOUND
    const { e, survey } = found
    if (!mayManage(actor, e)) return manageRefusal(e)
    const current = questionnaireOf(survey)
    const collected = survey.status === 'collected'
    let questionnaire = current
    if (!collected) {
      const { questions, rowOf } = questionsOf(questionRowsOf(fd))
      const overall = parsed.ok ? parsed.data.overall : ''
      questionnaire = { scale: parsed.ok ? parsed.data.scale : current.scale, questions, overallQuestionId: overall === '' ? null : overall }
      for (const p of validateQuestionnaire(questionnaire)) errors[problemKey(p, rowOf)] ??= p.message
    }
    const indicatorCode = parsed.ok ? parsed.data.indicatorCode : ''
    const other = indicatorCode === '' ? undefined : linkedBy(tx, e.id, indicatorCode, survey.id)
    if (indicatorCode !== '' && !linkableIndicators(tx, e.id).some((l) => l.code === indicatorCode)) errors.indicatorCode = `评分表中没有末级指标 ${indicatorCode}`
    // Two surveys feeding one leaf would overwrite each other's rate in its 评价数据.
    else if (other) errors.indicatorCode = `指标 ${indicatorCode} 已由调查《${other.title}》提供数据，一个指标只能关联一项调查`
    if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values }
    if (parsed.data.version !== survey.version) return { ...CONFLICT, values }
    const title = parsed.data.title
    const taken = tx.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.engagementId, e.id), eq(surveys.title, title))).all()
    if (taken.some((t) => t.id !== survey.id)) return { ok: false, status: 400, errors: { title: `本项目已有名为「${title}」的调查` }, values }
    const population = parsed.data.population === '' ? null : Number(parsed.data.population)
    const next = { title, questionnaireJson: JSON.stringify(questionnaire), population, indicatorCode: indicatorCode === '' ? null : indicatorCode }
    if (next.title === survey.title && next.questionnaireJson === survey.questionnaireJson && next.population === survey.population && next.indicatorCode === survey.indicatorCode)
      return { ok: true, value: { id: survey.id, feed: null } }
    tx.update(surveys).set({ ...next, updatedAt: now.toISOString(), version: survey.version + 1 }).where(and(eq(surveys.id, survey.id), eq(surveys.version, survey.version))).run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'survey.update',
      entity: 'survey',
      entityId: survey.id,
      before: { title: survey.title, questionnaire: current, population: survey.population, indicatorCode: survey.indicatorCode },
      after: { title: next.title, questionnaire, population: next.population, indicatorCode: next.indicatorCode },
      at: now,
    })
    const feed = collected ? feedIndicator(tx, actor, { ...survey, ...next, version: survey.version + 1 }, now) : null
    return { ok: true, value: { id: survey.id, feed } }
  })
}

// ---------------------------------------------------------------------------------------------
// Uploading, mapping, previewing and importing responses

function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
}

async function prepareSurveyFile(db: Db, upload: { bytes: Buffer; filename: string }): Promise<{ ok: true; file: PreparedFile } | Refusal> {
  if (!isZip(upload.bytes)) {
    // A PDF or an image is never read as text, whatever its name says.
    if (!/\.csv$/i.test(upload.filename) || (await sniffKind(upload.bytes)) !== null) return { ok: false, status: 415, message: `只能上传 ${SURVEY_FILE_TYPES_TEXT} 文件（按文件内容识别）` }
    return prepareCsvFile(db, upload)
  }
  const prepared = await prepareFile(db, upload)
  if (prepared.ok && !prepared.file.mime.includes('spreadsheetml')) {
    discardFile(prepared.file)
    return { ok: false, status: 415, message: `只能上传 ${SURVEY_FILE_TYPES_TEXT} 文件（按文件内容识别，与扩展名无关）` }
  }
  return prepared
}

function readTable(bytes: Buffer, mime: string): Promise<TableRead> | TableRead {
  return mime === 'text/csv' ? readSurveyCsv(bytes) : readSurveyXlsx(bytes)
}

/** Whether the actor may upload to this survey; a route asks before reading the body. */
export function mayUpload(db: Db, actor: Actor, engagementId: string, surveyId: string): boolean {
  const found = surveyFor(db, actor, engagementId, surveyId)
  return found !== undefined && mayManage(actor, found.e)
}

/**
 * 上传答卷文件: checks and stores the file and reads its table; a file that is not a readable
 * .xlsx/.csv leaves nothing behind. The upload waits for its mapping (suggested now) and import.
 */
export async function uploadResponses(db: Db, actor: Actor, engagementId: string, surveyId: string, upload: { bytes: Buffer; filename: string }, now: Date): Promise<Result<{ importId: string }>> {
  if (!surveyFor(db, actor, engagementId, surveyId)) return NOT_FOUND
  const prepared = await prepareSurveyFile(db, upload)
  if (!prepared.ok) return { ok: false, status: prepared.status, errors: { file: prepared.message } }
  const file = prepared.file
  const read = await readTable(upload.bytes, file.mime)
  if (!read.ok) {
    discardFile(file)
    return { ok: false, status: 400, errors: { file: read.message } }
  }
  try {
    const result = inTransaction(db, (tx): Result<{ importId: string }> => {
      const found = surveyFor(tx, actor, engagementId, surveyId)
      if (!found) return NOT_FOUND
      if (!mayManage(actor, found.e)) return manageRefusal(found.e)
      const mapping: ColumnMapping = { columns: suggestColumnMapping(questionnaireOf(found.survey), read.table.headers), likertCoding: null }
      recordFile(tx, file, actor.userId, now)
      const id = newId()
      tx.insert(surveyImports).values({ id, surveyId: found.survey.id, fileId: file.id, mappingJson: JSON.stringify(mapping), uploadedBy: actor.userId, uploadedAt: now.toISOString() }).run()
      appendAudit(tx, { actor: auditActor(actor), action: 'survey.upload', entity: 'survey_import', entityId: id, before: null, after: { surveyId: found.survey.id, fileId: file.id, sha256: file.sha256, name: file.originalName, rows: read.table.rows.length }, at: now })
      return { ok: true, value: { importId: id } }
    })
    if (!result.ok) discardFile(file)
    return result
  } catch (error) {
    discardFile(file)
    throw error
  }
}

export type Preview = {
  headers: string[]
  rows: { row: number; cells: string[] }[]
  rowCount: number
  mapping: ColumnMapping
  problems: ImportProblem[]
  /** Responses the import would add, when there is no problem. */
  responses: number | null
}

function cellText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}

function previewOf(q: Questionnaire, table: SurveyTable, mapping: ColumnMapping): Preview {
  const parsed = parseSurveyResponses(q, table, mapping)
  return {
    headers: table.headers.map(cellText),
    rows: table.rows.slice(0, PREVIEW_ROWS).map((r) => ({ row: r.row, cells: table.headers.map((_, i) => cellText(r.cells[i])) })),
    rowCount: table.rows.length,
    mapping,
    problems: parsed.ok ? [] : parsed.problems,
    responses: parsed.ok ? parsed.responses.length : null,
  }
}

type LoadedImport = { e: EngagementDetail; survey: SurveyRow; row: ImportRow; table: SurveyTable; fileName: string }

async function loadImport(db: Db, actor: Actor, engagementId: string, surveyId: string, importId: string): Promise<LoadedImport | Failure> {
  const found = surveyFor(db, actor, engagementId, surveyId)
  if (!found || !isId(importId)) return NOT_FOUND
  const row = db.select().from(surveyImports).where(and(eq(surveyImports.id, importId), eq(surveyImports.surveyId, found.survey.id))).get()
  if (!row || row.status === 'discarded') return NOT_FOUND
  const file = openStoredFile(db, row.fileId)
  if (!file) return { ok: false, status: 409, errors: { _form: '上传的文件已无法读取，请重新上传' } }
  const read = await readTable(file.bytes, file.row.mime)
  if (!read.ok) return { ok: false, status: 409, errors: { _form: read.message } }
  return { ...found, row, table: read.table, fileName: file.row.originalName }
}

function importView(loaded: LoadedImport, mapping: ColumnMapping, actor: Actor) {
  const q = questionnaireOf(loaded.survey)
  return {
    engagement: { id: loaded.e.id, name: loaded.e.name },
    survey: { id: loaded.survey.id, title: loaded.survey.title },
    upload: { id: loaded.row.id, fileName: loaded.fileName, status: loaded.row.status, rowCount: loaded.row.rowCount, importedAt: loaded.row.importedAt },
    questions: q.questions.map((question) => ({ id: question.id, kind: question.kind, title: question.title })),
    preview: previewOf(q, loaded.table, mapping),
    mayImport: loaded.row.status === 'uploaded' && mayManage(actor, loaded.e),
  }
}

export type ImportView = ReturnType<typeof importView>

/** The mapping step of one upload with the stored (or suggested) mapping and its preview. */
export async function importPage(db: Db, actor: Actor, engagementId: string, surveyId: string, importId: string): Promise<ImportView | undefined> {
  const loaded = await loadImport(db, actor, engagementId, surveyId, importId)
  if ('ok' in loaded) return undefined
  const mapping = mappingOf(loaded.row) ?? { columns: suggestColumnMapping(questionnaireOf(loaded.survey), loaded.table.headers), likertCoding: null }
  return importView(loaded, mapping, actor)
}

/** The mapping as the form sends it: `column.<questionId>` per question and `likertCoding`. */
export function mappingFromForm(q: Questionnaire, fd: FormData): ColumnMapping {
  const columns: Record<string, string> = {}
  for (const question of q.questions) {
    const v = fd.get(`column.${question.id}`)
    if (typeof v === 'string' && v !== '') columns[question.id] = v
  }
  const coding = fd.get('likertCoding')
  return { columns, likertCoding: LIKERT_CODINGS.some((c) => c.code === coding) ? (coding as LikertCoding) : null }
}

/**
 * 预览 (intent preview) or 导入 (intent import) with the mapping in the form. The import parses the
 * whole file again and stores every response in one transaction, or nothing when any row has a
 * problem; it then feeds the linked indicator in the same transaction.
 */
export async function importResponses(db: Db, actor: Actor, engagementId: string, surveyId: string, importId: string, fd: FormData, now: Date): Promise<Result<{ view: ImportView; imported: number | null; feed: Feed | null }>> {
  const loaded = await loadImport(db, actor, engagementId, surveyId, importId)
  if ('ok' in loaded) return loaded
  if (!mayManage(actor, loaded.e)) return manageRefusal(loaded.e)
  const q = questionnaireOf(loaded.survey)
  const mapping = mappingFromForm(q, fd)
  const view = importView(loaded, mapping, actor)
  if (fd.get('intent') !== 'import') return { ok: true, value: { view, imported: null, feed: null } }
  if (loaded.row.status !== 'uploaded') return { ok: false, status: 409, errors: { _form: '该文件已导入，不能重复导入' } }
  const parsed = parseSurveyResponses(q, loaded.table, mapping)
  if (!parsed.ok) return { ok: false, status: 400, errors: { _form: `文件中有 ${parsed.problems.length} 处问题，未导入任何答卷，请修改文件或列对应关系后重试` }, values: {} }
  return inTransaction(db, (tx) => {
    const survey = tx.select().from(surveys).where(eq(surveys.id, loaded.survey.id)).get()
    const row = tx.select().from(surveyImports).where(eq(surveyImports.id, loaded.row.id)).get()
    // The questionnaire or the upload changed while the file was read: the parse may not fit.
    if (!survey || !row || survey.questionnaireJson !== loaded.survey.questionnaireJson || row.status !== 'uploaded') return CONFLICT
    const at = now.toISOString()
    tx.update(surveyImports)
      .set({ status: 'imported', mappingJson: JSON.stringify(mapping), rowCount: parsed.responses.length, responsesJson: JSON.stringify(parsed.responses), importedBy: actor.userId, importedAt: at })
      .where(and(eq(surveyImports.id, row.id), eq(surveyImports.status, 'uploaded')))
      .run()
    const collected = { ...survey, status: 'collected' as const, version: survey.status === 'collected' ? survey.version : survey.version + 1 }
    if (survey.status !== 'collected') tx.update(surveys).set({ status: 'collected', updatedAt: at, version: collected.version }).where(eq(surveys.id, survey.id)).run()
    const stats = statisticsOf(tx, collected)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'survey.import',
      entity: 'survey_import',
      entityId: row.id,
      before: { status: row.status },
      after: { surveyId: survey.id, fileId: row.fileId, mapping, responses: parsed.responses.length, sampleSize: stats.sampleSize, validResponses: stats.validResponses, rate: stats.satisfied },
      at: now,
    })
    const feed = feedIndicator(tx, actor, collected, now)
    return { ok: true, value: { view: { ...view, upload: { ...view.upload, status: 'imported' as const, rowCount: parsed.responses.length, importedAt: at }, mayImport: false }, imported: parsed.responses.length, feed } }
  })
}

/** 放弃 an upload that was not imported; its file stays on record. */
export function discardUpload(db: Db, actor: Actor, engagementId: string, surveyId: string, importId: string, now: Date): Result<null> {
  return inTransaction(db, (tx) => {
    const found = surveyFor(tx, actor, engagementId, surveyId)
    if (!found || !isId(importId)) return NOT_FOUND
    if (!mayManage(actor, found.e)) return manageRefusal(found.e)
    const row = tx.select().from(surveyImports).where(and(eq(surveyImports.id, importId), eq(surveyImports.surveyId, found.survey.id))).get()
    if (!row || row.status === 'discarded') return NOT_FOUND
    if (row.status !== 'uploaded') return { ok: false, status: 409, errors: { _form: '已导入的文件不能放弃' } }
    tx.update(surveyImports).set({ status: 'discarded' }).where(eq(surveyImports.id, row.id)).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'survey.discard_upload', entity: 'survey_import', entityId: row.id, before: { status: row.status }, after: { status: 'discarded' }, at: now })
    return { ok: true, value: null }
  })
}

// ---------------------------------------------------------------------------------------------
// The report
