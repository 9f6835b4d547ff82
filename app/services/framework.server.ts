// The indicator library (指标库): creating frameworks, drafting, publishing and comparing versions,
// importing and exporting Excel. Each public function is one user action in one IMMEDIATE
// transaction with its audit row, or no change at all.
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { diffTrees, type TreeDiff } from '../domain/indicators/diff'
import { FRAMEWORK_CATEGORY_CODES, frameworkCategoryLabel, isWeightedCategory, type FrameworkCategory } from '../domain/indicators/framework'
import type { IndicatorTree } from '../domain/indicators/tree'
import { hasErrors, validateTree, type ValidationIssue } from '../domain/indicators/validate'
import { can, type Actor } from '../domain/permissions'
import { isId } from '../ids.server'
import { newId } from '../ids.server'
import { appendAudit } from '../models/audit.server'
import {
  deleteDraft,
  findDraftOf,
  findFramework,
  findVersion,
  insertFramework,
  insertFrameworkVersion,
  listLibrary,
  listVersions,
  nextVersionNo,
  parseTree,
  serializeTree,
  touchFramework,
  updateDraftIfVersion,
  type FrameworkRow,
  type FrameworkVersionRow,
  type LibraryScope,
} from '../models/framework.server'
import { choice, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, type ServiceResult } from './engagement.server'
import { inTransaction } from './transaction.server'
import { auditActorOf, operatorMay, type Operator } from './user-admin.server'

const NOT_FOUND: ServiceResult<never> = { ok: false, status: 404, errors: { _form: '未找到该指标体系' } }
const FORBIDDEN: ServiceResult<never> = { ok: false, status: 403, errors: { _form: '无权修改该指标体系' } }
const CONFLICT: ServiceResult<never> = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }

/** The library an operator reads: the platform's, plus their agency's own. */
export function libraryScopeOf(op: Operator): LibraryScope {
  if (op.kind === 'cli') return { organizationId: null, everything: true }
  const { role, organizationId } = op.actor
  return { organizationId: role === 'agency_admin' || role === 'evaluator' ? organizationId : null }
}

function frameworkResource(f: Pick<FrameworkRow, 'organizationId'>) {
  return { type: 'framework', organizationId: f.organizationId } as const
}

export function mayManage(op: Operator, f: Pick<FrameworkRow, 'organizationId'>): boolean {
  return operatorMay(op, 'framework.manage', frameworkResource(f))
}

/** Who owns a framework the operator creates: the platform for admins and the CLI, else their agency. */
function ownerOf(op: Operator): string | null {
  return op.kind === 'cli' || op.actor.role === 'system_admin' ? null : op.actor.organizationId
}

export function libraryFor(db: Db, actor: Actor) {
  if (!can(actor, 'framework.view', { type: 'framework', organizationId: null })) return null
  return listLibrary(db, libraryScopeOf({ kind: 'user', actor }))
}

export function frameworkForViewer(db: Db | Tx, op: Operator, id: string) {
  if (!isId(id)) return undefined
  const f = findFramework(db, libraryScopeOf(op), id)
  if (!f || (op.kind === 'user' && !can(op.actor, 'framework.view', frameworkResource(f)))) return undefined
  return f
}

export type VersionView = {
  framework: FrameworkRow
  version: FrameworkVersionRow
  tree: IndicatorTree
  issues: ValidationIssue[]
}

export function versionForViewer(db: Db | Tx, op: Operator, frameworkId: string, versionId: string): VersionView | undefined {
  if (!isId(versionId)) return undefined
  const found = findVersion(db, libraryScopeOf(op), versionId)
  if (!found || found.framework.id !== frameworkId) return undefined
  if (op.kind === 'user' && !can(op.actor, 'framework.view', frameworkResource(found.framework))) return undefined
  const tree = parseTree(found.version.treeJson)
  return { ...found, tree, issues: validateTree(tree) }
}

export function frameworkPage(db: Db, op: Operator, id: string) {
  const framework = frameworkForViewer(db, op, id)
  if (!framework) return undefined
  return { framework, versions: listVersions(db, framework.id), mayManage: mayManage(op, framework) }
}

const metaSchema = z.object({
  name: text({ label: '框架名称', max: 100 }),
  category: choice(FRAMEWORK_CATEGORY_CODES, '请选择类别'),
  source: text({ label: '来源', max: 200, required: false }),
  description: text({ label: '说明', max: 2000, required: false }),
})
export type FrameworkMeta = z.infer<typeof metaSchema>

