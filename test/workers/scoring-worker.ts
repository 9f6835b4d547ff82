// One expert in the scoring concurrency test: its own connection to the shared database file,
// scoring every indicator and submitting, through the same services the pages call.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/client.server'
import type { Actor } from '../../app/domain/permissions'
import { expertScoringPage, saveScore, submitScores } from '../../app/services/scoring.server'

const { file, actor, seatId, at } = workerData as { file: string; actor: Actor; seatId: string; at: string }
const db = openDatabase(file)
const now = new Date(at)
let saved = 0
const errors: string[] = []
try {
  for (const item of expertScoringPage(db, actor, seatId, now)!.items) {
    const fd = new FormData()
    for (const [k, v] of Object.entries({ code: item.node.code, score: String(item.node.weight / 100), reason: '', comment: '', seen: '0' })) fd.append(k, v)
    const r = saveScore(db, actor, seatId, fd, now)
    if (r.ok) saved++
    else errors.push(JSON.stringify(r.errors))
  }
  const submitted = submitScores(db, actor, seatId, now)
  if (!submitted.ok) errors.push(JSON.stringify(submitted.errors))
  parentPort!.postMessage({ saved, submitted: submitted.ok, errors })
} catch (error) {
  parentPort!.postMessage({ saved, submitted: false, errors: [...errors, String(error)] })
} finally {
  db.$client.close()
}
