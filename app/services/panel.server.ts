// Panels (评审专家组): composition, conflict detection, the random draw and its replay, invitations
// with reserves, manual appointments, the leader, certification and fees. Each public function that
// changes anything is one user action: one IMMEDIATE transaction with its audit row.
import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { engagements, panels, specialties } from '../../db/schema'
import { eligibleForDraw, type DrawEligibility } from '../domain/credit/evaluate'
import { DECLARATION_TEXT, DECLARATION_VERSION, declarationTextHash, needsRecertification } from '../domain/experts/declaration'
import { DRAW_ALGORITHM, randomSeedHex, replayDraw, runDraw, vacancySpec, type DrawSpec, type Quota, type Sha256Hex, type StoredDrawRecord } from '../domain/experts/draw'
import { DEFAULT_DAY_RATES_FEN, seatFeeFen } from '../domain/experts/fees'
import { PANEL_DEFAULTS, nextReserveFor, replyOverdue, validateManualReason } from '../domain/experts/panel'
import { detectConflicts } from '../domain/experts/recusal'
import { CONFLICT_TYPES, TITLE_CODES, type ConflictType, type Title } from '../domain/experts/vocab'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { listExperts } from '../models/expert.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { currentSheet } from '../models/framework.server'
import {
  appendDrawEvent,
  engagementUnitsOf,
  expertById,
  expertByUserId,
  expertFacts,
  feeRatesOf,
  drawRecordOf,
  findDraw,
  engagementBasics,
  engagementsReviewingIn,
  findPanel,
  findPanelById,
  findSeat,
  insertConflict,
  insertDeclaration,
  insertDraw,
  insertInvite,
  insertPanel,
  insertSeat,
  isConflicted,
  listConflicts,
  listDrawEvents,
  listDraws,
  listSeats,
  markConflictRemoved,
  poolSnapshot,
  specialtiesByExpert,
  seatsOfExpert,
  touchPanel,
  updatePanelIfVersion,
  updateSeatIfVersion,
  upsertFeeRate,
  type PanelRow,
  type SeatView,
} from '../models/panel.server'
import { choice, formValues, integer, isoDate, parseForm, text, versionField, type FieldErrors, type FormValues } from '../utils/form'
import { APPOINT_SEARCH_LIMIT } from '../utils/limits'
import { policyInForce, standingsOf } from './credit.server'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { namesEngagement } from './panel-conflicts.server'
import { currentFactsHash, readiness } from './panel-readiness.server'
import { inTransaction } from './transaction.server'

export type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该评价项目' } }
const FORBIDDEN: Failure = { ok: false, status: 403, errors: { _form: '您不是该项目的负责人或团队成员，不能管理专家组' } }
const CONFLICT: Failure = { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }

const DAY = 86_400_000
/** One-time invite links for experts without an account stay valid this long. */
const INVITE_DAYS = 7

function forManager(tx: Tx | Db, actor: Actor, engagementId: string): Result<EngagementDetail> {
  const e = engagementForViewer(tx, actor, engagementId)
  if (!e) return NOT_FOUND
  if (!can(actor, 'panel.manage', engagementResource(e))) return FORBIDDEN
  return { ok: true, value: e }
}

function audit(tx: Tx, actor: Actor, action: string, entity: string, entityId: string, after: unknown, at: Date) {
  appendAudit(tx, { actor: auditActor(actor), action, entity, entityId, after, at })
}

export function specialtyLabels(db: Db | Tx): Record<string, string> {
  return Object.fromEntries(db.select().from(specialties).all().map((s) => [s.code, s.label]))
}

// ---- the panel page ---------------------------------------------------------------------------

export type Quotas = Quota[]

/** The panel page; `find` is the manual appointment search's text (nothing searched: no candidates). */
export function panelPage(db: Db, actor: Actor, engagementId: string, find = '') {
  const engagement = engagementForViewer(db, actor, engagementId)
  if (!engagement || !can(actor, 'panel.view', engagementResource(engagement))) return undefined
  const state = readiness(db, engagement.id)
  const drawRows = state.panel ? listDraws(db, state.panel.id) : []
  const mayManage = can(actor, 'panel.manage', engagementResource(engagement))
  const fees = state.panel ? feeLines(db, engagement, state.panel, state.seats).map((l) => ({ seatId: l.seatId, name: l.expertName, title: l.title, rateFen: l.rateFen, feeFen: l.feeFen })) : []
  return {
    engagement,
    panel: state.panel,
    quotas: state.panel ? (JSON.parse(state.panel.quotasJson) as Quotas) : [],
    seats: state.seats.map((s) => ({ ...s, certified: state.certified.get(s.id) ?? false })),
    ready: state.ready,
    problems: state.problems,
    draws: drawRows.map((d) => ({ id: d.id, createdAt: d.createdAt, seedHex: d.seedHex, poolHash: d.poolHash, kind: (JSON.parse(d.recordJson) as StoredDrawRecord).spec.size === 1 ? 'vacancy' : 'panel' })),
    events: listDrawEvents(
      db,
      drawRows.map((d) => d.id),
    ),
    conflicts: listConflicts(db, engagement.id),
    mayManage,
    candidates: mayManage ? appointCandidates(db, engagement, state.panel, state.seats, find) : null,
    specialties: db.select().from(specialties).all().filter((s) => s.active),
    fees,
  }
}

// ---- composition --------------------------------------------------------------------------------

export const PANEL_ARRAY_FIELDS = ['quotaSpecialty', 'quotaCount'] as const

const panelSchema = z.object({
  size: integer({ label: '专家组人数', min: 3, max: 15 }).refine((n) => n % 2 === 1, '专家组人数须为奇数'),
  reserveCount: integer({ label: '候补人数', min: 0, max: 10 }),
  reviewDate: isoDate('评审日期'),
  reviewDays: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z.string().regex(/^(0\.5|[1-9](\.[05])?|10)$/, '评审天数须为 0.5 的倍数，0.5 到 10 天'),
  ),
  maxDrawsPerYear: integer({ label: '每年抽取次数上限', min: 1, max: 100 }),
  creditThreshold: z.preprocess(
    (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v),
    z.union([z.null(), integer({ label: '信用分门槛', min: 0, max: 1000 })]),
  ),
  lookbackYears: integer({ label: '任职回避年限', min: 0, max: 10 }),
  replyHours: integer({ label: '答复时限（小时）', min: 1, max: 720 }),
  version: z.preprocess((v) => (v === undefined || v === '' ? '0' : v), z.string()),
})

