// The Word rendering of a ReportDocument: A4 in the spirit of GB/T 9704-2012, a cover without header or
// footer, front matter and a field-based TOC (page numbers in Roman), then the body with its own page
// numbers from 1, a running header and the verification code in every footer. Same document → same bytes.
import {
  AlignmentType,
  Document,
  FileChild,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  NumberFormat,
  Packer,
  PageNumber,
  Paragraph,
  SectionType,
  TableOfContents,
  TextRun,
  type ISectionOptions,
} from 'docx'
import QRCode from 'qrcode'
import {
  barShare,
  headingsOf,
  placeCells,
  type Align,
  type BarChartBlock,
  type Block,
  type HeadingBlock,
  type ParagraphBlock,
  type ReportDocument,
  type TableBlock,
  type TableCell as ReportCell,
} from '../document'
import { reproducible, type PackageParts } from './reproducible-package'
import { reportStyles, STYLE } from './styles'

const mm = (v: number) => Math.round((v * 1440) / 25.4)

/** A4 (Word's own twips for 210 × 297 mm) with the GB/T 9704 margins 37/35/28/26 mm (top/bottom/left/right). */
const PAGE = {
  size: { width: 11906, height: 16838 },
  margin: {
    top: mm(37),
    bottom: mm(35),
    left: mm(28),
    right: mm(26),
    header: mm(15),
    footer: mm(18),
    gutter: 0,
  },
}
export const TEXT_WIDTH = PAGE.size.width - PAGE.margin.left - PAGE.margin.right

/** The QR code on the cover: 25 mm square (pixels at 96 dpi, as docx measures images). */
const QR_PIXELS = 94

const ALIGNMENT = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.JUSTIFIED,
} as const

const HEADING_LEVEL = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
  4: HeadingLevel.HEADING_4,
} as const

/** Runs of `text`, a '\n' becoming a line break inside the paragraph. */
function linesOf(text: string, bold?: boolean): TextRun[] {
  return text
    .split('\n')
    .map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0, ...(bold ? { bold: true } : {}) }))
}

const PARAGRAPH_STYLE = {
  body: undefined,
  plain: STYLE.plain,
  signature: STYLE.signature,
  note: STYLE.note,
} as const

function paragraphOf(block: ParagraphBlock, pageBreakBefore: boolean): Paragraph {
  const style = PARAGRAPH_STYLE[block.style ?? 'body']
  return new Paragraph({
    ...(style ? { style } : {}),
    ...(block.align ? { alignment: ALIGNMENT[block.align] } : {}),
    ...(pageBreakBefore ? { pageBreakBefore: true } : {}),
    children: block.runs.flatMap((r) => linesOf(r.text, r.bold)),
  })
}

function headingOf(block: HeadingBlock, pageBreakBefore: boolean): Paragraph {
  return new Paragraph({
    heading: HEADING_LEVEL[block.level],
    ...(pageBreakBefore ? { pageBreakBefore: true } : {}),
    children: linesOf(block.text),
  })
}

/** Column widths in twips from the relative shares, summing exactly to the text width. */
export function columnWidths(shares: readonly number[], total = TEXT_WIDTH): number[] {
  const sum = shares.reduce((s, w) => s + w, 0)
  if (!(sum > 0) || shares.some((w) => !(w > 0))) throw new Error('表格列宽必须为正数')
  const widths = shares.map((w) => Math.floor((total * w) / sum))
  widths[widths.length - 1]! += total - widths.reduce((s, w) => s + w, 0)
  return widths
}

type GridCell =
  | { kind: 'start'; cell: ReportCell; col: number; span: number }
  | { kind: 'continue'; col: number; span: number }

/**
 * Each row's cells left to right, with the cells a rowSpan covers written as vMerge continuations (Word needs
 * a <w:tc> in every row of a vertical merge; the document omits them, as HTML does).
 */
export function gridRows(columns: number, rows: readonly ReportCell[][]): GridCell[][] {
  const placed = placeCells(columns, rows)
  const grid: GridCell[][] = placed.map((row) =>
    row.map((p) => ({ kind: 'start', cell: p.cell, col: p.col, span: p.cell.colSpan ?? 1 })),
  )
  placed.forEach((row, r) => {
    for (const p of row) {
      const last = Math.min(r + (p.cell.rowSpan ?? 1) - 1, placed.length - 1)
      for (let k = r + 1; k <= last; k += 1)
        grid[k]!.push({ kind: 'continue', col: p.col, span: p.cell.colSpan ?? 1 })
    }
  })
  return grid.map((row) => row.sort((a, b) => a.col - b.col))
}

