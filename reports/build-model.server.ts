// The only report code that reads the database: one engagement and report type become a
// ReportModel, read in one transaction so every number comes from the same snapshot. Composers and
// renderers take the model and nothing else. Who may generate which report is the caller's check
// (the route or the CLI); this reads whatever the engagement holds.
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.server'
import { engagements, frameworks, frameworkVersions, organizations, scoreEntries, scoreSubmissions, sheetVersions, specialties, users } from '../db/schema'
import { engagementKindLabel, budgetTypeLabel } from '../app/domain/engagement'
import { TITLES, labelOf, type Title } from '../app/domain/experts/vocab'
import type { IndicatorTree } from '../app/domain/indicators/tree'
import type { Consolidation } from '../app/domain/scoring/aggregate'
import type { GradeBand } from '../app/domain/scoring/grade'
import { expertPseudonym } from '../app/domain/scoring/pseudonyms'
import { listMembers, listUnits } from '../app/models/engagement.server'
import { feedbackLog } from '../app/models/feedback.server'
import { currentSheet, parseTree } from '../app/models/framework.server'
import { findPanel, listSeats, specialtiesByExpert, type SeatView } from '../app/models/panel.server'
import { evidenceItems } from '../app/models/working-papers.server'
import { surveysForReport } from '../app/models/surveys.server'
import { beijingDate } from '../app/domain/finance/rectification'
import type { ServiceResult } from '../app/services/engagement.server'
import { bandsOf, consolidationOf, findRound, opinionOf, scoreHistory, storedConsolidation, type RoundRow } from '../app/services/scoring.server'
import type { Verification } from './document'
import { chineseNumber, clause, listJoin, rate } from './format'
import {
  dimensionVerdict,
  distinctReasons,
  EMPTY_NARRATIVE,
  leavesOf,
  missingFor,
  NARRATIVE_SECTIONS,
  scoreOf,
  scoringFactsOf,
  type EngagementFacts,
  type ExpertSheet,
  type Narrative,
  type NarrativeKey,
  type PanelFacts,
  type ReportModel,
  type ReportStage,
  type ReportType,
  type ScoringFacts,
  type SheetFacts,
} from './model'

export type BuildOptions = {
  stage: ReportStage
  /** ISO-8601 UTC: the report's date; fixing it fixes the output. */
  generatedAt: string
  verification: Verification | null
  /** What people wrote; a section left out is filled with its draft (listed in model.drafted). */
  narrative?: Partial<Narrative>
  /** Overrides the panel's own setting (names or 专家A/B/C) for this report. */
  showExpertNames?: boolean
}

const fail = (status: 404 | 409, message: string) => ({ ok: false as const, status, errors: { _form: message } })

function engagementFacts(tx: Tx, engagementId: string): EngagementFacts | null {
  const row = tx.select().from(engagements).where(eq(engagements.id, engagementId)).get()
  if (!row) return null
  const orgName = (id: string) => tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, id)).get()?.name ?? ''
  const lead = tx.select({ name: users.displayName }).from(users).where(eq(users.id, row.leadUserId)).get()?.name ?? ''
  return {
    id: row.id,
    name: row.name,
    year: row.year,
    kind: row.kind,
    kindLabel: engagementKindLabel(row.kind),
    budgetTypeLabel: budgetTypeLabel(row.budgetType),
    fundsFen: row.fundsFen,
    bureau: orgName(row.financeBureauId),
    agency: orgName(row.agencyId),
    units: listUnits(tx, row.id).map((u) => ({ name: u.name, competentDepartment: u.competentDepartment })),
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    contractNo: row.contractNo,
    lead,
    team: listMembers(tx, row.id)
      .filter((m) => m.id !== row.leadUserId)
      .map((m) => m.displayName),
  }
}

/** The sheet the round scored, or before scoring the engagement's current sheet. */
function sheetFacts(tx: Tx, engagementId: string, round: RoundRow | undefined): SheetFacts | null {
  const sheet = round ? tx.select().from(sheetVersions).where(eq(sheetVersions.id, round.sheetVersionId)).get() : currentSheet(tx, engagementId)
  if (!sheet) return null
  const basedOn = sheet.frameworkVersionId
    ? (tx.select({ name: frameworks.name }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworkVersions.id, sheet.frameworkVersionId)).get()?.name ?? null)
    : null
  return { versionNo: sheet.versionNo, frozenAt: sheet.frozenAt, basedOn, tree: parseTree(sheet.treeJson) }
}

