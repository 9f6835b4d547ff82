// Controlled vocabularies of the expert pool (专家库). Codes are stored; labels are shown.

export { labelOf } from '../indicators/tree'

export const TITLES = [
  { code: 'senior', label: '正高级' },
  { code: 'associate', label: '副高级' },
  { code: 'intermediate', label: '中级' },
  { code: 'other', label: '其他' },
] as const
export type Title = (typeof TITLES)[number]['code']
export const TITLE_CODES = TITLES.map((t) => t.code) as [Title, ...Title[]]

export const EXPERT_STATUSES = [
  { code: 'active', label: '在库' },
  { code: 'suspended', label: '暂停' },
  { code: 'retired', label: '出库' },
] as const
export type ExpertStatus = (typeof EXPERT_STATUSES)[number]['code']
export const EXPERT_STATUS_CODES = EXPERT_STATUSES.map((s) => s.code) as [ExpertStatus, ...ExpertStatus[]]

export const CONFLICT_TYPES = [
  { code: 'employment', label: '任职回避', hint: '现在或近 N 年内在被评价单位或其主管部门任职' },
  { code: 'participation', label: '参与项目', hint: '参与项目申报、设计、事前评审或实施' },
  { code: 'financial', label: '经济利益', hint: '与被评价单位存在经济利益关系（持股、顾问等）' },
  { code: 'relative', label: '近亲属', hint: '近亲属在被评价单位或其主管部门任领导职务' },
  { code: 'same_org', label: '与评价机构关联', hint: '与评价机构存在影响独立性的关系' },
  { code: 'other', label: '其他', hint: '其他可能影响公正的情形' },
] as const
export type ConflictType = (typeof CONFLICT_TYPES)[number]['code']
export const CONFLICT_TYPE_CODES = CONFLICT_TYPES.map((c) => c.code) as [ConflictType, ...ConflictType[]]

export const CONFLICT_SOURCES = [
  { code: 'auto', label: '自动识别' },
  { code: 'declared', label: '专家申报' },
  { code: 'admin', label: '管理员设定' },
] as const
export type ConflictSource = (typeof CONFLICT_SOURCES)[number]['code']
export const CONFLICT_SOURCE_CODES = CONFLICT_SOURCES.map((s) => s.code) as [
  ConflictSource,
  ...ConflictSource[],
]

export const RELATION_KINDS = [
  { code: 'relative', label: '近亲属任职' },
  { code: 'shareholding', label: '持股或投资' },
  { code: 'advisory', label: '顾问或兼职' },
  { code: 'other', label: '其他' },
] as const
export type RelationKind = (typeof RELATION_KINDS)[number]['code']
export const RELATION_KIND_CODES = RELATION_KINDS.map((r) => r.code) as [RelationKind, ...RelationKind[]]

/** The seed list of specialties; an admin edits the live list (table `specialties`). */
export const DEFAULT_SPECIALTIES: { code: string; label: string }[] = [
  { code: 'finance', label: '财务' },
  { code: 'audit', label: '审计' },
  { code: 'economics', label: '经济' },
  { code: 'law', label: '法律' },
  { code: 'engineering', label: '工程' },
  { code: 'it', label: '信息化' },
  { code: 'education', label: '教育' },
  { code: 'health', label: '卫生健康' },
  { code: 'agriculture', label: '农业农村' },
  { code: 'transport', label: '交通运输' },
  { code: 'science', label: '科技' },
  { code: 'social_security', label: '社会保障' },
  { code: 'ecology', label: '生态环境' },
  { code: 'culture_tourism', label: '文化旅游' },
  { code: 'policy', label: '政策研究' },
  { code: 'management', label: '管理' },
]
