// The indicator library and scoring sheets against a real migrated SQLite file: library loading,
// tenancy, drafts and publishing, frozen versions, comparison, and the sheet workflow with its audit.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, frameworks, frameworkVersions, sheetVersions, users } from '../db/schema'
import { seedDemo, type DemoIds } from '../db/seed/demo'
import { DEMO_SHEET_ENGAGEMENT } from '../db/seed/demo-sheets'
import { LIBRARY_FRAMEWORKS } from '../db/seed/frameworks'
import { ensureLibrary } from '../db/seed/library'
import { flattenTree, unflattenRows, walkTree, type IndicatorTree } from '../app/domain/indicators/tree'
import type { Actor } from '../app/domain/permissions'
import type { Role } from '../app/domain/roles'
import { verifyAuditChain } from '../app/models/audit.server'
import { listLibrary, parseTree } from '../app/models/framework.server'
import {
  compareVersions,
  createFramework,
  frameworkForViewer,
  libraryScopeOf,
  publishDraft,
  saveDraftTree,
  startNewVersion,
  versionForViewer,
} from '../app/services/framework.server'
import { addProjectIndicators, addSectorIndicators, freezeSheet, newSheetVersion, saveSheetTree, sheetPage, startSheet } from '../app/services/sheet.server'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let ids: DemoIds
const T0 = new Date('2026-03-01T08:00:00.000Z')
let clock = T0.getTime()
const tick = () => new Date((clock += 60_000))

beforeAll(async () => {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  temp = makeTempDb()
  db = temp.db
  ensureLibrary(db, T0)
  ids = (await seedDemo(db, T0)).ids
})
afterAll(() => temp?.cleanup())

function actorOf(username: string): Actor {
  const u = db.select().from(users).where(eq(users.username, username)).get()
  if (!u) throw new Error(`no user ${username}`)
  return { userId: u.id, role: u.role as Role, organizationId: u.organizationId, orgAdmin: u.role === 'agency_admin' || u.orgAdmin, evaluatedUnitId: u.evaluatedUnitId }
}
const op = (username: string) => ({ kind: 'user', actor: actorOf(username) }) as const

function form(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x)
  return fd
}

function libraryVersion(code: string) {
  const row = db
    .select({ frameworkId: frameworks.id, versionId: frameworkVersions.id })
    .from(frameworks)
    .innerJoin(frameworkVersions, eq(frameworkVersions.frameworkId, frameworks.id))
    .where(eq(frameworks.libraryCode, code))
    .get()
  if (!row) throw new Error(`library framework ${code} missing`)
  return row
}

const auditActions = () => db.select({ action: auditLog.action, afterJson: auditLog.afterJson }).from(auditLog).all()

/** The tree with one indicator's weight changed (points). */
function withWeight(tree: IndicatorTree, code: string, points: number): IndicatorTree {
  const rows = flattenTree(tree).map((r) => (r.code === code ? { ...r, weight: Math.round(points * 100) } : r))
  const out = unflattenRows(rows, tree.weighted)
  if (!out.ok) throw new Error('bad rows')
  return out.tree
}

describe('the shipped library', () => {
  test('loads every framework once, published, and a second load adds nothing', () => {
    const loaded = db.select().from(frameworks).all()
    expect(loaded.map((f) => f.libraryCode).sort()).toEqual(LIBRARY_FRAMEWORKS.map((f) => f.code).sort())
    const versions = db.select().from(frameworkVersions).all()
    expect(versions.every((v) => v.status === 'published' && v.versionNo === 1)).toBe(true)
    expect(ensureLibrary(db, tick())).toEqual([])
    expect(db.select().from(frameworks).all()).toHaveLength(LIBRARY_FRAMEWORKS.length)
  })

  test('a published version cannot be changed or deleted, even by raw SQL', () => {
    const { versionId } = libraryVersion('cy2020-project')
    expect(() => db.update(frameworkVersions).set({ treeJson: '{}' }).where(eq(frameworkVersions.id, versionId)).run()).toThrow(/frozen/)
    expect(() => db.delete(frameworkVersions).where(eq(frameworkVersions.id, versionId)).run()).toThrow(/frozen/)
  })

  test('finance reviewers read the platform library; experts and unit contacts do not', () => {
    const { frameworkId } = libraryVersion('cy2020-project')
    expect(frameworkForViewer(db, op('binjiang.finance'), frameworkId)).toBeDefined()
    expect(frameworkForViewer(db, op('expert.zhang'), frameworkId)).toBeUndefined()
    expect(frameworkForViewer(db, op('unit.edu'), frameworkId)).toBeUndefined()
  })
})

