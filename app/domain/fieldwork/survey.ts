// Satisfaction surveys (满意度调查, issue 9 item 3): the questionnaire, parsing imported responses,
// and the statistics that feed the 满意度 indicator.
//
// Reading of the formula. The issue gives the Likert labels 非常满意…非常不满意 and the rate
// (满意+较满意)/有效样本; REFERENCE.md writes the same formula for the scale 满意/较满意/一般/较不满意/
// 不满意. In both the formula counts the two favourable grades of a five-grade scale, so a
// questionnaire picks one of the two scales and the satisfied share is always its first two levels:
// 非常满意+满意 on the issue's scale, 满意+较满意 on REFERENCE's. 一般 is never satisfied.
//
// Valid response (有效样本): a response that answers every Likert item of the questionnaire, as
// survey practice counts a 有效问卷. Every Likert figure (distribution, item rate, overall rate) is
// over the valid responses, so each item's counts add up to 有效样本 and all item rates share one
// denominator. Single-choice and text answers are also read from valid responses only, so the
// report describes one sample. The sample size (样本量) counts every imported response.

import type { ScoringRule } from '../indicators/tree'
import { labelOf, RULE_TYPES } from '../indicators/tree'
import type { Suggestion } from '../indicators/rules'
import { suggestScore } from '../indicators/rules'
import { cleanText } from '../text'
import type { Ratio } from './ratio'
import { ratio, ratioValue } from './ratio'

// ---------------------------------------------------------------------------------------------
// Questionnaire

export const LIKERT_SCALES = [
  { code: 'very', label: '非常满意…非常不满意', levels: ['非常满意', '满意', '一般', '不满意', '非常不满意'] },
  { code: 'relative', label: '满意…不满意', levels: ['满意', '较满意', '一般', '较不满意', '不满意'] },
] as const
export type LikertScale = (typeof LIKERT_SCALES)[number]['code']

/** Levels are numbered 0 (best) to 4; the first two are the satisfied ones on either scale. */
export const SATISFIED_LEVEL_COUNT = 2

export function likertLevels(scale: LikertScale): readonly string[] {
  return (LIKERT_SCALES.find((s) => s.code === scale) ?? LIKERT_SCALES[0]).levels
}

export const QUESTION_KINDS = [
  { code: 'likert', label: '满意度量表题' },
  { code: 'single', label: '单选题' },
  { code: 'text', label: '填空题' },
] as const
export type QuestionKind = (typeof QUESTION_KINDS)[number]['code']

export type SurveyQuestion =
  | { id: string; kind: 'likert'; title: string }
  | { id: string; kind: 'single'; title: string; options: string[] }
  | { id: string; kind: 'text'; title: string }

export type Questionnaire = {
  scale: LikertScale
  questions: SurveyQuestion[]
  /**
   * A Likert item asking about overall satisfaction (总体满意度). When set, its rate is the survey's
   * rate; otherwise the overall rate pools every Likert item's answers.
   */
  overallQuestionId: string | null
}

export const MAX_QUESTIONS = 100
export const MAX_QUESTION_ID_CHARS = 40
export const MAX_TITLE_CHARS = 200
export const MAX_OPTIONS = 30
export const MAX_OPTION_CHARS = 100

export type QuestionnaireField = 'scale' | 'questions' | 'overall' | 'id' | 'kind' | 'title' | 'options'
/** `index` is the question's position (0-based) for messages beside a question, null for the whole questionnaire. */
export type QuestionnaireProblem = { index: number | null; field: QuestionnaireField; message: string }

/**
 * How imported text is compared: NFKC folds full-width digits, letters, brackets and the ideographic
 * space (U+3000) to their ASCII forms, which survey exports and Chinese IMEs produce at random.
 */
export function normalizeCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  return cleanText(String(value)).normalize('NFKC').replace(/\s+/g, ' ').trim()
}

/** A header as the user sees it in the file and on the mapping screen. */
function headerText(value: CellValue): string {
  return value === null || value === undefined ? '' : cleanText(String(value))
}

