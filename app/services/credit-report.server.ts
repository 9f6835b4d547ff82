// Credit exports (issue 8 item 7): one subject's 信用报告 as DOCX/PDF and the list of files an actor
// may read as .xlsx. Credit data comes only through credit.server.ts (visibility, standings, rows);
// this module adds the names a reader needs, the file, and the audit row of each export.
import { inArray } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { organizations, users } from '../../db/schema'
import { composeCreditReport, creditReportFileName, type CreditReportModel } from '../../reports/compose/credit'
import { renderDocument, type ReportFormat } from '../../reports/render'
import { SUBJECTS, SUBJECT_CODES, labelOf, type Subject } from '../domain/credit/categories'
import type { CreditStanding } from '../domain/credit/evaluate'
import { policyCaption } from '../domain/credit/policy'
import { beijingDate } from '../domain/finance/rectification'
import type { Actor } from '../domain/permissions'
import { writeTitledTableWorkbook, type TableColumn } from '../excel/titled-table-workbook.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { bureausOf, defaultBureauFor, fileRows, listStandings, maySeeFile, resolveSubject, standingOf, visibleSubjects, type SubjectInfo } from './credit.server'
import { inTransaction } from './transaction.server'

const present = (ids: readonly (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null))]

function orgNamesOf(db: Db, ids: readonly (string | null)[]): Map<string, string> {
  const wanted = present(ids)
  if (wanted.length === 0) return new Map()
  return new Map(db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, wanted)).all().map((r) => [r.id, r.name]))
}

function userNamesOf(db: Db, ids: readonly (string | null)[]): Map<string, string> {
  const wanted = present(ids)
  if (wanted.length === 0) return new Map()
  return new Map(db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, wanted)).all().map((r) => [r.id, r.name]))
}

/** The report's content: the file as it stands now, graded on `now`'s Beijing date under the bureau's policy. */
export function creditReportModel(db: Db, subject: SubjectInfo, bureauId: string | null, now: Date): CreditReportModel {
  const on = beijingDate(now)
  const rows = fileRows(db, subject)
  const bureaus = bureausOf(db, subject)
  const orgNames = orgNamesOf(db, [...rows.map((r) => r.entry.issuerOrgId), bureauId, subject.type === 'practitioner' ? subject.agencyId : null])
  const userNames = userNamesOf(db, rows.flatMap((r) => [r.appeal?.filedBy ?? null, r.appeal?.decidedBy ?? null]))
  return {
    subject: { id: subject.id, type: subject.type, name: subject.name, agencyName: subject.type === 'practitioner' && subject.agencyId ? (orgNames.get(subject.agencyId) ?? null) : null },
    issuedOn: on,
    generatedAt: now.toISOString(),
    standing: standingOf(db, subject, bureauId, on),
    policyBureau: bureauId === null ? null : (orgNames.get(bureauId) ?? null),
    entries: rows.map(({ entry, appeal }) => ({
      id: entry.id,
      kind: entry.kind as CreditReportModel['entries'][number]['kind'],
      severity: entry.severity,
      effectiveOn: entry.effectiveOn,
      description: entry.description,
      source: entry.source as CreditReportModel['entries'][number]['source'],
      issuer: orgNames.get(entry.issuerOrgId) ?? '',
      status: entry.status,
      appealPending: appeal?.status === 'pending',
    })),
    appeals: rows.flatMap(({ appeal }) =>
      appeal
        ? [
            {
              entryId: appeal.entryId,
              filedAt: appeal.filedAt,
              filedBy: userNames.get(appeal.filedBy) ?? '',
              reason: appeal.reason,
              status: appeal.status,
              decidedAt: appeal.decidedAt,
              decidedBy: appeal.decidedBy === null ? null : (userNames.get(appeal.decidedBy) ?? null),
              decisionReason: appeal.decisionReason,
              amendment: appeal.status === 'amended' ? { severity: appeal.amendedSeverity, points: appeal.amendedPoints, expiresOn: appeal.amendedExpiresOn } : null,
            },
          ]
        : [],
    ),
    byBureau: bureaus.map((b) => ({ bureau: b.name, standing: standingOf(db, subject, b.id, on) })),
  }
}

/**
 * The bureau whose policy grades the report: the one asked for when the reader may choose it (a
 * reviewer's own bureau, or one the subject worked for), else the reader's default. Undefined: a
 * bureau the reader may not pick.
 */
export function reportBureau(db: Db, actor: Actor, subject: SubjectInfo, requested: string | null): string | null | undefined {
  if (requested === null || requested === '') return defaultBureauFor(db, actor, subject)
  if (actor.role === 'finance_reviewer' && actor.organizationId === requested) return requested
  return bureausOf(db, subject).some((b) => b.id === requested) ? requested : undefined
}

export const CREDIT_REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
}

/**
 * The credit report file for a reader, audited; null when the subject is unknown, not the
 * reader's to see, or the bureau is not one the reader may choose (all answered 404).
 */
export async function exportCreditReport(
  db: Db,
  actor: Actor,
  subjectId: string,
  requestedBureau: string | null,
  format: ReportFormat,
  now: Date,
): Promise<{ bytes: Uint8Array; filename: string } | null> {
  const subject = resolveSubject(db, subjectId)
  if (!subject || !maySeeFile(db, actor, subject)) return null
  const bureauId = reportBureau(db, actor, subject, requestedBureau)
  if (bureauId === undefined) return null
  const model = creditReportModel(db, subject, bureauId, now)
  const [file] = await renderDocument(composeCreditReport(model), [format])
  const { standing } = model
  inTransaction(db, (tx) =>
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'credit_report.export',
      entity: `credit_${subject.type}`,
      entityId: subject.id,
      after: { format, bureauId, policy: standing.policy, on: standing.on, score: standing.score, grade: standing.grade, sha256: file!.sha256 },
      at: now,
    }),
  )
  return { bytes: file!.bytes, filename: creditReportFileName(model) }
}

