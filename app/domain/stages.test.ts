import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ROLE_CODES, type Role } from './roles'
import { checkTransition, directionOf, GATES, INITIAL_STAGE, isClosedStage, isStage, nextStages, STAGE_CODES, stageLabel, type Stage } from './stages'

// The expected machine, written out by hand from REFERENCE.md §5.3 and issue 2 rather than derived
// from the code: twelve stages in order; 问卷调查 may be skipped (not every engagement surveys) and
// 整改跟踪 may be skipped (nothing to rectify). Going back undoes exactly one forward step, and
// 归档 is terminal. Only agency staff (agency_admin, evaluator) move stages.
const ALLOWED_FORWARD: ReadonlyArray<readonly [Stage, Stage]> = [
  ['commissioned', 'preliminary_research'],
  ['preliminary_research', 'evaluation_plan'],
  ['evaluation_plan', 'fieldwork'],
  ['fieldwork', 'survey'],
  ['fieldwork', 'expert_review'],
  ['survey', 'expert_review'],
  ['expert_review', 'draft_report'],
  ['draft_report', 'consultation'],
  ['consultation', 'finalized'],
  ['finalized', 'submitted'],
  ['submitted', 'rectification'],
  ['submitted', 'archived'],
  ['rectification', 'archived'],
]
const ALLOWED_BACKWARD: ReadonlyArray<readonly [Stage, Stage]> = ALLOWED_FORWARD.filter(([, to]) => to !== 'archived').map(
  ([from, to]) => [to, from] as const,
)
const MOVERS: readonly Role[] = ['agency_admin', 'evaluator']

const EXPECTED_ORDER: Stage[] = [
  'commissioned',
  'preliminary_research',
  'evaluation_plan',
  'fieldwork',
  'survey',
  'expert_review',
  'draft_report',
  'consultation',
  'finalized',
  'submitted',
  'rectification',
  'archived',
]

function expectedDirection(from: Stage, to: Stage): 'forward' | 'backward' | null {
  if (ALLOWED_FORWARD.some(([f, t]) => f === from && t === to)) return 'forward'
  if (ALLOWED_BACKWARD.some(([f, t]) => f === from && t === to)) return 'backward'
  return null
}

const WITH_CONTRACT = { contractNo: '浙明鉴〔2026〕001号', panelProblems: [], issuedReport: true }

