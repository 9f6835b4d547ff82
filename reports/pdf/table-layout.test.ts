import { describe, expect, it } from 'vitest'
import { cell } from '../document'
import { fragmentLines, layoutGrid, paginateRows, type CellStyle } from './table-layout'
import type { Advance } from './text-layout'

// Every character 10 pt wide at size 10; lines 10 pt high; 2 pt of padding: a one-line row is 14 pt.
const advance: Advance<'r'> = () => 1000
const style: CellStyle<'r'> = { size: 10, lineHeight: 10, padX: 2, padY: 2, font: 'r', boldFont: 'r' }
const options = { lineHeight: 10, padY: 2 }

describe('layoutGrid', () => {
  it('sizes columns from shares and rows from their tallest cell', () => {
    const grid = layoutGrid([{ width: 1 }, { width: 3, align: 'right' }], [[cell('一二三四五'), cell('甲')]], 120, style, advance)
    expect(grid.cells.map((c) => [c.x, c.width, c.lines.length, c.align])).toEqual([
      [0, 30, 3, 'left'],
      [30, 90, 1, 'right'],
    ])
    expect(grid.rowHeights).toEqual([34])
  })

  it('spreads what a spanning cell lacks evenly over its rows', () => {
    const grid = layoutGrid([{ width: 1 }, { width: 1 }], [[cell('一二三四五六七八', { rowSpan: 2 }), cell('甲')], [cell('乙')]], 28, style, advance)
    // 8 lines + padding = 84 pt over two rows of 14 pt: each row grows by 28 pt.
    expect(grid.rowHeights).toEqual([42, 42])
  })

  it('lets a header default to centred while a cell may still choose', () => {
    const grid = layoutGrid([{ width: 1, align: 'right' }, { width: 1 }], [[cell('甲'), cell('乙', { align: 'left' })]], 100, style, advance, 'center')
    expect(grid.cells.map((c) => c.align)).toEqual(['center', 'left'])
  })
})

describe('paginateRows', () => {
  it('keeps rows whole and moves a row that does not fit to the next page', () => {
    const pages = paginateRows([14, 14, 14], { ...options, firstAvailable: 30, firstPageFresh: false, pageAvailable: 100 })
    expect(pages.map((p) => p.map((r) => r.row))).toEqual([[0, 1], [2]])
  })

  it('asks for a new page when not even the first row fits under the header', () => {
    const pages = paginateRows([14, 14], { ...options, firstAvailable: 10, firstPageFresh: false, pageAvailable: 100 })
    expect(pages).toEqual([[], [{ row: 0, height: 14 }, { row: 1, height: 14 }]])
  })

  it('slices a row taller than a page on the line grid, starting in the space left', () => {
    // 25 lines: 4 fit in the 45 pt left, then 9 per 100 pt page.
    const pages = paginateRows([14, 254, 14], { ...options, firstAvailable: 59, firstPageFresh: false, pageAvailable: 100 })
    expect(pages).toEqual([
      [{ row: 0, height: 14 }, { row: 1, height: 44 }],
      [{ row: 1, height: 94 }],
      [{ row: 1, height: 94 }],
      [{ row: 1, height: 34 }, { row: 2, height: 14 }],
    ])
    const lines = pages.flat().filter((p) => p.row === 1).reduce((s, p) => s + (p.height - 4) / 10, 0)
    expect(lines).toBe(25)
  })

  it('slices rather than moves on a page that holds nothing yet', () => {
    const pages = paginateRows([54], { ...options, firstAvailable: 34, firstPageFresh: true, pageAvailable: 100 })
    expect(pages).toEqual([[{ row: 0, height: 34 }], [{ row: 0, height: 24 }]])
  })

  it('refuses a page that cannot hold a single line', () => {
    expect(() => paginateRows([14], { ...options, firstAvailable: 10, firstPageFresh: false, pageAvailable: 12 })).toThrow(/no room/)
  })
})

describe('fragmentLines', () => {
  const grid = layoutGrid([{ width: 1 }, { width: 1 }], [[cell('决策', { rowSpan: 3 }), cell('一二三四五六')], [cell('甲')], [cell('乙')]], 28, style, advance)
  const label = grid.cells[0]!
  const long = grid.cells[1]!

  it('shows a cell whole and centred where it fits', () => {
    expect(fragmentLines(label, 60, 0, style)).toMatchObject({ centred: true, drawn: 2 })
  })

  it('repeats a merged label on the next page, but not an ordinary cell already shown', () => {
    expect(fragmentLines(label, 24, 2, style)).toMatchObject({ centred: true, drawn: 2 })
    expect(fragmentLines(label, 24, 2, style).lines).toHaveLength(2)
    const once = layoutGrid([{ width: 1 }], [[cell('甲')]], 28, style, advance).cells[0]!
    expect(fragmentLines(once, 24, 1, style).lines).toEqual([])
  })

  it('continues a cell that does not fit where the previous page stopped', () => {
    const first = fragmentLines(long, 44, 0, style)
    expect([first.lines.length, first.centred, first.drawn]).toEqual([4, false, 4])
    const rest = fragmentLines(long, 44, first.drawn, style)
    expect([rest.lines.length, rest.drawn]).toEqual([2, 6])
    expect(rest.lines[0]).toBe(long.lines[4])
  })
})