const TABLE_PROPERTIES =
  `<w:tblPr><w:tblW w:type="dxa" w:w="${TEXT_WIDTH}"/><w:jc w:val="center"/><w:tblBorders>` +
  ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
    .map((side) => `<w:${side} w:val="single" w:color="auto" w:sz="4"/>`)
    .join('') +
  // Narrow side margins (1 mm) so 「100.00」 and 「85.0%」 fit the score table's narrow columns on one line.
  '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:type="dxa" w:w="30"/><w:left w:type="dxa" w:w="57"/>' +
  '<w:bottom w:type="dxa" w:w="30"/><w:right w:type="dxa" w:w="57"/></w:tblCellMar></w:tblPr>'

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
}

/** Text as docx escapes a run's text: markup characters and quotes escaped, control characters XML 1.0 forbids dropped. */
const escapeText = (text: string) =>
  text.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (ch) => XML_ESCAPES[ch] ?? '')

/** linesOf as WordprocessingML. */
function runsXml(text: string, bold: boolean): string {
  const properties = bold ? '<w:rPr><w:b/><w:bCs/></w:rPr>' : ''
  return text
    .split('\n')
    .map(
      (line, i) =>
        `<w:r>${properties}${i > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${escapeText(line)}</w:t></w:r>`,
    )
    .join('')
}

/**
 * A table as WordprocessingML, written directly: the XML docx writes for a Table with these options, byte for
 * byte. Tables are three quarters of a report's document.xml, and docx takes ~70 µs and many short-lived
 * objects per paragraph to write them, which was most of the DOCX rendering time and memory.
 */
export function tableXml(block: TableBlock): string {
  const widths = columnWidths(block.columns.map((c) => c.width))
  const widthOf = (col: number, span: number) => widths.slice(col, col + span).reduce((s, w) => s + w, 0)
  const headerCount = block.header.length
  let xml = `<w:tbl>${TABLE_PROPERTIES}<w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`
  gridRows(widths.length, [...block.header, ...block.rows]).forEach((cells, r) => {
    const isHeader = r < headerCount
    xml += `<w:tr><w:trPr><w:cantSplit/>${isHeader ? '<w:tblHeader/>' : '<w:tblHeader w:val="off"/>'}</w:trPr>`
    for (const g of cells) {
      const span = g.span > 1 ? `<w:gridSpan w:val="${g.span}"/>` : ''
      const merge = g.kind === 'continue' ? 'continue' : (g.cell.rowSpan ?? 1) > 1 ? 'restart' : null
      xml += `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${widthOf(g.col, g.span)}"/>${span}${merge ? `<w:vMerge w:val="${merge}"/>` : ''}<w:vAlign w:val="center"/></w:tcPr>`
      if (g.kind === 'continue') {
        xml += `<w:p><w:pPr><w:pStyle w:val="${STYLE.tableText}"/></w:pPr></w:p></w:tc>`
        continue
      }
      const align: Align = g.cell.align ?? (isHeader ? 'center' : (block.columns[g.col]?.align ?? 'left'))
      xml += `<w:p><w:pPr><w:pStyle w:val="${STYLE.tableText}"/><w:jc w:val="${ALIGNMENT[align]}"/></w:pPr>${runsXml(g.cell.text, Boolean(g.cell.bold) || isHeader)}</w:p></w:tc>`
    }
    xml += '</w:tr>'
  })
  return `${xml}</w:tbl>`
}

/** Bar charts: the label and value columns' shares of the text width; the bars get the rest. */
const CHART_LABEL_SHARE = 0.3
const CHART_VALUE_SHARE = 0.2
const CHART_BAR_FILL = '8B1A1A'
/** The white gap between two bars, in twips. */
const CHART_BAR_GAP = 80

