// Reports of an engagement: the sections people write (saved per report type), generated versions
// (初稿 → 征求意见稿 → 定稿; each immutable, both files hashed), comparison of two versions section by
// section, and issuing a final version with a verification code that anyone can check at /verify.
import { and, desc, eq, max } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { reportFiles, reportNarratives, reportVersions } from '../../db/schema'
import { composeDocument } from '../../reports/compose'
import { buildReportModel, draftNarrative } from '../../reports/build-model.server'
import { EMPTY_NARRATIVE, NARRATIVE_SECTIONS, REPORT_STAGES, REPORT_TYPES, reportStageLabel, reportTypeLabel, type Narrative, type ReportModel, type ReportStage, type ReportType } from '../../reports/model'
import type { RenderedFile, ReportFormat } from '../../reports/render'
import { can, type Actor } from '../domain/permissions'
import { diffSections, sectionsOf } from '../domain/reports/section-diff'
import { codeFromBytes, normalizeCode } from '../domain/reports/verification'
import { cleanText } from '../domain/text'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource } from '../models/engagement.server'
import { choice, parseForm, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该报告' } }

/** Renders a model to files: the worker pool on the web, in process in the CLI and tests. */
export type Renderer = (model: ReportModel, formats: ReportFormat[]) => Promise<RenderedFile[]>

export const MAX_SECTION_CHARS = 20_000

export function isReportType(x: string | undefined | null): x is ReportType {
  return REPORT_TYPES.some((t) => t.code === x)
}

type Engagement = NonNullable<ReturnType<typeof engagementForViewer>>

function engagementFor(db: Db | Tx, actor: Actor, engagementId: string, action: 'report.view' | 'report.write' | 'report.issue'): { e: Engagement } | Failure {
  const e = engagementForViewer(db, actor, engagementId)
  if (!e || !can(actor, 'report.view', engagementResource(e))) return NOT_FOUND
  if (!can(actor, action, engagementResource(e))) return { ok: false, status: 403, errors: { _form: action === 'report.issue' ? '只有项目负责人或机构管理员可以签发报告' : '项目已归档或您不在项目组，不能修改报告' } }
  return { e }
}

/**
 * Why an agency-only action on the engagement is refused before its form is read: 404 when the
 * actor cannot see the engagement at all (another tenant's id is not found, whatever the request
 * carries: SECURITY.md §12.1), 403 when they see it but are not agency staff; null when admitted.
 */
export function agencyActionRefusal(db: Db | Tx, actor: Actor, engagementId: string): 403 | 404 | null {
  if (!engagementForViewer(db, actor, engagementId)) return 404
  return actor.role === 'agency_admin' || actor.role === 'evaluator' ? null : 403
}

function storedNarrative(db: Db | Tx, engagementId: string, type: ReportType) {
  const row = db.select().from(reportNarratives).where(and(eq(reportNarratives.engagementId, engagementId), eq(reportNarratives.type, type))).get()
  return row ? { sections: JSON.parse(row.sectionsJson) as Partial<Narrative>, version: row.version, updatedAt: row.updatedAt } : null
}

export type VersionSummary = {
  id: string
  versionNo: number
  stage: ReportStage
  stageLabel: string
  generatedAt: string
  docxSha256: string
  pdfSha256: string
  docxSize: number
  pdfSize: number
  verificationCode: string | null
  issuedAt: string | null
  note: string
}

function versionsOf(db: Db | Tx, engagementId: string, type: ReportType): VersionSummary[] {
  return db
    .select()
    .from(reportVersions)
    .where(and(eq(reportVersions.engagementId, engagementId), eq(reportVersions.type, type)))
    .orderBy(desc(reportVersions.versionNo))
    .all()
    .map((v) => ({
      id: v.id,
      versionNo: v.versionNo,
      stage: v.stage,
      stageLabel: reportStageLabel(v.stage),
      generatedAt: v.generatedAt,
      docxSha256: v.docxSha256,
      pdfSha256: v.pdfSha256,
      docxSize: v.docxSize,
      pdfSize: v.pdfSize,
      verificationCode: v.verificationCode,
      issuedAt: v.issuedAt,
      note: v.note,
    }))
}

/** Every report type of the engagement with its latest and its issued version. */
export function reportsOverview(db: Db, actor: Actor, engagementId: string) {
  const access = engagementFor(db, actor, engagementId, 'report.view')
  if ('ok' in access) return undefined
  return {
    engagement: { id: access.e.id, name: access.e.name },
    types: REPORT_TYPES.map((t) => {
      const versions = versionsOf(db, access.e.id, t.code)
      const issued = versions.find((v) => v.verificationCode !== null)
      return { code: t.code, label: t.label, latest: versions[0] ?? null, issued: issued ? { code: issued.verificationCode!, issuedAt: issued.issuedAt! } : null }
    }),
  }
}

/**
 * The report page of one type: the sections people write (saved text, or the draft from the data),
 * the versions generated so far, and whether a model can be built at all (and why not).
 */
export function reportPage(db: Db, actor: Actor, engagementId: string, type: ReportType, now: Date) {
  const access = engagementFor(db, actor, engagementId, 'report.view')
  if ('ok' in access) return access
  const { e } = access
  const stored = storedNarrative(db, e.id, type)
  const built = buildReportModel(db, e.id, type, { stage: 'draft', generatedAt: now.toISOString(), verification: null })
  const draft = built.ok ? draftNarrative(built.value) : EMPTY_NARRATIVE
  const sections = NARRATIVE_SECTIONS[type].map((s) => ({ key: s.key, label: s.label, text: stored?.sections[s.key] ?? draft[s.key], written: stored?.sections[s.key] !== undefined }))
  const resource = engagementResource(e)
  return {
    ok: true as const,
    value: {
      engagement: { id: e.id, name: e.name },
      type,
      typeLabel: reportTypeLabel(type),
      ready: built.ok ? null : (built.errors._form ?? '暂不能生成'),
      sections,
      narrativeVersion: stored?.version ?? 0,
      versions: versionsOf(db, e.id, type),
      mayWrite: can(actor, 'report.write', resource),
      mayIssue: can(actor, 'report.issue', resource),
    },
  }
}

const narrativeSchema = z.object({
  version: z.preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN), z.number({ invalid_type_error: '表单已过期，请刷新后重试' })),
})

