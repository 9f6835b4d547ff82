// The child process test/crash-kill.test.ts SIGKILLs: in the discussion phase it rescores indicators
// (a score version and its audit row in one transaction) and uploads working-paper versions (a stored
// file, its row and two audit rows), forever, printing `ACK <seq> <audit seq>` after each commit.
// Run with `node --import tsx`, so the process the test kills is the one writing.
import fs from 'node:fs'
import { openDatabase } from '../../db/client.server'
import { prepareFile } from '../../app/files/store.server'
import { expertScoringPage, saveScore } from '../../app/services/scoring.server'
import { addPaperVersion } from '../../app/services/working-papers.server'
import { crashMark, GIVE_UP_MS, isUploadSeq, waitForGo, type ScoreWriterArgs } from './crash-protocol'

async function main(args: ScoreWriterArgs): Promise<void> {
  await waitForGo()
  const db = openDatabase(args.file)
  const now = new Date()
  const scorers = args.seats.map((s) => {
    const items = expertScoringPage(db, s.actor, s.seatId, now)!.items
    return { ...s, leaves: items.map((i) => ({ code: i.node.code, weight: i.node.weight, seen: i.entry?.versionNo ?? 0 })) }
  })
  const auditHead = db.$client.prepare('SELECT max(seq) AS seq FROM audit_log').pluck()
  const ack = (seq: number) => fs.writeSync(1, `ACK ${seq} ${auditHead.get() as number}\n`)
  fs.writeSync(1, 'READY\n')
  const started = Date.now()
  for (let seq = args.firstSeq; Date.now() - started < GIVE_UP_MS; seq++) {
    if (isUploadSeq(seq)) {
      const prepared = await prepareFile(db, { bytes: Buffer.from(`%PDF-1.4\n% ${crashMark(seq)}\n${'x'.repeat(64 * 1024)}\n%%EOF\n`), filename: `底稿-${seq}.pdf` })
      if (!prepared.ok) throw new Error(prepared.message)
      const result = addPaperVersion(db, args.lead, args.engagementId, { intent: 'version', paperId: args.paperId, comment: crashMark(seq) }, prepared.file, now)
      if (!result.ok) throw new Error(JSON.stringify(result))
    } else {
      const scorer = scorers[seq % scorers.length]!
      const leaf = scorer.leaves[Math.floor(seq / scorers.length) % scorer.leaves.length]!
      const score = (seq % 2 === 0 ? leaf.weight : Math.max(0, leaf.weight - 50)) / 100
      const fd = new FormData()
      for (const [k, v] of Object.entries({ code: leaf.code, score: String(score), reason: '复核后调整', comment: '', rescoreReason: crashMark(seq), seen: String(leaf.seen) })) fd.append(k, v)
      const result = saveScore(db, scorer.actor, scorer.seatId, fd, now)
      if (!result.ok) throw new Error(JSON.stringify(result))
      leaf.seen = result.value.versionNo
    }
    ack(seq)
  }
}

main(JSON.parse(process.argv[2]!) as ScoreWriterArgs).then(
  () => process.exit(0),
  (error: unknown) => {
    fs.writeSync(2, `${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
