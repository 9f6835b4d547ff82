// The generic file store (SECURITY.md §9): uploaded bytes are kept outside the web root, under the
// database's directory as files/<2 hex>/<random name>, never under a name the user chose. The type is
// sniffed from the bytes (PDF, DOCX, XLSX, JPG, PNG only), the size capped, and a stored file is never
// replaced: every upload is a new file with its own row. Reading a file back re-checks its hash.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import yauzl from 'yauzl'
import type { Db, Tx } from '../../db/client.server'
import { storedFiles } from '../../db/schema'
import { newId } from '../ids.server'
import { MAX_STORED_FILE_BYTES } from './limits'
import { ensureDirectory, sweepTempFiles, writeFileAtomic } from './write-atomic.server'

export type StoredKind = 'pdf' | 'docx' | 'xlsx' | 'jpg' | 'png' | 'csv'

/** The one content type each kind is served with, whatever the client claimed on upload. */
export const STORED_TYPES: Record<StoredKind, { mime: string; ext: string; label: string }> = {
  pdf: { mime: 'application/pdf', ext: 'pdf', label: 'PDF' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', label: 'Word' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', label: 'Excel' },
  jpg: { mime: 'image/jpeg', ext: 'jpg', label: 'JPG 图片' },
  png: { mime: 'image/png', ext: 'png', label: 'PNG 图片' },
  // Never sniffed: only prepareCsvFile stores one, for the imports that take a survey tool's export.
  csv: { mime: 'text/csv', ext: 'csv', label: 'CSV' },
}

export const ALLOWED_TYPES_TEXT = 'PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG'

const ZIP_LIMITS = { maxEntries: 2000, maxTotalUncompressed: 200 * 1024 * 1024, maxRatio: 200 }
// Small members (repeated XML tags) compress far beyond the ratio cap and are harmless.
const RATIO_MIN_UNCOMPRESSED = 64 * 1024
const MACRO_PART = /(^|\/)vbaProject\.bin$/i
const NESTED_ARCHIVE = /\.(zip|rar|7z|docx|xlsx|docm|xlsm|jar|gz)$/i

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)
}

type ZipEntry = { name: string; encrypted: boolean; compressed: number; uncompressed: number }

function zipEntries(bytes: Buffer): Promise<ZipEntry[] | null> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return resolve(null)
      const entries: ZipEntry[] = []
      zip.on('entry', (e: yauzl.Entry) => {
        entries.push({ name: e.fileName, encrypted: e.isEncrypted(), compressed: e.compressedSize, uncompressed: e.uncompressedSize })
        if (entries.length > ZIP_LIMITS.maxEntries) {
          zip.close()
          resolve(entries)
        } else zip.readEntry()
      })
      zip.on('end', () => resolve(entries))
      zip.on('error', () => resolve(null))
      zip.readEntry()
    })
  })
}

/** Whether a ZIP is a plain Word or Excel package: the right parts, no macros, nothing encrypted or nested, no bomb. */
async function officeKind(bytes: Buffer): Promise<StoredKind | null> {
  const entries = await zipEntries(bytes)
  if (!entries || entries.length === 0 || entries.length > ZIP_LIMITS.maxEntries) return null
  let total = 0
  for (const e of entries) {
    if (e.encrypted || MACRO_PART.test(e.name) || NESTED_ARCHIVE.test(e.name)) return null
    total += e.uncompressed
    if (e.uncompressed >= RATIO_MIN_UNCOMPRESSED && e.uncompressed > ZIP_LIMITS.maxRatio * Math.max(1, e.compressed)) return null
  }
  if (total > ZIP_LIMITS.maxTotalUncompressed) return null
  const names = new Set(entries.map((e) => e.name))
  if (!names.has('[Content_Types].xml')) return null
  if (names.has('word/document.xml')) return 'docx'
  if (names.has('xl/workbook.xml')) return 'xlsx'
  return null
}

/** The kind of file these bytes are, from their content alone; null for anything not allowed. */
export async function sniffKind(bytes: Buffer): Promise<StoredKind | null> {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf' // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpg'
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return officeKind(bytes)
  return null
}

function kindOfMime(mime: string): StoredKind | null {
  return (Object.keys(STORED_TYPES) as StoredKind[]).find((k) => STORED_TYPES[k].mime === mime) ?? null
}

/**
 * The client's file name as metadata: no directories, control or reserved characters, bounded, and
 * ending in the extension of what the bytes really are (a PDF called 报告.html is offered as 报告.html.pdf).
 */
