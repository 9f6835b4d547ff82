import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { BudgetExecutionInput, MonitoringIndicator, MonitoringIndicatorInput, WarningLevel } from './monitoring'
import {
  assessBudgetExecution,
  assessIndicator,
  DEFAULT_THRESHOLDS,
  elapsedShare,
  monitoringWarnings,
  parseMonitoringIndicator,
  parseThresholdPoints,
  thresholdProblems,
  worstLevel,
} from './monitoring'
import { ratio } from './ratio'

const T = DEFAULT_THRESHOLDS.indicator
const RANK: Record<WarningLevel, number> = { none: 0, yellow: 1, red: 2 }
const WAN = 1_000_000 // fen per 万元

function input(overrides: Partial<MonitoringIndicatorInput> = {}): MonitoringIndicatorInput {
  return {
    name: '门诊服务人次',
    unit: '人次',
    direction: 'positive',
    measure: 'quantitative',
    annualTarget: '1200',
    ytdActual: '650',
    expectedFullYear: '1200',
    cause: '',
    causeNote: '',
    likelihood: 'certain',
    remark: '',
    ...overrides,
  }
}

function indicator(overrides: Partial<MonitoringIndicatorInput> = {}): MonitoringIndicator {
  const parsed = parseMonitoringIndicator(input(overrides))
  if (!parsed.ok) throw new Error(`expected a valid row, got ${JSON.stringify(parsed.problems)}`)
  return parsed.value
}

function rowProblems(overrides: Partial<MonitoringIndicatorInput>) {
  const parsed = parseMonitoringIndicator(input(overrides))
  if (parsed.ok) throw new Error('expected problems')
  return parsed.problems
}

/** A row expected to fall short, with the cause and likelihood that makes it valid. */
const SHORT = { cause: 'funding', likelihood: 'possible' } as const

describe('thresholds', () => {
  test('the defaults are 10 and 20 percentage points and valid', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ budget: { yellow: 1000, red: 2000 }, indicator: { yellow: 1000, red: 2000 } })
    expect(thresholdProblems(DEFAULT_THRESHOLDS)).toEqual([])
  })

  test('yellow must be below red, both within (0, 100]', () => {
    expect(thresholdProblems({ budget: { yellow: 2000, red: 2000 }, indicator: { yellow: 0, red: 10001 } })).toEqual([
      { field: 'budget.red', message: '预算执行的红色预警阈值须大于黄色预警阈值（20 个百分点）' },
      { field: 'indicator.yellow', message: '绩效指标的黄色预警阈值须大于 0 且不超过 100 个百分点' },
      { field: 'indicator.red', message: '绩效指标的红色预警阈值须大于 0 且不超过 100 个百分点' },
    ])
  })

  test('typed thresholds', () => {
    expect(['10', '12.5', '１５', ' 100 '].map((t) => parseThresholdPoints(t))).toEqual([
      { ok: true, value: 1000 },
      { ok: true, value: 1250 },
      { ok: true, value: 1500 },
      { ok: true, value: 10000 },
    ])
    for (const bad of ['0', '100.01', '12.345', '-5', '十', ''])
      expect(parseThresholdPoints(bad)).toEqual({ ok: false, message: '预警阈值须为大于 0、不超过 100 的百分点数（最多两位小数）' })
  })
})

describe('序时进度', () => {
  test('by month: the cut-off month counts as elapsed', () => {
    expect(elapsedShare('2024-07-31', 2024)).toEqual({ ok: true, share: ratio(7, 12) })
    expect(elapsedShare('2024-07-15', 2024, 'month')).toEqual({ ok: true, share: ratio(7, 12) })
  })

  test('by day, leap years included', () => {
    // 2024: 31 + 29 + 31 + 30 + 31 + 30 + 31 = 213 of 366; 2023: 212 of 365
    expect(elapsedShare('2024-07-31', 2024, 'day')).toEqual({ ok: true, share: ratio(213, 366) })
    expect(elapsedShare('2023-07-31', 2023, 'day')).toEqual({ ok: true, share: ratio(212, 365) })
    expect(elapsedShare('2023-01-01', 2023, 'day')).toEqual({ ok: true, share: ratio(1, 365) })
    expect(elapsedShare('2024-12-31', 2024, 'day')).toEqual({ ok: true, share: ratio(366, 366) })
  })

  test('a date that is not one, or outside the budget year', () => {
    expect(elapsedShare('2023-02-29', 2023)).toEqual({ ok: false, message: '监控截止日期须为有效日期（YYYY-MM-DD）' })
    expect(elapsedShare('2024/07/31', 2024)).toEqual({ ok: false, message: '监控截止日期须为有效日期（YYYY-MM-DD）' })
    expect(elapsedShare('2025-01-31', 2024)).toEqual({ ok: false, message: '监控截止日期须在预算年度 2024 年内' })
  })
})