/** Labels compare without any whitespace: 「非常 满意」 is 「非常满意」. */
function labelKey(value: string): string {
  return normalizeCell(value).replace(/\s/g, '')
}

function questionName(index: number, title: string): string {
  const name = cleanText(title)
  return name === '' ? `第 ${index + 1} 题` : `第 ${index + 1} 题「${name.length > 30 ? `${name.slice(0, 30)}…` : name}」`
}

function optionProblems(index: number, title: string, options: unknown): QuestionnaireProblem[] {
  const name = questionName(index, title)
  const problem = (message: string): QuestionnaireProblem => ({ index, field: 'options', message })
  if (!Array.isArray(options) || options.length < 2) return [problem(`${name}至少需要 2 个选项`)]
  const problems: QuestionnaireProblem[] = []
  if (options.length > MAX_OPTIONS) problems.push(problem(`${name}最多 ${MAX_OPTIONS} 个选项`))
  const seen = new Map<string, number>()
  options.forEach((option: unknown, i) => {
    const text = typeof option === 'string' ? cleanText(option) : ''
    if (text === '') problems.push(problem(`${name}的第 ${i + 1} 个选项不能为空`))
    else if (text.length > MAX_OPTION_CHARS) problems.push(problem(`${name}的第 ${i + 1} 个选项不能超过 ${MAX_OPTION_CHARS} 字`))
    else if (/^\d+$/.test(labelKey(text)))
      // Imports read a bare number as the option's position; a numeric label would be ambiguous.
      problems.push(problem(`${name}的第 ${i + 1} 个选项「${text}」不能是纯数字（导入时数字表示选项序号），可写作「${text}次」等`))
    else {
      const earlier = seen.get(labelKey(text))
      if (earlier !== undefined) problems.push(problem(`${name}的第 ${i + 1} 个选项与第 ${earlier + 1} 个选项重复`))
      else seen.set(labelKey(text), i)
    }
  })
  return problems
}

/** What keeps a questionnaire from being used, as Chinese messages naming the question; empty when none. */
export function validateQuestionnaire(q: Questionnaire): QuestionnaireProblem[] {
  const problems: QuestionnaireProblem[] = []
  if (!LIKERT_SCALES.some((s) => s.code === q.scale)) problems.push({ index: null, field: 'scale', message: '请选择满意度量表' })
  const questions = Array.isArray(q.questions) ? q.questions : []
  if (!questions.some((question) => question.kind === 'likert'))
    problems.push({ index: null, field: 'questions', message: '问卷至少需要一道满意度量表题' })
  if (questions.length > MAX_QUESTIONS) problems.push({ index: null, field: 'questions', message: `问卷最多 ${MAX_QUESTIONS} 道题` })
  const ids = new Map<string, number>()
  const titles = new Map<string, number>()
  questions.forEach((question, index) => {
    const name = questionName(index, question.title)
    const id = typeof question.id === 'string' ? question.id : ''
    if (id.trim() === '' || id !== id.trim() || id.length > MAX_QUESTION_ID_CHARS)
      problems.push({ index, field: 'id', message: `${name}的编号无效` })
    else if (ids.has(id)) problems.push({ index, field: 'id', message: `${name}的编号与第 ${ids.get(id)! + 1} 题重复` })
    else ids.set(id, index)
    const title = typeof question.title === 'string' ? cleanText(question.title) : ''
    if (title === '') problems.push({ index, field: 'title', message: `${name}的题目不能为空` })
    else if (title.length > MAX_TITLE_CHARS) problems.push({ index, field: 'title', message: `${name}的题目不能超过 ${MAX_TITLE_CHARS} 字` })
    else {
      // The import maps columns by title and the report lists items by title: two alike would be confused.
      const earlier = titles.get(labelKey(title))
      if (earlier !== undefined) problems.push({ index, field: 'title', message: `${name}与第 ${earlier + 1} 题的题目相同` })
      else titles.set(labelKey(title), index)
    }
    if (question.kind === 'single') problems.push(...optionProblems(index, title, question.options))
    else if (question.kind !== 'likert' && question.kind !== 'text')
      problems.push({ index, field: 'kind', message: `${name}的题型无效，可选：${QUESTION_KINDS.map((k) => k.label).join('、')}` })
  })
  if (q.overallQuestionId !== null) {
    const overall = questions.find((question) => question.id === q.overallQuestionId)
    if (overall?.kind !== 'likert') problems.push({ index: null, field: 'overall', message: '总体满意度题须是问卷中的一道满意度量表题' })
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// Responses

export type SurveyAnswer =
  | { kind: 'likert'; level: number }
  | { kind: 'single'; option: number }
  | { kind: 'text'; text: string }

/** One imported response; `row` is its row in the file (the header is row 1). Unanswered questions are absent. */
export type SurveyResponse = { row: number; answers: Record<string, SurveyAnswer> }

export type CellValue = string | number | null | undefined
export type SurveyTable = { headers: readonly CellValue[]; rows: readonly { row: number; cells: readonly CellValue[] }[] }

/** What a bare 1–5 in a Likert column means; survey tools export either way. */
export const LIKERT_CODINGS = [
  { code: 'five-best', label: '5 表示最满意' },
  { code: 'one-best', label: '1 表示最满意' },
] as const
export type LikertCoding = (typeof LIKERT_CODINGS)[number]['code']

/**
 * Which column holds each question: question id -> header text as it appears in the file.
 * `likertCoding` may stay null while the file writes labels; a file with codes needs it.
 */
export type ColumnMapping = { columns: Readonly<Record<string, string>>; likertCoding: LikertCoding | null }

export type ImportProblem = { row: number | null; column: string | null; message: string }
export type ParsedResponses = { ok: true; responses: SurveyResponse[] } | { ok: false; problems: ImportProblem[] }

export const MAX_SURVEY_RESPONSES = 20_000
export const MAX_TEXT_ANSWER_CHARS = 2000

/** What exports write for a skipped question (问卷星: 「(跳过)」, 「(空)」): the same as a blank cell. */
const UNANSWERED = new Set(['', '(跳过)', '(空)', '跳过', '空'])

const NUMBERING = /^(?:第\s*\d+\s*题|[Qq]\s*\d+|\d+)\s*[.、:：)\]]?\s*/

