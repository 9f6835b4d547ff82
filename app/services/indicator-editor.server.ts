// The tree editor form, shared by framework drafts and scoring sheet drafts. The page posts every
// row as parallel arrays plus an intent; parsing turns them into rows or per-field messages, and a
// structural intent (add, remove, move) is applied to the parsed rows before saving.
import { z } from 'zod'
import { addChild, addRoot, moveRow, removeRow } from '../domain/indicators/edit'
import { defaultRule, parseRuleSpec, parseRuleType } from '../domain/indicators/rule-spec'
import {
  DIRECTIONS,
  INDICATOR_SOURCES,
  MAX_LEVEL,
  WEIGHT_BASES,
  unflattenRows,
  type IndicatorRow,
  type IndicatorTree,
  type Level,
} from '../domain/indicators/tree'
import { parsePoints } from '../domain/money'
import { cleanText } from '../domain/text'
import { formValues, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { EDITOR_ROW_FIELDS, type EditorField } from '../utils/indicator-form'

/** The largest tree the editor accepts; the validator explains the limit on saved trees. */
export const MAX_EDITOR_ROWS = 500

const LIMITS: Partial<Record<EditorField, number>> = {
  code: 20,
  name: 100,
  explanation: 2000,
  points: 5000,
  formula: 500,
  ruleParams: 1000,
  ruleText: 2000,
  unit: 20,
  target: 100,
  evidence: 1000,
}

export type EditorIntent =
  | { kind: 'save' }
  | { kind: 'add-root' }
  | { kind: 'add-child' | 'remove' | 'up' | 'down'; index: number }

const intentSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v : 'save'),
  z
    .string()
    .regex(/^(save|add-root|(add-child|remove|up|down):\d{1,4})$/)
    .catch('save'),
)

function parseIntent(raw: unknown): EditorIntent {
  const text = intentSchema.parse(raw)
  if (text === 'save' || text === 'add-root') return { kind: text }
  const [kind, index] = text.split(':') as ['add-child' | 'remove' | 'up' | 'down', string]
  return { kind, index: Number(index) }
}

export type ParsedEditor =
  | { ok: true; tree: IndicatorTree; intent: EditorIntent; version: number; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues }

function column(values: FormValues, field: EditorField): string[] {
  const v = values[field]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

const codeOf = <T extends string>(list: readonly { code: T; label: string }[], raw: string): T | undefined =>
  list.find((x) => x.code === raw || x.label === raw)?.code

/** Editor form -> tree (with the structural intent applied), or every field's message keyed "field.row". */
export function parseEditorForm(fd: FormData, weighted: boolean): ParsedEditor {
  const values = formValues(fd, EDITOR_ROW_FIELDS)
  const errors: FieldErrors = {}
  const version = versionField.safeParse(values.version)
  if (!version.success) errors._form = '表单已过期，请刷新后重试'
  const count = column(values, 'level').length
  if (count > MAX_EDITOR_ROWS) return { ok: false, errors: { _form: `指标最多 ${MAX_EDITOR_ROWS} 个` }, values }
  const rows: IndicatorRow[] = []
  for (let i = 0; i < count; i++) {
    const cell = (field: EditorField) => {
      const raw = cleanText(column(values, field)[i] ?? '')
      const max = LIMITS[field]
      if (max !== undefined && raw.length > max) errors[`${field}.${i}`] ??= `不能超过 ${max} 个字符`
      return raw
    }
    const level = Number(cell('level'))
    if (!Number.isInteger(level) || level < 1 || level > MAX_LEVEL) errors[`level.${i}`] = `层级须为 1 到 ${MAX_LEVEL}`
    const weightText = cell('weight')
    const weight = weightText === '' ? { ok: true as const, value: 0 } : parsePoints(weightText)
    if (!weight.ok) errors[`weight.${i}`] = weight.message
    const points = column(values, 'points')[i]?.split(/\r?\n/).map(cleanText).filter((p) => p !== '') ?? []
    cell('points')
    const name = cell('name')
    const row: IndicatorRow = {
      level: (Number.isInteger(level) ? Math.min(Math.max(level, 1), MAX_LEVEL) : 1) as Level,
      code: cell('code'),
      name,
      weight: weight.ok ? weight.value : 0,
      weightBasis: codeOf(WEIGHT_BASES, cell('weightBasis')) ?? 'conventional',
      source: codeOf(INDICATOR_SOURCES, cell('source')) ?? 'project',
      explanation: cell('explanation'),
      points,
      formula: cell('formula'),
      rule: null,
      ruleText: cell('ruleText'),
      unit: cell('unit'),
      target: cell('target'),
      direction: codeOf(DIRECTIONS, cell('direction')) ?? 'positive',
      evidence: cell('evidence'),
    }
    const typeText = cell('ruleType')
    if (typeText !== '') {
      const type = parseRuleType(typeText)
      const params = cell('ruleParams')
      if (!type) errors[`ruleType.${i}`] = '请选择计分规则'
      else if (params === '') row.rule = defaultRule(type, { points, name })
      else {
        const parsed = parseRuleSpec(type, params)
        if (parsed.ok) row.rule = parsed.rule
        else errors[`ruleParams.${i}`] = parsed.message
      }
    }
    rows.push(row)
  }
  if (Object.keys(errors).length > 0 || !version.success) return { ok: false, errors, values }

  const intent = parseIntent(values.intent)
  const edited = applyIntent(rows, intent)
  const tree = unflattenRows(edited, weighted)
  if (!tree.ok) {
    const levelErrors: FieldErrors = {}
    // After a structural edit the indexes shift; level errors can only come from typed levels, which
    // the "save" intent leaves in place.
    for (const e of tree.errors) levelErrors[`level.${e.index}`] = e.message
    return { ok: false, errors: levelErrors, values }
  }
  return { ok: true, tree: tree.tree, intent, version: version.data, values }
}

function applyIntent(rows: IndicatorRow[], intent: EditorIntent): IndicatorRow[] {
  switch (intent.kind) {
    case 'save':
      return rows
    case 'add-root':
      return addRoot(rows)
    case 'add-child':
      return addChild(rows, intent.index)
    case 'remove':
      return removeRow(rows, intent.index)
    case 'up':
    case 'down':
      return moveRow(rows, intent.index, intent.kind)
  }
}
