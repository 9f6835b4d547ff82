import { describe, expect, it } from 'vitest'
import { sampleDocument } from '../../../reports/fixtures/sample-document'
import { paragraph } from '../../../reports/document'
import { diffSections, sectionsOf } from './section-diff'

describe('section diff', () => {
  it('finds no change between a document and itself', () => {
    const s = sectionsOf(sampleDocument())
    expect(diffSections(s, s).every((c) => c.kind === 'same')).toBe(true)
  })

  it('reads a bar chart as its caption and one 「label | value」 line per bar', () => {
    const doc = { ...sampleDocument(), body: [{ kind: 'barChart' as const, caption: '图1 各题满意率', bars: [{ label: '总体满意度', share: 0.9, valueText: '90.0%' }] }] }
    expect(sectionsOf(doc).at(-1)!.text.endsWith('\n图1 各题满意率\n总体满意度 | 90.0%')).toBe(true)
  })

  it('reports an edited paragraph as the text that went out and in, and only in its section', () => {
    const before = sampleDocument()
    const after = sampleDocument()
    const i = after.body.findIndex((b) => b.kind === 'heading' && b.text.startsWith('（一）有关建议'))
    after.body.splice(i + 1, 1, paragraph('建议进一步细化产出指标，明确时效要求。'))
    const changes = diffSections(sectionsOf(before), sectionsOf(after))
    const changed = changes.filter((c) => c.kind !== 'same')
    expect(changed).toHaveLength(1)
    const c = changed[0]!
    expect(c.kind === 'changed' && c.heading).toBe('（一）有关建议第1部分')
    if (c.kind !== 'changed') throw new Error('expected a change')
    expect(c.parts.filter((p) => p.op === 'add').map((p) => p.text)).toEqual(['建议进一步细化产出指标，明确时效要求。\n'])
    expect(c.parts.filter((p) => p.op === 'remove')).toHaveLength(1)
    // Applying the diff to the old text gives the new one.
    const rebuilt = c.parts.filter((p) => p.op !== 'remove').map((p) => p.text).join('')
    expect(rebuilt).toBe(`${sectionsOf(after).find((s) => s.heading === c.heading)!.text}\n`)
  })

  it('places removed sections where they stood and lists added ones', () => {
    const changes = diffSections(
      [
        { heading: 'A', text: 'a' },
        { heading: 'B', text: 'b' },
        { heading: 'C', text: 'c' },
      ],
      [
        { heading: 'A', text: 'a' },
        { heading: 'C', text: 'c2' },
        { heading: 'D', text: 'd' },
      ],
    )
    expect(changes.map((c) => `${c.kind}:${c.heading}`)).toEqual(['same:A', 'removed:B', 'changed:C', 'added:D'])
  })
})
