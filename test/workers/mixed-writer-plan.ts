// What each concurrent writer does, shared by the test (to know what to expect) and the worker.
import type { Actor } from '../../app/domain/permissions'
import type { EngagementInput } from '../../app/services/engagement.server'

export type WriteKind = 'score.bulk' | 'score.save' | 'score.submit' | 'engagement.edit' | 'engagement.move' | 'paper.create' | 'paper.version'

export type WriterInput = {
  file: string
  at: string
  worker: number
  writes: number
  expert: Actor
  seatId: string
  teamActor: Actor
  engagements: { id: string; input: EngagementInput }[]
  papersEngagementId: string
  sharedPaperId: string
}

export type WriterReport = {
  worker: number
  answers: { kind: WriteKind; status: number }[]
  /** The version each successful versioned write was made against. */
  versionWins: { engagementId: string; version: number; kind: WriteKind }[]
  errors: string[]
}

type Step = WriteKind | 'upload'

/** Per ten writes: four scoring writes, three edits, two uploads and a stage move, interleaved. */
const CYCLE: readonly ('score' | 'engagement.edit' | 'engagement.move' | 'upload')[] = ['score', 'engagement.edit', 'upload', 'score', 'engagement.move', 'engagement.edit', 'score', 'upload', 'engagement.edit', 'score']

/**
 * The writes of one worker, in order. Its scoring starts with the whole sheet at once (the offline
 * workbook upload), goes on with single saves and ends with the submit; its first upload creates
 * a paper, the others add versions to the paper all workers share.
 */
export function writePlan(writes: number): Step[] {
  const shape = Array.from({ length: writes }, (_, j) => CYCLE[j % CYCLE.length]!)
  const scoring = shape.filter((s) => s === 'score').length
  let k = 0
  return shape.map((s) => {
    if (s !== 'score') return s
    k += 1
    return k === 1 ? 'score.bulk' : k === scoring ? 'score.submit' : 'score.save'
  })
}