/** 保存报告正文中需要撰写的部分: one transaction, audited; a stale page answers 409. */
export function saveNarrative(db: Db, actor: Actor, engagementId: string, type: ReportType, fd: FormData, now: Date): Result<{ version: number }> {
  return inTransaction(db, (tx) => {
    const access = engagementFor(tx, actor, engagementId, 'report.write')
    if ('ok' in access) return access
    const parsed = parseForm(narrativeSchema, fd)
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
    const sections: Partial<Narrative> = {}
    const errors: FieldErrors = {}
    for (const s of NARRATIVE_SECTIONS[type]) {
      const text = cleanText(String(fd.get(s.key) ?? ''))
      if (text.length > MAX_SECTION_CHARS) errors[s.key] = `「${s.label}」不能超过 ${MAX_SECTION_CHARS} 个字符`
      sections[s.key] = text
    }
    if (Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values: Object.fromEntries(NARRATIVE_SECTIONS[type].map((s) => [s.key, String(fd.get(s.key) ?? '')])) }
    const existing = tx.select().from(reportNarratives).where(and(eq(reportNarratives.engagementId, access.e.id), eq(reportNarratives.type, type))).get()
    if ((existing?.version ?? 0) !== parsed.data.version) return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
    const at = now.toISOString()
    const version = (existing?.version ?? 0) + 1
    if (existing) tx.update(reportNarratives).set({ sectionsJson: JSON.stringify(sections), updatedBy: actor.userId, updatedAt: at, version }).where(eq(reportNarratives.id, existing.id)).run()
    else tx.insert(reportNarratives).values({ id: newId(), engagementId: access.e.id, type, sectionsJson: JSON.stringify(sections), updatedBy: actor.userId, updatedAt: at, version }).run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'report.narrative',
      entity: 'engagement',
      entityId: access.e.id,
      before: existing ? { type, sections: JSON.parse(existing.sectionsJson) } : null,
      after: { type, sections },
      at: now,
    })
    return { ok: true, value: { version } }
  })
}

const generateSchema = z.object({
  stage: choice(REPORT_STAGES.map((s) => s.code) as [ReportStage, ...ReportStage[]], '请选择报告阶段'),
  note: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().max(500, '版本说明不能超过 500 个字符')),
})

