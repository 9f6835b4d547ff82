// Credit records (信用档案, issue 8): the one place that reads and writes credit files. Standings are
// computed by the pure domain (app/domain/credit) from the entries and a bureau's policy; this module
// supplies the rows, the policy in force, who may see or change what, and keeps a snapshot of the
// standing each time a file changes. Every public function that changes something runs inside the
// caller's transaction (`tx`) or opens one, with its audit row.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import {
  creditAppeals,
  creditEntries,
  creditFiles,
  creditPolicies,
  creditSnapshots,
  engagementMembers,
  engagements,
  experts,
  organizations,
  panels,
  seats,
  storedFiles,
  users,
} from '../../db/schema'
import {
  ENTRY_KINDS,
  SUBJECTS,
  entryKind,
  isEntryKind,
  labelOf,
  type AutomaticEntry,
  type EntryKind,
  type Severity,
  type Source,
  type Subject,
} from '../domain/credit/categories'
import { addDays } from '../domain/credit/dates'
import { creditStanding, type CreditStanding } from '../domain/credit/evaluate'
import { currentEntries, entriesAsKnownAt, type EntryRecord } from '../domain/credit/history'
import { DEFAULT_POLICY, validatePolicy, type CreditPolicy } from '../domain/credit/policy'
import { beijingDate } from '../domain/finance/rectification'
import type { Actor } from '../domain/permissions'
import { newId } from '../ids.server'
import { appendAudit, auditActor, type AuditActor } from '../models/audit.server'

// ---- Subjects ------------------------------------------------------------------------------------

export type SubjectRef = { type: Subject; id: string }

export type SubjectInfo = SubjectRef & {
  name: string
  /** The agency of an agency or practitioner; null for an expert. */
  agencyId: string | null
  /** The account that speaks for the subject in an appeal: the practitioner's or expert's own. */
  userId: string | null
}

export const SUBJECT_LABELS: Record<Subject, string> = Object.fromEntries(SUBJECTS.map((s) => [s.code, s.label])) as Record<Subject, string>

/** Which file an id names: an agency, a practitioner (agency admin or evaluator) or an expert. */
export function resolveSubject(db: Db | Tx, id: string): SubjectInfo | undefined {
  const org = db.select().from(organizations).where(eq(organizations.id, id)).get()
  if (org) return org.kind === 'agency' ? { type: 'agency', id, name: org.name, agencyId: org.id, userId: null } : undefined
  const user = db.select().from(users).where(eq(users.id, id)).get()
  if (user) {
    if (user.role !== 'agency_admin' && user.role !== 'evaluator') return undefined
    return { type: 'practitioner', id, name: user.displayName, agencyId: user.organizationId, userId: user.id }
  }
  const expert = db.select().from(experts).where(eq(experts.id, id)).get()
  if (expert) return { type: 'expert', id, name: expert.name, agencyId: null, userId: expert.userId }
  return undefined
}

// ---- Visibility ----------------------------------------------------------------------------------

const isAgencyStaff = (actor: Actor) => (actor.role === 'agency_admin' || actor.role === 'evaluator') && actor.organizationId !== null

/** Agencies that have worked for a bureau (an engagement it commissioned). */
function agenciesOfBureau(bureauId: string) {
  return sql`(SELECT ${engagements.agencyId} FROM ${engagements} WHERE ${engagements.financeBureauId} = ${bureauId})`
}

/** Practitioners who led or worked on an engagement of the bureau. */
function practitionersOfBureau(bureauId: string) {
  return sql`(SELECT ${engagements.leadUserId} FROM ${engagements} WHERE ${engagements.financeBureauId} = ${bureauId}
    UNION SELECT ${engagementMembers.userId} FROM ${engagementMembers} JOIN ${engagements} ON ${engagements.id} = ${engagementMembers.engagementId}
    WHERE ${engagements.financeBureauId} = ${bureauId})`
}

/** Experts seated (invited or accepted at some point) on a panel of the bureau's engagements. */
function expertsOfBureau(bureauId: string) {
  return sql`(SELECT ${seats.expertId} FROM ${seats} JOIN ${panels} ON ${panels.id} = ${seats.panelId}
    JOIN ${engagements} ON ${engagements.id} = ${panels.engagementId}
    WHERE ${engagements.financeBureauId} = ${bureauId} AND ${seats.invitedAt} IS NOT NULL)`
}