export function cleanOriginalName(name: string, kind: StoredKind): string {
  const base = (name.split(/[/\\]/).pop() ?? '')
    .replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '')
    .normalize('NFC')
    .replace(/^[\s.]+|[\s.]+$/g, '')
  const ext = STORED_TYPES[kind].ext
  const stem = base.replace(new RegExp(`\\.${ext}$`, 'i'), '').slice(0, 100) || '附件'
  return `${stem}.${ext}`
}

/** Where a database's files live: beside the database file, never under public/. */
export function filesRoot(db: Db): string {
  const file = db.$client.name
  if (!file || file === ':memory:') throw new Error('the file store needs a database on disk')
  return path.join(path.dirname(path.resolve(file)), 'files')
}

function storagePath(root: string, storageName: string): string {
  if (!/^[0-9a-f]{32}$/.test(storageName)) throw new Error('bad storage name')
  const full = path.resolve(root, storageName.slice(0, 2), storageName)
  if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error('storage path escapes the root')
  return full
}

/** Bytes written to the store and waiting for their row (recordFile) in the caller's transaction. */
export type PreparedFile = { id: string; sha256: string; size: number; mime: string; originalName: string; storageName: string; root: string }

export type Refusal = { ok: false; status: 400 | 413 | 415; message: string }

/**
 * Checks and writes the bytes (outside any transaction: disk is slow). The caller then records the
 * row with recordFile inside its transaction, or calls discardFile when the action is refused.
 */
export async function prepareFile(db: Db, upload: { bytes: Buffer; filename: string }, maxBytes: number = MAX_STORED_FILE_BYTES): Promise<{ ok: true; file: PreparedFile } | Refusal> {
  if (upload.bytes.length === 0) return { ok: false, status: 400, message: '文件是空的，请重新选择' }
  if (upload.bytes.length > maxBytes) return { ok: false, status: 413, message: `文件不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB` }
  const kind = await sniffKind(upload.bytes)
  if (!kind) return { ok: false, status: 415, message: `只能上传 ${ALLOWED_TYPES_TEXT} 文件（按文件内容识别，与扩展名无关）` }
  return { ok: true, file: writePrepared(db, upload, kind) }
}

/**
 * A CSV export (text: UTF-8 or GB18030, no NUL or other binary control bytes), for imports that
 * take one besides .xlsx. Stored like any other file; never accepted where documents are uploaded.
 */
export function prepareCsvFile(db: Db, upload: { bytes: Buffer; filename: string }, maxBytes: number = MAX_STORED_FILE_BYTES): { ok: true; file: PreparedFile } | Refusal {
  if (upload.bytes.length === 0) return { ok: false, status: 400, message: '文件是空的，请重新选择' }
  if (upload.bytes.length > maxBytes) return { ok: false, status: 413, message: `文件不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB` }
  if (upload.bytes.some((b) => b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f))
    return { ok: false, status: 415, message: '文件不是文本格式的 CSV（按文件内容识别，与扩展名无关）' }
  return { ok: true, file: writePrepared(db, upload, 'csv') }
}

function writePrepared(db: Db, upload: { bytes: Buffer; filename: string }, kind: StoredKind): PreparedFile {
  const root = filesRoot(db)
  const storageName = crypto.randomBytes(16).toString('hex')
  const full = storagePath(root, storageName)
  ensureDirectory(path.dirname(full))
  // Durable before the caller's row can commit, so a row never names a missing or partial file; never
  // replacing: an existing file is not overwritten, whatever happens to the random name.
  writeFileAtomic(full, upload.bytes, { mode: 0o600, overwrite: false })
  return {
    id: newId(),
    sha256: crypto.createHash('sha256').update(upload.bytes).digest('hex'),
    size: upload.bytes.length,
    mime: STORED_TYPES[kind].mime,
    originalName: cleanOriginalName(upload.filename, kind),
    storageName,
    root,
  }
}

export function recordFile(tx: Tx | Db, file: PreparedFile, uploadedBy: string, at: Date): void {
  tx.insert(storedFiles)
    .values({ id: file.id, sha256: file.sha256, size: file.size, mime: file.mime, originalName: file.originalName, storageName: file.storageName, uploadedBy, uploadedAt: at.toISOString() })
    .run()
}

/** Removes bytes whose row was never written (the action was refused or rolled back). */
export function discardFile(file: PreparedFile): void {
  fs.rmSync(storagePath(file.root, file.storageName), { force: true })
}

export type StoredFileRow = typeof storedFiles.$inferSelect

/**
 * A stored file's row and bytes, for a route that has already authorized the reader. Bytes that no
 * longer match their hash are not served.
 */
