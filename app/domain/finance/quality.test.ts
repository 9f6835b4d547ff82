import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkRating,
  DEFAULT_QUALITY_CONFIG,
  formatScore,
  FULL_MARKS,
  outcomeOf,
  parseItemScore,
  qualityGradeOf,
  validateBands,
  validateConfig,
  validateItems,
  type QualityConfig,
  type RatingInput,
} from './quality'

const full = (config: QualityConfig = DEFAULT_QUALITY_CONFIG): RatingInput => ({
  scores: config.items.map((item) => ({ score: item.points, reason: '' })),
  veto: false,
  vetoReason: '',
})

describe('the default form', () => {
  it('is the seven items of §5.4 adding to 100, with bands 90 / 80 / 60', () => {
    expect(DEFAULT_QUALITY_CONFIG.items.map((i) => `${i.name} ${formatScore(i.points)}`)).toEqual([
      '独立性与合规 10',
      '评价方案 15',
      '数据采集与现场核查 15',
      '工作底稿 20',
      '报告质量 25',
      '时效与配合 10',
      '保密与纪律 5',
    ])
    expect(validateConfig(DEFAULT_QUALITY_CONFIG)).toEqual({})
  })
})

describe('validating a configured item list', () => {
  it('names each wrong row and the total', () => {
    expect(
      validateItems([
        { name: '', points: 5000 },
        { name: '报告质量', points: 2550 },
        { name: '报告质量', points: 0 },
      ]),
    ).toEqual({
      'items.0.name': '请填写第 1 项的名称',
      'items.1.points': '第 2 项「报告质量」的分值须为正整数',
      'items.2.name': '第 3 项「报告质量」与前面的项目重名',
      'items.2.points': '第 3 项「报告质量」的分值须为正整数',
    })
    expect(validateItems([{ name: '报告质量', points: 6000 }, { name: '工作底稿', points: 3000 }])).toEqual({ items: '各项分值合计须为 100 分，现为 90 分' })
    expect(validateItems([])).toEqual({ items: '至少需要一个评价项目' })
    expect(validateItems(Array.from({ length: 21 }, (_, i) => ({ name: `项${i}`, points: 100 })))).toEqual({ items: '评价项目不能超过 20 个' })
    expect(validateItems([{ name: '长'.repeat(51), points: FULL_MARKS }])['items.0.name']).toContain('不能超过 50 个字符')
    expect(validateItems([{ name: '全部', points: FULL_MARKS }])).toEqual({})
  })

  it('wants bands strictly descending within (0, 100]', () => {
    expect(validateBands({ excellent: 9000, good: 8000, pass: 6000 })).toEqual({})
    expect(validateBands({ excellent: 8500, good: 8500, pass: 6000 })).toEqual({ 'bands.good': '「良好」的分数线须低于「优秀」' })
    expect(validateBands({ excellent: 9000, good: 7000, pass: 7500 })).toEqual({ 'bands.pass': '「合格」的分数线须低于「良好」' })
    expect(validateBands({ excellent: 10_050, good: 8000, pass: 0 })).toEqual({
      'bands.excellent': '「优秀」的分数线须大于 0 且不超过 100 分',
      'bands.pass': '「合格」的分数线须大于 0 且不超过 100 分',
    })
  })
})

describe('parsing an item score', () => {
  const item = { name: '评价方案', points: 1500 }
  it('takes half points from 0 to the item’s points, empty as not yet scored', () => {
    expect(parseItemScore('12.5', item)).toEqual({ ok: true, value: 1250 })
    expect(parseItemScore(' 15 ', item)).toEqual({ ok: true, value: 1500 })
    expect(parseItemScore('0', item)).toEqual({ ok: true, value: 0 })
    expect(parseItemScore('', item)).toEqual({ ok: true, value: null })
    for (const bad of ['15.5', '12.25', '-1', 'abc', '1e3', 'NaN', '9'.repeat(30)]) {
      expect(parseItemScore(bad, item), bad).toEqual({ ok: false, message: '「评价方案」的得分须在 0 至 15 分之间，以 0.5 分为单位' })
    }
  })
})

