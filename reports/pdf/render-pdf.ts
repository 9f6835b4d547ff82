// The PDF renderer: a ReportDocument laid out in the spirit of GB/T 9704-2012 (A4, 37/35/28/26 mm
// margins, 三号 body on a 28 pt grid, 22 lines a page) with pdfkit and fonts from npm.
// Layout is done here, not by pdfkit's text wrapper: lines are broken and measured first
// (text-layout.ts), so page breaks, table rows and the TOC are exact, and pdfkit only draws
// finished lines. The TOC pages are reserved before the body is laid out and filled afterwards,
// when every heading's page is known; headers and footers are written last over the buffered pages.
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import { barShare, headingsOf, type Align, type BarChartBlock, type Block, type HeadingBlock, type ParagraphBlock, type ReportDocument, type TableBlock, type TextRun } from '../document'
import { reportFonts, type FontKey } from './fonts'
import { fragmentLines, layoutGrid, paginateRows, type CellLayout, type CellStyle, type GridLayout } from './table-layout'
import { lineSpacing, wrapBalanced, wrapRuns, type Line } from './text-layout'

const MM = 72 / 25.4
const PAGE = { width: 595.28, height: 841.89 }
const MARGIN = { top: 37 * MM, bottom: 35 * MM, left: 28 * MM, right: 26 * MM }
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right
const TOP = MARGIN.top
const BOTTOM = PAGE.height - MARGIN.bottom
const EPSILON = 0.01
/** Top of the ideographic em box above the baseline, in em (Noto CJK): centres CJK text in a line box. */
const EM_TOP = 0.88

type TextStyle = { font: FontKey; size: number; leading: number }
const BODY: TextStyle = { font: 'serif', size: 16, leading: 28 }
const NOTE: TextStyle = { font: 'serif', size: 12, leading: 20 }
const HEADINGS: Record<HeadingBlock['level'], TextStyle> = {
  1: { font: 'sans', size: 16, leading: 28 },
  2: { font: 'serif', size: 16, leading: 28 },
  3: { font: 'serifBold', size: 16, leading: 28 },
  4: { font: 'serif', size: 16, leading: 28 },
}
const COVER_TITLE: TextStyle = { font: 'serifBold', size: 22, leading: 38 }
const COVER_TEXT: TextStyle = { font: 'serif', size: 16, leading: 32 }
const TOC_TITLE: TextStyle = { font: 'sans', size: 18, leading: 48 }
const TOC_ENTRY: Record<1 | 2, TextStyle> = { 1: { font: 'sans', size: 14, leading: 28 }, 2: { font: 'serif', size: 14, leading: 28 } }
const CAPTION: TextStyle = { font: 'serifBold', size: 12, leading: 22 }
const TABLE: CellStyle<FontKey> = { size: 10.5, lineHeight: 16, padX: 3.5, padY: 3, font: 'serif', boldFont: 'serifBold' }
const CHART_TEXT: TextStyle = { font: 'serif', size: 10.5, leading: 16 }
/** Bar charts: labels take at most this part of the text width (wrapping beyond), values this part. */
const CHART_LABEL_SHARE = 0.35
const CHART_VALUE_SHARE = 0.25
const CHART_GAP = 6
const CHART_ROW_GAP = 6
const CHART_BAR_HEIGHT = 10
const CHART_BAR_FILL = '#8b1a1a'
const CHART_AXIS = '#808080'
const RUNNING_HEADER: TextStyle = { font: 'serif', size: 10.5, leading: 14 }
const PAGE_NUMBER: TextStyle = { font: 'serif', size: 14, leading: 18 }
const FOOTER_CODE: TextStyle = { font: 'serif', size: 9, leading: 12 }
/** Space reserved at the right of a TOC line for its page number. */
const TOC_NUMBER_GAP = 8
const TOC_LEADER_MIN = 16

const BOLD: Record<FontKey, FontKey> = { serif: 'serifBold', serifBold: 'serifBold', sans: 'sans' }
const NUMBERED_HEADING = /^[一二三四五六七八九十百]+、/

type Section = 'cover' | 'front' | 'body'

/** What showText uses of pdfkit's EmbeddedFont (pdfkit 0.20). */
type EmbeddedFont = {
  id: string
  scale: number
  subset: { includeGlyph: (gid: number) => number }
  widths: (number | undefined)[]
  unicode: (number[] | undefined)[]
  ref: () => unknown
}

/** A number as pdfkit writes it in content streams (PDFObject.number). */
const pdfNumber = (n: number): number => Math.round(n * 1e6) / 1e6