describe('stage machine', () => {
  it('has the twelve stages of issue 2 in order, starting at 委托', () => {
    expect(STAGE_CODES).toEqual(EXPECTED_ORDER)
    expect(STAGE_CODES.map(stageLabel)).toEqual([
      '委托',
      '前期调研',
      '评价方案',
      '数据采集与现场核查',
      '问卷调查',
      '专家评审',
      '报告初稿',
      '征求意见',
      '定稿',
      '提交',
      '整改跟踪',
      '归档',
    ])
    expect(INITIAL_STAGE).toBe('commissioned')
    expect(isStage('archived')).toBe(true)
    expect(isStage('ARCHIVED')).toBe(false)
    expect(isStage('')).toBe(false)
    expect(stageLabel('no_such_stage')).toBe('no_such_stage')
  })

  it('decides every stage pair for every role exactly as the expected table says', () => {
    let allowed = 0
    for (const role of ROLE_CODES) {
      for (const from of STAGE_CODES) {
        for (const to of STAGE_CODES) {
          const direction = expectedDirection(from, to)
          const result = checkTransition({ from, to, role, note: '退回补充资料', facts: WITH_CONTRACT })
          const label = `${role}: ${from} -> ${to}`
          if (MOVERS.includes(role) && direction) {
            expect(result, label).toEqual({ ok: true, direction })
            allowed++
          } else {
            expect(result.ok, label).toBe(false)
            if (!result.ok) {
              expect(result.field, label).toBe('to')
              expect(result.message, label).toMatch(MOVERS.includes(role) ? /不能从“.+”变更为“.+”/ : /无权/)
            }
          }
        }
      }
    }
    expect(allowed).toBe(MOVERS.length * (ALLOWED_FORWARD.length + ALLOWED_BACKWARD.length))
  })

  it('directionOf and nextStages agree with the table', () => {
    for (const from of STAGE_CODES) {
      for (const to of STAGE_CODES) expect(directionOf(from, to), `${from} -> ${to}`).toBe(expectedDirection(from, to))
      const next = nextStages(from)
      expect(new Set(next.forward)).toEqual(new Set(ALLOWED_FORWARD.filter(([f]) => f === from).map(([, t]) => t)))
      expect(new Set(next.backward)).toEqual(new Set(ALLOWED_BACKWARD.filter(([f]) => f === from).map(([, t]) => t)))
    }
  })

  it('nextStages hands out copies: mutating them cannot widen the machine', () => {
    nextStages('commissioned').forward.push('archived')
    expect(nextStages('commissioned').forward).toEqual(['preliminary_research'])
    expect(directionOf('commissioned', 'archived')).toBeNull()
  })

  it('a stage never moves to itself', () => {
    for (const stage of STAGE_CODES) {
      expect(checkTransition({ from: stage, to: stage, role: 'agency_admin', note: 'x', facts: WITH_CONTRACT }).ok).toBe(false)
    }
  })

  it('going backward requires a note; blank or whitespace-only notes are refused on the note field', () => {
    for (const [from, to] of ALLOWED_BACKWARD) {
      for (const note of ['', '   ', '\n\t']) {
        expect(checkTransition({ from, to, role: 'evaluator', note, facts: WITH_CONTRACT })).toEqual({
          ok: false,
          field: 'note',
          message: '退回上一阶段必须填写说明',
        })
      }
      expect(checkTransition({ from, to, role: 'evaluator', note: '方案需补充抽样说明', facts: WITH_CONTRACT })).toEqual({
        ok: true,
        direction: 'backward',
      })
    }
  })

  it('going forward needs no note', () => {
    for (const [from, to] of ALLOWED_FORWARD) {
      expect(checkTransition({ from, to, role: 'agency_admin', note: '', facts: WITH_CONTRACT }), `${from} -> ${to}`).toEqual({
        ok: true,
        direction: 'forward',
      })
    }
  })

  it('entering 前期调研 requires a contract number; blank ones are refused with the reason', () => {
    for (const contractNo of ['', '  ', '\t']) {
      const result = checkTransition({ from: 'commissioned', to: 'preliminary_research', role: 'agency_admin', note: '', facts: { contractNo, panelProblems: [], issuedReport: true } })
      expect(result).toEqual({ ok: false, field: 'to', message: '委托合同尚未登记合同编号，不能进入前期调研' })
    }
    expect(GATES.map((g) => g.to)).toContain('preliminary_research')
  })

  it('the contract gate only guards the forward move: going back to 委托 without a contract number is allowed', () => {
    expect(
      checkTransition({ from: 'preliminary_research', to: 'commissioned', role: 'agency_admin', note: '合同需重签', facts: { contractNo: '', panelProblems: [], issuedReport: true } }),
    ).toEqual({ ok: true, direction: 'backward' })
  })

  it('no other forward move depends on the contract number', () => {
    for (const [from, to] of ALLOWED_FORWARD.filter(([, t]) => t !== 'preliminary_research')) {
      expect(checkTransition({ from, to, role: 'evaluator', note: '', facts: { contractNo: '', panelProblems: [], issuedReport: true } }).ok, `${from} -> ${to}`).toBe(true)
    }
  })

  it('entering 专家评审 requires a ready panel, and says what is missing; going back past it does not', () => {
    const problems = ['尚有 2 个席位未接受邀请', '张教授尚未签署回避与保密承诺']
    for (const from of ['fieldwork', 'survey'] as const) {
      expect(checkTransition({ from, to: 'expert_review', role: 'evaluator', note: '', facts: { ...WITH_CONTRACT, panelProblems: problems } })).toEqual({
        ok: false,
        field: 'to',
        message: '专家组尚未就绪，不能进入专家评审：尚有 2 个席位未接受邀请；张教授尚未签署回避与保密承诺',
      })
    }
    expect(checkTransition({ from: 'draft_report', to: 'expert_review', role: 'evaluator', note: '评分口径需复核', facts: { ...WITH_CONTRACT, panelProblems: problems } }).ok).toBe(true)
    for (const [from, to] of ALLOWED_FORWARD.filter(([, t]) => t !== 'expert_review')) {
      expect(checkTransition({ from, to, role: 'evaluator', note: '', facts: { ...WITH_CONTRACT, panelProblems: problems } }).ok, `${from} -> ${to}`).toBe(true)
    }
  })

  it('entering 提交 requires an issued final report; no other move looks at it, nor does going back', () => {
    expect(checkTransition({ from: 'finalized', to: 'submitted', role: 'agency_admin', note: '', facts: { ...WITH_CONTRACT, issuedReport: false } })).toEqual({
      ok: false,
      field: 'to',
      message: '尚无已签发的评价报告定稿，不能进入提交',
    })
    expect(checkTransition({ from: 'finalized', to: 'submitted', role: 'agency_admin', note: '', facts: WITH_CONTRACT }).ok).toBe(true)
    expect(checkTransition({ from: 'rectification', to: 'submitted', role: 'evaluator', note: '整改清单需重新确认', facts: { ...WITH_CONTRACT, issuedReport: false } }).ok).toBe(true)
    for (const [from, to] of ALLOWED_FORWARD.filter(([, t]) => t !== 'submitted')) {
      expect(checkTransition({ from, to, role: 'evaluator', note: '', facts: { ...WITH_CONTRACT, issuedReport: false } }).ok, `${from} -> ${to}`).toBe(true)
    }
  })

  it('归档 is terminal and closed; no other stage is closed', () => {
    expect(nextStages('archived')).toEqual({ forward: [], backward: [] })
    for (const to of STAGE_CODES) {
      expect(checkTransition({ from: 'archived', to, role: 'agency_admin', note: '误归档', facts: WITH_CONTRACT }).ok).toBe(false)
    }
    expect(STAGE_CODES.filter(isClosedStage)).toEqual(['archived'])
    expect(isClosedStage('ARCHIVED')).toBe(false)
  })

  it('unknown roles are refused whatever the move (property)', () => {
    const stage = fc.constantFrom(...STAGE_CODES)
    fc.assert(
      fc.property(fc.string().filter((r) => !MOVERS.includes(r as Role)), stage, stage, (role, from, to) => {
        const result = checkTransition({ from, to, role, note: 'x', facts: WITH_CONTRACT })
        return !result.ok && result.field === 'to'
      }),
    )
  })

  it('every stage is reachable from 委托 and 归档 is reachable from every stage', () => {
    const reach = (start: Stage) => {
      const seen = new Set<Stage>([start])
      const queue = [start]
      for (let stage = queue.shift(); stage; stage = queue.shift()) {
        for (const next of nextStages(stage).forward) {
          if (!seen.has(next)) {
            seen.add(next)
            queue.push(next)
          }
        }
      }
      return seen
    }
    expect(reach('commissioned')).toEqual(new Set(STAGE_CODES))
    for (const stage of STAGE_CODES) expect(reach(stage).has('archived'), stage).toBe(true)
  })
})
