// Work-quality rating (执业质量评价, issue 7): a bureau's account admin keeps the bureau's rating form
// (items and grade bands, versioned); once the engagement's report is accepted, the commissioning
// bureau's reviewers rate the agency's work on it, as a draft and then submitted for good; the agency
// reads the submitted rating. Each public function that changes something is one IMMEDIATE
// transaction with its audit row, or no change at all.
import { and, desc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { qualityRatingConfigs, qualityRatings, reportVersions, users } from '../../db/schema'
import {
  checkRating,
  DEFAULT_QUALITY_CONFIG,
  MAX_ITEMS,
  outcomeOf,
  parseItemScore,
  qualityGradeLabel,
  validateConfig,
  type ItemScore,
  type Problems,
  type QualityBands,
  type QualityConfig,
  type QualityGrade,
  type QualityItem,
} from '../domain/finance/quality'
import { parsePoints } from '../domain/money'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource } from '../models/engagement.server'
import { formValues, type FieldErrors, type FormValues } from '../utils/form'
import { recordQualityRatingEntry } from './credit-automatic.server'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { acceptedSubmission } from './review.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该项目' } }
export const ITEM_ARRAY_FIELDS = ['itemName', 'itemPoints'] as const

// ---- The bureau's rating form --------------------------------------------------------------------

/** The bureau whose form the actor keeps: a finance reviewer who manages the bureau's accounts. */
function settingsBureauOf(actor: Actor): string | null {
  return actor.role === 'finance_reviewer' && actor.orgAdmin && actor.organizationId
    ? actor.organizationId
    : null
}

export type FormInForce = {
  id: string | null
  versionNo: number
  config: QualityConfig
  createdAt: string | null
  createdByName: string | null
}

const DEFAULT_FORM: FormInForce = {
  id: null,
  versionNo: 0,
  config: DEFAULT_QUALITY_CONFIG,
  createdAt: null,
  createdByName: null,
}

/** The bureau's newest form, or the default form (version 0) when it has never set one. */
export function formInForce(db: Db | Tx, bureauId: string): FormInForce {
  const row = db
    .select({ c: qualityRatingConfigs, createdByName: users.displayName })
    .from(qualityRatingConfigs)
    .innerJoin(users, eq(users.id, qualityRatingConfigs.createdBy))
    .where(eq(qualityRatingConfigs.financeBureauId, bureauId))
    .orderBy(desc(qualityRatingConfigs.versionNo))
    .limit(1)
    .get()
  if (!row) return DEFAULT_FORM
  const config = {
    items: JSON.parse(row.c.itemsJson) as QualityItem[],
    bands: JSON.parse(row.c.bandsJson) as QualityBands,
  }
  return {
    id: row.c.id,
    versionNo: row.c.versionNo,
    config,
    createdAt: row.c.createdAt,
    createdByName: row.createdByName,
  }
}

export function qualitySettingsPage(db: Db, actor: Actor) {
  const bureauId = settingsBureauOf(actor)
  if (!bureauId) return null
  const versions = db
    .select({
      versionNo: qualityRatingConfigs.versionNo,
      createdAt: qualityRatingConfigs.createdAt,
      createdByName: users.displayName,
    })
    .from(qualityRatingConfigs)
    .innerJoin(users, eq(users.id, qualityRatingConfigs.createdBy))
    .where(eq(qualityRatingConfigs.financeBureauId, bureauId))
    .orderBy(desc(qualityRatingConfigs.versionNo))
    .all()
  return { current: formInForce(db, bureauId), versions }
}

const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

/** Whole points typed into a box -> hundredths; anything else NaN, which the domain names as wrong. */
function wholePoints(input: string): number {
  return /^\s*\d{1,3}\s*$/.test(input) ? Number(input) * 100 : Number.NaN
}

function bandPoints(input: string): number {
  const parsed = parsePoints(input)
  return parsed.ok ? parsed.value : Number.NaN
}

/** Domain keys (`items.3.name`, `bands.good`) -> form fields (`itemName.5`, `good`): blank rows are skipped. */
function settingsErrors(problems: Problems, rowOf: number[]): FieldErrors {
  const errors: FieldErrors = {}
  for (const [key, message] of Object.entries(problems)) {
    const item = /^items\.(\d+)\.(name|points)$/.exec(key)
    if (item) errors[`${item[2] === 'name' ? 'itemName' : 'itemPoints'}.${rowOf[Number(item[1])]}`] = message
    else errors[key.replace(/^bands\./, '')] = message
  }
  return errors
}