/** Thrown when the filled TOC needs other than the reserved page count: the document is laid out again. */
class TocPageCount extends Error {
  constructor(readonly needed: number) {
    super(`table of contents needs ${needed} pages`)
  }
}

const advance = (font: FontKey, cp: number): number => reportFonts()[font].advance(cp)

function roman(n: number): string {
  const table: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']]
  let out = ''
  for (const [value, digits] of table) {
    while (n >= value) {
      out += digits
      n -= value
    }
  }
  return out
}

function textWidth(text: string, style: TextStyle): number {
  let w = 0
  for (const ch of text) w += advance(style.font, ch.codePointAt(0) ?? 0)
  return (w * style.size) / 1000
}

function wrap(runs: readonly TextRun[], style: TextStyle, width: number, firstIndent = 0): Line<FontKey>[] {
  return wrapRuns(
    runs.map((r) => ({ text: r.text, font: r.bold ? BOLD[style.font] : style.font })),
    advance,
    { width, size: style.size, firstIndent },
  )
}

function baselineIn(top: number, style: { size: number; leading: number }): number {
  return top + (style.leading - style.size) / 2 + EM_TOP * style.size
}

type ChartRow = { label: Line<FontKey>[]; value: Line<FontKey>[]; share: number; height: number }
type ChartLayout = { caption: Line<FontKey>[]; labelWidth: number; barWidth: number; rows: ChartRow[]; note: ParagraphBlock | null }

type TocEntry = { heading: HeadingBlock; style: TextStyle; indent: number }
type TocPage = { entry: TocEntry; lines: Line<FontKey>[]; top: number }[]

function tocEntries(source: ReportDocument): TocEntry[] {
  return headingsOf(source)
    .filter((h) => h.level <= 2)
    .map((heading) => ({ heading, style: TOC_ENTRY[heading.level === 1 ? 1 : 2], indent: heading.level === 1 ? 0 : 2 * TOC_ENTRY[2].size }))
}

/** TOC entries placed on pages (the first under the title); an entry is never split. */
function paginateToc(entries: readonly TocEntry[], numberOf: (e: TocEntry) => string): TocPage[] {
  const pages: TocPage[] = [[]]
  let y = TOP + TOC_TITLE.leading
  for (const entry of entries) {
    const numberWidth = textWidth(numberOf(entry), entry.style)
    const lines = wrap([{ text: entry.heading.text }], entry.style, TEXT_WIDTH - entry.indent - numberWidth - TOC_NUMBER_GAP - TOC_LEADER_MIN)
    const height = lines.length * entry.style.leading
    if (y + height > BOTTOM + EPSILON && pages[pages.length - 1]!.length > 0) {
      pages.push([])
      y = TOP
    }
    pages[pages.length - 1]!.push({ entry, lines, top: y })
    y += height
  }
  return pages
}

class Layout {
  readonly pdf: PDFKit.PDFDocument
  private readonly sections: Section[] = []
  private readonly labels: string[] = []
  private frontCount = 0
  private bodyCount = 0
  private y = TOP
  private empty = true
  private readonly headingPages = new Map<string, number>()
  /** The latest bookmark of each heading level (index = level): the parents of deeper ones. */
  private outlineAt: (PDFKit.PDFOutline | undefined)[] = []
  private readonly wrapped = new Map<Block, Line<FontKey>[]>()
  private readonly grids = new Map<TableBlock, { header: GridLayout<FontKey>; body: GridLayout<FontKey> }>()
  private readonly fonts = new Map<FontKey, EmbeddedFont>()
  private readonly charts = new Map<BarChartBlock, ChartLayout>()

  constructor(private readonly source: ReportDocument) {
    const { meta } = source
    const created = new Date(meta.createdAt)
    if (Number.isNaN(created.getTime())) throw new Error(`meta.createdAt is not a date: ${meta.createdAt}`)
    if (!/^[0-9a-f]{32}$/.test(meta.documentId)) throw new Error(`meta.documentId must be 32 lowercase hex characters: ${meta.documentId}`)
    this.pdf = new PDFDocument({
      size: 'A4',
      margins: MARGIN,
      bufferPages: true,
      autoFirstPage: false,
      // No default Helvetica: every run names one of the embedded fonts.
      font: '',
      lang: 'zh-CN',
      displayTitle: true,
      info: { Title: meta.title, Subject: meta.subject, Author: meta.author, Creator: 'EvalDesk', Producer: 'EvalDesk (PDFKit)', CreationDate: created, ModDate: created },
    })
    // The trailer /ID is the composer's id for the content, so two renders of one document match
    // and a changed document gets a new identity (pdfkit would hash the info dictionary instead).
    ;(this.pdf as unknown as { _id: Uint8Array })._id = Buffer.from(meta.documentId, 'hex')
    const fonts = reportFonts()
    for (const key of Object.keys(fonts) as FontKey[]) this.pdf.registerFont(key, fonts[key].pdfSource as unknown as PDFKit.Mixins.PDFFontSource)
  }