describe('budget execution', () => {
  // Budget 1,200 万元 to 2024-07-31 by month: 序时进度 7/12 = 58.33…%, i.e. 700 万元 of the budget.
  const july = (spentWan: number, extraFen = 0): BudgetExecutionInput => ({
    budgetFen: 1200 * WAN,
    spentFen: spentWan * WAN + extraFen,
    asOf: '2024-07-31',
    year: 2024,
  })
  const assess = (i: BudgetExecutionInput) => {
    const r = assessBudgetExecution(i, DEFAULT_THRESHOLDS.budget)
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    return r.value
  }

  test('exactly 10 points behind is yellow, one fen less behind is not', () => {
    // 580 / 1200 = 48.33…%; 58.33…% − 48.33…% = (700 − 580) / 1200 = 10 points exactly
    const a = assess(july(580))
    expect(a.execution).toEqual(ratio(580 * WAN, 1200 * WAN))
    expect(a.level).toBe('yellow')
    expect(a.gapPoints).toBeCloseTo(10, 9)
    expect(a.reason).toBe(
      '截至 2024-07-31，预算执行率 48.3%（580.00 / 1,200.00 万元），序时进度 58.3%，落后 10.0 个百分点，达到黄色预警线（10 个百分点）',
    )
    expect(assess(july(580, 1)).level).toBe('none')
  })

  test('20 points behind is red; ahead of schedule is never a warning', () => {
    // (700 − 460) / 1200 = 20 points
    expect(assess(july(460)).level).toBe('red')
    expect(assess(july(460, 1)).level).toBe('yellow')
    const ahead = assess(july(820))
    expect(ahead.level).toBe('none')
    // (820 − 700) / 1200 = 10 points ahead
    expect(ahead.reason).toBe('截至 2024-07-31，预算执行率 68.3%（820.00 / 1,200.00 万元），序时进度 58.3%，领先 10.0 个百分点')
    expect(assess(july(700)).reason).toContain('与序时进度持平')
  })

  test('configured thresholds apply', () => {
    const r = assessBudgetExecution(july(640), { yellow: 500, red: 1500 })
    // (700 − 640) / 1200 = 5 points
    expect(r.ok && r.value.level).toBe('yellow')
  })

  test('amounts and dates the form must refuse', () => {
    const r = assessBudgetExecution({ budgetFen: 0, spentFen: -1, asOf: '2024-13-01', year: 2024 }, DEFAULT_THRESHOLDS.budget)
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'budgetFen', message: '预算金额须大于 0' },
        { field: 'spentFen', message: '已支出金额不能为负数' },
        { field: 'asOf', message: '监控截止日期须为有效日期（YYYY-MM-DD）' },
      ],
    })
    const over = assessBudgetExecution(july(1300), DEFAULT_THRESHOLDS.budget)
    expect(over).toEqual({
      ok: false,
      problems: [{ field: 'spentFen', message: '已支出金额（1,300.00 万元）超过预算金额（1,200.00 万元），请按调整后预算填写' }],
    })
  })

  test('property: less spent is never a milder warning', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 12 }),
        fc.nat(),
        fc.nat(),
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('month' as const, 'day' as const),
        (budgetFen, x, y, date, basis) => {
          const [less, more] = [x % (budgetFen + 1), y % (budgetFen + 1)].sort((p, q) => p - q) as [number, number]
          const at = (spentFen: number) => assess({ budgetFen, spentFen, asOf: date.toISOString().slice(0, 10), year: 2024, basis })
          expect(RANK[at(less).level]).toBeGreaterThanOrEqual(RANK[at(more).level])
        },
      ),
    )
  })
})