function parseQuotas(values: FormValues, known: Set<string>, errors: FieldErrors): Quota[] {
  const col = (k: string) => {
    const v = values[k]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  const codes = col('quotaSpecialty')
  const counts = col('quotaCount')
  const quotas: Quota[] = []
  for (let i = 0; i < Math.max(codes.length, counts.length); i++) {
    const code = (codes[i] ?? '').trim()
    const countText = (counts[i] ?? '').trim()
    if (code === '' && countText === '') continue
    if (!known.has(code)) errors[`quotaSpecialty.${i}`] = '请选择专业领域'
    else if (quotas.some((q) => q.specialtyCode === code)) errors[`quotaSpecialty.${i}`] = '同一专业领域只能设一条名额'
    const n = /^\d{1,2}$/.test(countText) ? Number(countText) : Number.NaN
    if (!Number.isInteger(n) || n < 1) errors[`quotaCount.${i}`] = '名额须为正整数'
    if (!errors[`quotaSpecialty.${i}`] && !errors[`quotaCount.${i}`]) quotas.push({ specialtyCode: code, count: n })
  }
  return quotas
}

/** 组建专家组 / 修改组成: editable until the first draw. */
export function savePanel(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ panelId: string }> {
  const values = formValues(fd, PANEL_ARRAY_FIELDS)
  const parsed = parseForm(panelSchema, fd, PANEL_ARRAY_FIELDS)
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const known = new Set(db.select({ code: specialties.code }).from(specialties).all().map((s) => s.code))
  const quotas = parseQuotas(values, known, errors)
  if (parsed.ok && quotas.reduce((n, q) => n + q.count, 0) > parsed.data.size) errors.quotaCount ??= '各专业名额之和不能超过专家组人数'
  if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, status: 400, errors, values }
  const input = parsed.data
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const at = now.toISOString()
    const fields = {
      size: input.size,
      reserveCount: input.reserveCount,
      quotasJson: JSON.stringify(quotas),
      reviewDate: input.reviewDate,
      reviewDaysHundredths: Math.round(Number(input.reviewDays) * 100),
      maxDrawsPerYear: input.maxDrawsPerYear,
      creditThreshold: input.creditThreshold,
      lookbackYears: input.lookbackYears,
      replyHours: input.replyHours,
      updatedAt: at,
    }
    const existing = findPanel(tx, e.value.id)
    if (!existing) {
      const id = newId()
      insertPanel(tx, { id, engagementId: e.value.id, createdBy: actor.userId, createdAt: at, ...fields })
      audit(tx, actor, 'panel.create', 'panel', id, { engagementId: e.value.id, ...fields }, now)
      return { ok: true, value: { panelId: id } }
    }
    if (listDraws(tx, existing.id).length > 0) return { ok: false, status: 409, errors: { _form: '已抽取专家，专家组组成不能再修改' }, values }
    if (!updatePanelIfVersion(tx, existing.id, Number(input.version), fields)) return { ...CONFLICT, values }
    audit(tx, actor, 'panel.update', 'panel', existing.id, { engagementId: e.value.id, ...fields }, now)
    return { ok: true, value: { panelId: existing.id } }
  })
}

const reportNamesSchema = z.object({ showExpertNames: choice(['names', 'pseudonyms'] as const, '请选择专家名单的显示方式') })

/**
 * 报告中专家名单的显示方式: names, or 专家A/B/C (the default). A reporting choice, not part of the
 * panel's composition, so it may change after the draw; each change is audited.
 */
export function setReportNames(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ showExpertNames: boolean }> {
  const parsed = parseForm(reportNamesSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    if (!panel) return { ok: false, status: 409, errors: { _form: '尚未组建专家组' } }
    const show = parsed.data.showExpertNames === 'names'
    tx.update(panels).set({ showExpertNames: show, updatedAt: now.toISOString() }).where(eq(panels.id, panel.id)).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'panel.report_names', entity: 'panel', entityId: panel.id, before: { showExpertNames: panel.showExpertNames }, after: { engagementId: e.value.id, showExpertNames: show }, at: now })
    return { ok: true, value: { showExpertNames: show } }
  })
}

// ---- conflicts --------------------------------------------------------------------------------

/**
 * 自动识别回避: runs recusal detection over the whole pool and records what is new. A detected
 * conflict that staff removed before (a false match) is not raised again.
 */
function recordDetectedConflicts(tx: Tx, actor: Actor | null, e: EngagementDetail, lookbackYears: number, now: Date): number {
  const units = engagementUnitsOf(tx, e.id)
  const facts = { id: e.id, agencyName: e.agencyName, units }
  const today = now.toISOString().slice(0, 10)
  const known = listConflicts(tx, e.id)
  let added = 0
  for (const expert of expertFacts(tx, namesEngagement(facts))) {
    for (const c of detectConflicts(expert, facts, { today, lookbackYears })) {
      const seen = known.some((k) => k.expertId === c.expertId && k.type === c.type && k.source === 'auto' && (k.evaluatedUnitId ?? null) === c.evaluatedUnitId)
      if (seen) continue
      const id = newId()
      insertConflict(tx, {
        id,
        expertId: c.expertId,
        engagementId: c.evaluatedUnitId ? null : e.id,
        evaluatedUnitId: c.evaluatedUnitId,
        type: c.type,
        source: 'auto',
        pinned: false,
        note: c.note,
        createdBy: actor?.userId ?? null,
        createdAt: now.toISOString(),
      })
      added++
    }
  }
  return added
}

export function detectPanelConflicts(db: Db, actor: Actor, engagementId: string, now: Date): Result<{ added: number }> {
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const lookback = findPanel(tx, e.value.id)?.lookbackYears ?? PANEL_DEFAULTS.lookbackYears
    const added = recordDetectedConflicts(tx, actor, e.value, lookback, now)
    audit(tx, actor, 'conflict.detect', 'engagement', e.value.id, { added, lookbackYears: lookback }, now)
    return { ok: true, value: { added } }
  })
}

const conflictSchema = z.object({
  expertId: z.string().refine(isId, '请选择专家'),
  type: choice(CONFLICT_TYPES.map((c) => c.code) as [ConflictType, ...ConflictType[]], '请选择回避类型'),
  note: text({ label: '说明', max: 500 }),
})

