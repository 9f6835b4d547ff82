import { beforeAll, describe, expect, it } from 'vitest'
import { headingsOf, type ReportDocument } from '../document'
import { chartDocument, SHORT_CHART, tallChart } from '../fixtures/chart-documents'
import { GROUP_SIZE, GROUPS, OVERSIZED_AT, OVERSIZED_TEXT, edgeDocument, groupLabel, minimalDocument, rowName, rowValue, tocGuessDocument } from '../fixtures/edge-documents'
import { sampleDocument, sampleIndicators } from '../fixtures/sample-document'
import { readPdf, squash, type ReadPdf } from './read-pdf'
import { renderPdf } from './render-pdf'

/** Physical page of every heading, searched in document order outside the TOC pages. */
function headingPages(read: ReadPdf, doc: ReportDocument): number[] {
  const tocPages = new Set(read.pages.filter((p) => p.links.length > 0).map((p) => p.index))
  let page = 0
  let offset = 0
  return headingsOf(doc).map((h) => {
    const needle = squash(h.text)
    for (; page < read.pages.length; page += 1, offset = 0) {
      if (tocPages.has(page)) continue
      const at = read.pages[page]!.text.indexOf(needle, offset)
      if (at >= 0) {
        offset = at + needle.length
        return page
      }
    }
    throw new Error(`heading missing or out of order: ${h.text}`)
  })
}

/** TOC entries as printed: the link's destination and the right-most text inside the link's box. */
function tocEntries(read: ReadPdf): { dest: string; target: number; printed: string }[] {
  return read.pages.flatMap((page) =>
    page.links.map((link) => {
      const [x1, y1, x2, y2] = link.rect as [number, number, number, number]
      const inside = page.items.filter((i) => i.x >= x1 - 1 && i.x <= x2 && i.y >= y1 - 1 && i.y <= y2 + 1 && i.str.trim() !== '')
      const printed = inside.reduce((a, b) => (b.x > a.x ? b : a)).str.trim()
      return { dest: link.dest, target: link.target, printed }
    }),
  )
}

function expectExactToc(read: ReadPdf, doc: ReportDocument): void {
  const all = headingsOf(doc)
  const pages = headingPages(read, doc)
  const expected = all.flatMap((h, i) => (h.level <= 2 ? [{ dest: h.anchor, target: pages[i]!, printed: read.pages[pages[i]!]!.label }] : []))
  expect(tocEntries(read)).toEqual(expected)
  expect(expected.every((e) => e.printed !== '')).toBe(true)
}

/** Pages from the one holding `first` to the one holding `last` (inclusive), outside the TOC. */
function pagesBetween(read: ReadPdf, first: string, last: string): ReadPdf['pages'] {
  const body = read.pages.filter((p) => p.links.length === 0)
  const from = body.findIndex((p) => p.text.includes(squash(first)))
  const to = body.findIndex((p, i) => i >= from && p.text.includes(squash(last)))
  expect(from).toBeGreaterThanOrEqual(0)
  expect(to).toBeGreaterThanOrEqual(from)
  return body.slice(from, to + 1)
}

