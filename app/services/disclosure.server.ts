// 公开: the bureau's yearly disclosure list of accepted engagements (project, units, funds, score,
// grade, main problems, rectification status) as a page, an .xlsx, and a DOCX/PDF drawn from one
// ReportDocument. Built only from what is public by nature: no expert (names in a person's text
// are blanked), no per-expert score, no working paper, no review comment.
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { organizations } from '../../db/schema'
import { cell, heading, paragraph, type ReportDocument } from '../../reports/document'
import { renderDocument } from '../../reports/render'
import { writeDisclosureWorkbook } from '../excel/disclosure-workbook.server'
import { disclosureProblems, rectificationStatus } from '../domain/finance/results'
import { formatFenAsWanYuan, formatPoints } from '../domain/money'
import { rectificationSummary } from './rectification.server'
import { acceptedEngagements, expertNamesOf, unitsOf } from './results.server'

export type DisclosureRow = { project: string; units: string; funds: string; score: string; grade: string; problems: string; rectification: string }
export type DisclosureList = { bureauName: string; year: number; rows: DisclosureRow[] }

export const DISCLOSURE_COLUMNS: readonly { key: keyof DisclosureRow; header: string; width: number }[] = [
  { key: 'project', header: '项目名称', width: 30 },
  { key: 'units', header: '被评价单位', width: 20 },
  { key: 'funds', header: '项目资金（万元）', width: 12 },
  { key: 'score', header: '评价得分', width: 9 },
  { key: 'grade', header: '评价等级', width: 9 },
  { key: 'problems', header: '主要问题', width: 45 },
  { key: 'rectification', header: '整改情况', width: 18 },
]

export function disclosureList(db: Db, bureauId: string, year: number, now: Date): DisclosureList {
  const bureau = db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, bureauId)).get()
  const accepted = acceptedEngagements(db, bureauId, year)
  const ids = accepted.map((r) => r.id)
  const units = unitsOf(db, ids)
  const experts = expertNamesOf(db, ids)
  return {
    bureauName: bureau?.name ?? '',
    year,
    rows: accepted.map((r) => ({
      project: r.name,
      units: (units.get(r.id) ?? []).join('、'),
      funds: formatFenAsWanYuan(r.fundsFen),
      score: r.total === null ? '—' : formatPoints(Math.round(r.total)),
      grade: r.grade,
      problems: disclosureProblems(r.problems, experts),
      rectification: rectificationStatus(rectificationSummary(db, r.id, now)),
    })),
  }
}

export function disclosureTitle(list: Pick<DisclosureList, 'bureauName' | 'year'>): string {
  return `${list.bureauName}${list.year}年度财政支出绩效评价结果公开清单`
}

export const DISCLOSURE_NOTE = '本清单列示本年度已验收的第三方绩效评价项目。评价得分为百分制综合得分，主要问题摘自经验收的评价报告，整改情况为公开时的进度。'

/** The list as the document both renderers draw: a title, a note and one table. */
export function disclosureDocument(list: DisclosureList, generatedAt: string): ReportDocument {
  const title = disclosureTitle(list)
  const rows = list.rows.map((r) => DISCLOSURE_COLUMNS.map((c) => cell(r[c.key], c.key === 'problems' || c.key === 'project' ? {} : { align: 'center' })))
  return {
    meta: { title, subject: '绩效评价结果公开', author: list.bureauName, createdAt: generatedAt, documentId: createHash('sha256').update(JSON.stringify([list, generatedAt])).digest('hex').slice(0, 32) },
    cover: { title, subtitle: '', lines: [{ label: '公开单位', value: list.bureauName }, { label: '评价年度', value: `${list.year}年` }], sealNote: '', verification: null },
    runningHeader: title,
    frontMatter: [],
    toc: null,
    body: [
      heading(1, '绩效评价结果公开清单', 'disclosure'),
      paragraph(DISCLOSURE_NOTE),
      list.rows.length === 0
        ? paragraph('本年度暂无已验收的评价项目。', 'plain')
        : {
            kind: 'table',
            caption: `${list.year}年度绩效评价结果`,
            columns: DISCLOSURE_COLUMNS.map((c) => ({ width: c.width })),
            header: [DISCLOSURE_COLUMNS.map((c) => cell(c.header, { bold: true, align: 'center' }))],
            rows,
            note: `共 ${list.rows.length} 个项目。`,
          },
    ],
  }
}

export type DisclosureFormat = 'xlsx' | 'docx' | 'pdf'

export const DISCLOSURE_CONTENT_TYPES: Record<DisclosureFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
}

export function isDisclosureFormat(x: string | undefined): x is DisclosureFormat {
  return x === 'xlsx' || x === 'docx' || x === 'pdf'
}

/** The file in one format. A list is a page or two, so it renders in process rather than in the pool. */
export async function disclosureFile(list: DisclosureList, format: DisclosureFormat, now: Date): Promise<{ bytes: Uint8Array; filename: string }> {
  const filename = disclosureTitle(list)
  if (format === 'xlsx') return { bytes: await writeDisclosureWorkbook(filename, DISCLOSURE_NOTE, DISCLOSURE_COLUMNS, list.rows), filename }
  const [file] = await renderDocument(disclosureDocument(list, now.toISOString()), [format])
  return { bytes: file!.bytes, filename }
}
