// One of the concurrent writers of test/concurrency-writers.test.ts: its own connection to the shared
// database file, a fixed plan of writes through the services the pages call (an expert's scores, a
// team member's engagement edits and stage moves with the version token, working-paper uploads), and
// a tally of what each write answered. Errors thrown (SQLITE_BUSY among them) are collected, not hidden.
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/client.server'
import type { Actor } from '../../app/domain/permissions'
import { prepareFile } from '../../app/files/store.server'
import { engagementForViewer, moveStage, updateEngagement, type EngagementInput, type ServiceResult } from '../../app/services/engagement.server'
import { expertScoringPage, saveScore, saveScoresBulk, submitScores } from '../../app/services/scoring.server'
import { addPaper, addPaperVersion } from '../../app/services/working-papers.server'
import { writePlan, type WriteKind, type WriterInput, type WriterReport } from './mixed-writer-plan'

const input = workerData as WriterInput
const db = openDatabase(input.file)
const now = new Date(input.at)
const report: WriterReport = { worker: input.worker, answers: [], versionWins: [], errors: [] }

function tally(kind: WriteKind, result: { ok: boolean; status?: number }): void {
  report.answers.push({ kind, status: result.ok ? 200 : (result.status ?? 0) })
}

function form(fields: Record<string, string>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) fd.append(k, v)
  return fd
}

function scoreWriter(actor: Actor, seatId: string) {
  const leaves = expertScoringPage(db, actor, seatId, now)!.items.map((i) => ({ code: i.node.code, full: String(i.node.weight / 100) }))
  const seen = new Map<string, number>()
  let saves = 0
  return {
    bulk() {
      const rows = leaves.map((l, i) => ({ row: i + 2, code: l.code, score: l.full, reason: '', comment: '', seen: 0 }))
      const result = saveScoresBulk(db, actor, seatId, rows, now)
      if (result.ok) for (const l of leaves) seen.set(l.code, 1)
      tally('score.bulk', result)
    },
    save() {
      const leaf = leaves[saves++ % leaves.length]!
      const result = saveScore(db, actor, seatId, form({ code: leaf.code, score: leaf.full, reason: '', comment: `第 ${saves} 次保存`, seen: String(seen.get(leaf.code) ?? 0) }), now)
      if (result.ok) seen.set(leaf.code, result.value.versionNo)
      tally('score.save', result)
    },
    submit() {
      tally('score.submit', submitScores(db, actor, seatId, now))
    },
  }
}

/** Reads the engagement, then writes with the version it read: between the two, others may win. */
function versioned(kind: 'engagement.edit' | 'engagement.move', id: string, write: (version: number, stage: string) => ServiceResult<unknown>): void {
  const current = engagementForViewer(db, input.teamActor, id)!
  const result = write(current.version, current.stage)
  tally(kind, result)
  if (result.ok) report.versionWins.push({ engagementId: id, version: current.version, kind })
}

function pdfBytes(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`)
}

async function upload(j: number, first: boolean): Promise<void> {
  const prepared = await prepareFile(db, { bytes: pdfBytes(`worker ${input.worker} write ${j}`), filename: `底稿-${input.worker}-${j}.pdf` })
  if (!prepared.ok) throw new Error(`upload refused: ${prepared.message}`)
  const result = first
    ? addPaper(db, input.teamActor, input.papersEngagementId, { intent: 'paper', title: `并发底稿 ${input.worker}-${j}`, indicatorCode: '', note: '' }, prepared.file, now)
    : addPaperVersion(db, input.teamActor, input.papersEngagementId, { intent: 'version', paperId: input.sharedPaperId, comment: `第 ${input.worker}-${j} 版` }, prepared.file, now)
  tally(first ? 'paper.create' : 'paper.version', result)
}

async function run(): Promise<void> {
  const scores = scoreWriter(input.expert, input.seatId)
  let uploads = 0
  for (const [j, step] of writePlan(input.writes).entries()) {
    try {
      const target = input.engagements[(input.worker + j) % input.engagements.length]!
      if (step === 'score.bulk') scores.bulk()
      else if (step === 'score.save') scores.save()
      else if (step === 'score.submit') scores.submit()
      else if (step === 'engagement.edit') {
        const edited: EngagementInput = { ...target.input, contractNo: `HT-${input.worker}-${j}` }
        versioned(step, target.id, (version) => updateEngagement(db, input.teamActor, target.id, version, edited, now))
      } else if (step === 'engagement.move') {
        versioned(step, target.id, (version, stage) =>
          stage === 'commissioned'
            ? moveStage(db, input.teamActor, target.id, { to: 'preliminary_research', note: '', version }, now)
            : moveStage(db, input.teamActor, target.id, { to: 'commissioned', note: `退回重议 ${input.worker}-${j}`, version }, now),
        )
      } else await upload(j, uploads++ === 0)
    } catch (error) {
      report.errors.push(`${step} #${j}: ${error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : String(error)}`)
    }
  }
}

run()
  .catch((error: unknown) => report.errors.push(String(error)))
  .finally(() => {
    db.$client.close()
    parentPort!.postMessage(report)
  })
