// Vocabulary of credit files (信用档案, issue 8): whose file, what kind of entry, how severe, who
// issued it. Codes are stored; labels are shown. Negative kinds follow the prohibitions of
// REFERENCE.md §5.2 and, for experts, the duties of §6.
import type { QualityGrade } from '../finance/quality'

export { labelOf } from '../indicators/tree'

export const SUBJECTS = [
  { code: 'agency', label: '评价机构' },
  { code: 'practitioner', label: '从业人员' },
  { code: 'expert', label: '评审专家' },
] as const
export type Subject = (typeof SUBJECTS)[number]['code']
export const SUBJECT_CODES = SUBJECTS.map((s) => s.code) as [Subject, ...Subject[]]

/** Ascending: a rule asking for at least 较重 matches 较重 and 严重. */
export const SEVERITIES = [
  { code: 'minor', label: '轻微' },
  { code: 'general', label: '一般' },
  { code: 'serious', label: '较重' },
  { code: 'grave', label: '严重' },
] as const
export type Severity = (typeof SEVERITIES)[number]['code']
export const SEVERITY_CODES = SEVERITIES.map((s) => s.code) as [Severity, ...Severity[]]

export function severityRank(severity: Severity): number {
  return SEVERITY_CODES.indexOf(severity)
}

export const SOURCES = [
  { code: 'bureau', label: '财政部门', automatic: false },
  { code: 'agency', label: '评价机构', automatic: false },
  { code: 'auto_quality_rating', label: '执业质量评价（自动）', automatic: true },
  { code: 'auto_expert_rating', label: '专家履职评价（自动）', automatic: true },
  { code: 'auto_decline', label: '无理由拒绝邀请（自动）', automatic: true },
  { code: 'auto_late_scoring', label: '逾期评分（自动）', automatic: true },
] as const
export type Source = (typeof SOURCES)[number]['code']
export const SOURCE_CODES = SOURCES.map((s) => s.code) as [Source, ...Source[]]

const ALL: readonly Subject[] = ['agency', 'practitioner', 'expert']
const AGENCY_SIDE: readonly Subject[] = ['agency', 'practitioner']
const EXPERT: readonly Subject[] = ['expert']

export type EntryKindInfo = {
  code: string
  label: string
  direction: 'positive' | 'negative'
  subjects: readonly Subject[]
  /** What an issuer is offered first, and what an automatic entry gets; negative kinds only. */
  defaultSeverity: Severity | null
}

export const ENTRY_KINDS = [
  // Positive (守信激励, §5.5).
  { code: 'commendation', label: '表彰', direction: 'positive', subjects: ALL, defaultSeverity: null },
  { code: 'excellent_evaluation', label: '优秀评价', direction: 'positive', subjects: ALL, defaultSeverity: null },
  { code: 'quality_excellent', label: '执业质量评价优秀', direction: 'positive', subjects: ['agency'], defaultSeverity: null },
  { code: 'expert_rating_excellent', label: '专家履职评价优秀', direction: 'positive', subjects: EXPERT, defaultSeverity: null },
  // Negative: the prohibitions of §5.2.
  { code: 'false_report', label: '虚假或误导性报告', direction: 'negative', subjects: AGENCY_SIDE, defaultSeverity: 'grave' },
  { code: 'collusion', label: '串通或数据造假', direction: 'negative', subjects: ALL, defaultSeverity: 'grave' },
  { code: 'subcontracting', label: '违规转包或出借资质', direction: 'negative', subjects: AGENCY_SIDE, defaultSeverity: 'serious' },
  { code: 'leaking', label: '泄露秘密', direction: 'negative', subjects: ALL, defaultSeverity: 'serious' },
  { code: 'recusal_breach', label: '违反回避', direction: 'negative', subjects: ALL, defaultSeverity: 'general' },
  { code: 'improper_benefit', label: '索取不正当利益', direction: 'negative', subjects: ALL, defaultSeverity: 'serious' },
  { code: 'underpricing', label: '恶意低价', direction: 'negative', subjects: ['agency'], defaultSeverity: 'general' },
  { code: 'late_deliverable', label: '成果逾期或缺失', direction: 'negative', subjects: AGENCY_SIDE, defaultSeverity: 'minor' },
  { code: 'quality_fail', label: '执业质量评价不合格', direction: 'negative', subjects: ['agency'], defaultSeverity: 'serious' },
  // Negative, experts only: the duties of §6.
  { code: 'unjustified_decline', label: '无正当理由拒绝评审', direction: 'negative', subjects: EXPERT, defaultSeverity: 'general' },
  { code: 'absence', label: '无故缺席', direction: 'negative', subjects: EXPERT, defaultSeverity: 'general' },
  { code: 'poor_scoring', label: '评审质量差', direction: 'negative', subjects: EXPERT, defaultSeverity: 'general' },
  { code: 'late_scoring', label: '逾期评分', direction: 'negative', subjects: EXPERT, defaultSeverity: 'minor' },
  { code: 'expert_rating_basic', label: '专家履职评价基本称职', direction: 'negative', subjects: EXPERT, defaultSeverity: 'minor' },
  { code: 'expert_rating_incompetent', label: '专家履职评价不称职', direction: 'negative', subjects: EXPERT, defaultSeverity: 'general' },
] as const satisfies readonly EntryKindInfo[]

