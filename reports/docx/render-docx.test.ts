import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  VerticalMergeType,
  WidthType,
} from 'docx'
import { strFromU8, unzipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { cell, headingsOf, placeCells, type ReportDocument, type TableBlock } from '../document'
import { chartDocument, SHORT_CHART } from '../fixtures/chart-documents'
import { edgeDocument } from '../fixtures/edge-document'
import { docxText } from '../../test/helpers/file-text'
import { sampleDocument, sampleIndicators } from '../fixtures/sample-document'
import { FACES, LATIN_FACE } from './fonts'
import { STYLE } from './styles'
import { barChartXml, columnWidths, gridRows, renderDocx, tableXml, TEXT_WIDTH } from './render-docx'
import { bookmarkNames, renumberBookmarks } from './reproducible-package'

type Part = Record<string, string>

function partsOf(bytes: Buffer): Part {
  return Object.fromEntries(
    Object.entries(unzipSync(new Uint8Array(bytes))).map(([path, data]) => [path, strFromU8(data)]),
  )
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

/** The text of an XML fragment: its w:t contents, a w:br as '\n'. */
function textOf(xml: string): string {
  return decode(
    [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((m) => m[1] ?? '\n').join(''),
  )
}

type Para = { style: string | undefined; text: string; xml: string }
function paragraphsOf(xml: string): Para[] {
  return [...xml.matchAll(/<w:p(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/w:p>)/g)].map((m) => {
    const inner = m[1] ?? ''
    return { style: /<w:pStyle w:val="([^"]+)"/.exec(inner)?.[1], text: textOf(inner), xml: inner }
  })
}

type DocxCell = { text: string; span: number; vMerge: 'restart' | 'continue' | undefined }
type DocxRow = { header: boolean; cantSplit: boolean; cells: DocxCell[] }
function tablesOf(xml: string): DocxRow[][] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1]!.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((r) => {
      const trPr = /<w:trPr>([\s\S]*?)<\/w:trPr>/.exec(r[1]!)?.[1] ?? ''
      return {
        header: /<w:tblHeader\/>|<w:tblHeader w:val="(true|1|on)"\/>/.test(trPr),
        cantSplit: /<w:cantSplit\/>|<w:cantSplit w:val="(true|1|on)"\/>/.test(trPr),
        cells: [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => {
          const vMerge = /<w:vMerge(?: w:val="(restart|continue)")?\/>/.exec(c[1]!)
          return {
            text: textOf(c[1]!),
            span: Number(/<w:gridSpan w:val="(\d+)"\/>/.exec(c[1]!)?.[1] ?? 1),
            vMerge: vMerge ? ((vMerge[1] as 'restart' | 'continue' | undefined) ?? 'continue') : undefined,
          }
        }),
      }
    }),
  )
}

/** The docx cell that starts in column `col` of a row, by adding up grid spans. */
function cellAt(row: DocxRow, col: number): DocxCell | undefined {
  let at = 0
  for (const c of row.cells) {
    if (at === col) return c
    at += c.span
  }
  return undefined
}

function styleXml(styles: string, id: string): string {
  const m = new RegExp(`<w:style [^>]*w:styleId="${id}"[^>]*>([\\s\\S]*?)</w:style>`).exec(styles)
  if (!m) throw new Error(`no style ${id}`)
  return m[1]!
}
const eastAsiaOf = (xml: string) => /<w:rFonts [^>]*w:eastAsia="([^"]+)"/.exec(xml)?.[1]

const scoreTableOf = (doc: ReportDocument) =>
  doc.body.find(
    (b): b is TableBlock => b.kind === 'table' && b.rows.some((r) => r.some((c) => c.text === '合计')),
  )!

