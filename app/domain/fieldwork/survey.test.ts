import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { ScoringRule } from '../indicators/tree'
import { formatMargin, formatPercent, ratio, ratioValue } from './ratio'
import type { ColumnMapping, Questionnaire, SurveyResponse, SurveyTable } from './survey'
import {
  likertLevels,
  marginOfError,
  parseSurveyResponses,
  populationProblem,
  suggestColumnMapping,
  suggestedSatisfactionScore,
  surveyStatistics,
  validateQuestionnaire,
} from './survey'

const Q: Questionnaire = {
  scale: 'very',
  questions: [
    { id: 'a', kind: 'likert', title: '服务态度' },
    { id: 'b', kind: 'likert', title: '办事效率' },
    { id: 'c', kind: 'single', title: '您的身份', options: ['居民', '企业'] },
    { id: 'd', kind: 'text', title: '意见建议' },
  ],
  overallQuestionId: null,
}

const HEADERS = ['序号', '1、服务态度', '2、办事效率', '3、您的身份', '4、意见建议']
const MAPPING: ColumnMapping = {
  columns: { a: '1、服务态度', b: '2、办事效率', c: '3、您的身份', d: '4、意见建议' },
  likertCoding: null,
}

function table(rows: (string | number | null)[][], headers: (string | null)[] = HEADERS): SurveyTable {
  return { headers, rows: rows.map((cells, i) => ({ row: i + 2, cells })) }
}

function parsed(t: SurveyTable, mapping: ColumnMapping = MAPPING, q: Questionnaire = Q): SurveyResponse[] {
  const result = parseSurveyResponses(q, t, mapping)
  if (!result.ok) throw new Error(`expected responses, got ${JSON.stringify(result.problems)}`)
  return result.responses
}

function problems(t: SurveyTable, mapping: ColumnMapping = MAPPING, q: Questionnaire = Q) {
  const result = parseSurveyResponses(q, t, mapping)
  if (result.ok) throw new Error('expected problems')
  return result.problems
}

describe('the questionnaire', () => {
  test('a questionnaire with a Likert item, a single choice and an open question is valid', () => {
    expect(validateQuestionnaire(Q)).toEqual([])
    expect(validateQuestionnaire({ ...Q, overallQuestionId: 'b' })).toEqual([])
  })

  test('both scales count their first two levels as satisfied', () => {
    expect(likertLevels('very')).toEqual(['非常满意', '满意', '一般', '不满意', '非常不满意'])
    expect(likertLevels('relative')).toEqual(['满意', '较满意', '一般', '较不满意', '不满意'])
  })

  test('each problem names its question', () => {
    const bad: Questionnaire = {
      scale: 'very',
      questions: [
        { id: 'x', kind: 'single', title: '您的身份', options: ['居民'] },
        { id: 'x', kind: 'text', title: '　' },
        { id: 'y', kind: 'single', title: '您的 身份', options: ['居民', '企业', ' 居民 ', '', '3'] },
        { id: 'z', kind: 'matrix', title: '矩阵' } as unknown as Questionnaire['questions'][number],
      ],
      overallQuestionId: 'x',
    }
    expect(validateQuestionnaire(bad)).toEqual([
      { index: null, field: 'questions', message: '问卷至少需要一道满意度量表题' },
      { index: 0, field: 'options', message: '第 1 题「您的身份」至少需要 2 个选项' },
      { index: 1, field: 'id', message: '第 2 题的编号与第 1 题重复' },
      { index: 1, field: 'title', message: '第 2 题的题目不能为空' },
      { index: 2, field: 'title', message: '第 3 题「您的 身份」与第 1 题的题目相同' },
      { index: 2, field: 'options', message: '第 3 题「您的 身份」的第 3 个选项与第 1 个选项重复' },
      { index: 2, field: 'options', message: '第 3 题「您的 身份」的第 4 个选项不能为空' },
      {
        index: 2,
        field: 'options',
        message: '第 3 题「您的 身份」的第 5 个选项「3」不能是纯数字（导入时数字表示选项序号），可写作「3次」等',
      },
      { index: 3, field: 'kind', message: '第 4 题「矩阵」的题型无效，可选：满意度量表题、单选题、填空题' },
      { index: null, field: 'overall', message: '总体满意度题须是问卷中的一道满意度量表题' },
    ])
  })
})