/** 保存评价表设置: a new version of the bureau's form; a stale page (someone saved since) gets 409. */
export function saveQualitySettings(
  db: Db,
  actor: Actor,
  fd: FormData,
  now: Date,
): Result<{ versionNo: number; changed: boolean }> {
  const bureauId = settingsBureauOf(actor)
  if (!bureauId)
    return { ok: false, status: 403, errors: { _form: '只有财政局账号管理员可以设置执业质量评价表' } }
  const values = formValues(fd, ITEM_ARRAY_FIELDS)
  const names = asList(values.itemName)
  const points = asList(values.itemPoints)
  if (Math.max(names.length, points.length) > MAX_ITEMS * 2)
    return { ok: false, status: 400, errors: { items: `评价项目不能超过 ${MAX_ITEMS} 个` }, values }
  const rowOf: number[] = []
  const items: QualityItem[] = []
  for (let i = 0; i < Math.max(names.length, points.length); i++) {
    const name = cleanText(names[i] ?? '')
    const typed = (points[i] ?? '').trim()
    if (name === '' && typed === '') continue
    rowOf.push(i)
    items.push({ name, points: wholePoints(typed) })
  }
  const bands = {
    excellent: bandPoints(String(values.excellent ?? '')),
    good: bandPoints(String(values.good ?? '')),
    pass: bandPoints(String(values.pass ?? '')),
  }
  const config: QualityConfig = { items, bands }
  const problems = validateConfig(config)
  if (Object.keys(problems).length > 0)
    return { ok: false, status: 400, errors: settingsErrors(problems, rowOf), values }
  return inTransaction(db, (tx) => {
    const current = formInForce(tx, bureauId)
    if (String(values.basedOn ?? '') !== String(current.versionNo))
      return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE }, values }
    if (JSON.stringify(current.config) === JSON.stringify(config))
      return { ok: true, value: { versionNo: current.versionNo, changed: false } }
    const id = newId()
    const versionNo = current.versionNo + 1
    tx.insert(qualityRatingConfigs)
      .values({
        id,
        financeBureauId: bureauId,
        versionNo,
        itemsJson: JSON.stringify(items),
        bandsJson: JSON.stringify(bands),
        createdBy: actor.userId,
        createdAt: now.toISOString(),
      })
      .run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'quality_config.create',
      entity: 'quality_rating_config',
      entityId: id,
      before: { versionNo: current.versionNo, ...current.config },
      after: { versionNo, ...config },
      at: now,
    })
    return { ok: true, value: { versionNo, changed: true } }
  })
}

// ---- Rating one engagement -----------------------------------------------------------------------

type RatingRow = typeof qualityRatings.$inferSelect

function ratingRowOf(db: Db | Tx, engagementId: string): RatingRow | undefined {
  return db.select().from(qualityRatings).where(eq(qualityRatings.engagementId, engagementId)).get()
}

export type ScoredItem = QualityItem & ItemScore

export type QualityRatingRecord = {
  id: string
  engagementId: string
  agencyId: string
  financeBureauId: string
  /** The accepted report version the rating was made on. */
  reportVersionId: string
  /** The bureau's form version used; null for the default form. */
  configId: string | null
  config: QualityConfig
  items: ScoredItem[]
  total: number
  grade: QualityGrade | null
  gradeLabel: string | null
  veto: boolean
  vetoReason: string
  status: 'draft' | 'submitted'
  updatedAt: string
  ratedBy: string | null
  ratedByName: string | null
  ratedAt: string | null
  version: number
}