export function openStoredFile(db: Db, id: string): { row: StoredFileRow; bytes: Buffer; kind: StoredKind } | undefined {
  const row = db.select().from(storedFiles).where(eq(storedFiles.id, id)).get()
  if (!row) return undefined
  const kind = kindOfMime(row.mime)
  if (!kind) return undefined
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(storagePath(filesRoot(db), row.storageName))
  } catch {
    return undefined
  }
  if (crypto.createHash('sha256').update(bytes).digest('hex') !== row.sha256) return undefined
  return { row, bytes, kind }
}

/**
 * Copies every stored file the database lists into `targetRoot` (same layout), checking each hash
 * on the way: the backup of the files beside a database backup. Returns what was copied and the
 * rows whose file is missing or damaged at the source.
 */
export function copyStore(db: Db, targetRoot: string): { files: number; bytes: number; damaged: string[] } {
  const root = filesRoot(db)
  let files = 0
  let bytes = 0
  const damaged: string[] = []
  for (const row of db.select().from(storedFiles).all()) {
    let content: Buffer
    try {
      content = fs.readFileSync(storagePath(root, row.storageName))
    } catch {
      damaged.push(row.id)
      continue
    }
    if (crypto.createHash('sha256').update(content).digest('hex') !== row.sha256) {
      damaged.push(row.id)
      continue
    }
    const target = storagePath(targetRoot, row.storageName)
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
    fs.writeFileSync(target, content, { mode: 0o600 })
    files += 1
    bytes += content.length
  }
  return { files, bytes, damaged }
}

/**
 * How old a leftover must be before the start-up sweep removes it. A command-line import running
 * beside the server holds its temporary or not-yet-recorded file for seconds, never minutes.
 */
export const SWEEP_GRACE_MS = 10 * 60_000

export type StoreReconciliation = {
  /** Temporary files of writes killed half-way. */
  removedTemp: string[]
  /** Complete files whose row never committed (the action was refused, rolled back or killed). */
  removedOrphans: string[]
  /** Rows whose file is gone: nothing here can restore them, so they are reported, not deleted. */
  missing: { id: string; storageName: string; originalName: string }[]
}

const STORAGE_NAME = /^[0-9a-f]{32}$/

/**
 * The start-up check of the file store against the database (ADR 020): removes what crashed or
 * refused writes left behind and lists rows whose file is missing. Run it where the server opens
 * the database, before it serves requests.
 */
export function reconcileFileStore(db: Db, options: { now: Date; graceMs?: number }): StoreReconciliation {
  const root = filesRoot(db)
  const graceMs = options.graceMs ?? SWEEP_GRACE_MS
  const removedTemp = sweepTempFiles(root, { olderThanMs: graceMs, now: options.now })
  const rows = db.select({ id: storedFiles.id, storageName: storedFiles.storageName, originalName: storedFiles.originalName }).from(storedFiles).all()
  const recorded = new Set(rows.map((r) => r.storageName))
  const present = new Set<string>()
  const removedOrphans: string[] = []
  const cutoff = options.now.getTime() - graceMs
  const shards = fs.existsSync(root) ? fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && /^[0-9a-f]{2}$/.test(d.name)) : []
  for (const shard of shards) {
    for (const name of fs.readdirSync(path.join(root, shard.name))) {
      if (!STORAGE_NAME.test(name)) continue
      present.add(name)
      const full = path.join(root, shard.name, name)
      if (recorded.has(name) || fs.statSync(full).mtimeMs > cutoff) continue
      fs.rmSync(full, { force: true })
      removedOrphans.push(full)
    }
  }
  const missing = rows.filter((r) => !present.has(r.storageName))
  return { removedTemp, removedOrphans, missing }
}

/** The reconciliation in the server's start-up log, in Chinese; empty when there was nothing to do. */
export function describeReconciliation(r: StoreReconciliation): string[] {
  const lines: string[] = []
  if (r.removedTemp.length > 0) lines.push(`文件存储：已清理 ${r.removedTemp.length} 个中断写入留下的临时文件`)
  if (r.removedOrphans.length > 0) lines.push(`文件存储：已清理 ${r.removedOrphans.length} 个未登记到数据库的文件（上传未完成或被拒绝）`)
  if (r.missing.length > 0) {
    const sample = r.missing.slice(0, 10).map((m) => `${m.originalName}（${m.id}）`).join('、')
    lines.push(`文件存储：警告，数据库登记的 ${r.missing.length} 个文件在磁盘上找不到，请从备份恢复 files 目录：${sample}${r.missing.length > 10 ? ' 等' : ''}`)
  }
  return lines
}