describe('column mapping', () => {
  test('headers are matched by title, ignoring the numbering, or by a unique ending', () => {
    const headers = ['提交时间', 'Q1. 服务态度', '第2题 办事效率', '3、您对以下方面的评价—您的身份', '4：意见建议']
    expect(suggestColumnMapping(Q, headers)).toEqual({
      a: 'Q1. 服务态度',
      b: '第2题 办事效率',
      c: '3、您对以下方面的评价—您的身份',
      d: '4：意见建议', // matched with the full-width colon folded, proposed as the file writes it
    })
  })

  test('an ambiguous ending is left for the user', () => {
    expect(suggestColumnMapping(Q, ['甲：服务态度', '乙：服务态度'])).toEqual({})
  })

  test('mapping mistakes are reported before any cell is read', () => {
    const q: Questionnaire = { ...Q, questions: [...Q.questions, { id: 'e', kind: 'likert', title: '环境卫生' }] }
    const mapping: ColumnMapping = {
      columns: { a: '1、服务态度', b: '1、服务态度', c: '身份', ghost: '序号' },
      likertCoding: null,
    }
    expect(problems(table([], [...HEADERS, '序号']), mapping, q)).toEqual([
      { row: null, column: null, message: '列对应关系中有问卷里不存在的题目（编号 ghost）' },
      { row: null, column: '1、服务态度', message: '第 2 题「办事效率」与第 1 题「服务态度」对应了同一列「1、服务态度」' },
      { row: null, column: '身份', message: '文件中没有表头为「身份」的列（第 3 题「您的身份」）' },
      { row: null, column: null, message: '第 5 题「环境卫生」未指定对应的列' },
    ])
    expect(problems(table([], [...HEADERS, '1、服务态度']))).toEqual([
      { row: null, column: '1、服务态度', message: '文件中有多列的表头都是「1、服务态度」，无法确定第 1 题「服务态度」对应哪一列' },
    ])
  })

  test('an open question may be left out', () => {
    const { d: _d, ...columns } = MAPPING.columns
    expect(parsed(table([['1', '满意', '满意', '居民', '好']]), { ...MAPPING, columns })).toEqual([
      { row: 2, answers: { a: { kind: 'likert', level: 1 }, b: { kind: 'likert', level: 1 }, c: { kind: 'single', option: 0 } } },
    ])
  })
})