describe('renderDocx: the sample report', () => {
  const doc = sampleDocument()
  let parts: Part
  let paragraphs: Para[]
  beforeAll(async () => {
    parts = partsOf(await renderDocx(doc))
    paragraphs = paragraphsOf(parts['word/document.xml']!)
  })

  it('has every heading, in order, at its level', () => {
    const written = paragraphs
      .filter((p) => p.style?.startsWith('Heading'))
      .map((p) => `${p.style}:${p.text}`)
    expect(written).toEqual(headingsOf(doc).map((h) => `Heading${h.level}:${h.text}`))
  })

  it('gives headings and body their GB faces, with Times New Roman for Latin text', () => {
    const styles = parts['word/styles.xml']!
    expect(eastAsiaOf(styleXml(styles, 'Heading1'))).toBe('黑体')
    expect(eastAsiaOf(styleXml(styles, 'Heading2'))).toBe('楷体_GB2312')
    expect(eastAsiaOf(styleXml(styles, 'Heading3'))).toBe('仿宋_GB2312')
    expect(styleXml(styles, 'Heading3')).toMatch(/<w:b\/>|<w:b w:val="true"\/>/)
    expect(eastAsiaOf(styleXml(styles, 'Heading4'))).toBe('仿宋_GB2312')
    expect(eastAsiaOf(styleXml(styles, 'CoverTitle'))).toBe('方正小标宋简体')
    expect(eastAsiaOf(styleXml(styles, 'TableText'))).toBe('宋体')
    const defaults = /<w:docDefaults>([\s\S]*?)<\/w:docDefaults>/.exec(styles)![1]!
    expect(eastAsiaOf(defaults)).toBe('仿宋_GB2312')
    expect(defaults).toContain('<w:sz w:val="32"/>')
    expect(defaults).toMatch(/<w:spacing [^>]*w:line="578" w:lineRule="exact"/)
    expect(defaults).toMatch(/<w:ind w:firstLine="640" w:firstLineChars="200"\/>/)
    for (const part of ['word/styles.xml', 'word/document.xml']) {
      const all = [...parts[part]!.matchAll(/<w:rFonts ([^>]*)\/>/g)].map((m) => m[1]!)
      if (part === 'word/styles.xml') expect(all.length).toBeGreaterThan(10)
      for (const attrs of all) {
        expect(attrs).toContain(`w:ascii="${LATIN_FACE}"`)
        expect(attrs).toContain(`w:hAnsi="${LATIN_FACE}"`)
        expect(attrs).toMatch(/w:eastAsia="[^"]+"/)
      }
    }
  })

  it('names the Windows face beside each GB face in the font table, for Word to fall back on', () => {
    const table = parts['word/fontTable.xml']!
    const fallback = (name: string) =>
      new RegExp(
        `<w:font w:name="${name}"><w:altName w:val="([^"]+)"/>[\\s\\S]*?<w:charset w:val="86"/>`,
      ).exec(table)?.[1]
    expect(fallback('仿宋_GB2312')).toBe('FangSong')
    expect(fallback('楷体_GB2312')).toBe('KaiTi')
    expect(fallback('黑体')).toBe('SimHei')
    expect(fallback('宋体')).toBe('SimSun')
    expect(fallback('方正小标宋简体')).toBe('SimSun')
    const used = new Set(
      [...parts['word/styles.xml']!.matchAll(/<w:rFonts [^>]*w:eastAsia="([^"]+)"/g)].map((m) => m[1]!),
    )
    for (const face of used) expect(Object.values(FACES).map((f) => f.name)).toContain(face)
  })

  it('merges the score table as the document says: vMerge restart/continue for rowSpans, gridSpan for 合计', () => {
    const block = scoreTableOf(doc)
    const table = tablesOf(parts['word/document.xml']!).find((t) =>
      t.some((r) => r.cells.some((c) => c.text === '合计')),
    )!
    expect(table).toHaveLength(block.header.length + block.rows.length)
    const body = table.slice(block.header.length)
    const placed = placeCells(block.columns.length, block.rows)
    let merges = 0
    placed.forEach((row, r) =>
      row.forEach(({ cell, col }) => {
        const span = cell.rowSpan ?? 1
        const start = cellAt(body[r]!, col)
        expect(start?.text).toBe(cell.text)
        expect(start?.span).toBe(cell.colSpan ?? 1)
        expect(start?.vMerge).toBe(span > 1 ? 'restart' : undefined)
        for (let k = 1; k < span; k += 1) expect(cellAt(body[r + k]!, col)?.vMerge).toBe('continue')
        const after = body[r + span]
        if (after) expect(cellAt(after, col)?.vMerge).not.toBe('continue')
        if (span > 1) merges += 1
      }),
    )
    expect(merges).toBeGreaterThanOrEqual(8)
    const total = body[body.length - 1]!
    expect(total.cells[0]).toEqual({ text: '合计', span: 3, vMerge: undefined })
  })

  it('repeats the header row on every page and never splits a row', () => {
    for (const table of tablesOf(parts['word/document.xml']!)) {
      expect(table[0]!.header).toBe(true)
      expect(table.slice(1).every((r) => !r.header)).toBe(true)
      expect(table.every((r) => r.cantSplit)).toBe(true)
    }
  })

  it('sizes tables to the text width, columns by their shares', () => {
    const grid = [...parts['word/document.xml']!.matchAll(/<w:tblGrid>([\s\S]*?)<\/w:tblGrid>/g)].map((m) =>
      [...m[1]!.matchAll(/w:w="(\d+)"/g)].map((w) => Number(w[1])),
    )
    expect(grid[0]).toEqual(columnWidths(scoreTableOf(doc).columns.map((c) => c.width)))
    for (const g of grid) expect(g.reduce((s, w) => s + w, 0)).toBe(TEXT_WIDTH)
  })

  it('prints the total and the grade', () => {
    const total = sampleIndicators().reduce((s, x) => s + x.score, 0)
    const text = textOf(parts['word/document.xml']!)
    expect(text).toContain(total.toFixed(2))
    expect(text).toContain('评价等级：良')
  })

  it('prints the verification code on the cover with a QR image, and in every footer with the page number', () => {
    const footers = Object.keys(parts).filter((p) => /^word\/footer\d+\.xml$/.test(p))
    expect(footers.length).toBeGreaterThanOrEqual(2)
    for (const f of footers) {
      expect(textOf(parts[f]!)).toContain('报告验证码：K7M2-Q9XD')
      expect(parts[f]).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/)
    }
    const cover = paragraphs.slice(
      0,
      paragraphs.findIndex((p) => p.style === 'Heading1'),
    )
    expect(cover.map((p) => p.text)).toContain('报告验证码：K7M2-Q9XD')
    expect(cover.some((p) => p.xml.includes('<pic:pic'))).toBe(true)
    expect(Object.keys(parts).some((p) => /^word\/media\/.+\.png$/.test(p))).toBe(true)
  })

  it('numbers body pages from 1 in Arabic numerals, front matter in Roman, and never uses SECTIONPAGES', () => {
    const xml = parts['word/document.xml']!
    const sections = [...xml.matchAll(/<w:sectPr>([\s\S]*?)<\/w:sectPr>/g)].map((m) => m[1]!)
    expect(sections).toHaveLength(3)
    expect(sections[0]).not.toMatch(/headerReference|footerReference/)
    expect(sections[1]).toContain('<w:pgNumType w:start="1" w:fmt="upperRoman"/>')
    expect(sections[2]).toContain('<w:pgNumType w:start="1" w:fmt="decimal"/>')
    expect(sections[2]).toMatch(/headerReference/)
    for (const s of sections) expect(s).toContain('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/>')
    expect(sections[2]).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/)
    expect(Object.values(parts).join('')).not.toContain('SECTIONPAGES')
    const header = Object.entries(parts).find(([p]) => /^word\/header\d+\.xml$/.test(p))![1]
    expect(textOf(header)).toBe(doc.runningHeader)
  })

  it('has a field TOC of levels 1–2 with links to bookmarks named after the anchors, and asks Word to update fields', () => {
    const xml = parts['word/document.xml']!
    expect(xml).toMatch(/<w:instrText[^>]*>TOC \\h \\o &quot;1-2&quot;/)
    expect(parts['word/settings.xml']).toContain('<w:updateFields/>')
    const names = bookmarkNames(
      headingsOf(doc)
        .filter((h) => h.level <= 2)
        .map((h) => h.anchor),
    )
    expect([...xml.matchAll(/<w:bookmarkStart w:name="([^"]+)"/g)].map((m) => m[1])).toEqual(names)
    expect([...xml.matchAll(/<w:hyperlink [^>]*w:anchor="([^"]+)"/g)].map((m) => m[1])).toEqual(names)
    expect([...xml.matchAll(/PAGEREF (\S+) \\h/g)].map((m) => m[1])).toEqual(names)
    expect([...xml.matchAll(/<w:bookmarkStart [^>]*w:id="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(
      names.map((_, i) => i),
    )
  })

  it('dates the package from meta.createdAt and records the document id', () => {
    expect(parts['docProps/core.xml']).toContain(
      '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-26T02:00:00Z</dcterms:created>',
    )
    expect(parts['docProps/core.xml']).toContain(
      '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-26T02:00:00Z</dcterms:modified>',
    )
    expect(parts['docProps/core.xml']).toContain(`<dc:identifier>${doc.meta.documentId}</dc:identifier>`)
  })
})

describe('renderDocx: determinism', () => {
  it('gives the same bytes for the same document, also after rendering another one', async () => {
    const a = await renderDocx(sampleDocument())
    const b = await renderDocx(sampleDocument({ verification: false }))
    const again = await renderDocx(sampleDocument())
    expect(b.equals(a)).toBe(false)
    expect(again.equals(a)).toBe(true)
  })

  it('gives different bytes for a different createdAt', async () => {
    const a = await renderDocx(sampleDocument({ createdAt: '2026-11-26T02:00:00.000Z' }))
    const later = await renderDocx(sampleDocument({ createdAt: '2026-11-27T02:00:00.000Z' }))
    expect(later.equals(a)).toBe(false)
    expect(partsOf(later)['docProps/core.xml']).toContain('2026-11-27T02:00:00Z')
  })

  it('writes every zip entry with the same fixed time', async () => {
    const bytes = await renderDocx(edgeDocument())
    const times = new Set<string>()
    // Central directory headers (PK\x01\x02) hold the DOS time and date at offsets 12–15.
    for (let i = bytes.indexOf('PK\x01\x02'); i >= 0; i = bytes.indexOf('PK\x01\x02', i + 4))
      times.add(bytes.subarray(i + 12, i + 16).toString('hex'))
    expect([...times]).toEqual(['00002100'])
  })
})

describe('renderDocx: a small document at the edges', () => {
  const doc = edgeDocument()
  let parts: Part
  beforeAll(async () => {
    parts = partsOf(await renderDocx(doc))
  })

  it('has no TOC, header, verification or QR image when the document has none', () => {
    const all = Object.values(parts).join('')
    expect(all).not.toContain('TOC \\')
    expect(all).not.toContain('验证码')
    expect(Object.keys(parts).some((p) => p.startsWith('word/header') || p.startsWith('word/media/'))).toBe(
      false,
    )
    expect(parts['word/settings.xml']).not.toContain('<w:updateFields/>')
    expect([...parts['word/document.xml']!.matchAll(/<w:sectPr>/g)]).toHaveLength(2)
  })

  it('escapes XML characters and keeps line breaks', () => {
    const paragraphs = paragraphsOf(parts['word/document.xml']!)
    expect(paragraphs.map((p) => p.text)).toContain('结论：良 & 合格 <试行>\n第二行')
    expect(paragraphs.map((p) => p.text)).toContain('委托方：某局 <财政> & 预算科')
    expect(parts['docProps/core.xml']).toContain('<dc:title>边界情况 &lt;测试&gt; &amp; 报告</dc:title>')
  })

  it('merges a cell over rows and columns at once, and marks both header rows', () => {
    const [table] = tablesOf(parts['word/document.xml']!)
    expect(table!.map((r) => r.header)).toEqual([true, true, false, false, false])
    expect(table![0]!.cells).toEqual([
      { text: '指标', span: 1, vMerge: 'restart' },
      { text: '得分情况', span: 2, vMerge: undefined },
    ])
    expect(table![1]!.cells.map((c) => c.vMerge)).toEqual(['continue', undefined, undefined])
    expect(table![2]!.cells[0]).toEqual({ text: '合并\n区域', span: 2, vMerge: 'restart' })
    expect(table![3]!.cells[0]).toEqual({ text: '', span: 2, vMerge: 'continue' })
    expect(table![4]!.cells.map((c) => c.text)).toEqual(['末行', 'a<b', 'c&d'])
  })

  it('turns a page break into "page break before" on what follows, so no page starts with an empty line', () => {
    const paragraphs = paragraphsOf(parts['word/document.xml']!)
    const breaks = paragraphs.filter((p) => p.xml.includes('<w:pageBreakBefore/>'))
    expect(breaks).toHaveLength(2)
    expect(parts['word/document.xml']).not.toContain('w:type="page"')
  })
})

describe('layout helpers', () => {
  it('divides the text width by shares and gives the rounding rest to the last column', () => {
    expect(columnWidths([1, 1, 1], 100)).toEqual([33, 33, 34])
    expect(columnWidths([8, 10, 18, 8, 8, 9, 39]).reduce((s, w) => s + w, 0)).toBe(TEXT_WIDTH)
    expect(() => columnWidths([1, 0])).toThrow('表格列宽必须为正数')
  })

  it('writes a continuation in every row a rowSpan covers, in column order', () => {
    const rows = gridRows(3, [
      [{ text: 'a', rowSpan: 3 }, { text: 'b' }, { text: 'c' }],
      [{ text: 'd', colSpan: 2 }],
      [{ text: 'e' }, { text: 'f' }],
    ])
    expect(
      rows.map((r) => r.map((g) => `${g.kind === 'start' ? g.cell.text : '^'}@${g.col}/${g.span}`)),
    ).toEqual([
      ['a@0/1', 'b@1/1', 'c@2/1'],
      ['^@0/1', 'd@1/2'],
      ['^@0/1', 'e@1/1', 'f@2/1'],
    ])
  })

  it('derives bookmark names Word accepts from anchors, unique and at most 40 characters', () => {
    const names = bookmarkNames(['h1', 'h1-1', 'h1_1', '附件-1', 'x'.repeat(60), 'x'.repeat(61)])
    expect(names.slice(0, 4)).toEqual(['_Toc_h1', '_Toc_h1_1', '_Toc_h1_1_2', '_Toc____1'])
    expect(new Set(names).size).toBe(names.length)
    for (const n of names) expect(n).toMatch(/^_Toc_[A-Za-z0-9_]{1,35}$/)
  })

  it('refuses a creation time that is not an ISO date, rather than write a wrong one', async () => {
    const doc = edgeDocument()
    await expect(renderDocx({ ...doc, meta: { ...doc.meta, createdAt: '昨天' } })).rejects.toThrow(
      '不是 ISO-8601 时间：昨天',
    )
  })

  it('refuses a document whose TOC bookmarks do not match its headings', () => {
    expect(() => renumberBookmarks('<w:bookmarkStart w:name="_Toc7" w:id="7"/>', [])).toThrow(
      '目录书签数 1 与一、二级标题数 0 不一致',
    )
  })

  it('writes a table as the very XML docx writes for it: merges, spans, header rows, bold, breaks, escaping', async () => {
    const block: TableBlock = {
      kind: 'table',
      columns: [{ width: 2, align: 'center' }, { width: 3 }, { width: 1, align: 'right' }],
      header: [[cell('一级'), cell('名称 & <说明>'), cell('分值')]],
      rows: [
        [{ ...cell('决策\n（15分）'), rowSpan: 2 }, { ...cell('"引号" \'单引号\''), bold: true }, cell('5')],
        [{ ...cell('控制\u0001字符\t制表'), align: 'justify' }, cell('')],
        [{ ...cell('合计'), colSpan: 2, bold: true }, cell('100')],
      ],
    }
    // The same table through docx's own Table API, as the renderer built it before writing XML itself.
    const align = {
      left: AlignmentType.LEFT,
      center: AlignmentType.CENTER,
      right: AlignmentType.RIGHT,
      justify: AlignmentType.JUSTIFIED,
    }
    const widths = columnWidths(block.columns.map((c) => c.width))
    const runs = (text: string, bold: boolean) =>
      text
        .split('\n')
        .map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0, ...(bold ? { bold: true } : {}) }))
    const rows = gridRows(3, [...block.header, ...block.rows]).map(
      (cells, r) =>
        new TableRow({
          tableHeader: r < 1,
          cantSplit: true,
          children: cells.map((g) => {
            const common = {
              width: {
                size: widths.slice(g.col, g.col + g.span).reduce((s, w) => s + w, 0),
                type: WidthType.DXA,
              },
              verticalAlign: VerticalAlignTable.CENTER,
              ...(g.span > 1 ? { columnSpan: g.span } : {}),
            }
            if (g.kind === 'continue')
              return new TableCell({
                ...common,
                verticalMerge: VerticalMergeType.CONTINUE,
                children: [new Paragraph({ style: STYLE.tableText })],
              })
            const a = g.cell.align ?? (r < 1 ? 'center' : (block.columns[g.col]?.align ?? 'left'))
            return new TableCell({
              ...common,
              ...((g.cell.rowSpan ?? 1) > 1 ? { verticalMerge: VerticalMergeType.RESTART } : {}),
              children: [
                new Paragraph({
                  style: STYLE.tableText,
                  alignment: align[a],
                  children: runs(g.cell.text, Boolean(g.cell.bold) || r < 1),
                }),
              ],
            })
          }),
        }),
    )
    const table = new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      alignment: AlignmentType.CENTER,
      margins: { top: 30, bottom: 30, left: 57, right: 57 },
      rows,
    })
    const packed = await Packer.toBuffer(new Document({ sections: [{ children: [table] }] }))
    const docxXml = /<w:tbl>[\s\S]*<\/w:tbl>/.exec(partsOf(packed)['word/document.xml']!)![0]
    expect(tableXml(block)).toBe(docxXml)
  })
})

