// The engagement stage machine (REFERENCE.md §5.3). Pure: callers pass the facts the gates need.

export const STAGES = [
  { code: 'commissioned', label: '委托' },
  { code: 'preliminary_research', label: '前期调研' },
  { code: 'evaluation_plan', label: '评价方案' },
  { code: 'fieldwork', label: '数据采集与现场核查' },
  { code: 'survey', label: '问卷调查' },
  { code: 'expert_review', label: '专家评审' },
  { code: 'draft_report', label: '报告初稿' },
  { code: 'consultation', label: '征求意见' },
  { code: 'finalized', label: '定稿' },
  { code: 'submitted', label: '提交' },
  { code: 'rectification', label: '整改跟踪' },
  { code: 'archived', label: '归档' },
] as const
export type Stage = (typeof STAGES)[number]['code']
export const STAGE_CODES = STAGES.map((s) => s.code) as [Stage, ...Stage[]]
export const INITIAL_STAGE: Stage = 'commissioned'

export function stageLabel(code: string): string {
  return STAGES.find((s) => s.code === code)?.label ?? code
}

export function isStage(value: string): value is Stage {
  return STAGE_CODES.includes(value as Stage)
}

/**
 * Forward moves. 问卷调查 is optional (not every engagement surveys), and rectification
 * follow-up may be skipped when the report raised nothing to rectify.
 */
const FORWARD: Record<Stage, Stage[]> = {
  commissioned: ['preliminary_research'],
  preliminary_research: ['evaluation_plan'],
  evaluation_plan: ['fieldwork'],
  fieldwork: ['survey', 'expert_review'],
  survey: ['expert_review'],
  expert_review: ['draft_report'],
  draft_report: ['consultation'],
  consultation: ['finalized'],
  finalized: ['submitted'],
  submitted: ['rectification', 'archived'],
  rectification: ['archived'],
  archived: [],
}

/** Backward moves undo the last forward step; an archived engagement is closed for good. */
const BACKWARD: Record<Stage, Stage[]> = Object.fromEntries(
  STAGE_CODES.map((stage) => [
    stage,
    stage === 'archived' ? [] : STAGE_CODES.filter((predecessor) => FORWARD[predecessor].includes(stage)),
  ]),
) as Record<Stage, Stage[]>

export type StageDirection = 'forward' | 'backward'

export function directionOf(from: Stage, to: Stage): StageDirection | null {
  if (FORWARD[from].includes(to)) return 'forward'
  if (BACKWARD[from].includes(to)) return 'backward'
  return null
}

/** Roles that may move an engagement's stage. Membership of the engagement is checked by `can`. */
export const STAGE_MOVER_ROLES = ['agency_admin', 'evaluator'] as const

/**
 * Facts about the engagement that gates look at. Later features add fields here
 * (e.g. a seated panel before 专家评审, an issued final version before 提交).
 */
export type StageFacts = {
  contractNo: string
  /** Why the expert panel is not ready (empty when it is): seats accepted and certified. */
  panelProblems: readonly string[]
  /** Whether an issued 定稿 of the evaluation (or ex-ante) report exists: what 提交 hands over. */
  issuedReport: boolean
}

export type Gate = { to: Stage; check: (facts: StageFacts) => string | null }

/** Conditions for entering a stage going forward. Each returns a Chinese reason when unmet. */
export const GATES: Gate[] = [
  {
    to: 'preliminary_research',
    check: (f) => (f.contractNo.trim() === '' ? '委托合同尚未登记合同编号，不能进入前期调研' : null),
  },
  {
    to: 'expert_review',
    check: (f) => (f.panelProblems.length > 0 ? `专家组尚未就绪，不能进入专家评审：${f.panelProblems.join('；')}` : null),
  },
  {
    to: 'submitted',
    check: (f) => (f.issuedReport ? null : '尚无已签发的评价报告定稿，不能进入提交'),
  },
]

export type TransitionRequest = {
  from: Stage
  to: Stage
  role: string
  note: string
  facts: StageFacts
}

export type TransitionResult =
  | { ok: true; direction: StageDirection }
  | { ok: false; field: 'to' | 'note'; message: string }

export function checkTransition(req: TransitionRequest): TransitionResult {
  if (!(STAGE_MOVER_ROLES as readonly string[]).includes(req.role)) {
    return { ok: false, field: 'to', message: '当前角色无权变更项目阶段' }
  }
  const direction = directionOf(req.from, req.to)
  if (!direction) {
    return {
      ok: false,
      field: 'to',
      message: `不能从“${stageLabel(req.from)}”变更为“${stageLabel(req.to)}”`,
    }
  }
  if (direction === 'backward' && req.note.trim() === '') {
    return { ok: false, field: 'note', message: '退回上一阶段必须填写说明' }
  }
  if (direction === 'forward') {
    for (const gate of GATES) {
      if (gate.to !== req.to) continue
      const reason = gate.check(req.facts)
      if (reason) return { ok: false, field: 'to', message: reason }
    }
  }
  return { ok: true, direction }
}

/** The stages reachable from `from`, for the move form. */
export function nextStages(from: Stage): { forward: Stage[]; backward: Stage[] } {
  return { forward: [...FORWARD[from]], backward: [...BACKWARD[from]] }
}

/** An archived engagement is a closed record: its details no longer change. */
export function isClosedStage(stage: string): boolean {
  return stage === 'archived'
}
