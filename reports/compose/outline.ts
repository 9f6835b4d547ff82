// The composer's pen: appends blocks and numbers headings 一、（一）1.（1） as it goes, so no template,
// fixture or renderer ever numbers a heading. Anchors follow the numbering (sec-4-2-1), annexes are
// 附件1, 附件2 … (annex-1), and both are stable for equal input.
import { cell, heading, labelled, pageBreak, paragraph, type Block, type ParagraphBlock, type TableBlock, type TableCell } from '../document'
import { chineseNumber } from '../format'
import { templateBlocks } from './templates'

export class Outline {
  readonly blocks: Block[] = []
  private readonly counters = [0, 0, 0, 0]
  private annexes = 0

  /** A numbered heading: level 1 「一、」, 2 「（一）」, 3 「1.」, 4 「（1）」. */
  heading(level: 1 | 2 | 3 | 4, title: string): this {
    this.counters[level - 1]! += 1
    for (let k = level; k < 4; k += 1) this.counters[k] = 0
    const n = this.counters[level - 1]!
    const number = level === 1 ? `${chineseNumber(n)}、` : level === 2 ? `（${chineseNumber(n)}）` : level === 3 ? `${n}.` : `（${n}）`
    this.blocks.push(heading(level, `${number}${title}`, `sec-${this.counters.slice(0, level).join('-')}`))
    return this
  }

  /** 「附件N：title」 on a new page, as an unnumbered level-1 heading. */
  annex(title: string): this {
    this.annexes += 1
    this.blocks.push(pageBreak, heading(1, `附件${this.annexes}：${title}`, `annex-${this.annexes}`))
    return this
  }

  /** The number the next annex will get, for cross references written before it (「详见附件2」). */
  get annexCount(): number {
    return this.annexes
  }

  push(...blocks: Block[]): this {
    this.blocks.push(...blocks)
    return this
  }

  /** Human-written text: one body paragraph per non-empty line, never parsed for markup. */
  text(text: string, placeholder = ''): this {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
    if (lines.length === 0 && placeholder !== '') this.blocks.push(paragraph(placeholder))
    else this.blocks.push(...lines.map((l) => paragraph(l)))
    return this
  }

  /** Generated text from a template (labelled lines allowed). */
  generated(text: string): this {
    this.blocks.push(...templateBlocks(text))
    return this
  }

  labelled(label: string, text: string): this {
    this.blocks.push(labelled(label, text))
    return this
  }

  paragraph(text: string, style?: ParagraphBlock['style'], align?: ParagraphBlock['align']): this {
    this.blocks.push(paragraph(text, style, align))
    return this
  }

  table(table: Omit<TableBlock, 'kind'>): this {
    this.blocks.push({ kind: 'table', ...table })
    return this
  }

  pageBreak(): this {
    this.blocks.push(pageBreak)
    return this
  }
}

/** A bold, centred header cell. */
export const headerCell = (text: string, more: Omit<TableCell, 'text'> = {}): TableCell => cell(text, { align: 'center', bold: true, ...more })

/** One header row of bold, centred cells. */
export function headerRow(...titles: string[]): TableCell[][] {
  return [titles.map((t) => headerCell(t))]
}
