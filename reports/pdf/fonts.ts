// The report faces, shipped by npm (no system font): Noto Serif SC stands in for 宋体/仿宋/楷体 and
// Noto Sans SC for 黑体. Each file (10–15 MB) is parsed once per process and the parsed fontkit font is
// handed to every PDFDocument: pdfkit still creates a fresh subset per document, so documents never share
// glyph state that reaches the output. What does not depend on the document, a glyph's bytes in the glyf
// table and its metrics, is read once per process (see cacheGlyphData); the glyf table (97 % of the file)
// is read glyph by glyph as reports use them, not whole (see readSparse).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as fontkit from 'fontkit'

export type FontKey = 'serif' | 'serifBold' | 'sans'

const FILES: Record<FontKey, string> = {
  serif: '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
  serifBold: '@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf',
  sans: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
}

type Glyph = fontkit.Glyph
type GlyphRun = { glyphs: Glyph[]; positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[]; readonly advanceWidth: number }

export type ReportFont = {
  /** What pdfkit receives: a fontkit font whose `layout` maps code points straight to glyphs. */
  pdfSource: fontkit.Font
  /** Advance of a code point in 1/1000 em (what text-layout.ts measures with). */
  advance: (codePoint: number) => number
  /** The glyph of a code point, the same object every time (what `layout` puts in its runs). */
  glyph: (codePoint: number) => Glyph
}