/**
 * Columns that look like the questions: a header equal to the title (ignoring a leading 「1、」,
 * 「Q1.」 or 「第1题」), else the one header ending with it (a matrix row 「5、满意度—服务态度」).
 * A proposal for the mapping screen; the user confirms it.
 */
export function suggestColumnMapping(q: Questionnaire, headers: readonly CellValue[]): Record<string, string> {
  const texts = headers.map(headerText).filter((h) => h !== '')
  const keys = texts.map((h) => labelKey(normalizeCell(h).replace(NUMBERING, '')))
  const mapping: Record<string, string> = {}
  const used = new Set<string>()
  for (const question of q.questions) {
    const title = labelKey(question.title)
    if (title === '') continue
    let at = keys.findIndex((k, i) => k === title && !used.has(texts[i]!))
    if (at < 0) {
      const endings = keys.flatMap((k, i) => (k.endsWith(title) && !used.has(texts[i]!) ? [i] : []))
      if (endings.length === 1) at = endings[0]!
    }
    if (at >= 0) {
      mapping[question.id] = texts[at]!
      used.add(texts[at]!)
    }
  }
  return mapping
}

function mappingProblems(q: Questionnaire, headers: readonly CellValue[], mapping: ColumnMapping): { problems: ImportProblem[]; columnOf: Map<string, number> } {
  const problems: ImportProblem[] = []
  const columnOf = new Map<string, number>()
  const headerKeys = headers.map(normalizeCell)
  const questionOf = new Map<number, number>()
  for (const id of Object.keys(mapping.columns)) {
    if (!q.questions.some((question) => question.id === id)) problems.push({ row: null, column: null, message: `列对应关系中有问卷里不存在的题目（编号 ${id}）` })
  }
  q.questions.forEach((question, index) => {
    const name = questionName(index, question.title)
    const shown = Object.hasOwn(mapping.columns, question.id) ? headerText(mapping.columns[question.id]) : ''
    const header = normalizeCell(shown)
    if (header === '') {
      // An open question may be left out of the import; a scored or counted one may not.
      if (question.kind !== 'text') problems.push({ row: null, column: null, message: `${name}未指定对应的列` })
      return
    }
    const at = headerKeys.indexOf(header)
    const other = questionOf.get(at)
    let message: string | null = null
    if (at < 0) message = `文件中没有表头为「${shown}」的列（${name}）`
    else if (headerKeys.indexOf(header, at + 1) >= 0) message = `文件中有多列的表头都是「${shown}」，无法确定${name}对应哪一列`
    else if (other !== undefined) message = `${name}与${questionName(other, q.questions[other]!.title)}对应了同一列「${shown}」`
    if (message !== null) {
      problems.push({ row: null, column: shown, message })
      return
    }
    questionOf.set(at, index)
    columnOf.set(question.id, at)
  })
  return { problems, columnOf }
}

