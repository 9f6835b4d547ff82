// Table geometry and pagination, kept apart from drawing so the rules can be tested directly:
// rows are never split unless one row alone is taller than a page; a table starts on a page only
// if its header and at least a first row (or the first lines of an oversized one) fit there; a
// cell spanning rows across a page break is drawn again on the new page (its label is repeated
// when it fits, otherwise its text continues where the previous page left off).
import { placeCells, type Align, type TableCell } from '../document'
import { wrapBalanced, wrapRuns, type Advance, type Line } from './text-layout'

export type CellStyle<F> = { size: number; lineHeight: number; padX: number; padY: number; font: F; boldFont: F }

export type CellLayout<F> = {
  cell: TableCell
  row: number
  col: number
  rowSpan: number
  x: number
  width: number
  lines: Line<F>[]
  align: Align
}

export type GridLayout<F> = { cells: CellLayout<F>[]; rowHeights: number[] }

/**
 * Places and wraps every cell of `rows` (spans as in document.ts) and sizes the rows: a row is as
 * tall as its tallest single-row cell; a spanning cell that needs more than its rows provide
 * spreads the difference evenly over them, so no one row becomes a tall gap.
 */
export function layoutGrid<F>(
  columns: readonly { width: number; align?: Align }[],
  rows: readonly TableCell[][],
  totalWidth: number,
  style: CellStyle<F>,
  advance: Advance<F>,
  defaultAlign?: Align,
): GridLayout<F> {
  const shares = columns.reduce((s, c) => s + c.width, 0)
  const widths = columns.map((c) => (c.width / shares) * totalWidth)
  const xs: number[] = [0]
  for (const w of widths) xs.push(xs[xs.length - 1]! + w)
  const cells: CellLayout<F>[] = placeCells(columns.length, rows).flatMap((placed) =>
    placed.map(({ cell, row, col }) => {
      const span = cell.colSpan ?? 1
      const width = xs[col + span]! - xs[col]!
      const align = cell.align ?? defaultAlign ?? columns[col]?.align ?? 'left'
      const wrap = align === 'center' ? wrapBalanced : wrapRuns
      const lines = wrap([{ text: cell.text, font: cell.bold ? style.boldFont : style.font }], advance, { width: width - 2 * style.padX, size: style.size, overflow: (width - 2 * style.padX) * 0.12 })
      return { cell, row, col, rowSpan: Math.max(1, Math.min(cell.rowSpan ?? 1, rows.length - row)), x: xs[col]!, width, lines, align }
    }),
  )
  const needed = (c: CellLayout<F>) => c.lines.length * style.lineHeight + 2 * style.padY
  const rowHeights = rows.map(() => style.lineHeight + 2 * style.padY)
  for (const c of cells) if (c.rowSpan === 1) rowHeights[c.row] = Math.max(rowHeights[c.row]!, needed(c))
  const spanning = cells.filter((c) => c.rowSpan > 1).sort((a, b) => a.rowSpan - b.rowSpan)
  for (const c of spanning) {
    let have = 0
    for (let r = c.row; r < c.row + c.rowSpan; r += 1) have += rowHeights[r]!
    const missing = needed(c) - have
    if (missing > 0) for (let r = c.row; r < c.row + c.rowSpan; r += 1) rowHeights[r]! += missing / c.rowSpan
  }
  return { cells, rowHeights }
}

/** A row, or a slice of an oversized row, placed on one page. */
export type RowPiece = { row: number; height: number }

export type PaginateOptions = {
  /** Height left for body rows on the first page (after caption and header). */
  firstAvailable: number
  /** Whether the first page holds nothing yet: then a row that does not fit is sliced, not moved. */
  firstPageFresh: boolean
  /** Height for body rows on every following page (after the repeated header). */
  pageAvailable: number
  lineHeight: number
  padY: number
}

/**
 * Distributes rows over pages. Returns one list of pieces per page; the first list is empty when
 * the table should start on a new page (nothing fits under the header on the current one).
 */
export function paginateRows(rowHeights: readonly number[], options: PaginateOptions): RowPiece[][] {
  const { pageAvailable, lineHeight, padY } = options
  const epsilon = 0.01
  if (pageAvailable < lineHeight + 2 * padY) throw new Error('table header leaves no room for a row on a page')
  const pages: RowPiece[][] = [[]]
  let remaining = options.firstAvailable
  let fresh = options.firstPageFresh
  const newPage = () => {
    pages.push([])
    remaining = pageAvailable
    fresh = true
  }
  const place = (row: number, height: number) => {
    pages[pages.length - 1]!.push({ row, height })
    remaining -= height
    fresh = false
  }
  rowHeights.forEach((height, row) => {
    if (height <= remaining + epsilon) return place(row, height)
    if (height <= pageAvailable + epsilon && !fresh) {
      newPage()
      return place(row, height)
    }
    // Taller than the space a fresh page offers: slice it on the line grid, page by page.
    let lines = Math.ceil((height - 2 * padY) / lineHeight - epsilon)
    while (lines > 0) {
      const fits = Math.floor((remaining - 2 * padY) / lineHeight + epsilon)
      if (fits < 1) {
        newPage()
        continue
      }
      const take = Math.min(fits, lines)
      place(row, take * lineHeight + 2 * padY)
      lines -= take
      if (lines > 0) newPage()
    }
  })
  return pages
}

/** What a cell shows in one page's fragment of it; `drawn` counts lines already shown before. */
export function fragmentLines<F>(cell: CellLayout<F>, fragmentHeight: number, drawn: number, style: CellStyle<F>): { lines: Line<F>[]; centred: boolean; drawn: number } {
  const capacity = Math.max(0, Math.floor((fragmentHeight - 2 * style.padY) / style.lineHeight + 0.01))
  const total = cell.lines.length
  if (total <= capacity && (drawn === 0 || (drawn >= total && cell.rowSpan > 1))) return { lines: cell.lines, centred: true, drawn: total }
  if (drawn >= total) return { lines: [], centred: false, drawn }
  const lines = cell.lines.slice(drawn, drawn + capacity)
  return { lines, centred: false, drawn: drawn + lines.length }
}