const CHART_TABLE_PROPERTIES =
  `<w:tblPr><w:tblW w:type="dxa" w:w="${TEXT_WIDTH}"/><w:jc w:val="center"/><w:tblBorders>` +
  ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} w:val="nil"/>`).join('') +
  '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:type="dxa" w:w="0"/><w:left w:type="dxa" w:w="57"/>' +
  '<w:bottom w:type="dxa" w:w="0"/><w:right w:type="dxa" w:w="57"/></w:tblCellMar></w:tblPr>'

/**
 * A bar chart as a borderless table: per bar a row [label | shaded part | rest | value]. Not docx's ChartRun
 * (docx/charts): its native chart carries an embedded workbook the reproducible packaging does not cover, and its
 * labels live outside document.xml. The bar area's grid columns end at every bar's length, so each bar is a
 * shaded cell spanning the columns up to its own end, exactly share × bar width twips; a share of 0 has no shaded
 * cell. Thin empty rows part the bars, and every row keeps with the next so the chart stays on one page.
 * No bars, no table: Word refuses a table without rows.
 */
export function barChartXml(block: BarChartBlock): string {
  if (block.bars.length === 0) return ''
  const labelWidth = Math.round(TEXT_WIDTH * CHART_LABEL_SHARE)
  const valueWidth = Math.round(TEXT_WIDTH * CHART_VALUE_SHARE)
  const barWidth = TEXT_WIDTH - labelWidth - valueWidth
  const lengths = block.bars.map((bar) => Math.round(barShare(bar) * barWidth))
  const ends = [...new Set([...lengths.filter((l) => l > 0), barWidth])].sort((a, b) => a - b)
  const segments = ends.map((end, i) => end - (ends[i - 1] ?? 0))
  const spanTo = (end: number) => ends.indexOf(end) + 1
  const columns = 2 + segments.length
  const tc = (width: number, span: number, extra: string, paragraph: string) =>
    `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${width}"/>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ''}${extra}<w:vAlign w:val="center"/></w:tcPr>${paragraph}</w:tc>`
  const paragraph = (keepNext: boolean, align: Align | null, text: string) =>
    `<w:p><w:pPr><w:pStyle w:val="${STYLE.tableText}"/>${keepNext ? '<w:keepNext/>' : ''}${align ? `<w:jc w:val="${ALIGNMENT[align]}"/>` : ''}</w:pPr>${text ? runsXml(text, false) : ''}</w:p>`
  const noMargins = '<w:tcMar><w:left w:type="dxa" w:w="0"/><w:right w:type="dxa" w:w="0"/></w:tcMar>'
  let xml = `<w:tbl>${CHART_TABLE_PROPERTIES}<w:tblGrid>${[labelWidth, ...segments, valueWidth].map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`
  block.bars.forEach((bar, i) => {
    const keepNext = i < block.bars.length - 1
    if (i > 0)
      xml += `<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="${CHART_BAR_GAP}" w:hRule="exact"/></w:trPr>${tc(TEXT_WIDTH, columns, '', paragraph(true, null, ''))}</w:tr>`
    const length = lengths[i]!
    xml += `<w:tr><w:trPr><w:cantSplit/></w:trPr>${tc(labelWidth, 1, '', paragraph(keepNext, 'right', bar.label))}`
    if (length > 0)
      xml += tc(length, spanTo(length), `<w:shd w:val="clear" w:color="auto" w:fill="${CHART_BAR_FILL}"/>${noMargins}`, paragraph(keepNext, null, ''))
    if (length < barWidth) xml += tc(barWidth - length, segments.length - (length > 0 ? spanTo(length) : 0), noMargins, paragraph(keepNext, null, ''))
    xml += `${tc(valueWidth, 1, '', paragraph(keepNext, 'left', bar.valueText))}</w:tr>`
  })
  return `${xml}</w:tbl>`
}

/** Tables written as XML (tableXml, barChartXml), each standing in docx's document as a marker paragraph until compiled. */
class RawTables {
  private readonly tables: string[] = []

  placeholder(xml: string): Paragraph {
    this.tables.push(xml)
    return new Paragraph({
      children: [new TextRun(`${TABLE_MARKER}${this.tables.length - 1}${TABLE_MARKER}`)],
    })
  }

