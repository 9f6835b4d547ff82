// Online scoring, first slice: the lead opens scoring on the frozen sheet; each certified expert
// scores every leaf indicator (drafts saved as immutable versions, a stale save answers 409) and
// submits, which locks their sheet. Consolidation, discussion and the panel opinion come next.
import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, Tx } from '../../db/client.server'
import { preparedQuery } from '../../db/prepared.server'
import { consolidationResults, panelOpinions, rescoreRequests, scoreEntries, scoreSubmissions, scoringRounds, sheetVersions } from '../../db/schema'
import { suggestScore } from '../domain/indicators/rules'
import { consolidate, type AggregationRule, type Consolidation, type ScoreCell } from '../domain/scoring/aggregate'
import { agreementSummary } from '../domain/scoring/agreement'
import { divergenceFlags } from '../domain/scoring/divergence'
import { NATIONAL_BANDS, bandsFromThresholds, validateBands, type GradeBand } from '../domain/scoring/grade'
import { expertPseudonym } from '../domain/scoring/pseudonyms'
import { sensitivity } from '../domain/scoring/sensitivity'
import { PHASE_LABELS, scoringAllows } from '../domain/scoring/phases'
import { walkTree, type IndicatorNode, type IndicatorTree } from '../domain/indicators/tree'
import { hasErrors, validateTree } from '../domain/indicators/validate'
import { parsePoints } from '../domain/money'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { isId, newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource } from '../models/engagement.server'
import { currentSheet, parseTree } from '../models/framework.server'
import { expertByUserId, findPanel, findPanelById, findSeat, isConflicted, latestDeclaration, listSeats } from '../models/panel.server'
import { papersByIndicator } from '../models/working-papers.server'
import { choice, formValues, isoDate, parseForm, type FieldErrors, type FormValues } from '../utils/form'
import { recordLateScoringEntry } from './credit-automatic.server'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { currentFactsHash, panelGateProblems } from './panel-readiness.server'
import { indicatorDataFor } from './indicator-data.server'
import { inTransaction } from './transaction.server'
import { needsRecertification } from '../domain/experts/declaration'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该评分任务' } }

export type RoundRow = typeof scoringRounds.$inferSelect

const roundOfEngagement = preparedQuery((db) => db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, sql.placeholder('engagementId'))).prepare())

export function findRound(db: Db | Tx, engagementId: string): RoundRow | undefined {
  return roundOfEngagement(db).get({ engagementId })
}

const startSchema = z.object({
  aggregationRule: choice(['mean', 'trimmed', 'median'] as const, '请选择汇总规则'),
  step: choice(['0.1', '0.5', '1'] as const, '请选择评分步长'),
  softDeadline: z.preprocess((v) => (v === '' ? undefined : v), isoDate('建议完成日期').optional()),
  hardDeadline: z.preprocess((v) => (v === '' ? undefined : v), isoDate('截止日期').optional()),
  divergencePercent: percentField('分歧阈值', 25, 5, 100),
  bandExcellent: percentField('“优”的最低得分率', 90, 1, 100),
  bandGood: percentField('“良”的最低得分率', 80, 1, 100),
  bandPass: percentField('“中”的最低得分率', 60, 1, 100),
})

function percentField(label: string, fallback: number, min: number, max: number) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? fallback : typeof v === 'string' && /^\d{1,3}$/.test(v.trim()) ? Number(v.trim()) : Number.NaN),
    z.number({ invalid_type_error: `${label}须为 ${min}–${max} 的整数` }).int().min(min, `${label}须为 ${min}–${max} 的整数`).max(max, `${label}须为 ${min}–${max} 的整数`),
  )
}

export function bandsOf(round: RoundRow): GradeBand[] {
  return round.bandsJson ? (JSON.parse(round.bandsJson) as GradeBand[]) : NATIONAL_BANDS
}

/**
 * 开始评分: needs a ready panel; freezes the sheet if it is still a valid draft (the sheet is frozen
 * when panel scoring starts), and opens the scoring phase on that version.
 */
export function startScoring(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ roundId: string }> {
  const parsed = parseForm(startSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  const { softDeadline, hardDeadline } = parsed.data
  if (softDeadline && hardDeadline && hardDeadline < softDeadline) return { ok: false, status: 400, errors: { hardDeadline: '截止日期不能早于建议完成日期' }, values: formValues(fd) }
  const { bandExcellent, bandGood, bandPass } = parsed.data
  if (!(bandExcellent > bandGood && bandGood > bandPass)) return { ok: false, status: 400, errors: { bandGood: '等级线须满足 优 > 良 > 中' }, values: formValues(fd) }
  const bands = bandsFromThresholds(bandExcellent, bandGood, bandPass)
  const bandProblems = validateBands(bands)
  if (bandProblems.length > 0) return { ok: false, status: 400, errors: { bandGood: bandProblems.join('；') }, values: formValues(fd) }
  const national = bandExcellent === 90 && bandGood === 80 && bandPass === 60
  return inTransaction(db, (tx) => {
    const e = engagementForViewer(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'panel.manage', engagementResource(e))) return { ok: false, status: 403, errors: { _form: '无权开始评分' } }
    if (findRound(tx, e.id)) return { ok: false, status: 409, errors: { _form: '评分已开始' } }
    const sheet = currentSheet(tx, e.id)
    if (!sheet) return { ok: false, status: 409, errors: { _form: '尚未建立评分表' } }
    const problems = panelGateProblems(tx, e.id)
    if (problems.length > 0) return { ok: false, status: 409, errors: { _form: `专家组尚未就绪：${problems.join('；')}` } }
    const at = now.toISOString()
    if (sheet.status === 'draft') {
      if (hasErrors(validateTree(parseTree(sheet.treeJson)))) return { ok: false, status: 409, errors: { _form: '评分表校验未通过，请先修正后再开始评分' } }
      tx.update(sheetVersions).set({ status: 'frozen', frozenAt: at, frozenBy: actor.userId, updatedAt: at, version: sql`${sheetVersions.version} + 1` }).where(eq(sheetVersions.id, sheet.id)).run()
      appendAudit(tx, { actor: auditActor(actor), action: 'sheet.freeze', entity: 'sheet_version', entityId: sheet.id, after: { engagementId: e.id, versionNo: sheet.versionNo, cause: 'scoring.start' }, at: now })
    }
    const id = newId()
    // Deadlines are the end of the named day, Beijing time.
    const endOfDay = (d: string | undefined) => (d ? new Date(`${d}T23:59:59+08:00`).toISOString() : null)
    tx.insert(scoringRounds)
      .values({
        id,
        engagementId: e.id,
        sheetVersionId: sheet.id,
        phase: 'scoring',
        stepHundredths: Math.round(Number(parsed.data.step) * 100),
        softDeadline: endOfDay(softDeadline),
        hardDeadline: endOfDay(hardDeadline),
        aggregationRule: parsed.data.aggregationRule,
        divergencePercent: parsed.data.divergencePercent,
        bandsJson: national ? null : JSON.stringify(bands),
        openedBy: actor.userId,
        openedAt: at,
        updatedAt: at,
      })
      .run()
    appendAudit(tx, { actor: auditActor(actor), action: 'scoring.start', entity: 'engagement', entityId: e.id, after: { roundId: id, sheetVersionId: sheet.id, ...parsed.data }, at: now })
    return { ok: true, value: { roundId: id } }
  })
}

