import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { beijingDate, completionRate, isOverdue, mayConfirm, nextStatus, problemLines, RECTIFICATION_STATUSES, tally, type RectificationEvent } from './rectification'

describe('an item’s lifecycle', () => {
  test('待确认 → 整改中 → 已报告 → 已通过, and 不通过 returns it to 整改中', () => {
    expect(nextStatus('pending', 'confirm')).toEqual({ ok: true, status: 'in_progress' })
    expect(nextStatus('in_progress', 'report')).toEqual({ ok: true, status: 'reported' })
    expect(nextStatus('reported', 'report')).toEqual({ ok: true, status: 'reported' })
    expect(nextStatus('reported', 'fail')).toEqual({ ok: true, status: 'in_progress' })
    expect(nextStatus('reported', 'pass')).toEqual({ ok: true, status: 'passed' })
  })

  test('nothing else moves it, and each refusal says why in Chinese', () => {
    expect(nextStatus('pending', 'report')).toEqual({ ok: false, message: '该整改事项尚未确认，不能报告进展' })
    expect(nextStatus('in_progress', 'pass')).toEqual({ ok: false, message: '被评价单位尚未报告整改情况，暂不能核验' })
    expect(nextStatus('passed', 'report')).toMatchObject({ ok: false })
    expect(nextStatus('passed', 'fail')).toMatchObject({ ok: false })
    expect(nextStatus('in_progress', 'confirm')).toMatchObject({ ok: false })
  })

  test('a passed item stays passed, whatever happens next (property)', () => {
    const events: RectificationEvent[] = ['confirm', 'report', 'pass', 'fail']
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 30 }), (seq) => {
        let status = RECTIFICATION_STATUSES[0].code as (typeof RECTIFICATION_STATUSES)[number]['code']
        let passed = false
        for (const event of seq) {
          const next = nextStatus(status, event)
          if (next.ok) status = next.status
          if (status === 'passed') passed = true
          if (passed && status !== 'passed') return false
        }
        return true
      }),
    )
  })

  test('the reviewer confirms anything; the agency only what the bureau proposed', () => {
    expect(mayConfirm('agency', 'bureau')).toBe(true)
    expect(mayConfirm('bureau', 'bureau')).toBe(true)
    expect(mayConfirm('bureau', 'agency')).toBe(true)
    expect(mayConfirm('agency', 'agency')).toBe(false)
  })
})

describe('overdue and rates', () => {
  test('overdue the day after the deadline (Beijing date), unless passed or not yet confirmed', () => {
    expect(isOverdue({ status: 'in_progress', deadline: '2026-06-30' }, '2026-06-30')).toBe(false)
    expect(isOverdue({ status: 'in_progress', deadline: '2026-06-30' }, '2026-07-01')).toBe(true)
    expect(isOverdue({ status: 'reported', deadline: '2026-06-30' }, '2026-07-01')).toBe(true)
    expect(isOverdue({ status: 'passed', deadline: '2026-06-30' }, '2026-07-01')).toBe(false)
    expect(isOverdue({ status: 'pending', deadline: '2026-06-30' }, '2026-07-01')).toBe(false)
    // 16:30 UTC on 30 June is already 1 July in Beijing.
    expect(beijingDate(new Date('2026-06-30T16:30:00Z'))).toBe('2026-07-01')
    expect(beijingDate(new Date('2026-06-30T15:59:59Z'))).toBe('2026-06-30')
  })

  test('rates count confirmed items; nothing due has no rate', () => {
    const items = [
      { status: 'pending', deadline: '2026-01-01' },
      { status: 'passed', deadline: '2026-01-01' },
      { status: 'in_progress', deadline: '2026-01-01' },
      { status: 'reported', deadline: '2027-01-01' },
    ]
    expect(tally(items, '2026-06-01')).toEqual({ total: 3, passed: 1, overdue: 1 })
    expect(completionRate({ total: 3, passed: 1 })).toBe(33)
    expect(completionRate({ total: 0, passed: 0 })).toBeNull()
  })
})

describe('drafts from the report’s 存在的问题', () => {
  test('one per non-empty line, numbering removed', () => {
    const text = '一是产出数量方面（得分率80%）：台账不全。\n\n二是资金管理方面：支出进度滞后。\n（三）制度不健全\n4. 绩效目标不细\n5、满意度偏低\n① 档案缺失\n没有编号的一行'
    expect(problemLines(text)).toEqual(['产出数量方面（得分率80%）：台账不全。', '资金管理方面：支出进度滞后。', '制度不健全', '绩效目标不细', '满意度偏低', '档案缺失', '没有编号的一行'])
    expect(problemLines('  \n\r\n')).toEqual([])
    expect(problemLines(Array.from({ length: 80 }, (_, i) => `问题${i}`).join('\n'))).toHaveLength(50)
  })
})