  // ── pages ──────────────────────────────────────────────────────────────────────────────────

  private newPage(section: Section): void {
    this.pdf.addPage()
    this.sections.push(section)
    if (section === 'front') this.labels.push(roman(++this.frontCount))
    else if (section === 'body') this.labels.push(String(++this.bodyCount))
    else this.labels.push('')
    this.y = TOP
    this.empty = true
  }

  private get section(): Section {
    return this.sections[this.sections.length - 1] ?? 'cover'
  }

  private get pageIndex(): number {
    return this.sections.length - 1
  }

  private breakPage(): void {
    this.newPage(this.section)
  }

  // ── drawing primitives ─────────────────────────────────────────────────────────────────────

  private drawLine(line: Line<FontKey>, left: number, width: number, top: number, style: { size: number; leading: number }, align: Align): void {
    const spacing = lineSpacing(line, width, style.size, align === 'justify')
    const drawnWidth = line.width + spacing * (line.glyphs - 1)
    let x = left + line.indent
    if (align === 'center') x = left + (width - drawnWidth) / 2
    else if (align === 'right') x = left + width - drawnWidth
    const baseline = baselineIn(top, style)
    const ops: string[] = []
    for (const segment of line.segments) {
      const shown = this.showText(segment.font, segment.text, x, baseline, style.size, spacing)
      if (shown) ops.push(shown)
      x += segment.width + spacing * [...segment.text].length
    }
    // Bytes, not a string, which pdfkit would copy into bytes a character at a time; with its line end.
    if (ops.length > 0) this.pdf.addContent(Buffer.from(`${ops.join('\n')}\n`, 'latin1'))
  }

  /**
   * The content operators pdfkit's `text(s, x, y, { lineBreak: false, baseline: 'alphabetic', characterSpacing })`
   * writes, operator for operator, without its line wrapper, measuring and one write per operator: those
   * were a third of the rendering time. Glyphs go through pdfkit's embedded font (subset, widths,
   * ToUnicode) exactly as its own `encode` adds them.
   */
  private showText(key: FontKey, text: string, x: number, baseline: number, size: number, spacing: number): string | null {
    const font = this.embeddedFont(key)
    if (text.length === 0) return null
    const glyphOf = reportFonts()[key].glyph
    let hex = ''
    for (const ch of text) {
      const glyph = glyphOf(ch.codePointAt(0) ?? 0)
      const gid = font.subset.includeGlyph(glyph.id)
      hex += gid.toString(16).padStart(4, '0')
      font.widths[gid] ??= glyph.advanceWidth * font.scale
      font.unicode[gid] ??= glyph.codePoints
    }
    const page = this.pdf.page as unknown as { height: number; fonts: Record<string, unknown> }
    page.fonts[font.id] ??= font.ref()
    const tc = spacing ? `${pdfNumber(spacing)} Tc\n` : ''
    return `q\n1 0 0 -1 0 ${pdfNumber(page.height)} cm\nBT\n1 0 0 1 ${pdfNumber(x)} ${pdfNumber(page.height - baseline)} Tm\n/${font.id} ${pdfNumber(size)} Tf\n${tc}[<${hex}> 0] TJ\nET\nQ`
  }

  /** pdfkit's font object for `key`, made current once so pdfkit numbers the fonts (F1, F2…) in order of first use. */
  private embeddedFont(key: FontKey): EmbeddedFont {
    let font = this.fonts.get(key)
    if (!font) {
      this.pdf.font(key)
      font = (this.pdf as unknown as { _font: EmbeddedFont })._font
      if (!font.subset || !Array.isArray(font.widths) || !Array.isArray(font.unicode)) throw new Error('pdfkit 的嵌入字体对象结构已变化，请按新版本改写 showText')
      this.fonts.set(key, font)
    }
    return font
  }

  // ── blocks ─────────────────────────────────────────────────────────────────────────────────

  private paragraphStyle(block: ParagraphBlock): { style: TextStyle; indent: number; align: Align; spaceBefore: number } {
    const kind = block.style ?? 'body'
    const style = kind === 'note' ? NOTE : BODY
    return {
      style,
      indent: kind === 'body' ? 2 * style.size : 0,
      align: block.align ?? (kind === 'signature' ? 'right' : 'justify'),
      spaceBefore: kind === 'signature' ? style.leading / 2 : 0,
    }
  }