function choicesText(labels: readonly string[]): string {
  const shown = labels.slice(0, 8).join('、')
  return labels.length > 8 ? `${shown} 等 ${labels.length} 项` : shown
}

type CellRead = { answer: SurveyAnswer | null } | { problem: string } | { needsCoding: true }

function readCell(question: SurveyQuestion, raw: CellValue, levels: readonly string[], coding: LikertCoding | null): CellRead {
  const text = normalizeCell(raw)
  if (UNANSWERED.has(text)) return { answer: null }
  const key = labelKey(text)
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text
  switch (question.kind) {
    case 'likert': {
      const level = levels.findIndex((l) => labelKey(l) === key)
      if (level >= 0) return { answer: { kind: 'likert', level } }
      if (/^[1-5]$/.test(key)) {
        if (coding === null) return { needsCoding: true }
        const code = Number(key)
        return { answer: { kind: 'likert', level: coding === 'five-best' ? 5 - code : code - 1 } }
      }
      return { problem: `「${shown}」不是有效选项，可填：${levels.join('、')}，或数字 1–5` }
    }
    case 'single': {
      const option = question.options.findIndex((o) => labelKey(o) === key)
      if (option >= 0) return { answer: { kind: 'single', option } }
      if (/^\d+$/.test(key) && Number(key) >= 1 && Number(key) <= question.options.length)
        return { answer: { kind: 'single', option: Number(key) - 1 } }
      return { problem: `「${shown}」不是该题的选项，可填：${choicesText(question.options)}，或选项序号 1–${question.options.length}` }
    }
    case 'text': {
      const answer = cleanText(String(raw))
      if (answer.length > MAX_TEXT_ANSWER_CHARS) return { problem: `回答超过 ${MAX_TEXT_ANSWER_CHARS} 字` }
      return { answer: { kind: 'text', text: answer } }
    }
  }
}

/**
 * Every non-blank row as a response, or every problem found (bad cells as row, column and message),
 * never a part of the rows. A row with no answer in any mapped column is not a response (trailing
 * blank rows of a spreadsheet).
 */