  /** document.xml with each marker paragraph replaced by its table. */
  fill(documentXml: string): string {
    let filled = 0
    const out = documentXml.replace(MARKER_PARAGRAPH, (_whole, index: string) => {
      filled += 1
      return this.tables[Number(index)]!
    })
    if (filled !== this.tables.length)
      throw new Error(`DOCX 表格占位 ${filled} 个，与表格数 ${this.tables.length} 不一致`)
    return out
  }
}

/** Private-use brackets: never in report text, kept by docx's escaping. */
const TABLE_MARKER = '\uE000'
const MARKER_PARAGRAPH = /<w:p><w:r><w:t xml:space="preserve">\uE000(\d+)\uE000<\/w:t><\/w:r><\/w:p>/g

/** A raw table (tableXml, barChartXml) with its caption above and its note below. */
function captioned(block: { caption?: string; note?: string }, xml: string, pageBreakBefore: boolean, tables: RawTables): FileChild[] {
  const out: FileChild[] = []
  if (block.caption)
    out.push(
      new Paragraph({
        style: STYLE.tableCaption,
        ...(pageBreakBefore ? { pageBreakBefore: true } : {}),
        children: linesOf(block.caption),
      }),
    )
  else if (pageBreakBefore) out.push(new Paragraph({ style: STYLE.plain, pageBreakBefore: true }))
  out.push(tables.placeholder(xml))
  if (block.note) out.push(new Paragraph({ style: STYLE.note, children: linesOf(block.note) }))
  else out.push(new Paragraph({ style: STYLE.note })) // Word needs a paragraph between a table and what follows.
  return out
}

/**
 * The blocks as Word content. A page break becomes "page break before" on the next paragraph, so no empty
 * line is left at the top of the new page; `startOnNewPage` does the same for the first block.
 */
function blocksOf(blocks: readonly Block[], tables: RawTables, startOnNewPage = false): FileChild[] {
  const out: FileChild[] = []
  let breakPending = startOnNewPage
  for (const block of blocks) {
    if (block.kind === 'pageBreak') {
      breakPending = true
      continue
    }
    if (block.kind === 'paragraph') out.push(paragraphOf(block, breakPending))
    else if (block.kind === 'heading') out.push(headingOf(block, breakPending))
    else if (block.kind === 'table') out.push(...captioned(block, tableXml(block), breakPending, tables))
    else out.push(...captioned(block, barChartXml(block), breakPending, tables))
    breakPending = false
  }
  if (breakPending && out.length > 0) out.push(new Paragraph({ style: STYLE.plain, pageBreakBefore: true }))
  return out
}

let lastQr: { url: string; png: Promise<Buffer> } | null = null

/**
 * The cover's QR code as PNG. A batch renders one engagement's reports with the same verification URL, and
 * encoding the PNG (~2 ms, deflated on zlib's thread pool) need not be repeated: the last one is kept.
 */
function qrPng(url: string): Promise<Buffer> {
  if (lastQr?.url !== url) {
    // Whole pixels per module keep the edges sharp; 4 is enough at 25 mm, and PNG encoding grows with the area.
    const png = QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 })
    lastQr = { url, png }
    png.catch(() => {
      if (lastQr?.png === png) lastQr = null
    })
  }
  return lastQr.png
}

async function coverOf(doc: ReportDocument): Promise<FileChild[]> {
  const { cover } = doc
  const out: FileChild[] = [new Paragraph({ style: STYLE.coverTitle, children: linesOf(cover.title) })]
  if (cover.subtitle)
    out.push(new Paragraph({ style: STYLE.coverSubtitle, children: linesOf(cover.subtitle) }))
  cover.lines.forEach((line, i) =>
    out.push(
      new Paragraph({
        style: STYLE.coverLine,
        spacing: { before: i === 0 ? 1800 : 0 },
        children: linesOf(`${line.label}：${line.value}`),
      }),
    ),
  )
  if (cover.sealNote)
    out.push(
      new Paragraph({ style: STYLE.coverLine, spacing: { before: 600 }, children: linesOf(cover.sealNote) }),
    )
  if (cover.verification) {
    const { code, url } = cover.verification
    const png = await qrPng(url)
    out.push(
      new Paragraph({
        style: STYLE.coverNote,
        spacing: { before: 480, line: 240, lineRule: 'auto' },
        children: [
          new ImageRun({
            type: 'png',
            data: png,
            transformation: { width: QR_PIXELS, height: QR_PIXELS },
            altText: { id: '1', name: 'verification-qr', title: '报告验证二维码', description: url },
          }),
        ],
      }),
      new Paragraph({ style: STYLE.coverNote, children: linesOf(`报告验证码：${code}`, true) }),
      new Paragraph({ style: STYLE.coverNote, children: linesOf(`扫描二维码或访问 ${url} 核验报告`) }),
    )
  }
  return out
}

