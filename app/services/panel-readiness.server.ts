// Whether an engagement's panel is ready for 专家评审: a separate module so the engagement service
// (the stage gate) and the panel service can both use it without importing each other.
import type { Db, Tx } from '../../db/client.server'
import { factsFingerprint, needsRecertification } from '../domain/experts/declaration'
import { panelReadiness, type SeatState } from '../domain/experts/panel'
import { currentSheet } from '../models/framework.server'
import { employmentsOf, engagementUnitsOf, findPanel, listConflicts, listSeats, type SeatView } from '../models/panel.server'

function seatStates(seats: SeatView[], currentFacts: Map<string, string>): SeatState[] {
  return seats.map((s) => ({
    id: s.id,
    expertId: s.expertId,
    // A reserve called up to a seat counts like a drawn seat once it leaves the waiting line.
    kind: s.kind === 'reserve' && s.status !== 'waiting' ? 'drawn' : s.kind,
    specialtyCode: s.specialtyCode,
    position: s.position,
    status: s.status,
    certified: s.certifiedAt !== null && !needsRecertification(s.textVersion && s.factsHash ? { textVersion: s.textVersion, factsHash: s.factsHash } : null, currentFacts.get(s.expertId) ?? ''),
  }))
}

/** What the expert's declaration covers right now: the units, the current sheet, their employments. */
export function currentFactsHash(db: Db | Tx, engagementId: string, expertId: string): string {
  return factsFingerprint({
    engagementId,
    unitIds: engagementUnitsOf(db, engagementId).map((u) => u.id),
    sheetVersionId: currentSheet(db, engagementId)?.id ?? null,
    employments: employmentsOf(db, expertId),
  })
}

export function readiness(db: Db | Tx, engagementId: string) {
  const panel = findPanel(db, engagementId)
  if (!panel) return { panel: null, seats: [] as SeatView[], ready: false, problems: ['尚未组建专家组'], certified: new Map<string, boolean>() }
  const seats = listSeats(db, panel.id)
  const facts = new Map(seats.map((s) => [s.expertId, currentFactsHash(db, engagementId, s.expertId)]))
  const states = seatStates(seats, facts)
  const names = Object.fromEntries(seats.map((s) => [s.expertId, s.expertName]))
  const verdict = panelReadiness(panel.size, states, names)
  // A conflict found after seating disqualifies the seat: it must be withdrawn and filled again.
  const conflicted = new Set(listConflicts(db, engagementId, { activeOnly: true }).map((c) => c.expertId))
  const conflictProblems = seats
    .filter((s) => (s.status === 'accepted' || s.status === 'invited') && conflicted.has(s.expertId))
    .map((s) => `${s.expertName}与本项目存在回避情形，须撤回该席位并递补`)
  const problems = [...(seats.length === 0 ? ['尚未抽取专家'] : []), ...verdict.problems, ...conflictProblems]
  return { panel, seats, ready: problems.length === 0, problems, certified: new Map(states.map((s) => [s.id, s.certified])) }
}

/** The stage gate for 专家评审: Chinese reasons the panel is not ready, empty when it is. */
export function panelGateProblems(db: Db | Tx, engagementId: string): string[] {
  return readiness(db, engagementId).problems
}