describe('parsing responses', () => {
  test('cells are normalised: spaces, full-width characters, codes, skipped markers', () => {
    const rows = parsed(
      table([
        ['1', ' 非常　满意 ', '一般', '企业', '  窗口少　'],
        ['2', '非常不满意', '（跳过）', '２', null],
        [null, null, null, null, null],
        ['4', '', '', '', ''],
        ['5', '不满意', '满意', '(空)', 42],
      ]),
    )
    expect(rows).toEqual([
      { row: 2, answers: { a: { kind: 'likert', level: 0 }, b: { kind: 'likert', level: 2 }, c: { kind: 'single', option: 1 }, d: { kind: 'text', text: '窗口少' } } },
      { row: 3, answers: { a: { kind: 'likert', level: 4 }, c: { kind: 'single', option: 1 } } },
      { row: 6, answers: { a: { kind: 'likert', level: 3 }, b: { kind: 'likert', level: 1 }, d: { kind: 'text', text: '42' } } },
    ])
  })

  test('codes 1–5 need their direction, asked once', () => {
    const t = table([
      ['1', 5, '1', '居民', ''],
      ['2', '４', '2', '居民', ''],
    ])
    expect(problems(t)).toEqual([
      { row: 2, column: '1、服务态度', message: '「1、服务态度」等列使用数字 1–5 作答，请选择编码方向：5 表示最满意 或 1 表示最满意' },
    ])
    const fiveBest = parsed(t, { ...MAPPING, likertCoding: 'five-best' })
    expect(fiveBest.map((r) => [r.answers.a, r.answers.b])).toEqual([
      [{ kind: 'likert', level: 0 }, { kind: 'likert', level: 4 }],
      [{ kind: 'likert', level: 1 }, { kind: 'likert', level: 3 }],
    ])
    const oneBest = parsed(t, { ...MAPPING, likertCoding: 'one-best' })
    expect(oneBest.map((r) => [r.answers.a, r.answers.b])).toEqual([
      [{ kind: 'likert', level: 4 }, { kind: 'likert', level: 0 }],
      [{ kind: 'likert', level: 3 }, { kind: 'likert', level: 1 }],
    ])
  })

  test('bad cells are reported by row and column, and no response is returned', () => {
    const long = '很'.repeat(2001)
    expect(
      problems(
        table([
          ['1', '满意', '满意', '居民', ''],
          ['2', '很满意', '6', '个体户', long],
          ['3', '满意', '满意', '3', ''],
        ]),
      ),
    ).toEqual([
      { row: 3, column: '1、服务态度', message: '「很满意」不是有效选项，可填：非常满意、满意、一般、不满意、非常不满意，或数字 1–5' },
      { row: 3, column: '2、办事效率', message: '「6」不是有效选项，可填：非常满意、满意、一般、不满意、非常不满意，或数字 1–5' },
      { row: 3, column: '3、您的身份', message: '「个体户」不是该题的选项，可填：居民、企业，或选项序号 1–2' },
      { row: 3, column: '4、意见建议', message: '回答超过 2000 字' },
      { row: 4, column: '3、您的身份', message: '「3」不是该题的选项，可填：居民、企业，或选项序号 1–2' },
    ])
  })

  test('the other scale reads its own labels', () => {
    const relative: Questionnaire = { ...Q, scale: 'relative' }
    const rows = parsed(table([['1', '较满意', '较不满意', '', '']]), MAPPING, relative)
    expect(rows[0]!.answers).toEqual({ a: { kind: 'likert', level: 1 }, b: { kind: 'likert', level: 3 } })
    expect(problems(table([['1', '非常满意', '满意', '', '']]), MAPPING, relative)[0]!.message).toBe(
      '「非常满意」不是有效选项，可填：满意、较满意、一般、较不满意、不满意，或数字 1–5',
    )
  })

  test('an empty file and an invalid questionnaire are refused', () => {
    expect(problems(table([[null, '', '', '', '']]))).toEqual([{ row: null, column: null, message: '文件中没有答卷' }])
    expect(problems(table([]), MAPPING, { ...Q, overallQuestionId: 'c' })).toEqual([
      { row: null, column: null, message: '问卷设置有误，请先修改问卷' },
    ])
  })
})

// Eight responses; levels 0..4 are 非常满意, 满意, 一般, 不满意, 非常不满意.
//   row  a  b  c     d
//   2    0  0  居民  很好
//   3    1  0  企业
//   4    1  1  居民
//   5    2  1  -
//   6    0  3  企业  排队久
//   7    4  1  居民
//   8    1  -  居民  (b unanswered: not valid)
//   9    3  4  居民
const SAMPLE = table([
  ['1', '非常满意', '非常满意', '居民', '很好'],
  ['2', '满意', '非常满意', '企业', ''],
  ['3', '满意', '满意', '居民', ''],
  ['4', '一般', '满意', '', ''],
  ['5', '非常满意', '不满意', '企业', '排队久'],
  ['6', '非常不满意', '满意', '居民', ''],
  ['7', '满意', '', '居民', '无'],
  ['8', '不满意', '非常不满意', '居民', ''],
])

