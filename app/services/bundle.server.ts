// The interchange bundle (docs/bundle.md): export one engagement with its frozen sheet, panel and
// every score version as JSON, and import such a file as a new engagement. Ids in a file are never
// used: every row gets a new id, and the file refers to its own parts by its own keys (seat keys,
// indicator codes). An import is one transaction with one audit row, or nothing at all.
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import {
  declarations,
  engagementMembers,
  engagements,
  experts,
  organizations,
  consolidationResults,
  panelOpinions,
  rescoreRequests,
  scoreEntries,
  scoreSubmissions,
  scoringRounds,
  seats,
  sheetVersions,
  specialties,
  users,
} from '../../db/schema'
import { walkTree } from '../domain/indicators/tree'
import type { Stage } from '../domain/stages'
import { newId } from '../ids.server'
import { appendAudit, type AuditActor } from '../models/audit.server'
import { insertStageTransition, listUnits, replaceMembers, replaceUnits } from '../models/engagement.server'
import { findOrCreateEvaluatedUnit } from '../models/evaluated-unit.server'
import { currentSheet, parseTree, serializeTree } from '../models/framework.server'
import { findOrganizationByName, getOrganization } from '../models/organization.server'
import { findPanel, insertDeclaration, insertPanel, insertSeat } from '../models/panel.server'
import { commissionFlagAt, commissionFlagColumn } from './commission-flag.server'
import { BUNDLE_FORMAT, expertIdentity, jsonPath, parseBundle, type Bundle, type BundleProblem, type BundleSeat } from './bundle-schema'
import { findRound, recordConsolidation } from './scoring.server'
import { inTransaction } from './transaction.server'

export type { Bundle, BundleProblem } from './bundle-schema'

type Q = Db | Tx
type SeatKind = BundleSeat['kind']

// An imported panel has no draw record, so every imported seat is a manual appointment whose
// reason says so and keeps what the seat was; export reads that back, so a round trip is lossless.
export const IMPORTED_SEAT_REASON = '由数据包导入'
const SEAT_KIND_LABELS: Record<SeatKind, string> = { drawn: '随机抽取', reserve: '候补', manual: '指定' }
const IMPORTED_REASON_PATTERN = new RegExp(`^${IMPORTED_SEAT_REASON}（原为(随机抽取|候补|指定)(?:，理由：([\\s\\S]*))?）$`)

export function importedSeatReason(kind: SeatKind, manualReason: string): string {
  return `${IMPORTED_SEAT_REASON}（原为${SEAT_KIND_LABELS[kind]}${manualReason ? `，理由：${manualReason}` : ''}）`
}

/** The seat as the file describes it: an imported seat reads back as what it was before import. */
function originalSeat(kind: SeatKind, manualReason: string): { kind: SeatKind; manualReason: string } {
  const m = kind === 'manual' ? IMPORTED_REASON_PATTERN.exec(manualReason) : null
  if (!m) return { kind, manualReason }
  const original = (Object.keys(SEAT_KIND_LABELS) as SeatKind[]).find((k) => SEAT_KIND_LABELS[k] === m[1])!
  return { kind: original, manualReason: m[2] ?? '' }
}

// ---- export ---------------------------------------------------------------------------------------

function person(db: Q, userId: string) {
  const u = db.select({ username: users.username, displayName: users.displayName }).from(users).where(eq(users.id, userId)).get()!
  return { username: u.username, displayName: u.displayName }
}

function orgName(db: Q, id: string): string {
  return db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, id)).get()!.name
}