describe('a monitoring row', () => {
  test('values are read exactly and written canonically', () => {
    expect(indicator({ annualTarget: '1,200.00', ytdActual: '６５０', expectedFullYear: '1200' })).toEqual({ ...input(), cause: null })
    expect(indicator({ unit: '%', annualTarget: '95.50%', ytdActual: '-0.5', expectedFullYear: '96' }).annualTarget).toBe('95.5')
  })

  test('required fields and numbers', () => {
    expect(rowProblems({ name: ' ', annualTarget: '', ytdActual: '约 600', likelihood: '', direction: 'up' as never })).toEqual([
      { field: 'name', message: '指标名称不能为空' },
      { field: 'direction', message: '该指标须选择正向或反向' },
      { field: 'annualTarget', message: '该指标的年度指标值不能为空' },
      { field: 'ytdActual', message: '该指标的当年累计执行情况须为数字（最多 12 位整数、4 位小数）' },
      { field: 'likelihood', message: '该指标须选择完成目标可能性（确定能/有可能/完全不可能）' },
    ])
  })

  test('a shortfall needs a cause, and a likelihood that admits it', () => {
    expect(rowProblems({ expectedFullYear: '1100' })).toEqual([
      { field: 'likelihood', message: '「门诊服务人次」的全年预计完成情况未达到年度指标值，完成目标可能性不能为「确定能」' },
      { field: 'cause', message: '「门诊服务人次」预计存在偏差，请选择偏差原因' },
    ])
    expect(rowProblems({ expectedFullYear: '1100', likelihood: 'possible', cause: 'other' })).toEqual([
      { field: 'causeNote', message: '「门诊服务人次」的偏差原因为「其他」，请说明具体原因' },
    ])
    expect(rowProblems({ expectedFullYear: '1100', likelihood: 'possible', cause: 'weather' })).toEqual([
      { field: 'cause', message: '「门诊服务人次」的偏差原因无效，可选：经费保障/制度保障/人员保障/硬件条件保障/其他' },
    ])
  })

  test('a met target cannot be impossible, and carries no cause', () => {
    expect(rowProblems({ likelihood: 'impossible', cause: 'staffing' })).toEqual([
      { field: 'likelihood', message: '「门诊服务人次」的全年预计完成情况已达到年度指标值，完成目标可能性不能为「完全不可能」' },
    ])
    expect(rowProblems({ causeNote: '人手不足' })).toEqual([
      { field: 'cause', message: '「门诊服务人次」预计能完成年度目标，无需填写偏差原因' },
    ])
  })

  test('an uncertain row on target still explains itself', () => {
    expect(rowProblems({ likelihood: 'possible' })).toEqual([{ field: 'cause', message: '「门诊服务人次」预计存在偏差，请选择偏差原因' }])
    expect(indicator({ likelihood: 'possible', cause: 'facilities' }).cause).toBe('facilities')
  })

  test('a qualitative row keeps its text', () => {
    const q = indicator({ measure: 'qualitative', annualTarget: '群众就医便利度明显提升', ytdActual: '已开通预约挂号', expectedFullYear: '基本实现' })
    expect([q.annualTarget, q.expectedFullYear]).toEqual(['群众就医便利度明显提升', '基本实现'])
    expect(rowProblems({ measure: 'qualitative', expectedFullYear: '' })).toEqual([
      { field: 'expectedFullYear', message: '「门诊服务人次」的全年预计完成情况不能为空' },
    ])
  })
})