describe('renderDocx: bar charts', () => {
  const barRows = (xml: string) => tablesOf(xml)[0]!.filter((_, i) => i % 2 === 0)
  const gridOf = (xml: string) => [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))
  const cellXml = (row: string) => [...row.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => c[1]!)
  const rowXml = (xml: string) => [...xml.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((r) => r[1]!)

  it('draws each bar as a row [label | shaded part of share × bar width | rest | value] on one grid of the text width', () => {
    const xml = barChartXml(SHORT_CHART)
    const grid = gridOf(xml)
    expect(grid.reduce((s, w) => s + w, 0)).toBe(TEXT_WIDTH)
    const labelWidth = grid[0]!
    const barWidth = TEXT_WIDTH - labelWidth - grid.at(-1)!
    const rows = rowXml(xml)
    // A thin empty row between bars, so they do not touch.
    expect(rows).toHaveLength(2 * SHORT_CHART.bars.length - 1)
    for (const row of barRows(xml)) expect(row.cells.reduce((s, c) => s + c.span, 0)).toBe(grid.length)
    expect(barRows(xml).map((r) => [r.cells[0]!.text, r.cells.at(-1)!.text])).toEqual(SHORT_CHART.bars.map((b) => [b.label, b.valueText]))
    const shaded = rows
      .filter((_, i) => i % 2 === 0)
      .map((row) => {
        const cells = cellXml(row)
        const bar = cells.find((c) => c.includes('<w:shd '))
        return bar ? Number(/<w:tcW w:type="dxa" w:w="(\d+)"\/>/.exec(bar)![1]) : 0
      })
    expect(shaded).toEqual([barWidth, Math.round(barWidth / 2), 0, Math.round(barWidth / 4)])
    // Share 0: label, one empty cell over the whole bar area, value.
    expect(barRows(xml)[2]!.cells.map((c) => c.span)).toEqual([1, grid.length - 2, 1])
    expect(xml).not.toMatch(/<w:(top|left|bottom|right|insideH|insideV) w:val="single"/)
  })

  it('writes no table for a chart without bars, only its caption and note', async () => {
    const empty = { ...SHORT_CHART, bars: [] }
    expect(barChartXml(empty)).toBe('')
    const text = docxText(await renderDocx(chartDocument(empty)))
    expect(text).toContain(`${SHORT_CHART.caption}${SHORT_CHART.note}`)
  })

  it('keeps every row with the next one, so the chart stays on one page under its caption', () => {
    const rows = rowXml(barChartXml(SHORT_CHART))
    for (const row of rows.slice(0, -1)) for (const c of cellXml(row)) expect(c).toContain('<w:keepNext/>')
    for (const c of cellXml(rows.at(-1)!)) expect(c).not.toContain('<w:keepNext/>')
  })

  it('prints caption, labels, values and note in the document, the same bytes twice', async () => {
    const doc = chartDocument(SHORT_CHART, 3)
    const bytes = await renderDocx(doc)
    const paragraphs = paragraphsOf(partsOf(bytes)['word/document.xml']!)
    expect(paragraphs.find((p) => p.text === SHORT_CHART.caption)?.style).toBe(STYLE.tableCaption)
    expect(paragraphs.find((p) => p.text === SHORT_CHART.note)?.style).toBe(STYLE.note)
    const text = docxText(bytes)
    for (const b of SHORT_CHART.bars) expect(text).toContain(`${b.label}${b.valueText}`)
    expect((await renderDocx(chartDocument(SHORT_CHART, 3))).equals(bytes)).toBe(true)
  })
})