describe('an agency’s own framework: copy, edit, validate, publish, version, compare', () => {
  let frameworkId = ''
  let draftId = ''

  test('agency staff copy a library version into their own agency; other tenants cannot see it', () => {
    const source = libraryVersion('cy2020-project')
    const result = createFramework(db, op('mingjian.li'), form({ name: '明鉴项目支出评价框架', category: 'project', basedOn: source.versionId }), tick())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    frameworkId = result.value.frameworkId
    draftId = result.value.versionId
    const row = db.select().from(frameworks).where(eq(frameworks.id, frameworkId)).get()!
    expect(row.organizationId).toBe(ids.orgs.agencyA)
    expect(row.copiedFromVersionId).toBe(source.versionId)
    expect(frameworkForViewer(db, op('hengping.admin'), frameworkId)).toBeUndefined()
    expect(frameworkForViewer(db, op('binjiang.finance'), frameworkId)).toBeUndefined()
    expect(listLibrary(db, libraryScopeOf(op('hengping.admin'))).some((f) => f.id === frameworkId)).toBe(false)
    expect(listLibrary(db, libraryScopeOf(op('mingjian.zhao'))).some((f) => f.id === frameworkId)).toBe(true)
    expect(auditActions().some((a) => a.action === 'framework.copy')).toBe(true)
  })

  test('a blank name or unknown category is refused field by field, and nothing is created', () => {
    const before = db.select().from(frameworks).all().length
    const result = createFramework(db, op('mingjian.li'), form({ name: '  ', category: 'bogus' }), tick())
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.name).toBe('请填写框架名称')
    expect(result.errors.category).toBe('请选择类别')
    expect(db.select().from(frameworks).all()).toHaveLength(before)
  })

  test('evaluators cannot change the platform library', () => {
    const { frameworkId: libId, versionId } = libraryVersion('cy2020-project')
    const result = startNewVersion(db, op('mingjian.li'), libId, versionId, tick())
    expect(result.ok ? 200 : result.status).toBe(403)
  })

  test('a weight error is saved in the draft but blocks publishing, with the reason in Chinese', () => {
    const view = versionForViewer(db, op('mingjian.li'), frameworkId, draftId)!
    const broken = withWeight(view.tree, 'A101', 4) // 项目立项 now 6 against its 5
    const saved = saveDraftTree(db, op('mingjian.li'), { frameworkId, versionId: draftId }, broken, view.version.version, tick())
    expect(saved.ok).toBe(true)
    if (!saved.ok) return
    expect(saved.value.issues.some((i) => i.severity === 'error' && i.message.includes('项目立项'))).toBe(true)
    const current = versionForViewer(db, op('mingjian.li'), frameworkId, draftId)!
    const refused = publishDraft(db, op('mingjian.li'), { frameworkId, versionId: draftId }, form({ version: String(current.version.version) }), tick())
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.status).toBe(400)
    expect(refused.errors._form).toMatch(/校验未通过/)
    expect(db.select().from(frameworkVersions).where(eq(frameworkVersions.id, draftId)).get()!.status).toBe('draft')
  })

  test('a stale editor gets a conflict, not a silent overwrite', () => {
    const view = versionForViewer(db, op('mingjian.li'), frameworkId, draftId)!
    const stale = saveDraftTree(db, op('mingjian.zhao'), { frameworkId, versionId: draftId }, view.tree, view.version.version - 1, tick())
    expect(stale.ok ? 200 : stale.status).toBe(409)
  })

  test('the fixed draft publishes and is frozen from then on', () => {
    const view = versionForViewer(db, op('mingjian.li'), frameworkId, draftId)!
    const fixed = withWeight(withWeight(view.tree, 'A101', 2), 'A102', 3) // 2 + 3 = 5
    const saved = saveDraftTree(db, op('mingjian.li'), { frameworkId, versionId: draftId }, fixed, view.version.version, tick())
    expect(saved.ok && saved.value.issues.filter((i) => i.severity === 'error')).toEqual([])
    const current = versionForViewer(db, op('mingjian.li'), frameworkId, draftId)!
    const published = publishDraft(db, op('mingjian.li'), { frameworkId, versionId: draftId }, form({ version: String(current.version.version), changeNote: '立项权重调整' }), tick())
    expect(published.ok).toBe(true)
    const again = saveDraftTree(db, op('mingjian.li'), { frameworkId, versionId: draftId }, fixed, current.version.version + 1, tick())
    expect(again.ok ? 200 : again.status).toBe(409)
    expect(auditActions().filter((a) => a.action === 'framework.version.publish')).toHaveLength(1)
  })

  test('a new version starts as a copy; only one draft at a time; comparison lists the changes', () => {
    const first = startNewVersion(db, op('mingjian.zhao'), frameworkId, draftId, tick())
    expect(first.ok).toBe(true)
    if (!first.ok) return
    const second = startNewVersion(db, op('mingjian.zhao'), frameworkId, draftId, tick())
    expect(second.ok ? 200 : second.status).toBe(409)
    const v2 = versionForViewer(db, op('mingjian.zhao'), frameworkId, first.value.versionId)!
    expect(v2.version.versionNo).toBe(2)
    const changed = withWeight(withWeight(v2.tree, 'C101', 10), 'C201', 12)
    const rows = flattenTree(changed).filter((r) => r.code !== 'D102')
    const withoutSatisfaction = unflattenRows(rows, true)
    expect(withoutSatisfaction.ok).toBe(true)
    if (!withoutSatisfaction.ok) return
    expect(saveDraftTree(db, op('mingjian.zhao'), { frameworkId, versionId: v2.version.id }, withoutSatisfaction.tree, v2.version.version, tick()).ok).toBe(true)
    const comparison = compareVersions(db, op('mingjian.li'), frameworkId, draftId, v2.version.id)!
    expect(comparison.diff.removed.map((r) => r.code)).toEqual(['D102'])
    const weightChanges = comparison.diff.changed.flatMap((c) => c.changes.filter((x) => x.label === '权重').map((x) => `${c.code}:${x.before}->${x.after}`))
    expect(weightChanges).toEqual(expect.arrayContaining(['C101:12 分->10 分', 'C201:10 分->12 分']))
  })
})

