// Anchors close the two gaps a keyed chain leaves: rows cut off its end, and a rewrite by someone who
// holds the key. Real database file, real CLI commands (in process), real anchors file.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { seedDemo } from '../db/seed/demo'
import { appendAudit, chainHash, GENESIS_HASH, verifyAuditChain } from '../app/models/audit.server'
import { runCli, type CliIo } from '../cli/framework'
import { command as auditAnchor } from '../cli/commands/audit-anchor'
import { command as auditVerify } from '../cli/commands/audit-verify'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY

let t: TempDb
let anchors: string

// The seed writes seven rows (the library load, the specialty list, four demo credit entries and
// seed.demo), then five test rows: the head is seq 12.
beforeEach(async () => {
  t = makeTempDb()
  anchors = path.join(t.dir, 'anchors.jsonl')
  await seedDemo(t.db, new Date('2026-01-05T01:00:00Z'))
  for (let i = 0; i < 5; i++) {
    appendAudit(
      t.db,
      { actor: { userId: null, role: 'cli', organizationId: null }, action: 'test.row', entity: 'test', entityId: String(i), at: new Date() },
      TEST_AUDIT_KEY,
    )
  }
})
afterEach(() => t.cleanup())

async function cli(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) }
  const code = await runCli([auditVerify, auditAnchor], [...argv, '--db', t.file], io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

test('anchoring appends the head; verify with anchors passes while nothing changed', async () => {
  expect((await cli('audit:anchor', anchors)).code).toBe(0)
  appendAudit(t.db, { actor: { userId: null, role: 'cli', organizationId: null }, action: 'test.row', entity: 'test', at: new Date() }, TEST_AUDIT_KEY)
  expect((await cli('audit:anchor', anchors)).code).toBe(0)
  const lines = fs.readFileSync(anchors, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  expect(lines.map((l) => l.seq)).toEqual([12, 13])
  expect((fs.statSync(anchors).mode & 0o777).toString(8)).toBe('600')
  const ok = await cli('audit:verify', '--anchors', anchors)
  expect(ok.code).toBe(0)
  expect(ok.out).toContain('锚点一致：已核对 2 个锚点')
})

test('rows cut off the end pass the chain check but not the anchors', async () => {
  await cli('audit:anchor', anchors)
  t.db.$client.exec('DROP TRIGGER audit_log_no_delete')
  t.db.$client.prepare('DELETE FROM audit_log WHERE seq >= 6').run()
  expect(verifyAuditChain(t.db, TEST_AUDIT_KEY).ok).toBe(true)
  const res = await cli('audit:verify', '--anchors', anchors)
  expect(res.code).toBe(1)
  expect(res.err).toContain('审计日志被截断：锚点记录了第 12 条，但数据库中只到第 5 条')
})

test('a rewrite by someone holding the key passes the chain check but not the anchors', async () => {
  await cli('audit:anchor', anchors)
  t.db.$client.exec('DROP TRIGGER audit_log_no_update')
  // Rewrite row 3's payload and recompute every hash from there on, as a key holder could.
  const rows = t.db.$client.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Record<string, unknown>[]
  let prev = GENESIS_HASH
  for (const r of rows) {
    const after = r.seq === 3 ? '{"forged":true}' : (r.after_json as string | null)
    const hash = chainHash(TEST_AUDIT_KEY, prev, {
      seq: r.seq as number,
      at: r.at as string,
      actorUserId: r.actor_user_id as string | null,
      actorRole: r.actor_role as string,
      organizationId: r.organization_id as string | null,
      action: r.action as string,
      entity: r.entity as string,
      entityId: r.entity_id as string,
      beforeJson: r.before_json as string | null,
      afterJson: after,
    })
    t.db.$client.prepare('UPDATE audit_log SET after_json = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(after, prev, hash, r.seq)
    prev = hash
  }
  expect(verifyAuditChain(t.db, TEST_AUDIT_KEY).ok).toBe(true)
  const res = await cli('audit:verify', '--anchors', anchors)
  expect(res.code).toBe(1)
  expect(res.err).toContain('第 12 条的哈希与锚点不符')
})

test('a broken anchors file or a broken chain is a clear refusal', async () => {
  fs.writeFileSync(anchors, '{"seq": 1, "hash": "nope"}\n')
  const bad = await cli('audit:verify', '--anchors', anchors)
  expect(bad.code).toBe(1)
  expect(bad.err).toContain('锚点文件第 1 行格式不正确')
  t.db.$client.exec('DROP TRIGGER audit_log_no_update')
  t.db.$client.prepare(`UPDATE audit_log SET after_json = '{}' WHERE seq = 2`).run()
  const refused = await cli('audit:anchor', path.join(t.dir, 'other.jsonl'))
  expect(refused.code).toBe(1)
  expect(refused.err).toContain('不能锚定')
  expect(fs.existsSync(path.join(t.dir, 'other.jsonl'))).toBe(false)
})
