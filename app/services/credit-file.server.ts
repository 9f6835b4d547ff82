// The credit file pages (信用档案, issue 8): the list of files an actor may read, one subject's file
// (standings under each relevant bureau's policy, the timeline with appeals and evidence), and the
// three things people do there: issue an entry, appeal one, decide an appeal. Everything is built on
// credit.server.ts; this module adds form parsing, Chinese messages and what each actor may do.
// A file the actor may not read is a 404, never a hint that it exists.
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from '@remix-run/node'
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import {
  creditEntries,
  creditFiles,
  engagementMembers,
  engagements,
  organizations,
  panels,
  seats,
  users,
} from '../../db/schema'
import {
  ENTRY_KINDS,
  SEVERITIES,
  SEVERITY_CODES,
  SOURCES,
  SUBJECTS,
  entryKind,
  kindsFor,
  labelOf,
  type EntryKind,
  type Severity,
  type Subject,
} from '../domain/credit/categories'
import { pointsText, type CreditStanding } from '../domain/credit/evaluate'
import { policyCaption } from '../domain/credit/policy'
import { beijingDate } from '../domain/finance/rectification'
import { parsePoints } from '../domain/money'
import type { Actor } from '../domain/permissions'
import { MAX_STORED_FILE_BYTES } from '../files/limits'
import {
  discardFile,
  openStoredFile,
  prepareFile,
  recordFile,
  type PreparedFile,
} from '../files/store.server'
import { isId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { formValues, isoDate, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import {
  SUBJECT_LABELS,
  appealDeadline,
  appealOf,
  bureausOf,
  decideAppealRow,
  decidesFor,
  defaultBureauFor,
  listStandings,
  entryById,
  evidenceOf,
  fileRows,
  insertAppeal,
  mayIssueOn,
  maySeeFile,
  pendingAppealsFor,
  recordEntry,
  resolveSubject,
  speaksFor,
  standingOf,
  visibleSubjects,
  type AppealDecisionInput,
  type EntryRow,
  type SubjectInfo,
} from './credit.server'
import { engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

export type Failure = {
  ok: false
  status: 400 | 403 | 404 | 409 | 413 | 415
  errors: FieldErrors
  values?: FormValues
}
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该信用档案' } }
const refuse = (status: 403 | 409, message: string): Failure => ({
  ok: false,
  status,
  errors: { _form: message },
})

export const MAX_EVIDENCE_FILES = 5
export const MAX_CREDIT_TEXT = 2000
/** Largest points an issuer may set by hand (hundredths): the policy's own cap. */
const MAX_ENTRY_POINTS = 100_000

const STATUS_LABELS: Record<EntryRow['status'], string> = {
  active: '有效',
  amended: '经申诉变更',
  revoked: '已撤销',
}
const APPEAL_LABELS = {
  pending: '待处理',
  upheld: '维持原记录',
  amended: '变更记录',
  revoked: '撤销记录',
} as const
const CONTRIBUTION_LABELS = {
  counted: '计入',
  expired: '已失效',
  revoked: '已撤销',
  not_yet_effective: '尚未生效',
} as const
const isAutomatic = (source: string) => SOURCES.find((s) => s.code === source)?.automatic ?? false
const severityLabel = (s: Severity | null) => (s === null ? null : labelOf(SEVERITIES, s))

/** A subject the actor may read, or nothing (unknown and hidden look the same). */
function visibleSubject(db: Db | Tx, actor: Actor, subjectId: string): SubjectInfo | undefined {
  if (!isId(subjectId)) return undefined
  const subject = resolveSubject(db, subjectId)
  return subject && maySeeFile(db, actor, subject) ? subject : undefined
}

function standingSummary(standing: CreditStanding) {
  const b = standing.blacklisting?.active ? standing.blacklisting : null
  return {
    grade: standing.grade,
    gradeLabel: standing.gradeLabel,
    score: pointsText(standing.score),
    caption: `${policyCaption(standing.policy)}，${standing.on}`,
    blacklisting: b ? { from: b.from, to: b.to, rule: b.rule.label } : null,
  }
}

export type StandingSummary = ReturnType<typeof standingSummary>

// ---- The list ------------------------------------------------------------------------------------

export type ListQuery = { type: Subject; q: string; page: number }

export const CREDIT_PAGE_SIZE = 50
const MAX_PAGE = 100_000

export function readListQuery(params: URLSearchParams): ListQuery {
  const type = SUBJECTS.find((s) => s.code === params.get('type'))?.code ?? 'agency'
  const page = params.get('page') ?? ''
  return {
    type,
    q: (params.get('q') ?? '').trim().slice(0, 50),
    page: /^\d{1,6}$/.test(page) && Number(page) >= 1 ? Math.min(Number(page), MAX_PAGE) : 1,
  }
}

const byPinyin = new Intl.Collator('zh-CN')

/**
 * One page of the files the actor may read of one kind of subject, each with its grade, score and
 * any active blacklisting under the policy the file page shows first. The files are found, searched
 * and ordered without their standings (names only); standings are computed for the page's rows
 * alone, since each one reads the subject's entries and the bureaus it worked for. A page past the
 * end shows the last page.
 */
export function listPage(db: Db, actor: Actor, query: ListQuery, now: Date) {
  const today = beijingDate(now)
  const needle = query.q.toLowerCase()
  const subjects = visibleSubjects(db, actor, query.type)
    .filter((s) => needle === '' || s.name.toLowerCase().includes(needle) || (s.agencyName ?? '').toLowerCase().includes(needle))
    .map((s) => ({ ...s, agencyName: s.type === 'practitioner' ? s.agencyName : null }))
    .sort((a, b) => byPinyin.compare(a.agencyName ?? '', b.agencyName ?? '') || byPinyin.compare(a.name, b.name))
  const pages = Math.max(1, Math.ceil(subjects.length / CREDIT_PAGE_SIZE))
  const page = Math.min(query.page, pages)
  const shown = subjects.slice((page - 1) * CREDIT_PAGE_SIZE, page * CREDIT_PAGE_SIZE)
  const standings = listStandings(db, actor, shown, today)
  const rows = shown.map((s) => ({
    id: s.id,
    name: s.name,
    agencyName: s.agencyName,
    ...standingSummary(standings.get(`${s.type}:${s.id}`)!.standing),
  }))
  return { query: { ...query, page }, today, total: subjects.length, pages, rows, pendingAppeals: pendingAppealList(db, actor) }
}

/** Appeals waiting for this actor's decision, with whose file they are in. */
function pendingAppealList(db: Db, actor: Actor) {
  return pendingAppealsFor(db, actor).map(({ appeal, entry }) => ({
    appealId: appeal.id,
    entryId: entry.id,
    subjectId: entry.subjectId,
    subjectName: resolveSubject(db, entry.subjectId)?.name ?? '',
    subjectTypeLabel: SUBJECT_LABELS[entry.subjectType],
    kindLabel: labelOf(ENTRY_KINDS, entry.kind),
    filedAt: appeal.filedAt,
  }))
}

/** Where an expert's list goes: their own file (an expert reads nothing else). */
export function ownExpertFile(db: Db, actor: Actor): string | null {
  if (actor.role !== 'expert') return null
  return visibleSubjects(db, actor, 'expert')[0]?.id ?? null
}

/** The grade and score another page shows beside a subject (the expert pool's detail page). */
export function creditSummary(db: Db, actor: Actor, subjectId: string, now: Date): StandingSummary | null {
  const subject = visibleSubject(db, actor, subjectId)
  if (!subject) return null
  return standingSummary(standingOf(db, subject, defaultBureauFor(db, actor, subject), beijingDate(now)))
}

// ---- One file ------------------------------------------------------------------------------------

/** The engagements an issuer may attach to an entry: its own (bureau's or agency's) that involved the subject. */
function engagementChoices(db: Db | Tx, actor: Actor, subject: SubjectInfo): { id: string; name: string }[] {
  if (!actor.organizationId) return []
  const issuerScope =
    actor.role === 'finance_reviewer'
      ? eq(engagements.financeBureauId, actor.organizationId)
      : eq(engagements.agencyId, actor.organizationId)
  const involved =
    subject.type === 'agency'
      ? eq(engagements.agencyId, subject.id)
      : subject.type === 'practitioner'
        ? or(
            eq(engagements.leadUserId, subject.id),
            inArray(
              engagements.id,
              db
                .select({ id: engagementMembers.engagementId })
                .from(engagementMembers)
                .where(eq(engagementMembers.userId, subject.id)),
            ),
          )
        : inArray(
            engagements.id,
            db
              .select({ id: panels.engagementId })
              .from(seats)
              .innerJoin(panels, eq(panels.id, seats.panelId))
              .where(and(eq(seats.expertId, subject.id), sql`${seats.invitedAt} IS NOT NULL`)),
          )
  return db
    .select({ id: engagements.id, name: engagements.name })
    .from(engagements)
    .where(and(issuerScope, involved))
    .orderBy(asc(engagements.name))
    .all()
}

const personName = (db: Db | Tx, id: string | null) =>
  id === null
    ? null
    : (db.select({ n: users.displayName }).from(users).where(eq(users.id, id)).get()?.n ?? null)

/** Which bureaus' policies the file is shown under: a reviewer's own; else each bureau worked for; else the default. */
function policyContexts(db: Db, actor: Actor, subject: SubjectInfo): { id: string | null; name: string }[] {
  if (actor.role === 'finance_reviewer' && actor.organizationId) {
    const own = db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, actor.organizationId))
      .get()
    if (own) return [own]
  }
  const worked = bureausOf(db, subject)
  return worked.length > 0 ? worked : [{ id: null, name: '未与财政部门合作（默认政策）' }]
}

export type FilePage = NonNullable<ReturnType<typeof filePage>>

/** A subject's credit file as this actor may read it, under the selected bureau's policy. */
export function filePage(
  db: Db,
  actor: Actor,
  subjectId: string,
  query: { bureau?: string | null },
  now: Date,
) {
  const subject = visibleSubject(db, actor, subjectId)
  if (!subject) return undefined
  const today = beijingDate(now)
  const contexts = policyContexts(db, actor, subject).map((c) => ({
    ...c,
    standing: standingOf(db, subject, c.id, today),
  }))
  const selected = contexts.find((c) => c.id !== null && c.id === query.bureau) ?? contexts[0]!
  const contributionOf = new Map(selected.standing.contributions.map((c) => [c.entryId, c]))
  const rows = fileRows(db, subject).reverse()
  const evidence = evidenceOf(
    db,
    rows.map((r) => r.entry.id),
  )
  const orgNames = new Map(
    db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .all()
      .map((o) => [o.id, o.name]),
  )
  const engagementIds = [
    ...new Set(rows.map((r) => r.entry.engagementId).filter((id): id is string => id !== null)),
  ]
  const engagementNames = new Map(
    engagementIds.length === 0
      ? []
      : db
          .select({ id: engagements.id, name: engagements.name })
          .from(engagements)
          .where(inArray(engagements.id, engagementIds))
          .all()
          .map((e) => [e.id, e.name]),
  )
  const speaks = speaksFor(actor, subject)
  const timeline = rows.map(({ entry, appeal }) => {
    const negative = entryKind(entry.kind as EntryKind).direction === 'negative'
    const contribution = contributionOf.get(entry.id)
    const deadline = negative ? appealDeadline(db, entry) : null
    const files = evidence.filter((f) => f.entryId === entry.id)
    return {
      id: entry.id,
      kindLabel: labelOf(ENTRY_KINDS, entry.kind),
      negative,
      severityLabel: severityLabel(entry.severity),
      pointsIssued: entry.points === null ? '按信用政策' : pointsText(entry.points),
      counted: contribution
        ? {
            points: (contribution.counted > 0 ? '+' : '') + pointsText(contribution.counted),
            status: CONTRIBUTION_LABELS[contribution.status],
            line: contribution.line,
          }
        : null,
      effectiveOn: entry.effectiveOn,
      expiresOn: contribution?.expiresOn ?? entry.expiresOn,
      issuer: orgNames.get(entry.issuerOrgId) ?? '',
      issuedBy: isAutomatic(entry.source) ? '自动' : (personName(db, entry.issuedBy) ?? ''),
      sourceLabel: labelOf(SOURCES, entry.source),
      description: entry.description,
      engagement: entry.engagementId
        ? {
            id: entry.engagementId,
            name: engagementNames.get(entry.engagementId) ?? '',
            link: engagementForViewer(db, actor, entry.engagementId) !== undefined,
          }
        : null,
      status: entry.status,
      statusLabel: STATUS_LABELS[entry.status],
      recordedAt: entry.recordedAt,
      severityCode: entry.severity,
      files: files
        .filter((f) => f.appealId === null)
        .map((f) => ({ id: f.fileId, name: f.name, size: f.size })),
      appeal: appeal
        ? {
            id: appeal.id,
            version: appeal.version,
            status: appeal.status,
            statusLabel: APPEAL_LABELS[appeal.status],
            reason: appeal.reason,
            filedBy: personName(db, appeal.filedBy) ?? '',
            filedAt: appeal.filedAt,
            decisionReason: appeal.decisionReason,
            decidedBy: personName(db, appeal.decidedBy),
            decidedAt: appeal.decidedAt,
            amendment:
              appeal.status === 'amended'
                ? {
                    severity: severityLabel(appeal.amendedSeverity),
                    points: appeal.amendedPoints === null ? null : pointsText(appeal.amendedPoints),
                    expiresOn: appeal.amendedExpiresOn,
                  }
                : null,
            files: files
              .filter((f) => f.appealId === appeal.id)
              .map((f) => ({ id: f.fileId, name: f.name, size: f.size })),
          }
        : null,
      appealDeadline: deadline,
      mayAppeal:
        speaks && negative && entry.status !== 'revoked' && !appeal && deadline !== null && today <= deadline,
      mayDecide: appeal?.status === 'pending' && decidesFor(db, actor, entry),
    }
  })
  const mayIssue = mayIssueOn(db, actor, subject)
  return {
    subject: {
      id: subject.id,
      type: subject.type,
      typeLabel: SUBJECT_LABELS[subject.type],
      name: subject.name,
      agencyName:
        subject.type === 'practitioner' && subject.agencyId ? (orgNames.get(subject.agencyId) ?? null) : null,
    },
    today,
    standings: contexts.map((c) => ({
      bureauId: c.id,
      bureauName: c.name,
      selected: c === selected,
      ...standingSummary(c.standing),
    })),
    explanation: selected.standing.explanation,
    blacklistings: selected.standing.blacklistings.map((b) => ({
      from: b.from,
      to: b.to,
      rule: b.rule.label,
      years: b.rule.years,
      active: b.active,
    })),
    timeline,
    speaksFor: speaks,
    mayIssue,
    issueForm: mayIssue
      ? {
          kinds: kindsFor(subject.type).map((k) => ({
            code: k.code,
            label: k.label,
            negative: k.direction === 'negative',
            defaultSeverity: severityLabel(k.defaultSeverity),
          })),
          engagements: engagementChoices(db, actor, subject),
        }
      : null,
  }
}

/**
 * Whether the actor may do anything on the file (checked before an upload is read): 404 when the
 * file is not theirs to read, false when they only read it.
 */
export function mayActOnFile(db: Db, actor: Actor, subjectId: string): boolean | undefined {
  const subject = visibleSubject(db, actor, subjectId)
  if (!subject) return undefined
  if (mayIssueOn(db, actor, subject) || speaksFor(actor, subject)) return true
  if (!actor.organizationId) return false
  const issued = db
    .select({ issuerOrgId: creditEntries.issuerOrgId })
    .from(creditEntries)
    .where(
      and(
        eq(creditEntries.subjectType, subject.type),
        eq(creditEntries.subjectId, subject.id),
        eq(creditEntries.issuerOrgId, actor.organizationId),
      ),
    )
    .get()
  return issued !== undefined && decidesFor(db, actor, issued)
}

// ---- Reading the multipart form ------------------------------------------------------------------

export type Upload = { bytes: Buffer; filename: string }
export type CreditForm =
  { ok: true; fields: FormData; files: Upload[] } | { ok: false; status: 400 | 413; message: string }

/**
 * The form of the issue and appeal actions: URL-encoded, or multipart with up to five evidence
 * files in `files`, each and all together capped while streaming.
 */
export async function readCreditForm(request: Request, maxTotalBytes: number): Promise<CreditForm> {
  if (!/^multipart\/form-data\s*;/i.test(request.headers.get('content-type') ?? '')) {
    try {
      return { ok: true, fields: await request.formData(), files: [] }
    } catch {
      return { ok: false, status: 400, message: '提交的内容无法读取' }
    }
  }
  const perPart = unstable_createMemoryUploadHandler({ maxPartSize: MAX_STORED_FILE_BYTES })
  let total = 0
  const handler: UploadHandler = (part) =>
    perPart({
      ...part,
      data: (async function* counted() {
        for await (const chunk of part.data) {
          total += chunk.byteLength
          if (total > maxTotalBytes) throw new MaxPartSizeExceededError(part.name, maxTotalBytes)
          yield chunk
        }
      })(),
    })
  let fields: FormData
  try {
    fields = await unstable_parseMultipartFormData(request, handler)
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError)
      return {
        ok: false,
        status: 413,
        message: `每个文件不能超过 ${Math.floor(MAX_STORED_FILE_BYTES / 1024 / 1024)} MB，合计不能超过 ${Math.floor(maxTotalBytes / 1024 / 1024)} MB`,
      }
    return { ok: false, status: 400, message: '上传内容无法读取，请重新选择文件' }
  }
  const files: Upload[] = []
  for (const f of fields.getAll('files')) {
    if (typeof f === 'string' || f.size === 0) continue
    // The client's name is metadata only: never a path, cleaned and capped.
    files.push({
      bytes: Buffer.from(await f.arrayBuffer()),
      filename: f.name.replace(/[\u0000-\u001f\u007f/\\]/g, '').slice(0, 200),
    })
  }
  fields.delete('files')
  return { ok: true, fields, files }
}