/** 设定回避 by agency staff: pinned, so the expert cannot lift it. */
export function addConflict(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ id: string }> {
  const parsed = parseForm(conflictSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    if (!expertById(tx, parsed.data.expertId)) return { ok: false, status: 400, errors: { expertId: '请选择专家' }, values: formValues(fd) }
    const id = newId()
    insertConflict(tx, { id, expertId: parsed.data.expertId, engagementId: e.value.id, type: parsed.data.type, source: 'admin', pinned: true, note: parsed.data.note, createdBy: actor.userId, createdAt: now.toISOString() })
    audit(tx, actor, 'conflict.add', 'conflict', id, { engagementId: e.value.id, expertId: parsed.data.expertId, type: parsed.data.type, note: parsed.data.note }, now)
    return { ok: true, value: { id } }
  })
}

/** 撤销回避 by staff (a false automatic match, or their own setting), with the removal on record. */
export function removeConflict(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<null> {
  const id = String(fd.get('conflictId') ?? '')
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const c = isId(id) ? listConflicts(tx, e.value.id).find((x) => x.id === id) : undefined
    if (!c) return { ok: false, status: 404, errors: { _form: '未找到该回避记录' } }
    if (c.source === 'declared') return { ok: false, status: 409, errors: { _form: '专家本人申报的回避不能由他人撤销' } }
    if (!markConflictRemoved(tx, c.id, actor.userId, now.toISOString())) return CONFLICT
    audit(tx, actor, 'conflict.remove', 'conflict', c.id, { engagementId: e.value.id, expertId: c.expertId, type: c.type, source: c.source }, now)
    return { ok: true, value: null }
  })
}

// ---- the draw -----------------------------------------------------------------------------------

/** The draw's conditions; the grade rule comes from the commissioning bureau's credit policy in force. */
function specOf(tx: Tx, panel: PanelRow, bureauId: string): DrawSpec {
  const { policy } = policyInForce(tx, bureauId)
  return {
    size: panel.size,
    reserveCount: panel.reserveCount,
    quotas: JSON.parse(panel.quotasJson) as Quota[],
    context: {
      reviewDate: panel.reviewDate,
      creditThreshold: panel.creditThreshold,
      maxDrawsPerYear: panel.maxDrawsPerYear,
      minCreditGrade: policy.drawMinGrade,
      // Bands are stored best first (validatePolicy holds them to it).
      creditGradeOrder: policy.bands.map((b) => b.grade),
    },
  }
}

/** The pool on the panel's review date, each expert's credit under the bureau's policy. */
/** The draw's pool hash with Node's SHA-256: the same digest as the domain's portable one, several times faster on a large pool. */
export const nativeSha256Hex: Sha256Hex = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex')

function poolFor(tx: Tx, engagementId: string, panel: PanelRow, bureauId: string) {
  return poolSnapshot(tx, engagementId, panel.reviewDate, (ids) => standingsOf(tx, 'expert', ids, bureauId, panel.reviewDate))
}

function bureauOfEngagement(tx: Tx, engagementId: string): string {
  return tx.select({ bureauId: engagements.financeBureauId }).from(engagements).where(eq(engagements.id, engagementId)).get()!.bureauId
}

/**
 * Whether each expert's credit lets them be invited to the panel: on its review date, under the
 * commissioning bureau's policy (blacklisting, the policy's lowest grade) and the panel's score
 * threshold — the rules the draw applies.
 */
function creditVerdicts(db: Db | Tx, expertIds: string[], panel: PanelRow, bureauId: string): Map<string, DrawEligibility> {
  const { policy } = policyInForce(db, bureauId)
  const threshold = { minGrade: policy.drawMinGrade ?? undefined, minScore: panel.creditThreshold === null ? undefined : panel.creditThreshold * 100 }
  const standings = standingsOf(db, 'expert', expertIds, bureauId, panel.reviewDate)
  return new Map([...standings].map(([id, standing]) => [id, eligibleForDraw(standing, threshold)]))
}

/** Why the expert's credit keeps them from being invited (「该专家列入失信名单（…），不能邀请」); null when nothing does. */
function creditBar(tx: Tx, expertId: string, panel: PanelRow, bureauId: string): string | null {
  return creditBarText(creditVerdicts(tx, [expertId], panel, bureauId).get(expertId)!)
}

const creditBarText = (verdict: DrawEligibility) => (verdict.ok ? null : `该专家${verdict.reason}，不能邀请`)
const CONFLICTED_BAR = '该专家与本项目存在回避情形，不能指定'
const SEATED_BAR = '该专家已在本专家组中'
/** A seat the expert still holds or may still be called to: a second one is refused. */
const holdsSeat = (s: SeatView) => s.status !== 'declined' && s.status !== 'expired' && s.status !== 'withdrawn'

/**
 * 查找专家 for 指定专家 and 设定回避: active experts whose name, employer or specialty contains the
 * text, by name, at most APPOINT_SEARCH_LIMIT, each with the mark and reason of what keeps them from
 * being appointed — the rules appointManually enforces (recusal, blacklisting or a grade below the
 * bureau's policy on the review date, a seat already held). Credit is read for these experts only.
 */
function appointCandidates(db: Db, engagement: EngagementDetail, panel: PanelRow | null, seats: SeatView[], find: string) {
  const text = cleanText(find).slice(0, 50)
  if (text === '') return { text, total: 0, rows: [] }
  const found = listExperts(db, { anyText: text, status: 'active', page: 1, pageSize: APPOINT_SEARCH_LIMIT })
  const verdicts = panel ? creditVerdicts(db, found.rows.map((r) => r.id), panel, engagement.financeBureauId) : new Map<string, DrawEligibility>()
  const seated = new Set(seats.filter(holdsSeat).map((s) => s.expertId))
  const rows = found.rows.map((r) => {
    const verdict = verdicts.get(r.id)
    const credit = verdict ? creditBarText(verdict) : null
    const [mark, bar] = isConflicted(db, r.id, engagement.id)
      ? ['回避', CONFLICTED_BAR]
      : verdict && !verdict.ok
        ? [verdict.code === 'blacklisted' ? '失信' : '低信用', credit]
        : seated.has(r.id)
          ? ['已在组', SEATED_BAR]
          : [null, null]
    return { id: r.id, name: r.name, employer: r.employer, specialties: r.specialties.map((x) => x.label).join('、'), mark, bar }
  })
  return { text, total: found.total, rows }
}

function inviteSeat(panel: PanelRow, now: Date) {
  return { status: 'invited' as const, invitedAt: now.toISOString(), replyBy: new Date(now.getTime() + panel.replyHours * 3_600_000).toISOString() }
}

