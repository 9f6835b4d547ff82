// 资料清单 and 征求意见 as pure rules: a request's statuses and moves, when it is overdue, and whether
// an answer to the consultation draft is still on time. Dates are Beijing calendar dates (YYYY-MM-DD).
import { ADOPTION_LABELS, type FeedbackItem } from '../../../reports/model'

export type RequestStatus = 'pending' | 'submitted' | 'more_needed' | 'confirmed'

export const REQUEST_STATUSES: readonly { code: RequestStatus; label: string }[] = [
  { code: 'pending', label: '待提交' },
  { code: 'submitted', label: '已提交' },
  { code: 'more_needed', label: '需补充' },
  { code: 'confirmed', label: '已确认' },
]

export function requestStatusLabel(status: string): string {
  return REQUEST_STATUSES.find((s) => s.code === status)?.label ?? status
}

export type RequestMove = 'upload' | 'confirm' | 'more'

/** Where a move takes a request, or why it may not be made now (Chinese). */
export function nextRequestStatus(from: RequestStatus, move: RequestMove): { ok: true; status: RequestStatus } | { ok: false; message: string } {
  if (move === 'upload') return from === 'confirmed' ? { ok: false, message: '该资料已确认，无需再上传' } : { ok: true, status: 'submitted' }
  if (from !== 'submitted') return { ok: false, message: from === 'confirmed' ? '该资料已确认' : '被评价单位尚未提交新的资料' }
  return { ok: true, status: move === 'confirm' ? 'confirmed' : 'more_needed' }
}

/** Overdue: the due date has passed and the unit still owes the document (nothing sent, or more asked). */
export function isRequestOverdue(r: { status: string; dueDate: string }, today: string): boolean {
  return (r.status === 'pending' || r.status === 'more_needed') && today > r.dueDate
}

export type Adoption = FeedbackItem['adoption']

/** The agency's decision on a point, named as the report's annex names it. */
export const ADOPTIONS: readonly { code: Adoption; label: string }[] = (['adopted', 'partly', 'not_adopted'] as const).map((code) => ({ code, label: ADOPTION_LABELS[code] }))

export function adoptionLabel(code: string | null): string {
  return ADOPTIONS.find((a) => a.code === code)?.label ?? '待处理'
}

/** Why an answer to the consultation draft is refused on `today`, or null while it is on time. */
export function answerClosed(deadline: string, today: string): string | null {
  return today > deadline ? `征求意见已于 ${deadline} 截止，不能再提交意见` : null
}