// ---- Evidence ------------------------------------------------------------------------------------

/** Writes the files to the store (outside any transaction); a refused one discards those already written. */
async function prepareEvidence(
  db: Db,
  files: readonly Upload[],
  values: FormValues,
): Promise<{ ok: true; prepared: PreparedFile[] } | Failure> {
  if (files.length > MAX_EVIDENCE_FILES)
    return { ok: false, status: 400, errors: { files: `最多上传 ${MAX_EVIDENCE_FILES} 个佐证材料` }, values }
  const prepared: PreparedFile[] = []
  for (const [i, upload] of files.entries()) {
    const result = await prepareFile(db, upload)
    if (!result.ok) {
      prepared.forEach(discardFile)
      const which = files.length > 1 ? `第 ${i + 1} 个文件「${upload.filename}」：` : ''
      return { ok: false, status: result.status, errors: { files: which + result.message }, values }
    }
    prepared.push(result.file)
  }
  return { ok: true, prepared }
}

function recordEvidence(
  tx: Tx,
  actor: Actor,
  prepared: readonly PreparedFile[],
  context: Record<string, string>,
  now: Date,
): string[] {
  for (const file of prepared) {
    recordFile(tx, file, actor.userId, now)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'file.upload',
      entity: 'stored_file',
      entityId: file.id,
      after: { ...context, name: file.originalName, mime: file.mime, size: file.size, sha256: file.sha256 },
      at: now,
    })
  }
  return prepared.map((f) => f.id)
}