/**
 * 随机抽取: detects conflicts first (so eligibility sees today's data), snapshots the pool, draws
 * with a seed from a cryptographic source, records everything needed to replay, seats the drawn
 * experts (invited) and the reserves (waiting).
 */
export function drawPanel(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date, seedBytes: Uint8Array = crypto.randomBytes(32)): Result<{ drawId: string; warnings: string[] }> {
  const version = versionField.safeParse(fd.get('version') ?? undefined)
  if (!version.success) return { ok: false, status: 400, errors: { _form: '表单已过期，请刷新后重试' } }
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    if (!panel) return { ok: false, status: 409, errors: { _form: '请先设置专家组组成' } }
    if (panel.version !== version.data) return CONFLICT
    if (listDraws(tx, panel.id).length > 0) return { ok: false, status: 409, errors: { _form: '本项目已抽取专家；席位空缺时用候补递补或补抽' } }
    recordDetectedConflicts(tx, actor, e.value, panel.lookbackYears, now)
    const pool = poolFor(tx, e.value.id, panel, e.value.financeBureauId)
    const seedHex = randomSeedHex(seedBytes)
    const drawn = runDraw(seedHex, specOf(tx, panel, e.value.financeBureauId), pool, specialtyLabels(tx), nativeSha256Hex)
    if (!drawn.ok) return { ok: false, status: 400, errors: { _form: drawn.message } }
    const record = drawn.record
    const drawId = newId()
    const at = now.toISOString()
    insertDraw(tx, { id: drawId, panelId: panel.id, seedHex, algorithm: DRAW_ALGORITHM, poolHash: record.poolHash, createdBy: actor.userId, createdAt: at }, record, drawn.poolJson)
    for (const s of record.seats) {
      insertSeat(tx, { id: newId(), panelId: panel.id, drawId, expertId: s.expertId, kind: 'drawn', specialtyCode: s.specialtyCode, position: s.position, createdAt: at, updatedAt: at, ...inviteSeat(panel, now) })
    }
    for (const r of record.reserves) {
      insertSeat(tx, { id: newId(), panelId: panel.id, drawId, expertId: r.expertId, kind: 'reserve', specialtyCode: r.specialtyCode, position: 100 + r.position, status: 'waiting', createdAt: at, updatedAt: at })
    }
    touchPanel(tx, panel.id, at)
    audit(
      tx,
      actor,
      'panel.draw',
      'draw',
      drawId,
      { engagementId: e.value.id, seedHex, poolHash: record.poolHash, eligible: record.pool.length - record.excluded.length, excluded: record.excluded.length, seats: record.seats.map((s) => s.expertId), reserves: record.reserves.map((s) => s.expertId) },
      now,
    )
    return { ok: true, value: { drawId, warnings: record.warnings } }
  })
}

/**
 * 补抽: a vacated seat that no reserve could take is filled by a new one-seat draw from the pool
 * (minus everyone already asked for this panel), recorded and replayable like the first draw.
 */
export function drawVacancy(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date, seedBytes: Uint8Array = crypto.randomBytes(32)): Result<{ drawId: string; expertId: string }> {
  const seatId = String(fd.get('seatId') ?? '')
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    const seats = panel ? listSeats(tx, panel.id) : []
    const vacated = seats.find((s) => s.id === seatId)
    if (!panel || !vacated || !['declined', 'expired', 'withdrawn'].includes(vacated.status)) return { ok: false, status: 400, errors: { _form: '请选择一个空缺的席位' } }
    const filled = seats.filter((s) => s.status === 'invited' || s.status === 'accepted').length
    if (filled >= panel.size) return { ok: false, status: 409, errors: { _form: '专家组已满，无需补抽' } }
    const asked = new Set(seats.map((s) => s.expertId))
    const pool = poolFor(tx, e.value.id, panel, e.value.financeBureauId).filter((p) => !asked.has(p.id))
    const spec = vacancySpec(vacated.specialtyCode, specOf(tx, panel, e.value.financeBureauId).context)
    const seedHex = randomSeedHex(seedBytes)
    const drawn = runDraw(seedHex, spec, pool, specialtyLabels(tx), nativeSha256Hex)
    if (!drawn.ok) return { ok: false, status: 400, errors: { _form: drawn.message } }
    const drawId = newId()
    const at = now.toISOString()
    const chosen = drawn.record.seats[0]!
    insertDraw(tx, { id: drawId, panelId: panel.id, seedHex, algorithm: DRAW_ALGORITHM, poolHash: drawn.record.poolHash, createdBy: actor.userId, createdAt: at }, drawn.record, drawn.poolJson)
    insertSeat(tx, { id: newId(), panelId: panel.id, drawId, expertId: chosen.expertId, kind: 'drawn', specialtyCode: vacated.specialtyCode, position: vacated.position, createdAt: at, updatedAt: at, ...inviteSeat(panel, now) })
    const firstDraw = listDraws(tx, panel.id)[0]?.id
    if (firstDraw) appendDrawEvent(tx, { id: newId(), drawId: firstDraw, kind: 'vacancy_draw', expertId: chosen.expertId, reason: `补抽第 ${vacated.position} 席（抽取记录 ${drawId}）`, actorUserId: actor.userId, at })
    touchPanel(tx, panel.id, at)
    audit(tx, actor, 'panel.vacancy_draw', 'draw', drawId, { engagementId: e.value.id, seedHex, poolHash: drawn.record.poolHash, vacatedSeatId: vacated.id, expertId: chosen.expertId }, now)
    return { ok: true, value: { drawId, expertId: chosen.expertId } }
  })
}

/** 复核抽取: recompute a recorded draw and say whether it matches. Read-only. */
export function replayRecordedDraw(db: Db | Tx, drawId: string): { found: false } | { found: true; record: StoredDrawRecord; matches: boolean; differences: string[]; panelId: string } {
  const row = isId(drawId) ? findDraw(db, drawId) : undefined
  if (!row) return { found: false }
  let record: StoredDrawRecord
  try {
    record = drawRecordOf(row)
  } catch {
    // A damaged stored pool is a finding of the check, not a server error.
    const summary = JSON.parse(row.recordJson) as StoredDrawRecord
    return { found: true, record: { ...summary, pool: [] }, matches: false, differences: ['专家库快照已损坏，无法读取'], panelId: row.panelId }
  }
  // The columns are written from the record; a record edited behind them must not pass.
  const columnDifferences = [
    ...(record.seedHex !== row.seedHex ? ['记录中的种子与抽取表不一致'] : []),
    ...(record.poolHash !== row.poolHash ? ['记录中的专家库哈希与抽取表不一致'] : []),
  ]
  const verdict = replayDraw(record, nativeSha256Hex)
  const differences = [...columnDifferences, ...verdict.differences]
  return { found: true, record, matches: differences.length === 0, differences, panelId: row.panelId }
}