/** The engagement as a bundle, or null when there is no such engagement. Business times are kept as stored. */
export function exportBundle(db: Q, engagementId: string): Bundle | null {
  const e = db.select().from(engagements).where(eq(engagements.id, engagementId)).get()
  if (!e) return null
  const members = db
    .select({ username: users.username, displayName: users.displayName })
    .from(engagementMembers)
    .innerJoin(users, eq(users.id, engagementMembers.userId))
    .where(eq(engagementMembers.engagementId, e.id))
    .orderBy(asc(users.username))
    .all()
  const round = findRound(db, e.id)
  const sheet = round ? db.select().from(sheetVersions).where(eq(sheetVersions.id, round.sheetVersionId)).get() : currentSheet(db, e.id)
  const panel = findPanel(db, e.id)
  const seatRows = panel
    ? db.select({ seat: seats, expert: experts }).from(seats).innerJoin(experts, eq(experts.id, seats.expertId)).where(eq(seats.panelId, panel.id)).orderBy(asc(seats.position), asc(seats.createdAt), asc(seats.id)).all()
    : []
  const keyOf = new Map(seatRows.map((r, i) => [r.seat.id, `S${i + 1}`]))
  const order = new Map(seatRows.map((r, i) => [r.seat.id, i]))
  const signed = seatRows.length > 0 ? db.select().from(declarations).where(inArray(declarations.seatId, [...keyOf.keys()])).orderBy(asc(declarations.signedAt), asc(declarations.id)).all() : []
  return {
    format: BUNDLE_FORMAT,
    source: { engagementId: e.id },
    engagement: {
      name: e.name,
      year: e.year,
      kind: e.kind as Bundle['engagement']['kind'],
      budgetType: e.budgetType as Bundle['engagement']['budgetType'],
      fundsFen: e.fundsFen,
      periodStart: e.periodStart,
      periodEnd: e.periodEnd,
      contractNo: e.contractNo,
      stage: e.stage as Stage,
      agency: orgName(db, e.agencyId),
      financeBureau: orgName(db, e.financeBureauId),
      lead: person(db, e.leadUserId),
      members,
      units: listUnits(db, e.id).map((u) => ({ name: u.name, competentDepartment: u.competentDepartment })),
    },
    sheet: sheet ? { versionNo: sheet.versionNo, status: sheet.status, reason: sheet.reason, frozenAt: sheet.frozenAt, tree: parseTree(sheet.treeJson) } : null,
    panel: panel
      ? {
          size: panel.size,
          reserveCount: panel.reserveCount,
          quotas: JSON.parse(panel.quotasJson) as { specialtyCode: string; count: number }[],
          reviewDate: panel.reviewDate,
          reviewDaysHundredths: panel.reviewDaysHundredths,
          maxDrawsPerYear: panel.maxDrawsPerYear,
          creditThreshold: panel.creditThreshold,
          lookbackYears: panel.lookbackYears,
          replyHours: panel.replyHours,
          showExpertNames: panel.showExpertNames,
          seats: seatRows.map(({ seat: s, expert: x }) => ({
            key: keyOf.get(s.id)!,
            expert: { name: x.name, title: x.title, employer: x.employer, region: x.region, phone: x.phone, email: x.email },
            ...originalSeat(s.kind, s.manualReason),
            specialtyCode: s.specialtyCode,
            position: s.position,
            isLeader: s.isLeader,
            status: s.status,
            invitedAt: s.invitedAt,
            replyBy: s.replyBy,
            respondedAt: s.respondedAt,
            declineReason: s.declineReason,
            createdAt: s.createdAt,
            declarations: signed.filter((d) => d.seatId === s.id).map((d) => ({ textVersion: d.textVersion, textHash: d.textHash, factsHash: d.factsHash, signedAt: d.signedAt })),
          })),
        }
      : null,
    scoring: round ? scoringPart(db, round, keyOf, order) : null,
  }
}