class Refused {
  constructor(readonly failure: Failure) {}
}

/**
 * Checks the form, the actor and the state; writes the evidence to the store; then checks again and
 * changes the file with the evidence rows in one transaction. Whatever refuses the change (or fails)
 * leaves no file behind.
 */
async function changeWithEvidence<C, T>(
  db: Db,
  actor: Actor,
  upload: { files: readonly Upload[]; values: FormValues; context: Record<string, string> },
  now: Date,
  check: (tx: Db | Tx) => ({ ok: true } & C) | Failure,
  change: (tx: Tx, checked: C, fileIds: string[]) => Result<T>,
): Promise<Result<T>> {
  const early = check(db)
  if (!early.ok) return early
  const evidence = await prepareEvidence(db, upload.files, upload.values)
  if (!evidence.ok) return evidence
  try {
    return inTransaction(db, (tx) => {
      const checked = check(tx)
      if (!checked.ok) throw new Refused(checked)
      const result = change(tx, checked, recordEvidence(tx, actor, evidence.prepared, upload.context, now))
      if (!result.ok) throw new Refused(result)
      return result
    })
  } catch (error) {
    evidence.prepared.forEach(discardFile)
    if (error instanceof Refused) return error.failure
    throw error
  }
}

// ---- Issuing an entry ----------------------------------------------------------------------------