export function drawPage(db: Db, actor: Actor, engagementId: string, drawId: string) {
  const engagement = engagementForViewer(db, actor, engagementId)
  if (!engagement || !can(actor, 'panel.view', engagementResource(engagement))) return undefined
  const panel = findPanel(db, engagement.id)
  const replay = replayRecordedDraw(db, drawId)
  if (!panel || !replay.found || replay.panelId !== panel.id) return undefined
  const names = new Map(replay.record.pool.map((p) => [p.id, p.name]))
  return { engagement, replay, names, events: listDrawEvents(db, [drawId]), labels: specialtyLabels(db) }
}

// ---- after the draw: replies, reserves, manual appointments, leader ------------------------------

/**
 * Promotes the next fitting reserve into a vacated seat, or logs the vacancy for the lead. A reserve
 * whose credit now bars them (blacklisted or graded down since the draw) is passed over with the
 * reason logged, and stays waiting in case an appeal clears them.
 */
function fillVacancy(tx: Tx, actor: Actor | null, panel: PanelRow, vacated: SeatView, now: Date): string | null {
  const seats = listSeats(tx, panel.id)
  const specialtiesOf = specialtiesByExpert(
    tx,
    seats.map((s) => s.expertId),
  )
  const states = seats.map((s) => ({ id: s.id, expertId: s.expertId, kind: s.kind, specialtyCode: s.specialtyCode, position: s.position, status: s.status, certified: false }))
  const drawId = vacated.drawId ?? listDraws(tx, panel.id)[0]?.id
  const bureauId = bureauOfEngagement(tx, panel.engagementId)
  const vacatedState = { ...states.find((s) => s.id === vacated.id)!, specialtyCode: vacated.specialtyCode }
  const passedOver = new Set<string>()
  let next = nextReserveFor(vacatedState, states, specialtiesOf)
  while (next) {
    const bar = creditBar(tx, next.expertId, panel, bureauId)
    if (!bar) break
    if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'reserve_skipped', expertId: next.expertId, reason: `递补第 ${vacated.position} 席时跳过：${bar}`, actorUserId: actor?.userId ?? null, at: now.toISOString() })
    passedOver.add(next.id)
    next = nextReserveFor(vacatedState, states.filter((s) => !passedOver.has(s.id)), specialtiesOf)
  }
  if (!next) {
    const wanted = passedOver.size > 0 ? '专业和信用要求' : '专业要求'
    if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'vacancy', expertId: vacated.expertId, reason: `没有符合该席位${wanted}的候补专家，需补抽或指定`, actorUserId: actor?.userId ?? null, at: now.toISOString() })
    return null
  }
  const reserve = seats.find((s) => s.id === next.id)!
  updateSeatIfVersion(tx, reserve.id, reserve.version, { ...inviteSeat(panel, now), specialtyCode: vacated.specialtyCode, updatedAt: now.toISOString() })
  if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'reserve_called', expertId: reserve.expertId, reason: `递补第 ${vacated.position} 席（原专家：${vacated.expertName}）`, actorUserId: actor?.userId ?? null, at: now.toISOString() })
  return reserve.expertId
}

const respondSchema = z.object({
  decision: choice(['accept', 'decline'] as const, '请选择接受或谢绝'),
  reason: text({ label: '谢绝理由', max: 500, required: false }),
  version: versionField,
})

/** The expert's own seat, or undefined (404): seats of other experts are invisible. */
function ownSeat(tx: Tx | Db, actor: Actor, seatId: string) {
  if (actor.role !== 'expert' || !isId(seatId)) return undefined
  const expert = expertByUserId(tx, actor.userId)
  const seat = findSeat(tx, seatId)
  if (!expert || !seat || seat.expertId !== expert.id) return undefined
  return { expert, seat }
}

/** 接受 / 谢绝邀请. A decline needs a reason and calls the next reserve; a late reply is refused. */
export function respondToInvitation(db: Db, actor: Actor, seatId: string, fd: FormData, now: Date): Result<{ decision: 'accept' | 'decline' }> {
  const parsed = parseForm(respondSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
  if (parsed.data.decision === 'decline' && parsed.data.reason === '') return { ok: false, status: 400, errors: { reason: '谢绝邀请须填写理由' }, values: formValues(fd) }
  return inTransaction(db, (tx) => {
    const own = ownSeat(tx, actor, seatId)
    if (!own) return { ok: false, status: 404, errors: { _form: '未找到该邀请' } }
    const { seat } = own
    const panel = panelOfSeat(tx, seat.panelId)
    if (!panel || isConflicted(tx, seat.expertId, panel.engagementId)) return { ok: false, status: 404, errors: { _form: '未找到该邀请' } }
    if (seat.status !== 'invited') return { ok: false, status: 409, errors: { _form: '该邀请已答复或已失效' } }
    if (seat.version !== parsed.data.version) return CONFLICT
    if (replyOverdue(seat.replyBy, now.toISOString())) {
      expireSeat(tx, null, panel, seat.id, now)
      return { ok: false, status: 409, errors: { _form: '已超过答复时限，邀请已失效，席位由候补专家递补' } }
    }
    const at = now.toISOString()
    const accepted = parsed.data.decision === 'accept'
    updateSeatIfVersion(tx, seat.id, seat.version, { status: accepted ? 'accepted' : 'declined', respondedAt: at, declineReason: accepted ? '' : parsed.data.reason, updatedAt: at })
    touchPanel(tx, panel.id, at)
    const drawId = seat.drawId ?? listDraws(tx, panel.id)[0]?.id
    if (!accepted) {
      if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'declined', expertId: seat.expertId, reason: parsed.data.reason, actorUserId: actor.userId, at })
      const vacated = listSeats(tx, panel.id).find((s) => s.id === seat.id)!
      fillVacancy(tx, actor, panel, vacated, now)
    }
    appendAudit(tx, { actor: auditActor(actor), tenantId: null, action: accepted ? 'invitation.accept' : 'invitation.decline', entity: 'seat', entityId: seat.id, after: { engagementId: panel.engagementId, reason: parsed.data.reason }, at: now })
    return { ok: true, value: { decision: parsed.data.decision } }
  })
}

