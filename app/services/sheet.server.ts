// An engagement's scoring sheet (评分表): start it from a framework version, add sector and project
// indicators, edit, validate, freeze, and open a new version with a reason once frozen. Each public
// function is one user action in one IMMEDIATE transaction with its audit row.
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { insertUnder, placementTargets, suggestPlacement } from '../domain/indicators/edit'
import { defaultRule } from '../domain/indicators/rule-spec'
import { DIRECTIONS, flattenTree, unflattenRows, walkTree, type IndicatorRow, type IndicatorTree } from '../domain/indicators/tree'
import { hasErrors, validateTree, type ValidationIssue } from '../domain/indicators/validate'
import { parsePoints } from '../domain/money'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import {
  currentSheet,
  findSheetVersion,
  findVersion,
  insertSheetVersion,
  listPublishedVersions,
  listSheetVersions,
  parseTree,
  serializeTree,
  updateSheetDraftIfVersion,
  type SheetVersionRow,
} from '../models/framework.server'
import { formValues, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { libraryScopeOf, summarizeDiff } from './framework.server'
import { diffTrees } from '../domain/indicators/diff'
import { inTransaction } from './transaction.server'

const NOT_FOUND = { ok: false, status: 404, errors: { _form: '未找到该评价项目' } } as const
const FORBIDDEN = { ok: false, status: 403, errors: { _form: '无权修改该项目的评分表' } } as const
const CONFLICT = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } } as const
const NOT_DRAFT = { ok: false, status: 409, errors: { _form: '评分表已冻结，修改须先新建版本并说明原因' } } as const

export type SheetFailure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues; issues?: ValidationIssue[] }
type Result<T> = { ok: true; value: T } | SheetFailure

export type SheetView = { row: SheetVersionRow; tree: IndicatorTree; issues: ValidationIssue[] }

function viewOf(row: SheetVersionRow): SheetView {
  const tree = parseTree(row.treeJson)
  return { row, tree, issues: validateTree(tree) }
}

export function sheetPage(db: Db, actor: Actor, engagementId: string) {
  const engagement = engagementForViewer(db, actor, engagementId)
  if (!engagement || !can(actor, 'sheet.view', engagementResource(engagement))) return undefined
  const current = currentSheet(db, engagement.id)
  const mayEdit = can(actor, 'sheet.edit', engagementResource(engagement))
  const scope = libraryScopeOf({ kind: 'user', actor })
  const published = mayEdit ? listPublishedVersions(db, scope) : []
  return {
    engagement,
    current: current ? viewOf(current) : null,
    versions: listSheetVersions(db, engagement.id),
    mayEdit,
    frameworks: published.filter((v) => v.category !== 'sector'),
    sectorSets: published.filter((v) => v.category === 'sector'),
  }
}

/** The engagement, if the actor may edit its sheet; with the current sheet version. */
function forEditor(tx: Tx, actor: Actor, engagementId: string): Result<{ engagement: EngagementDetail; current: SheetVersionRow | undefined }> {
  const engagement = engagementForViewer(tx, actor, engagementId)
  if (!engagement) return NOT_FOUND
  if (!can(actor, 'sheet.edit', engagementResource(engagement))) return FORBIDDEN
  return { ok: true, value: { engagement, current: currentSheet(tx, engagement.id) } }
}

function draftForEditor(tx: Tx, actor: Actor, engagementId: string): Result<{ engagement: EngagementDetail; draft: SheetVersionRow }> {
  const found = forEditor(tx, actor, engagementId)
  if (!found.ok) return found
  const { current } = found.value
  if (!current) return { ok: false, status: 409, errors: { _form: '尚未建立评分表' } }
  if (current.status !== 'draft') return NOT_DRAFT
  return { ok: true, value: { engagement: found.value.engagement, draft: current } }
}

function audit(tx: Tx, actor: Actor, action: string, entityId: string, after: unknown, now: Date) {
  appendAudit(tx, { actor: auditActor(actor), action, entity: 'sheet_version', entityId, after, at: now })
}

/** Writes the draft's new tree under its version token and records what changed. */
function writeDraft(tx: Tx, actor: Actor, draft: SheetVersionRow, next: IndicatorTree, expectedVersion: number, action: string, now: Date, extra: object = {}): Result<{ issues: ValidationIssue[] }> {
  const tree = { ...next, weighted: true }
  if (!updateSheetDraftIfVersion(tx, draft.id, expectedVersion, { treeJson: serializeTree(tree), updatedAt: now.toISOString() })) return CONFLICT
  audit(tx, actor, action, draft.id, { engagementId: draft.engagementId, versionNo: draft.versionNo, ...extra, ...summarizeDiff(diffTrees(parseTree(draft.treeJson), tree)) }, now)
  return { ok: true, value: { issues: validateTree(tree) } }
}

