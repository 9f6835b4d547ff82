// 评价数据: for each leaf indicator of the engagement's sheet, the facts the agency gathered (the
// inputs its scoring rule needs) and a note on the data and its sources. Experts read them beside
// the indicator with the rule's suggested score. Editing stays open while scoring runs (experts
// see the latest), so every change is one audited transaction with before and after.
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { indicatorData, scoringRounds, sheetVersions, users } from '../../db/schema'
import {
  hasRuleValues,
  parseRuleValues,
  ruleFields,
  ruleInputOf,
  ruleValueLines,
  type RuleField,
  type RuleValues,
} from '../domain/indicators/rule-inputs'
import { describeRule } from '../domain/indicators/rule-spec'
import { suggestScore, type Suggestion } from '../domain/indicators/rules'
import { walkTree, type IndicatorNode, type IndicatorTree, type RuleType } from '../domain/indicators/tree'
import { can, type Actor } from '../domain/permissions'
import { ROLES_BY_ORG_KIND } from '../domain/roles'
import { isClosedStage } from '../domain/stages'
import { newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { currentSheet, parseTree } from '../models/framework.server'
import { formValues, parseForm, text, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该评价项目' } }
export const NOTE_MAX = 4000

type Stored = { type: RuleType | null; values: Record<string, string> }
type DataRow = typeof indicatorData.$inferSelect

const storedSchema = z.object({ type: z.string().nullable(), values: z.record(z.string()) })

/** The stored inputs, or none when unreadable; values for another rule type do not apply to this one. */
function valuesFor(row: DataRow | undefined, node: IndicatorNode): { values: RuleValues; stale: boolean } {
  if (!row) return { values: {}, stale: false }
  let parsed: z.infer<typeof storedSchema> | null = null
  try {
    const r = storedSchema.safeParse(JSON.parse(row.inputsJson))
    parsed = r.success ? r.data : null
  } catch {
    parsed = null
  }
  if (!parsed) return { values: {}, stale: false }
  const type = node.rule?.type ?? null
  if (parsed.type !== type) return { values: {}, stale: Object.values(parsed.values).some((v) => v !== '') }
  return { values: parsed.values, stale: false }
}

const fieldsOf = (node: IndicatorNode): RuleField[] => (node.rule ? ruleFields(node.rule, node.points) : [])

/** The rule's suggestion for the entered facts; null while nothing that feeds the rule is entered. */
function suggestionOf(node: IndicatorNode, values: RuleValues): Suggestion | null {
  if (!node.rule || !hasRuleValues(fieldsOf(node), values)) return null
  return suggestScore(
    node.rule,
    node.weight,
    node.direction,
    ruleInputOf(node.rule, node.points, values),
    node.name,
  )
}

function rowsOf(db: Db | Tx, engagementId: string): Map<string, DataRow> {
  return new Map(
    db
      .select()
      .from(indicatorData)
      .where(eq(indicatorData.engagementId, engagementId))
      .all()
      .map((r) => [r.code, r]),
  )
}

const leavesOf = (tree: IndicatorTree) => walkTree(tree).filter(({ node }) => node.children.length === 0)

/**
 * Agency staff of the engagement's agency read the data (engagementForViewer checks the agency);
 * whoever may edit the sheet edits it. The bureau, the unit and the experts never reach the page.
 */
export function mayViewIndicatorData(actor: Actor): boolean {
  return ROLES_BY_ORG_KIND.agency.includes(actor.role)
}

function mayEdit(actor: Actor, engagement: EngagementDetail): boolean {
  return can(actor, 'sheet.edit', engagementResource(engagement))
}

export type IndicatorDataCard = {
  code: string
  name: string
  path: string
  weight: number
  ruleType: RuleType | null
  ruleText: string
  explanation: string
  points: string[]
  evidence: string
  fields: (RuleField & { value: string })[]
  note: string
  /** The row's version token; 0 while nothing is saved. */
  version: number
  updatedAt: string | null
  updatedByName: string | null
  /** Inputs were saved for a rule this indicator no longer has; they are neither shown nor used. */
  stale: boolean
  suggestion: Suggestion | null
}

/** The 评价数据 page: every leaf of the current sheet with its fields, saved values, note and suggestion. */
export function indicatorDataPage(db: Db, actor: Actor, engagementId: string) {
  const engagement = engagementForViewer(db, actor, engagementId)
  if (!engagement || !mayViewIndicatorData(actor)) return undefined
  const sheet = currentSheet(db, engagement.id)
  const round = db
    .select({ phase: scoringRounds.phase })
    .from(scoringRounds)
    .where(eq(scoringRounds.engagementId, engagement.id))
    .get()
  const rows = rowsOf(db, engagement.id)
  const names = new Map(
    db
      .selectDistinct({ id: users.id, name: users.displayName })
      .from(users)
      .innerJoin(indicatorData, eq(indicatorData.updatedBy, users.id))
      .where(eq(indicatorData.engagementId, engagement.id))
      .all()
      .map((u) => [u.id, u.name]),
  )
  const items: IndicatorDataCard[] = sheet
    ? leavesOf(parseTree(sheet.treeJson)).map(({ node, path }) => {
        const row = rows.get(node.code)
        const { values, stale } = valuesFor(row, node)
        return {
          code: node.code,
          name: node.name,
          path: path.slice(0, -1).join(' › '),
          weight: node.weight,
          ruleType: node.rule?.type ?? null,
          ruleText: node.ruleText || (node.rule ? describeRule(node.rule, node.weight, node.direction) : ''),
          explanation: node.explanation,
          points: node.points,
          evidence: node.evidence,
          fields: fieldsOf(node).map((f) => ({ ...f, value: values[f.name] ?? '' })),
          note: row?.note ?? '',
          version: row?.version ?? 0,
          updatedAt: row?.updatedAt ?? null,
          updatedByName: row ? (names.get(row.updatedBy) ?? null) : null,
          stale,
          suggestion: suggestionOf(node, values),
        }
      })
    : []
  return {
    engagement,
    sheet: sheet ? { versionNo: sheet.versionNo, status: sheet.status } : null,
    scoringPhase: round?.phase ?? null,
    mayEdit: mayEdit(actor, engagement),
    items,
  }
}

const saveSchema = z.object({
  code: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z.string().min(1, '请选择指标').max(20, '请选择指标'),
  ),
  note: text({ label: '数据说明与来源', max: NOTE_MAX, required: false }),
  // The version of this indicator's data the page last saw (0: none yet).
  version: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN),
    z.number({ invalid_type_error: '表单已过期，请刷新后重试' }),
  ),
})