describe('renderPdf: the sample report', () => {
  const doc = sampleDocument()
  let bytes: Buffer
  let read: ReadPdf
  beforeAll(async () => {
    bytes = await renderPdf(doc)
    read = await readPdf(bytes)
  })

  it('is an A4 PDF of about thirty pages with an unnumbered cover and a body numbered from 1', () => {
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(read.pages.length).toBeGreaterThanOrEqual(28)
    expect(read.pages[0]!.label).toBe('')
    expect(read.pages[1]!.label).toBe('I')
    const body = read.pages.filter((p) => /^\d+$/.test(p.label)).map((p) => Number(p.label))
    expect(body).toEqual(body.map((_, i) => i + 1))
  })

  it('prints the cover: title, subtitle, lines, seal note and verification code', () => {
    const cover = read.pages[0]!.text
    for (const text of [doc.cover.title, doc.cover.subtitle, ...doc.cover.lines.flatMap((l) => [l.label, l.value]), doc.cover.sealNote, 'K7M2-Q9XD']) expect(cover).toContain(squash(text))
  })

  it('has every heading, in document order', () => {
    expect(headingPages(read, doc)).toHaveLength(headingsOf(doc).length)
  })

  it('prints in the TOC the page each level 1–2 heading stands on, and links each entry there', () => {
    expectExactToc(read, doc)
  })

  it('has bookmarks for the level-1 headings, with their level-2 headings beneath', () => {
    const headings = headingsOf(doc)
    const level1 = headings.filter((h) => h.level === 1).map((h) => h.text)
    expect(read.outline.map((o) => o.title).filter((t) => t !== doc.toc?.title)).toEqual(level1)
    const first = read.outline.find((o) => o.title === '一、基本情况')!
    expect(first.items.map((o) => o.title)).toEqual(['（一）基本情况第1部分', '（二）基本情况第2部分', '（三）基本情况第3部分'])
    const analysis = read.outline.find((o) => o.title === '四、绩效评价指标分析')!
    expect(analysis.items[0]!.items.map((o) => o.title)).toEqual(headings.filter((h) => h.level === 3 && h.anchor.startsWith('h4-1-')).map((h) => h.text))
  })

  it('prints the running header on body pages and the verification code in every numbered footer', () => {
    for (const page of read.pages.slice(1)) expect(page.text).toContain('报告验证码：K7M2-Q9XD')
    for (const page of read.pages.filter((p) => /^\d+$/.test(p.label))) expect(page.text).toContain(squash(doc.runningHeader))
  })

  it('embeds the three fonts as subsets (tagged BaseFont, FontFile2) and no standard font', () => {
    const raw = bytes.toString('latin1')
    const names = [...raw.matchAll(/\/BaseFont \/(\S+)/g)].map((m) => m[1]!)
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) expect(name).toMatch(/^[A-Z]{6}\+/)
    expect(new Set(names.map((n) => n.slice(7)))).toEqual(new Set(['NotoSerifSC-Regular', 'NotoSerifSC-Bold', 'NotoSansSC-Bold']))
    expect(raw.match(/\/FontFile2 /g)).toHaveLength(3)
    expect(raw).not.toMatch(/\/Subtype \/Type1/)
    // The full faces are 10–15 MB each: a report this size can only hold subsets.
    expect(bytes.length).toBeLessThan(1_000_000)
  })

  it('has every indicator of the score table with its weight and score, the total and the grade', () => {
    const text = pagesBetween(read, '附件 1：绩效评价指标评分表', '附件 2：专家组名单')
      .map((p) => p.text)
      .join('')
    const indicators = sampleIndicators()
    for (const ind of indicators) expect(text).toContain(squash(`${ind.name}${ind.weight.toFixed(2)}${ind.score.toFixed(2)}`))
    const total = indicators.reduce((s, x) => s + x.score, 0)
    expect(text).toContain(`合计100.00${total.toFixed(2)}`)
    expect(text).toContain('评价等级：良')
  })

  it('repeats the header row on every page of the score table and re-draws the merged level-1 cell', () => {
    const pages = pagesBetween(read, '附件 1：绩效评价指标评分表', '评价等级：良')
    expect(pages.length).toBeGreaterThanOrEqual(2)
    const header = '一级指标二级指标三级指标分值得分得分率扣分理由'
    for (const page of pages) expect(page.text).toContain(header)
    for (const page of pages.slice(1)) expect(page.text.split(header)[1]).toMatch(/^(决策|过程|产出|效益)/)
  })

  it('is deterministic: A, B, A give identical bytes for A; another createdAt gives other bytes', async () => {
    const a1 = await renderPdf(sampleDocument())
    const b = await renderPdf(edgeDocument())
    const a2 = await renderPdf(sampleDocument())
    expect(a1.equals(bytes)).toBe(true)
    expect(a2.equals(a1)).toBe(true)
    expect(b.equals(a1)).toBe(false)
    const later = await renderPdf(sampleDocument({ createdAt: '2026-11-27T02:00:00.000Z' }))
    expect(later.equals(a1)).toBe(false)
  })

  it('takes its dates and file identifier from the document metadata', () => {
    const raw = bytes.toString('latin1')
    const value = (key: string) => {
      const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw)?.[1]
      return ref ? new RegExp(`\\n${ref} 0 obj\\n\\((.*?)\\)\\nendobj`).exec(raw)?.[1] : undefined
    }
    expect(value('CreationDate')).toBe('D:20261126020000Z')
    expect(value('ModDate')).toBe('D:20261126020000Z')
    expect(raw).toContain(`/ID [<${doc.meta.documentId}> <${doc.meta.documentId}>]`)
  })
})