type Counted = { key: string; seatId: string }

/** The score rows a consolidation used: expert → code → the entry (score, reason) of that version. */
function usedEntries(tx: Tx, roundId: string, counted: Counted[], versions: Record<string, Record<string, number>>) {
  const keyOf = new Map(counted.map((c) => [c.seatId, c.key]))
  const rows = counted.length === 0 ? [] : tx.select().from(scoreEntries).where(and(eq(scoreEntries.roundId, roundId), inArray(scoreEntries.seatId, counted.map((c) => c.seatId)))).all()
  return rows.filter((r) => versions[r.seatId]?.[r.code] === r.versionNo).map((r) => ({ expert: keyOf.get(r.seatId)!, seatId: r.seatId, code: r.code, score: r.score, text: r.reason }))
}

/** The latest version number of every score of the counted seats (a live consolidation's versions). */
function latestVersions(tx: Tx, roundId: string, counted: Counted[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {}
  if (counted.length === 0) return out
  const rows = tx.select({ seatId: scoreEntries.seatId, code: scoreEntries.code, versionNo: scoreEntries.versionNo }).from(scoreEntries).where(and(eq(scoreEntries.roundId, roundId), inArray(scoreEntries.seatId, counted.map((c) => c.seatId)))).orderBy(asc(scoreEntries.versionNo)).all()
  for (const r of rows) (out[r.seatId] ??= {})[r.code] = r.versionNo
  return out
}

/** Scoring facts from the stored result when scoring closed, else from a live consolidation. */
function scoringFacts(tx: Tx, engagementId: string, round: RoundRow): { facts: ScoringFacts; entries: ReturnType<typeof usedEntries>; counted: Counted[] } | null {
  const live = consolidationOf(tx, engagementId)
  if (!live?.consolidation) return null
  const stored = storedConsolidation(tx, engagementId)
  const counted = live.experts.map((x) => ({ key: x.key, seatId: x.seatId }))
  const bySeat: Record<string, Record<string, number>> = stored ? stored.entries : latestVersions(tx, round.id, counted)
  const consolidation: Consolidation = stored ? stored.consolidation : live.consolidation
  const bands: GradeBand[] = stored ? stored.bands : bandsOf(round)
  const entries = usedEntries(tx, round.id, counted, bySeat)
  const versions = Object.fromEntries(counted.map((c) => [c.key, bySeat[c.seatId] ?? {}]))
  const rescores = scoreHistory(tx, engagementId, counted)
    .filter((h) => h.rescoreReason !== '')
    .map((h) => ({ expert: h.expertKey, code: h.code, before: h.before, after: h.after, reason: h.rescoreReason, at: h.at }))
  const facts = scoringFactsOf({
    consolidation,
    bands,
    experts: counted.map((c) => c.key),
    reasons: entries.map((e) => ({ expert: e.expert, code: e.code, text: e.text })),
    versions,
    divergencePercent: round.divergencePercent,
    final: stored !== null,
    closedAt: stored?.createdAt ?? null,
    rescores,
  })
  return { facts, entries, counted }
}

function panelFacts(tx: Tx, engagementId: string, counted: Counted[], showOverride: boolean | undefined): { facts: PanelFacts; seats: SeatView[] } | null {
  const panel = findPanel(tx, engagementId)
  if (!panel) return null
  const seats = listSeats(tx, panel.id).filter((s) => s.status === 'accepted')
  const showNames = showOverride ?? panel.showExpertNames
  const keyOf = new Map(counted.map((c) => [c.seatId, c.key]))
  let next = counted.length
  const specialtyLabels = new Map(tx.select().from(specialties).all().map((s) => [s.code, s.label]))
  const bySpecialty = specialtiesByExpert(tx, seats.map((s) => s.expertId))
  const members = seats.map((s) => {
    const key = keyOf.get(s.id) ?? expertPseudonym(next++)
    const codes = s.specialtyCode ? [s.specialtyCode] : (bySpecialty[s.expertId] ?? [])
    return {
      key,
      displayName: showNames ? s.expertName : key,
      employer: showNames ? s.expertEmployer : '',
      title: labelOf(TITLES, s.expertTitle as Title),
      specialty: codes.map((c) => specialtyLabels.get(c) ?? c).join('、'),
      leader: s.isLeader,
    }
  })
  // Pseudonyms follow seat order within each group; the list reads A, B, C … however seats interleave.
  members.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }))
  return { facts: { showNames, reviewDate: panel.reviewDate, size: panel.size, members }, seats }
}