// ---- the expert's sheet ----------------------------------------------------------------------

type Entry = typeof scoreEntries.$inferSelect

/** The latest version of each indicator's score for one seat. */
const entriesOfSeat = preparedQuery((db) =>
  db
    .select()
    .from(scoreEntries)
    .where(and(eq(scoreEntries.roundId, sql.placeholder('roundId')), eq(scoreEntries.seatId, sql.placeholder('seatId'))))
    .orderBy(scoreEntries.code, scoreEntries.versionNo)
    .prepare(),
)

function latestEntries(db: Db | Tx, roundId: string, seatId: string): Map<string, Entry> {
  const out = new Map<string, Entry>()
  for (const r of entriesOfSeat(db).all({ roundId, seatId })) out.set(r.code, r)
  return out
}

const submissionOfSeat = preparedQuery((db) =>
  db
    .select()
    .from(scoreSubmissions)
    .where(and(eq(scoreSubmissions.roundId, sql.placeholder('roundId')), eq(scoreSubmissions.seatId, sql.placeholder('seatId'))))
    .orderBy(desc(scoreSubmissions.submittedAt))
    .prepare(),
)

function submissionOf(db: Db | Tx, roundId: string, seatId: string) {
  return submissionOfSeat(db).get({ roundId, seatId })
}

const sheetVersionById = preparedQuery((db) =>
  db.select({ treeJson: sheetVersions.treeJson, versionNo: sheetVersions.versionNo, status: sheetVersions.status }).from(sheetVersions).where(eq(sheetVersions.id, sql.placeholder('id'))).prepare(),
)
/** A frozen sheet version never changes (a trigger forbids it), so each is parsed once. */
const parsedSheets = new Map<string, { tree: IndicatorTree; versionNo: number }>()
const PARSED_SHEETS_KEPT = 500

function frozenSheet(db: Db | Tx, id: string): { tree: IndicatorTree; versionNo: number } {
  const cached = parsedSheets.get(id)
  if (cached) return cached
  const row = sheetVersionById(db).get({ id })!
  const sheet = { tree: parseTree(row.treeJson), versionNo: row.versionNo }
  if (row.status !== 'frozen') return sheet
  if (parsedSheets.size >= PARSED_SHEETS_KEPT) parsedSheets.delete(parsedSheets.keys().next().value!)
  parsedSheets.set(id, sheet)
  return sheet
}

/**
 * The seat, its round and sheet, if the actor is that seat's expert, accepted, certified against
 * current facts and not conflicted; otherwise undefined (404).
 */
function scorerContext(db: Db | Tx, actor: Actor, seatId: string) {
  if (actor.role !== 'expert' || !isId(seatId)) return undefined
  const expert = expertByUserId(db, actor.userId)
  const seat = findSeat(db, seatId)
  if (!expert || !seat || seat.expertId !== expert.id || seat.status !== 'accepted') return undefined
  const panel = findPanelById(db, seat.panelId)
  if (!panel || isConflicted(db, expert.id, panel.engagementId)) return undefined
  const round = findRound(db, panel.engagementId)
  if (!round) return undefined
  const declaration = latestDeclaration(db, seat.id)
  const certified = declaration ? !needsRecertification({ textVersion: declaration.textVersion, factsHash: declaration.factsHash }, currentFactsHash(db, panel.engagementId, expert.id)) : false
  if (!certified) return undefined
  const sheet = frozenSheet(db, round.sheetVersionId)
  return { expert, seat, panel, round, tree: sheet.tree, sheetVersionNo: sheet.versionNo }
}

export type DeadlineState = 'open' | 'soft_passed' | 'closed'

function deadlineState(round: RoundRow, now: Date): DeadlineState {
  const at = now.toISOString()
  if (round.hardDeadline && at > round.hardDeadline) return 'closed'
  if (round.softDeadline && at > round.softDeadline) return 'soft_passed'
  return 'open'
}

/** Whether the scoring round for this seat exists and the expert may open it (for the invitation page link). */
export function hasScoringFor(db: Db, actor: Actor, seatId: string): boolean {
  return scorerContext(db, actor, seatId) !== undefined
}

/** The engagement and the leaf codes a seated, certified expert scores (for the papers they may open). */
export function seatScoringScope(db: Db, actor: Actor, seatId: string): { engagementId: string; leafCodes: string[] } | undefined {
  const ctx = scorerContext(db, actor, seatId)
  if (!ctx) return undefined
  return { engagementId: ctx.panel.engagementId, leafCodes: walkTree(ctx.tree).filter(({ node }) => node.children.length === 0).map(({ node }) => node.code) }
}