describe('renderPdf: edge cases', () => {
  const doc = edgeDocument()
  let read: ReadPdf
  beforeAll(async () => {
    read = await readPdf(await renderPdf(doc))
  })

  it('fills a TOC of several pages with wrapped entries, every number exact', () => {
    expect(read.pages.filter((p) => p.links.length > 0).length).toBeGreaterThanOrEqual(2)
    expectExactToc(read, doc)
  })

  it('leaves no blank page for repeated page breaks', () => {
    for (const page of read.pages.filter((p) => p.label !== '')) expect(page.text.replace(`—${page.label}—`, '')).not.toBe('')
  })

  it('keeps long words and hard breaks: nothing of the text is lost', () => {
    const text = read.pages.map((p) => p.text).join('')
    expect(text).toContain('EVAL-2025-000123')
    expect(text).toContain('https://example.org/a/very/long/path/that/does/not/fit/on/one/line/of/the/report/at/all/index.html')
    expect(text).toContain('第一行第二行（硬换行）空行之后的第四行')
  })

  describe('a long table', () => {
    const header = '分组明细说明名称数值'
    let pages: ReadPdf['pages']
    beforeAll(() => {
      pages = pagesBetween(read, '附表 1  跨页长表（测试）', '63 行')
    })

    it('repeats the header on every page, never alone at the foot of a page', () => {
      expect(pages.length).toBeGreaterThanOrEqual(3)
      for (const page of pages) {
        expect(page.text).toContain(header)
        expect(page.text.split(header)[1]).toMatch(/^(分组|组)\d/)
      }
    })

    it('never splits an ordinary row', () => {
      for (let g = 0; g < GROUPS; g += 1) {
        for (let r = 0; r < GROUP_SIZE; r += 1) {
          const at = pages.filter((p) => p.text.includes(rowName(g, r)))
          expect(at, rowName(g, r)).toHaveLength(1)
          expect(at[0]!.text).toContain(rowValue(g, r))
        }
      }
    })

    it('re-draws a merged group label on every page its group reaches', () => {
      let crossing = 0
      for (let g = 0; g < GROUPS; g += 1) {
        const reached = pages.filter((p) => Array.from({ length: GROUP_SIZE }, (_, r) => rowName(g, r)).some((n) => p.text.includes(n)))
        if (reached.length > 1) crossing += 1
        for (const page of reached) expect(page.text, `${groupLabel(g)} on page ${page.label}`).toContain(groupLabel(g))
      }
      expect(crossing).toBeGreaterThan(0)
    })

    it('continues a row taller than a page over several pages without losing text', () => {
      const wanted = squash(OVERSIZED_TEXT)
      let at = 0
      let pagesUsed = 0
      for (const page of pages) {
        let low = 0
        let high = wanted.length - at
        while (low < high) {
          const mid = Math.ceil((low + high) / 2)
          if (page.text.includes(wanted.slice(at, at + mid))) low = mid
          else high = mid - 1
        }
        if (low > 0) pagesUsed += 1
        at += low
      }
      expect(at).toBe(wanted.length)
      expect(pagesUsed).toBeGreaterThanOrEqual(2)
      const label = groupLabel(OVERSIZED_AT.group)
      expect(pages.filter((p) => p.text.includes(label)).length).toBeGreaterThanOrEqual(pagesUsed)
    })
  })
})