  private paragraphLines(block: ParagraphBlock): Line<FontKey>[] {
    let lines = this.wrapped.get(block)
    if (!lines) {
      const { style, indent } = this.paragraphStyle(block)
      lines = wrap(block.runs, style, TEXT_WIDTH, indent)
      this.wrapped.set(block, lines)
    }
    return lines
  }

  private paragraph(block: ParagraphBlock): void {
    const { style, align, spaceBefore } = this.paragraphStyle(block)
    const lines = this.paragraphLines(block)
    if (!this.empty) this.y += spaceBefore
    let i = 0
    while (i < lines.length) {
      const fits = Math.floor((BOTTOM - this.y) / style.leading + EPSILON)
      const left = lines.length - i
      let take = Math.min(fits, left)
      // No orphan (a lone first line at the foot of a page) and no widow (a lone last line on top).
      if (take < left && i === 0 && take <= 1 && !this.empty) take = 0
      else if (take < left && left - take === 1 && take >= 3) take -= 1
      if (take <= 0) {
        this.breakPage()
        continue
      }
      for (const line of lines.slice(i, i + take)) {
        this.drawLine(line, MARGIN.left, TEXT_WIDTH, this.y, style, align)
        this.y += style.leading
      }
      this.empty = false
      i += take
      if (i < lines.length) this.breakPage()
    }
  }

  private headingLayout(block: HeadingBlock): { style: TextStyle; lines: Line<FontKey>[]; centred: boolean; spaceBefore: number } {
    const style = HEADINGS[block.level]
    const centred = block.level === 1 && !NUMBERED_HEADING.test(block.text)
    let lines = this.wrapped.get(block)
    if (!lines) {
      lines = wrap([{ text: block.text }], style, TEXT_WIDTH, centred ? 0 : 2 * style.size)
      this.wrapped.set(block, lines)
    }
    return { style, lines, centred, spaceBefore: block.level === 1 ? 10 : 0 }
  }

  /** The least height that must follow block `i - 1` on its page: a heading keeps with its text. */
  private keepHeight(blocks: readonly Block[], i: number): number {
    const block = blocks[i]
    if (!block) return 0
    if (block.kind === 'paragraph') {
      const { style, spaceBefore } = this.paragraphStyle(block)
      return spaceBefore + Math.min(2, this.paragraphLines(block).length) * style.leading
    }
    if (block.kind === 'heading') {
      const { style, lines, spaceBefore } = this.headingLayout(block)
      return spaceBefore + lines.length * style.leading + this.keepHeight(blocks, i + 1)
    }
    if (block.kind === 'table') {
      const { header, body } = this.tableGrids(block)
      const first = body.rowHeights[0] ?? 0
      return this.captionHeight(block) + sum(header.rowHeights) + Math.min(first, TABLE.lineHeight + 2 * TABLE.padY)
    }
    if (block.kind === 'barChart') {
      const chart = this.chartLayout(block)
      return chart.caption.length * CAPTION.leading + (chart.rows[0]?.height ?? 0)
    }
    return 0
  }

  private heading(blocks: readonly Block[], i: number): void {
    const block = blocks[i] as HeadingBlock
    const { style, lines, centred } = this.headingLayout(block)
    let { spaceBefore } = this.headingLayout(block)
    if (this.empty) spaceBefore = 0
    const needed = spaceBefore + lines.length * style.leading + this.keepHeight(blocks, i + 1)
    if (this.y + needed > BOTTOM + EPSILON && !this.empty) {
      this.breakPage()
      spaceBefore = 0
    }
    this.y += spaceBefore
    this.mark(block)
    for (const line of lines) {
      this.drawLine(line, MARGIN.left, TEXT_WIDTH, this.y, style, centred ? 'center' : 'left')
      this.y += style.leading
    }
    this.empty = false
  }

  /** Records where a heading landed: TOC page number, named destination and bookmark. */
  private mark(block: HeadingBlock): void {
    this.headingPages.set(block.anchor, this.pageIndex)
    if (block.level <= 2) this.pdf.addNamedDestination(block.anchor, 'XYZ', 0, this.y, 0)
    if (block.level <= 3) this.bookmark(block.text, block.level)
  }

