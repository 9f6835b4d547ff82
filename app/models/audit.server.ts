import crypto from 'node:crypto'
import stableStringify from 'fast-json-stable-stringify'
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { preparedQuery } from '../../db/prepared.server'
import { PLATFORM_AUDIT_SCOPE, auditLog, engagements, evaluatedUnits, organizations, users } from '../../db/schema'
import { auditKey } from '../config.server'

export const GENESIS_HASH = '0'.repeat(64)

export type AuditActor = { userId: string | null; role: string; organizationId: string | null }

export type AuditInput = {
  actor: AuditActor
  /**
   * The organization whose log the row belongs to; defaults to the actor's. A platform operator
   * acting on an agency's accounts names that agency, so the agency sees what was done to it.
   */
  tenantId?: string | null
  action: string
  entity: string
  entityId?: string
  before?: unknown
  after?: unknown
  at: Date
}

type ChainFields = {
  seq: number
  at: string
  actorUserId: string | null
  actorRole: string
  organizationId: string | null
  action: string
  entity: string
  entityId: string
  beforeJson: string | null
  afterJson: string | null
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : stableStringify(value)
}

export function chainHash(key: string, prevHash: string, fields: ChainFields): string {
  // Keys sorted, so the hash does not depend on property order.
  const body = stableStringify(fields)
  return crypto.createHmac('sha256', key).update(prevHash).update('\n').update(body).digest('hex')
}

/**
 * Appends one audit row. Call it inside the same IMMEDIATE transaction as the change it records,
 * so that chain order is commit order and no change exists without its row.
 */
const chainHead = preparedQuery((db) => db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).prepare())

// Every user action appends one row: built and prepared once per connection, like the chain head.
const AUDIT_COLUMNS = ['seq', 'at', 'actorUserId', 'actorRole', 'organizationId', 'action', 'entity', 'entityId', 'beforeJson', 'afterJson', 'prevHash', 'hash'] as const
const insertRow = preparedQuery((db) =>
  db
    .insert(auditLog)
    .values(Object.fromEntries(AUDIT_COLUMNS.map((column) => [column, sql.placeholder(column)])) as unknown as typeof auditLog.$inferInsert)
    .prepare(),
)

export function appendAudit(tx: Tx | Db, input: AuditInput, key: string = auditKey()): number {
  const last = chainHead(tx).get()
  const fields: ChainFields = {
    seq: (last?.seq ?? 0) + 1,
    at: input.at.toISOString(),
    actorUserId: input.actor.userId,
    actorRole: input.actor.role,
    organizationId: input.tenantId !== undefined ? input.tenantId : input.actor.organizationId,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId ?? '',
    beforeJson: toJson(input.before),
    afterJson: toJson(input.after),
  }
  const prevHash = last?.hash ?? GENESIS_HASH
  insertRow(tx).run({ ...fields, prevHash, hash: chainHash(key, prevHash, fields) })
  return fields.seq
}

export type ChainVerdict =
  | { ok: true; rows: number; headSeq: number; headHash: string }
  | { ok: false; rows: number; badSeq: number; reason: string }

/** Walks the whole chain in order and names the first row that does not hold. */
export function verifyAuditChain(db: Db, key: string = auditKey()): ChainVerdict {
  const stmt = db.$client.prepare(
    `SELECT seq, at, actor_user_id, actor_role, organization_id, action, entity, entity_id,
            before_json, after_json, prev_hash, hash
       FROM audit_log ORDER BY seq`,
  )
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let rows = 0
  for (const raw of stmt.iterate() as Iterable<Record<string, unknown>>) {
    const seq = raw.seq as number
    rows++
    if (seq !== expectedSeq) {
      return { ok: false, rows, badSeq: expectedSeq, reason: `第 ${expectedSeq} 条记录缺失（下一条为第 ${seq} 条）` }
    }
    const fields: ChainFields = {
      seq,
      at: raw.at as string,
      actorUserId: (raw.actor_user_id as string | null) ?? null,
      actorRole: raw.actor_role as string,
      organizationId: (raw.organization_id as string | null) ?? null,
      action: raw.action as string,
      entity: raw.entity as string,
      entityId: raw.entity_id as string,
      beforeJson: (raw.before_json as string | null) ?? null,
      afterJson: (raw.after_json as string | null) ?? null,
    }
    if (raw.prev_hash !== prevHash) {
      return { ok: false, rows, badSeq: seq, reason: `第 ${seq} 条记录的前序哈希与上一条不符` }
    }
    const expected = chainHash(key, prevHash, fields)
    if (raw.hash !== expected) {
      return { ok: false, rows, badSeq: seq, reason: `第 ${seq} 条记录的内容与其哈希不符（被改动过）` }
    }
    prevHash = raw.hash as string
    expectedSeq++
  }
  return { ok: true, rows, headSeq: expectedSeq - 1, headHash: prevHash }
}