const startSchema = z.object({ frameworkVersionId: z.string().refine(isId, '请选择指标体系框架') })

/** 建立评分表 from a published framework version. */
export function startSheet(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ sheetVersionId: string }> {
  const parsed = parseForm(startSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const found = forEditor(tx, actor, engagementId)
    if (!found.ok) return found
    if (found.value.current) return { ok: false, status: 409, errors: { _form: '该项目已建立评分表' } }
    const source = findVersion(tx, libraryScopeOf({ kind: 'user', actor }), parsed.data.frameworkVersionId)
    if (!source || source.version.status !== 'published' || source.framework.category === 'sector')
      return { ok: false, status: 400, errors: { frameworkVersionId: '请选择一个已发布的指标体系框架' } }
    const at = now.toISOString()
    const id = newId()
    const tree = { ...parseTree(source.version.treeJson), weighted: true }
    insertSheetVersion(tx, {
      id,
      engagementId: found.value.engagement.id,
      versionNo: 1,
      status: 'draft',
      treeJson: serializeTree(tree),
      frameworkVersionId: source.version.id,
      createdBy: actor.userId,
      createdAt: at,
      updatedAt: at,
    })
    audit(tx, actor, 'sheet.create', id, { engagementId: found.value.engagement.id, frameworkVersionId: source.version.id, framework: source.framework.name, versionNo: source.version.versionNo }, now)
    return { ok: true, value: { sheetVersionId: id } }
  })
}

export function saveSheetTree(db: Db, actor: Actor, engagementId: string, tree: IndicatorTree, expectedVersion: number, now: Date, action = 'sheet.update'): Result<{ issues: ValidationIssue[] }> {
  return inTransaction(db, (tx) => {
    const found = draftForEditor(tx, actor, engagementId)
    if (!found.ok) return found
    return writeDraft(tx, actor, found.value.draft, tree, expectedVersion, action, now)
  })
}

export const SECTOR_ARRAY_FIELDS = ['codes'] as const
const sectorSchema = z.object({
  sectorVersionId: z.string().refine(isId, '请选择行业指标集'),
  codes: z.array(z.string().max(20)).min(1, '请至少勾选一个指标').max(200, '一次最多添加 200 个指标'),
  parentCode: z.string().max(20).default(''),
  version: versionField,
})

/** 添加行业指标: the picked sector indicators, each under the level-2 indicator that fits it best (or the chosen parent). */
export function addSectorIndicators(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ added: number; issues: ValidationIssue[] }> {
  const parsed = parseForm(sectorSchema, fd, SECTOR_ARRAY_FIELDS)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const found = draftForEditor(tx, actor, engagementId)
    if (!found.ok) return found
    const set = findVersion(tx, libraryScopeOf({ kind: 'user', actor }), parsed.data.sectorVersionId)
    if (!set || set.version.status !== 'published' || set.framework.category !== 'sector') return { ok: false, status: 400, errors: { sectorVersionId: '请选择一个已发布的行业指标集' } }
    const sheetTree = parseTree(found.value.draft.treeJson)
    const picked = walkTree(parseTree(set.version.treeJson)).filter(({ node }) => node.children.length === 0 && parsed.data.codes.includes(node.code))
    if (picked.length === 0) return { ok: false, status: 400, errors: { codes: '请至少勾选一个指标' } }
    const targets = placementTargets(sheetTree).map((r) => r.code)
    if (parsed.data.parentCode !== '' && !targets.includes(parsed.data.parentCode)) return { ok: false, status: 400, errors: { parentCode: '请选择评分表中的二级或三级指标' } }
    let rows: IndicatorRow[] | null = flattenTree(sheetTree)
    for (const { node, path } of picked) {
      const parentCode = parsed.data.parentCode || suggestPlacement(sheetTree, path[0] ?? '', path[1] ?? '')
      if (!parentCode || !rows) return { ok: false, status: 400, errors: { parentCode: '评分表中没有可放置的二级指标，请先添加' } }
      const { children: _c, ...row } = node
      rows = insertUnder(rows, parentCode, [{ ...row, weight: 0 }])
    }
    const next = rows ? unflattenRows(rows, true) : null
    if (!next || !next.ok) return { ok: false, status: 400, errors: { parentCode: '无法放置所选指标' } }
    const written = writeDraft(tx, actor, found.value.draft, next.tree, parsed.data.version, 'sheet.add_sector_indicators', now, { sectorVersionId: set.version.id })
    return written.ok ? { ok: true, value: { added: picked.length, issues: written.value.issues } } : written
  })
}