function panelOfSeat(tx: Tx | Db, panelId: string): PanelRow | undefined {
  return findPanelById(tx, panelId)
}

function expireSeat(tx: Tx, actor: Actor | null, panel: PanelRow, seatId: string, now: Date) {
  const seat = listSeats(tx, panel.id).find((s) => s.id === seatId)
  if (!seat || seat.status !== 'invited') return
  const at = now.toISOString()
  updateSeatIfVersion(tx, seat.id, seat.version, { status: 'expired', respondedAt: at, updatedAt: at })
  const drawId = seat.drawId ?? listDraws(tx, panel.id)[0]?.id
  if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'expired', expertId: seat.expertId, reason: `超过答复时限（${panel.replyHours} 小时）未答复`, actorUserId: actor?.userId ?? null, at })
  fillVacancy(tx, actor, panel, { ...seat, status: 'expired' }, now)
  touchPanel(tx, panel.id, at)
}

/** 处理逾期未答复: every invitation past its deadline expires and its reserve is called. */
export function expireOverdueInvitations(db: Db, actor: Actor, engagementId: string, now: Date): Result<{ expired: number }> {
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    if (!panel) return { ok: true, value: { expired: 0 } }
    const overdue = listSeats(tx, panel.id).filter((s) => s.status === 'invited' && replyOverdue(s.replyBy, now.toISOString()))
    for (const s of overdue) expireSeat(tx, actor, panel, s.id, now)
    if (overdue.length > 0) audit(tx, actor, 'invitation.expire', 'panel', panel.id, { expired: overdue.map((s) => s.expertId) }, now)
    return { ok: true, value: { expired: overdue.length } }
  })
}

const manualSchema = z.object({
  expertId: z.string().refine(isId, '请选择专家'),
  reason: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string()),
  specialtyCode: z.string().max(40).default(''),
})

/** 指定专家 (rare specialty): only with a written reason; flagged in the panel, the audit log and the report. */
export function appointManually(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ seatId: string }> {
  const parsed = parseForm(manualSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: formValues(fd) }
  const reasonProblem = validateManualReason(parsed.data.reason)
  if (reasonProblem) return { ok: false, status: 400, errors: { reason: reasonProblem }, values: formValues(fd) }
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    if (!panel) return { ok: false, status: 409, errors: { _form: '请先设置专家组组成' } }
    const expert = expertById(tx, parsed.data.expertId)
    if (!expert) return { ok: false, status: 400, errors: { expertId: '请选择专家' }, values: formValues(fd) }
    if (expert.status !== 'active') return { ok: false, status: 400, errors: { expertId: '该专家不在库（暂停或出库），不能指定' }, values: formValues(fd) }
    if (isConflicted(tx, expert.id, e.value.id)) return { ok: false, status: 400, errors: { expertId: CONFLICTED_BAR }, values: formValues(fd) }
    const bar = creditBar(tx, expert.id, panel, e.value.financeBureauId)
    if (bar) return { ok: false, status: 400, errors: { expertId: bar }, values: formValues(fd) }
    const seats = listSeats(tx, panel.id)
    if (seats.filter((s) => s.status === 'invited' || s.status === 'accepted').length >= panel.size) return { ok: false, status: 409, errors: { _form: '专家组已满，无需指定' }, values: formValues(fd) }
    if (seats.some((s) => s.expertId === expert.id && holdsSeat(s))) return { ok: false, status: 400, errors: { expertId: SEATED_BAR }, values: formValues(fd) }
    const at = now.toISOString()
    const seatId = newId()
    const position = Math.max(0, ...seats.filter((s) => s.kind !== 'reserve').map((s) => s.position)) + 1
    insertSeat(tx, {
      id: seatId,
      panelId: panel.id,
      drawId: null,
      expertId: expert.id,
      kind: 'manual',
      specialtyCode: parsed.data.specialtyCode || null,
      position,
      manualReason: parsed.data.reason,
      createdAt: at,
      updatedAt: at,
      ...inviteSeat(panel, now),
    })
    const drawId = listDraws(tx, panel.id)[0]?.id
    if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'manual', expertId: expert.id, reason: parsed.data.reason, actorUserId: actor.userId, at })
    touchPanel(tx, panel.id, at)
    audit(tx, actor, 'panel.manual_appoint', 'seat', seatId, { engagementId: e.value.id, expertId: expert.id, reason: parsed.data.reason }, now)
    return { ok: true, value: { seatId } }
  })
}

const withdrawSchema = z.object({ seatId: z.string().refine(isId, '请选择席位'), reason: text({ label: '撤回理由', max: 500 }) })

/** 撤回席位 (e.g. a conflict found after seating): the seat is vacated and the next reserve called. */
export function withdrawSeat(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ calledExpertId: string | null }> {
  const parsed = parseForm(withdrawSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    const seat = panel ? listSeats(tx, panel.id).find((s) => s.id === parsed.data.seatId) : undefined
    if (!panel || !seat) return { ok: false, status: 400, errors: { seatId: '请选择席位' } }
    if (seat.status !== 'invited' && seat.status !== 'accepted') return { ok: false, status: 409, errors: { _form: '该席位已空缺' } }
    const at = now.toISOString()
    updateSeatIfVersion(tx, seat.id, seat.version, { status: 'withdrawn', isLeader: false, updatedAt: at })
    const drawId = seat.drawId ?? listDraws(tx, panel.id)[0]?.id
    if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'withdrawn', expertId: seat.expertId, reason: parsed.data.reason, actorUserId: actor.userId, at })
    const called = fillVacancy(tx, actor, panel, { ...seat, status: 'withdrawn' }, now)
    touchPanel(tx, panel.id, at)
    audit(tx, actor, 'panel.withdraw', 'seat', seat.id, { engagementId: e.value.id, expertId: seat.expertId, reason: parsed.data.reason, calledExpertId: called }, now)
    return { ok: true, value: { calledExpertId: called } }
  })
}