export function expertScoringPage(db: Db, actor: Actor, seatId: string, now: Date) {
  const ctx = scorerContext(db, actor, seatId)
  if (!ctx) return undefined
  const entries = latestEntries(db, ctx.round.id, ctx.seat.id)
  const leaves = walkTree(ctx.tree).filter(({ node }) => node.children.length === 0)
  const submitted = submissionOf(db, ctx.round.id, ctx.seat.id)
  const data = indicatorDataFor(db, ctx.panel.engagementId)
  const panelView = submitted && scoringAllows(ctx.round.phase, 'expert_other_submitted', 'see_other_expert_scores') ? panelScoresFor(db, ctx.panel.engagementId, ctx.seat.id) : null
  const papers = papersByIndicator(db, ctx.panel.engagementId, leaves.map(({ node }) => node.code))
  return {
    round: { phase: ctx.round.phase, step: ctx.round.stepHundredths, softDeadline: ctx.round.softDeadline, hardDeadline: ctx.round.hardDeadline, deadline: deadlineState(ctx.round, now) },
    mayRescore: ctx.round.phase === 'discussion' && submitted !== undefined,
    requests: requestsOf(db, ctx.round.id, ctx.seat.id),
    panelView,
    seatId: ctx.seat.id,
    sheetVersionNo: ctx.sheetVersionNo,
    submittedAt: submitted?.submittedAt ?? null,
    items: leaves.map(({ node, path }) => {
      const e = entries.get(node.code)
      const facts = data.get(node.code)
      return {
        node,
        path: path.slice(0, -1).join(' › '),
        entry: e ? { score: e.score, reason: e.reason, comment: e.comment, versionNo: e.versionNo } : null,
        // The agency's data for this indicator and what the rule suggests from it; without data, only
        // what the rule suggests when every point holds.
        data: facts ? { note: facts.note, inputs: facts.inputs, updatedAt: facts.updatedAt } : null,
        suggestion: facts?.suggestion ?? null,
        hint: facts?.suggestion ? null : suggestionHint(node),
        // 工作底稿 the agency attached to this indicator, each with its versions (newest last).
        papers: (papers.get(node.code) ?? []).map((p) => ({ id: p.id, title: p.title, note: p.note, versions: p.versions.map((v) => ({ id: v.id, versionNo: v.versionNo, name: v.name, uploadedAt: v.uploadedAt })) })),
      }
    }),
  }
}

/**
 * What a submitted expert sees in the discussion phase: every expert's current score per indicator
 * (others by pseudonym, their own marked) and the aggregated result under the declared rule.
 */
function panelScoresFor(db: Db | Tx, engagementId: string, seatId: string) {
  const result = consolidationOf(db, engagementId)
  if (!result?.consolidation) return null
  const self = result.experts.find((x) => x.seatId === seatId)?.key ?? null
  return {
    self,
    experts: result.experts.map((x) => x.key),
    byCode: Object.fromEntries(result.consolidation.leaves.map((l) => [l.code, { scores: l.expertScores, aggregated: l.score }])),
    flagged: result.divergence.map((d) => d.code),
    total: result.consolidation.total,
    grade: result.consolidation.grade.grade,
  }
}

const requestsOfSeat = preparedQuery((db) =>
  db
    .select({ id: rescoreRequests.id, code: rescoreRequests.code, message: rescoreRequests.message, status: rescoreRequests.status, response: rescoreRequests.response, requestedAt: rescoreRequests.requestedAt, respondedAt: rescoreRequests.respondedAt })
    .from(rescoreRequests)
    .where(and(eq(rescoreRequests.roundId, sql.placeholder('roundId')), eq(rescoreRequests.seatId, sql.placeholder('seatId'))))
    .orderBy(rescoreRequests.requestedAt)
    .prepare(),
)

function requestsOf(db: Db | Tx, roundId: string, seatId: string) {
  return requestsOfSeat(db).all({ roundId, seatId })
}

/** Without the agency's data, a rule can only suggest where it needs no inputs. */
function suggestionHint(node: IndicatorNode): string | null {
  if (!node.rule) return null
  if (node.rule.type === 'element' && node.points.length > 0) {
    const all = suggestScore(node.rule, node.weight, node.direction, { type: 'element', passed: node.points.map(() => true) })
    return all.ok ? `各要点均满足时建议 ${all.score / 100} 分` : null
  }
  return null
}

const saveSchema = z.object({
  code: z.string().min(1).max(20),
  score: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().min(1, '请填写得分')),
  reason: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().max(2000, '扣分理由不能超过 2000 个字符')),
  comment: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().max(2000, '备注不能超过 2000 个字符')),
  rescoreReason: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().max(2000, '重评理由不能超过 2000 个字符')),
  // The version of this indicator's score the page last saw (0: none yet).
  seen: z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN), z.number({ invalid_type_error: '表单已过期，请刷新后重试' })),
})

type ScoreInput = z.infer<typeof saveSchema>
type ScorerContext = NonNullable<ReturnType<typeof scorerContext>>

/** Saves one indicator's score as a new version. Drafts may lack a reason; submitting needs it. */
export function saveScore(db: Db, actor: Actor, seatId: string, fd: FormData, now: Date): Result<{ code: string; versionNo: number; score: number }> {
  const parsed = parseForm(saveSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const ctx = scorerContext(tx, actor, seatId)
    if (!ctx) return NOT_FOUND
    return applyScore(tx, actor, ctx, parsed.data, now)
  })
}

/** A whole sheet's worth of scores failed: nothing of it is saved. */
class BulkRefused extends Error {
  constructor(readonly failure: Failure) {
    super('bulk score save refused')
  }
}

export type BulkScoreRow = { row: number; code: string; score: string; reason: string; comment: string; seen: number }

/**
 * Saves many indicators' scores at once (the offline workbook's upload) with the web form's rules,
 * each row a new version; one failing row saves nothing. Errors are keyed `row.<n>`.
 */
