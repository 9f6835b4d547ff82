import { describe, expect, it } from 'vitest'
import { nextReserveFor, panelReadiness, replyOverdue, validateManualReason, type SeatState } from './panel'

function seat(id: string, overrides: Partial<SeatState> = {}): SeatState {
  return {
    id,
    expertId: `X${id}`,
    kind: 'drawn',
    specialtyCode: null,
    position: 1,
    status: 'accepted',
    certified: true,
    ...overrides,
  }
}

const specialties: Record<string, string[]> = {
  XR1: ['education'],
  XR2: ['finance', 'audit'],
  XR3: ['finance'],
  XR4: [],
}

describe('nextReserveFor', () => {
  const reserves = [
    seat('R3', { kind: 'reserve', position: 3, status: 'waiting', specialtyCode: null }),
    seat('R1', { kind: 'reserve', position: 1, status: 'waiting', specialtyCode: 'education' }),
    seat('R2', { kind: 'reserve', position: 2, status: 'waiting', specialtyCode: 'finance' }),
    seat('R4', { kind: 'reserve', position: 4, status: 'waiting', specialtyCode: null }),
  ]

  it('takes the first waiting reserve with the vacated seat’s specialty', () => {
    const vacated = seat('S1', { specialtyCode: 'finance', status: 'declined' })
    expect(nextReserveFor(vacated, [vacated, ...reserves], specialties)?.id).toBe('R2')
  })

  it('takes the first waiting reserve of any specialty for an open seat', () => {
    const vacated = seat('S1', { specialtyCode: null, status: 'declined' })
    expect(nextReserveFor(vacated, [vacated, ...reserves], specialties)?.id).toBe('R1')
  })

  it('skips reserves already invited, declined or promoted', () => {
    const vacated = seat('S1', { specialtyCode: 'finance', status: 'expired' })
    const used = reserves.map((r) => (r.id === 'R2' ? { ...r, status: 'invited' as const } : r))
    expect(nextReserveFor(vacated, used, specialties)?.id).toBe('R3')
  })

  it('returns null when no reserve fits', () => {
    const vacated = seat('S1', { specialtyCode: 'law', status: 'declined' })
    expect(nextReserveFor(vacated, reserves, specialties)).toBeNull()
    expect(nextReserveFor(seat('S1'), [], specialties)).toBeNull()
  })

  it('treats an expert with unknown specialties as having none', () => {
    const vacated = seat('S1', { specialtyCode: 'finance', status: 'declined' })
    expect(
      nextReserveFor(vacated, [seat('R9', { kind: 'reserve', status: 'waiting' })], specialties),
    ).toBeNull()
  })

  it('never hands a seat to a drawn or manual seat, nor to the vacated seat itself', () => {
    const vacatedReserve = seat('R1', { kind: 'reserve', status: 'waiting', specialtyCode: null })
    const others = [
      seat('S2', { kind: 'drawn', status: 'waiting' }),
      seat('S3', { kind: 'manual', status: 'waiting' }),
      vacatedReserve,
    ]
    expect(nextReserveFor(vacatedReserve, others, specialties)).toBeNull()
  })
})

describe('panelReadiness', () => {
  it('is ready with exactly `size` accepted and certified seats', () => {
    const seats = [
      seat('1', { position: 1 }),
      seat('2', { position: 2, kind: 'manual' }),
      seat('3', { position: 3 }),
    ]
    expect(
      panelReadiness(3, [...seats, seat('R', { kind: 'reserve', status: 'waiting', certified: false })]),
    ).toEqual({ ready: true, problems: [] })
  })

  it('counts seats still to accept', () => {
    const seats = [
      seat('1'),
      seat('2', { status: 'invited', certified: false }),
      seat('3', { status: 'declined' }),
      seat('R', { kind: 'reserve', status: 'accepted' }),
    ]
    expect(panelReadiness(3, seats)).toEqual({ ready: false, problems: ['尚有 2 个席位未接受邀请'] })
    expect(panelReadiness(5, [])).toEqual({ ready: false, problems: ['尚有 5 个席位未接受邀请'] })
  })

  it('names accepted experts who have not certified, by position', () => {
    const seats = [
      seat('2', { position: 2, expertId: 'B', certified: false }),
      seat('1', { position: 1, expertId: 'A', certified: false }),
      seat('3', { position: 3 }),
    ]
    expect(panelReadiness(3, seats, { A: '张教授' }).problems).toEqual([
      '张教授尚未签署回避与保密承诺',
      '第 2 席专家尚未签署回避与保密承诺',
    ])
  })

  it('reports more accepted seats than the panel size', () => {
    const seats = [seat('1'), seat('2'), seat('3'), seat('4')]
    expect(panelReadiness(3, seats).problems).toEqual(['已接受邀请的专家 4 人，超过专家组人数 3 人'])
  })
})

describe('replyOverdue', () => {
  it('is overdue only strictly after the deadline', () => {
    expect(replyOverdue('2026-05-20T08:00:00.000Z', '2026-05-20T07:59:59.999Z')).toBe(false)
    expect(replyOverdue('2026-05-20T08:00:00.000Z', '2026-05-20T08:00:00.000Z')).toBe(false)
    expect(replyOverdue('2026-05-20T08:00:00.000Z', '2026-05-20T08:00:00.001Z')).toBe(true)
  })

  it('compares instants, not text', () => {
    expect(replyOverdue('2026-05-20T08:00:00Z', '2026-05-20T08:00:00.500Z')).toBe(true)
  })

  it('is never overdue without a deadline or with an unreadable time', () => {
    expect(replyOverdue(null, '2099-01-01T00:00:00.000Z')).toBe(false)
    expect(replyOverdue('soon', '2099-01-01T00:00:00.000Z')).toBe(false)
  })
})

describe('validateManualReason', () => {
  it('requires a written reason of at least 10 characters', () => {
    expect(validateManualReason('')).toBe('请填写人工指定的理由')
    expect(validateManualReason('   ')).toBe('请填写人工指定的理由')
    expect(validateManualReason('稀缺专业需要指定')).toBe(
      '人工指定的理由至少 10 个字，请写明为何不能随机抽取（如稀缺专业）',
    )
    expect(validateManualReason('  核电安全专业库内仅一人，无法抽取  ')).toBeNull()
  })

  it('counts characters, not UTF-16 units, and caps the length', () => {
    expect(validateManualReason('𠮷'.repeat(9))).not.toBeNull()
    expect(validateManualReason('𠮷'.repeat(10))).toBeNull()
    expect(validateManualReason('理'.repeat(501))).toBe('人工指定的理由不超过 500 个字')
  })
})