export type EntryKind = (typeof ENTRY_KINDS)[number]['code']
export const ENTRY_KIND_CODES = ENTRY_KINDS.map((k) => k.code) as [EntryKind, ...EntryKind[]]
export type PositiveKind = Extract<(typeof ENTRY_KINDS)[number], { direction: 'positive' }>['code']
export type NegativeKind = Extract<(typeof ENTRY_KINDS)[number], { direction: 'negative' }>['code']
export const POSITIVE_KIND_CODES = ENTRY_KINDS.filter((k) => k.direction === 'positive').map(
  (k) => k.code,
) as PositiveKind[]
export const NEGATIVE_KIND_CODES = ENTRY_KINDS.filter((k) => k.direction === 'negative').map(
  (k) => k.code,
) as NegativeKind[]

export function entryKind(code: EntryKind): EntryKindInfo {
  return ENTRY_KINDS.find((k) => k.code === code)!
}

export function isEntryKind(code: string): code is EntryKind {
  return (ENTRY_KIND_CODES as string[]).includes(code)
}

export function isPositiveKind(code: EntryKind): code is PositiveKind {
  return entryKind(code).direction === 'positive'
}

/** The kinds an issuer may choose for a subject's file, in display order. */
export function kindsFor(subject: Subject): EntryKindInfo[] {
  return ENTRY_KINDS.filter((k) => (k.subjects as readonly Subject[]).includes(subject))
}

export const EXPERT_RATINGS = [
  { code: 'excellent', label: '优秀' },
  { code: 'competent', label: '称职' },
  { code: 'basically_competent', label: '基本称职' },
  { code: 'incompetent', label: '不称职' },
] as const
export type ExpertRating = (typeof EXPERT_RATINGS)[number]['code']
export const EXPERT_RATING_CODES = EXPERT_RATINGS.map((r) => r.code) as [ExpertRating, ...ExpertRating[]]

/** The aspects an agency rates an expert on after each engagement (§6). */
export const EXPERT_RATING_ASPECTS = [
  { code: 'attendance', label: '出勤' },
  { code: 'professionalism', label: '专业水平' },
  { code: 'independence', label: '独立性' },
  { code: 'timeliness', label: '及时性' },
] as const

export type AutomaticEntry = { kind: EntryKind; severity: Severity | null; source: Source }

function automatic(kind: EntryKind, source: Source): AutomaticEntry {
  return { kind, severity: entryKind(kind).defaultSeverity, source }
}

/** The entry a work-quality rating puts in the agency's file; 良好 and 合格 leave no entry. */
export function entryForQualityGrade(grade: QualityGrade): AutomaticEntry | null {
  if (grade === 'excellent') return automatic('quality_excellent', 'auto_quality_rating')
  if (grade === 'fail') return automatic('quality_fail', 'auto_quality_rating')
  return null
}

/** The entry an agency's rating puts in the expert's file; 称职 is the expected level and leaves none. */
export function entryForExpertRating(rating: ExpertRating): AutomaticEntry | null {
  if (rating === 'excellent') return automatic('expert_rating_excellent', 'auto_expert_rating')
  if (rating === 'basically_competent') return automatic('expert_rating_basic', 'auto_expert_rating')
  if (rating === 'incompetent') return automatic('expert_rating_incompetent', 'auto_expert_rating')
  return null
}

export function entryForDecline(): AutomaticEntry {
  return automatic('unjustified_decline', 'auto_decline')
}

export function entryForLateScoring(): AutomaticEntry {
  return automatic('late_scoring', 'auto_late_scoring')
}