type Created = { frameworkId: string; versionId: string }

function createWithDraft(
  tx: Tx,
  op: Operator,
  meta: FrameworkMeta,
  tree: IndicatorTree,
  now: Date,
  extra: { copiedFromVersionId?: string; action: string; organizationId?: string | null },
): Created {
  const organizationId = extra.organizationId !== undefined ? extra.organizationId : ownerOf(op)
  const at = now.toISOString()
  const frameworkId = newId()
  const versionId = newId()
  const createdBy = op.kind === 'user' ? op.actor.userId : null
  insertFramework(tx, {
    id: frameworkId,
    organizationId,
    name: meta.name,
    category: meta.category,
    source: meta.source,
    description: meta.description,
    copiedFromVersionId: extra.copiedFromVersionId ?? null,
    createdBy,
    createdAt: at,
    updatedAt: at,
  })
  insertFrameworkVersion(tx, { id: versionId, frameworkId, versionNo: 1, status: 'draft', treeJson: serializeTree(tree), createdBy, createdAt: at, updatedAt: at })
  appendAudit(tx, {
    actor: auditActorOf(op),
    tenantId: organizationId,
    action: extra.action,
    entity: 'framework',
    entityId: frameworkId,
    after: { ...meta, versionId, indicators: countNodes(tree), copiedFromVersionId: extra.copiedFromVersionId ?? null },
    at: now,
  })
  return { frameworkId, versionId }
}

function countNodes(tree: IndicatorTree): number {
  let n = 0
  const visit = (nodes: IndicatorTree['roots']) => nodes.forEach((node) => (n++, visit(node.children)))
  visit(tree.roots)
  return n
}

export type FormFailure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }

