// 整改: the lifecycle of a rectification item, who may confirm it, when it is overdue, how a report's
// 存在的问题 becomes item drafts, and completion rates. Pure: callers pass "today" and rows as data.

export const RECTIFICATION_STATUSES = [
  { code: 'pending', label: '待确认' },
  { code: 'in_progress', label: '整改中' },
  { code: 'reported', label: '已报告' },
  { code: 'passed', label: '已通过' },
] as const
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number]['code']

/** 未通过 is not a resting status: 不通过 returns the item to 整改中 with the reason in its history. */
export const FAILED_LABEL = '未通过'

export function rectificationStatusLabel(code: string): string {
  return RECTIFICATION_STATUSES.find((s) => s.code === code)?.label ?? code
}

/** Which side proposed or confirms an item: the commissioning bureau or the agency's team. */
export type Side = 'bureau' | 'agency'

/**
 * An item reaches the unit once the other side agrees, or the reviewer does: the bureau commissioned
 * the evaluation and may confirm any item; the agency confirms only what the bureau proposed.
 */
export function mayConfirm(proposedBy: Side, confirmer: Side): boolean {
  return confirmer === 'bureau' || proposedBy === 'bureau'
}

export type RectificationEvent = 'confirm' | 'report' | 'pass' | 'fail'

/** The status after an event, or the Chinese reason it cannot happen now. */
export function nextStatus(status: RectificationStatus, event: RectificationEvent): { ok: true; status: RectificationStatus } | { ok: false; message: string } {
  switch (event) {
    case 'confirm':
      return status === 'pending' ? { ok: true, status: 'in_progress' } : { ok: false, message: '该整改事项已确认' }
    case 'report':
      // A unit may add to a report the reviewer has not judged yet.
      if (status === 'in_progress' || status === 'reported') return { ok: true, status: 'reported' }
      return { ok: false, message: status === 'passed' ? '该整改事项已通过核验，不能再报告' : '该整改事项尚未确认，不能报告进展' }
    case 'pass':
    case 'fail':
      if (status === 'reported') return { ok: true, status: event === 'pass' ? 'passed' : 'in_progress' }
      return { ok: false, message: status === 'passed' ? '该整改事项已通过核验' : '被评价单位尚未报告整改情况，暂不能核验' }
  }
}

/** Past its deadline (the last day, Beijing date) and not passed; an unconfirmed proposal is not yet anyone's duty. */
export function isOverdue(item: { status: string; deadline: string }, today: string): boolean {
  return item.status !== 'pending' && item.status !== 'passed' && today > item.deadline
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000

/** The calendar date in Beijing (UTC+8, no daylight saving) at an instant: deadlines are Beijing dates. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

// 「一是」「（一）」「1.」「1、」「(1)」「①」 and the like at the start of a line.
const NUMBERING = /^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．)）]|[①-⑳])\s*/

export const MAX_DRAFT_ITEMS = 50

/** One item draft per non-empty line of a report's 存在的问题, its numbering removed. */
export function problemLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(NUMBERING, '').trim())
    .filter((line) => line !== '')
    .slice(0, MAX_DRAFT_ITEMS)
}

export type RateRow = { total: number; passed: number; overdue: number }

/** 整改完成率 as a whole percent, or null when nothing was due. */
export function completionRate(row: { total: number; passed: number }): number | null {
  return row.total === 0 ? null : Math.round((row.passed / row.total) * 100)
}

/** Counts confirmed items (pending proposals are left out) into total / passed / overdue. */
export function tally(items: readonly { status: string; deadline: string }[], today: string): RateRow {
  const confirmed = items.filter((i) => i.status !== 'pending')
  return { total: confirmed.length, passed: confirmed.filter((i) => i.status === 'passed').length, overdue: confirmed.filter((i) => isOverdue(i, today)).length }
}