function scoringPart(db: Q, round: typeof scoringRounds.$inferSelect, keyOf: Map<string, string>, order: Map<string, number>): NonNullable<Bundle['scoring']> {
  const bySeat = (a: { seatId: string }, b: { seatId: string }) => (order.get(a.seatId) ?? 0) - (order.get(b.seatId) ?? 0)
  const entries = db
    .select()
    .from(scoreEntries)
    .where(eq(scoreEntries.roundId, round.id))
    .orderBy(asc(scoreEntries.code), asc(scoreEntries.versionNo))
    .all()
    .sort(bySeat)
  const submitted = db.select().from(scoreSubmissions).where(eq(scoreSubmissions.roundId, round.id)).orderBy(asc(scoreSubmissions.submittedAt), asc(scoreSubmissions.id)).all().sort(bySeat)
  const opinion = db.select().from(panelOpinions).where(eq(panelOpinions.roundId, round.id)).get()
  const result = db.select().from(consolidationResults).where(eq(consolidationResults.roundId, round.id)).get()
  return {
    phase: round.phase,
    aggregationRule: round.aggregationRule,
    stepHundredths: round.stepHundredths,
    softDeadline: round.softDeadline,
    hardDeadline: round.hardDeadline,
    openedAt: round.openedAt,
    divergencePercent: round.divergencePercent,
    bands: round.bandsJson ? (JSON.parse(round.bandsJson) as { grade: string; label: string; minRate: number }[]) : null,
    entries: entries.map((r) => ({ seat: keyOf.get(r.seatId)!, code: r.code, versionNo: r.versionNo, score: r.score, reason: r.reason, comment: r.comment, rescoreReason: r.rescoreReason, createdAt: r.createdAt })),
    submissions: submitted.map((r) => ({ seat: keyOf.get(r.seatId)!, submittedAt: r.submittedAt, late: r.late })),
    opinion: opinion
      ? { overall: opinion.overall, parts: JSON.parse(opinion.byLevel1Json) as { code: string; name: string; text: string }[], status: opinion.status, confirmedAt: opinion.confirmedAt, updatedAt: opinion.updatedAt }
      : null,
    requests: db
      .select()
      .from(rescoreRequests)
      .where(eq(rescoreRequests.roundId, round.id))
      .orderBy(asc(rescoreRequests.requestedAt), asc(rescoreRequests.id))
      .all()
      .sort(bySeat)
      .map((q) => ({ seat: keyOf.get(q.seatId)!, code: q.code, message: q.message, status: q.status, response: q.response, responseVersionNo: q.responseVersionNo, requestedAt: q.requestedAt, respondedAt: q.respondedAt })),
    result: result ? { rule: result.rule, total: result.total, grade: result.grade, createdAt: result.createdAt } : null,
  }
}

// ---- import ---------------------------------------------------------------------------------------

export type ImportSummary = {
  engagementName: string
  indicators: number
  leaves: number
  seats: number
  experts: { reused: number; created: number }
  scoreVersions: number
  rescores: number
  submissions: number
}

export type ImportResult = { ok: true; engagementId: string; summary: ImportSummary } | { ok: false; problems: BundleProblem[] }

export type ImportOptions = {
  /** The agency that receives the engagement; by default the one named in the file. */
  orgId?: string
  now: Date
  /** Who the audit row names; the command line by default. */
  actor?: AuditActor
}

type ExpertMatch = { expertId: string; userId: string | null } | { create: BundleSeat['expert'] }

type Resolved = {
  agencyId: string
  financeBureauId: string
  leadUserId: string
  memberIds: string[]
  /** By expert identity within the file (expertIdentity). */
  experts: Map<string, ExpertMatch>
}

function activeStaff(db: Q, agencyId: string) {
  return db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(eq(users.organizationId, agencyId), eq(users.status, 'active'), inArray(users.role, ['agency_admin', 'evaluator'])))
    .all()
}

/**
 * An expert of the file is the pool's expert with the same name and the same phone or e-mail;
 * without either, the same name and employer among pool experts who have no contact either.
 * No match: a new pool expert. More than one: a problem (the file must say which).
 */
function matchExpert(db: Q, e: BundleSeat['expert']): ExpertMatch | { ambiguous: number } {
  const sameName = db.select({ id: experts.id, userId: experts.userId, phone: experts.phone, email: experts.email, employer: experts.employer }).from(experts).where(eq(experts.name, e.name)).all()
  const email = e.email.trim().toLowerCase()
  const phone = e.phone.trim()
  const found =
    phone || email
      ? sameName.filter((x) => (phone !== '' && x.phone.trim() === phone) || (email !== '' && x.email.trim().toLowerCase() === email))
      : sameName.filter((x) => x.employer === e.employer && x.phone.trim() === '' && x.email.trim() === '')
  if (found.length > 1) return { ambiguous: found.length }
  const only = found[0]
  return only ? { expertId: only.id, userId: only.userId } : { create: e }
}