/** The parts of fontkit's TrueType font and subset that embedding a subset uses (fontkit 2.0). */
type TrueTypeInternals = {
  directory: { tables: Record<string, unknown> }
  loca: { offsets: number[] }
  _variationProcessor?: unknown
  _getTableStream: (tag: string) => { pos: number; readBuffer: (length: number) => Uint8Array }
  getGlyph: (gid: number) => Glyph & {
    _decode: () => { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null
    _getMetrics: () => { leftBearing: number }
  }
  createSubset: () => TrueTypeSubset
}
type TrueTypeSubset = {
  includeGlyph: (gid: number) => number
  _addGlyph: (gid: number) => number
  glyf: Uint8Array[]
  loca: { offsets: number[] }
  hmtx: { metrics: { advance: number; bearing: number }[] }
  offset: number
}
type GlyphData = { bytes: Uint8Array; components: { glyphID: number; pos: number }[] | null; advance: number; bearing: number }

/**
 * Makes the font's subsets take each glyph's data from a per-process cache. fontkit's TTFSubset decodes a
 * glyph's whole outline on every embedding only to learn whether it is composite (~40 % of PDF rendering
 * time); the bytes copied into the subset and the metrics are those of the font file, so caching them
 * changes no output byte. Composite glyphs still get their component ids rewritten per subset.
 */
function cacheGlyphData(font: TrueTypeInternals, file: SparseFont, path: string): void {
  if ('CFF ' in font.directory.tables || font._variationProcessor)
    throw new Error(`${path}: expected a static TrueType font`)
  const cache = new Map<number, GlyphData>()
  const dataOf = (gid: number): GlyphData => {
    let data = cache.get(gid)
    if (!data) {
      file.readGlyph(font.loca.offsets[gid]!, font.loca.offsets[gid + 1]!)
      const glyph = font.getGlyph(gid)
      const decoded = glyph._decode()
      const start = font.loca.offsets[gid]!
      const stream = font._getTableStream('glyf')
      stream.pos += start
      data = {
        bytes: stream.readBuffer(font.loca.offsets[gid + 1]! - start),
        components: decoded && decoded.numberOfContours < 0 ? (decoded.components ?? []).map(({ glyphID, pos }) => ({ glyphID, pos })) : null,
        advance: glyph.advanceWidth,
        bearing: glyph._getMetrics().leftBearing,
      }
      cache.set(gid, data)
    }
    return data
  }
  const createSubset = font.createSubset.bind(font)
  Object.defineProperty(font, 'createSubset', {
    value: (): TrueTypeSubset => {
      const subset = createSubset()
      subset._addGlyph = (gid: number): number => {
        const data = dataOf(gid)
        let bytes = data.bytes
        if (data.components) {
          bytes = new Uint8Array(bytes)
          const view = new DataView(bytes.buffer)
          for (const c of data.components) view.setUint16(c.pos, subset.includeGlyph(c.glyphID))
        }
        subset.glyf.push(bytes)
        subset.loca.offsets.push(subset.offset)
        subset.hmtx.metrics.push({ advance: data.advance, bearing: data.bearing })
        subset.offset += bytes.length
        return subset.glyf.length - 1
      }
      return subset
    },
  })
}

type SparseFont = { bytes: Buffer; readGlyph: (start: number, end: number) => void }

/**
 * The font file with every table but glyf read. The glyf table's room is allocated but left unread, so its
 * pages take no memory until a glyph is read into them (~38 MB of the three files otherwise, in every
 * process and render worker). Only glyph embedding reads glyf: advances come from hmtx, and vmtx
 * (required here) spares fontkit the glyph's box for vertical metrics.
 */
function readSparse(path: string): SparseFont {
  const fd = openSync(path, 'r')
  const bytes = Buffer.allocUnsafe(fstatSync(fd).size)
  const read = (offset: number, length: number) => {
    if (readSync(fd, bytes, offset, length, offset) !== length) throw new Error(`${path}: file shorter than its table directory says`)
  }
  read(0, 12)
  const tableCount = bytes.readUInt16BE(4)
  read(12, tableCount * 16)
  let glyf: { offset: number; length: number } | undefined
  const tags = new Set<string>()
  for (let i = 0; i < tableCount; i += 1) {
    const entry = 12 + i * 16
    const tag = bytes.toString('latin1', entry, entry + 4)
    const table = { offset: bytes.readUInt32BE(entry + 8), length: bytes.readUInt32BE(entry + 12) }
    tags.add(tag)
    if (tag === 'glyf') glyf = table
    else read(table.offset, table.length)
  }
  if (!glyf || !tags.has('vmtx') || !tags.has('loca')) {
    closeSync(fd)
    throw new Error(`${path}: expected a TrueType font with glyf, loca and vmtx tables`)
  }
  const { offset } = glyf
  return { bytes, readGlyph: (start, end) => end > start && read(offset + start, end - start) }
}

function load(path: string): ReportFont {
  const file = readSparse(path)
  const created = fontkit.create(file.bytes)
  if (!('glyphForCodePoint' in created)) throw new Error(`${path}: a font collection, expected a single font`)
  const font = created
  const glyphs = new Map<number, Glyph>()
  const glyphOf = (cp: number): Glyph => {
    let g = glyphs.get(cp)
    if (!g) {
      g = font.glyphForCodePoint(cp)
      glyphs.set(cp, g)
    }
    return g
  }
  const unitsToThousandths = 1000 / font.unitsPerEm
  // Full OpenType shaping (GSUB/GPOS) costs ~0.1 ms per line and changes nothing for Chinese text
  // set horizontally; kerning of the few Latin letters is the only loss. Glyph ids, advances and
  // code points are exactly what pdfkit needs to encode, subset and write the ToUnicode map.
  const layout = (text: string): GlyphRun => {
    const run: Glyph[] = []
    const positions: GlyphRun['positions'] = []
    for (const ch of text) {
      const g = glyphOf(ch.codePointAt(0) ?? 0)
      run.push(g)
      // pdfkit scales these objects in place, so each call returns fresh ones.
      positions.push({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 })
    }
    return {
      glyphs: run,
      positions,
      get advanceWidth() {
        let w = 0
        for (const p of positions) w += p.xAdvance
        return w
      },
    }
  }
  Object.defineProperty(font, 'layout', { value: layout })
  cacheGlyphData(font as unknown as TrueTypeInternals, file, path)
  return { pdfSource: font, advance: (cp) => glyphOf(cp).advanceWidth * unitsToThousandths, glyph: glyphOf }
}

let loaded: Record<FontKey, ReportFont> | null = null

/** The three report fonts, loaded on first use. */
export function reportFonts(): Record<FontKey, ReportFont> {
  if (!loaded) {
    const resolve = createRequire(__filename).resolve
    loaded = { serif: load(resolve(FILES.serif)), serifBold: load(resolve(FILES.serifBold)), sans: load(resolve(FILES.sans)) }
  }
  return loaded
}