describe('statistics (hand-computed)', () => {
  const stats = surveyStatistics(Q, parsed(SAMPLE))

  test('sample size counts every response, valid ones answer every Likert item', () => {
    expect(stats.sampleSize).toBe(8)
    expect(stats.validResponses).toBe(7)
  })

  test('per-item distribution and rate over the valid responses', () => {
    // a over rows 2–7, 9: levels 0,1,1,2,0,4,3 -> [2, 2, 1, 1, 1]; satisfied 2 + 2 = 4 of 7 = 57.142…% -> 57.1%
    const a = stats.items[0]!
    expect(a.kind === 'likert' && a.distribution.map((d) => [d.label, d.count])).toEqual([
      ['非常满意', 2], ['满意', 2], ['一般', 1], ['不满意', 1], ['非常不满意', 1],
    ])
    expect(a.kind === 'likert' && a.satisfied).toEqual(ratio(4, 7))
    expect(a.kind === 'likert' && formatPercent(a.satisfied!)).toBe('57.1%')
    // margin: 1.96 × √((4/7 × 3/7) / 7) = 1.96 × √(12/343) = 1.96 × 0.187043… = 0.366606…
    expect(a.kind === 'likert' && a.marginOfError).toBeCloseTo(0.366606, 6)
    // b: levels 0,0,1,1,3,1,4 -> [2, 3, 0, 1, 1]; satisfied 5 of 7 = 71.428…% -> 71.4%
    const b = stats.items[1]!
    expect(b.kind === 'likert' && b.distribution.map((d) => d.count)).toEqual([2, 3, 0, 1, 1])
    expect(b.kind === 'likert' && b.distribution[2]!.share).toEqual(ratio(0, 7))
    expect(b.kind === 'likert' && formatPercent(b.satisfied!)).toBe('71.4%')
  })

  test('the pooled overall rate and its margin', () => {
    // (4 + 5) / (7 × 2) = 9/14 = 64.2857…% -> 64.3%
    expect(stats.basis).toBe('pooled-items')
    expect(stats.satisfied).toEqual(ratio(9, 14))
    expect(formatPercent(stats.satisfied!)).toBe('64.3%')
    // 1.96 × √((9/14 × 5/14) / 7) = 1.96 × √(45/1372) = 1.96 × 0.181104… = 0.354965…
    expect(stats.marginOfError).toBeCloseTo(0.354965, 6)
    expect(formatMargin(stats.marginOfError!)).toBe('±35.5%')
  })

  test('an overall item gives the survey its rate', () => {
    const overall = surveyStatistics({ ...Q, overallQuestionId: 'b' }, parsed(SAMPLE))
    expect(overall.basis).toBe('overall-item')
    expect(overall.satisfied).toEqual(ratio(5, 7))
  })

  test('single choice and text answers come from the valid responses', () => {
    // c over valid rows: 居民 2,4,7,9; 企业 3,6; row 5 unanswered -> answered 6
    const c = stats.items[2]!
    expect(c.kind === 'single' && [c.answered, c.distribution.map((d) => [d.label, d.count, d.share])]).toEqual([
      6,
      [['居民', 4, ratio(4, 6)], ['企业', 2, ratio(2, 6)]],
    ])
    // row 8's 「无」 is not in a valid response
    expect(stats.items[3]).toEqual({ kind: 'text', questionId: 'd', title: '意见建议', answers: ['很好', '排队久'] })
  })

  test('the finite population correction', () => {
    // N = 20, n = 7: × √((20 − 7) / 19) = × 0.827170…; 0.354965 × 0.827170 = 0.293616…
    const corrected = surveyStatistics(Q, parsed(SAMPLE), { population: 20 })
    expect(corrected.population).toBe(20)
    expect(corrected.marginOfError).toBeCloseTo(0.293616, 6)
    const tooSmall = surveyStatistics(Q, parsed(SAMPLE), { population: 6 })
    expect(tooSmall.population).toBeNull()
    expect(tooSmall.populationNote).toBe('总体数量（6）少于有效样本数（7），未作有限总体校正')
    expect(tooSmall.marginOfError).toBe(stats.marginOfError)
  })

  test('no valid response: no rate, no margin, shares null', () => {
    const none = surveyStatistics(Q, [{ row: 2, answers: { a: { kind: 'likert', level: 0 } } }])
    expect([none.sampleSize, none.validResponses, none.satisfied, none.rate, none.marginOfError]).toEqual([1, 0, null, null, null])
    const a = none.items[0]!
    expect(a.kind === 'likert' && [a.satisfied, a.distribution[0]]).toEqual([null, { label: '非常满意', count: 0, share: null }])
  })
})