function recordOf(db: Db | Tx, row: RatingRow): QualityRatingRecord {
  const config = JSON.parse(row.configJson) as QualityConfig
  const scores = JSON.parse(row.scoresJson) as ItemScore[]
  const ratedByName = row.ratedBy
    ? (db.select({ n: users.displayName }).from(users).where(eq(users.id, row.ratedBy)).get()?.n ?? null)
    : null
  return {
    id: row.id,
    engagementId: row.engagementId,
    agencyId: row.agencyId,
    financeBureauId: row.financeBureauId,
    reportVersionId: row.reportVersionId,
    configId: row.configId,
    config,
    items: config.items.map((item, i) => ({
      ...item,
      score: scores[i]?.score ?? null,
      reason: scores[i]?.reason ?? '',
    })),
    total: row.total,
    grade: row.grade,
    gradeLabel: row.grade ? qualityGradeLabel(row.grade) : null,
    veto: row.veto,
    vetoReason: row.vetoReason,
    status: row.status,
    updatedAt: row.updatedAt,
    ratedBy: row.ratedBy,
    ratedByName,
    ratedAt: row.ratedAt,
    version: row.version,
  }
}

/**
 * The submitted (final) work-quality rating of an engagement, or undefined while there is none or
 * only the bureau's draft. This is what the agency's credit file takes as an entry. No rights check:
 * callers decide who may read it.
 */
export function qualityRatingOf(db: Db | Tx, engagementId: string): QualityRatingRecord | undefined {
  const row = ratingRowOf(db, engagementId)
  return row && row.status === 'submitted' ? recordOf(db, row) : undefined
}

type Engagement = NonNullable<ReturnType<typeof engagementForViewer>>

/** Who sees what: the commissioning bureau's reviewers rate; the agency's team reads the final rating. */
function accessOf(
  db: Db | Tx,
  actor: Actor,
  engagementId: string,
): { e: Engagement; mayRate: boolean } | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  if (!e) return undefined
  const resource = engagementResource(e)
  if (can(actor, 'quality.rate', resource)) return { e, mayRate: true }
  if (can(actor, 'report.view', resource)) return { e, mayRate: false }
  return undefined
}

function acceptedVersion(db: Db | Tx, engagementId: string) {
  const accepted = acceptedSubmission(db, engagementId)
  if (!accepted) return null
  const v = db
    .select({ id: reportVersions.id, title: reportVersions.title, versionNo: reportVersions.versionNo })
    .from(reportVersions)
    .where(eq(reportVersions.id, accepted.versionId))
    .get()
  return v ? { ...v, acceptedAt: accepted.decidedAt } : null
}

/** The rating page: undefined (404) for whoever may neither rate nor read it. */
export function qualityRatingPage(db: Db, actor: Actor, engagementId: string) {
  const access = accessOf(db, actor, engagementId)
  if (!access) return undefined
  const { e, mayRate } = access
  const row = ratingRowOf(db, e.id)
  const accepted = acceptedVersion(db, e.id)
  // The agency sees the rating once it is final; the bureau's draft is its own working state.
  const rating = row && (mayRate || row.status === 'submitted') ? recordOf(db, row) : null
  const form = rating
    ? { key: formKeyOf(rating.configId), config: rating.config }
    : formFor(db, e.financeBureauId)
  return {
    engagement: { id: e.id, name: e.name, agencyName: e.agencyName, bureauName: e.bureauName },
    accepted,
    rating,
    form,
    mayRate,
    mayEdit: mayRate && accepted !== null && rating?.status !== 'submitted',
  }
}

const formKeyOf = (configId: string | null) => configId ?? 'default'

function formFor(db: Db | Tx, bureauId: string) {
  const current = formInForce(db, bureauId)
  return { key: formKeyOf(current.id), config: current.config, configId: current.id }
}

/** What the two pages' actions answer: the messages and typed values, or what was done. */
export type QualityActionData = {
  errors: Record<string, string>
  values: Record<string, string | string[]>
  done: string | null
}

/** A service result as the page's action answers it, with its HTTP status. */
export function actionAnswer<T>(
  result: Result<T>,
  done: (value: T) => string,
): { body: QualityActionData; status: number } {
  if (!result.ok)
    return { body: { errors: result.errors, values: result.values ?? {}, done: null }, status: result.status }
  return { body: { errors: {}, values: {}, done: done(result.value) }, status: 200 }
}

export type RatingIntent = 'draft' | 'submit'

/**
 * 保存草稿 / 提交评价. The form names the rating form it was built on (`formKey`) and the rating's
 * version (0 before the first save); either being stale answers 409. A submitted rating is final.
 */