/** Each accepted expert's own sheet: the scores the consolidation used, or blank if not submitted. */
function expertSheets(tx: Tx, round: RoundRow | undefined, tree: IndicatorTree, seats: SeatView[], used: { seatId: string; code: string; score: number; text: string }[]): ExpertSheet[] {
  const leaves = leavesOf(tree).map((l) => l.node.code)
  return seats.map((s) => {
    const submission = round ? tx.select().from(scoreSubmissions).where(and(eq(scoreSubmissions.roundId, round.id), eq(scoreSubmissions.seatId, s.id))).orderBy(asc(scoreSubmissions.submittedAt)).all().at(-1) : undefined
    const mine = new Map(used.filter((u) => u.seatId === s.id).map((u) => [u.code, u]))
    return {
      name: s.expertName,
      employer: s.expertEmployer,
      title: labelOf(TITLES, s.expertTitle as Title),
      leader: s.isLeader,
      submittedAt: submission?.submittedAt ?? null,
      entries: leaves.map((code) => {
        const entry = submission ? mine.get(code) : undefined
        return { code, score: entry?.score ?? null, reason: entry?.text ?? '' }
      }),
    }
  })
}

/**
 * The model of one report of one engagement, or a typed failure (Chinese, for the UI and the CLI):
 * 404 for an unknown engagement, 409 when it lacks what the type needs (no sheet, no submitted
 * scores for a report, no panel for score sheets) or a final report is asked before scoring closed.
 */
export function buildReportModel(db: Db, engagementId: string, type: ReportType, options: BuildOptions): ServiceResult<ReportModel> {
  return db.transaction(
    (tx) => {
      const engagement = engagementFacts(tx, engagementId)
      if (!engagement) return fail(404, '未找到该评价项目')
      const round = findRound(tx, engagementId)
      const sheet = sheetFacts(tx, engagementId, round)
      const scored = round ? scoringFacts(tx, engagementId, round) : null
      const panel = panelFacts(tx, engagementId, scored?.counted ?? [], options.showExpertNames)
      const missing = missingFor(type, { hasSheet: sheet !== null, hasScoring: scored !== null, hasPanel: (panel?.seats.length ?? 0) > 0, kind: engagement.kind })
      if (missing || !sheet) return fail(409, missing ?? '尚未建立评分表，不能生成报告')
      const isReport = type === 'evaluation' || type === 'ex-ante'
      if (isReport && options.stage === 'final' && !scored?.facts.final) return fail(409, '评分尚未结束：定稿须在项目负责人结束评分（汇总结果存档）后生成')
      const opinion = opinionOf(tx, engagementId)
      const base: ReportModel = {
        type,
        document: { stage: options.stage, generatedAt: options.generatedAt, verification: options.verification },
        engagement,
        sheet,
        // Score sheets carry scores by name in expertSheets; the pseudonymous facts stay out of them.
        scoring: isReport ? (scored?.facts ?? null) : null,
        panel: panel?.facts ?? null,
        expertSheets: type === 'score-sheets' && panel ? expertSheets(tx, round, sheet.tree, panel.seats, scored?.entries ?? []) : [],
        opinion: opinion?.status === 'confirmed' ? { overall: opinion.overall, parts: opinion.parts, confirmedAt: opinion.confirmedAt } : null,
        narrative: EMPTY_NARRATIVE,
        drafted: [],
        // 佐证材料清单 from the working papers on indicators (the bench fills its own).
        evidence: evidenceItems(tx, engagementId, (iso) => beijingDate(new Date(iso))),
        feedback: feedbackLog(tx, engagementId, type),
        surveys: isReport ? surveysForReport(tx, engagementId) : [],
      }
      const draft = draftNarrative(base)
      const written = options.narrative ?? {}
      const narrative = Object.fromEntries((Object.keys(EMPTY_NARRATIVE) as NarrativeKey[]).map((k) => [k, written[k] ?? draft[k]])) as Narrative
      const drafted = NARRATIVE_SECTIONS[type].map((s) => s.key).filter((k) => written[k] === undefined)
      return { ok: true as const, value: { ...base, narrative, drafted } }
    },
    { behavior: 'deferred' },
  )
}

