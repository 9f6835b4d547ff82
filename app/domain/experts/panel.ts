// The panel after the draw: filling a vacated seat from the reserves, and when the panel is ready
// for the 专家评审 stage.

export type SeatKind = 'drawn' | 'reserve' | 'manual'
export type SeatStatus = 'waiting' | 'invited' | 'accepted' | 'declined' | 'expired' | 'withdrawn'

export type SeatState = {
  id: string
  expertId: string
  kind: SeatKind
  specialtyCode: string | null
  position: number
  status: SeatStatus
  certified: boolean
}

/** Statuses that leave the seat empty and call for a reserve. */
export const VACATING_STATUSES: readonly SeatStatus[] = ['declined', 'expired', 'withdrawn']

/**
 * The reserve that takes `vacated`'s place: the waiting reserve with the lowest position whose expert
 * has the vacated seat's specialty (any waiting reserve, for an open seat); null when none fits.
 */
export function nextReserveFor(
  vacated: SeatState,
  seats: SeatState[],
  expertSpecialties: Record<string, string[]>,
): SeatState | null {
  let best: SeatState | null = null
  for (const s of seats) {
    if (s.kind !== 'reserve' || s.status !== 'waiting' || s.id === vacated.id) continue
    if (
      vacated.specialtyCode !== null &&
      !(expertSpecialties[s.expertId] ?? []).includes(vacated.specialtyCode)
    )
      continue
    if (best === null || s.position < best.position) best = s
  }
  return best
}

/**
 * Ready = exactly `size` accepted seats (drawn or manual; reserves waiting in line do not count) and
 * every one of them has signed the declaration. `names` maps expert id → name for the messages.
 */
export function panelReadiness(
  size: number,
  seats: SeatState[],
  names: Record<string, string> = {},
): { ready: boolean; problems: string[] } {
  const problems: string[] = []
  const accepted = seats
    .filter((s) => s.kind !== 'reserve' && s.status === 'accepted')
    .sort((a, b) => a.position - b.position)
  if (accepted.length < size) problems.push(`尚有 ${size - accepted.length} 个席位未接受邀请`)
  if (accepted.length > size)
    problems.push(`已接受邀请的专家 ${accepted.length} 人，超过专家组人数 ${size} 人`)
  for (const s of accepted) {
    if (!s.certified) problems.push(`${names[s.expertId] ?? `第 ${s.position} 席专家`}尚未签署回避与保密承诺`)
  }
  return { ready: problems.length === 0, problems }
}

/** Whether an invitation due by `replyBy` (ISO-8601) has gone unanswered past its deadline at `nowIso`. */
export function replyOverdue(replyBy: string | null, nowIso: string): boolean {
  if (replyBy === null) return false
  const due = Date.parse(replyBy)
  const now = Date.parse(nowIso)
  return Number.isFinite(due) && Number.isFinite(now) && now > due
}

export const MIN_MANUAL_REASON = 10
export const MAX_MANUAL_REASON = 500

/** A manual appointment bypasses the draw, so it needs a written reason; null when acceptable. */
export function validateManualReason(reason: string): string | null {
  const length = [...reason.trim()].length
  if (length === 0) return '请填写人工指定的理由'
  if (length < MIN_MANUAL_REASON)
    return `人工指定的理由至少 ${MIN_MANUAL_REASON} 个字，请写明为何不能随机抽取（如稀缺专业）`
  if (length > MAX_MANUAL_REASON) return `人工指定的理由不超过 ${MAX_MANUAL_REASON} 个字`
  return null
}

/** What a new panel form starts from (conventional practice, REFERENCE.md §6). */
export const PANEL_DEFAULTS = { size: 5, reserveCount: 2, maxDrawsPerYear: 6, lookbackYears: 3, replyHours: 48, reviewDays: '1' } as const
