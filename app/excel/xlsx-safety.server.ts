// Checks an uploaded .xlsx before any spreadsheet library parses it (SECURITY.md §9–§10). An .xlsx
// is a zip: exceljs would inflate every member into memory, so a zip bomb, a huge sheet or a macro
// workbook must be refused here, from the central directory and from a bounded streaming inflate.
import yauzl from 'yauzl'
import { MAX_WORKBOOK_BYTES } from '../utils/limits'

export type XlsxLimits = {
  maxBytes: number
  maxEntries: number
  /** Sum of every member's inflated size, as declared and as actually inflated. */
  maxTotalUncompressed: number
  /** Inflated / compressed, for members large enough that the ratio means something. */
  maxRatio: number
  /** `<row>` elements in one worksheet part, blank formatted rows included. */
  maxRowsPerSheet: number
  /** `<c>` elements in one worksheet part. */
  maxCellsPerSheet: number
}

export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  maxBytes: MAX_WORKBOOK_BYTES,
  maxEntries: 200,
  maxTotalUncompressed: 50 * 1024 * 1024,
  maxRatio: 200,
  maxRowsPerSheet: 5000,
  maxCellsPerSheet: 200_000,
}

export type XlsxCheck = { ok: true } | { ok: false; message: string }

// Small members (a 2 KB styles.xml of repeated tags) compress far beyond 200:1 and are harmless.
const RATIO_MIN_UNCOMPRESSED = 64 * 1024

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const NOT_XLSX = '文件不是有效的 .xlsx 工作簿'
const CORRUPT = `${NOT_XLSX}（压缩包已损坏或格式不受支持）`
const REQUIRED_MEMBERS = ['[Content_Types].xml', 'xl/workbook.xml']
const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/i
const MACRO_PART = /(^|\/)vbaProject\.bin$/i
// Deflate (8) and store (0) are all an Excel-written workbook uses, and all exceljs's zip reader reads.
const SUPPORTED_METHODS = new Set([0, 8])

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

class Refusal extends Error {}

/** Counts `<row` / `<c` start tags in streamed XML without holding the part in memory. */
class TagCounter {
  rows = 0
  cells = 0
  private tail = ''

  push(chunk: Buffer) {
    // Keep a few characters of the previous chunk so a tag split across chunks is still seen.
    const text = this.tail + chunk.toString('latin1')
    this.rows += countMatches(text, /<row[\s>/]/g)
    this.cells += countMatches(text, /<c[\s>/]/g)
    // A complete tag at the end was already counted; only a dangling prefix carries over.
    this.tail = /<(?:r(?:ow?)?|c)?$/.exec(text)?.[0] ?? ''
  }
}

function countMatches(text: string, pattern: RegExp): number {
  let n = 0
  pattern.lastIndex = 0
  while (pattern.exec(text)) n++
  return n
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
      (err, zip) => {
        if (err || !zip) reject(new Refusal(CORRUPT))
        else resolve(zip)
      },
    )
  })
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry)
      zip.removeListener('end', onEnd)
      zip.removeListener('error', onError)
    }
    const onEntry = (entry: yauzl.Entry) => {
      cleanup()
      resolve(entry)
    }
    const onEnd = () => {
      cleanup()
      resolve(null)
    }
    const onError = () => {
      cleanup()
      reject(new Refusal(CORRUPT))
    }
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

/**
 * Inflates one member, counting the bytes that really come out: the declared sizes in the central
 * directory are the attacker's to choose, and yauzl also fails a member that inflates past them.
 */
function inflateMember(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  budget: number,
  counter: TagCounter | null,
): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) {
        reject(new Refusal(CORRUPT))
        return
      }
      let inflated = 0
      stream.on('data', (chunk: Buffer) => {
        inflated += chunk.length
        if (inflated > budget) {
          stream.destroy()
          reject(new Refusal(`${NOT_XLSX}（解压后超过 ${mib(budget)}，疑似压缩炸弹）`))
          return
        }
        counter?.push(chunk)
      })
      stream.on('error', () => reject(new Refusal(CORRUPT)))
      stream.on('end', () => resolve(inflated))
    })
  })
}

function checkEntry(entry: yauzl.Entry, limits: XlsxLimits) {
  const name = entry.fileName
  if (MACRO_PART.test(name))
    throw new Refusal('工作簿包含宏（vbaProject.bin），请另存为不含宏的 .xlsx 工作簿后再导入')
  if (entry.isEncrypted()) throw new Refusal('工作簿已加密，请取消密码保护后再导入')
  if (!SUPPORTED_METHODS.has(entry.compressionMethod)) throw new Refusal(`${NOT_XLSX}（不支持的压缩方式）`)
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1)
  if (entry.uncompressedSize >= RATIO_MIN_UNCOMPRESSED && ratio > limits.maxRatio) {
    throw new Refusal(`${NOT_XLSX}（成员 ${name.slice(0, 80)} 压缩比异常，疑似压缩炸弹）`)
  }
}

function checkSheetCounts(counter: TagCounter, limits: XlsxLimits) {
  if (counter.rows > limits.maxRowsPerSheet) {
    throw new Refusal(
      `工作表行数超过上限 ${limits.maxRowsPerSheet}（含设置了格式的空行），请删除多余的行后再导入`,
    )
  }
  if (counter.cells > limits.maxCellsPerSheet) {
    throw new Refusal(`工作表单元格数超过上限 ${limits.maxCellsPerSheet}，请删除多余的行列后再导入`)
  }
}

async function scanZip(bytes: Buffer, limits: XlsxLimits): Promise<void> {
  const zip = await openZip(bytes)
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new Refusal(`${NOT_XLSX}（包含 ${zip.entryCount} 个成员，超过上限 ${limits.maxEntries}）`)
    const seen = new Set<string>()
    let declaredTotal = 0
    let inflatedTotal = 0
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      checkEntry(entry, limits)
      declaredTotal += entry.uncompressedSize
      if (declaredTotal > limits.maxTotalUncompressed) {
        throw new Refusal(`${NOT_XLSX}（解压后超过 ${mib(limits.maxTotalUncompressed)}，疑似压缩炸弹）`)
      }
      seen.add(entry.fileName)
      if (entry.fileName.endsWith('/')) continue
      const counter = WORKSHEET_PART.test(entry.fileName) ? new TagCounter() : null
      inflatedTotal += await inflateMember(zip, entry, limits.maxTotalUncompressed - inflatedTotal, counter)
      if (counter) checkSheetCounts(counter, limits)
    }
    const missing = REQUIRED_MEMBERS.filter((m) => !seen.has(m))
    if (missing.length > 0) throw new Refusal(`${NOT_XLSX}（缺少 ${missing.join('、')}）`)
  } finally {
    zip.close()
  }
}

/** Size, zip signature, members, bomb and macro checks. Never throws for hostile bytes. */
export async function checkXlsxBytes(
  bytes: Buffer,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<XlsxCheck> {
  if (bytes.length > limits.maxBytes)
    return { ok: false, message: `文件过大（${mib(bytes.length)}），上限 ${mib(limits.maxBytes)}` }
  if (
    bytes.length < ZIP_LOCAL_HEADER.length ||
    !bytes.subarray(0, ZIP_LOCAL_HEADER.length).equals(ZIP_LOCAL_HEADER)
  ) {
    return { ok: false, message: NOT_XLSX }
  }
  try {
    await scanZip(bytes, limits)
    return { ok: true }
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, message: e.message }
    return { ok: false, message: CORRUPT }
  }
}
