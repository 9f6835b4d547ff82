// Vocabulary of an engagement (评价项目). Codes are stored; labels are what users read.

export const ENGAGEMENT_KINDS = [
  { code: 'ex_ante', label: '事前绩效评估' },
  { code: 'target_review', label: '绩效目标审核' },
  { code: 'monitoring', label: '绩效运行监控' },
  { code: 'project', label: '项目支出绩效评价' },
  { code: 'policy', label: '政策评价' },
  { code: 'department', label: '部门整体支出绩效评价' },
  { code: 'subdistrict', label: '街道财政运行综合评价' },
  { code: 'self_eval_review', label: '自评结果抽查复核' },
  { code: 're_evaluation', label: '再评价' },
] as const
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number]['code']

export const BUDGET_TYPES = [
  { code: 'general_public', label: '一般公共预算' },
  { code: 'government_fund', label: '政府性基金预算' },
  { code: 'state_capital', label: '国有资本经营预算' },
  { code: 'social_insurance', label: '社会保险基金预算' },
] as const
export type BudgetType = (typeof BUDGET_TYPES)[number]['code']

export const ENGAGEMENT_KIND_CODES = ENGAGEMENT_KINDS.map((k) => k.code) as [EngagementKind, ...EngagementKind[]]
export const BUDGET_TYPE_CODES = BUDGET_TYPES.map((b) => b.code) as [BudgetType, ...BudgetType[]]

export function engagementKindLabel(code: string): string {
  return ENGAGEMENT_KINDS.find((k) => k.code === code)?.label ?? code
}

export function budgetTypeLabel(code: string): string {
  return BUDGET_TYPES.find((b) => b.code === code)?.label ?? code
}

/** Evaluation years the forms accept: budget performance management began nationally in 2018-2020. */
export const MIN_YEAR = 2000
export const MAX_YEAR = 2100