/** 新建框架: blank, or a copy of a published version the operator can see. */
export function createFramework(db: Db, op: Operator, fd: FormData, now: Date): ServiceResult<Created> | FormFailure {
  const parsed = parseForm(metaSchema.extend({ basedOn: z.string().optional() }), fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  if (!operatorMay(op, 'framework.manage', { type: 'framework', organizationId: ownerOf(op) })) return FORBIDDEN
  const { basedOn, ...meta } = parsed.data
  return inTransaction(db, (tx) => {
    let tree: IndicatorTree = { weighted: isWeightedCategory(meta.category), roots: [] }
    let copiedFromVersionId: string | undefined
    if (basedOn) {
      const source = isId(basedOn) ? findVersion(tx, libraryScopeOf(op), basedOn) : undefined
      if (!source || source.version.status !== 'published') return { ok: false, status: 400, errors: { basedOn: '请选择一个已发布的版本' } }
      tree = { ...parseTree(source.version.treeJson), weighted: isWeightedCategory(meta.category) }
      copiedFromVersionId = source.version.id
    }
    return { ok: true, value: createWithDraft(tx, op, meta, tree, now, { copiedFromVersionId, action: copiedFromVersionId ? 'framework.copy' : 'framework.create' }) }
  })
}

/** 新建版本: a draft copied from the chosen version (default: the latest), one draft at a time. */
export function startNewVersion(db: Db, op: Operator, frameworkId: string, fromVersionId: string, now: Date): ServiceResult<{ versionId: string }> {
  return inTransaction(db, (tx) => {
    const f = frameworkForViewer(tx, op, frameworkId)
    if (!f) return NOT_FOUND
    if (!mayManage(op, f)) return FORBIDDEN
    const from = findVersion(tx, libraryScopeOf(op), fromVersionId)
    if (!from || from.framework.id !== f.id) return NOT_FOUND
    return addDraftVersion(tx, op, f, { treeJson: from.version.treeJson, basedOnVersionId: from.version.id, action: 'framework.version.create', after: { basedOnVersionId: from.version.id } }, now)
  })
}

/** Adds the next version of `f` as a draft (one draft at a time), with its audit row. */
function addDraftVersion(
  tx: Tx,
  op: Operator,
  f: FrameworkRow,
  draft: { treeJson: string; basedOnVersionId: string | null; action: string; after: object },
  now: Date,
): ServiceResult<{ versionId: string }> {
  const existing = findDraftOf(tx, f.id)
  if (existing) return { ok: false, status: 409, errors: { _form: `已有草稿（第 ${existing.versionNo} 版），请先发布或删除该草稿` } }
  const at = now.toISOString()
  const versionId = newId()
  const versionNo = nextVersionNo(tx, f.id)
  insertFrameworkVersion(tx, {
    id: versionId,
    frameworkId: f.id,
    versionNo,
    status: 'draft',
    treeJson: draft.treeJson,
    basedOnVersionId: draft.basedOnVersionId,
    createdBy: op.kind === 'user' ? op.actor.userId : null,
    createdAt: at,
    updatedAt: at,
  })
  touchFramework(tx, f.id, at)
  appendAudit(tx, {
    actor: auditActorOf(op),
    tenantId: f.organizationId,
    action: draft.action,
    entity: 'framework_version',
    entityId: versionId,
    after: { frameworkId: f.id, versionNo, ...draft.after },
    at: now,
  })
  return { ok: true, value: { versionId } }
}

function draftForManager(tx: Tx, op: Operator, frameworkId: string, versionId: string): ServiceResult<VersionView> {
  const view = versionForViewer(tx, op, frameworkId, versionId)
  if (!view) return NOT_FOUND
  if (!mayManage(op, view.framework)) return FORBIDDEN
  if (view.version.status !== 'draft') return { ok: false, status: 409, errors: { _form: '该版本已发布，不能再修改；如需调整请新建版本' } }
  return { ok: true, value: view }
}

/** Saves the edited tree of a draft. Invalid trees may be saved; only publishing needs a valid one. */
export function saveDraftTree(
  db: Db,
  op: Operator,
  ids: { frameworkId: string; versionId: string },
  tree: IndicatorTree,
  expectedVersion: number,
  now: Date,
): ServiceResult<{ issues: ValidationIssue[] }> {
  return inTransaction(db, (tx) => {
    const draft = draftForManager(tx, op, ids.frameworkId, ids.versionId)
    if (!draft.ok) return draft
    const weighted = isWeightedCategory(draft.value.framework.category as FrameworkCategory)
    const next = { ...tree, weighted }
    const at = now.toISOString()
    if (!updateDraftIfVersion(tx, ids.versionId, expectedVersion, { treeJson: serializeTree(next), updatedAt: at })) return CONFLICT
    touchFramework(tx, ids.frameworkId, at)
    const changes = diffTrees(draft.value.tree, next)
    appendAudit(tx, {
      actor: auditActorOf(op),
      tenantId: draft.value.framework.organizationId,
      action: 'framework.version.update',
      entity: 'framework_version',
      entityId: ids.versionId,
      after: summarizeDiff(changes),
      at: now,
    })
    return { ok: true, value: { issues: validateTree(next) } }
  })
}

/** The audit row keeps what changed, not the whole document. */
export function summarizeDiff(d: TreeDiff) {
  return {
    added: d.added.map((r) => r.code),
    removed: d.removed.map((r) => r.code),
    changed: d.changed.map((c) => ({ code: c.code, fields: c.changes.map((x) => ({ field: x.label, before: x.before, after: x.after })) })),
  }
}

const publishSchema = z.object({
  changeNote: text({ label: '版本说明', max: 1000, required: false }),
  version: versionField,
})

/** 发布: freezes a valid draft. Any validation error refuses it, with the errors listed. */
export function publishDraft(
  db: Db,
  op: Operator,
  ids: { frameworkId: string; versionId: string },
  fd: FormData,
  now: Date,
): ServiceResult<null> | (FormFailure & { issues?: ValidationIssue[] }) {
  const parsed = parseForm(publishSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const draft = draftForManager(tx, op, ids.frameworkId, ids.versionId)
    if (!draft.ok) return draft
    const issues = draft.value.issues
    if (hasErrors(issues)) {
      const count = issues.filter((i) => i.severity === 'error').length
      return { ok: false, status: 400, errors: { _form: `校验未通过（${count} 处错误），不能发布` }, issues }
    }
    const at = now.toISOString()
    const publishedBy = op.kind === 'user' ? op.actor.userId : null
    if (!updateDraftIfVersion(tx, ids.versionId, parsed.data.version, { status: 'published', changeNote: parsed.data.changeNote, publishedAt: at, publishedBy, updatedAt: at }))
      return CONFLICT
    touchFramework(tx, ids.frameworkId, at)
    appendAudit(tx, {
      actor: auditActorOf(op),
      tenantId: draft.value.framework.organizationId,
      action: 'framework.version.publish',
      entity: 'framework_version',
      entityId: ids.versionId,
      after: { frameworkId: ids.frameworkId, versionNo: draft.value.version.versionNo, changeNote: parsed.data.changeNote },
      at: now,
    })
    return { ok: true, value: null }
  })
}

