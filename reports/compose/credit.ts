// 信用报告 (issue 8 item 7): one subject's credit file as a document both renderers draw. Plain
// composed text, not handlebars: every sentence is either a fact in a table or a line the domain's
// creditStanding already explains in Chinese, so a template would only wrap strings. The model is
// plain data built by app/services/credit-report.server.ts; nothing here reads the database.
import { createHash } from 'node:crypto'
import stableStringify from 'fast-json-stable-stringify'
import { ENTRY_KINDS, SEVERITIES, SUBJECTS, labelOf, type EntryKind, type Severity, type Source, type Subject } from '../../app/domain/credit/categories'
import { pointsText, type Blacklisting, type Contribution, type CreditStanding } from '../../app/domain/credit/evaluate'
import { policyCaption } from '../../app/domain/credit/policy'
import { cell, heading, labelled, paragraph, type Block, type ReportDocument, type TableCell } from '../document'
import { beijingDay, chineseDate, chineseNumber } from '../format'

export type CreditReportEntry = {
  id: string
  kind: EntryKind
  /** As issued; the standing's contribution carries it after any amendment. */
  severity: Severity | null
  effectiveOn: string
  description: string
  source: Source
  /** The issuing bureau's or agency's name. */
  issuer: string
  status: 'active' | 'amended' | 'revoked'
  appealPending: boolean
}

export type CreditReportAppeal = {
  entryId: string
  /** ISO instant. */
  filedAt: string
  filedBy: string
  reason: string
  status: 'pending' | 'upheld' | 'amended' | 'revoked'
  decidedAt: string | null
  decidedBy: string | null
  decisionReason: string
  amendment: { severity: Severity | null; points: number | null; expiresOn: string | null } | null
}

export type CreditReportModel = {
  subject: { id: string; type: Subject; name: string; agencyName: string | null }
  /** Beijing date the report is issued and the standing computed for. */
  issuedOn: string
  /** ISO instant; the document's only clock. */
  generatedAt: string
  /** The standing under the chosen bureau's policy, from the entries as they stand now. */
  standing: CreditStanding
  /** Whose policy that is; null: the platform default (the subject worked for no bureau). */
  policyBureau: string | null
  entries: CreditReportEntry[]
  appeals: CreditReportAppeal[]
  /** Every bureau the subject worked for, latest first, with the standing under its policy. */
  byBureau: { bureau: string; standing: CreditStanding }[]
}

export const CREDIT_REPORT_TITLE = '信用报告'

export function creditReportFileName(model: Pick<CreditReportModel, 'subject' | 'issuedOn'>): string {
  return `${model.subject.name}-${CREDIT_REPORT_TITLE}-${model.issuedOn}`
}

/** 「列入失信名单：2026-03-01 至 2029-02-28（…，3 年）」, 「无（曾列入 …，已届满）」 or 「无」. */
export function blacklistingText(b: Blacklisting | null): string {
  if (!b) return '无'
  const span = `${b.from} 至 ${b.to}（${b.rule.label}，${b.rule.years} 年）`
  return b.active ? `列入失信名单：${span}` : `无（曾列入失信名单：${span}，已届满）`
}

/** The blacklisting in a table cell: its period, marked when it has ended; the rule is in 一、. */
function blacklistingSpan(b: Blacklisting | null): string {
  if (!b) return '无'
  return `${b.from} 至 ${b.to}${b.active ? '' : '（已届满）'}`
}

/** How an entry stands on the report's date: 有效/已变更/已撤销/申诉中/已过期/未生效. */
export function entryStatusLabel(entry: Pick<CreditReportEntry, 'status' | 'appealPending'>, contribution: Pick<Contribution, 'status'> | undefined): string {
  if (entry.status === 'revoked') return '已撤销'
  if (entry.appealPending) return '申诉中'
  if (contribution?.status === 'expired') return '已过期'
  if (contribution?.status === 'not_yet_effective') return '未生效'
  if (entry.status === 'amended') return '已变更'
  return '有效'
}

const APPEAL_RESULTS: Record<CreditReportAppeal['status'], string> = { pending: '待处理', upheld: '维持', amended: '变更', revoked: '撤销' }

const signedPoints = (h: number) => (h > 0 ? `+${pointsText(h)}` : pointsText(h))

function severityText(entry: CreditReportEntry, contribution: Contribution | undefined): string {
  const now = contribution?.severity ?? entry.severity
  if (now === null) return '—'
  const label = labelOf(SEVERITIES, now)
  return entry.severity !== null && entry.severity !== now ? `${label}（原${labelOf(SEVERITIES, entry.severity)}）` : label
}

function amendmentText(a: NonNullable<CreditReportAppeal['amendment']>): string {
  const parts = [
    a.severity ? `严重程度改为${labelOf(SEVERITIES, a.severity)}` : '',
    a.points !== null ? `分值改为 ${pointsText(a.points)} 分` : '',
    a.expiresOn ? `${a.expiresOn} 起失效` : '',
  ].filter(Boolean)
  return parts.length > 0 ? `（${parts.join('，')}）` : ''
}

type Column = { header: string; width: number; align?: 'center' }

function table(caption: string, columns: Column[], rows: string[][], note?: string): Block {
  return {
    kind: 'table',
    caption,
    columns: columns.map((c) => ({ width: c.width })),
    header: [columns.map((c) => cell(c.header, { bold: true, align: 'center' }))],
    rows: rows.map((r) => r.map((text, i): TableCell => cell(text, columns[i]?.align ? { align: 'center' } : {}))),
    ...(note ? { note } : {}),
  }
}

