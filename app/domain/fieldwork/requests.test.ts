import { describe, expect, it } from 'vitest'
import { adoptionLabel, answerClosed, isRequestOverdue, nextRequestStatus, requestStatusLabel } from './requests'

describe('document requests', () => {
  it('an upload submits (again after 需补充), the agency confirms or asks for more only what was submitted', () => {
    expect(nextRequestStatus('pending', 'upload')).toEqual({ ok: true, status: 'submitted' })
    expect(nextRequestStatus('more_needed', 'upload')).toEqual({ ok: true, status: 'submitted' })
    expect(nextRequestStatus('submitted', 'upload')).toEqual({ ok: true, status: 'submitted' })
    expect(nextRequestStatus('confirmed', 'upload')).toMatchObject({ ok: false, message: '该资料已确认，无需再上传' })
    expect(nextRequestStatus('submitted', 'confirm')).toEqual({ ok: true, status: 'confirmed' })
    expect(nextRequestStatus('submitted', 'more')).toEqual({ ok: true, status: 'more_needed' })
    expect(nextRequestStatus('pending', 'confirm')).toMatchObject({ ok: false })
    expect(nextRequestStatus('more_needed', 'more')).toMatchObject({ ok: false })
    expect(nextRequestStatus('confirmed', 'more')).toMatchObject({ ok: false, message: '该资料已确认' })
  })

  it('is overdue after its due date while the unit still owes it, not on the day itself', () => {
    expect(isRequestOverdue({ status: 'pending', dueDate: '2026-03-01' }, '2026-03-01')).toBe(false)
    expect(isRequestOverdue({ status: 'pending', dueDate: '2026-03-01' }, '2026-03-02')).toBe(true)
    expect(isRequestOverdue({ status: 'more_needed', dueDate: '2026-03-01' }, '2026-03-02')).toBe(true)
    expect(isRequestOverdue({ status: 'submitted', dueDate: '2026-03-01' }, '2026-03-02')).toBe(false)
    expect(isRequestOverdue({ status: 'confirmed', dueDate: '2026-03-01' }, '2026-03-02')).toBe(false)
  })

  it('labels', () => {
    expect(['pending', 'submitted', 'more_needed', 'confirmed'].map(requestStatusLabel)).toEqual(['待提交', '已提交', '需补充', '已确认'])
    expect([null, 'adopted', 'partly', 'not_adopted'].map(adoptionLabel)).toEqual(['待处理', '采纳', '部分采纳', '不采纳'])
  })
})

describe('the feedback deadline', () => {
  it('takes answers through the deadline day and refuses after it, naming the date', () => {
    expect(answerClosed('2026-03-10', '2026-03-10')).toBeNull()
    expect(answerClosed('2026-03-10', '2026-03-11')).toBe('征求意见已于 2026-03-10 截止，不能再提交意见')
  })
})
