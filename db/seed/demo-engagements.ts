// Demo engagements: enough variety (two agencies, two bureaus, every kind of history) that the
// list, the dashboards and the "other tenants are invisible" rule can be seen right after set-up.
import type { Tx } from '../client.server'
import type { BudgetType, EngagementKind } from '../../app/domain/engagement'
import type { Stage } from '../../app/domain/stages'
import {
  insertEngagement,
  insertStageTransition,
  replaceMembers,
  replaceUnits,
  updateEngagementIfVersion,
} from '../../app/models/engagement.server'
import { findOrCreateEvaluatedUnit } from '../../app/models/evaluated-unit.server'
import type { DemoIds } from './demo'

type Step = Stage | { back: Stage; note: string }

type DemoEngagement = {
  name: string
  year: number
  kind: EngagementKind
  budgetType: BudgetType
  agency: 'agencyA' | 'agencyB'
  bureau: 'bureauX' | 'bureauY'
  /** Indexes into DEMO_UNITS, or a unit not in the base demo. */
  units: (number | { name: string; competentDepartment: string })[]
  /** Integer fen, written as 万元_six-digit-fraction so the 万元 amount reads off directly. */
  fundsFen: number
  contractNo: string
  lead: string
  members: string[]
  /** Stages after 委托, in order; a backward step carries its note. */
  path: Step[]
}

const FORWARD_TO_DRAFT: Stage[] = ['preliminary_research', 'evaluation_plan', 'fieldwork', 'survey', 'expert_review', 'draft_report']

export const DEMO_ENGAGEMENTS: DemoEngagement[] = [
  {
    name: '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价',
    year: 2025,
    kind: 'project',
    budgetType: 'general_public',
    agency: 'agencyA',
    bureau: 'bureauX',
    units: [0],
    fundsFen: 1286_500000,
    contractNo: 'MJ-2025-017',
    lead: 'mingjian.li',
    members: ['mingjian.zhao'],
    path: [
      ...FORWARD_TO_DRAFT,
      { back: 'expert_review', note: '专家组对满意度指标的评分口径有异议，退回重新评审' },
      'draft_report',
    ],
  },
  {
    name: '2025年滨江区基本公共卫生服务项目绩效运行监控',
    year: 2025,
    kind: 'monitoring',
    budgetType: 'general_public',
    agency: 'agencyA',
    bureau: 'bureauX',
    units: [1],
    fundsFen: 3420_000000,
    contractNo: 'MJ-2025-021',
    lead: 'mingjian.zhao',
    members: ['mingjian.li'],
    path: ['preliminary_research', 'evaluation_plan', 'fieldwork'],
  },
  {
    name: '2026年滨江区长河街道财政运行综合评价',
    year: 2026,
    kind: 'subdistrict',
    budgetType: 'general_public',
    agency: 'agencyA',
    bureau: 'bureauX',
    units: [2],
    fundsFen: 15680_000000,
    contractNo: '', // not yet signed: the 委托 gate holds it
    lead: 'mingjian.li',
    members: [],
    path: [],
  },
  {
    name: '2024年滨江区学前教育发展专项资金政策评价',
    year: 2024,
    kind: 'policy',
    budgetType: 'general_public',
    agency: 'agencyA',
    bureau: 'bureauX',
    units: [0, { name: '杭州市滨江区西兴街道办事处', competentDepartment: '杭州市滨江区人民政府' }],
    fundsFen: 860_250000,
    contractNo: 'MJ-2024-009',
    lead: 'mingjian.li',
    members: ['mingjian.zhao'],
    path: [...FORWARD_TO_DRAFT, 'consultation', 'finalized', 'submitted', 'rectification', 'archived'],
  },
  {
    name: '2025年西湖区高标准农田建设项目支出绩效评价',
    year: 2025,
    kind: 'project',
    budgetType: 'general_public',
    agency: 'agencyA',
    bureau: 'bureauY',
    units: [3],
    fundsFen: 5210_000000,
    contractNo: 'MJ-2025-030',
    lead: 'mingjian.li',
    members: [],
    path: ['preliminary_research', 'evaluation_plan'],
  },
  {
    name: '2025年西湖区农业农村局部门整体支出绩效评价',
    year: 2025,
    kind: 'department',
    budgetType: 'general_public',
    agency: 'agencyA',
    bureau: 'bureauY',
    units: [3],
    fundsFen: 23890_450000,
    contractNo: 'MJ-2025-031',
    lead: 'mingjian.zhao',
    members: ['mingjian.admin'],
    path: ['preliminary_research', 'evaluation_plan', 'fieldwork', 'expert_review', 'draft_report', 'consultation'],
  },
  {
    name: '2025年滨江区教育局部门整体支出绩效评价',
    year: 2025,
    kind: 'department',
    budgetType: 'general_public',
    agency: 'agencyB',
    bureau: 'bureauX',
    units: [0],
    fundsFen: 98760_000000,
    contractNo: 'HP-2025-004',
    lead: 'hengping.admin',
    members: [],
    path: ['preliminary_research'],
  },
  {
    name: '2026年滨江区城市更新专项债券项目事前绩效评估',
    year: 2026,
    kind: 'ex_ante',
    budgetType: 'government_fund',
    agency: 'agencyB',
    bureau: 'bureauX',
    units: [{ name: '杭州市滨江区住房和城乡建设局', competentDepartment: '杭州市滨江区住房和城乡建设局' }],
    fundsFen: 120000_000000,
    contractNo: 'HP-2026-001',
    lead: 'hengping.admin',
    members: [],
    path: [],
  },
]