/** Stores one rendered version (the caller rendered it outside any transaction). */
function insertVersion(tx: Tx, actor: Actor, e: Engagement, model: ReportModel, files: RenderedFile[], extra: { note: string; verificationCode?: string; issuedAt?: string }, now: Date) {
  const docx = files.find((f) => f.format === 'docx')!
  const pdf = files.find((f) => f.format === 'pdf')!
  const last = tx
    .select({ n: max(reportVersions.versionNo) })
    .from(reportVersions)
    .where(and(eq(reportVersions.engagementId, e.id), eq(reportVersions.type, model.type)))
    .get()
  const versionNo = (last?.n ?? 0) + 1
  const id = newId()
  tx.insert(reportVersions)
    .values({
      id,
      engagementId: e.id,
      type: model.type,
      versionNo,
      stage: model.document.stage,
      title: composeDocument(model).meta.title,
      modelJson: JSON.stringify(model),
      docxSha256: docx.sha256,
      pdfSha256: pdf.sha256,
      docxSize: docx.bytes.byteLength,
      pdfSize: pdf.bytes.byteLength,
      generatedBy: actor.userId,
      generatedAt: now.toISOString(),
      verificationCode: extra.verificationCode ?? null,
      issuedAt: extra.issuedAt ?? null,
      note: extra.note,
    })
    .run()
  for (const f of [docx, pdf]) tx.insert(reportFiles).values({ versionId: id, format: f.format, bytes: Buffer.from(f.bytes) }).run()
  return { id, versionNo }
}

/**
 * 生成报告版本: builds the model (with what people wrote) at `now`, renders both files (awaited
 * outside any transaction: rendering takes a worker, not the database) and stores the version.
 */
export async function generateVersion(db: Db, actor: Actor, engagementId: string, type: ReportType, fd: FormData, now: Date, render: Renderer): Promise<Result<{ id: string; versionNo: number }>> {
  const access = engagementFor(db, actor, engagementId, 'report.write')
  if ('ok' in access) return access
  const parsed = parseForm(generateSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  const built = buildReportModel(db, access.e.id, type, { stage: parsed.data.stage, generatedAt: now.toISOString(), verification: null, narrative: storedNarrative(db, access.e.id, type)?.sections })
  if (!built.ok) return { ok: false, status: built.status === 404 ? 404 : 409, errors: built.errors }
  const files = await render(built.value, ['docx', 'pdf'])
  return inTransaction(db, (tx) => {
    const again = engagementFor(tx, actor, engagementId, 'report.write')
    if ('ok' in again) return again
    const stored = insertVersion(tx, actor, again.e, built.value, files, { note: parsed.data.note }, now)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'report.generate',
      entity: 'engagement',
      entityId: again.e.id,
      after: { type, versionNo: stored.versionNo, stage: parsed.data.stage, docxSha256: files[0]!.sha256, pdfSha256: files[1]!.sha256 },
      at: now,
    })
    return { ok: true, value: stored }
  })
}

/**
 * 签发: a 定稿 version is issued as a new version rendered from the same model with a verification
 * code and the issue time printed on it. The same model and issue time give the same bytes.
 */
export async function issueVersion(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date, render: Renderer, opts: { publicUrl: string; randomBytes: (n: number) => Uint8Array }): Promise<Result<{ id: string; versionNo: number; code: string }>> {
  const access = engagementFor(db, actor, engagementId, 'report.issue')
  if ('ok' in access) return access
  const versionId = String(fd.get('versionId') ?? '')
  const source = isId(versionId) ? db.select().from(reportVersions).where(and(eq(reportVersions.id, versionId), eq(reportVersions.engagementId, access.e.id))).get() : undefined
  if (!source) return NOT_FOUND
  if (source.stage !== 'final') return { ok: false, status: 409, errors: { _form: '只有定稿可以签发' } }
  if (source.verificationCode) return { ok: false, status: 409, errors: { _form: '该版本已是签发版本' } }
  let code: string | null = null
  while (code === null || db.select({ id: reportVersions.id }).from(reportVersions).where(eq(reportVersions.verificationCode, code)).get()) code = codeFromBytes(opts.randomBytes(32))
  const model = JSON.parse(source.modelJson) as ReportModel
  const issued: ReportModel = { ...model, document: { ...model.document, generatedAt: now.toISOString(), verification: { code, url: `${opts.publicUrl.replace(/\/+$/, '')}/verify/${code}` } } }
  const files = await render(issued, ['docx', 'pdf'])
  const issuedCode = code
  return inTransaction(db, (tx) => {
    const again = engagementFor(tx, actor, engagementId, 'report.issue')
    if ('ok' in again) return again
    const stored = insertVersion(tx, actor, again.e, issued, files, { note: `由第 ${source.versionNo} 版定稿签发`, verificationCode: issuedCode, issuedAt: now.toISOString() }, now)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'report.issue',
      entity: 'engagement',
      entityId: again.e.id,
      after: { type: model.type, versionNo: stored.versionNo, fromVersionNo: source.versionNo, code: issuedCode, docxSha256: files[0]!.sha256, pdfSha256: files[1]!.sha256 },
      at: now,
    })
    return { ok: true, value: { ...stored, code: issuedCode } }
  })
}