export function saveScoresBulk(db: Db, actor: Actor, seatId: string, rows: readonly BulkScoreRow[], now: Date): Result<{ saved: number }> {
  const problems: [string, string][] = []
  const inputs: { row: number; input: ScoreInput }[] = []
  for (const r of rows) {
    const parsed = saveSchema.safeParse({ code: r.code, score: r.score, reason: r.reason, comment: r.comment, rescoreReason: '', seen: String(r.seen) })
    if (parsed.success) inputs.push({ row: r.row, input: parsed.data })
    else problems.push([`row.${r.row}`, parsed.error.issues[0]?.message ?? '格式不正确'])
  }
  if (problems.length > 0) return { ok: false, status: 400, errors: Object.fromEntries([['_form', `有 ${problems.length} 行不符合要求，未保存任何评分`], ...problems]) }
  try {
    return inTransaction(db, (tx) => {
      const ctx = scorerContext(tx, actor, seatId)
      if (!ctx) return NOT_FOUND
      if (ctx.round.phase !== 'scoring') return { ok: false, status: 409, errors: { _form: '离线评分表只能在独立评分阶段上传；讨论阶段请在线重评' } }
      const failed: [string, string][] = []
      const current = latestEntries(tx, ctx.round.id, ctx.seat.id)
      let saved = 0
      for (const { row, input } of inputs) {
        const before = current.get(input.code)
        // An untouched row of the downloaded sheet is not a new version.
        const typed = parsePoints(input.score)
        if (before && before.versionNo === input.seen && typed.ok && typed.value === before.score && before.reason === input.reason && before.comment === input.comment) continue
        const result = applyScore(tx, actor, ctx, input, now)
        if (result.ok) saved += 1
        else if (result.errors._form) throw new BulkRefused(result)
        else failed.push([`row.${row}`, Object.values(result.errors)[0] ?? '格式不正确'])
      }
      if (failed.length > 0) throw new BulkRefused({ ok: false, status: 400, errors: Object.fromEntries([['_form', `有 ${failed.length} 行不符合要求，未保存任何评分`], ...failed]) })
      appendAudit(tx, { actor: auditActor(actor), action: 'scoring.upload', entity: 'seat', entityId: ctx.seat.id, after: { engagementId: ctx.panel.engagementId, rows: inputs.length, saved }, at: now })
      return { ok: true as const, value: { saved } }
    })
  } catch (e) {
    if (e instanceof BulkRefused) return e.failure
    throw e
  }
}

function applyScore(tx: Tx, actor: Actor, ctx: ScorerContext, input: ScoreInput, now: Date): Result<{ code: string; versionNo: number; score: number }> {
  const submitted = submissionOf(tx, ctx.round.id, ctx.seat.id) !== undefined
  // Scoring: the expert edits an unsubmitted sheet. Discussion: a submitted expert may rescore, with a reason.
  const rescoring = ctx.round.phase === 'discussion' && submitted && scoringAllows('discussion', 'expert_self', 'rescore')
  if (!rescoring) {
    if (ctx.round.phase !== 'scoring') return { ok: false, status: 409, errors: { _form: ctx.round.phase === 'closed' ? '评分已结束' : '讨论阶段只有已提交的专家可以重评' } }
    if (submitted) return { ok: false, status: 409, errors: { _form: '评分表已提交，不能再修改；讨论阶段可重评' } }
    if (deadlineState(ctx.round, now) === 'closed') return { ok: false, status: 409, errors: { _form: '已过截止时间，评分已关闭' } }
  } else if (input.rescoreReason === '') return { ok: false, status: 400, errors: { [`rescoreReason.${input.code}`]: '重评须填写理由' } }
  const node = walkTree(ctx.tree).find(({ node: n }) => n.code === input.code && n.children.length === 0)?.node
  if (!node) return { ok: false, status: 400, errors: { [`score.${input.code}`]: `未找到指标「${input.code}」` } }
  const score = parsePoints(input.score)
  const key = `score.${node.code}`
  if (!score.ok) return { ok: false, status: 400, errors: { [key]: score.message } }
  if (score.value > node.weight) return { ok: false, status: 400, errors: { [key]: `得分不能超过分值 ${node.weight / 100} 分` } }
  if (score.value % ctx.round.stepHundredths !== 0) return { ok: false, status: 400, errors: { [key]: `得分须为 ${ctx.round.stepHundredths / 100} 分的整数倍` } }
  const current = latestEntries(tx, ctx.round.id, ctx.seat.id).get(node.code)
  if ((current?.versionNo ?? 0) !== input.seen) return { ok: false, status: 409, errors: { [key]: `${CONFLICT_MESSAGE}（该指标已在其他页面保存过）` } }
  const versionNo = (current?.versionNo ?? 0) + 1
  tx.insert(scoreEntries)
    .values({ id: newId(), roundId: ctx.round.id, seatId: ctx.seat.id, code: node.code, versionNo, score: score.value, reason: input.reason, comment: input.comment, rescoreReason: rescoring ? input.rescoreReason : '', createdBy: actor.userId, createdAt: now.toISOString() })
    .run()
  if (rescoring) {
    tx.update(rescoreRequests)
      .set({ status: 'rescored', response: input.rescoreReason, responseVersionNo: versionNo, respondedAt: now.toISOString() })
      .where(and(eq(rescoreRequests.roundId, ctx.round.id), eq(rescoreRequests.seatId, ctx.seat.id), eq(rescoreRequests.code, node.code), eq(rescoreRequests.status, 'open')))
      .run()
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'scoring.rescore',
      entity: 'seat',
      entityId: ctx.seat.id,
      before: { code: node.code, score: current?.score ?? null, versionNo: current?.versionNo ?? 0 },
      after: { engagementId: ctx.panel.engagementId, code: node.code, score: score.value, versionNo, reason: input.rescoreReason },
      at: now,
    })
  }
  return { ok: true, value: { code: node.code, versionNo, score: score.value } }
}

