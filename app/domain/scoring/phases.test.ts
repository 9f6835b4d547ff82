import { describe, expect, it } from 'vitest'
import type { ScoringAction, ScoringPhase, ScoringViewer } from './phases'
import { PHASE_TABLE, SCORING_ACTIONS, SCORING_PHASES, SCORING_VIEWERS, scoringAllows } from './phases'

function allowed(phase: ScoringPhase, viewer: ScoringViewer): ScoringAction[] {
  return SCORING_ACTIONS.filter((action) => scoringAllows(phase, viewer, action))
}

describe('scoringAllows', () => {
  it('in scoring, lets only the expert see and edit their own sheet; the lead follows every score and opens the discussion', () => {
    expect(allowed('scoring', 'expert_self')).toEqual(['see_own_scores', 'edit_own_scores'])
    expect(allowed('scoring', 'lead')).toEqual(['see_other_expert_scores', 'see_consolidated', 'open_discussion'])
    for (const viewer of [
      'expert_other_submitted',
      'expert_other_unsubmitted',
      'agency_staff',
      'finance',
      'unit',
    ] as const) {
      expect(allowed('scoring', viewer)).toEqual([])
    }
  })

  it('in discussion, shows per-expert scores to the lead, agency staff and experts who submitted; experts rescore', () => {
    expect(allowed('discussion', 'expert_self')).toEqual(['see_own_scores', 'rescore'])
    expect(allowed('discussion', 'expert_other_submitted')).toEqual([
      'see_other_expert_scores',
      'see_consolidated',
    ])
    expect(allowed('discussion', 'expert_other_unsubmitted')).toEqual([])
    expect(allowed('discussion', 'lead')).toEqual(['see_other_expert_scores', 'see_consolidated', 'close'])
    expect(allowed('discussion', 'agency_staff')).toEqual(['see_other_expert_scores', 'see_consolidated'])
    expect(allowed('discussion', 'finance')).toEqual([])
    expect(allowed('discussion', 'unit')).toEqual([])
  })

  it('once closed, is read-only and shows finance and the unit the consolidated result only', () => {
    for (const viewer of SCORING_VIEWERS) {
      for (const action of ['edit_own_scores', 'rescore', 'open_discussion', 'close'] as const) {
        expect(scoringAllows('closed', viewer, action)).toBe(false)
      }
    }
    expect(allowed('closed', 'finance')).toEqual(['see_consolidated'])
    expect(allowed('closed', 'unit')).toEqual(['see_consolidated'])
    expect(allowed('closed', 'expert_other_submitted')).toEqual(['see_consolidated'])
  })

  it('defines every phase × viewer with one boolean per action', () => {
    expect(Object.keys(PHASE_TABLE).sort()).toEqual([...SCORING_PHASES].sort())
    for (const phase of SCORING_PHASES) {
      expect(Object.keys(PHASE_TABLE[phase]).sort()).toEqual([...SCORING_VIEWERS].sort())
      for (const viewer of SCORING_VIEWERS) {
        const row = PHASE_TABLE[phase][viewer]
        expect(row).toHaveLength(SCORING_ACTIONS.length)
        for (const cell of row) expect(typeof cell).toBe('boolean')
      }
    }
  })

  it('says no to anything outside the table', () => {
    expect(scoringAllows('archived' as ScoringPhase, 'lead', 'close')).toBe(false)
    expect(scoringAllows('discussion', 'admin' as ScoringViewer, 'see_consolidated')).toBe(false)
    expect(scoringAllows('discussion', 'lead', 'delete' as ScoringAction)).toBe(false)
  })
})