describe('indicator warnings', () => {
  test('shortfall against the target, by the indicator thresholds', () => {
    // (1200 − 1080) / 1200 = 10 % -> yellow; (1200 − 960) / 1200 = 20 % -> red; 1081 -> 9.92 % -> none
    const yellow = assessIndicator(indicator({ expectedFullYear: '1080', ...SHORT }), T)
    expect(yellow).toEqual({
      shortfall: 0.1,
      deviationRate: 0.1,
      deviationExpected: true,
      level: 'yellow',
      reason: '全年预计 1080 人次，年度指标值 1200 人次，偏差 10.0%，达到黄色预警线（10 个百分点）',
    })
    expect(assessIndicator(indicator({ expectedFullYear: '960', ...SHORT }), T).level).toBe('red')
    const slight = assessIndicator(indicator({ expectedFullYear: '1081', ...SHORT }), T)
    expect([slight.level, slight.deviationExpected, slight.reason]).toEqual(['none', true, '全年预计 1081 人次，年度指标值 1200 人次，偏差 9.9%'])
  })

  test('decimal targets compare exactly: 0.3 short of 3 is 10 %', () => {
    // (3 − 2.7) / 3 = 0.1 exactly in decimals, though 3 − 2.7 is 0.2999… in binary
    expect(assessIndicator(indicator({ unit: '万元', annualTarget: '3', expectedFullYear: '2.7', ...SHORT }), T).level).toBe('yellow')
  })

  test('exceeding a target reports the deviation but warns nothing', () => {
    const over = assessIndicator(indicator({ expectedFullYear: '1500' }), T)
    // |1500 − 1200| / 1200 = 25 %
    expect([over.level, over.shortfall, over.deviationRate, over.deviationExpected]).toEqual(['none', -0.25, 0.25, false])
  })

  test('反向 indicators fall short by going over', () => {
    // 投诉件数 ≤ 5, expected 6: (6 − 5) / 5 = 20 % -> red
    const complaints = indicator({ name: '有效投诉件数', unit: '件', direction: 'negative', annualTarget: '5', expectedFullYear: '6', ...SHORT })
    expect(assessIndicator(complaints, T).level).toBe('red')
    const zero = indicator({ name: '安全责任事故', unit: '起', direction: 'negative', annualTarget: '0', expectedFullYear: '1', ...SHORT })
    expect(assessIndicator(zero, T)).toMatchObject({ shortfall: null, deviationRate: null, level: 'red', reason: '全年预计 1 起，年度指标值 0 起，指标值为 0 而预计未达到' })
  })

  test('完全不可能 is red whatever the numbers', () => {
    const a = assessIndicator(indicator({ expectedFullYear: '1190', cause: 'institutional', likelihood: 'impossible' }), T)
    expect([a.level, a.reason]).toEqual(['red', '全年预计 1190 人次，年度指标值 1200 人次，偏差 0.8%；完成目标可能性为「完全不可能」'])
  })

  test('qualitative rows are judged by their likelihood', () => {
    const q = (likelihood: string, cause = '') =>
      assessIndicator(indicator({ measure: 'qualitative', annualTarget: '明显提升', expectedFullYear: '有所提升', likelihood, cause }), T).level
    expect([q('certain'), q('possible', 'staffing'), q('impossible', 'funding')]).toEqual(['none', 'yellow', 'red'])
  })

  test('property: a lower expectation is never a milder warning, and higher thresholds never a harsher one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 6 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 9999 }), (target, x, y, t1, t2) => {
        const [low, high] = [x % (2 * target), y % (2 * target)].sort((p, q) => p - q) as [number, number]
        const at = (expected: number, thresholds = T) => {
          const row = expected < target ? { expectedFullYear: String(expected), ...SHORT } : { expectedFullYear: String(expected) }
          return RANK[assessIndicator(indicator({ annualTarget: String(target), ...row }), thresholds).level]
        }
        expect(at(low)).toBeGreaterThanOrEqual(at(high))
        const [yellow, red] = [Math.min(t1, t2), Math.max(t1, t2) + 1]
        expect(at(low, { yellow: yellow + 1, red: red + 1 })).toBeLessThanOrEqual(at(low, { yellow, red }))
      }),
    )
  })
})

describe('the warning list', () => {
  test('red first, the budget before the indicators, table order kept', () => {
    const budget = assessBudgetExecution({ budgetFen: 1200 * WAN, spentFen: 580 * WAN, asOf: '2024-07-31', year: 2024 }, DEFAULT_THRESHOLDS.budget)
    if (!budget.ok) throw new Error('budget')
    const rows = [
      indicator({ name: '甲', expectedFullYear: '1080', ...SHORT }),
      indicator({ name: '乙' }),
      indicator({ name: '丙', expectedFullYear: '900', ...SHORT }),
      indicator({ name: '丁', expectedFullYear: '1000', ...SHORT }),
    ]
    const warnings = monitoringWarnings(rows, budget.value, DEFAULT_THRESHOLDS)
    expect(warnings.map((w) => [w.level, w.subject])).toEqual([
      ['red', '丙'],
      ['yellow', '预算执行进度'],
      ['yellow', '甲'],
      ['yellow', '丁'],
    ])
    expect(worstLevel(warnings.map((w) => w.level))).toBe('red')
    expect(worstLevel([])).toBe('none')
  })
})
