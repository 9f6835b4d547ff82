// A composed document as text, for tests that search it: the same sections the version diff
// compares (app/domain/reports/section-diff), so a test reads what a reviewer would.
import { sectionsOf } from '../../app/domain/reports/section-diff'
import type { Block, ReportDocument } from '../document'

/** Every section heading and the text under it, in order, one block per line. */
export function documentText(doc: ReportDocument): string {
  return sectionsOf(doc)
    .flatMap((s) => [s.heading, s.text])
    .join('\n')
}

/** A paragraph's words (its runs joined); other blocks read as empty. */
export function paragraphText(block: Block): string {
  return block.kind === 'paragraph' ? block.runs.map((r) => r.text).join('') : ''
}

/** The body's level-1 headings in order: the outline a reader sees in the table of contents. */
export function level1Headings(doc: ReportDocument): string[] {
  return doc.body.flatMap((b) => (b.kind === 'heading' && b.level === 1 ? [b.text] : []))
}