describe('renderPdf: a TOC shorter than first guessed, and an empty table', () => {
  const doc = tocGuessDocument()
  let read: ReadPdf
  beforeAll(async () => {
    read = await readPdf(await renderPdf(doc))
  })

  it('lays the document out again with the TOC pages really needed: exact numbers, no blank page', () => {
    expect(read.pages.filter((p) => p.links.length > 0)).toHaveLength(1)
    expectExactToc(read, doc)
    for (const page of read.pages.filter((p) => p.label !== '')) expect(page.text.replace(`—${page.label}—`, '')).not.toBe('')
  })

  it('draws the caption and header of a table without rows where it stands', () => {
    const last = read.pages[read.pages.length - 1]!
    expect(last.text).toContain('附表空表项目金额')
    expect(last.text).toContain(squash(headingsOf(doc).at(-1)!.text))
  })
})

describe('renderPdf: a minimal document', () => {
  it('renders a cover and one numbered page, with no TOC and no bookmarks', async () => {
    const read = await readPdf(await renderPdf(minimalDocument()))
    expect(read.pages.map((p) => p.label)).toEqual(['', '1'])
    expect(read.pages[1]!.text).toContain('只有一段正文。')
    expect(read.pages.some((p) => p.links.length > 0)).toBe(false)
    expect(read.outline).toEqual([])
  })

  it('refuses metadata it cannot make deterministic', async () => {
    await expect(renderPdf({ ...minimalDocument(), meta: { ...minimalDocument().meta, documentId: 'not-hex' } })).rejects.toThrow(/documentId/)
    await expect(renderPdf({ ...minimalDocument(), meta: { ...minimalDocument().meta, createdAt: 'yesterday' } })).rejects.toThrow(/createdAt/)
  })
})

describe('renderPdf: bar charts', () => {
  const valueX = (page: ReadPdf['pages'][number], text: string) => page.items.find((i) => i.str === text)!.x

  it('draws caption, labels, values and note; a value stands after its bar, so its x grows with the share', async () => {
    const read = await readPdf(await renderPdf(chartDocument(SHORT_CHART)))
    const page = read.pages[1]!
    for (const text of [SHORT_CHART.caption, ...SHORT_CHART.bars.flatMap((b) => [b.label, b.valueText]), SHORT_CHART.note!]) expect(page.text).toContain(squash(text))
    const [full, half, none, quarter] = SHORT_CHART.bars.map((b) => valueX(page, b.valueText))
    expect(full! - none!).toBeGreaterThan(200)
    expect(half! - none!).toBeCloseTo((full! - none!) / 2, 1)
    expect(quarter! - none!).toBeCloseTo((full! - none!) / 4, 1)
  })

  it('moves the whole chart to the next page when it does not fit under the text above', async () => {
    const read = await readPdf(await renderPdf(chartDocument(SHORT_CHART, 20)))
    expect(read.pages[1]!.text).toContain('第20段。')
    expect(read.pages[1]!.text).not.toContain(squash(SHORT_CHART.caption))
    const next = read.pages[2]!.text
    for (const text of [SHORT_CHART.caption, ...SHORT_CHART.bars.map((b) => b.valueText), SHORT_CHART.note!]) expect(next).toContain(squash(text))
  })

  it('continues a chart taller than a page between bars, losing none', async () => {
    const chart = tallChart(40)
    const read = await readPdf(await renderPdf(chartDocument(chart)))
    const body = read.pages.slice(1)
    expect(body.length).toBeGreaterThanOrEqual(2)
    for (const bar of chart.bars) expect(body.filter((p) => p.items.some((i) => i.str === bar.valueText)), bar.label).toHaveLength(1)
    expect(body.at(-1)!.text).toContain(squash(chart.note!))
  })

  it('gives the same bytes twice', async () => {
    const a = await renderPdf(chartDocument(SHORT_CHART, 5))
    const b = await renderPdf(chartDocument(SHORT_CHART, 5))
    expect(a.equals(b)).toBe(true)
  })
})