// ---- drafts of the human sections ------------------------------------------------------------

const STANDARD_SUGGESTIONS: Record<string, string> = {
  决策: '进一步加强项目立项论证，细化量化绩效目标和指标，按标准科学测算预算',
  过程: '健全并严格执行资金和业务管理制度，规范资金使用审批和档案管理',
  产出: '加强项目实施进度和质量管控，确保产出目标按期保质完成',
  效益: '加强政策宣传和实施效果跟踪评估，持续提升项目效益和服务对象满意度',
}

const numbered = (lines: string[]) => lines.map((line, i) => `${chineseNumber(i + 1)}是${line}`).join('\n')

/** Per level-1 indicator: its name, rate and the deducted leaves with their distinct reasons. */
function deductionsByLevel1(model: ReportModel) {
  const scoring = model.scoring
  if (!scoring) return []
  return model.sheet.tree.roots.map((root) => {
    const leaves = leavesOf({ weighted: true, roots: [root] }).map((l) => l.node)
    const deducted = leaves
      .filter((leaf) => scoreOf(scoring, leaf.code) < leaf.weight)
      .map((leaf) => ({ name: leaf.name, reasons: distinctReasons(scoring.results.find((r) => r.code === leaf.code)) }))
    const full = leaves.filter((leaf) => leaf.weight > 0 && scoreOf(scoring, leaf.code) === leaf.weight).map((leaf) => leaf.name)
    return { root, rate: rate(scoreOf(scoring, root.code), root.weight), deducted, full }
  })
}

function divergenceDraft(model: ReportModel): string {
  const scoring = model.scoring
  if (!scoring || scoring.divergences.length === 0) return ''
  const nameOf = new Map(leavesOf(model.sheet.tree).map((l) => [l.node.code, l.node.name]))
  const names = scoring.divergences.map((d) => nameOf.get(d.code) ?? d.code)
  const rescored = scoring.rescores.map((r) => `${r.expert}对“${nameOf.get(r.code) ?? r.code}”重新评分（${clause(r.reason)}）`)
  return `专家评审中，${listJoin(names)}共${names.length}项指标的专家评分极差超过分值的${scoring.divergencePercent}%，经专家组讨论${rescored.length > 0 ? `，${rescored.join('；')}` : '，相关专家说明了评分理由'}。`
}

/**
 * Drafts of the sections people write, from the data, for the UI to edit: problems from the
 * deduction reasons grouped by level-1 indicator, experience from the indicators at full marks,
 * suggestions per level-1 indicator that lost points, and the divergences and rescores under 其他.
 * Rectification history joins 其他 once rectification is recorded (none is yet).
 */
export function draftNarrative(model: ReportModel): Narrative {
  const groups = deductionsByLevel1(model)
  const lossy = groups.filter((g) => g.deducted.length > 0)
  if (model.type === 'ex-ante') {
    const weak = groups.filter((g) => dimensionVerdict(scoreOf(model.scoring!, g.root.code), g.root.weight) !== '充分')
    return {
      ...EMPTY_NARRATIVE,
      suggestions: numbered(weak.map((g) => `${g.root.name}方面：${g.deducted.flatMap((d) => d.reasons).join('')}建议项目单位据此调整完善。`)),
      other: divergenceDraft(model),
    }
  }
  if (model.type !== 'evaluation') return { ...EMPTY_NARRATIVE }
  return {
    ...EMPTY_NARRATIVE,
    experience: numbered(groups.filter((g) => g.full.length > 0).map((g) => `${g.root.name}方面，${listJoin(g.full)}${g.full.length > 1 ? '等指标' : '指标'}得满分。`)),
    problems: numbered(lossy.map((g) => `${g.root.name}方面（得分率${g.rate}）：${g.deducted.map((d) => `${d.name}——${d.reasons.join('') || '专家组未填写扣分原因。'}`).join('')}`)),
    suggestions: numbered(lossy.map((g) => `针对${listJoin(g.deducted.map((d) => d.name))}等方面的问题，建议${STANDARD_SUGGESTIONS[g.root.name] ?? '逐项分析扣分原因并制定整改措施'}。`)),
    other: divergenceDraft(model),
  }
}