const DECIMAL_POINTS = /^\s*\d+(\.\d+)?\s*$/

function issueSchema(subject: SubjectInfo, engagementIds: ReadonlySet<string>, today: string) {
  const kinds = kindsFor(subject.type).map((k) => k.code) as [EntryKind, ...EntryKind[]]
  return z
    .object({
      kind: z.preprocess(
        (v) => (typeof v === 'string' ? v : ''),
        z.enum(kinds, {
          errorMap: () => ({ message: `请选择适用于${SUBJECT_LABELS[subject.type]}的记录类别` }),
        }),
      ),
      severity: z.preprocess(
        (v) => (typeof v === 'string' ? v : ''),
        z.union([z.literal(''), z.enum(SEVERITY_CODES)], { errorMap: () => ({ message: '请选择严重程度' }) }),
      ),
      points: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string()),
      effectiveOn: z.preprocess(
        (v) => (typeof v === 'string' && v.trim() !== '' ? v : today),
        isoDate('生效日期'),
      ),
      expiresOn: z.preprocess(
        (v) => (typeof v === 'string' ? v.trim() : ''),
        z.union([z.literal(''), isoDate('失效日期')]),
      ),
      description: text({ label: '事实与依据', max: MAX_CREDIT_TEXT }),
      engagementId: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string()),
    })
    .superRefine((v, ctx) => {
      if (v.points !== '') {
        const parsed = DECIMAL_POINTS.test(v.points)
          ? parsePoints(v.points)
          : { ok: false as const, message: '分值须为数字，最多两位小数' }
        if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['points'], message: parsed.message })
        else if (parsed.value === 0 || parsed.value > MAX_ENTRY_POINTS)
          ctx.addIssue({
            code: 'custom',
            path: ['points'],
            message: `分值须大于 0 且不超过 ${MAX_ENTRY_POINTS / 100} 分；留空则按信用政策计分`,
          })
      }
      if (v.effectiveOn > today)
        ctx.addIssue({ code: 'custom', path: ['effectiveOn'], message: `生效日期不能晚于今天（${today}）` })
      if (v.expiresOn !== '' && v.expiresOn <= v.effectiveOn)
        ctx.addIssue({
          code: 'custom',
          path: ['expiresOn'],
          message: `失效日期须晚于生效日期（${v.effectiveOn}）`,
        })
      if (v.engagementId !== '' && !engagementIds.has(v.engagementId))
        ctx.addIssue({
          code: 'custom',
          path: ['engagementId'],
          message: '请从列表中选择与该对象有关的评价项目，或留空',
        })
    })
}