/** 保存 one leaf's data: the rule inputs and the note, under the version token the page saw. */
export function saveIndicatorData(
  db: Db,
  actor: Actor,
  engagementId: string,
  fd: FormData,
  now: Date,
): Result<{ code: string; version: number; suggestion: Suggestion | null }> {
  const parsed = parseForm(saveSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  const { code, note, version: seen } = parsed.data
  const values = formValues(fd)
  return inTransaction(db, (tx) => {
    const engagement = engagementForViewer(tx, actor, engagementId)
    if (!engagement || !mayViewIndicatorData(actor)) return NOT_FOUND
    if (!mayEdit(actor, engagement)) {
      const why = isClosedStage(engagement.stage)
        ? '项目已归档，评价数据不能再修改'
        : '无权修改该项目的评价数据'
      return { ok: false, status: 403, errors: { _form: why } }
    }
    const sheet = currentSheet(tx, engagement.id)
    if (!sheet) return { ok: false, status: 409, errors: { _form: '尚未建立评分表' } }
    const node = leavesOf(parseTree(sheet.treeJson)).find((l) => l.node.code === code)?.node
    if (!node) return { ok: false, status: 400, errors: { _form: `评分表中没有末级指标 ${code}` }, values }
    const fields = fieldsOf(node)
    const read = parseRuleValues(fields, (name) => {
      const v = fd.get(name)
      return typeof v === 'string' ? v : undefined
    })
    if (!read.ok) return { ok: false, status: 400, errors: read.errors, values }
    const row = rowsOf(tx, engagement.id).get(code)
    if ((row?.version ?? 0) !== seen)
      return {
        ok: false,
        status: 409,
        errors: { _form: `指标 ${code} ${node.name} 的${CONFLICT_MESSAGE}` },
        values,
      }
    const stored: Stored = { type: node.rule?.type ?? null, values: read.values }
    const inputsJson = JSON.stringify(stored)
    const suggestion = suggestionOf(node, read.values)
    if (row && row.inputsJson === inputsJson && row.note === note)
      return { ok: true, value: { code, version: row.version, suggestion } }
    const at = now.toISOString()
    const id = row?.id ?? newId()
    if (row) {
      tx.update(indicatorData)
        .set({ inputsJson, note, updatedBy: actor.userId, updatedAt: at, version: row.version + 1 })
        .where(and(eq(indicatorData.id, row.id), eq(indicatorData.version, row.version)))
        .run()
    } else {
      tx.insert(indicatorData)
        .values({
          id,
          engagementId: engagement.id,
          code,
          inputsJson,
          note,
          updatedBy: actor.userId,
          updatedAt: at,
        })
        .run()
    }
    const round = tx
      .select({ phase: scoringRounds.phase })
      .from(scoringRounds)
      .where(eq(scoringRounds.engagementId, engagement.id))
      .get()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'indicator_data.save',
      entity: 'indicator_data',
      entityId: id,
      before: row ? { code, inputs: JSON.parse(row.inputsJson) as unknown, note: row.note } : null,
      after: {
        engagementId: engagement.id,
        code,
        name: node.name,
        inputs: stored,
        note,
        suggestedScore: suggestion?.ok ? suggestion.score : null,
        scoringPhase: round?.phase ?? null,
      },
      at: now,
    })
    return { ok: true, value: { code, version: (row?.version ?? 0) + 1, suggestion } }
  })
}

export type IndicatorDataForExpert = {
  note: string
  inputs: { label: string; value: string }[]
  suggestion: Suggestion | null
  updatedAt: string
}

/**
 * The agency's data per leaf code, for the expert's scoring page: on the sheet the experts score
 * (the scoring round's), or the current one before scoring opens. Suggestion null when no inputs.
 */
export function indicatorDataFor(db: Db | Tx, engagementId: string): Map<string, IndicatorDataForExpert> {
  const out = new Map<string, IndicatorDataForExpert>()
  const rows = rowsOf(db, engagementId)
  if (rows.size === 0) return out
  const round = db
    .select({ sheetVersionId: scoringRounds.sheetVersionId })
    .from(scoringRounds)
    .where(eq(scoringRounds.engagementId, engagementId))
    .get()
  const sheet = round
    ? db.select().from(sheetVersions).where(eq(sheetVersions.id, round.sheetVersionId)).get()
    : currentSheet(db, engagementId)
  if (!sheet) return out
  for (const { node } of leavesOf(parseTree(sheet.treeJson))) {
    const row = rows.get(node.code)
    if (!row) continue
    const { values } = valuesFor(row, node)
    const shown = hasRuleValues(fieldsOf(node), values) ? ruleValueLines(fieldsOf(node), values) : []
    out.set(node.code, {
      note: row.note,
      inputs: shown,
      suggestion: suggestionOf(node, values),
      updatedAt: row.updatedAt,
    })
  }
  return out
}
