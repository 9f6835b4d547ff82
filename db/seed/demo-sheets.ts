// A demo scoring sheet, so the workbench shows a real one from the first start: the student-aid
// engagement (already past expert review) scores on the 2020 framework plus two education
// indicators, weights rebalanced, frozen.
import { and, eq } from 'drizzle-orm'
import type { Tx } from '../client.server'
import { engagements, frameworks, frameworkVersions, sheetVersions } from '../schema'
import { insertUnder } from '../../app/domain/indicators/edit'
import { flattenTree, unflattenRows, walkTree, type IndicatorRow, type IndicatorTree } from '../../app/domain/indicators/tree'
import { hasErrors, validateTree } from '../../app/domain/indicators/validate'
import { newId } from '../../app/ids.server'
import type { DemoIds } from './demo'

export const DEMO_SHEET_ENGAGEMENT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'

function publishedTree(tx: Tx, libraryCode: string): { versionId: string; tree: IndicatorTree } | null {
  const row = tx
    .select({ id: frameworkVersions.id, treeJson: frameworkVersions.treeJson })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(and(eq(frameworks.libraryCode, libraryCode), eq(frameworkVersions.status, 'published')))
    .get()
  return row ? { versionId: row.id, tree: JSON.parse(row.treeJson) as IndicatorTree } : null
}

function leafNamed(tree: IndicatorTree, name: string): IndicatorRow {
  const found = walkTree(tree).find(({ node }) => node.name === name && node.children.length === 0)
  if (!found) throw new Error(`demo sheet: sector indicator ${name} missing`)
  const { children: _children, ...row } = found.node
  return row
}

/** Returns the number of sheets written (0 when the library is not loaded). */
export function seedDemoSheets(tx: Tx, ids: DemoIds, at: Date): number {
  const base = publishedTree(tx, 'cy2020-project')
  const education = publishedTree(tx, 'sector-education')
  const engagement = tx.select().from(engagements).where(eq(engagements.name, DEMO_SHEET_ENGAGEMENT)).get()
  if (!base || !education || !engagement) return 0
  let rows: IndicatorRow[] | null = flattenTree(base.tree)
  rows = insertUnder(rows, 'C1', [{ ...leafNamed(education.tree, '资助学生人数'), weight: 200, target: '3200' }])
  rows = rows && insertUnder(rows, 'C2', [{ ...leafNamed(education.tree, '家庭经济困难学生资助应助尽助率'), weight: 200 }])
  // 产出数量 12 = 实际完成率 10 + 资助学生人数 2; 产出质量 10 = 质量达标率 8 + 应助尽助率 2.
  rows = rows && rows.map((r) => (r.code === 'C101' ? { ...r, weight: 1000 } : r.code === 'C201' ? { ...r, weight: 800 } : r))
  const tree = rows ? unflattenRows(rows, true) : null
  if (!tree?.ok || hasErrors(validateTree(tree.tree))) throw new Error('demo sheet does not validate')
  const lead = ids.users['mingjian.li']!
  const when = at.toISOString()
  tx.insert(sheetVersions)
    .values({
      id: newId(),
      engagementId: engagement.id,
      versionNo: 1,
      status: 'frozen',
      treeJson: JSON.stringify(tree.tree),
      frameworkVersionId: base.versionId,
      createdBy: lead,
      createdAt: when,
      updatedAt: when,
      frozenAt: when,
      frozenBy: lead,
    })
    .run()
  return 1
}
