// docx 9.15 does not write the same bytes twice (STACK.md "Reproducible output"): core.xml carries the
// current time, zip entries the current mtime, and heading bookmarks (`_Toc<n>`) take their numbers from a
// counter shared by every document of the process. We take its package parts before they are zipped and make
// every such value a function of the ReportDocument: dates from meta.createdAt, bookmarks named after the
// document's own anchors and numbered in order of appearance, one fixed entry time. The font table is written
// here too, because docx has no option for a font's fallback names (see fonts.ts). The package is zipped once,
// here: letting docx zip it and then unzipping it again cost a third of the rendering time.
import { zipSync, type Zippable } from 'fflate'
import { fontTableXml } from './fonts'

/**
 * DOS time has no zone and fflate reads the local fields of the Date, so the date is built from local
 * fields too: the entry time is 1980-01-01 00:00 in every time zone.
 */
const ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0)

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** W3CDTF as Word writes it: seconds, no fraction. */
function w3cdtf(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new Error(`报告生成时间 meta.createdAt 不是 ISO-8601 时间：${iso}`)
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * A bookmark name Word accepts (letters, digits, underscore; at most 40 characters), hidden like Word's
 * own TOC bookmarks by the leading underscore, and unique within the document.
 */
export function bookmarkNames(anchors: readonly string[]): string[] {
  const used = new Set<string>()
  return anchors.map((anchor) => {
    const base = `_Toc_${anchor.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 34)
    let name = base
    for (let n = 2; used.has(name); n += 1) name = `${base}_${n}`
    used.add(name)
    return name
  })
}

/**
 * Renames docx's `_Toc<n>` bookmarks (one per TOC heading, numbered in heading order) after `tocAnchors`,
 * and renumbers every bookmark id from 0 in order of appearance.
 */
export function renumberBookmarks(documentXml: string, tocAnchors: readonly string[]): string {
  const tocNumbers = [
    ...new Set([...documentXml.matchAll(/w:name="_Toc(\d+)"/g)].map((m) => Number(m[1]))),
  ].sort((a, b) => a - b)
  if (tocNumbers.length !== tocAnchors.length)
    throw new Error(`DOCX 目录书签数 ${tocNumbers.length} 与一、二级标题数 ${tocAnchors.length} 不一致`)
  const names = bookmarkNames(tocAnchors)
  const nameOf = new Map(tocNumbers.map((n, i) => [String(n), names[i]!]))
  const renamed = documentXml.replace(
    /(w:name="|w:anchor="|PAGEREF )_Toc(\d+)\b/g,
    (whole, before: string, n: string) => {
      const name = nameOf.get(n)
      return name === undefined ? whole : `${before}${name}`
    },
  )
  const ids = new Map<string, number>()
  return renamed.replace(
    /(<w:bookmark(?:Start|End)\b[^>]*?\bw:id=")(\d+)"/g,
    (_whole, before: string, id: string) => {
      let next = ids.get(id)
      if (next === undefined) {
        next = ids.size
        ids.set(id, next)
      }
      return `${before}${next}"`
    },
  )
}

function fixCoreProperties(coreXml: string, createdAt: string, documentId: string): string {
  const when = w3cdtf(createdAt)
  const dated = coreXml.replace(
    /(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g,
    (_w, open: string, _n: string, close: string) => `${open}${when}${close}`,
  )
  return dated.includes('<dc:identifier>')
    ? dated
    : dated.replace(
        '</cp:coreProperties>',
        `<dc:identifier>${xmlText(documentId)}</dc:identifier></cp:coreProperties>`,
      )
}

export type PackageFacts = { createdAt: string; documentId: string; tocAnchors: readonly string[] }

/** The parts of a docx package by path, in package order, as docx's compiler gives them before zipping. */
export type PackageParts = ReadonlyMap<string, string | Uint8Array>

/** Level 6, as docx zipped with: the package is byte for byte what the unzip-and-rezip wrote before. */
const ZIP_LEVEL = 6

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data)

/** The docx package of `parts`, rewritten so its bytes depend on `facts` and the content alone. */
export function reproducible(parts: PackageParts, facts: PackageFacts): Buffer {
  const out: Zippable = {}
  for (const [path, data] of parts) {
    let part = data
    if (path === 'word/document.xml') part = renumberBookmarks(textOf(data), facts.tocAnchors)
    else if (path === 'docProps/core.xml') part = fixCoreProperties(textOf(data), facts.createdAt, facts.documentId)
    else if (path === 'word/fontTable.xml') part = fontTableXml()
    out[path] = bytesOf(part)
  }
  if (!('word/fontTable.xml' in out)) throw new Error('docx 未生成 word/fontTable.xml，无法写入字体回退名')
  return Buffer.from(zipSync(out, { level: ZIP_LEVEL, mtime: ENTRY_TIME }))
}

function textOf(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
}