  /** Adds a bookmark under the nearest shallower heading; `leaf` ones (the TOC) never become parents. */
  private bookmark(title: string, level: number, leaf = false): void {
    let parent: PDFKit.PDFOutline = this.pdf.outline
    for (let l = level - 1; l >= 1; l -= 1) {
      const found = this.outlineAt[l]
      if (found) {
        parent = found
        break
      }
    }
    // pdfkit writes an XYZ destination as [page, 'XYZ', width - left, height - top]: passing the
    // page width as `left` lands on the left edge, `top` on the heading instead of the page top.
    const options = { expanded: level === 1, fit: false, left: PAGE.width, top: this.y, zoom: 0 }
    const item = parent.addItem(title, options as { expanded: boolean })
    this.outlineAt = this.outlineAt.slice(0, level)
    if (!leaf) this.outlineAt[level] = item
  }


  // ── tables ─────────────────────────────────────────────────────────────────────────────────

  private tableGrids(block: TableBlock): { header: GridLayout<FontKey>; body: GridLayout<FontKey> } {
    let grids = this.grids.get(block)
    if (!grids) {
      grids = {
        header: layoutGrid(block.columns, block.header, TEXT_WIDTH, TABLE, advance, 'center'),
        body: layoutGrid(block.columns, block.rows, TEXT_WIDTH, TABLE, advance),
      }
      this.grids.set(block, grids)
    }
    return grids
  }

  private captionLines(block: TableBlock): Line<FontKey>[] {
    return block.caption ? wrap([{ text: block.caption }], CAPTION, TEXT_WIDTH) : []
  }

  private captionHeight(block: TableBlock): number {
    return this.captionLines(block).length * CAPTION.leading
  }

  private table(block: TableBlock): void {
    const { header, body } = this.tableGrids(block)
    const headerHeight = sum(header.rowHeights)
    const captionHeight = this.captionHeight(block)
    const spaceBefore = this.empty ? 0 : 8
    const paginate = (firstAvailable: number, firstPageFresh: boolean) =>
      paginateRows(body.rowHeights, { firstAvailable, firstPageFresh, pageAvailable: BOTTOM - TOP - headerHeight, lineHeight: TABLE.lineHeight, padY: TABLE.padY })
    const available = BOTTOM - this.y - spaceBefore - captionHeight - headerHeight
    let pages = paginate(available, this.empty)
    const startAfresh = body.rowHeights.length > 0 ? pages[0]?.length === 0 : available < 0 && !this.empty
    if (startAfresh) {
      this.breakPage()
      pages = paginate(BOTTOM - TOP - captionHeight - headerHeight, true)
    } else {
      this.y += spaceBefore
    }
    this.y = this.drawCentred(this.captionLines(block), this.y, CAPTION)
    const drawn = new Map<CellLayout<FontKey>, number>()
    pages.forEach((pieces, p) => {
      if (p > 0) this.breakPage()
      this.drawGrid(header, header.rowHeights.map((height, row) => ({ row, height })), drawn, true)
      this.drawGrid(body, pieces, drawn, false)
      this.empty = false
    })
    if (block.note) this.paragraph({ kind: 'paragraph', runs: [{ text: block.note }], style: 'note' })
  }

  /** Draws the fragments of `grid`'s cells that fall on the given row pieces, from `this.y` down. */
  private drawGrid(grid: GridLayout<FontKey>, pieces: readonly { row: number; height: number }[], drawn: Map<CellLayout<FontKey>, number>, isHeader: boolean): void {
    if (pieces.length === 0) return
    const top = new Map<number, { y: number; height: number }>()
    let y = this.y
    for (const piece of pieces) {
      top.set(piece.row, { y, height: piece.height })
      y += piece.height
    }
    const fragments: { cell: CellLayout<FontKey>; y: number; height: number }[] = []
    for (const cell of grid.cells) {
      let first: { y: number; height: number } | undefined
      let last: { y: number; height: number } | undefined
      for (let r = cell.row; r < cell.row + cell.rowSpan; r += 1) {
        const at = top.get(r)
        if (!at) continue
        first ??= at
        last = at
      }
      if (first && last) fragments.push({ cell, y: first.y, height: last.y + last.height - first.y })
    }
    const pdf = this.pdf
    if (isHeader) {
      for (const f of fragments) pdf.rect(MARGIN.left + f.cell.x, f.y, f.cell.width, f.height)
      pdf.fillColor('#eeeeee').fill().fillColor('black')
    }
    for (const f of fragments) {
      const shown = fragmentLines(f.cell, f.height, drawn.get(f.cell) ?? 0, TABLE)
      if (!isHeader) drawn.set(f.cell, shown.drawn)
      let lineTop = shown.centred ? f.y + (f.height - shown.lines.length * TABLE.lineHeight) / 2 : f.y + TABLE.padY
      for (const line of shown.lines) {
        this.drawLine(line, MARGIN.left + f.cell.x + TABLE.padX, f.cell.width - 2 * TABLE.padX, lineTop, { size: TABLE.size, leading: TABLE.lineHeight }, f.cell.align)
        lineTop += TABLE.lineHeight
      }
    }
    for (const f of fragments) pdf.rect(MARGIN.left + f.cell.x, f.y, f.cell.width, f.height)
    pdf.lineWidth(0.5).stroke()
    this.y = y
  }