/** One stored file of a version, for a download by the agency's team. */
export function versionFile(db: Db, actor: Actor, engagementId: string, versionId: string, format: ReportFormat) {
  const access = engagementFor(db, actor, engagementId, 'report.view')
  if ('ok' in access || !isId(versionId)) return undefined
  const v = db.select().from(reportVersions).where(and(eq(reportVersions.id, versionId), eq(reportVersions.engagementId, access.e.id))).get()
  if (!v) return undefined
  const file = db.select().from(reportFiles).where(and(eq(reportFiles.versionId, v.id), eq(reportFiles.format, format))).get()
  if (!file) return undefined
  const label = v.verificationCode ? '签发稿' : reportStageLabel(v.stage)
  return { bytes: file.bytes, filename: `${v.title}（${label}第${v.versionNo}版）.${format}` }
}

/** Two versions of one report type compared section by section (paragraphs in and out). */
export function compareVersions(db: Db, actor: Actor, engagementId: string, fromId: string, toId: string) {
  const access = engagementFor(db, actor, engagementId, 'report.view')
  if ('ok' in access || !isId(fromId) || !isId(toId)) return undefined
  const load = (id: string) => db.select().from(reportVersions).where(and(eq(reportVersions.id, id), eq(reportVersions.engagementId, access.e.id))).get()
  const a = load(fromId)
  const b = load(toId)
  if (!a || !b || a.type !== b.type) return undefined
  const sections = (v: typeof a) => sectionsOf(composeDocument(JSON.parse(v.modelJson) as ReportModel))
  return {
    engagement: { id: access.e.id, name: access.e.name },
    from: { id: a.id, versionNo: a.versionNo, stageLabel: reportStageLabel(a.stage) },
    to: { id: b.id, versionNo: b.versionNo, stageLabel: reportStageLabel(b.stage) },
    changes: diffSections(sections(a), sections(b)),
  }
}

// ---- public verification (no login) ------------------------------------------------------------

/** What /verify shows for a code: the report's identity and hashes, never experts or scores. */
export function verificationOf(db: Db, rawCode: string) {
  const code = normalizeCode(rawCode)
  if (!code) return undefined
  const v = db.select().from(reportVersions).where(eq(reportVersions.verificationCode, code)).get()
  if (!v) return undefined
  const model = JSON.parse(v.modelJson) as ReportModel
  const later = db
    .select({ versionNo: reportVersions.versionNo, issuedAt: reportVersions.issuedAt })
    .from(reportVersions)
    .where(and(eq(reportVersions.engagementId, v.engagementId), eq(reportVersions.type, v.type)))
    .all()
    .filter((x) => x.issuedAt !== null && x.versionNo > v.versionNo)
  return {
    code,
    title: v.title,
    kind: reportTypeLabel(v.type),
    agency: model.engagement.agency,
    bureau: model.engagement.bureau,
    issuedAt: v.issuedAt!,
    docxSha256: v.docxSha256,
    pdfSha256: v.pdfSha256,
    superseded: later.length > 0,
  }
}

/** Whether uploaded bytes are, byte for byte, the issued DOCX or PDF of this code. */
export function checkIssuedFile(db: Db, rawCode: string, bytes: Uint8Array, sha256: (b: Uint8Array) => string): { format: ReportFormat } | { format: null } | undefined {
  const info = verificationOf(db, rawCode)
  if (!info) return undefined
  const digest = sha256(bytes)
  if (digest === info.docxSha256) return { format: 'docx' }
  if (digest === info.pdfSha256) return { format: 'pdf' }
  return { format: null }
}