/** 指定组长 among the seats that accepted. */
export function setLeader(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<null> {
  const seatId = String(fd.get('seatId') ?? '')
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    const seats = panel ? listSeats(tx, panel.id) : []
    const chosen = seats.find((s) => s.id === seatId)
    if (!panel || !chosen) return { ok: false, status: 400, errors: { seatId: '请选择组长' } }
    if (chosen.status !== 'accepted') return { ok: false, status: 400, errors: { seatId: '组长须为已接受邀请的专家' } }
    const at = now.toISOString()
    for (const s of seats) if (s.isLeader !== (s.id === chosen.id)) updateSeatIfVersion(tx, s.id, s.version, { isLeader: s.id === chosen.id, updatedAt: at })
    touchPanel(tx, panel.id, at)
    audit(tx, actor, 'panel.leader', 'seat', chosen.id, { engagementId: e.value.id, expertId: chosen.expertId }, now)
    return { ok: true, value: null }
  })
}

// ---- invite links for experts without an account ---------------------------------------------

export function inviteTokenHash(token: string): string {
  return nativeSha256Hex(token)
}

/** 生成邀请链接: a one-time token (only its hash is stored) for an expert who has no account yet. */
export function createInviteLink(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ token: string; expertName: string; expiresAt: string }> {
  const seatId = String(fd.get('seatId') ?? '')
  return inTransaction(db, (tx) => {
    const e = forManager(tx, actor, engagementId)
    if (!e.ok) return e
    const panel = findPanel(tx, e.value.id)
    const seat = panel ? listSeats(tx, panel.id).find((s) => s.id === seatId) : undefined
    if (!seat) return { ok: false, status: 400, errors: { _form: '请选择席位' } }
    if (seat.expertUserId) return { ok: false, status: 409, errors: { _form: '该专家已有账号，请其登录后答复邀请' } }
    const token = crypto.randomBytes(32).toString('base64url')
    const expiresAt = new Date(now.getTime() + INVITE_DAYS * DAY).toISOString()
    insertInvite(tx, { tokenHash: inviteTokenHash(token), expertId: seat.expertId, createdAt: now.toISOString(), expiresAt })
    audit(tx, actor, 'invite.create', 'expert', seat.expertId, { engagementId: e.value.id, expiresAt }, now)
    return { ok: true, value: { token, expertName: seat.expertName, expiresAt } }
  })
}

// ---- the expert's side ---------------------------------------------------------------------------

/** An expert's invitations and panels. Conflicted engagements are left out entirely. */
export function expertHome(db: Db, actor: Actor) {
  if (actor.role !== 'expert') return null
  const expert = expertByUserId(db, actor.userId)
  if (!expert) return { expert: null, seats: [] }
  const rows = seatsOfExpert(db, expert.id).filter((r) => r.seat.status !== 'waiting' && !isConflicted(db, expert.id, r.engagementId))
  return {
    expert,
    seats: rows.map((r) => ({
      id: r.seat.id,
      engagementName: r.engagementName,
      agencyName: r.agencyName,
      reviewDate: r.reviewDate,
      status: r.seat.status,
      replyBy: r.seat.replyBy,
      certified: r.seat.status === 'accepted' && isCertified(db, r.engagementId, expert.id, r.seat.id),
    })),
  }
}

function isCertified(db: Db | Tx, engagementId: string, expertId: string, seatId: string): boolean {
  const panel = findPanel(db, engagementId)
  const seat = panel ? listSeats(db, panel.id).find((s) => s.id === seatId) : undefined
  if (!seat?.factsHash || !seat.textVersion) return false
  return !needsRecertification({ textVersion: seat.textVersion, factsHash: seat.factsHash }, currentFactsHash(db, engagementId, expertId))
}

/**
 * One invitation as its expert sees it. Engagement material (units, the sheet) is included only
 * after the expert accepted and certified against the current facts.
 */
export function expertSeatPage(db: Db, actor: Actor, seatId: string) {
  const own = ownSeat(db, actor, seatId)
  if (!own) return undefined
  const panel = panelOfSeat(db, own.seat.panelId)
  if (!panel || own.seat.status === 'waiting' || isConflicted(db, own.expert.id, panel.engagementId)) return undefined
  const engagement = engagementBasics(db, panel.engagementId)
  const certified = own.seat.status === 'accepted' && isCertified(db, panel.engagementId, own.expert.id, own.seat.id)
  const units = engagementUnitsOf(db, panel.engagementId)
  return {
    seat: own.seat,
    expert: own.expert,
    panel,
    engagement,
    certified,
    declaration: { text: DECLARATION_TEXT, version: DECLARATION_VERSION },
    material: certified ? { units, sheet: currentSheet(db, panel.engagementId) ?? null } : null,
    // Before certifying, the expert needs to know whom they must not be tied to.
    conflictScope: { units: units.map((u) => ({ name: u.name, competentDepartment: u.competentDepartment })), agencyName: engagement?.agencyName ?? '' },
  }
}

const declareSchema = z.object({
  type: choice(CONFLICT_TYPES.map((c) => c.code) as [ConflictType, ...ConflictType[]], '请选择回避类型'),
  note: text({ label: '情况说明', max: 500 }),
})

/**
 * 申报回避 by the invited expert: a declared conflict on the engagement, the seat vacated and the
 * next reserve called, in one step. The expert then no longer sees the engagement.
 */
export function declareConflict(db: Db, actor: Actor, seatId: string, fd: FormData, now: Date): Result<null> {
  const parsed = parseForm(declareSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const own = ownSeat(tx, actor, seatId)
    const panel = own ? panelOfSeat(tx, own.seat.panelId) : undefined
    if (!own || !panel || isConflicted(tx, own.expert.id, panel.engagementId)) return { ok: false, status: 404, errors: { _form: '未找到该邀请' } }
    if (own.seat.status !== 'invited' && own.seat.status !== 'accepted') return { ok: false, status: 409, errors: { _form: '该邀请已答复或已失效' } }
    const at = now.toISOString()
    const conflictId = newId()
    insertConflict(tx, { id: conflictId, expertId: own.expert.id, engagementId: panel.engagementId, type: parsed.data.type, source: 'declared', pinned: false, note: parsed.data.note, createdBy: actor.userId, createdAt: at })
    updateSeatIfVersion(tx, own.seat.id, own.seat.version, { status: 'withdrawn', isLeader: false, respondedAt: at, declineReason: `申报回避：${parsed.data.note}`, updatedAt: at })
    const drawId = own.seat.drawId ?? listDraws(tx, panel.id)[0]?.id
    if (drawId) appendDrawEvent(tx, { id: newId(), drawId, kind: 'withdrawn', expertId: own.expert.id, reason: '专家申报回避', actorUserId: actor.userId, at })
    const vacated = listSeats(tx, panel.id).find((s) => s.id === own.seat.id)!
    fillVacancy(tx, actor, panel, vacated, now)
    touchPanel(tx, panel.id, at)
    appendAudit(tx, { actor: auditActor(actor), action: 'conflict.declare', entity: 'conflict', entityId: conflictId, after: { engagementId: panel.engagementId, type: parsed.data.type, note: parsed.data.note }, at: now })
    return { ok: true, value: null }
  })
}