describe('margin of error', () => {
  test('hand-computed values', () => {
    // 1.96 × √(0.5 × 0.5 / 100) = 1.96 × 0.05
    expect(marginOfError(0.5, 100)).toBeCloseTo(0.098, 12)
    // 1.96 × √(0.9 × 0.1 / 400) = 1.96 × 0.015 = 0.0294; with N = 1000: × √(600/999) = × 0.774984… = 0.022785
    expect(marginOfError(ratio(360, 400), 400)).toBeCloseTo(0.0294, 12)
    expect(marginOfError(ratio(360, 400), 400, 1000)).toBeCloseTo(0.0227845, 6)
    expect(marginOfError(ratio(0, 50), 50)).toBe(0)
    expect(marginOfError(0.7, 50, 50)).toBe(0)
  })

  test('population sizes the form must refuse', () => {
    expect(populationProblem(0, 10)).toBe('总体数量须为正整数')
    expect(populationProblem(2.5, 1)).toBe('总体数量须为正整数')
    expect(populationProblem(10, 10)).toBeNull()
  })

  test('property: the margin shrinks as the sample grows, and the correction only shrinks it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (p, n1, n2) => {
        const [small, large] = n1 <= n2 ? [n1, n2] : [n2, n1]
        expect(marginOfError(p, large)).toBeLessThanOrEqual(marginOfError(p, small))
        expect(marginOfError(p, small, large)).toBeLessThanOrEqual(marginOfError(p, small) + 1e-15)
        expect(marginOfError(p, small)).toBeLessThanOrEqual(Z_HALF)
      }),
    )
  })
})

/** The largest margin any sample can have: p = 0.5, n = 1 -> 1.96 × 0.5. */
const Z_HALF = 0.98

describe('percent text', () => {
  test('one decimal, half up, exact for ratios', () => {
    expect(formatPercent(ratio(2, 3))).toBe('66.7%')
    expect(formatPercent(ratio(1, 16))).toBe('6.3%') // 6.25 -> 6.3
    expect(formatPercent(ratio(1, 1))).toBe('100.0%')
    expect(formatPercent(ratio(0, 9))).toBe('0.0%')
    expect(formatPercent(0.0325)).toBe('3.3%')
    expect(formatMargin(0.098)).toBe('±9.8%')
  })
})