/** Every name in the file that must exist here, resolved; or every one that does not. */
function resolve(db: Q, b: Bundle, orgId: string | undefined): { ok: true; value: Resolved } | { ok: false; problems: BundleProblem[] } {
  const problems: BundleProblem[] = []
  const problem = (path: (string | number)[] | string, message: string) => problems.push({ path: typeof path === 'string' ? path : jsonPath(path), message })
  const agency = orgId !== undefined ? getOrganization(db, orgId) : findOrganizationByName(db, b.engagement.agency)
  if (!agency || agency.kind !== 'agency') {
    if (orgId !== undefined) problem('--org', `未找到编号为 ${orgId} 的评价机构`)
    else problem(['engagement', 'agency'], `未找到名为「${b.engagement.agency}」的评价机构；请先创建该机构，或用 --org 指定`)
  } else if (agency.status !== 'active') problem(orgId !== undefined ? '--org' : ['engagement', 'agency'], `评价机构「${agency.name}」已停用`)
  const bureau = findOrganizationByName(db, b.engagement.financeBureau)
  if (!bureau || bureau.kind !== 'finance_bureau') problem(['engagement', 'financeBureau'], `未找到名为「${b.engagement.financeBureau}」的财政局`)
  const staff = new Map((agency ? activeStaff(db, agency.id) : []).map((u) => [u.username, u.id]))
  const leadUserId = staff.get(b.engagement.lead.username)
  if (agency && !leadUserId) problem(['engagement', 'lead', 'username'], `「${agency.name}」没有用户名为 ${b.engagement.lead.username} 的在岗评价人员或机构管理员`)
  const memberIds: string[] = []
  b.engagement.members.forEach((m, i) => {
    const id = staff.get(m.username)
    if (id) memberIds.push(id)
    else if (agency) problem(['engagement', 'members', i, 'username'], `「${agency.name}」没有用户名为 ${m.username} 的在岗人员`)
  })
  const known = new Set(db.select({ code: specialties.code }).from(specialties).all().map((s) => s.code))
  const matches = new Map<string, ExpertMatch>()
  b.panel?.quotas.forEach((q, i) => {
    if (!known.has(q.specialtyCode)) problem(['panel', 'quotas', i, 'specialtyCode'], `专业领域「${q.specialtyCode}」不在本系统的专业领域列表中`)
  })
  b.panel?.seats.forEach((s, i) => {
    if (s.specialtyCode !== null && !known.has(s.specialtyCode)) problem(['panel', 'seats', i, 'specialtyCode'], `专业领域「${s.specialtyCode}」不在本系统的专业领域列表中`)
    const identity = expertIdentity(s.expert)
    if (matches.has(identity)) return
    const m = matchExpert(db, s.expert)
    if ('ambiguous' in m) problem(['panel', 'seats', i, 'expert'], `专家库中有 ${m.ambiguous} 位「${s.expert.name}」与之相符，无法确定是哪一位；请在数据包中填写其手机号或邮箱`)
    else matches.set(identity, m)
  })
  if (problems.length > 0 || !agency || !bureau || !leadUserId) return { ok: false, problems }
  return { ok: true, value: { agencyId: agency.id, financeBureauId: bureau.id, leadUserId, memberIds: [...new Set(memberIds)], experts: matches } }
}

const INSERT_CHUNK = 500

function insertChunked<T>(rows: T[], insert: (chunk: T[]) => void): void {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) insert(rows.slice(i, i + INSERT_CHUNK))
}

/**
 * Creates a new engagement from a bundle (unknown input: validated here). Any problem, in the file
 * or in what it names (agency, bureau, lead, team, specialties, experts), writes nothing and lists
 * every problem with its JSON path.
 */