export function parseSurveyResponses(q: Questionnaire, table: SurveyTable, mapping: ColumnMapping): ParsedResponses {
  if (validateQuestionnaire(q).length > 0) return { ok: false, problems: [{ row: null, column: null, message: '问卷设置有误，请先修改问卷' }] }
  const { problems, columnOf } = mappingProblems(q, table.headers, mapping)
  if (problems.length > 0) return { ok: false, problems }
  const levels = likertLevels(q.scale)
  const responses: SurveyResponse[] = []
  let coded: ImportProblem | null = null
  for (const { row, cells } of table.rows) {
    const answers: Record<string, SurveyAnswer> = {}
    for (const question of q.questions) {
      const at = columnOf.get(question.id)
      if (at === undefined) continue
      const column = headerText(table.headers[at])
      const read = readCell(question, cells[at], levels, mapping.likertCoding)
      if ('problem' in read) problems.push({ row, column, message: read.problem })
      // Reported once: the fix is one choice on the mapping screen, not one per cell.
      else if ('needsCoding' in read)
        coded ??= { row, column, message: `「${column}」等列使用数字 1–5 作答，请选择编码方向：${LIKERT_CODINGS.map((c) => c.label).join(' 或 ')}` }
      else if (read.answer) answers[question.id] = read.answer
    }
    if (Object.keys(answers).length > 0) responses.push({ row, answers })
  }
  if (coded) problems.unshift(coded)
  if (problems.length > 0) return { ok: false, problems }
  if (responses.length === 0) return { ok: false, problems: [{ row: null, column: null, message: '文件中没有答卷' }] }
  if (responses.length > MAX_SURVEY_RESPONSES)
    return { ok: false, problems: [{ row: null, column: null, message: `一次最多导入 ${MAX_SURVEY_RESPONSES} 份答卷（本次 ${responses.length} 份）` }] }
  return { ok: true, responses }
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.96

/**
 * The 95 % margin of error of a proportion p from a simple random sample of n (normal
 * approximation: 1.96·√(p(1−p)/n)), with the finite population correction √((N−n)/(N−1)) when the
 * population N is given. 0 when p is 0 or 1 (the approximation's known blind spot at the ends) and
 * when the sample is the whole population.
 */
export function marginOfError(p: Ratio | number, n: number, population: number | null = null): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError('sample size must be a positive integer')
  const share = typeof p === 'number' ? p : ratioValue(p)
  if (!(share >= 0 && share <= 1)) throw new RangeError('proportion must lie in [0, 1]')
  const variance = typeof p === 'number' ? share * (1 - share) : (p.numerator * (p.denominator - p.numerator)) / (p.denominator * p.denominator)
  const margin = Z_95 * Math.sqrt(variance / n)
  if (population === null) return margin
  if (!Number.isSafeInteger(population) || population < n) throw new RangeError('population must be an integer no smaller than the sample')
  return population === n ? 0 : margin * Math.sqrt((population - n) / (population - 1))
}

/** Why a population size cannot correct the margin for this sample, or null. */
export function populationProblem(population: number, validResponses: number): string | null {
  if (!Number.isSafeInteger(population) || population <= 0) return '总体数量须为正整数'
  if (population < validResponses) return `总体数量（${population}）少于有效样本数（${validResponses}），未作有限总体校正`
  return null
}

/** A label's count and its share of the item's answers; share is null when nobody answered. */
export type LabelCount = { label: string; count: number; share: Ratio | null }

export type LikertItemStatistics = {
  kind: 'likert'
  questionId: string
  title: string
  /** Over the valid responses; counts add up to validResponses. */
  distribution: LabelCount[]
  satisfied: Ratio | null
  rate: number | null
  marginOfError: number | null
}
export type SingleItemStatistics = { kind: 'single'; questionId: string; title: string; answered: number; distribution: LabelCount[] }
export type TextItemStatistics = { kind: 'text'; questionId: string; title: string; answers: string[] }
export type ItemStatistics = LikertItemStatistics | SingleItemStatistics | TextItemStatistics

export type SurveyStatistics = {
  sampleSize: number
  validResponses: number
  /** Overall satisfied share: the overall item's, or every Likert answer pooled. Null with no valid response. */
  satisfied: Ratio | null
  rate: number | null
  /** With n = validResponses; for a pooled rate an approximation, as one respondent answers every item. */
  marginOfError: number | null
  basis: 'overall-item' | 'pooled-items'
  /** Applied to the margins when usable; populationNote says why it was not. */
  population: number | null
  populationNote: string | null
  items: ItemStatistics[]
}

function counted(labels: readonly string[], counts: readonly number[]): LabelCount[] {
  const total = counts.reduce((a, b) => a + b, 0)
  return labels.map((label, i) => ({ label, count: counts[i]!, share: total === 0 ? null : ratio(counts[i]!, total) }))
}

export type SurveyStatisticsOptions = { population?: number | null }

