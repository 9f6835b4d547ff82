// The report faces, shipped by npm (no system font): Noto Serif SC stands in for 宋体/仿宋/楷体 and
// Noto Sans SC for 黑体. Each file (10–15 MB) is read and parsed once per process and the parsed
// fontkit font is handed to every PDFDocument: pdfkit still creates a fresh subset per document, so
// documents never share glyph state that reaches the output.
import { readFileSync } from 'node:fs'
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
}

function load(path: string): ReportFont {
  const created = fontkit.create(readFileSync(path))
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
  return { pdfSource: font, advance: (cp) => glyphOf(cp).advanceWidth * unitsToThousandths }
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