const ISSUE_FIELDS = [
  'kind',
  'severity',
  'points',
  'effectiveOn',
  'expiresOn',
  'description',
  'engagementId',
] as const

function keptValues(fd: FormData, keys: readonly string[]): FormValues {
  const all = formValues(fd)
  return Object.fromEntries(keys.map((k) => [k, typeof all[k] === 'string' ? all[k] : '']))
}

function parseWith<S extends z.ZodTypeAny>(
  schema: S,
  values: FormValues,
): { ok: true; data: z.infer<S> } | Failure {
  const parsed = schema.safeParse(values)
  if (parsed.success) return { ok: true, data: parsed.data }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) errors[issue.path.join('.') || '_form'] ??= issue.message
  return { ok: false, status: 400, errors, values }
}

/** 新增信用记录: a bureau's reviewer or an agency's admin files an entry, with up to five evidence files. */
export function issueEntry(
  db: Db,
  actor: Actor,
  subjectId: string,
  fd: FormData,
  files: readonly Upload[],
  now: Date,
): Promise<Result<{ id: string; grade: string; score: string }>> {
  const values = keptValues(fd, ISSUE_FIELDS)
  const today = beijingDate(now)
  const check = (tx: Db | Tx) => {
    const subject = visibleSubject(tx, actor, subjectId)
    if (!subject) return NOT_FOUND
    if (!mayIssueOn(tx, actor, subject) || !actor.organizationId)
      return refuse(403, '只有财政部门审核人员或评价机构管理员可以对其可见的对象新增信用记录')
    const choices = engagementChoices(tx, actor, subject)
    const parsed = parseWith(issueSchema(subject, new Set(choices.map((c) => c.id)), today), values)
    if (!parsed.ok) return parsed
    return { ok: true as const, subject, issuerOrgId: actor.organizationId, form: parsed.data }
  }
  return changeWithEvidence(
    db,
    actor,
    { files, values, context: { subjectId } },
    now,
    check,
    (tx, { subject, issuerOrgId, form }, fileIds) => {
      const kind = entryKind(form.kind)
      const engagementId = form.engagementId === '' ? null : form.engagementId
      // A bureau issues under its own policy; an agency under the policy of the engagement's bureau, if any.
      const bureauId =
        actor.role === 'finance_reviewer'
          ? issuerOrgId
          : engagementId
            ? (tx
                .select({ b: engagements.financeBureauId })
                .from(engagements)
                .where(eq(engagements.id, engagementId))
                .get()?.b ?? null)
            : null
      const points = form.points === '' ? null : parsePoints(form.points)
      const recorded = recordEntry(
        tx,
        {
          subject,
          kind: form.kind,
          severity:
            kind.direction === 'negative'
              ? form.severity === ''
                ? kind.defaultSeverity
                : form.severity
              : null,
          points: points?.ok ? points.value : null,
          effectiveOn: form.effectiveOn,
          expiresOn: form.expiresOn === '' ? null : form.expiresOn,
          description: form.description,
          source: actor.role === 'finance_reviewer' ? 'bureau' : 'agency',
          sourceRef: null,
          issuerOrgId,
          issuedBy: actor.userId,
          bureauId,
          engagementId,
          fileIds,
        },
        auditActor(actor),
        now,
      )
      const standing = recorded.standing!
      return {
        ok: true,
        value: { id: recorded.id, grade: standing.grade, score: pointsText(standing.score) },
      }
    },
  )
}

