import { afterEach, describe, expect, it } from 'vitest'
import { appendAudit, chainHash, GENESIS_HASH, verifyAuditChain } from '../app/models/audit.server'
import { inTransaction } from '../app/services/transaction.server'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

let temp: TempDb | undefined
afterEach(() => {
  temp?.cleanup()
  temp = undefined
})

const actor = { userId: 'user-li', role: 'evaluator', organizationId: 'org-a' }

/** A migrated database with `n` audit rows appended the way services append them. */
function withRows(n: number): TempDb {
  temp = makeTempDb()
  const db = temp.db
  for (let i = 1; i <= n; i++) {
    inTransaction(db, (tx) =>
      appendAudit(
        tx,
        {
          actor,
          action: 'engagement.update',
          entity: 'engagement',
          entityId: `eng-${i}`,
          before: { name: `项目${i}`, fundsFen: i * 1000 },
          after: { name: `项目${i}（修订）`, fundsFen: i * 1000 + 1 },
          at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        },
        TEST_AUDIT_KEY,
      ),
    )
  }
  return temp
}

function sql(t: TempDb, statement: string, ...params: unknown[]) {
  return t.db.$client.prepare(statement).run(...params)
}

function dropTriggers(t: TempDb) {
  sql(t, 'DROP TRIGGER audit_log_no_update')
  sql(t, 'DROP TRIGGER audit_log_no_delete')
}

describe('audit chain', () => {
  it('an empty log verifies, with the genesis hash as head', () => {
    temp = makeTempDb()
    expect(verifyAuditChain(temp.db, TEST_AUDIT_KEY)).toEqual({ ok: true, rows: 0, headSeq: 0, headHash: GENESIS_HASH })
  })

  it('appended rows are numbered 1..n, linked to each other, and verify', () => {
    const t = withRows(5)
    const rows = t.db.$client.prepare('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq').all() as { seq: number; prev_hash: string; hash: string }[]
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5])
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash)
    expect(new Set(rows.map((r) => r.hash)).size).toBe(5)
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY)).toEqual({ ok: true, rows: 5, headSeq: 5, headHash: rows[4]!.hash })
  })

  it('UPDATE and DELETE on the log are refused by the triggers and change nothing', () => {
    const t = withRows(3)
    const snapshot = () => t.db.$client.prepare('SELECT * FROM audit_log ORDER BY seq').all()
    const before = snapshot()
    expect(() => sql(t, `UPDATE audit_log SET after_json = '{"fundsFen":0}' WHERE seq = 2`)).toThrow(/append-only/)
    expect(() => sql(t, 'UPDATE audit_log SET hash = hash')).toThrow(/append-only/)
    expect(() => sql(t, 'DELETE FROM audit_log WHERE seq = 3')).toThrow(/append-only/)
    expect(() => sql(t, 'DELETE FROM audit_log')).toThrow(/append-only/)
    expect(snapshot()).toEqual(before)
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  it('a payload altered behind the dropped trigger is reported with its exact seq', () => {
    const t = withRows(5)
    dropTriggers(t)
    sql(t, `UPDATE audit_log SET after_json = '{"fundsFen":1,"name":"项目3（修订）"}' WHERE seq = 3`)
    const verdict = verifyAuditChain(t.db, TEST_AUDIT_KEY)
    expect(verdict).toMatchObject({ ok: false, badSeq: 3, rows: 3 })
    expect(!verdict.ok && verdict.reason).toContain('被改动')
  })

  it('a change to any chained column is caught at that row', () => {
    const columns: Record<string, string | null> = {
      at: '2030-01-01T00:00:00.000Z',
      actor_user_id: 'user-someone-else',
      actor_role: 'agency_admin',
      organization_id: 'org-b',
      action: 'engagement.delete',
      entity: 'user',
      entity_id: 'eng-x',
      before_json: null,
      after_json: '{}',
    }
    for (const [column, value] of Object.entries(columns)) {
      const t = withRows(4)
      dropTriggers(t)
      sql(t, `UPDATE audit_log SET ${column} = ? WHERE seq = 2`, value)
      expect(verifyAuditChain(t.db, TEST_AUDIT_KEY), column).toMatchObject({ ok: false, badSeq: 2 })
      t.cleanup()
    }
  })

  it('a row re-hashed without the key (plain SHA or a guessed key) is still caught', () => {
    const t = withRows(4)
    dropTriggers(t)
    const row = t.db.$client.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, string | number | null>
    const forged = {
      seq: 2,
      at: row.at as string,
      actorUserId: row.actor_user_id as string,
      actorRole: row.actor_role as string,
      organizationId: row.organization_id as string,
      action: row.action as string,
      entity: row.entity as string,
      entityId: row.entity_id as string,
      beforeJson: row.before_json as string,
      afterJson: '{"fundsFen":0}',
    }
    sql(t, 'UPDATE audit_log SET after_json = ?, hash = ? WHERE seq = 2', forged.afterJson, chainHash('guessed', row.prev_hash as string, forged))
    // The forged row itself fails first.
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: false, badSeq: 2 })
  })

  it('a deleted row is reported as the missing seq', () => {
    const t = withRows(5)
    dropTriggers(t)
    sql(t, 'DELETE FROM audit_log WHERE seq = 3')
    const verdict = verifyAuditChain(t.db, TEST_AUDIT_KEY)
    expect(verdict).toMatchObject({ ok: false, badSeq: 3 })
    expect(!verdict.ok && verdict.reason).toContain('缺失')
  })

  it('renumbering rows to hide a deletion is caught', () => {
    const t = withRows(5)
    dropTriggers(t)
    sql(t, 'DELETE FROM audit_log WHERE seq = 3')
    sql(t, 'UPDATE audit_log SET seq = seq - 1 WHERE seq > 3')
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: false, badSeq: 3 })
  })

  it('swapping two rows’ payloads is reported at the first of them', () => {
    const t = withRows(5)
    dropTriggers(t)
    const payload = (seq: number) => t.db.$client.prepare('SELECT before_json, after_json FROM audit_log WHERE seq = ?').get(seq) as { before_json: string; after_json: string }
    const two = payload(2)
    const four = payload(4)
    sql(t, 'UPDATE audit_log SET before_json = ?, after_json = ? WHERE seq = 2', four.before_json, four.after_json)
    sql(t, 'UPDATE audit_log SET before_json = ?, after_json = ? WHERE seq = 4', two.before_json, two.after_json)
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY)).toMatchObject({ ok: false, badSeq: 2 })
  })

  it('the chain is keyed: another key fails at the first row', () => {
    const t = withRows(3)
    expect(verifyAuditChain(t.db, 'another-key')).toMatchObject({ ok: false, badSeq: 1 })
    expect(verifyAuditChain(t.db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  it('the hash does not depend on property order of the payload', () => {
    temp = makeTempDb()
    const at = new Date('2026-01-01T00:00:00.000Z')
    appendAudit(temp.db, { actor, action: 'a', entity: 'e', after: { b: 1, a: 2 }, at }, TEST_AUDIT_KEY)
    const stored = temp.db.$client.prepare('SELECT after_json FROM audit_log WHERE seq = 1').get() as { after_json: string }
    expect(stored.after_json).toBe('{"a":2,"b":1}')
    expect(verifyAuditChain(temp.db, TEST_AUDIT_KEY).ok).toBe(true)
  })
})
