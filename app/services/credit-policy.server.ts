// The bureau's credit policy page (信用评价政策, issue 8 item 5): the bureau's account admin keeps
// the policy its standings are computed under; every save is a new immutable version (snapshots
// name the version they were computed with), other reviewers of the bureau read it. The form is
// parsed here into a CreditPolicy draft; the domain's validatePolicy judges it, and each of its
// Chinese messages is placed beside the field it names.
import { desc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { creditPolicies, users } from '../../db/schema'
import {
  ENTRY_KINDS,
  POSITIVE_KIND_CODES,
  SEVERITIES,
  labelOf,
  type EntryKind,
  type PositiveKind,
  type Severity,
} from '../domain/credit/categories'
import { pointsText } from '../domain/credit/evaluate'
import { policyCaption, validatePolicy, type BlacklistRule, type CreditGradeBand, type CreditPolicy } from '../domain/credit/policy'
import { parsePoints } from '../domain/money'
import type { Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import {
  allValues,
  isRuleKindsField,
  MAX_BANDS,
  MAX_RULES,
  oneValue,
  policyField,
  rowsIn,
  type BandColumn,
  type RuleColumn,
} from '../utils/credit-policy-form'
import { formValues, type FieldErrors, type FormValues } from '../utils/form'
import { policyInForce, savePolicyVersion } from './credit.server'
import { CONFLICT_MESSAGE } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

export const MAX_POLICY_NAME = 60
export const MAX_GRADE = 10
export const MAX_BAND_LABEL = 60
export const MAX_RULE_LABEL = 100

/** The bureau whose policy the actor reads: any of its finance reviewers. */
function readerBureauOf(actor: Actor): string | null {
  return actor.role === 'finance_reviewer' && actor.organizationId ? actor.organizationId : null
}

/** Only the bureau's account admin changes the policy, as with the work-quality rating form. */
function editorBureauOf(actor: Actor): string | null {
  return actor.orgAdmin ? readerBureauOf(actor) : null
}

export type PolicyVersionListItem = { versionNo: number; createdAt: string; createdByName: string }

/** The bureau's version number in force; 0 while it still uses the built-in default. */
function ownVersion(db: Db | Tx, bureauId: string): { policy: CreditPolicy; versionNo: number } {
  const { policy } = policyInForce(db, bureauId)
  return { policy, versionNo: policy.id === bureauId ? policy.version : 0 }
}

/** The page: the policy in force with its caption, the versions, and whether the reader may edit; null (403) for others. */
export function creditPolicyPage(db: Db | Tx, actor: Actor) {
  const bureauId = readerBureauOf(actor)
  if (!bureauId) return null
  const { policy, versionNo } = ownVersion(db, bureauId)
  const versions: PolicyVersionListItem[] = db
    .select({ versionNo: creditPolicies.versionNo, createdAt: creditPolicies.createdAt, createdByName: users.displayName })
    .from(creditPolicies)
    .innerJoin(users, eq(users.id, creditPolicies.createdBy))
    .where(eq(creditPolicies.financeBureauId, bureauId))
    .orderBy(desc(creditPolicies.versionNo))
    .all()
  return { caption: policyCaption(policy), values: policyFormValues(policy), versionNo, versions, mayEdit: editorBureauOf(actor) !== null }
}

// ---- The form -------------------------------------------------------------------------------------

const RULE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/
const field = policyField
const one = oneValue

/** Points typed in 分 (up to two decimals) -> hundredths; NaN for anything else, which the domain names. */
function points(typed: string): number {
  const parsed = parsePoints(typed)
  return parsed.ok ? parsed.value : Number.NaN
}

/** A whole number typed in a box; NaN for anything else. */
function whole(typed: string): number {
  return /^\s*\d{1,6}\s*$/.test(typed) ? Number(typed) : Number.NaN
}

/** Blank means "no limit" (长期有效, 不限): null. */
function wholeOrNull(typed: string): number | null {
  return typed.trim() === '' ? null : whole(typed)
}

const blankToNull = (typed: string): string | null => (cleanText(typed) === '' ? null : cleanText(typed))

export type ParsedForm = {
  draft: Omit<CreditPolicy, 'id' | 'version'>
  /** Form row index of each kept band / rule, in policy order: maps the domain's "第 n 个" back to a row. */
  bandRows: number[]
  ruleRows: number[]
  errors: FieldErrors
}

function parseBands(values: FormValues, errors: FieldErrors) {
  const bands: CreditGradeBand[] = []
  const rows: number[] = []
  for (const row of rowsIn(values, 'band')) {
    const grade = cleanText(one(values, field.band(row, 'grade')))
    const label = cleanText(one(values, field.band(row, 'label')))
    const minScore = one(values, field.band(row, 'minScore')).trim()
    if (grade === '' && label === '' && minScore === '') continue
    if (grade.length > MAX_GRADE) errors[field.band(row, 'grade')] = `等级名称不能超过 ${MAX_GRADE} 个字符`
    if (label.length > MAX_BAND_LABEL) errors[field.band(row, 'label')] = `等级说明不能超过 ${MAX_BAND_LABEL} 个字符`
    bands.push({ grade, label, minScore: points(minScore) })
    rows.push(row)
  }
  return { bands, rows }
}

function parseRules(values: FormValues, errors: FieldErrors) {
  const rules: BlacklistRule[] = []
  const rows: number[] = []
  const ids = new Set<string>()
  for (const row of rowsIn(values, 'rule')) {
    const label = cleanText(one(values, field.rule(row, 'label')))
    const kinds = [...new Set(allValues(values, field.rule(row, 'kinds')))] as EntryKind[]
    const typed = (['count', 'withinMonths', 'years'] as const).map((c) => one(values, field.rule(row, c)).trim())
    if (label === '' && kinds.length === 0 && typed.every((t) => t === '')) continue
    if (label.length > MAX_RULE_LABEL) errors[field.rule(row, 'label')] = `规则说明不能超过 ${MAX_RULE_LABEL} 个字符`
    // A rule keeps its id across versions (a blacklisting names it); a new or tampered one gets a fresh id.
    let id = one(values, field.rule(row, 'id')).trim()
    for (let n = rules.length + 1; !RULE_ID.test(id) || ids.has(id); n++) id = `rule-${n}`
    ids.add(id)
    const severity = one(values, field.rule(row, 'minSeverity'))
    rules.push({
      id,
      label,
      kinds,
      minSeverity: severity === '' ? null : (severity as Severity),
      count: whole(typed[0]!),
      withinMonths: wholeOrNull(typed[1]!),
      years: whole(typed[2]!),
    })
    rows.push(row)
  }
  return { rules, rows }
}

/** The form as a policy draft, with the problems the form itself finds (lengths, too many rows). */
export function parsePolicyForm(values: FormValues): ParsedForm {
  const errors: FieldErrors = {}
  const name = cleanText(one(values, 'name'))
  if (name.length > MAX_POLICY_NAME) errors.name = `信用政策名称不能超过 ${MAX_POLICY_NAME} 个字符`
  const { bands, rows: bandRows } = parseBands(values, errors)
  if (bands.length > MAX_BANDS) errors.bands = `信用等级不能超过 ${MAX_BANDS} 个`
  const { rules, rows: ruleRows } = parseRules(values, errors)
  if (rules.length > MAX_RULES) errors.rules = `失信规则不能超过 ${MAX_RULES} 条`
  const negativePoints = {} as Record<Severity, number>
  const negativeExpiryMonths = {} as Record<Severity, number | null>
  for (const s of SEVERITIES) {
    negativePoints[s.code] = points(one(values, field.negPoints(s.code)))
    negativeExpiryMonths[s.code] = wholeOrNull(one(values, field.negExpiry(s.code)))
  }
  const positivePoints = {} as Record<PositiveKind, number>
  for (const k of POSITIVE_KIND_CODES) positivePoints[k] = points(one(values, field.posPoints(k)))
  const draft: Omit<CreditPolicy, 'id' | 'version'> = {
    name,
    baseScore: points(one(values, 'baseScore')),
    minScore: points(one(values, 'minScore')),
    maxScore: points(one(values, 'maxScore')),
    negativePoints,
    negativeExpiryMonths,
    positivePoints,
    positiveExpiryMonths: wholeOrNull(one(values, 'positiveExpiry')),
    decay: one(values, 'decay') as CreditPolicy['decay'],
    bands,
    blacklistedGrade: blankToNull(one(values, 'blacklistedGrade')),
    blacklistRules: rules,
    appealWindowDays: whole(one(values, 'appealWindowDays')),
    drawMinGrade: blankToNull(one(values, 'drawMinGrade')),
  }
  return { draft, bandRows, ruleRows, errors }
}

const monthsText = (months: number | null) => (months === null ? '' : String(months))

/** A policy as the form shows it: points in 分, blank for "no limit". */
export function policyFormValues(policy: CreditPolicy): FormValues {
  const values: FormValues = {
    name: policy.name,
    baseScore: pointsText(policy.baseScore),
    minScore: pointsText(policy.minScore),
    maxScore: pointsText(policy.maxScore),
    positiveExpiry: monthsText(policy.positiveExpiryMonths),
    decay: policy.decay,
    blacklistedGrade: policy.blacklistedGrade ?? '',
    appealWindowDays: String(policy.appealWindowDays),
    drawMinGrade: policy.drawMinGrade ?? '',
  }
  for (const s of SEVERITIES) {
    values[field.negPoints(s.code)] = pointsText(policy.negativePoints[s.code])
    values[field.negExpiry(s.code)] = monthsText(policy.negativeExpiryMonths[s.code])
  }
  for (const k of POSITIVE_KIND_CODES) values[field.posPoints(k)] = pointsText(policy.positivePoints[k])
  policy.bands.forEach((band, row) => {
    values[field.band(row, 'grade')] = band.grade
    values[field.band(row, 'label')] = band.label
    values[field.band(row, 'minScore')] = pointsText(band.minScore)
  })
  policy.blacklistRules.forEach((rule, row) => {
    values[field.rule(row, 'id')] = rule.id
    values[field.rule(row, 'label')] = rule.label
    values[field.rule(row, 'kinds')] = [...rule.kinds]
    values[field.rule(row, 'minSeverity')] = rule.minSeverity ?? ''
    values[field.rule(row, 'count')] = String(rule.count)
    values[field.rule(row, 'withinMonths')] = monthsText(rule.withinMonths)
    values[field.rule(row, 'years')] = String(rule.years)
  })
  return values
}

/** Starts of the domain's messages about a single field, and that field. */
function singleFieldPrefixes(): [string, string][] {
  return [
    ['请填写信用政策名称', 'name'],
    ['最低分', 'minScore'],
    ['最高分', 'maxScore'],
    ['基础分', 'baseScore'],
    ['时间衰减方式', 'decay'],
    ['申诉期限', 'appealWindowDays'],
    ['守信记录的有效期', 'positiveExpiry'],
    ['至少需要设置一个信用等级', 'bands'],
    ['失信名单期间的等级', 'blacklistedGrade'],
    ['专家抽取的最低信用等级', 'drawMinGrade'],
    ...SEVERITIES.flatMap((s): [string, string][] => [
      [`「${s.label}」的扣分`, field.negPoints(s.code)],
      [`「${s.label}」失信记录的有效期`, field.negExpiry(s.code)],
    ]),
    ...POSITIVE_KIND_CODES.map((k): [string, string] => [`「${labelOf(ENTRY_KINDS, k)}」的加分`, field.posPoints(k)]),
  ]
}

const BAND_COLUMNS: [string, BandColumn][] = [
  ['未填写等级名称', 'grade'],
  ['与前面的等级重名', 'grade'],
  ['未填写说明', 'label'],
  ['的分数下限', 'minScore'],
]
const RULE_COLUMNS: [string, RuleColumn][] = [
  ['未填写说明', 'label'],
  ['缺少编号', 'label'],
  ['的编号', 'label'],
  ['须至少选择一类', 'kinds'],
  ['含有未知的记录类别', 'kinds'],
  ['不能包含守信记录', 'kinds'],
  ['的最低严重程度', 'minSeverity'],
  ['的次数', 'count'],
  ['须设置统计期间', 'withinMonths'],
  ['的失信期限', 'years'],
]

/** The form field a domain message names; `_form` when it names none. */
export function fieldOfProblem(message: string, parsed: ParsedForm): string {
  const { draft, bandRows, ruleRows } = parsed
  // Row messages start with the row's name as the domain writes it; what follows says which column.
  for (const [i, band] of draft.bands.entries()) {
    const name = `第 ${i + 1} 个等级${band.grade ? `「${band.grade}」` : ''}`
    if (!message.startsWith(name)) continue
    const column = BAND_COLUMNS.find(([start]) => message.startsWith(start, name.length))?.[1]
    if (column) return field.band(bandRows[i]!, column)
  }
  for (const [i, rule] of draft.blacklistRules.entries()) {
    const name = `第 ${i + 1} 条失信规则${rule.label ? `「${rule.label}」` : ''}`
    if (!message.startsWith(name)) continue
    const column = RULE_COLUMNS.find(([start]) => message.startsWith(start, name.length))?.[1]
    if (column) return field.rule(ruleRows[i]!, column)
  }
  const last = bandRows.at(-1)
  if (message.startsWith('最后一个等级') && last !== undefined) return field.band(last, 'minScore')
  return singleFieldPrefixes().find(([start]) => message.startsWith(start))?.[1] ?? '_form'
}

/** Domain messages placed beside their fields; two about one field are shown together. */
export function policyErrors(problems: readonly string[], parsed: ParsedForm): FieldErrors {
  const errors: FieldErrors = { ...parsed.errors }
  for (const message of problems) {
    const key = fieldOfProblem(message, parsed)
    errors[key] = errors[key] ? `${errors[key]}；${message}` : message
  }
  return errors
}

/** JSON with keys in a fixed order, so two policies compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  return JSON.stringify(value)
}

function sameSettings(a: CreditPolicy, draft: Omit<CreditPolicy, 'id' | 'version'>): boolean {
  const { id: _id, version: _version, ...settings } = a
  return canonical(settings) === canonical(draft)
}

/** Field names whose every value the form keeps (the multi-selects of each rule row). */
function arrayFields(fd: FormData): string[] {
  return [...new Set(fd.keys())].filter(isRuleKindsField)
}

/**
 * 保存为新版本: the bureau's account admin saves the policy as its next version. A page built on an
 * older version (someone saved since) gets 409 with what was typed; an unchanged policy saves nothing.
 */
export function saveCreditPolicy(db: Db, actor: Actor, fd: FormData, now: Date): Result<{ versionNo: number; changed: boolean }> {
  const bureauId = editorBureauOf(actor)
  if (!bureauId) return { ok: false, status: 403, errors: { _form: '只有财政局账号管理员可以修改信用评价政策' } }
  const values = formValues(fd, arrayFields(fd))
  const parsed = parsePolicyForm(values)
  // The domain judges the draft as the version it would become; the id and number are the service's.
  const errors = policyErrors(validatePolicy({ ...parsed.draft, id: bureauId, version: 1 }), parsed)
  if (Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values }
  return inTransaction(db, (tx) => {
    const current = ownVersion(tx, bureauId)
    if (one(values, 'basedOn') !== String(current.versionNo))
      return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE }, values }
    if (sameSettings(current.policy, parsed.draft)) return { ok: true, value: { versionNo: current.versionNo, changed: false } }
    const saved = savePolicyVersion(tx, actor, bureauId, parsed.draft, now)
    if (!saved.ok) return { ok: false, status: 400, errors: policyErrors(saved.problems, parsed), values }
    return { ok: true, value: { versionNo: saved.policy.version, changed: true } }
  })
}