const ENTRY_COLUMNS: Column[] = [
  { header: '日期', width: 14, align: 'center' },
  { header: '类别', width: 14 },
  { header: '严重程度', width: 9, align: 'center' },
  { header: '分值（记录/计入）', width: 12, align: 'center' },
  { header: '出具方', width: 14 },
  { header: '状态', width: 9, align: 'center' },
  { header: '说明', width: 22 },
]

const APPEAL_COLUMNS: Column[] = [
  { header: '所涉记录', width: 16 },
  { header: '申诉日期', width: 14, align: 'center' },
  { header: '申诉人', width: 10, align: 'center' },
  { header: '申诉理由', width: 17 },
  { header: '处理结果', width: 12, align: 'center' },
  { header: '处理日期', width: 14, align: 'center' },
  { header: '处理理由', width: 17 },
]

const BUREAU_COLUMNS: Column[] = [
  { header: '财政部门', width: 22 },
  { header: '信用政策', width: 24 },
  { header: '信用分', width: 9, align: 'center' },
  { header: '信用等级', width: 10, align: 'center' },
  { header: '失信名单', width: 25 },
]

function entryRows(model: CreditReportModel): string[][] {
  const byId = new Map(model.standing.contributions.map((c) => [c.entryId, c]))
  return model.entries.map((e) => {
    const c = byId.get(e.id)
    const points = c ? `${signedPoints(c.nominal)} / ${c.counted === 0 ? '0' : signedPoints(c.counted)}` : '—'
    return [e.effectiveOn, labelOf(ENTRY_KINDS, e.kind), severityText(e, c), points, e.issuer, entryStatusLabel(e, c), e.description]
  })
}

function appealRows(model: CreditReportModel): string[][] {
  const entries = new Map(model.entries.map((e) => [e.id, e]))
  return model.appeals.map((a) => {
    const e = entries.get(a.entryId)
    const result = APPEAL_RESULTS[a.status] + (a.amendment ? amendmentText(a.amendment) : '')
    return [
      e ? `${e.effectiveOn} ${labelOf(ENTRY_KINDS, e.kind)}` : '—',
      beijingDay(a.filedAt),
      a.filedBy,
      a.reason,
      result,
      a.decidedAt ? beijingDay(a.decidedAt) : '—',
      a.decisionReason || '—',
    ]
  })
}

function statusBlocks(model: CreditReportModel): Block[] {
  const s = model.standing
  const whose = model.policyBureau ? `${model.policyBureau}的${policyCaption(s.policy)}` : `平台${policyCaption(s.policy)}`
  return [
    paragraph(`截至${chineseDate(s.on)}，依据${whose}，${model.subject.name}的信用分为 ${pointsText(s.score)} 分，信用等级为 ${s.gradeLabel}。`),
    labelled('信用分：', `${pointsText(s.score)} 分`),
    labelled('信用等级：', s.gradeLabel),
    labelled('失信情况：', blacklistingText(s.blacklisting)),
    labelled('计分依据：', `${policyCaption(s.policy)}，${s.on}`),
  ]
}

/** The credit report as the document both renderers draw. Equal models give equal documents. */
export function composeCreditReport(model: CreditReportModel): ReportDocument {
  const { subject, standing } = model
  const kind = labelOf(SUBJECTS, subject.type)
  const title = `${subject.name}${CREDIT_REPORT_TITLE}`
  const sections: { title: string; blocks: Block[] }[] = [
    { title: '信用状况', blocks: statusBlocks(model) },
    { title: '计分说明', blocks: standing.explanation.map((line) => paragraph(line, 'plain')) },
    {
      title: '信用记录',
      blocks: [
        model.entries.length === 0
          ? paragraph('暂无信用记录。', 'plain')
          : table('信用记录', ENTRY_COLUMNS, entryRows(model), `分值为记录的分值与${standing.on}计入的分值（单位：分）；已撤销、已过期、未生效的记录不计入。`),
      ],
    },
    { title: '申诉记录', blocks: [model.appeals.length === 0 ? paragraph('暂无申诉记录。', 'plain') : table('申诉记录', APPEAL_COLUMNS, appealRows(model))] },
  ]
  if (model.byBureau.length > 1) {
    sections.push({
      title: '各财政部门信用政策下的信用状况',
      blocks: [
        paragraph('各财政部门按本部门的信用政策计算信用分与等级，以下按最近服务的部门在前列示。'),
        table(
          '各财政部门信用政策下的信用状况',
          BUREAU_COLUMNS,
          model.byBureau.map((b) => [b.bureau, policyCaption(b.standing.policy), pointsText(b.standing.score), b.standing.grade, blacklistingSpan(b.standing.blacklisting)]),
        ),
      ],
    })
  }
  const body = sections.flatMap((s, i) => [heading(1, `${chineseNumber(i + 1)}、${s.title}`, `credit-${i + 1}`), ...s.blocks])
  body.push(paragraph(`本报告根据${chineseDate(model.issuedOn)}的信用记录生成；信用记录或信用政策变更后，以最新出具的报告为准。`, 'note'))
  const lines = [
    { label: '主体名称', value: subject.name },
    { label: '主体类别', value: kind },
    ...(subject.type === 'practitioner' && subject.agencyName ? [{ label: '所属机构', value: subject.agencyName }] : []),
    { label: '信用政策', value: policyCaption(standing.policy) },
    { label: '出具日期', value: chineseDate(model.issuedOn) },
  ]
  return {
    meta: {
      title,
      subject: CREDIT_REPORT_TITLE,
      author: model.policyBureau ?? 'EvalDesk',
      createdAt: model.generatedAt,
      documentId: createHash('sha256').update(stableStringify(model)).digest('hex').slice(0, 32),
    },
    cover: { title: `${subject.name}\n${CREDIT_REPORT_TITLE}`, subtitle: '', lines, sealNote: '', verification: null },
    runningHeader: title,
    frontMatter: [],
    toc: null,
    body,
  }
}