/** Problems that block submitting, keyed by indicator code ('' for the sheet), in Chinese. */
function submitProblems(items: { node: IndicatorNode; entry: { score: number; reason: string } | null }[]): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = []
  for (const { node, entry } of items) {
    if (!entry) out.push({ code: node.code, message: `「${node.name}」尚未评分` })
    else if (entry.score < node.weight && entry.reason.trim() === '') out.push({ code: node.code, message: `「${node.name}」未得满分，须填写扣分理由` })
  }
  return out
}

/** 提交评分: every leaf scored, every deduction explained; locks the expert's sheet. */
export function submitScores(db: Db, actor: Actor, seatId: string, now: Date): Result<{ late: boolean }> {
  return inTransaction(db, (tx) => {
    const ctx = scorerContext(tx, actor, seatId)
    if (!ctx) return NOT_FOUND
    if (ctx.round.phase !== 'scoring') return { ok: false, status: 409, errors: { _form: '评分阶段已结束' } }
    if (submissionOf(tx, ctx.round.id, ctx.seat.id)) return { ok: false, status: 409, errors: { _form: '评分表已提交' } }
    const state = deadlineState(ctx.round, now)
    if (state === 'closed') return { ok: false, status: 409, errors: { _form: '已过截止时间，评分已关闭' } }
    const entries = latestEntries(tx, ctx.round.id, ctx.seat.id)
    const items = walkTree(ctx.tree)
      .filter(({ node }) => node.children.length === 0)
      .map(({ node }) => ({ node, entry: entries.get(node.code) ?? null }))
    const problems = submitProblems(items)
    if (problems.length > 0) return { ok: false, status: 400, errors: Object.fromEntries([['_form', `还有 ${problems.length} 处需要完成，不能提交`], ...problems.map((p) => [`score.${p.code}`, p.message])]) }
    const late = state === 'soft_passed'
    tx.insert(scoreSubmissions).values({ id: newId(), roundId: ctx.round.id, seatId: ctx.seat.id, submittedAt: now.toISOString(), late }).run()
    if (late) recordLateScoringEntry(tx, { engagementId: ctx.panel.engagementId, roundId: ctx.round.id, seatId: ctx.seat.id, expertId: ctx.expert.id, softDeadline: ctx.round.softDeadline }, now)
    appendAudit(tx, {
      actor: auditActor(actor),
      action: 'scoring.submit',
      entity: 'seat',
      entityId: ctx.seat.id,
      after: { engagementId: ctx.panel.engagementId, roundId: ctx.round.id, late, entries: Object.fromEntries([...entries].map(([code, e]) => [code, e.versionNo])) },
      at: now,
    })
    return { ok: true, value: { late } }
  })
}

/** Scoring progress for the lead: per accepted seat, how many indicators are scored and whether submitted. */
export function scoringProgress(db: Db, engagementId: string) {
  const round = findRound(db, engagementId)
  const panel = findPanel(db, engagementId)
  if (!round || !panel) return null
  const sheet = db.select().from(sheetVersions).where(eq(sheetVersions.id, round.sheetVersionId)).get()!
  const leaves = walkTree(parseTree(sheet.treeJson)).filter(({ node }) => node.children.length === 0).length
  return {
    round: { phase: round.phase, version: round.version, aggregationRule: round.aggregationRule, softDeadline: round.softDeadline, hardDeadline: round.hardDeadline, sheetVersionNo: sheet.versionNo },
    leaves,
    seats: listSeats(db, panel.id)
      .filter((s) => s.status === 'accepted')
      .map((s) => {
        const submission = submissionOf(db, round.id, s.id)
        return { seatId: s.id, expertName: s.expertName, scored: latestEntries(db, round.id, s.id).size, submittedAt: submission?.submittedAt ?? null, late: submission?.late ?? false }
      }),
  }
}

// ---- consolidation (read-only, for the lead and the command line) ------------------------------


/**
 * Consolidates the submitted sheets under the round's rule (or another, to compare): per-indicator
 * results, subtotals, total and grade, divergence flags, agreement statistics and sensitivity.
 * Only submitted sheets count. Experts appear as pseudonyms; the map to seats is returned apart.
 */
export function consolidationOf(db: Db | Tx, engagementId: string, rule?: AggregationRule) {
  const round = findRound(db, engagementId)
  const panel = findPanel(db, engagementId)
  if (!round || !panel) return null
  const sheet = db.select().from(sheetVersions).where(eq(sheetVersions.id, round.sheetVersionId)).get()!
  const tree = parseTree(sheet.treeJson)
  const submitted = listSeats(db, panel.id).filter((s) => s.status === 'accepted' && submissionOf(db, round.id, s.id))
  const experts = submitted.map((s, i) => ({ key: expertPseudonym(i), seatId: s.id, name: s.expertName }))
  const cells: ScoreCell[] = experts.flatMap((x) => [...latestEntries(db, round.id, x.seatId).values()].map((e) => ({ expertKey: x.key, code: e.code, score: e.score })))
  const chosen = rule ?? round.aggregationRule
  if (experts.length === 0) return { round, rule: chosen, experts, consolidation: null, divergence: [], agreement: null, sensitivity: null }
  const bands = bandsOf(round)
  const consolidation = consolidate(tree, cells, chosen, bands)
  return {
    round,
    rule: chosen,
    experts,
    consolidation,
    divergence: divergenceFlags(consolidation.leaves, round.divergencePercent / 100),
    agreement: agreementSummary(tree, cells),
    sensitivity: sensitivity(tree, cells, chosen, bands),
  }
}

/** The consolidation stored when the lead closed scoring: what reports cite. */
export function storedConsolidation(db: Db | Tx, engagementId: string) {
  const round = findRound(db, engagementId)
  if (!round) return null
  const row = db.select().from(consolidationResults).where(eq(consolidationResults.roundId, round.id)).get()
  if (!row) return null
  return {
    rule: row.rule,
    bands: JSON.parse(row.bandsJson) as GradeBand[],
    entries: JSON.parse(row.entriesJson) as Record<string, Record<string, number>>,
    consolidation: JSON.parse(row.resultJson) as Consolidation,
    total: row.total,
    grade: row.grade,
    createdAt: row.createdAt,
  }
}