describe('the demo sheet', () => {
  test('the student-aid engagement scores on a frozen, valid 2020 sheet with two education indicators', () => {
    const e = db.select().from(engagements).where(eq(engagements.name, DEMO_SHEET_ENGAGEMENT)).get()!
    const page = sheetPage(db, actorOf('mingjian.li'), e.id)!
    expect(page.current?.row.status).toBe('frozen')
    expect(page.current?.issues.filter((i) => i.severity === 'error')).toEqual([])
    const names = walkTree(page.current!.tree).map(({ node }) => node.name)
    expect(names).toEqual(expect.arrayContaining(['资助学生人数', '家庭经济困难学生资助应助尽助率', '立项依据充分性']))
  })
})

describe('an engagement’s scoring sheet', () => {
  let engagementId = ''
  const lead = () => op('mingjian.li').actor

  beforeAll(() => {
    const e = db
      .select()
      .from(engagements)
      .where(and(eq(engagements.agencyId, ids.orgs.agencyA), eq(engagements.leadUserId, ids.users['mingjian.li']!), eq(engagements.financeBureauId, ids.orgs.bureauX)))
      .all()
      .find((x) => x.stage !== 'archived' && !db.select().from(sheetVersions).where(eq(sheetVersions.engagementId, x.id)).get())
    if (!e) throw new Error('no open demo engagement without a sheet led by mingjian.li')
    engagementId = e.id
  })

  const current = () => sheetPage(db, lead(), engagementId)!.current!

  test('starts from a published framework version, once', () => {
    const { versionId } = libraryVersion('cy2020-project')
    const started = startSheet(db, lead(), engagementId, form({ frameworkVersionId: versionId }), tick())
    expect(started.ok).toBe(true)
    expect(current().row.status).toBe('draft')
    expect(current().issues.filter((i) => i.severity === 'error')).toEqual([])
    const twice = startSheet(db, lead(), engagementId, form({ frameworkVersionId: versionId }), tick())
    expect(twice.ok ? 200 : twice.status).toBe(409)
    const sector = libraryVersion('sector-education')
    const notAFramework = sheetPage(db, lead(), engagementId)
    expect(notAFramework?.frameworks.some((f) => f.id === sector.versionId)).toBe(false)
  })

  test('two education indicators land under 产出数量 and 产出质量 with weight 0, and validation explains the gap', () => {
    const sector = libraryVersion('sector-education')
    const set = parseTree(db.select().from(frameworkVersions).where(eq(frameworkVersions.id, sector.versionId)).get()!.treeJson)
    const leaves = walkTree(set).filter(({ node }) => node.children.length === 0)
    const quantity = leaves.find(({ path }) => path[1]?.includes('数量'))!
    const quality = leaves.find(({ path }) => path[1]?.includes('质量'))!
    const added = addSectorIndicators(
      db,
      lead(),
      engagementId,
      form({ sectorVersionId: sector.versionId, codes: [quantity.node.code, quality.node.code], version: String(current().row.version) }),
      tick(),
    )
    expect(added.ok).toBe(true)
    const paths = new Map(walkTree(current().tree).map(({ node, path }) => [node.name, path.join(' › ')]))
    expect(paths.get(quantity.node.name)).toMatch(/^产出 › 产出数量 › /)
    expect(paths.get(quality.node.name)).toMatch(/^产出 › 产出质量 › /)
    const errors = current().issues.filter((i) => i.severity === 'error')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.map((e) => e.message).join('\n')).toMatch(/权重/)
  })

  test('project indicators from the target table: every bad cell is named, good rows get fresh codes', () => {
    const version = String(current().row.version)
    const bad = addProjectIndicators(
      db,
      lead(),
      engagementId,
      form({ version, parentCode: 'C1', name: ['', '新建校舍面积'], unit: ['所', '平方米'], target: ['3', '5000'], direction: ['positive', 'sideways'], weight: ['', 'abc'] }),
      tick(),
    )
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors['name.0']).toBe('请填写指标名称')
    expect(bad.errors['direction.1']).toBe('请选择方向')
    expect(bad.errors['weight.1']).toBeDefined()
    expect(current().row.version).toBe(Number(version))
    const good = addProjectIndicators(db, lead(), engagementId, form({ version, parentCode: 'C1', name: ['新建校舍面积'], unit: ['平方米'], target: ['5000'], direction: ['positive'], weight: [''] }), tick())
    expect(good.ok).toBe(true)
    const added = walkTree(current().tree).find(({ node }) => node.name === '新建校舍面积')!
    expect(added.node.level).toBe(3)
    expect(added.node.source).toBe('project')
    expect(added.node.rule?.type).toBe('formula')
  })

  test('freezing needs a valid sheet; after fixing weights it freezes, and then refuses edits', () => {
    const refused = freezeSheet(db, lead(), engagementId, form({ version: String(current().row.version) }), tick())
    expect(refused.ok ? 200 : refused.status).toBe(400)
    // 产出数量 12 = 实际完成率 8 + 资助学生人数 2 + 新建校舍面积 2; 产出质量 10 = 质量达标率 8 + 2.
    let tree = current().tree
    const rows = flattenTree(tree)
    const newQuantity = rows.filter((r) => r.level === 3 && r.weight === 0)
    for (const r of newQuantity) tree = withWeight(tree, r.code, 2)
    tree = withWeight(withWeight(tree, 'C101', 8), 'C201', 8)
    const saved = saveSheetTree(db, lead(), engagementId, tree, current().row.version, tick())
    expect(saved.ok && saved.value.issues.filter((i) => i.severity === 'error')).toEqual([])
    const frozen = freezeSheet(db, lead(), engagementId, form({ version: String(current().row.version) }), tick())
    expect(frozen.ok).toBe(true)
    expect(current().row.status).toBe('frozen')
    const edit = saveSheetTree(db, lead(), engagementId, tree, current().row.version, tick())
    expect(edit.ok ? 200 : edit.status).toBe(409)
    expect(() => db.update(sheetVersions).set({ treeJson: '{}' }).where(eq(sheetVersions.id, current().row.id)).run()).toThrow(/frozen/)
  })

  test('a new version after freezing needs a reason, which the audit log keeps', () => {
    const missing = newSheetVersion(db, lead(), engagementId, form({ reason: ' ', version: String(current().row.version) }), tick())
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.errors.reason).toBe('请填写修订原因')
    const made = newSheetVersion(db, lead(), engagementId, form({ reason: '委托方要求增加满意度调查样本', version: String(current().row.version) }), tick())
    expect(made.ok).toBe(true)
    expect(current().row.versionNo).toBe(2)
    expect(current().row.status).toBe('draft')
    const row = auditActions().find((a) => a.action === 'sheet.version.create')
    expect(row?.afterJson).toContain('委托方要求增加满意度调查样本')
    for (const action of ['sheet.create', 'sheet.add_sector_indicators', 'sheet.add_project_indicators', 'sheet.update', 'sheet.freeze']) {
      expect(auditActions().some((a) => a.action === action), action).toBe(true)
    }
    expect(verifyAuditChain(db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  test('the commissioning bureau reads the sheet but cannot change it; other tenants do not see it', () => {
    expect(sheetPage(db, actorOf('binjiang.finance'), engagementId)?.mayEdit).toBe(false)
    expect(sheetPage(db, actorOf('xihu.finance'), engagementId)).toBeUndefined()
    expect(sheetPage(db, actorOf('hengping.admin'), engagementId)).toBeUndefined()
    const attempt = newSheetVersion(db, actorOf('binjiang.finance'), engagementId, form({ reason: 'x', version: '1' }), tick())
    expect(attempt.ok ? 200 : attempt.status).toBe(403)
  })
})