// ---- Appeals -------------------------------------------------------------------------------------

/** The entry in the address, if it is in the subject's file and the actor may read the file. */
function entryInFile(
  tx: Db | Tx,
  actor: Actor,
  subjectId: string,
  entryId: string,
): { subject: SubjectInfo; entry: EntryRow } | undefined {
  const subject = visibleSubject(tx, actor, subjectId)
  const entry = subject && isId(entryId) ? entryById(tx, entryId) : undefined
  return subject && entry && entry.subjectId === subject.id && entry.subjectType === subject.type
    ? { subject, entry }
    : undefined
}

const appealSchema = z.object({ reason: text({ label: '申诉理由', max: MAX_CREDIT_TEXT }) })

/** 申诉: the subject (or the agency's admin for the agency) contests a negative entry within the window, once. */
export function fileAppeal(
  db: Db,
  actor: Actor,
  subjectId: string,
  entryId: string,
  fd: FormData,
  files: readonly Upload[],
  now: Date,
): Promise<Result<{ appealId: string }>> {
  const values = keptValues(fd, ['reason'])
  const today = beijingDate(now)
  const check = (tx: Db | Tx) => {
    const found = entryInFile(tx, actor, subjectId, entryId)
    if (!found) return NOT_FOUND
    const { subject, entry } = found
    if (!speaksFor(actor, subject))
      return refuse(403, subject.type === 'agency' ? '只有本机构的管理员可以申诉' : '只有本人可以申诉')
    if (entryKind(entry.kind as EntryKind).direction !== 'negative') return refuse(409, '守信记录无需申诉')
    if (entry.status === 'revoked') return refuse(409, '该记录已撤销，无需申诉')
    if (appealOf(tx, entry.id)) return refuse(409, '该记录已申诉过，每条记录只能申诉一次')
    const deadline = appealDeadline(tx, entry)
    if (today > deadline) return refuse(409, `申诉期限已于 ${deadline} 届满，不能再申诉`)
    const parsed = parseWith(appealSchema, values)
    if (!parsed.ok) return parsed
    return { ok: true as const, entry, reason: parsed.data.reason }
  }
  return changeWithEvidence(
    db,
    actor,
    { files, values, context: { subjectId, entryId } },
    now,
    check,
    (tx, { entry, reason }, fileIds) => ({
      ok: true,
      value: { appealId: insertAppeal(tx, actor, entry, { reason, fileIds }, now) },
    }),
  )
}