// ---- The list as .xlsx ---------------------------------------------------------------------------

export type CreditListRow = {
  id: string
  type: Subject
  name: string
  agencyName: string
  /** Hundredths. */
  score: number
  grade: string
  policy: string
  policyBureau: string
  blacklistFrom: string
  blacklistTo: string
  blacklistState: string
  entries: number
  countedPositive: number
  countedNegative: number
}

/** Who has a list to export: the platform, agency and bureau staff, and an expert (their own file). */
export function mayExportCreditList(actor: Actor): boolean {
  if (actor.role === 'system_admin' || actor.role === 'expert') return true
  return (actor.role === 'agency_admin' || actor.role === 'evaluator' || actor.role === 'finance_reviewer') && actor.organizationId !== null
}

/** `?type=`: absent or empty for every kind; 'invalid' for anything but a subject code. */
export function parseSubjectType(raw: string | null): Subject | undefined | 'invalid' {
  if (raw === null || raw === '') return undefined
  return (SUBJECT_CODES as string[]).includes(raw) ? (raw as Subject) : 'invalid'
}

function blacklistCells(standing: CreditStanding): Pick<CreditListRow, 'blacklistFrom' | 'blacklistTo' | 'blacklistState'> {
  const b = standing.blacklisting
  if (!b) return { blacklistFrom: '', blacklistTo: '', blacklistState: '无' }
  return { blacklistFrom: b.from, blacklistTo: b.to, blacklistState: b.active ? `失信期内（${b.rule.label}）` : `已届满（${b.rule.label}）` }
}

/**
 * Every file the actor may read, each graded under the policy the actor sees it by (a reviewer's
 * own bureau; otherwise the bureau the subject last worked for, or the default).
 */
export function creditListRows(db: Db, actor: Actor, type: Subject | undefined, on: string): CreditListRow[] {
  const subjects = visibleSubjects(db, actor, type)
  const standings = listStandings(db, actor, subjects, on)
  const bureauNames = orgNamesOf(db, [...standings.values()].map((v) => v.bureauId))
  return subjects.map((s) => {
    const { standing, bureauId } = standings.get(`${s.type}:${s.id}`)!
    const counted = standing.contributions.filter((c) => c.status === 'counted')
    return {
      id: s.id,
      type: s.type,
      name: s.name,
      agencyName: s.type === 'practitioner' ? (s.agencyName ?? '') : '',
      score: standing.score,
      grade: standing.grade,
      policy: policyCaption(standing.policy),
      policyBureau: bureauId === null ? '' : (bureauNames.get(bureauId) ?? ''),
      ...blacklistCells(standing),
      entries: standing.contributions.length,
      countedPositive: counted.filter((c) => c.nominal > 0).length,
      countedNegative: counted.filter((c) => c.nominal < 0).length,
    }
  })
}

const LIST_COLUMNS: readonly TableColumn<CreditListRow>[] = [
  { header: '名称', width: 28, value: (r) => r.name },
  { header: '类别', width: 10, value: (r) => labelOf(SUBJECTS, r.type) },
  { header: '所属机构', width: 28, value: (r) => r.agencyName },
  { header: '信用分', width: 9, value: (r) => r.score / 100, numFmt: '0.00' },
  { header: '信用等级', width: 9, value: (r) => r.grade },
  { header: '信用政策', width: 24, value: (r) => r.policy },
  { header: '政策制定部门', width: 22, value: (r) => r.policyBureau || '平台默认' },
  { header: '失信名单起', width: 12, value: (r) => r.blacklistFrom },
  { header: '失信名单止', width: 12, value: (r) => r.blacklistTo },
  { header: '失信状态', width: 28, value: (r) => r.blacklistState },
  { header: '记录总数', width: 9, value: (r) => r.entries },
  { header: '计入的正面记录', width: 9, value: (r) => r.countedPositive },
  { header: '计入的负面记录', width: 9, value: (r) => r.countedNegative },
]

export const CREDIT_LIST_NOTE = '信用分与等级按所列信用政策计算：财政部门人员按本部门政策，其他用户按主体最近服务的财政部门的政策（未服务过任何财政部门的按平台默认政策）。'

/** Strings go through safeCellText, so no name or rule label can become a formula; numbers stay numbers. */
export function writeCreditListWorkbook(title: string, rows: readonly CreditListRow[]): Promise<Uint8Array> {
  return writeTitledTableWorkbook('信用档案', title, CREDIT_LIST_NOTE, LIST_COLUMNS, rows)
}

/** The list export for a reader, audited: the file and its name. */
export async function exportCreditList(db: Db, actor: Actor, type: Subject | undefined, now: Date): Promise<{ bytes: Uint8Array; filename: string }> {
  const on = beijingDate(now)
  const rows = creditListRows(db, actor, type, on)
  const kind = type ? labelOf(SUBJECTS, type) : '全部'
  const title = `信用档案清单（${kind}，${on}）`
  const bytes = await writeCreditListWorkbook(title, rows)
  inTransaction(db, (tx) =>
    appendAudit(tx, { actor: auditActor(actor), action: 'credit_list.export', entity: 'credit_list', entityId: type ?? 'all', after: { type: type ?? null, on, count: rows.length }, at: now }),
  )
  return { bytes, filename: `信用档案清单-${kind}-${on}.xlsx` }
}