/** 删除草稿: only a draft, never a published version. A framework left without versions is kept empty. */
export function discardDraft(db: Db, op: Operator, ids: { frameworkId: string; versionId: string }, now: Date): ServiceResult<null> {
  return inTransaction(db, (tx) => {
    const draft = draftForManager(tx, op, ids.frameworkId, ids.versionId)
    if (!draft.ok) return draft
    if (!deleteDraft(tx, ids.versionId)) return CONFLICT
    appendAudit(tx, {
      actor: auditActorOf(op),
      tenantId: draft.value.framework.organizationId,
      action: 'framework.version.discard',
      entity: 'framework_version',
      entityId: ids.versionId,
      before: { frameworkId: ids.frameworkId, versionNo: draft.value.version.versionNo },
      at: now,
    })
    return { ok: true, value: null }
  })
}

/** 版本比较 between two versions of one framework. */
export function compareVersions(db: Db, op: Operator, frameworkId: string, fromId: string, toId: string) {
  const from = versionForViewer(db, op, frameworkId, fromId)
  const to = versionForViewer(db, op, frameworkId, toId)
  if (!from || !to) return undefined
  return { from, to, diff: diffTrees(from.tree, to.tree) }
}

/**
 * Creates a framework (draft version 1) from an already parsed workbook. The command line may name
 * the owning agency and publish at once; publishing still requires a tree without errors.
 */
export function importFramework(
  db: Db,
  op: Operator,
  meta: FrameworkMeta,
  tree: IndicatorTree,
  now: Date,
  opts: { organizationId?: string | null; publish?: boolean } = {},
): ServiceResult<Created> | (FormFailure & { issues?: ValidationIssue[] }) {
  const owner = op.kind === 'cli' && opts.organizationId !== undefined ? opts.organizationId : ownerOf(op)
  if (!operatorMay(op, 'framework.manage', { type: 'framework', organizationId: owner })) return FORBIDDEN
  const weightedTree = { ...tree, weighted: isWeightedCategory(meta.category) }
  const issues = validateTree(weightedTree)
  if (opts.publish && hasErrors(issues)) return { ok: false, status: 400, errors: { _form: '校验未通过，不能发布' }, issues }
  return inTransaction(db, (tx) => {
    const created = createWithDraft(tx, op, meta, weightedTree, now, { action: 'framework.import', organizationId: owner })
    if (opts.publish) {
      const at = now.toISOString()
      updateDraftIfVersion(tx, created.versionId, 1, { status: 'published', changeNote: '导入', publishedAt: at, updatedAt: at })
      appendAudit(tx, { actor: auditActorOf(op), tenantId: owner, action: 'framework.version.publish', entity: 'framework_version', entityId: created.versionId, after: { frameworkId: created.frameworkId, versionNo: 1 }, at: now })
    }
    return { ok: true, value: created }
  })
}

/**
 * 从 Excel 导入为新版本: the workbook becomes the next draft version of an existing framework, so an
 * agency that keeps its framework in Excel can compare and publish the edited copy.
 */
export function importFrameworkVersion(
  db: Db,
  op: Operator,
  frameworkId: string,
  meta: FrameworkMeta,
  tree: IndicatorTree,
  now: Date,
): ServiceResult<{ versionId: string }> {
  return inTransaction(db, (tx) => {
    const f = frameworkForViewer(tx, op, frameworkId)
    if (!f) return NOT_FOUND
    if (!mayManage(op, f)) return FORBIDDEN
    if (meta.category !== f.category) return { ok: false, status: 400, errors: { _form: `工作簿的类别与该框架不同（应为「${frameworkCategoryLabel(f.category)}」）` } }
    const weightedTree = { ...tree, weighted: isWeightedCategory(f.category as FrameworkCategory) }
    return addDraftVersion(tx, op, f, { treeJson: serializeTree(weightedTree), basedOnVersionId: null, action: 'framework.version.import', after: { indicators: countNodes(weightedTree) } }, now)
  })
}