const optionalSeverity = z.preprocess(
  (v) => (typeof v === 'string' ? v : ''),
  z.union([z.literal(''), z.enum(SEVERITY_CODES)], { errorMap: () => ({ message: '请选择严重程度' }) }),
)
const optionalDate = (label: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.union([z.literal(''), isoDate(label)]))

const decisionSchema = z.object({
  decision: z.preprocess(
    (v) => (typeof v === 'string' ? v : ''),
    z.enum(['upheld', 'amended', 'revoked'], { errorMap: () => ({ message: '请选择处理结果' }) }),
  ),
  reason: text({ label: '处理理由', max: MAX_CREDIT_TEXT }),
  severity: optionalSeverity,
  points: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string()),
  expiresOn: optionalDate('变更后的失效日期'),
  version: versionField,
})

const DECISION_FIELDS = ['decision', 'reason', 'severity', 'points', 'expiresOn'] as const
export const STALE_APPEAL = '该申诉已由他人处理或已变化，请刷新后查看'

/** The amendment as the issuer asked for it: each field blank (unchanged) or a new value differing from the entry. */
function amendmentOf(
  entry: EntryRow,
  form: z.infer<typeof decisionSchema>,
): { ok: true; value: AppealDecisionInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  let points: number | null = null
  if (form.points !== '') {
    const parsed = DECIMAL_POINTS.test(form.points)
      ? parsePoints(form.points)
      : { ok: false as const, message: '分值须为数字，最多两位小数' }
    if (!parsed.ok) errors.points = parsed.message
    else if (parsed.value === 0 || parsed.value > MAX_ENTRY_POINTS)
      errors.points = `分值须大于 0 且不超过 ${MAX_ENTRY_POINTS / 100} 分`
    else points = parsed.value
  }
  if (form.expiresOn !== '' && form.expiresOn <= entry.effectiveOn)
    errors.expiresOn = `失效日期须晚于生效日期（${entry.effectiveOn}）`
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const severity = form.severity === '' || form.severity === entry.severity ? null : form.severity
  if (points === entry.points) points = null
  const expiresOn = form.expiresOn === '' || form.expiresOn === entry.expiresOn ? null : form.expiresOn
  if (severity === null && points === null && expiresOn === null)
    return { ok: false, errors: { decision: '变更记录须至少改动严重程度、分值或失效日期中的一项' } }
  return { ok: true, value: { decision: 'amended', reason: form.reason, severity, points, expiresOn } }
}

