// The writer beside the backup in test/backup-restore.test.ts: its own connection to the database,
// saving an expert's scores through the scoring service and appending an audit row each turn, until
// the test raises the stop flag. Posts how many turns were acknowledged.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/client.server'
import type { Actor } from '../../app/domain/permissions'
import { appendAudit } from '../../app/models/audit.server'
import { saveScore } from '../../app/services/scoring.server'
import { inTransaction } from '../../app/services/transaction.server'

type Input = { file: string; actor: Actor; seatId: string; leaves: { code: string; weight: number }[]; auditKey: string; stop: SharedArrayBuffer; at: string }
const { file, actor, seatId, leaves, auditKey, stop, at } = workerData as Input
const flag = new Int32Array(stop)
const db = openDatabase(file)
const currentVersion = db.$client.prepare('SELECT coalesce(max(version_no), 0) AS v FROM score_entries WHERE seat_id = ? AND code = ?')
let turns = 0
const errors: string[] = []
try {
  while (Atomics.load(flag, 0) === 0) {
    const leaf = leaves[turns % leaves.length]!
    const seen = (currentVersion.get(seatId, leaf.code) as { v: number }).v
    const fd = new FormData()
    const fields = { code: leaf.code, score: String((leaf.weight - (turns % 2) * 50) / 100), reason: '', comment: '', seen: String(seen) }
    for (const [k, v] of Object.entries(fields)) fd.append(k, v)
    const now = new Date(Date.parse(at) + turns * 1000)
    const saved = saveScore(db, actor, seatId, fd, now)
    if (!saved.ok) {
      errors.push(JSON.stringify(saved.errors))
      break
    }
    inTransaction(db, (tx) => appendAudit(tx, { actor: { userId: actor.userId, role: actor.role, organizationId: null }, action: 'test.backup_writer', entity: 'seat', entityId: seatId, after: { turn: turns }, at: now }, auditKey))
    turns++
  }
} catch (error) {
  errors.push(String(error))
} finally {
  db.$client.close()
  parentPort!.postMessage({ turns, errors })
}