const certifySchema = z.object({ agree: z.literal('on', { errorMap: () => ({ message: '请阅读并勾选同意承诺书' }) }) })

/** 签署回避与保密承诺: stored with the text version and the facts it covered. */
export function certify(db: Db, actor: Actor, seatId: string, fd: FormData, ip: string, now: Date): Result<null> {
  const parsed = parseForm(certifySchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors }
  return inTransaction(db, (tx) => {
    const own = ownSeat(tx, actor, seatId)
    if (!own) return { ok: false, status: 404, errors: { _form: '未找到该邀请' } }
    const panel = panelOfSeat(tx, own.seat.panelId)
    if (!panel || isConflicted(tx, own.expert.id, panel.engagementId)) return { ok: false, status: 404, errors: { _form: '未找到该邀请' } }
    if (own.seat.status !== 'accepted') return { ok: false, status: 409, errors: { _form: '请先接受邀请' } }
    const factsHash = currentFactsHash(tx, panel.engagementId, own.expert.id)
    const id = newId()
    insertDeclaration(tx, {
      id,
      seatId: own.seat.id,
      expertId: own.expert.id,
      engagementId: panel.engagementId,
      textVersion: DECLARATION_VERSION,
      textHash: declarationTextHash(),
      factsHash,
      signedAt: now.toISOString(),
      ip: ip.slice(0, 64),
    })
    touchPanel(tx, panel.id, now.toISOString())
    appendAudit(tx, { actor: auditActor(actor), action: 'declaration.sign', entity: 'declaration', entityId: id, after: { engagementId: panel.engagementId, seatId: own.seat.id, textVersion: DECLARATION_VERSION, factsHash }, at: now })
    return { ok: true, value: null }
  })
}

// ---- fees -------------------------------------------------------------------------------------

export type FeeLine = { seatId: string; engagementName: string; reviewDate: string; expertName: string; title: Title; days: number; rateFen: number; feeFen: number; employer: string; phone: string }

/** One line per accepted seat, at the commissioning bureau's rates (defaults where it set none). */
function feeLines(db: Db, engagement: { name: string; financeBureauId: string }, panel: PanelRow, seats: SeatView[]): FeeLine[] {
  const rates = { ...DEFAULT_DAY_RATES_FEN, ...feeRatesOf(db, engagement.financeBureauId) }
  return seats
    .filter((s) => s.status === 'accepted')
    .map((s) => ({
      seatId: s.id,
      engagementName: engagement.name,
      reviewDate: panel.reviewDate,
      expertName: s.expertName,
      title: s.expertTitle,
      days: panel.reviewDaysHundredths / 100,
      rateFen: rates[s.expertTitle],
      feeFen: seatFeeFen(s.expertTitle, panel.reviewDaysHundredths, rates),
      employer: s.expertEmployer,
      phone: expertById(db, s.expertId)?.phone ?? '',
    }))
}

export function feeLinesFor(db: Db, actor: Actor, engagementId: string): FeeLine[] | undefined {
  const engagement = engagementForViewer(db, actor, engagementId)
  if (!engagement || !can(actor, 'panel.view', engagementResource(engagement))) return undefined
  const panel = findPanel(db, engagement.id)
  return panel ? feeLines(db, engagement, panel, listSeats(db, panel.id)) : []
}


/** The panel line on the engagement page. */
export function panelSummary(db: Db, engagementId: string): { exists: boolean; summary: string } {
  const state = readiness(db, engagementId)
  if (!state.panel) return { exists: false, summary: '尚未组建专家组。' }
  const accepted = state.seats.filter((s) => s.status === 'accepted').length
  return { exists: true, summary: state.ready ? `${state.panel.size} 人专家组已就绪。` : `${state.panel.size} 人专家组，已接受 ${accepted} 人；${state.problems.join('；')}` }
}

/** The month's fee lines across the actor's agency (only engagements the actor may see). */
export function monthlyFeeLines(db: Db, actor: Actor, month: string): FeeLine[] | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month) || !actor.organizationId || (actor.role !== 'agency_admin' && actor.role !== 'evaluator')) return null
  return engagementsReviewingIn(db, actor.organizationId, month).flatMap((id) => feeLinesFor(db, actor, id) ?? [])
}

// ---- fee rates ---------------------------------------------------------------------------------

/** The bureau whose rates the actor may set: their own bureau, as its account administrator. */
function feeBureauOf(actor: Actor): string | null {
  return actor.role === 'finance_reviewer' && actor.orgAdmin && actor.organizationId ? actor.organizationId : null
}

export function feeRatesPage(db: Db, actor: Actor) {
  const bureauId = feeBureauOf(actor)
  if (!bureauId) return null
  const stored = feeRatesOf(db, bureauId)
  return { rates: TITLE_CODES.map((t) => ({ title: t, rateFen: stored[t] ?? DEFAULT_DAY_RATES_FEN[t], isDefault: stored[t] === undefined })) }
}

const yuan = (label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .regex(/^\d{1,6}(\.\d{1,2})?$/, `${label}须为 0 至 999999 元之间的金额，最多两位小数`)
      .transform((s) => Math.round(Number(s) * 100)),
  )

const feeRatesSchema = z.object(Object.fromEntries(TITLE_CODES.map((t) => [t, yuan('日标准')])) as Record<Title, ReturnType<typeof yuan>>)

/** 专家咨询费标准 of a bureau, per title and day; used for every panel the bureau commissions. */
export function saveFeeRates(db: Db, actor: Actor, fd: FormData, now: Date): Result<null> {
  const bureauId = feeBureauOf(actor)
  if (!bureauId) return { ok: false, status: 403, errors: { _form: '只有财政局账号管理员可以设置专家咨询费标准' } }
  const parsed = parseForm(feeRatesSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const before = feeRatesOf(tx, bureauId)
    for (const t of TITLE_CODES) upsertFeeRate(tx, bureauId, t, parsed.data[t], now.toISOString())
    appendAudit(tx, { actor: auditActor(actor), action: 'fee_rates.update', entity: 'organization', entityId: bureauId, before, after: parsed.data, at: now })
    return { ok: true, value: null }
  })
}
