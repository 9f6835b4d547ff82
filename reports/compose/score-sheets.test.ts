import { describe, expect, it } from 'vitest'
import { headingsOf, placeCells, type TableBlock } from '../document'
import { scoreSheetsModel } from '../fixtures/models'
import { points } from '../format'
import { composeDocument } from './index'

describe('expert score sheets', () => {
  const model = scoreSheetsModel()
  const doc = composeDocument(model)

  it('one sheet per expert, by name, each on its own pages with a signature line', () => {
    expect(headingsOf(doc).map((h) => h.text)).toEqual(model.expertSheets.map((s) => `专家评分表（${s.name}）`))
    expect(doc.body.filter((b) => b.kind === 'pageBreak')).toHaveLength(model.expertSheets.length - 1)
    expect(doc.body.filter((b) => b.kind === 'paragraph' && b.style === 'signature' && b.runs[0]!.text.startsWith('评审专家（签字）'))).toHaveLength(model.expertSheets.length)
    expect(doc.toc).toBeNull()
  })

  it('a submitted sheet shows the expert’s scores and their total; an unsubmitted one is blank', () => {
    const tables = doc.body.filter((b): b is TableBlock => b.kind === 'table')
    expect(tables).toHaveLength(model.expertSheets.length)
    tables.forEach((t, i) => {
      placeCells(t.columns.length, t.rows)
      const sheet = model.expertSheets[i]!
      const total = t.rows.at(-1)!
      if (sheet.submittedAt) expect(total[3]!.text).toBe(points(sheet.entries.reduce((s, e) => s + (e.score ?? 0), 0)))
      else {
        expect(total[3]!.text).toBe('')
        expect(t.rows.slice(0, -1).every((r) => r.at(-2)!.text === '' && r.at(-1)!.text === '')).toBe(true)
      }
    })
  })
})