  // ── bar charts ─────────────────────────────────────────────────────────────────────────────

  private chartLayout(block: BarChartBlock): ChartLayout {
    let chart = this.charts.get(block)
    if (!chart) {
      // One point of slack: wrapping at exactly the widest text's width could still break it.
      const widest = (texts: string[], share: number) => Math.min(Math.max(0, ...texts.map((t) => textWidth(t, CHART_TEXT))) + 1, share * TEXT_WIDTH)
      const labelWidth = widest(block.bars.map((b) => b.label), CHART_LABEL_SHARE)
      const valueWidth = widest(block.bars.map((b) => b.valueText), CHART_VALUE_SHARE)
      const rows = block.bars.map((bar) => {
        const label = wrap([{ text: bar.label }], CHART_TEXT, labelWidth)
        const value = wrap([{ text: bar.valueText }], CHART_TEXT, valueWidth)
        return { label, value, share: barShare(bar), height: Math.max(1, label.length, value.length) * CHART_TEXT.leading + CHART_ROW_GAP }
      })
      chart = {
        caption: wrap([{ text: block.caption }], CAPTION, TEXT_WIDTH),
        labelWidth,
        barWidth: Math.max(0, TEXT_WIDTH - labelWidth - valueWidth - 2 * CHART_GAP),
        rows,
        note: block.note ? { kind: 'paragraph', runs: [{ text: block.note }], style: 'note' } : null,
      }
      this.charts.set(block, chart)
    }
    return chart
  }

  /** Caption, bars and note on one page when they fit one; a taller chart breaks between bars. */
  private barChart(block: BarChartBlock): void {
    const chart = this.chartLayout(block)
    const noteHeight = chart.note ? this.paragraphLines(chart.note).length * NOTE.leading : 0
    const height = chart.caption.length * CAPTION.leading + sum(chart.rows.map((r) => r.height)) + noteHeight
    const spaceBefore = this.empty ? 0 : 8
    if (this.y + spaceBefore + height > BOTTOM + EPSILON && !this.empty) this.breakPage()
    else this.y += spaceBefore
    this.y = this.drawCentred(chart.caption, this.y, CAPTION)
    this.empty = false
    const barLeft = MARGIN.left + chart.labelWidth + CHART_GAP
    let axisTop = this.y
    const drawAxis = () => {
      if (this.y > axisTop) this.pdf.moveTo(barLeft, axisTop).lineTo(barLeft, this.y).lineWidth(0.5).strokeColor(CHART_AXIS).stroke().strokeColor('black')
    }
    for (const row of chart.rows) {
      if (this.y + row.height > BOTTOM + EPSILON && !this.empty) {
        drawAxis()
        this.breakPage()
        axisTop = this.y
      }
      const top = this.y + CHART_ROW_GAP / 2
      row.label.forEach((line, i) => this.drawLine(line, MARGIN.left, chart.labelWidth, top + i * CHART_TEXT.leading, CHART_TEXT, 'right'))
      const length = row.share * chart.barWidth
      if (length > 0) this.pdf.rect(barLeft, top + (CHART_TEXT.leading - CHART_BAR_HEIGHT) / 2, length, CHART_BAR_HEIGHT).fillColor(CHART_BAR_FILL).fill().fillColor('black')
      const valueLeft = barLeft + length + CHART_GAP
      row.value.forEach((line, i) => this.drawLine(line, valueLeft, line.width + 1, top + i * CHART_TEXT.leading, CHART_TEXT, 'left'))
      this.y += row.height
      this.empty = false
    }
    drawAxis()
    if (chart.note) this.paragraph(chart.note)
  }

  // ── flow ───────────────────────────────────────────────────────────────────────────────────

  private flow(blocks: readonly Block[]): void {
    blocks.forEach((block, i) => {
      if (block.kind === 'paragraph') this.paragraph(block)
      else if (block.kind === 'heading') this.heading(blocks, i)
      else if (block.kind === 'table') this.table(block)
      else if (block.kind === 'barChart') this.barChart(block)
      else if (!this.empty) this.breakPage()
    })
  }