describe('a rating', () => {
  it('adds the scores and grades the total (hand-computed)', () => {
    // 10 + 13.5 + 12 + 16 + 20.5 + 8 + 5 = 85 → 良好
    const scores = [1000, 1350, 1200, 1600, 2050, 800, 500].map((score) => ({ score, reason: '有瑕疵' }))
    const input = { scores, veto: false, vetoReason: '' }
    expect(checkRating(DEFAULT_QUALITY_CONFIG, input, 'submit')).toEqual({})
    expect(outcomeOf(DEFAULT_QUALITY_CONFIG, input)).toEqual({ total: 8500, grade: 'good' })
    expect(outcomeOf(DEFAULT_QUALITY_CONFIG, full())).toEqual({ total: 10_000, grade: 'excellent' })
  })

  it('grades at the boundaries: a band’s lower bound belongs to it', () => {
    const bands = DEFAULT_QUALITY_CONFIG.bands
    expect([9000, 8999, 8000, 7950, 6000, 5950, 0].map((t) => qualityGradeOf(t, bands, false))).toEqual(['excellent', 'good', 'good', 'pass', 'pass', 'fail', 'fail'])
    expect(qualityGradeOf(10_000, bands, true)).toBe('fail')
  })

  it('leaves the grade open in a draft until every item is scored, unless vetoed', () => {
    const draft: RatingInput = { ...full(), scores: full().scores.map((s, i) => (i === 3 ? { score: null, reason: '' } : s)) }
    expect(checkRating(DEFAULT_QUALITY_CONFIG, draft, 'draft')).toEqual({})
    expect(outcomeOf(DEFAULT_QUALITY_CONFIG, draft)).toEqual({ total: 8000, grade: null })
    expect(outcomeOf(DEFAULT_QUALITY_CONFIG, { ...draft, veto: true })).toEqual({ total: 8000, grade: 'fail' })
  })

  it('on submit wants every score, a reason below full marks, and a reason for a veto', () => {
    const input: RatingInput = {
      scores: [{ score: null, reason: '' }, { score: 1400, reason: '' }, ...full().scores.slice(2)],
      veto: true,
      vetoReason: '',
    }
    expect(checkRating(DEFAULT_QUALITY_CONFIG, input, 'submit')).toEqual({
      'scores.0.score': '请为「独立性与合规」打分',
      'scores.1.reason': '「评价方案」未得满分，请填写扣分理由',
      vetoReason: '一票否决须写明理由（如弄虚作假、串通等严重违规事实）',
    })
    expect(checkRating(DEFAULT_QUALITY_CONFIG, { ...full(), scores: full().scores.slice(1) }, 'draft')).toEqual({ _form: '评价项目已调整，请刷新后重新填写' })
    expect(checkRating(DEFAULT_QUALITY_CONFIG, { ...full(), vetoReason: '长'.repeat(1001) }, 'draft').vetoReason).toContain('不能超过 1000 个字符')
  })

  it('refuses scores off the half-point grid or above the item even when they bypass parsing', () => {
    const scores = full().scores.map((s, i) => (i === 0 ? { score: 1010, reason: 'x' } : i === 1 ? { score: 1525, reason: 'x' } : s))
    expect(Object.keys(checkRating(DEFAULT_QUALITY_CONFIG, { ...full(), scores }, 'draft'))).toEqual(['scores.0.score', 'scores.1.score'])
  })
})

describe('properties', () => {
  /** A valid config: 1–10 items of whole points adding to 100, and descending bands. */
  const config: fc.Arbitrary<QualityConfig> = fc
    .array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 10 })
    .map((cuts) => {
      const marks = [...new Set(cuts.filter((c) => c < 100))].sort((a, b) => a - b)
      const bounds = [0, ...marks, 100]
      return bounds.slice(1).map((b, i) => ({ name: `项目${i + 1}`, points: (b - bounds[i]!) * 100 }))
    })
    .chain((items) =>
      fc
        .uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 3, maxLength: 3 })
        .map((cuts) => {
          const [pass, good, excellent] = [...cuts].sort((a, b) => a - b).map((c) => c * 50) as [number, number, number]
          return { items, bands: { excellent, good, pass } }
        }),
    )

  const rated = config.chain((c) =>
    fc.record({
      config: fc.constant(c),
      input: fc.record({
        scores: fc.tuple(...c.items.map((item) => fc.integer({ min: 0, max: item.points / 50 }).map((steps) => ({ score: steps * 50, reason: '扣分理由' })))),
        veto: fc.boolean(),
        vetoReason: fc.constant('串通'),
      }),
    }),
  )

  it('the generated configs are valid', () => {
    fc.assert(
      fc.property(config, (c) => {
        expect(validateConfig(c)).toEqual({})
      }),
    )
  })

  it('a complete rating is submittable, totals at most 100, and a veto always means 不合格', () => {
    fc.assert(
      fc.property(rated, ({ config, input }) => {
        expect(checkRating(config, input, 'submit')).toEqual({})
        const { total, grade } = outcomeOf(config, input)
        expect(total).toBeGreaterThanOrEqual(0)
        expect(total).toBeLessThanOrEqual(FULL_MARKS)
        if (input.veto) expect(grade).toBe('fail')
        else expect(grade).toBe(qualityGradeOf(total, config.bands, false))
      }),
    )
  })

  it('the grade never falls as the total rises (without a veto)', () => {
    const rank = { fail: 0, pass: 1, good: 2, excellent: 3 } as const
    fc.assert(
      fc.property(config, fc.integer({ min: 0, max: FULL_MARKS }), fc.integer({ min: 0, max: FULL_MARKS }), (c, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(rank[qualityGradeOf(lo, c.bands, false)]).toBeLessThanOrEqual(rank[qualityGradeOf(hi, c.bands, false)])
      }),
    )
  })
})
