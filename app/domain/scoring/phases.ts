// Who may do what in each scoring phase: one literal table, consulted by every loader, action and
// export, instead of checks scattered over pages.
//
// Viewers describe the requester relative to the scores in question:
// - 'expert_self': a panel expert acting on their own sheet;
// - 'expert_other_submitted' / 'expert_other_unsubmitted': a panel expert, by whether they have
//   submitted their own sheet, asking for anything that shows other experts' scores (their
//   sheets, the matrix, and the consolidated result, which is an aggregate of them);
// - 'lead': the agency's project lead; 'agency_staff': the agency's other staff on the engagement;
// - 'finance': the commissioning finance bureau; 'unit': the evaluated unit.
//
// A submitted sheet is locked by its own state (a later change is a rescore with a reason); this
// table answers only what the phase allows.

export type ScoringPhase = 'scoring' | 'discussion' | 'closed'
export type ScoringViewer =
  | 'expert_self'
  | 'expert_other_submitted'
  | 'expert_other_unsubmitted'
  | 'lead'
  | 'agency_staff'
  | 'finance'
  | 'unit'
export type ScoringAction =
  | 'see_own_scores'
  | 'edit_own_scores'
  | 'see_other_expert_scores'
  | 'see_consolidated'
  | 'rescore'
  | 'open_discussion'
  | 'close'

export const SCORING_PHASES: readonly ScoringPhase[] = ['scoring', 'discussion', 'closed']
export const SCORING_VIEWERS: readonly ScoringViewer[] = [
  'expert_self',
  'expert_other_submitted',
  'expert_other_unsubmitted',
  'lead',
  'agency_staff',
  'finance',
  'unit',
]
/** The column order of every row in PHASE_TABLE. */
export const SCORING_ACTIONS = [
  'see_own_scores',
  'edit_own_scores',
  'see_other_expert_scores',
  'see_consolidated',
  'rescore',
  'open_discussion',
  'close',
] as const satisfies readonly ScoringAction[]

export const PHASE_LABELS: Record<ScoringPhase, string> = {
  scoring: '独立评分',
  discussion: '合议讨论',
  closed: '评分结束',
}

export const VIEWER_LABELS: Record<ScoringViewer, string> = {
  expert_self: '专家本人',
  expert_other_submitted: '已提交的其他专家',
  expert_other_unsubmitted: '未提交的其他专家',
  lead: '项目负责人',
  agency_staff: '机构其他人员',
  finance: '财政部门',
  unit: '被评价单位',
}

export const ACTION_LABELS: Record<ScoringAction, string> = {
  see_own_scores: '查看本人评分',
  edit_own_scores: '修改本人评分',
  see_other_expert_scores: '查看其他专家评分',
  see_consolidated: '查看汇总结果',
  rescore: '重新评分',
  open_discussion: '进入合议',
  close: '结束评分',
}

type Row = readonly [boolean, boolean, boolean, boolean, boolean, boolean, boolean]
const Y = true
const N = false

// prettier-ignore
export const PHASE_TABLE: Record<ScoringPhase, Record<ScoringViewer, Row>> = {
  //                         own  edit  others consol rescore open close
  scoring: {
    expert_self:              [Y,   Y,    N,     N,     N,      N,   N],
    expert_other_submitted:   [N,   N,    N,     N,     N,      N,   N],
    expert_other_unsubmitted: [N,   N,    N,     N,     N,      N,   N],
    // Issue 5: "nobody but the agency's project lead sees per-expert scores until the lead opens
    // the discussion phase" — the lead follows the scores as they come in.
    lead:                     [N,   N,    Y,     Y,     N,      Y,   N],
    agency_staff:             [N,   N,    N,     N,     N,      N,   N],
    finance:                  [N,   N,    N,     N,     N,      N,   N],
    unit:                     [N,   N,    N,     N,     N,      N,   N],
  },
  discussion: {
    expert_self:              [Y,   N,    N,     N,     Y,      N,   N],
    expert_other_submitted:   [N,   N,    Y,     Y,     N,      N,   N],
    expert_other_unsubmitted: [N,   N,    N,     N,     N,      N,   N],
    lead:                     [N,   N,    Y,     Y,     N,      N,   Y],
    agency_staff:             [N,   N,    Y,     Y,     N,      N,   N],
    finance:                  [N,   N,    N,     N,     N,      N,   N],
    unit:                     [N,   N,    N,     N,     N,      N,   N],
  },
  closed: {
    expert_self:              [Y,   N,    N,     N,     N,      N,   N],
    expert_other_submitted:   [N,   N,    N,     Y,     N,      N,   N],
    expert_other_unsubmitted: [N,   N,    N,     N,     N,      N,   N],
    lead:                     [N,   N,    Y,     Y,     N,      N,   N],
    agency_staff:             [N,   N,    Y,     Y,     N,      N,   N],
    finance:                  [N,   N,    N,     Y,     N,      N,   N],
    unit:                     [N,   N,    N,     Y,     N,      N,   N],
  },
}

export function scoringAllows(phase: ScoringPhase, viewer: ScoringViewer, action: ScoringAction): boolean {
  const column = SCORING_ACTIONS.indexOf(action)
  return PHASE_TABLE[phase]?.[viewer]?.[column] === true
}
