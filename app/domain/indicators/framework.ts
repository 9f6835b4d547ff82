// What a framework in the indicator library (指标库) is for. Codes are stored; labels are read.

export const FRAMEWORK_CATEGORIES = [
  { code: 'project', label: '项目支出绩效评价' },
  { code: 'department', label: '部门整体支出绩效评价' },
  { code: 'policy', label: '政策评价' },
  { code: 'ex_ante', label: '事前绩效评估' },
  { code: 'self_evaluation', label: '单位自评' },
  { code: 'sector', label: '分行业分领域指标' },
  { code: 'other', label: '其他' },
] as const
export type FrameworkCategory = (typeof FRAMEWORK_CATEGORIES)[number]['code']
export const FRAMEWORK_CATEGORY_CODES = FRAMEWORK_CATEGORIES.map((c) => c.code) as [FrameworkCategory, ...FrameworkCategory[]]

export function frameworkCategoryLabel(code: string): string {
  return FRAMEWORK_CATEGORIES.find((c) => c.code === code)?.label ?? code
}

/** Sector indicator sets are unweighted lists to pick from; every other category is a weighted tree. */
export function isWeightedCategory(category: FrameworkCategory): boolean {
  return category !== 'sector'
}
