// What the crash-test children (crash-score-writer.ts, crash-report-writer.ts) and the test that
// kills them agree on.
import type { Actor } from '../../app/domain/permissions'
import type { ReportFormat } from '../../reports/render'

export type ScoreWriterArgs = { file: string; firstSeq: number; seats: { seatId: string; actor: Actor }[]; lead: Actor; engagementId: string; paperId: string }

export type ReportWriterArgs = { dir: string; firstSeq: number; rendered: { format: ReportFormat; path: string; sha256: string }[] }

/** The text each score or upload write carries, so the test can find the write an ACK promised. */
export const crashMark = (seq: number): string => `崩溃测试 #${seq}`

/** Every fourth write is an upload; the others rescore. */
export const isUploadSeq = (seq: number): boolean => seq % 4 === 3

/** The report files of one generation. */
export const reportStem = (seq: number): string => `评价报告-${seq}`

/** An orphan child (the test died before killing it) stops by itself after this long. */
export const GIVE_UP_MS = 60_000

/**
 * Resolves when the test says GO on stdin: a child is spawned ahead of time and loads its modules
 * while the previous one runs. It exits if the test goes away first.
 */
export function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    const orphaned = setTimeout(() => process.exit(0), GIVE_UP_MS)
    process.stdin.once('end', () => process.exit(0))
    process.stdin.once('data', () => {
      clearTimeout(orphaned)
      resolve()
    })
  })
}
