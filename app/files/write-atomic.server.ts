// Files that must never be seen half-written (stored uploads, generated reports): the bytes go to a
// temporary name beside the target, are fsynced, and only then take the target's name, after which
// the directory is fsynced so the new name itself survives. A crash leaves the old state or the new
// one, plus at worst a temporary file that sweepTempFiles removes at the next start (ADR 020).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** `.<target name>.<16 hex>.tmp`: hidden, and distinctive enough to sweep even in a user's folder. */
const TEMP_NAME = /^\..+\.[0-9a-f]{16}\.tmp$/

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name)
}

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomBytes(8).toString('hex')}.tmp`)
}

/** Makes a directory's entries (a new or renamed name in it) durable. */
export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** mkdir -p, with the parent of the first directory created fsynced so the new directory survives too. */
export function ensureDirectory(dir: string, mode = 0o700): void {
  const first = fs.mkdirSync(dir, { recursive: true, mode })
  if (first !== undefined) fsyncDirectory(path.dirname(first))
}

export type AtomicWriteOptions = {
  mode?: number
  /** false: fail with EEXIST rather than replace an existing file (the file store never replaces). */
  overwrite?: boolean
}

/** Writes `bytes` to `target` so that a reader sees either no file / the old file, or all of the new one. */
export function writeFileAtomic(target: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): void {
  const temp = tempPathFor(target)
  const fd = fs.openSync(temp, 'wx', options.mode ?? 0o644)
  try {
    try {
      let written = 0
      while (written < bytes.byteLength) written += fs.writeSync(fd, bytes, written, bytes.byteLength - written)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    // link() refuses an existing name, so "never replace" holds even against another writer.
    if (options.overwrite === false) {
      fs.linkSync(temp, target)
      fs.unlinkSync(temp)
    } else fs.renameSync(temp, target)
  } catch (error) {
    fs.rmSync(temp, { force: true })
    throw error
  }
  fsyncDirectory(path.dirname(target))
}

/**
 * Removes the temporary files a killed writer left under `root` (recursively), if older than
 * `olderThanMs`: a live writer in another process keeps its temporary file for milliseconds, so a
 * grace period spares it. Returns the removed paths.
 */
export function sweepTempFiles(root: string, options: { olderThanMs: number; now: Date; recursive?: boolean }): string[] {
  const removed: string[] = []
  const cutoff = options.now.getTime() - options.olderThanMs
  const walk = (dir: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (options.recursive !== false) walk(full)
      } else if (entry.isFile() && isTempName(entry.name) && fs.statSync(full).mtimeMs <= cutoff) {
        fs.rmSync(full, { force: true })
        removed.push(full)
      }
    }
  }
  walk(root)
  return removed
}
