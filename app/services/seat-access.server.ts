// Whose seat a seat action may touch, asked before the form is read (SECURITY.md §12.1).
import type { Db } from '../../db/client.server'
import type { Actor } from '../domain/permissions'
import { isId } from '../ids.server'
import { expertByUserId, findPanelById, findSeat, isConflicted } from '../models/panel.server'

/**
 * Whether the seat is the expert's own on a panel they are not recused from: another expert's seat
 * is 404 to a seat action whatever the form says, as it is to their pages.
 */
export function isOwnSeat(db: Db, actor: Actor, seatId: string): boolean {
  if (actor.role !== 'expert' || !isId(seatId)) return false
  const expert = expertByUserId(db, actor.userId)
  const seat = findSeat(db, seatId)
  if (!expert || !seat || seat.expertId !== expert.id) return false
  const panel = findPanelById(db, seat.panelId)
  return panel !== undefined && !isConflicted(db, expert.id, panel.engagementId)
}