export function importBundle(db: Db, raw: unknown, opts: ImportOptions): ImportResult {
  const parsed = parseBundle(raw)
  if (!parsed.ok) return parsed
  const b = parsed.bundle
  return inTransaction(db, (tx): ImportResult => {
    const resolved = resolve(tx, b, opts.orgId)
    if (!resolved.ok) return resolved
    const r = resolved.value
    const now = opts.now
    const at = now.toISOString()
    const actor = opts.actor ?? { userId: null, role: 'cli', organizationId: r.agencyId }
    const engagementId = newId()
    const e = b.engagement
    const units = e.units.map((u) => findOrCreateEvaluatedUnit(tx, { financeBureauId: r.financeBureauId, ...u }, now))
    const creditFlag = commissionFlagAt(tx, r.agencyId, r.financeBureauId, now)
    tx.insert(engagements)
      .values({
        id: engagementId,
        agencyId: r.agencyId,
        commissionCreditFlagJson: commissionFlagColumn(creditFlag),
        financeBureauId: r.financeBureauId,
        name: e.name,
        year: e.year,
        kind: e.kind,
        budgetType: e.budgetType,
        fundsFen: e.fundsFen,
        periodStart: e.periodStart,
        periodEnd: e.periodEnd,
        contractNo: e.contractNo,
        leadUserId: r.leadUserId,
        stage: e.stage,
        stageChangedAt: at,
        createdBy: r.leadUserId,
        createdAt: at,
        updatedAt: at,
      })
      .run()
    replaceUnits(
      tx,
      engagementId,
      units.map((u) => u.row.id),
    )
    replaceMembers(tx, engagementId, r.memberIds)
    insertStageTransition(tx, { engagementId, fromStage: null, toStage: e.stage, actorUserId: r.leadUserId, note: IMPORTED_SEAT_REASON }, now)

    const sheetId = b.sheet ? newId() : null
    if (b.sheet && sheetId) {
      const frozen = b.sheet.status === 'frozen'
      tx.insert(sheetVersions)
        .values({ id: sheetId, engagementId, versionNo: b.sheet.versionNo, status: b.sheet.status, treeJson: serializeTree(b.sheet.tree), frameworkVersionId: null, reason: b.sheet.reason, createdBy: r.leadUserId, createdAt: at, updatedAt: at, frozenAt: b.sheet.frozenAt, frozenBy: frozen ? r.leadUserId : null })
        .run()
    }

    // Experts first (one per identity, however many seats they hold), then the seats that refer to them.
    const expertOf = new Map<string, { expertId: string; userId: string | null }>()
    const createdExperts: string[] = []
    for (const [identity, m] of r.experts) {
      if ('expertId' in m) {
        expertOf.set(identity, m)
        continue
      }
      const id = newId()
      const x = m.create
      tx.insert(experts).values({ id, userId: null, name: x.name, employer: x.employer, title: x.title, region: x.region, phone: x.phone, email: x.email, status: 'active', note: `${IMPORTED_SEAT_REASON}：${e.name}`, createdAt: at, updatedAt: at }).run()
      expertOf.set(identity, { expertId: id, userId: null })
      createdExperts.push(id)
    }
    const seatOf = new Map<string, { seatId: string; userId: string | null }>()
    let leaderUserId: string | null = null
    if (b.panel) {
      const p = b.panel
      const panelId = newId()
      insertPanel(tx, { id: panelId, engagementId, size: p.size, reserveCount: p.reserveCount, quotasJson: JSON.stringify(p.quotas), reviewDate: p.reviewDate, reviewDaysHundredths: p.reviewDaysHundredths, maxDrawsPerYear: p.maxDrawsPerYear, creditThreshold: p.creditThreshold, lookbackYears: p.lookbackYears, replyHours: p.replyHours, showExpertNames: p.showExpertNames, createdBy: r.leadUserId, createdAt: at, updatedAt: at })
      for (const s of p.seats) {
        const expert = expertOf.get(expertIdentity(s.expert))!
        const seatId = newId()
        insertSeat(tx, {
          id: seatId,
          panelId,
          drawId: null,
          expertId: expert.expertId,
          kind: 'manual',
          specialtyCode: s.specialtyCode,
          position: s.position,
          isLeader: s.isLeader,
          status: s.status,
          manualReason: importedSeatReason(s.kind, s.manualReason),
          invitedAt: s.invitedAt,
          replyBy: s.replyBy,
          respondedAt: s.respondedAt,
          declineReason: s.declineReason,
          createdAt: s.createdAt,
          updatedAt: at,
        })
        for (const d of s.declarations) insertDeclaration(tx, { id: newId(), seatId, expertId: expert.expertId, engagementId, textVersion: d.textVersion, textHash: d.textHash, factsHash: d.factsHash, signedAt: d.signedAt, ip: '' })
        seatOf.set(s.key, { seatId, userId: expert.userId })
        if (s.isLeader) leaderUserId = expert.userId
      }
    }

    const scoring = b.scoring
    if (scoring && sheetId) {
      const roundId = newId()
      tx.insert(scoringRounds)
        .values({ id: roundId, engagementId, sheetVersionId: sheetId, phase: scoring.phase, stepHundredths: scoring.stepHundredths, softDeadline: scoring.softDeadline, hardDeadline: scoring.hardDeadline, aggregationRule: scoring.aggregationRule, divergencePercent: scoring.divergencePercent, bandsJson: scoring.bands ? JSON.stringify(scoring.bands) : null, openedBy: r.leadUserId, openedAt: scoring.openedAt, updatedAt: at })
        .run()
      // A score is recorded as written by the expert's account here; an expert without one is recorded under the lead.
      const entryRows = scoring.entries.map((x) => {
        const seat = seatOf.get(x.seat)!
        return { id: newId(), roundId, seatId: seat.seatId, code: x.code, versionNo: x.versionNo, score: x.score, reason: x.reason, comment: x.comment, rescoreReason: x.rescoreReason, createdBy: seat.userId ?? r.leadUserId, createdAt: x.createdAt }
      })
      insertChunked(entryRows, (chunk) => tx.insert(scoreEntries).values(chunk).run())
      const submissionRows = scoring.submissions.map((x) => ({ id: newId(), roundId, seatId: seatOf.get(x.seat)!.seatId, submittedAt: x.submittedAt, late: x.late }))
      insertChunked(submissionRows, (chunk) => tx.insert(scoreSubmissions).values(chunk).run())
      const o = scoring.opinion
      if (o) {
        const writer = leaderUserId ?? r.leadUserId
        tx.insert(panelOpinions)
          .values({ id: newId(), roundId, overall: o.overall, byLevel1Json: JSON.stringify(o.parts), status: o.status, writtenBy: writer, confirmedBy: o.status === 'confirmed' ? writer : null, confirmedAt: o.confirmedAt, updatedAt: o.updatedAt })
          .run()
      }
      const requestRows = scoring.requests.map((q) => ({ id: newId(), roundId, seatId: seatOf.get(q.seat)!.seatId, code: q.code, message: q.message, status: q.status, response: q.response, responseVersionNo: q.responseVersionNo, requestedBy: r.leadUserId, requestedAt: q.requestedAt, respondedAt: q.respondedAt }))
      insertChunked(requestRows, (chunk) => tx.insert(rescoreRequests).values(chunk).run())
      if (scoring.result) recordConsolidation(tx, engagementId, r.leadUserId, scoring.result.createdAt)
    }

    const nodes = b.sheet ? walkTree(b.sheet.tree) : []
    const summary: ImportSummary = {
      engagementName: e.name,
      indicators: nodes.length,
      leaves: nodes.filter(({ node }) => node.children.length === 0).length,
      seats: b.panel?.seats.length ?? 0,
      experts: { reused: r.experts.size - createdExperts.length, created: createdExperts.length },
      scoreVersions: scoring?.entries.length ?? 0,
      rescores: scoring?.entries.filter((x) => x.versionNo > 1).length ?? 0,
      submissions: scoring?.submissions.length ?? 0,
    }
    appendAudit(tx, {
      actor,
      tenantId: r.agencyId,
      action: 'bundle.import',
      entity: 'engagement',
      entityId: engagementId,
      after: {
        sourceEngagementId: b.source?.engagementId ?? null,
        name: e.name,
        agencyId: r.agencyId,
        financeBureauId: r.financeBureauId,
        stage: e.stage,
        createdUnitIds: units.filter((u) => u.created).map((u) => u.row.id),
        createdExpertIds: createdExperts,
        ...summary,
        ...(creditFlag ? { commissionCreditFlag: creditFlag } : {}),
      },
      at: now,
    })
    return { ok: true, engagementId, summary }
  })
}