/**
 * The consolidation page: per-expert scores are the project lead's (and the agency admin's) to see
 * while scoring runs (issue 5: nobody else sees them before the discussion phase).
 */
export function consolidationPage(db: Db, actor: Actor, engagementId: string, rule: AggregationRule | undefined) {
  const e = engagementForViewer(db, actor, engagementId)
  // Reading the named scores is the team's working record (like its reports) in every stage, 归档
  // included: the lead and the agency admin must still find what the report rests on. Changing the
  // phase or asking for justification checks panel.manage, which a closed engagement refuses.
  if (!e || !can(actor, 'report.view', engagementResource(e))) return undefined
  if (!mayLeadScoring(actor, e)) return undefined
  const result = consolidationOf(db, e.id, rule)
  if (!result) return { engagement: { id: e.id, name: e.name }, round: null }
  if (!scoringAllows(result.round.phase, 'lead', 'see_other_expert_scores')) return undefined
  return {
    engagement: { id: e.id, name: e.name },
    ...result,
    history: scoreHistory(db, e.id, result.experts),
    opinion: opinionOf(db, e.id),
    requests: requestsForLead(db, result.round.id, result.experts),
    stored: storedConsolidation(db, e.id),
  }
}

const phaseSchema = z.object({ to: choice(['discussion', 'closed'] as const, '请选择阶段'), version: z.preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN), z.number({ invalid_type_error: '表单已过期，请刷新后重试' })) })

/** The lead of the engagement (or the agency admin) may drive its scoring phases. */
function mayLeadScoring(actor: Actor, e: { leadUserId: string }): boolean {
  return actor.userId === e.leadUserId || actor.role === 'agency_admin'
}

/**
 * 进入讨论 (every accepted expert has submitted) and 结束评分. In discussion the experts who submitted
 * see the panel's scores and may rescore with a reason; closed is read-only.
 */
export function setScoringPhase(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ phase: string }> {
  const parsed = parseForm(phaseSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors }
  return inTransaction(db, (tx) => {
    const e = engagementForViewer(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'panel.manage', engagementResource(e)) || !mayLeadScoring(actor, e)) return { ok: false, status: 403, errors: { _form: '只有项目负责人可以推进评分阶段' } }
    const round = findRound(tx, e.id)
    if (!round) return { ok: false, status: 409, errors: { _form: '评分尚未开始' } }
    if (round.version !== parsed.data.version) return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
    const action = parsed.data.to === 'discussion' ? 'open_discussion' : 'close'
    if (!scoringAllows(round.phase, 'lead', action)) return { ok: false, status: 409, errors: { _form: `当前为「${PHASE_LABELS[round.phase]}」阶段，不能进入「${PHASE_LABELS[parsed.data.to]}」` } }
    if (parsed.data.to === 'discussion') {
      const panel = findPanel(tx, e.id)
      const pending = panel ? listSeats(tx, panel.id).filter((s) => s.status === 'accepted' && !submissionOf(tx, round.id, s.id)) : []
      if (pending.length > 0) return { ok: false, status: 409, errors: { _form: `还有 ${pending.length} 位专家未提交评分（${pending.map((s) => s.expertName).join('、')}）` } }
    }
    const at = now.toISOString()
    if (parsed.data.to === 'closed') storeConsolidation(tx, actor, e.id, now)
    tx.update(scoringRounds).set({ phase: parsed.data.to, updatedAt: at, version: sql`${scoringRounds.version} + 1` }).where(eq(scoringRounds.id, round.id)).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'scoring.phase', entity: 'engagement', entityId: e.id, before: { phase: round.phase }, after: { phase: parsed.data.to }, at: now })
    return { ok: true, value: { phase: parsed.data.to } }
  })
}

/**
 * On closing: open justify/rescore requests lapse, and the consolidation under the declared rule is
 * stored with the version of every score it used, so later reports cite exactly these numbers.
 */
function storeConsolidation(tx: Tx, actor: Actor, engagementId: string, now: Date) {
  const round = findRound(tx, engagementId)!
  tx.update(rescoreRequests).set({ status: 'lapsed', respondedAt: now.toISOString() }).where(and(eq(rescoreRequests.roundId, round.id), eq(rescoreRequests.status, 'open'))).run()
  const stored = recordConsolidation(tx, engagementId, actor.userId, now.toISOString())
  if (stored) appendAudit(tx, { actor: auditActor(actor), action: 'scoring.consolidate', entity: 'engagement', entityId: engagementId, after: stored, at: now })
}

/**
 * Writes the consolidation_results row for the round as its scores stand (the declared rule and
 * bands, the version of every score used). Returns what was stored, or null with no submitted sheet.
 */
export function recordConsolidation(tx: Tx, engagementId: string, userId: string, createdAt: string) {
  const result = consolidationOf(tx, engagementId)!
  if (!result.consolidation) return null
  const entries = Object.fromEntries(result.experts.map((x) => [x.seatId, Object.fromEntries([...latestEntries(tx, result.round.id, x.seatId)].map(([code, e]) => [code, e.versionNo]))]))
  tx.insert(consolidationResults)
    .values({
      id: newId(),
      roundId: result.round.id,
      rule: result.rule,
      bandsJson: JSON.stringify(bandsOf(result.round)),
      entriesJson: JSON.stringify(entries),
      resultJson: JSON.stringify(result.consolidation),
      total: result.consolidation.total,
      grade: result.consolidation.grade.grade,
      createdBy: userId,
      createdAt,
    })
    .run()
  return { rule: result.rule, total: result.consolidation.total, grade: result.consolidation.grade.grade, entries }
}

