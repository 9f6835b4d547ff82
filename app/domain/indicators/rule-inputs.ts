// The facts a scoring rule needs, as form fields: one definition shared by the rule trial (typed,
// not stored) and the engagement's 评价数据 (stored per indicator, shown to the experts), so both
// ask for the same inputs and read them the same way.
import type { RuleInput } from './rules'
import type { ScoringRule } from './tree'

export type RuleFieldKind = 'number' | 'checkbox' | 'select'
export type RuleField = {
  name: string
  label: string
  kind: RuleFieldKind
  options?: { value: string; label: string }[]
}

/** Field name -> text as entered; a ticked checkbox is "on", an unticked one "". */
export type RuleValues = Readonly<Record<string, string>>

export const CHECKED = 'on'

export function ruleFields(rule: ScoringRule, points: readonly string[]): RuleField[] {
  switch (rule.type) {
    case 'element':
      return points.map((p, i) => ({ name: `p${i}`, label: `要点${i + 1}：${p}`, kind: 'checkbox' }))
    case 'formula':
      return [
        { name: 'numerator', label: rule.numerator, kind: 'number' },
        { name: 'denominator', label: rule.denominator, kind: 'number' },
      ]
    case 'tier':
      return [{ name: 'value', label: rule.measure, kind: 'number' }]
    case 'deduction':
      return [
        { name: 'findings', label: `${rule.counted}（项数）`, kind: 'number' },
        ...(rule.veto
          ? [{ name: 'vetoed', label: `存在否决情形：${rule.veto}`, kind: 'checkbox' as const }]
          : []),
      ]
    case 'qualitative':
      return [
        {
          name: 'band',
          label: '档位',
          kind: 'select',
          options: rule.bands.map((b, i) => ({
            value: String(i),
            label: `${b.label}（${b.min / 100}%–${b.max / 100}%）`,
          })),
        },
        { name: 'share', label: '档内得分率（%，可留空）', kind: 'number' },
      ]
    case 'survey':
      return [
        { name: 'satisfied', label: '满意+较满意 样本数', kind: 'number' },
        { name: 'valid', label: '有效样本数', kind: 'number' },
      ]
  }
}

/** Typed text -> number; blank or garbage becomes NaN, which suggestScore answers with a message. */
const num = (text: string | undefined) =>
  text === undefined || text.trim() === '' ? Number.NaN : Number(text.trim())

/** The rule's input from entered values; missing values become NaN / unticked. */
export function ruleInputOf(rule: ScoringRule, points: readonly string[], values: RuleValues): RuleInput {
  const ticked = (name: string) => values[name] === CHECKED
  switch (rule.type) {
    case 'element':
      return { type: 'element', passed: points.map((_, i) => ticked(`p${i}`)) }
    case 'formula':
      return { type: 'formula', numerator: num(values.numerator), denominator: num(values.denominator) }
    case 'tier':
      return { type: 'tier', value: num(values.value) }
    case 'deduction':
      return { type: 'deduction', findings: num(values.findings), vetoed: ticked('vetoed') }
    case 'qualitative': {
      const share = values.share
      return {
        type: 'qualitative',
        band: num(values.band),
        ...(share !== undefined && share.trim() !== '' ? { sharePercent: num(share) } : {}),
      }
    }
    case 'survey':
      return { type: 'survey', satisfied: num(values.satisfied), valid: num(values.valid) }
  }
}

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/
const MAX_NUMBER_DIGITS = 20

export type ParsedRuleValues =
  { ok: true; values: Record<string, string> } | { ok: false; errors: Record<string, string> }

/**
 * Checks what was typed for each field: numbers are plain decimals (thousands separators and
 * full-width characters tolerated), a select one of its options, a checkbox ticked or not. Blank
 * is allowed: the agency may not have every figure yet. Out-of-range facts (a zero denominator,
 * more satisfied answers than valid ones) are stored and answered by the suggestion, not refused.
 */
export function parseRuleValues(
  fields: readonly RuleField[],
  read: (name: string) => string | undefined,
): ParsedRuleValues {
  const values: Record<string, string> = {}
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const raw = read(f.name)
    if (f.kind === 'checkbox') {
      values[f.name] = raw !== undefined && raw !== '' ? CHECKED : ''
      continue
    }
    const typed = (raw ?? '').normalize('NFKC').trim()
    if (f.kind === 'select') {
      if (typed !== '' && !f.options?.some((o) => o.value === typed))
        errors[f.name] = `请从列表中选择「${f.label}」`
      values[f.name] = typed
      continue
    }
    const plain = typed.replace(/(\d)[,，](?=\d{3})/g, '$1')
    if (plain !== '' && (!NUMBER_TEXT.test(plain) || plain.replace(/\D/g, '').length > MAX_NUMBER_DIGITS))
      errors[f.name] = `「${f.label}」须为数字`
    values[f.name] = plain
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values }
}

/** Whether anything that feeds the rule was entered (a ticked box or a non-blank value). */
export function hasRuleValues(fields: readonly RuleField[], values: RuleValues): boolean {
  return fields.some((f) => (values[f.name] ?? '') !== '')
}

/** Entered values as the experts read them: label and value, checkboxes as 是/否, selects by option label. */
export function ruleValueLines(
  fields: readonly RuleField[],
  values: RuleValues,
): { label: string; value: string }[] {
  return fields.flatMap((f) => {
    const v = values[f.name] ?? ''
    if (f.kind === 'checkbox') return [{ label: f.label, value: v === CHECKED ? '是' : '否' }]
    if (v === '') return []
    const shown = f.kind === 'select' ? (f.options?.find((o) => o.value === v)?.label ?? v) : v
    return [{ label: f.label, value: shown }]
  })
}
