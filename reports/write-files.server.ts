// Report files on disk (the `report` and `report:batch` commands; the web keeps reports in the
// database): written atomically, so a reader never sees half a report, even after a crash.
import path from 'node:path'
import { ensureDirectory, sweepTempFiles, writeFileAtomic } from '../app/files/write-atomic.server'
import type { RenderedFile } from './render'

/** A temporary report file older than this is a killed run's, not one a parallel run is writing. */
const REPORT_TEMP_GRACE_MS = 10 * 60_000

export type WrittenFile = { path: string; size: number; sha256: string }

/**
 * Writes each file as `<stem>.<format>` in `dir` (temporary name, fsync, rename, directory fsync),
 * replacing an existing one. A killed run's temporary files are swept by the next run into the
 * same folder.
 */
export function writeReportFiles(dir: string, stem: string, files: readonly RenderedFile[], now: Date = new Date()): WrittenFile[] {
  ensureDirectory(dir, 0o755)
  sweepTempFiles(dir, { olderThanMs: REPORT_TEMP_GRACE_MS, now, recursive: false })
  return files.map((f) => {
    const target = path.join(dir, `${stem}.${f.format}`)
    writeFileAtomic(target, f.bytes)
    return { path: target, size: f.bytes.byteLength, sha256: f.sha256 }
  })
}