export function saveQualityRating(
  db: Db,
  actor: Actor,
  engagementId: string,
  intent: RatingIntent,
  fd: FormData,
  now: Date,
): Result<{ status: 'draft' | 'submitted'; total: number; grade: QualityGrade | null }> {
  const values = formValues(fd)
  return inTransaction(db, (tx) => {
    const access = accessOf(tx, actor, engagementId)
    if (!access) return NOT_FOUND
    if (!access.mayRate)
      return { ok: false, status: 403, errors: { _form: '只有委托财政局的审核人员可以评价' } }
    const { e } = access
    const accepted = acceptedVersion(tx, e.id)
    if (!accepted)
      return { ok: false, status: 409, errors: { _form: '评价报告验收后方可进行执业质量评价' }, values }
    const existing = ratingRowOf(tx, e.id)
    if (existing?.status === 'submitted')
      return { ok: false, status: 409, errors: { _form: '执业质量评价已提交，不能再修改' }, values }
    if (String(values.version ?? '') !== String(existing?.version ?? 0))
      return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE }, values }
    const form = existing
      ? {
          key: formKeyOf(existing.configId),
          config: JSON.parse(existing.configJson) as QualityConfig,
          configId: existing.configId,
        }
      : formFor(tx, e.financeBureauId)
    if (String(values.formKey ?? '') !== form.key)
      return { ok: false, status: 409, errors: { _form: '评价表已调整，请刷新后重新填写' }, values }

    const errors: FieldErrors = {}
    const scores: ItemScore[] = form.config.items.map((item, i) => {
      const parsed = parseItemScore(String(values[`score.${i}`] ?? ''), item)
      if (!parsed.ok) errors[`scores.${i}.score`] = parsed.message
      return {
        score: parsed.ok ? parsed.value : null,
        reason: cleanText(String(values[`reason.${i}`] ?? '')),
      }
    })
    const input = {
      scores,
      veto: values.veto === 'on',
      vetoReason: cleanText(String(values.vetoReason ?? '')),
    }
    const problems = { ...checkRating(form.config, input, intent), ...errors }
    if (Object.keys(problems).length > 0) return { ok: false, status: 400, errors: problems, values }

    const { total, grade } = outcomeOf(form.config, input)
    const at = now.toISOString()
    const status = intent === 'submit' ? 'submitted' : 'draft'
    const fields = {
      reportVersionId: accepted.id,
      scoresJson: JSON.stringify(scores),
      total,
      grade,
      veto: input.veto,
      vetoReason: input.vetoReason,
      status,
      updatedBy: actor.userId,
      updatedAt: at,
      ratedBy: status === 'submitted' ? actor.userId : null,
      ratedAt: status === 'submitted' ? at : null,
    } as const
    let id: string
    if (existing) {
      id = existing.id
      const changed = tx
        .update(qualityRatings)
        .set({ ...fields, version: existing.version + 1 })
        .where(and(eq(qualityRatings.id, existing.id), eq(qualityRatings.version, existing.version)))
        .run().changes
      if (changed !== 1) return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE }, values }
    } else {
      id = newId()
      tx.insert(qualityRatings)
        .values({
          id,
          engagementId: e.id,
          agencyId: e.agencyId,
          financeBureauId: e.financeBureauId,
          configId: form.configId,
          configJson: JSON.stringify(form.config),
          ...fields,
        })
        .run()
    }
    appendAudit(tx, {
      actor: auditActor(actor),
      action: status === 'submitted' ? 'quality_rating.submit' : 'quality_rating.save',
      // On the engagement, so its history shows the rating beside the review it follows.
      entity: 'engagement',
      entityId: e.id,
      after: {
        ratingId: id,
        agencyId: e.agencyId,
        reportVersionId: accepted.id,
        configId: form.configId,
        total,
        grade,
        veto: input.veto,
        vetoReason: input.vetoReason,
        scores,
      },
      at: now,
    })
    // The final rating enters the agency's credit file in the same transaction (优秀/不合格 only).
    if (status === 'submitted' && grade) recordQualityRatingEntry(tx, actor, e, { id, grade, total, veto: input.veto, vetoReason: input.vetoReason }, now)
    return { ok: true, value: { status, total, grade } }
  })
}
