// Comparing two versions of a report section by section (初稿 → 征求意见稿 → 定稿): which sections
// were added, removed or changed, and within a changed one, which paragraphs went in and out
// (paragraph by paragraph: a character diff of Chinese prose reads as confetti). Sections are
// the level-1 and level-2 headings with the text under them; tables count as their cells' text.
import { diffLines } from 'diff'
import type { Block, ReportDocument } from '../../../reports/document'

export type Section = { heading: string; text: string }

export type SectionChange =
  | { kind: 'same'; heading: string }
  | { kind: 'added' | 'removed'; heading: string; text: string }
  | { kind: 'changed'; heading: string; parts: { op: 'same' | 'add' | 'remove'; text: string }[] }

function blockText(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return b.runs.map((r) => r.text).join('')
    case 'table':
      return [...b.header, ...b.rows].map((row) => row.map((c) => c.text).join(' | ')).join('\n')
    case 'barChart':
      return [b.caption, ...b.bars.map((bar) => `${bar.label} | ${bar.valueText}`)].join('\n')
    case 'heading':
      return b.text
    case 'pageBreak':
      return ''
  }
}

/** The document as sections under its level-1/2 headings (text before the first heading is 「封面与前言」). */
export function sectionsOf(doc: ReportDocument): Section[] {
  const out: Section[] = [{ heading: '封面', text: [doc.cover.title, doc.cover.subtitle, ...doc.cover.lines.map((l) => `${l.label}：${l.value}`)].join('\n') }]
  for (const block of [...doc.frontMatter.flat(), ...doc.body]) {
    if (block.kind === 'heading' && block.level <= 2) out.push({ heading: block.text, text: '' })
    else {
      const text = blockText(block)
      if (text === '') continue
      const last = out[out.length - 1]!
      last.text = last.text === '' ? text : `${last.text}\n${text}`
    }
  }
  return out
}

/**
 * Section-by-section changes from `before` to `after`, in the order of `after` with removed sections
 * where they stood. Headings match by their text; a renamed heading reads as removed + added.
 */
export function diffSections(before: Section[], after: Section[]): SectionChange[] {
  const old = new Map(before.map((s) => [s.heading, s]))
  const kept = new Set(after.map((s) => s.heading))
  const out: SectionChange[] = []
  let i = 0
  for (const s of after) {
    // Sections of `before` that are gone and stood before this one come first.
    while (i < before.length && !kept.has(before[i]!.heading)) {
      out.push({ kind: 'removed', heading: before[i]!.heading, text: before[i]!.text })
      i += 1
    }
    if (i < before.length && before[i]!.heading === s.heading) i += 1
    const prior = old.get(s.heading)
    if (!prior) out.push({ kind: 'added', heading: s.heading, text: s.text })
    else if (prior.text === s.text) out.push({ kind: 'same', heading: s.heading })
    else out.push({ kind: 'changed', heading: s.heading, parts: diffLines(`${prior.text}\n`, `${s.text}\n`).map((p) => ({ op: p.added ? 'add' : p.removed ? 'remove' : 'same', text: p.value })) })
  }
  for (; i < before.length; i += 1) if (!kept.has(before[i]!.heading)) out.push({ kind: 'removed', heading: before[i]!.heading, text: before[i]!.text })
  return out
}