/** 处理申诉: the issuer upholds, amends or revokes, with a reason; a decision on a changed appeal is 409. */
export function decideAppeal(
  db: Db,
  actor: Actor,
  subjectId: string,
  entryId: string,
  fd: FormData,
  now: Date,
): Result<{ decision: string; grade: string; score: string }> {
  const values = keptValues(fd, DECISION_FIELDS)
  return inTransaction(db, (tx) => {
    const found = entryInFile(tx, actor, subjectId, entryId)
    if (!found) return NOT_FOUND
    const { entry } = found
    if (!decidesFor(tx, actor, entry)) return refuse(403, '只有作出该记录的单位可以处理申诉')
    const appeal = appealOf(tx, entry.id)
    if (!appeal) return refuse(409, '该记录没有申诉')
    const parsed = parseWith(decisionSchema, { ...values, version: formValues(fd).version ?? '' })
    if (!parsed.ok) {
      if (parsed.errors.version) return refuse(409, STALE_APPEAL)
      return { ...parsed, values }
    }
    if (appeal.status !== 'pending' || parsed.data.version !== appeal.version)
      return refuse(409, STALE_APPEAL)
    const form = parsed.data
    let input: AppealDecisionInput = {
      decision: form.decision === 'amended' ? 'upheld' : form.decision,
      reason: form.reason,
    }
    if (form.decision === 'amended') {
      const amended = amendmentOf(entry, form)
      if (!amended.ok) return { ok: false, status: 400, errors: amended.errors, values }
      input = amended.value
    }
    const standing = decideAppealRow(tx, actor, entry, appeal, input, now)
    if (!standing) return refuse(409, STALE_APPEAL)
    return {
      ok: true,
      value: {
        decision: APPEAL_LABELS[input.decision],
        grade: standing.grade,
        score: pointsText(standing.score),
      },
    }
  })
}

/** An evidence file of an entry in the subject's file, once the actor may read the file. */
export function creditEvidenceFile(db: Db, actor: Actor, subjectId: string, fileId: string) {
  const subject = visibleSubject(db, actor, subjectId)
  if (!subject || !isId(fileId)) return undefined
  const link = db
    .select({ fileId: creditFiles.fileId })
    .from(creditFiles)
    .innerJoin(creditEntries, eq(creditEntries.id, creditFiles.entryId))
    .where(
      and(
        eq(creditFiles.fileId, fileId),
        eq(creditEntries.subjectType, subject.type),
        eq(creditEntries.subjectId, subject.id),
      ),
    )
    .get()
  return link ? openStoredFile(db, link.fileId) : undefined
}