export type AuditFilter = {
  /**
   * A tenant's log: the rows of that organization. null: the platform's log, i.e. rows with no
   * organization plus everything platform operators did (including to tenants' accounts).
   */
  organizationId: string | null
  action?: string
  entity?: string
  actorUserId?: string
  from?: string // ISO date, inclusive
  to?: string // ISO date, exclusive
  text?: string
}

export const AUDIT_PAGE_SIZE = 50

function auditScope(organizationId: string | null): SQL {
  return organizationId === null
    ? sql.raw(`(${PLATFORM_AUDIT_SCOPE})`)
    : eq(auditLog.organizationId, organizationId)
}

export function listAudit(db: Db, filter: AuditFilter, page: number) {
  const where: SQL[] = [auditScope(filter.organizationId)]
  if (filter.action) where.push(eq(auditLog.action, filter.action))
  if (filter.entity) where.push(eq(auditLog.entity, filter.entity))
  if (filter.actorUserId) where.push(eq(auditLog.actorUserId, filter.actorUserId))
  if (filter.from) where.push(gte(auditLog.at, filter.from))
  if (filter.to) where.push(lt(auditLog.at, filter.to))
  if (filter.text) {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    where.push(
      or(
        sql`${auditLog.entityId} LIKE ${pattern} ESCAPE '\\'`,
        sql`${auditLog.afterJson} LIKE ${pattern} ESCAPE '\\'`,
        sql`${auditLog.beforeJson} LIKE ${pattern} ESCAPE '\\'`,
      )!,
    )
  }
  const condition = and(...where)
  const total = db.select({ n: sql<number>`count(*)` }).from(auditLog).where(condition).get()?.n ?? 0
  const rows = db
    .select()
    .from(auditLog)
    .where(condition)
    .orderBy(desc(auditLog.seq))
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .all()
  return { total, rows }
}

export function distinctAuditActions(db: Db, organizationId: string | null): string[] {
  return db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .where(auditScope(organizationId))
    .orderBy(auditLog.action)
    .all()
    .map((r) => r.action)
}


/** The audit view of the signed-in actor: entries land in the actor's own organization's log. */
export function auditActor(actor: { userId: string; role: string; organizationId: string | null }): AuditActor {
  return { userId: actor.userId, role: actor.role, organizationId: actor.organizationId }
}

/**
 * Readable names for the records a page of audit rows points at — accounts, organizations,
 * engagements, evaluated units — keyed by id, in one query per table. Rows of a tenant's log only
 * point at that tenant's records and the platform's accounts, so nothing outside the reader's view
 * is named.
 */
export function recordNames(db: Db, ids: Iterable<string>): Map<string, string> {
  const wanted = [...new Set(ids)].filter((id) => id !== '')
  const names = new Map<string, string>()
  if (wanted.length === 0) return names
  for (const u of db.select({ id: users.id, name: users.displayName, username: users.username }).from(users).where(inArray(users.id, wanted)).all()) {
    names.set(u.id, `${u.name}（${u.username}）`)
  }
  for (const o of db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, wanted)).all()) {
    names.set(o.id, o.name)
  }
  for (const e of db.select({ id: engagements.id, name: engagements.name }).from(engagements).where(inArray(engagements.id, wanted)).all()) {
    names.set(e.id, e.name)
  }
  for (const u of db.select({ id: evaluatedUnits.id, name: evaluatedUnits.name }).from(evaluatedUnits).where(inArray(evaluatedUnits.id, wanted)).all()) {
    names.set(u.id, u.name)
  }
  return names
}

/** A chain head written down outside the database (a file on another volume, a report footer). */
export type AuditAnchor = { seq: number; hash: string }

export type AnchorVerdict = { ok: true; checked: number } | { ok: false; anchor: AuditAnchor; reason: string }

/**
 * The chain alone cannot show that rows were cut off its end, nor that someone holding the key
 * rewrote it: anchors can. Every anchored row must still exist with the hash it had.
 */
export function verifyAnchors(db: Db, anchors: readonly AuditAnchor[]): AnchorVerdict {
  const stmt = db.$client.prepare('SELECT hash FROM audit_log WHERE seq = ?')
  const head = (db.$client.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number | null }).seq ?? 0
  for (const anchor of anchors) {
    const row = stmt.get(anchor.seq) as { hash: string } | undefined
    if (!row) {
      return {
        ok: false,
        anchor,
        reason:
          anchor.seq > head
            ? `审计日志被截断：锚点记录了第 ${anchor.seq} 条，但数据库中只到第 ${head} 条`
            : `锚点记录的第 ${anchor.seq} 条在数据库中不存在`,
      }
    }
    if (row.hash !== anchor.hash) {
      return { ok: false, anchor, reason: `第 ${anchor.seq} 条的哈希与锚点不符：审计日志在锚定之后被改写过` }
    }
  }
  return { ok: true, checked: anchors.length }
}
