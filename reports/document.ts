// A rendering-neutral document: what the DOCX and the PDF renderer both draw, block by block.
// Composition (which sections, what text, the numbering 一、（一）1.（1）) happens once, before
// rendering, so the two formats cannot drift apart: a renderer only decides how a block looks.
// Everything here is plain data (no functions, no dates as objects) so a document is deterministic,
// serialisable and easy to build as a test fixture.

/** A run of text inside a paragraph; `bold` for labels such as 「评价结论：」. */
export type TextRun = { text: string; bold?: boolean }

export type Align = 'left' | 'center' | 'right' | 'justify'

/**
 * A paragraph. `body` is 仿宋 三号 with a two-character first-line indent; `plain` has no indent
 * (lists, notes); `signature` is right-aligned without indent (签名、日期、盖章处); `note` is smaller
 * (table notes, sources). Line breaks inside `text` are hard breaks within the paragraph.
 */
export type ParagraphBlock = { kind: 'paragraph'; runs: TextRun[]; style?: 'body' | 'plain' | 'signature' | 'note'; align?: Align }

/**
 * A heading. `text` already carries its number (「一、基本情况」, 「（一）项目概况」, 「1.决策」) so both
 * formats number identically. Levels 1–2 go into the table of contents and the PDF bookmarks;
 * `anchor` is a stable id unique within the document (used for TOC links and bookmarks).
 * `unnumbered` headings (附件, 声明) keep their own text and still appear in the TOC.
 */
export type HeadingBlock = { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string; anchor: string }

/**
 * A table cell. Spans work like HTML: a cell with rowSpan 2 covers the same column of the next row,
 * and that next row simply omits the covered cell. `text` may contain '\n' for line breaks.
 */
export type TableCell = { text: string; rowSpan?: number; colSpan?: number; align?: Align; bold?: boolean }

/**
 * A table. `columns[].width` are relative shares of the text width. `header` rows repeat at the top
 * of every page the table continues on; a body row is never split across pages.
 */
export type TableBlock = {
  kind: 'table'
  caption?: string
  columns: { width: number; align?: Align }[]
  header: TableCell[][]
  rows: TableCell[][]
  /** A note printed under the table in the `note` style. */
  note?: string
}

export type PageBreakBlock = { kind: 'pageBreak' }

/** One bar: `share` (0..1) is its length as a part of the full bar width; `valueText` is printed after it. */
export type Bar = { label: string; share: number; valueText: string }

/**
 * A horizontal bar chart (a survey's rates or level distribution): caption above, one labelled bar per
 * item, `note` below. Shares, not raw values, so every renderer scales bars alike (1 = the full width)
 * and prints the composer's rounding in `valueText`. Kept on one page where it fits.
 */
export type BarChartBlock = { kind: 'barChart'; caption: string; bars: Bar[]; note?: string }

export type Block = ParagraphBlock | HeadingBlock | TableBlock | BarChartBlock | PageBreakBlock

export type CoverLine = { label: string; value: string }

/** A verification code printed on the cover and in every footer, with a QR code of `url`. */
export type Verification = { code: string; url: string }

export type ReportDocument = {
  meta: {
    title: string
    subject: string
    author: string
    /** ISO-8601 UTC; the only clock a renderer may use (document dates, PDF CreationDate). */
    createdAt: string
    /** 32 lowercase hex characters derived from the content by the composer (PDF /ID, DOCX ids). */
    documentId: string
  }
  cover: {
    /** e.g. 「××项目支出绩效评价报告」; may contain '\n'. */
    title: string
    /** e.g. 「（征求意见稿）」; empty for none. */
    subtitle: string
    /** 委托方、评价机构、报告日期 … printed as 「label：value」 lines. */
    lines: CoverLine[]
    /** e.g. 「（评价机构盖章）」: where the seal goes, printed under the lines. */
    sealNote: string
    verification: Verification | null
  }
  /** Running header of body pages (usually the short title); empty for none. */
  runningHeader: string
  /** Pages between the cover and the TOC (e.g. 独立性声明), each list starting on its own page. */
  frontMatter: Block[][]
  /** Whether a table of contents (levels 1–2, exact page numbers where the format allows) is printed. */
  toc: { title: string } | null
  body: Block[]
}

/** Convenience constructors, so composers and fixtures stay readable. */
export const paragraph = (text: string, style: ParagraphBlock['style'] = 'body', align?: Align): ParagraphBlock => ({ kind: 'paragraph', runs: [{ text }], style, ...(align ? { align } : {}) })
export const labelled = (label: string, text: string): ParagraphBlock => ({ kind: 'paragraph', runs: [{ text: label, bold: true }, { text }], style: 'body' })
export const heading = (level: HeadingBlock['level'], text: string, anchor: string): HeadingBlock => ({ kind: 'heading', level, text, anchor })
export const pageBreak: PageBreakBlock = { kind: 'pageBreak' }
export const cell = (text: string, more: Omit<TableCell, 'text'> = {}): TableCell => ({ text, ...more })

/** A bar's share clamped to [0, 1] (NaN as 0), so a stray value cannot draw outside the chart. */
export function barShare(bar: Bar): number {
  return bar.share > 0 ? Math.min(1, bar.share) : 0
}

/** Every heading in document order (front matter, then body): what a TOC or a test walks. */
export function headingsOf(doc: ReportDocument): HeadingBlock[] {
  return [...doc.frontMatter.flat(), ...doc.body].filter((b): b is HeadingBlock => b.kind === 'heading')
}

/**
 * The grid a table's spans describe: for each body row, which column each given cell starts in.
 * Both renderers place cells with it, so a malformed span list fails the same way in both.
 */
export function placeCells(columns: number, rows: readonly TableCell[][]): { cell: TableCell; row: number; col: number }[][] {
  const covered: number[] = new Array<number>(columns).fill(0)
  return rows.map((row, r) => {
    const placed: { cell: TableCell; row: number; col: number }[] = []
    let col = 0
    for (const c of row) {
      while (col < columns && (covered[col] ?? 0) > 0) col += 1
      const span = c.colSpan ?? 1
      if (col + span > columns) throw new Error(`table row ${r + 1}: cells overflow ${columns} columns`)
      placed.push({ cell: c, row: r, col })
      for (let k = col; k < col + span; k += 1) covered[k] = Math.max(covered[k] ?? 0, c.rowSpan ?? 1)
      col += span
    }
    for (let k = 0; k < columns; k += 1) covered[k] = Math.max(0, (covered[k] ?? 0) - 1)
    return placed
  })
}