/** Every saved version of every score, for the lead: who (pseudonym), when, old → new, why. */
export function scoreHistory(db: Db | Tx, engagementId: string, experts: { key: string; seatId: string }[]) {
  const round = findRound(db, engagementId)
  if (!round) return []
  const keyOf = new Map(experts.map((x) => [x.seatId, x.key]))
  const rows = db.select().from(scoreEntries).where(eq(scoreEntries.roundId, round.id)).orderBy(scoreEntries.seatId, scoreEntries.code, scoreEntries.versionNo).all()
  const previous = new Map<string, number>()
  return rows
    .filter((r) => keyOf.has(r.seatId))
    .map((r) => {
      const k = `${r.seatId}/${r.code}`
      const before = previous.get(k) ?? null
      previous.set(k, r.score)
      return { expertKey: keyOf.get(r.seatId)!, code: r.code, versionNo: r.versionNo, before, after: r.score, reason: r.reason, rescoreReason: r.rescoreReason, at: r.createdAt }
    })
    .filter((h) => h.versionNo > 1)
}

/** The deduction reasons and comments of the submitted sheets, by pseudonym, for the matrix export. */
export function matrixReasons(db: Db | Tx, engagementId: string, experts: { key: string; seatId: string }[]) {
  const round = findRound(db, engagementId)
  if (!round) return []
  return experts.flatMap((x) =>
    [...latestEntries(db, round.id, x.seatId).values()]
      .filter((e) => e.reason !== '' || e.comment !== '')
      .map((e) => ({ expertKey: x.key, code: e.code, reason: e.reason, comment: e.comment })),
  )
}

// ---- 分歧处理: the lead asks experts to justify or rescore ------------------------------------

const requestSchema = z.object({
  code: z.string().min(1, '请选择指标').max(20),
  seatId: z.array(z.string()).min(1, '请至少选择一位专家').max(15),
  message: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().min(1, '请写明需要专家说明或重评的内容').max(1000, '说明不能超过 1000 个字符')),
})

/**
 * 请专家说明或重评: in the discussion phase the lead asks chosen experts (usually those at the
 * extremes of a divergent indicator) to justify their score or rescore it. One open request per
 * expert and indicator; a rescore or a justification answers it.
 */
export function requestJustification(db: Db, actor: Actor, engagementId: string, fd: FormData, now: Date): Result<{ count: number }> {
  return inTransaction(db, (tx) => {
    const e = engagementForViewer(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'panel.manage', engagementResource(e)) || !mayLeadScoring(actor, e)) return { ok: false, status: 403, errors: { _form: '只有项目负责人可以请专家说明或重评' } }
    const parsed = parseForm(requestSchema, fd, ['seatId'])
    if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
    const { code, seatId: seatIds, message } = parsed.data
    const result = consolidationOf(tx, e.id)
    if (!result || result.round.phase !== 'discussion') return { ok: false, status: 409, errors: { _form: '只有在讨论阶段才能请专家说明或重评' } }
    const leaf = result.consolidation?.leaves.find((l) => l.code === code)
    if (!leaf) return { ok: false, status: 400, errors: { code: '未找到该指标' }, values: formValues(fd, ['seatId']) }
    const chosen = result.experts.filter((x) => seatIds.includes(x.seatId))
    if (chosen.length !== new Set(seatIds).size) return { ok: false, status: 400, errors: { seatId: '所选专家不在已提交评分的专家中' }, values: formValues(fd, ['seatId']) }
    const open = tx
      .select({ seatId: rescoreRequests.seatId })
      .from(rescoreRequests)
      .where(and(eq(rescoreRequests.roundId, result.round.id), eq(rescoreRequests.code, code), eq(rescoreRequests.status, 'open')))
      .all()
    const pending = chosen.filter((x) => open.some((o) => o.seatId === x.seatId))
    if (pending.length > 0) return { ok: false, status: 409, errors: { seatId: `${pending.map((x) => x.key).join('、')}对该指标已有未答复的请求` }, values: formValues(fd, ['seatId']) }
    const at = now.toISOString()
    for (const x of chosen) tx.insert(rescoreRequests).values({ id: newId(), roundId: result.round.id, seatId: x.seatId, code, message, status: 'open', requestedBy: actor.userId, requestedAt: at }).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'scoring.request', entity: 'engagement', entityId: e.id, after: { code, experts: chosen.map((x) => x.key), message }, at: now })
    return { ok: true, value: { count: chosen.length } }
  })
}

const justifySchema = z.object({
  requestId: z.string().min(1).max(40),
  response: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().min(1, '请填写维持原评分的理由').max(2000, '理由不能超过 2000 个字符')),
})

/** 说明理由（维持评分）: the expert answers an open request without changing the score. */
export function justifyScore(db: Db, actor: Actor, seatId: string, fd: FormData, now: Date): Result<{ code: string }> {
  const parsed = parseForm(justifySchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [k === 'response' ? `response.${String(fd.get('requestId') ?? '')}` : k, v])), values: parsed.values }
  return inTransaction(db, (tx) => {
    const ctx = scorerContext(tx, actor, seatId)
    if (!ctx) return NOT_FOUND
    const request = tx
      .select()
      .from(rescoreRequests)
      .where(and(eq(rescoreRequests.id, parsed.data.requestId), eq(rescoreRequests.roundId, ctx.round.id), eq(rescoreRequests.seatId, ctx.seat.id)))
      .get()
    if (!request) return NOT_FOUND
    if (ctx.round.phase !== 'discussion' || request.status !== 'open') return { ok: false, status: 409, errors: { _form: '该请求已答复或讨论已结束' } }
    tx.update(rescoreRequests).set({ status: 'justified', response: parsed.data.response, respondedAt: now.toISOString() }).where(eq(rescoreRequests.id, request.id)).run()
    appendAudit(tx, { actor: auditActor(actor), action: 'scoring.justify', entity: 'seat', entityId: ctx.seat.id, after: { engagementId: ctx.panel.engagementId, code: request.code, response: parsed.data.response }, at: now })
    return { ok: true, value: { code: request.code } }
  })
}