  // ── cover ──────────────────────────────────────────────────────────────────────────────────

  /** Draws lines one under the other across the text width; returns the y below the last. */
  private drawCentred(lines: readonly Line<FontKey>[], top: number, style: TextStyle): number {
    let y = top
    for (const line of lines) {
      this.drawLine(line, MARGIN.left, TEXT_WIDTH, y, style, 'center')
      y += style.leading
    }
    return y
  }

  private cover(): void {
    const { cover } = this.source
    this.newPage('cover')
    const titleLines = cover.title.split('\n').flatMap((part) => wrapBalanced([{ text: part, font: COVER_TITLE.font }], advance, { width: TEXT_WIDTH, size: COVER_TITLE.size }))
    let y = this.drawCentred(titleLines, 190, COVER_TITLE)
    if (cover.subtitle) y = this.drawCentred(wrap([{ text: cover.subtitle }], COVER_TEXT, TEXT_WIDTH), y + 12, COVER_TEXT)
    // The label/value lines form one block, centred as a whole, with the values aligned.
    y = Math.max(y + 60, 430)
    const labelWidth = Math.max(0, ...cover.lines.map((l) => textWidth(`${l.label}：`, COVER_TEXT)))
    const valueWidth = Math.min(TEXT_WIDTH - labelWidth, Math.max(0, ...cover.lines.map((l) => textWidth(l.value, COVER_TEXT))))
    const left = MARGIN.left + Math.max(0, (TEXT_WIDTH - labelWidth - valueWidth) / 2)
    for (const { label, value } of cover.lines) {
      this.drawLine(wrap([{ text: `${label}：` }], COVER_TEXT, labelWidth + 1)[0]!, left, labelWidth, y, COVER_TEXT, 'right')
      for (const line of wrap([{ text: value }], COVER_TEXT, valueWidth + 1)) {
        this.drawLine(line, left + labelWidth, valueWidth, y, COVER_TEXT, 'left')
        y += COVER_TEXT.leading
      }
    }
    if (cover.sealNote) y = this.drawCentred(wrap([{ text: cover.sealNote }], COVER_TEXT, TEXT_WIDTH), y + 20, COVER_TEXT)
    if (cover.verification) this.verificationBlock(cover.verification.code, cover.verification.url, Math.max(y + 16, BOTTOM - 96))
  }

  /** QR code of the public verification page (vector squares) with the code and the address beside it. */
  private verificationBlock(code: string, url: string, top: number): void {
    const modules = QRCode.create(url, { errorCorrectionLevel: 'M' }).modules
    const size = 72
    const cell = size / modules.size
    const x0 = MARGIN.left + TEXT_WIDTH - size
    for (let r = 0; r < modules.size; r += 1) {
      let c = 0
      while (c < modules.size) {
        if (!modules.get(r, c)) {
          c += 1
          continue
        }
        const start = c
        while (c < modules.size && modules.get(r, c)) c += 1
        this.pdf.rect(x0 + start * cell, top + r * cell, (c - start) * cell, cell)
      }
    }
    this.pdf.fillColor('black').fill()
    const textRight = TEXT_WIDTH - size - 12
    const small: TextStyle = { font: 'serif', size: 10.5, leading: 18 }
    const lines = [...wrap([{ text: '报告验证码：' }, { text: code, bold: true }], small, textRight), ...wrap([{ text: `扫码或访问 ${url} 核验本报告` }], { ...small, size: 9 }, textRight)]
    let y = top + size - lines.length * small.leading
    lines.forEach((line, i) => {
      this.drawLine(line, MARGIN.left, textRight, y, i === 0 ? small : { size: 9, leading: small.leading }, 'right')
      y += small.leading
    })
  }

  // ── table of contents ──────────────────────────────────────────────────────────────────────

  private reserveToc(pages: number): number {
    const first = this.pageIndex + 1
    for (let i = 0; i < pages; i += 1) {
      this.newPage('front')
      if (i === 0 && this.source.toc) this.bookmark(this.source.toc.title, 1, true)
    }
    return first
  }