const DAY = 24 * 60 * 60 * 1000

/** Writes the demo engagements with their stage histories, all dated before `at`. */
export function seedDemoEngagements(tx: Tx, ids: DemoIds, at: Date): number {
  DEMO_ENGAGEMENTS.forEach((spec, index) => {
    const bureauId = ids.orgs[spec.bureau]
    const lead = ids.users[spec.lead]!
    // One step a week, the newest history ending a day or so before `at`, staggered per engagement.
    const steps = spec.path.length
    const createdAt = new Date(at.getTime() - (steps * 7 + 1 + index) * DAY)
    const unitIds = spec.units.map((u) =>
      typeof u === 'number' ? ids.units[u]! : findOrCreateEvaluatedUnit(tx, { financeBureauId: bureauId, ...u }, createdAt).row.id,
    )
    const row = insertEngagement(
      tx,
      {
        agencyId: ids.orgs[spec.agency],
        financeBureauId: bureauId,
        name: spec.name,
        year: spec.year,
        kind: spec.kind,
        budgetType: spec.budgetType,
        fundsFen: spec.fundsFen,
        periodStart: `${spec.year}-01-01`,
        periodEnd: `${spec.year}-12-31`,
        contractNo: spec.contractNo,
        leadUserId: lead,
        createdBy: lead,
      },
      createdAt,
    )
    replaceUnits(tx, row.id, unitIds)
    replaceMembers(tx, row.id, spec.members.map((m) => ids.users[m]!))
    insertStageTransition(tx, { engagementId: row.id, fromStage: null, toStage: 'commissioned', actorUserId: lead, note: '' }, createdAt)
    let stage: Stage = 'commissioned'
    let when = createdAt
    spec.path.forEach((step, i) => {
      when = new Date(createdAt.getTime() + (i + 1) * 7 * DAY)
      const to = typeof step === 'string' ? step : step.back
      insertStageTransition(tx, { engagementId: row.id, fromStage: stage, toStage: to, actorUserId: lead, note: typeof step === 'string' ? '' : step.note }, when)
      stage = to
    })
    if (stage !== 'commissioned') updateEngagementIfVersion(tx, row.id, row.version, { stage, stageChangedAt: when.toISOString() }, when)
  })
  return DEMO_ENGAGEMENTS.length
}