describe('the 满意度 suggestion', () => {
  test('without a rule: weight × rate', () => {
    // 10 分 × 17/20 = 8.5 分
    const s = suggestedSatisfactionScore(ratio(17, 20), 1000)
    expect(s.ok && s.score).toBe(850)
  })

  test('the indicator survey rule with a 90% target', () => {
    const rule: ScoringRule = { type: 'survey', targetPercent: 9000 }
    // 85% < 90%: 10 × 0.85 / 0.9 = 9.444… -> 9.44 分
    expect(suggestedSatisfactionScore(ratio(17, 20), 1000, rule)).toEqual({
      ok: true,
      score: 944,
      reasoning: '满意度 = 17 / 20 = 85.00%，低于目标 90%；得分 = 10 × 85.00% / 90% = 9.44 分',
    })
    const full = suggestedSatisfactionScore(ratio(19, 20), 1000, rule)
    expect(full.ok && full.score).toBe(1000)
  })

  test('a tier rule reads the rate in percent exactly at a bound', () => {
    const rule: ScoringRule = {
      type: 'tier',
      measure: '满意度',
      tiers: [{ bound: 9000, share: 10000 }, { bound: 5700, share: 6000 }],
      otherwiseShare: 0,
    }
    // 57/100 is 57 % exactly: tier 2 -> 10 × 60% = 6 分 (0.57 × 100 would be 56.999… and score 0)
    const s = suggestedSatisfactionScore(ratio(57, 100), 1000, rule)
    expect(s.ok && s.score).toBe(600)
    const top = suggestedSatisfactionScore(ratio(9, 10), 1000, rule)
    expect(top.ok && top.score).toBe(1000)
  })

  test('a formula rule on satisfied / valid', () => {
    const rule: ScoringRule = { type: 'formula', numerator: '满意样本数', denominator: '有效样本数', zeroBelowPercent: null }
    const s = suggestedSatisfactionScore(ratio(3, 4), 1000, rule)
    expect(s.ok && s.reasoning).toBe('满意度 = 满意样本数 / 有效样本数 = 3 / 4 = 75.00%；得分 = 10 × 75.00% = 7.5 分')
  })

  test('rules a survey cannot feed', () => {
    expect(suggestedSatisfactionScore(ratio(3, 4), 1000, { type: 'element', shares: [10000], vetoPoints: [] })).toEqual({
      ok: false,
      message: '满意度指标的计分规则为「要素计分」，无法由调查结果计算建议得分',
    })
  })
})

// ---------------------------------------------------------------------------------------------
// Properties over random imports

const LEVELS = likertLevels('very')
const likertCell = fc.oneof(fc.constantFrom(...LEVELS, '', '(跳过)'), fc.constantFrom('1', '2', '3', '4', '5'))
const goodRow = fc.tuple(likertCell, likertCell, fc.constantFrom('居民', '企业', '1', '2', ''), fc.string({ maxLength: 20 }))

describe('properties', () => {
  test('rates lie in [0, 1], counts add up to the valid responses, valid ≤ sample', () => {
    fc.assert(
      fc.property(fc.array(goodRow, { maxLength: 60 }), fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }), (rows, population) => {
        const t = table(rows.map((cells, i) => [String(i + 1), ...cells]))
        const result = parseSurveyResponses(Q, t, { ...MAPPING, likertCoding: 'five-best' })
        if (!result.ok) {
          expect(result.problems).toEqual([{ row: null, column: null, message: '文件中没有答卷' }])
          return
        }
        const s = surveyStatistics(Q, result.responses, { population })
        expect(s.validResponses).toBeLessThanOrEqual(s.sampleSize)
        for (const item of s.items) {
          if (item.kind !== 'likert') continue
          expect(item.distribution.reduce((sum, d) => sum + d.count, 0)).toBe(s.validResponses)
          if (item.rate !== null) expect(item.rate).toBeGreaterThanOrEqual(0)
          if (item.rate !== null) expect(item.rate).toBeLessThanOrEqual(1)
        }
        if (s.satisfied) {
          expect(ratioValue(s.satisfied)).toBeGreaterThanOrEqual(0)
          expect(ratioValue(s.satisfied)).toBeLessThanOrEqual(1)
          expect(s.marginOfError).toBeGreaterThanOrEqual(0)
        }
      }),
    )
  })

  test('an import is all or nothing: one bad cell anywhere refuses every row', () => {
    fc.assert(
      fc.property(fc.array(goodRow, { minLength: 1, maxLength: 30 }), fc.nat(), fc.constantFrom('很满意', '6', '0', '个体户'), (rows, at, bad) => {
        const cells = rows.map((r, i) => [String(i + 1), ...r])
        const target = cells[at % cells.length]!
        target[bad === '个体户' ? 3 : 1] = bad
        const result = parseSurveyResponses(Q, table(cells), { ...MAPPING, likertCoding: 'one-best' })
        expect(result.ok).toBe(false)
        expect(!result.ok && result.problems.some((p) => p.row === (at % cells.length) + 2)).toBe(true)
      }),
    )
  })
})
