import { describe, expect, it } from 'vitest'
import { cell, headingsOf, placeCells } from './document'
import { sampleDocument, sampleIndicators, scoreTable } from './fixtures/sample-document'

describe('placeCells', () => {
  it('places cells after row spans like an HTML table', () => {
    const placed = placeCells(3, [[cell('a', { rowSpan: 2 }), cell('b'), cell('c')], [cell('d'), cell('e')], [cell('f', { colSpan: 2 }), cell('g')]])
    expect(placed.map((r) => r.map((p) => `${p.cell.text}@${p.col}`))).toEqual([['a@0', 'b@1', 'c@2'], ['d@1', 'e@2'], ['f@0', 'g@2']])
  })

  it('refuses a row that overflows its columns', () => {
    expect(() => placeCells(2, [[cell('a', { rowSpan: 2 }), cell('b')], [cell('c'), cell('d')]])).toThrow(/overflow/)
  })

  it('fits the sample score table exactly: every row fills all seven columns', () => {
    const table = scoreTable(sampleIndicators())
    if (table.kind !== 'table') throw new Error('not a table')
    const placed = placeCells(table.columns.length, table.rows)
    const last = placed.map((r) => r[r.length - 1]!)
    expect(last.every((p) => p.col + (p.cell.colSpan ?? 1) === 7)).toBe(true)
  })
})

describe('sample document', () => {
  it('has unique anchors and every level', () => {
    const hs = headingsOf(sampleDocument())
    expect(new Set(hs.map((h) => h.anchor)).size).toBe(hs.length)
    expect(new Set(hs.map((h) => h.level))).toEqual(new Set([1, 2, 3, 4]))
  })
})