function footerOf(doc: ReportDocument): Footer {
  const code = doc.cover.verification?.code
  return new Footer({
    children: [
      new Paragraph({
        style: STYLE.pageNumber,
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'] })],
      }),
      ...(code ? [new Paragraph({ style: STYLE.footerNote, children: linesOf(`报告验证码：${code}`) })] : []),
    ],
  })
}

function frontSectionOf(doc: ReportDocument, tables: RawTables): ISectionOptions | null {
  const children: FileChild[] = []
  doc.frontMatter.forEach((page, i) => children.push(...blocksOf(page, tables, i > 0)))
  if (doc.toc) {
    children.push(
      new Paragraph({
        style: STYLE.tocTitle,
        ...(children.length > 0 ? { pageBreakBefore: true } : {}),
        children: linesOf(doc.toc.title),
      }),
      new TableOfContents(doc.toc.title, { hyperlink: true, headingStyleRange: '1-2' }),
    )
  }
  if (children.length === 0) return null
  return {
    properties: {
      type: SectionType.NEXT_PAGE,
      page: { ...PAGE, pageNumbers: { start: 1, formatType: NumberFormat.UPPER_ROMAN } },
    },
    footers: { default: footerOf(doc) },
    children,
  }
}

type DocxCompiler = { compile: (file: Document) => unknown }

/**
 * The package's parts as docx's own compiler writes them, unzipped. docx 9.15 has no public way to get them,
 * so this reads `Packer.compiler` (private in its typings; docx is pinned to ~9.15): a docx that changes it
 * fails here, loudly, rather than writing a different package.
 */
function packageParts(file: Document): PackageParts {
  const compiler = (Packer as unknown as { compiler?: Partial<DocxCompiler> }).compiler
  const parts = typeof compiler?.compile === 'function' ? compiler.compile(file) : undefined
  if (!(parts instanceof Map))
    throw new Error('docx 的 Packer.compiler.compile 不再返回包内文件表，请按新版本改写 packageParts')
  return parts as PackageParts
}

/** The DOCX bytes of `doc`; the same document gives the same bytes, whatever was rendered before. */
export async function renderDocx(doc: ReportDocument): Promise<Buffer> {
  const tables = new RawTables()
  const front = frontSectionOf(doc, tables)
  const body = blocksOf(doc.body, tables)
  const file = new Document({
    title: doc.meta.title,
    subject: doc.meta.subject,
    creator: doc.meta.author,
    lastModifiedBy: doc.meta.author,
    // Word asks to update fields on opening, which fills the TOC's page numbers.
    features: { updateFields: doc.toc !== null },
    styles: reportStyles(),
    sections: [
      { properties: { page: PAGE }, children: await coverOf(doc) },
      ...(front ? [front] : []),
      {
        properties: {
          type: SectionType.NEXT_PAGE,
          page: { ...PAGE, pageNumbers: { start: 1, formatType: NumberFormat.DECIMAL } },
        },
        ...(doc.runningHeader
          ? {
              headers: {
                default: new Header({
                  children: [
                    new Paragraph({ style: STYLE.runningHeader, children: linesOf(doc.runningHeader) }),
                  ],
                }),
              },
            }
          : {}),
        footers: { default: footerOf(doc) },
        children: body.length > 0 ? body : [new Paragraph({})],
      },
    ],
  })
  const parts = new Map(packageParts(file))
  const documentXml = parts.get('word/document.xml')
  if (typeof documentXml !== 'string') throw new Error('docx 未生成 word/document.xml')
  parts.set('word/document.xml', tables.fill(documentXml))
  const tocAnchors = doc.toc
    ? headingsOf(doc)
        .filter((h) => h.level <= 2)
        .map((h) => h.anchor)
    : []
  return reproducible(parts, { createdAt: doc.meta.createdAt, documentId: doc.meta.documentId, tocAnchors })
}