export const PROJECT_ARRAY_FIELDS = ['name', 'unit', 'target', 'direction', 'weight'] as const
const PROJECT_ROWS_MAX = 50

/** 添加项目个性指标 from the project's own target table (名称, 单位, 目标值, 方向), under one parent. */
export function addProjectIndicators(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ added: number; issues: ValidationIssue[] }> {
  const values = formValues(fd, PROJECT_ARRAY_FIELDS)
  const errors: FieldErrors = {}
  const version = versionField.safeParse(values.version)
  if (!version.success) errors._form = '表单已过期，请刷新后重试'
  const parentCode = typeof values.parentCode === 'string' ? values.parentCode.trim() : ''
  if (parentCode === '') errors.parentCode = '请选择上级指标'
  const col = (f: (typeof PROJECT_ARRAY_FIELDS)[number]) => {
    const v = values[f]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  const count = col('name').length
  if (count > PROJECT_ROWS_MAX) errors._form = `一次最多添加 ${PROJECT_ROWS_MAX} 个指标`
  const rows: IndicatorRow[] = []
  for (let i = 0; i < Math.min(count, PROJECT_ROWS_MAX); i++) {
    const name = cleanText(col('name')[i] ?? '')
    const unit = cleanText(col('unit')[i] ?? '')
    const target = cleanText(col('target')[i] ?? '')
    const weightText = cleanText(col('weight')[i] ?? '')
    if (name === '' && unit === '' && target === '' && weightText === '') continue
    if (name === '') errors[`name.${i}`] = '请填写指标名称'
    else if (name.length > 100) errors[`name.${i}`] = '指标名称不能超过 100 个字符'
    if (unit.length > 20) errors[`unit.${i}`] = '计量单位不能超过 20 个字符'
    if (target.length > 100) errors[`target.${i}`] = '目标值不能超过 100 个字符'
    const weight = weightText === '' ? { ok: true as const, value: 0 } : parsePoints(weightText)
    if (!weight.ok) errors[`weight.${i}`] = weight.message
    const direction = DIRECTIONS.find((d) => d.code === col('direction')[i])?.code
    if (!direction) errors[`direction.${i}`] = '请选择方向'
    rows.push({
      code: '',
      name,
      level: 3,
      weight: weight.ok ? weight.value : 0,
      weightBasis: 'conventional',
      source: 'project',
      explanation: '',
      points: [],
      formula: direction === 'negative' ? '目标值 / 实际值 × 100%' : '实际值 / 目标值 × 100%',
      rule: defaultRule('formula', { points: [], name }),
      ruleText: direction === 'negative' ? '实际值不高于目标值得满分；高于目标值的，得分=分值×目标值/实际值' : '达到目标值得满分；未达到的，得分=分值×实际值/目标值',
      unit,
      target,
      direction: direction ?? 'positive',
      evidence: '',
    })
  }
  if (rows.length === 0 && !errors._form) errors['name.0'] = '请至少填写一个指标'
  if (Object.keys(errors).length > 0 || !version.success) return { ok: false, status: 400, errors, values }
  return inTransaction(db, (tx) => {
    const found = draftForEditor(tx, actor, engagementId)
    if (!found.ok) return found
    const sheetTree = parseTree(found.value.draft.treeJson)
    if (!placementTargets(sheetTree).some((r) => r.code === parentCode)) return { ok: false, status: 400, errors: { parentCode: '请选择评分表中的二级或三级指标' }, values }
    // Codes are given by insertUnder: an empty code always clashes, so each row gets a fresh one.
    const inserted = insertUnder(flattenTree(sheetTree), parentCode, rows)
    const next = inserted ? unflattenRows(inserted, true) : null
    if (!next || !next.ok) return { ok: false, status: 400, errors: { parentCode: '无法放置所填指标' }, values }
    const written = writeDraft(tx, actor, found.value.draft, next.tree, version.data, 'sheet.add_project_indicators', now)
    return written.ok ? { ok: true, value: { added: rows.length, issues: written.value.issues } } : written
  })
}

/**
 * 冻结评分表: a valid draft becomes the version experts score on. Panel scoring (a later issue)
 * freezes it too; after that, changes need a new version with a reason.
 */
export function freezeSheet(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<null> {
  const parsed = parseForm(z.object({ version: versionField }), fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors }
  return inTransaction(db, (tx) => {
    const found = draftForEditor(tx, actor, engagementId)
    if (!found.ok) return found
    const view = viewOf(found.value.draft)
    if (hasErrors(view.issues)) {
      const count = view.issues.filter((i) => i.severity === 'error').length
      return { ok: false, status: 400, errors: { _form: `校验未通过（${count} 处错误），不能冻结` }, issues: view.issues }
    }
    const at = now.toISOString()
    if (!updateSheetDraftIfVersion(tx, found.value.draft.id, parsed.data.version, { status: 'frozen', frozenAt: at, frozenBy: actor.userId, updatedAt: at })) return CONFLICT
    audit(tx, actor, 'sheet.freeze', found.value.draft.id, { engagementId: found.value.engagement.id, versionNo: found.value.draft.versionNo }, now)
    return { ok: true, value: null }
  })
}

const newVersionSchema = z.object({
  reason: text({ label: '修订原因', max: 1000 }),
  version: versionField,
})

/** 新建评分表版本 after freezing: a draft copy of the frozen version, with the reason on record. */
export function newSheetVersion(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ sheetVersionId: string }> {
  const parsed = parseForm(newVersionSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const found = forEditor(tx, actor, engagementId)
    if (!found.ok) return found
    const current = found.value.current
    if (!current) return { ok: false, status: 409, errors: { _form: '尚未建立评分表' } }
    if (current.status !== 'frozen') return { ok: false, status: 409, errors: { _form: '当前版本尚未冻结，可直接修改' } }
    if (current.version !== parsed.data.version) return CONFLICT
    const at = now.toISOString()
    const id = newId()
    insertSheetVersion(tx, {
      id,
      engagementId: current.engagementId,
      versionNo: current.versionNo + 1,
      status: 'draft',
      treeJson: current.treeJson,
      frameworkVersionId: current.frameworkVersionId,
      reason: parsed.data.reason,
      createdBy: actor.userId,
      createdAt: at,
      updatedAt: at,
    })
    audit(tx, actor, 'sheet.version.create', id, { engagementId: current.engagementId, versionNo: current.versionNo + 1, basedOnVersionNo: current.versionNo, reason: parsed.data.reason }, now)
    return { ok: true, value: { sheetVersionId: id } }
  })
}

/** One sheet version (default: the current one) for display, comparison or export, within the viewer's reach. */
export function sheetVersionForViewer(db: Db, actor: Actor, engagementId: string, versionNo: number | null) {
  const engagement = engagementForViewer(db, actor, engagementId)
  if (!engagement || !can(actor, 'sheet.view', engagementResource(engagement))) return undefined
  const versions = listSheetVersions(db, engagement.id)
  const item = versionNo === null ? versions[0] : versions.find((v) => v.versionNo === versionNo)
  const row = item ? findSheetVersion(db, engagement.id, item.id) : undefined
  return row ? { engagement, view: viewOf(row) } : undefined
}

/** The sheet line on the engagement page: current version, status, leaf count and error count. */
export function sheetSummary(db: Db, engagementId: string) {
  const row = currentSheet(db, engagementId)
  if (!row) return { versionNo: null, status: null, indicators: 0, errors: 0 }
  const view = viewOf(row)
  return {
    versionNo: row.versionNo,
    status: row.status,
    indicators: walkTree(view.tree).filter(({ node }) => node.children.length === 0).length,
    errors: view.issues.filter((i) => i.severity === 'error').length,
  }
}

export type SectorPick = { code: string; name: string; group: string; unit: string; target: string; placement: string }

/** The sector picker: a published set's indicators, each with where it would land in this sheet. */
export function sectorPicker(db: Db, actor: Actor, sheetTree: IndicatorTree, sectorVersionId: string): { versionId: string; name: string; items: SectorPick[] } | null {
  if (!isId(sectorVersionId)) return null
  const set = findVersion(db, libraryScopeOf({ kind: 'user', actor }), sectorVersionId)
  if (!set || set.framework.category !== 'sector' || set.version.status !== 'published') return null
  const names = new Map(walkTree(sheetTree).map(({ node, path }) => [node.code, path.join(' › ')]))
  return {
    versionId: set.version.id,
    name: set.framework.name,
    items: walkTree(parseTree(set.version.treeJson))
      .filter(({ node }) => node.children.length === 0)
      .map(({ node, path }) => ({
        code: node.code,
        name: node.name,
        group: path.slice(0, -1).join(' › '),
        unit: node.unit,
        target: node.target,
        placement: names.get(suggestPlacement(sheetTree, path[0] ?? '', path[1] ?? '') ?? '') ?? '（无可放置位置）',
      })),
  }
}