/**
 * Whether the actor may read the subject's file (issue 8 item 7): the platform everything; an
 * agency its own file, its practitioners' and the pool's experts'; a bureau the agencies,
 * practitioners and experts that worked for it; an expert or practitioner their own.
 */
export function maySeeFile(db: Db | Tx, actor: Actor, subject: SubjectInfo): boolean {
  if (actor.role === 'system_admin') return true
  if (isAgencyStaff(actor)) return subject.type === 'expert' || subject.agencyId === actor.organizationId
  if (actor.role === 'finance_reviewer' && actor.organizationId) {
    const bureau = actor.organizationId
    const pool = subject.type === 'agency' ? agenciesOfBureau(bureau) : subject.type === 'practitioner' ? practitionersOfBureau(bureau) : expertsOfBureau(bureau)
    return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 WHERE ${subject.id} IN ${pool})`)!.n > 0
  }
  if (actor.role === 'expert') return subject.type === 'expert' && subject.userId === actor.userId
  return false
}

export type FileListItem = SubjectRef & { name: string; agencyName: string | null }

/** Every file the actor may read, scoped in the query itself; optionally one kind of subject. */
export function visibleSubjects(db: Db | Tx, actor: Actor, type?: Subject): FileListItem[] {
  const want = (t: Subject) => type === undefined || type === t
  const out: FileListItem[] = []
  const bureau = actor.role === 'finance_reviewer' ? actor.organizationId : null
  const agency = isAgencyStaff(actor) ? actor.organizationId : null
  const platform = actor.role === 'system_admin'
  if (!platform && !bureau && !agency) {
    if (actor.role === 'expert' && want('expert')) {
      const own = db.select({ id: experts.id, name: experts.name }).from(experts).where(eq(experts.userId, actor.userId)).get()
      if (own) out.push({ type: 'expert', id: own.id, name: own.name, agencyName: null })
    }
    return out
  }
  if (want('agency')) {
    const scope = platform ? sql`1` : bureau ? sql`${organizations.id} IN ${agenciesOfBureau(bureau)}` : eq(organizations.id, agency!)
    for (const o of db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(and(eq(organizations.kind, 'agency'), scope)).orderBy(asc(organizations.name)).all())
      out.push({ type: 'agency', id: o.id, name: o.name, agencyName: o.name })
  }
  if (want('practitioner')) {
    const scope = platform ? sql`1` : bureau ? sql`${users.id} IN ${practitionersOfBureau(bureau)}` : eq(users.organizationId, agency!)
    for (const u of db
      .select({ id: users.id, name: users.displayName, agencyName: organizations.name })
      .from(users)
      .innerJoin(organizations, eq(organizations.id, users.organizationId))
      .where(and(inArray(users.role, ['agency_admin', 'evaluator']), scope))
      .orderBy(asc(organizations.name), asc(users.displayName))
      .all())
      out.push({ type: 'practitioner', id: u.id, name: u.name, agencyName: u.agencyName })
  }
  if (want('expert')) {
    const scope = platform || agency ? sql`1` : sql`${experts.id} IN ${expertsOfBureau(bureau!)}`
    for (const e of db.select({ id: experts.id, name: experts.name }).from(experts).where(scope).orderBy(asc(experts.name)).all())
      out.push({ type: 'expert', id: e.id, name: e.name, agencyName: null })
  }
  return out
}

// ---- Policies ------------------------------------------------------------------------------------

export type PolicyInForce = { policy: CreditPolicy; bureauId: string | null; createdAt: string | null }

/**
 * The policy a bureau has in force: its latest version, or the built-in default. A bureau's policy
 * is identified by the bureau's id and its version number, which is what snapshots record.
 */
export function policyInForce(db: Db | Tx, bureauId: string | null): PolicyInForce {
  if (bureauId === null) return { policy: DEFAULT_POLICY, bureauId: null, createdAt: null }
  const row = db
    .select()
    .from(creditPolicies)
    .where(eq(creditPolicies.financeBureauId, bureauId))
    .orderBy(desc(creditPolicies.versionNo))
    .limit(1)
    .get()
  if (!row) return { policy: DEFAULT_POLICY, bureauId, createdAt: null }
  return { policy: JSON.parse(row.policyJson) as CreditPolicy, bureauId, createdAt: row.createdAt }
}

/** The exact policy a snapshot names, to recompute it. */
export function policyVersion(db: Db | Tx, policyId: string, version: number): CreditPolicy | undefined {
  if (policyId === DEFAULT_POLICY.id) return version === DEFAULT_POLICY.version ? DEFAULT_POLICY : undefined
  const row = db
    .select()
    .from(creditPolicies)
    .where(and(eq(creditPolicies.financeBureauId, policyId), eq(creditPolicies.versionNo, version)))
    .get()
  return row ? (JSON.parse(row.policyJson) as CreditPolicy) : undefined
}

/** Stores a new version of a bureau's policy (validated); returns the problems instead when unusable. */
export function savePolicyVersion(
  tx: Tx,
  actor: Actor,
  bureauId: string,
  draft: Omit<CreditPolicy, 'id' | 'version'>,
  at: Date,
): { ok: true; policy: CreditPolicy } | { ok: false; problems: string[] } {
  const current = policyInForce(tx, bureauId)
  const version = current.policy.id === bureauId ? current.policy.version + 1 : 1
  const policy: CreditPolicy = { ...draft, id: bureauId, version }
  const problems = validatePolicy(policy)
  if (problems.length > 0) return { ok: false, problems }
  tx.insert(creditPolicies)
    .values({ id: newId(), financeBureauId: bureauId, versionNo: version, policyJson: JSON.stringify(policy), createdBy: actor.userId, createdAt: at.toISOString() })
    .run()
  appendAudit(tx, { actor: auditActor(actor), action: 'credit_policy.save', entity: 'organization', entityId: bureauId, after: policy, at })
  return { ok: true, policy }
}

// ---- Entries and standings -----------------------------------------------------------------------

export type EntryRow = typeof creditEntries.$inferSelect
export type AppealRow = typeof creditAppeals.$inferSelect

function recordOf(row: EntryRow, appeal: AppealRow | undefined): EntryRecord {
  return {
    id: row.id,
    kind: row.kind as EntryKind,
    severity: row.severity,
    effectiveOn: row.effectiveOn,
    expiresOn: row.expiresOn,
    points: row.points,
    recordedAt: row.recordedAt,
    appeal: appeal
      ? {
          filedAt: appeal.filedAt,
          decidedAt: appeal.decidedAt,
          decision: appeal.status === 'pending' ? null : appeal.status,
          amendment:
            appeal.status === 'amended'
              ? { severity: appeal.amendedSeverity, points: appeal.amendedPoints, expiresOn: appeal.amendedExpiresOn }
              : null,
        }
      : null,
  }
}

/** The subject's entry rows with their appeals, oldest effective first. */
export function fileRows(db: Db | Tx, subject: SubjectRef): { entry: EntryRow; appeal: AppealRow | undefined }[] {
  const rows = db
    .select()
    .from(creditEntries)
    .where(and(eq(creditEntries.subjectType, subject.type), eq(creditEntries.subjectId, subject.id)))
    .orderBy(asc(creditEntries.effectiveOn), asc(creditEntries.id))
    .all()
  const appeals = rows.length === 0 ? [] : db.select().from(creditAppeals).where(inArray(creditAppeals.entryId, rows.map((r) => r.id))).all()
  const appealOf = new Map(appeals.map((a) => [a.entryId, a]))
  return rows.map((entry) => ({ entry, appeal: appealOf.get(entry.id) }))
}

export function entryRecords(db: Db | Tx, subject: SubjectRef): EntryRecord[] {
  return fileRows(db, subject).map((r) => recordOf(r.entry, r.appeal))
}

/** The subject's standing on a Beijing date under a bureau's policy in force (null: the default). */
export function standingOf(db: Db | Tx, subject: SubjectRef, bureauId: string | null, on: string): CreditStanding {
  return creditStanding(currentEntries(entryRecords(db, subject)), policyInForce(db, bureauId).policy, on)
}

/**
 * Past this many subjects (a draw asks for the whole pool) every entry of the kind is read and the
 * others dropped: thousands of ids bound into an IN list cost more to build and look up than the
 * few rows they leave out.
 */
export const MANY_SUBJECTS = 200

function entriesOfSubjects(db: Db | Tx, type: Subject, ids: readonly string[]) {
  const rows = db.select().from(creditEntries).where(and(eq(creditEntries.subjectType, type), inArray(creditEntries.subjectId, [...ids]))).all()
  const appeals = rows.length === 0 ? [] : db.select().from(creditAppeals).where(inArray(creditAppeals.entryId, rows.map((r) => r.id))).all()
  return { rows, appeals }
}

function entriesOfKind(db: Db | Tx, type: Subject, wanted: ReadonlySet<string>) {
  const rows = db.select().from(creditEntries).where(eq(creditEntries.subjectType, type)).all().filter((r) => wanted.has(r.subjectId))
  const appeals = db
    .select({ appeal: creditAppeals })
    .from(creditAppeals)
    .innerJoin(creditEntries, eq(creditEntries.id, creditAppeals.entryId))
    .where(eq(creditEntries.subjectType, type))
    .all()
    .map((r) => r.appeal)
  return { rows, appeals }
}

/** Standings of many subjects of one kind at once (draw pools, lists): one query for all entries. */
export function standingsOf(db: Db | Tx, type: Subject, ids: readonly string[], bureauId: string | null, on: string): Map<string, CreditStanding> {
  const policy = policyInForce(db, bureauId).policy
  const out = new Map<string, CreditStanding>()
  if (ids.length === 0) return out
  const { rows, appeals } = ids.length > MANY_SUBJECTS ? entriesOfKind(db, type, new Set(ids)) : entriesOfSubjects(db, type, ids)
  const appealOf = new Map(appeals.map((a) => [a.entryId, a]))
  const bySubject = new Map<string, EntryRecord[]>()
  for (const r of rows) {
    const record = recordOf(r, appealOf.get(r.id))
    const list = bySubject.get(r.subjectId)
    if (list) list.push(record)
    else bySubject.set(r.subjectId, [record])
  }
  const clean = creditStanding([], policy, on)
  for (const id of ids) {
    const records = bySubject.get(id)
    out.set(id, records ? creditStanding(currentEntries(records), policy, on) : clean)
  }
  return out
}

/**
 * The bureaus whose policy matters to a subject: those it worked for, most recent first. A file
 * page shows the standing under each, since each bureau grades by its own policy.
 */
export function bureausOf(db: Db | Tx, subject: SubjectRef): { id: string; name: string }[] {
  const engagementIds =
    subject.type === 'agency'
      ? sql`SELECT ${engagements.id} FROM ${engagements} WHERE ${engagements.agencyId} = ${subject.id}`
      : subject.type === 'practitioner'
        ? sql`SELECT ${engagements.id} FROM ${engagements} WHERE ${engagements.leadUserId} = ${subject.id}
            UNION SELECT ${engagementMembers.engagementId} FROM ${engagementMembers} WHERE ${engagementMembers.userId} = ${subject.id}`
        : sql`SELECT ${panels.engagementId} FROM ${seats} JOIN ${panels} ON ${panels.id} = ${seats.panelId}
            WHERE ${seats.expertId} = ${subject.id} AND ${seats.invitedAt} IS NOT NULL`
  return db
    .select({ id: organizations.id, name: organizations.name, last: sql<string>`max(${engagements.createdAt})` })
    .from(engagements)
    .innerJoin(organizations, eq(organizations.id, engagements.financeBureauId))
    .where(sql`${engagements.id} IN (${engagementIds})`)
    .groupBy(organizations.id, organizations.name)
    .orderBy(desc(sql`max(${engagements.createdAt})`), asc(organizations.name))
    .all()
    .map(({ id, name }) => ({ id, name }))
}

/** The bureau whose policy a reader sees by default: a reviewer's own, else the latest worked for. */
export function defaultBureauFor(db: Db | Tx, actor: Actor, subject: SubjectRef): string | null {
  if (actor.role === 'finance_reviewer' && actor.organizationId) return actor.organizationId
  return bureausOf(db, subject)[0]?.id ?? null
}

/** `bureausOf(...)[0]` for many subjects of one kind: one query, however many subjects. */
function latestBureaus(db: Db | Tx, type: Subject, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  if (ids.length === 0) return out
  const list = [...ids]
  const worked =
    type === 'agency'
      ? sql`SELECT ${engagements.agencyId} AS subject, ${engagements.id} AS engagement FROM ${engagements} WHERE ${inArray(engagements.agencyId, list)}`
      : type === 'practitioner'
        ? sql`SELECT ${engagements.leadUserId} AS subject, ${engagements.id} AS engagement FROM ${engagements} WHERE ${inArray(engagements.leadUserId, list)}
            UNION SELECT ${engagementMembers.userId}, ${engagementMembers.engagementId} FROM ${engagementMembers} WHERE ${inArray(engagementMembers.userId, list)}`
        : sql`SELECT ${seats.expertId} AS subject, ${panels.engagementId} AS engagement FROM ${seats} JOIN ${panels} ON ${panels.id} = ${seats.panelId}
            WHERE ${inArray(seats.expertId, list)} AND ${seats.invitedAt} IS NOT NULL`
  const rows = db.all<{ subject: string; id: string; name: string; last: string }>(sql`
    SELECT w.subject AS subject, o.id AS id, o.name AS name, max(e.created_at) AS last
    FROM (${worked}) w JOIN ${engagements} e ON e.id = w.engagement JOIN ${organizations} o ON o.id = e.finance_bureau_id
    GROUP BY w.subject, o.id, o.name`)
  // The same order as bureausOf: latest engagement first, then the bureau's name.
  const best = new Map<string, { id: string; name: string; last: string }>()
  for (const r of rows) {
    const held = best.get(r.subject)
    if (!held || r.last > held.last || (r.last === held.last && r.name < held.name)) best.set(r.subject, r)
  }
  for (const [subject, b] of best) out.set(subject, b.id)
  return out
}

/**
 * Standings for a list of files, each under the policy its reader sees it by (defaultBureauFor):
 * the bureaus found and the entries read in a few queries, not a few per subject. Keyed `type:id`.
 */
export function listStandings(
  db: Db | Tx,
  actor: Actor,
  subjects: readonly SubjectRef[],
  on: string,
): Map<string, { standing: CreditStanding; bureauId: string | null }> {
  const ownBureau = actor.role === 'finance_reviewer' && actor.organizationId ? actor.organizationId : undefined
  const groups = new Map<string, { type: Subject; bureauId: string | null; ids: string[] }>()
  for (const type of new Set(subjects.map((s) => s.type))) {
    const ids = subjects.filter((s) => s.type === type).map((s) => s.id)
    const latest = ownBureau === undefined ? latestBureaus(db, type, ids) : new Map<string, string>()
    for (const id of ids) {
      const bureauId = ownBureau ?? latest.get(id) ?? null
      const key = `${type}:${bureauId ?? ''}`
      const group = groups.get(key) ?? { type, bureauId, ids: [] }
      group.ids.push(id)
      groups.set(key, group)
    }
  }
  const out = new Map<string, { standing: CreditStanding; bureauId: string | null }>()
  for (const g of groups.values())
    for (const [id, standing] of standingsOf(db, g.type, g.ids, g.bureauId, on)) out.set(`${g.type}:${id}`, { standing, bureauId: g.bureauId })
  return out
}

/** Keeps what the subject's standing is now, under the bureau's policy, as of this change. */
export function recordSnapshot(tx: Tx, subject: SubjectRef, bureauId: string | null, at: Date, cause: string): CreditStanding {
  const { policy } = policyInForce(tx, bureauId)
  const asOf = at.toISOString()
  const onDate = beijingDate(at)
  const standing = creditStanding(entriesAsKnownAt(entryRecords(tx, subject), asOf), policy, onDate)
  const active = standing.blacklisting?.active ? standing.blacklisting : null
  tx.insert(creditSnapshots)
    .values({
      id: newId(),
      subjectType: subject.type,
      subjectId: subject.id,
      policyId: policy.id,
      policyVersion: policy.version,
      onDate,
      asOf,
      score: standing.score,
      grade: standing.grade,
      blacklistedFrom: active?.from ?? null,
      blacklistedTo: active?.to ?? null,
      cause,
    })
    .run()
  return standing
}

export type SnapshotCheck = { snapshotId: string; stored: { score: number; grade: string }; recomputed: { score: number; grade: string } | null }

/** Recomputes every snapshot of a subject from its entries as known then; lists any that differ. */
export function verifySnapshots(db: Db | Tx, subject: SubjectRef): { checked: number; mismatches: SnapshotCheck[] } {
  const records = entryRecords(db, subject)
  const snaps = db
    .select()
    .from(creditSnapshots)
    .where(and(eq(creditSnapshots.subjectType, subject.type), eq(creditSnapshots.subjectId, subject.id)))
    .orderBy(asc(creditSnapshots.asOf))
    .all()
  const mismatches: SnapshotCheck[] = []
  for (const s of snaps) {
    const policy = policyVersion(db, s.policyId, s.policyVersion)
    const again = policy ? creditStanding(entriesAsKnownAt(records, s.asOf), policy, s.onDate) : null
    const active = again?.blacklisting?.active ? again.blacklisting : null
    if (!again || again.score !== s.score || again.grade !== s.grade || (active?.to ?? null) !== s.blacklistedTo || (active?.from ?? null) !== s.blacklistedFrom)
      mismatches.push({ snapshotId: s.id, stored: { score: s.score, grade: s.grade }, recomputed: again ? { score: again.score, grade: again.grade } : null })
  }
  return { checked: snaps.length, mismatches }
}

// ---- Writing entries -----------------------------------------------------------------------------

export type NewEntry = {
  subject: SubjectRef
  kind: EntryKind
  severity: Severity | null
  points: number | null
  effectiveOn: string
  expiresOn: string | null
  description: string
  source: Source
  sourceRef: string | null
  issuerOrgId: string
  issuedBy: string | null
  bureauId: string | null
  engagementId: string | null
  fileIds?: readonly string[]
}

/** The tenant whose audit log shows a change to a file: the agency of an agency-side subject. */
function tenantOf(tx: Tx, subject: SubjectRef, fallback: string | null): string | null {
  if (subject.type === 'agency') return subject.id
  if (subject.type === 'practitioner') return tx.select({ org: users.organizationId }).from(users).where(eq(users.id, subject.id)).get()?.org ?? fallback
  return fallback
}

/**
 * Records an entry (manual or automatic), its evidence links, the audit row and a snapshot.
 * An automatic entry already recorded for the same source answers `duplicate` and changes nothing.
 */
export function recordEntry(tx: Tx, input: NewEntry, actor: AuditActor, at: Date): { id: string; duplicate: boolean; standing: CreditStanding | null } {
  if (!isEntryKind(input.kind)) throw new Error(`unknown credit entry kind ${input.kind}`)
  if (input.sourceRef !== null) {
    const existing = tx
      .select({ id: creditEntries.id })
      .from(creditEntries)
      .where(and(eq(creditEntries.source, input.source), eq(creditEntries.sourceRef, input.sourceRef)))
      .get()
    if (existing) return { id: existing.id, duplicate: true, standing: null }
  }
  const id = newId()
  const iso = at.toISOString()
  tx.insert(creditEntries)
    .values({
      id,
      subjectType: input.subject.type,
      subjectId: input.subject.id,
      kind: input.kind,
      severity: entryKind(input.kind).direction === 'positive' ? null : input.severity,
      points: input.points,
      effectiveOn: input.effectiveOn,
      expiresOn: input.expiresOn,
      description: input.description,
      source: input.source,
      sourceRef: input.sourceRef,
      issuerOrgId: input.issuerOrgId,
      issuedBy: input.issuedBy,
      bureauId: input.bureauId,
      engagementId: input.engagementId,
      recordedAt: iso,
      updatedAt: iso,
    })
    .run()
  for (const fileId of input.fileIds ?? []) tx.insert(creditFiles).values({ id: newId(), entryId: id, appealId: null, fileId }).run()
  const standing = recordSnapshot(tx, input.subject, input.bureauId, at, 'entry')
  appendAudit(tx, {
    actor,
    tenantId: tenantOf(tx, input.subject, actor.organizationId),
    action: 'credit_entry.create',
    entity: `credit_${input.subject.type}`,
    entityId: input.subject.id,
    after: { entryId: id, ...input, kindLabel: labelOf(ENTRY_KINDS, input.kind), score: standing.score, grade: standing.grade },
    at,
  })
  return { id, duplicate: false, standing }
}

/** An automatic entry (quality rating, expert rating, decline, late scoring) from its domain rule. */
export function recordAutomaticEntry(
  tx: Tx,
  auto: AutomaticEntry,
  input: Omit<NewEntry, 'kind' | 'severity' | 'points' | 'expiresOn' | 'source'>,
  actor: AuditActor,
  at: Date,
) {
  return recordEntry(tx, { ...input, kind: auto.kind, severity: auto.severity, points: null, expiresOn: null, source: auto.source }, actor, at)
}

/** The system as the actor of an automatic entry no person issued. */
export const SYSTEM_ACTOR: AuditActor = { userId: null, role: 'system', organizationId: null }

// ---- Appeals -------------------------------------------------------------------------------------

/** The last day (inclusive) the subject may appeal an entry, under the entry's bureau's policy. */
export function appealDeadline(db: Db | Tx, entry: Pick<EntryRow, 'effectiveOn' | 'bureauId' | 'recordedAt'>): string {
  const { policy } = policyInForce(db, entry.bureauId)
  // An entry recorded after its effective date still gets the whole window from when it was recorded.
  const from = [entry.effectiveOn, beijingDate(new Date(entry.recordedAt))].sort().at(-1)!
  return addDays(from, policy.appealWindowDays)
}

/** Whether the actor speaks for the subject: the agency's admin, or the practitioner or expert themself. */
export function speaksFor(actor: Actor, subject: SubjectInfo): boolean {
  if (subject.type === 'agency') return actor.role === 'agency_admin' && actor.organizationId === subject.id
  return subject.userId !== null && subject.userId === actor.userId
}

/** Whether the actor decides for the entry's issuer: a reviewer of the issuing bureau, or the issuing agency's admin. */
export function decidesFor(db: Db | Tx, actor: Actor, entry: Pick<EntryRow, 'issuerOrgId'>): boolean {
  if (actor.organizationId !== entry.issuerOrgId) return false
  const kind = db.select({ kind: organizations.kind }).from(organizations).where(eq(organizations.id, entry.issuerOrgId)).get()?.kind
  return kind === 'finance_bureau' ? actor.role === 'finance_reviewer' : actor.role === 'agency_admin'
}

export function entryById(db: Db | Tx, id: string): EntryRow | undefined {
  return db.select().from(creditEntries).where(eq(creditEntries.id, id)).get()
}

export function appealOf(db: Db | Tx, entryId: string): AppealRow | undefined {
  return db.select().from(creditAppeals).where(eq(creditAppeals.entryId, entryId)).get()
}

export type AppealInput = { reason: string; fileIds?: readonly string[] }

/** Files an appeal; the caller has checked the actor speaks for the subject and the window. */
export function insertAppeal(tx: Tx, actor: Actor, entry: EntryRow, input: AppealInput, at: Date): string {
  const id = newId()
  tx.insert(creditAppeals).values({ id, entryId: entry.id, filedBy: actor.userId, reason: input.reason, filedAt: at.toISOString() }).run()
  for (const fileId of input.fileIds ?? []) tx.insert(creditFiles).values({ id: newId(), entryId: entry.id, appealId: id, fileId }).run()
  const subject = { type: entry.subjectType, id: entry.subjectId }
  recordSnapshot(tx, subject, entry.bureauId, at, 'appeal')
  appendAudit(tx, {
    actor: auditActor(actor),
    tenantId: tenantOf(tx, subject, actor.organizationId),
    action: 'credit_appeal.file',
    entity: `credit_${entry.subjectType}`,
    entityId: entry.subjectId,
    after: { appealId: id, entryId: entry.id, reason: input.reason, fileIds: input.fileIds ?? [] },
    at,
  })
  return id
}

export type AppealDecisionInput =
  | { decision: 'upheld' | 'revoked'; reason: string }
  | { decision: 'amended'; reason: string; severity: Severity | null; points: number | null; expiresOn: string | null }

/** Decides a pending appeal; false when someone else decided it first (version check). */
export function decideAppealRow(tx: Tx, actor: Actor, entry: EntryRow, appeal: AppealRow, input: AppealDecisionInput, at: Date): CreditStanding | null {
  const iso = at.toISOString()
  const amendment = input.decision === 'amended' ? { severity: input.severity, points: input.points, expiresOn: input.expiresOn } : null
  const changed = tx
    .update(creditAppeals)
    .set({
      status: input.decision,
      decidedBy: actor.userId,
      decidedAt: iso,
      decisionReason: input.reason,
      amendedSeverity: amendment?.severity ?? null,
      amendedPoints: amendment?.points ?? null,
      amendedExpiresOn: amendment?.expiresOn ?? null,
      version: appeal.version + 1,
    })
    .where(and(eq(creditAppeals.id, appeal.id), eq(creditAppeals.version, appeal.version), eq(creditAppeals.status, 'pending')))
    .run().changes
  if (changed !== 1) return null
  const status = input.decision === 'upheld' ? 'active' : input.decision
  tx.update(creditEntries)
    .set({
      status,
      amendedSeverity: amendment?.severity ?? null,
      amendedPoints: amendment?.points ?? null,
      amendedExpiresOn: amendment?.expiresOn ?? null,
      updatedAt: iso,
      version: entry.version + 1,
    })
    .where(eq(creditEntries.id, entry.id))
    .run()
  const subject = { type: entry.subjectType, id: entry.subjectId }
  const standing = recordSnapshot(tx, subject, entry.bureauId, at, `appeal_${input.decision}`)
  appendAudit(tx, {
    actor: auditActor(actor),
    tenantId: tenantOf(tx, subject, actor.organizationId),
    action: `credit_appeal.${input.decision}`,
    entity: `credit_${entry.subjectType}`,
    entityId: entry.subjectId,
    before: { entryId: entry.id, status: entry.status, severity: entry.severity, points: entry.points, expiresOn: entry.expiresOn },
    after: { appealId: appeal.id, ...input, score: standing.score, grade: standing.grade },
    at,
  })
  return standing
}

/** Evidence files of an entry and its appeal, for the file page. */
export function evidenceOf(db: Db | Tx, entryIds: readonly string[]) {
  if (entryIds.length === 0) return []
  return db
    .select({ entryId: creditFiles.entryId, appealId: creditFiles.appealId, fileId: storedFiles.id, name: storedFiles.originalName, size: storedFiles.size, uploadedAt: storedFiles.uploadedAt })
    .from(creditFiles)
    .innerJoin(storedFiles, eq(storedFiles.id, creditFiles.fileId))
    .where(inArray(creditFiles.entryId, [...entryIds]))
    .orderBy(asc(storedFiles.uploadedAt))
    .all()
}

/** Pending appeals an actor decides (for the issuer's to-do list). */
export function pendingAppealsFor(db: Db | Tx, actor: Actor) {
  if (!actor.organizationId) return []
  return db
    .select({ appeal: creditAppeals, entry: creditEntries })
    .from(creditAppeals)
    .innerJoin(creditEntries, eq(creditEntries.id, creditAppeals.entryId))
    .where(and(eq(creditAppeals.status, 'pending'), eq(creditEntries.issuerOrgId, actor.organizationId)))
    .orderBy(asc(creditAppeals.filedAt))
    .all()
    .filter((r) => decidesFor(db, actor, r.entry))
}

/** Entries an agency-side issuer may give a subject (ids of agencies, practitioners, experts it may file on). */
export function mayIssueOn(db: Db | Tx, actor: Actor, subject: SubjectInfo): boolean {
  if (actor.role === 'finance_reviewer' && actor.organizationId) return maySeeFile(db, actor, subject)
  if (actor.role === 'agency_admin' && actor.organizationId) {
    if (subject.type === 'practitioner') return subject.agencyId === actor.organizationId
    if (subject.type === 'expert')
      return (
        db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${seats} JOIN ${panels} ON ${panels.id} = ${seats.panelId}
          JOIN ${engagements} ON ${engagements.id} = ${panels.engagementId}
          WHERE ${seats.expertId} = ${subject.id} AND ${engagements.agencyId} = ${actor.organizationId} AND ${seats.invitedAt} IS NOT NULL`)!.n > 0
      )
  }
  return false
}