  private fillToc(firstPage: number, reserved: number): void {
    const toc = this.source.toc
    if (!toc) return
    const label = (e: TocEntry) => this.labels[this.headingPages.get(e.heading.anchor) ?? -1] ?? ''
    const pages = paginateToc(tocEntries(this.source), label)
    if (pages.length !== reserved) throw new TocPageCount(pages.length)
    const pdf = this.pdf
    pages.forEach((entriesOnPage, p) => {
      pdf.switchToPage(firstPage + p)
      if (p === 0) {
        const titleLine = wrap([{ text: toc.title }], TOC_TITLE, TEXT_WIDTH)[0]!
        this.drawLine(titleLine, MARGIN.left, TEXT_WIDTH, TOP, TOC_TITLE, 'center')
      }
      for (const { entry, lines, top } of entriesOnPage) {
        const left = MARGIN.left + entry.indent
        const number = label(entry)
        let y = top
        lines.forEach((line, i) => {
          this.drawLine(line, left, TEXT_WIDTH - entry.indent, y, entry.style, 'left')
          if (i === lines.length - 1) {
            const numberWidth = textWidth(number, entry.style)
            const right = MARGIN.left + TEXT_WIDTH
            this.drawLine(wrap([{ text: number }], entry.style, TEXT_WIDTH)[0]!, right - numberWidth, numberWidth, y, entry.style, 'left')
            const leaderY = baselineIn(y, entry.style)
            const from = left + line.width + 4
            const to = right - numberWidth - 4
            if (to > from) pdf.save().lineWidth(1).lineCap('round').dash(0.01, { space: 3.5 }).moveTo(from, leaderY).lineTo(to, leaderY).stroke().restore()
          }
          y += entry.style.leading
        })
        pdf.goTo(left, top, MARGIN.left + TEXT_WIDTH - left, y - top, entry.heading.anchor)
      }
    })
  }

  // ── running header and footer ──────────────────────────────────────────────────────────────

  private decorate(): void {
    const pdf = this.pdf
    const code = this.source.cover.verification?.code
    const range = pdf.bufferedPageRange()
    for (let i = range.start; i < range.start + range.count; i += 1) {
      const section = this.sections[i]
      if (section === 'cover') continue
      pdf.switchToPage(i)
      // pdfkit adds a page when text starts below the bottom margin of a buffered page.
      const bottom = pdf.page.margins.bottom
      pdf.page.margins.bottom = 0
      if (section === 'body' && this.source.runningHeader) {
        const line = wrap([{ text: this.source.runningHeader }], RUNNING_HEADER, TEXT_WIDTH)[0]!
        this.drawLine(line, MARGIN.left, TEXT_WIDTH, TOP - 36, RUNNING_HEADER, 'center')
        pdf.moveTo(MARGIN.left, TOP - 16).lineTo(MARGIN.left + TEXT_WIDTH, TOP - 16).lineWidth(0.5).stroke()
      }
      const number = wrap([{ text: `— ${this.labels[i] ?? ''} —` }], PAGE_NUMBER, TEXT_WIDTH)[0]!
      this.drawLine(number, MARGIN.left, TEXT_WIDTH, BOTTOM + 7 * MM, PAGE_NUMBER, 'center')
      if (code) {
        const line = wrap([{ text: `报告验证码：${code}` }], FOOTER_CODE, TEXT_WIDTH)[0]!
        this.drawLine(line, MARGIN.left, TEXT_WIDTH, BOTTOM + 7 * MM + PAGE_NUMBER.leading + 4, FOOTER_CODE, 'center')
      }
      pdf.page.margins.bottom = bottom
    }
  }

  // ── whole document ─────────────────────────────────────────────────────────────────────────

  render(tocReserve: number): void {
    this.cover()
    for (const blocks of this.source.frontMatter) {
      this.newPage('front')
      this.flow(blocks)
    }
    const firstToc = this.source.toc ? this.reserveToc(tocReserve) : -1
    this.newPage('body')
    this.flow(this.source.body)
    this.fillToc(firstToc, tocReserve)
    this.decorate()
  }

}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0)
}

function finish(pdf: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk))
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', reject)
    pdf.end()
  })
}

/**
 * Renders a report as PDF. The same document always gives the same bytes (dates and /ID come from
 * `doc.meta`); the fonts are embedded as subsets.
 */
export async function renderPdf(doc: ReportDocument): Promise<Buffer> {
  // A first guess with three-digit page numbers. The body's pages do not depend on the TOC's, so
  // a wrong guess costs one more layout with the count the filled TOC reported.
  let reserve = doc.toc ? paginateToc(tocEntries(doc), () => '888').length : 0
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 3) throw new Error('table of contents does not settle on a page count')
    const layout = new Layout(doc)
    try {
      layout.render(reserve)
    } catch (error) {
      if (!(error instanceof TocPageCount)) throw error
      reserve = error.needed
      continue
    }
    return finish(layout.pdf)
  }
}