/** Every request of the round with its answer, for the lead (experts by pseudonym). */
function requestsForLead(db: Db | Tx, roundId: string, experts: { key: string; seatId: string }[]) {
  const keyOf = new Map(experts.map((x) => [x.seatId, x.key]))
  return db
    .select()
    .from(rescoreRequests)
    .where(eq(rescoreRequests.roundId, roundId))
    .orderBy(rescoreRequests.requestedAt, rescoreRequests.code)
    .all()
    .map((r) => ({ id: r.id, expertKey: keyOf.get(r.seatId) ?? '—', code: r.code, message: r.message, status: r.status, response: r.response, requestedAt: r.requestedAt, respondedAt: r.respondedAt }))
    .sort((x, y) => x.requestedAt.localeCompare(y.requestedAt) || x.code.localeCompare(y.code) || x.expertKey.localeCompare(y.expertKey))
}

// ---- 专家组意见 ---------------------------------------------------------------------------------

type OpinionPart = { code: string; name: string; text: string }

/** The leader's own seat on this engagement, in a phase where the opinion is written. */
function leaderContext(db: Db | Tx, actor: Actor, seatId: string) {
  const ctx = scorerContext(db, actor, seatId)
  if (!ctx || !ctx.seat.isLeader) return undefined
  return ctx
}

/**
 * A draft built from the deduction reasons of the submitted sheets, grouped by level-1 indicator,
 * for the leader to edit: what the experts said, in their words, with who said it (pseudonyms).
 */
function draftOpinion(db: Db | Tx, engagementId: string): { overall: string; parts: OpinionPart[] } {
  const result = consolidationOf(db, engagementId)
  const round = findRound(db, engagementId)!
  const tree = parseTree(db.select().from(sheetVersions).where(eq(sheetVersions.id, round.sheetVersionId)).get()!.treeJson)
  const reasons = result ? matrixReasons(db, engagementId, result.experts) : []
  const parts = tree.roots.map((root) => {
    const names = new Map(walkTree({ weighted: true, roots: [root] }).map(({ node }) => [node.code, node.name]))
    const lines = reasons.filter((r) => names.has(r.code) && r.reason !== '').map((r) => `${names.get(r.code)}：${r.reason}（${r.expertKey}）`)
    return { code: root.code, name: root.name, text: lines.join('\n') }
  })
  const c = result?.consolidation
  const overall = c ? `经专家组评审，项目综合得分 ${c.total / 100} 分，评价等级为“${c.grade.grade}”。` : ''
  return { overall, parts }
}

export function opinionPage(db: Db, actor: Actor, seatId: string) {
  const ctx = leaderContext(db, actor, seatId)
  if (!ctx) return undefined
  const row = db.select().from(panelOpinions).where(eq(panelOpinions.roundId, ctx.round.id)).get()
  const draft = row ? { overall: row.overall, parts: JSON.parse(row.byLevel1Json) as OpinionPart[] } : draftOpinion(db, ctx.panel.engagementId)
  return { phase: ctx.round.phase, opinion: row ?? null, draft, mayWrite: ctx.round.phase !== 'scoring' && row?.status !== 'confirmed' }
}

const opinionSchema = z.object({
  intent: choice(['save', 'confirm'] as const, '不支持此操作'),
  overall: z.preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string().min(1, '请填写总体意见').max(5000, '总体意见不能超过 5000 个字符')),
  version: z.preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : 0), z.number()),
})

/** 保存 / 确认专家组意见: only the leader, after independent scoring; confirming makes it final. */
export function saveOpinion(db: Db, actor: Actor, seatId: string, fd: FormData, now: Date): Result<{ status: string }> {
  const parsed = parseForm(opinionSchema, fd)
  if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, values: parsed.values }
  return inTransaction(db, (tx) => {
    const ctx = leaderContext(tx, actor, seatId)
    if (!ctx) return NOT_FOUND
    if (ctx.round.phase === 'scoring') return { ok: false, status: 409, errors: { _form: '独立评分结束（进入讨论阶段）后才能形成专家组意见' } }
    const existing = tx.select().from(panelOpinions).where(eq(panelOpinions.roundId, ctx.round.id)).get()
    if (existing?.status === 'confirmed') return { ok: false, status: 409, errors: { _form: '专家组意见已确认，不能再修改' } }
    if ((existing?.version ?? 0) !== parsed.data.version) return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE } }
    const parts = tree1Parts(ctx.tree).map((p) => ({ ...p, text: cleanText(String(fd.get(`part.${p.code}`) ?? '')).slice(0, 5000) }))
    const at = now.toISOString()
    const confirm = parsed.data.intent === 'confirm'
    const fields = { overall: parsed.data.overall, byLevel1Json: JSON.stringify(parts), status: confirm ? ('confirmed' as const) : ('draft' as const), confirmedBy: confirm ? actor.userId : null, confirmedAt: confirm ? at : null, updatedAt: at }
    if (existing) tx.update(panelOpinions).set({ ...fields, version: sql`${panelOpinions.version} + 1` }).where(eq(panelOpinions.id, existing.id)).run()
    else tx.insert(panelOpinions).values({ id: newId(), roundId: ctx.round.id, writtenBy: actor.userId, ...fields }).run()
    if (confirm) appendAudit(tx, { actor: auditActor(actor), action: 'opinion.confirm', entity: 'engagement', entityId: ctx.panel.engagementId, after: { overall: parsed.data.overall, parts: parts.map((p) => p.code) }, at: now })
    return { ok: true, value: { status: fields.status } }
  })
}

function tree1Parts(tree: { roots: { code: string; name: string }[] }): OpinionPart[] {
  return tree.roots.map((r) => ({ code: r.code, name: r.name, text: '' }))
}

/** The opinion as the lead reads it on the consolidation page. */
export function opinionOf(db: Db | Tx, engagementId: string) {
  const round = findRound(db, engagementId)
  if (!round) return null
  const row = db.select().from(panelOpinions).where(eq(panelOpinions.roundId, round.id)).get()
  return row ? { overall: row.overall, parts: JSON.parse(row.byLevel1Json) as OpinionPart[], status: row.status, confirmedAt: row.confirmedAt } : null
}