/** The survey's figures; the questionnaire is assumed valid and the responses parsed against it. */
export function surveyStatistics(q: Questionnaire, responses: readonly SurveyResponse[], options: SurveyStatisticsOptions = {}): SurveyStatistics {
  const levels = likertLevels(q.scale)
  const likertIds = q.questions.filter((question) => question.kind === 'likert').map((question) => question.id)
  const valid = responses.filter((r) => likertIds.every((id) => r.answers[id]?.kind === 'likert'))
  const n = valid.length
  const note = options.population == null ? null : populationProblem(options.population, n)
  const population = options.population != null && note === null ? options.population : null
  const margin = (p: Ratio | null) => (p === null ? null : marginOfError(p, n, population))

  const items = q.questions.map((question): ItemStatistics => {
    const base = { questionId: question.id, title: question.title }
    switch (question.kind) {
      case 'likert': {
        const counts = levels.map(() => 0)
        for (const r of valid) {
          const a = r.answers[question.id]
          if (a?.kind === 'likert') counts[a.level]! += 1
        }
        const satisfied = n === 0 ? null : ratio(counts.slice(0, SATISFIED_LEVEL_COUNT).reduce((x, y) => x + y, 0), n)
        return { kind: 'likert', ...base, distribution: counted(levels, counts), satisfied, rate: satisfied && ratioValue(satisfied), marginOfError: margin(satisfied) }
      }
      case 'single': {
        const counts = question.options.map(() => 0)
        for (const r of valid) {
          const a = r.answers[question.id]
          if (a?.kind === 'single' && a.option < counts.length) counts[a.option]! += 1
        }
        return { kind: 'single', ...base, answered: counts.reduce((x, y) => x + y, 0), distribution: counted(question.options, counts) }
      }
      case 'text':
        return { kind: 'text', ...base, answers: valid.flatMap((r) => { const a = r.answers[question.id]; return a?.kind === 'text' ? [a.text] : [] }) }
    }
  })

  const likertItems = items.filter((item): item is LikertItemStatistics => item.kind === 'likert')
  const overallItem = likertItems.find((item) => item.questionId === q.overallQuestionId)
  let satisfied: Ratio | null = null
  if (n > 0 && likertItems.length > 0) {
    satisfied = overallItem
      ? overallItem.satisfied
      : ratio(likertItems.reduce((sum, item) => sum + item.satisfied!.numerator, 0), n * likertItems.length)
  }
  return {
    sampleSize: responses.length,
    validResponses: n,
    satisfied,
    rate: satisfied && ratioValue(satisfied),
    marginOfError: margin(satisfied),
    basis: overallItem ? 'overall-item' : 'pooled-items',
    population,
    populationNote: note,
    items,
  }
}

// ---------------------------------------------------------------------------------------------
// The 满意度 indicator

/** REFERENCE §1.3's conventional survey rule with target 100 %: score = weight × rate. */
export const PROPORTIONAL_SURVEY_RULE: ScoringRule = { type: 'survey', targetPercent: 10000 }

/**
 * The 满意度 indicator's suggested score (hundredths, within [0, weight]) from the satisfied share,
 * by the indicator's own rule through the sheet's rule engine, so the suggestion reads like every
 * other: a survey rule (target), a tier rule on the rate in percent, or a formula rule on satisfied
 * / valid. Without a rule, weight × rate. Other rule kinds take facts a survey does not give.
 */
export function suggestedSatisfactionScore(satisfied: Ratio, weight: number, rule: ScoringRule = PROPORTIONAL_SURVEY_RULE): Suggestion {
  const { numerator, denominator } = satisfied
  switch (rule.type) {
    case 'survey':
      return suggestScore(rule, weight, 'positive', { type: 'survey', satisfied: numerator, valid: denominator })
    case 'tier':
      // Multiplying first keeps 57/100 at exactly 57, where 0.57 × 100 is 56.99999999999999.
      return suggestScore(rule, weight, 'positive', { type: 'tier', value: (numerator * 100) / denominator })
    case 'formula':
      return suggestScore(rule, weight, 'positive', { type: 'formula', numerator, denominator }, '满意度')
    default:
      return { ok: false, message: `满意度指标的计分规则为「${labelOf(RULE_TYPES, rule.type)}」，无法由调查结果计算建议得分` }
  }
}
