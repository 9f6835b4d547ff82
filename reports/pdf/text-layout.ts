// Line breaking for Chinese report text, independent of pdfkit: the renderer needs every line's
// width and count before it draws (exact page breaks, table row heights, TOC pages), and pdfkit's
// own wrapper only breaks at spaces and measures with full OpenType shaping, which is slow for CJK.
// Rules: a CJK character is a break opportunity on both sides; a run of Latin letters, digits and
// ASCII punctuation stays together; closing punctuation never starts a line and opening
// punctuation never ends one (禁则); spaces vanish at line ends; '\n' is a hard break.

/** A run of text in one font; the index of its run is kept so lines can switch fonts. */
export type StyledRun<F> = { text: string; font: F }

/** Advance width of a code point in 1/1000 em for a font. */
export type Advance<F> = (font: F, codePoint: number) => number

export type LineSegment<F> = { text: string; font: F; width: number }

export type Line<F> = {
  segments: LineSegment<F>[]
  width: number
  /** Number of code points on the line: a justified line spreads the slack between them. */
  glyphs: number
  /** Indent applied before the first segment (first line of a paragraph). */
  indent: number
  /** The line ends the paragraph or precedes a hard break: never stretched when justifying. */
  last: boolean
}

export type WrapOptions = {
  width: number
  size: number
  firstIndent?: number
  /** How much wider than `width` a single unbreakable word may be before it is cut (it is squeezed to fit when drawn). */
  overflow?: number
}

const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉”’…—～·%％,.;:!?)]}｝］'])
const NO_LINE_END = new Set([...'（《「『【〔〈“‘([{｛［'])
const SPACE = /[ \t\u3000]/
// Characters that form unbreakable words with their neighbours (Latin, digits, ASCII symbols).
const WORD = /[\p{Script=Latin}\p{Nd}!-/:-@[-`{-~]/u

const IS_SPACE = 1
const IS_WORD = 2
const IS_NO_START = 4
const IS_NO_END = 8
// Classes are looked up once per distinct code point: a report has a few hundred distinct ones.
const classes = new Map<number, number>()
function classOf(ch: string, cp: number): number {
  let c = classes.get(cp)
  if (c === undefined) {
    c = (SPACE.test(ch) ? IS_SPACE : 0) | (WORD.test(ch) ? IS_WORD : 0) | (NO_LINE_START.has(ch) ? IS_NO_START : 0) | (NO_LINE_END.has(ch) ? IS_NO_END : 0)
    classes.set(cp, c)
  }
  return c
}

type Atom = { kind: 'text'; chars: { cp: number; run: number; w: number }[]; width: number; wordTail: boolean; glueNext: boolean } | { kind: 'space'; width: number; run: number } | { kind: 'hard' }

function atomize<F>(runs: readonly StyledRun<F>[], advance: Advance<F>, size: number): Atom[] {
  const atoms: Atom[] = []
  const scale = size / 1000
  runs.forEach((run, r) => {
    for (const ch of run.text) {
      const cp = ch.codePointAt(0) ?? 0
      const prev = atoms[atoms.length - 1]
      if (ch === '\n') {
        atoms.push({ kind: 'hard' })
        continue
      }
      if (ch === '\r') continue
      const c = classOf(ch, cp)
      if (c & IS_SPACE) {
        if (prev?.kind === 'space') continue
        atoms.push({ kind: 'space', width: advance(run.font, 32) * scale, run: r })
        continue
      }
      const w = advance(run.font, cp) * scale
      const isWord = (c & IS_WORD) !== 0
      const glueNext = (c & IS_NO_END) !== 0
      if (prev?.kind === 'text' && (prev.glueNext || c & IS_NO_START || (isWord && prev.wordTail))) {
        prev.chars.push({ cp, run: r, w })
        prev.width += w
        prev.wordTail = isWord
        prev.glueNext = glueNext
      } else {
        atoms.push({ kind: 'text', chars: [{ cp, run: r, w }], width: w, wordTail: isWord, glueNext })
      }
    }
  })
  return atoms
}

type Piece = { cp: number; run: number; w: number }

function toLine<F>(runs: readonly StyledRun<F>[], pieces: Piece[], indent: number, last: boolean): Line<F> {
  const segments: LineSegment<F>[] = []
  let width = 0
  let end = pieces.length
  while (end > 0 && pieces[end - 1]!.cp === 32) end -= 1
  for (const p of pieces.slice(0, end)) {
    const tail = segments[segments.length - 1]
    const font = runs[p.run]!.font
    const text = String.fromCodePoint(p.cp)
    if (tail && tail.font === font) {
      tail.text += text
      tail.width += p.w
    } else {
      segments.push({ text, font, width: p.w })
    }
    width += p.w
  }
  return { segments, width, glyphs: end, indent, last }
}

/**
 * Breaks styled runs into lines no wider than `width` (the first line `firstIndent` narrower).
 * A word longer than a whole line is broken between characters rather than overflowing.
 */
export function wrapRuns<F>(runs: readonly StyledRun<F>[], advance: Advance<F>, options: WrapOptions): Line<F>[] {
  const { width, size } = options
  const firstIndent = options.firstIndent ?? 0
  const atoms = atomize(runs, advance, size)
  const lines: Line<F>[] = []
  const epsilon = 0.01
  let pieces: Piece[] = []
  let used = 0
  let pendingSpace: Piece | null = null
  let indent = firstIndent

  const finish = (last: boolean) => {
    lines.push(toLine(runs, pieces, indent, last))
    pieces = []
    used = 0
    pendingSpace = null
    indent = 0
  }

  for (const atom of atoms) {
    if (atom.kind === 'hard') {
      finish(true)
      continue
    }
    if (atom.kind === 'space') {
      if (pieces.length > 0) pendingSpace = { cp: 32, run: atom.run, w: atom.width }
      continue
    }
    const spaceWidth = pendingSpace?.w ?? 0
    if (used + spaceWidth + atom.width <= width - indent + epsilon) {
      if (pendingSpace) pieces.push(pendingSpace)
      pieces.push(...atom.chars)
      used += spaceWidth + atom.width
      pendingSpace = null
      continue
    }
    const overflow = options.overflow ?? 0
    if (atom.width <= width + overflow + epsilon && (pieces.length > 0 || atom.width <= width - indent + overflow + epsilon)) {
      if (pieces.length > 0) finish(false)
      pieces.push(...atom.chars)
      used = atom.width
      continue
    }
    // Longer than a whole line (a URL, a long number): break between characters, starting here.
    if (pendingSpace) {
      pieces.push(pendingSpace)
      used += pendingSpace.w
      pendingSpace = null
    }
    for (const c of atom.chars) {
      if (pieces.length > 0 && used + c.w > width - indent + epsilon) finish(false)
      pieces.push(c)
      used += c.w
    }
  }
  if (pieces.length > 0 || lines.length === 0 || atoms[atoms.length - 1]?.kind === 'hard') finish(true)
  return lines
}

/**
 * Extra space between glyphs that makes a line fill `width` when justified (0 for last lines or
 * near-empty ones); negative for a word allowed to overflow, which is squeezed whatever the alignment.
 */
export function lineSpacing<F>(line: Line<F>, width: number, size: number, justify: boolean): number {
  if (line.glyphs < 2) return 0
  const spacing = (width - line.indent - line.width) / (line.glyphs - 1)
  if (spacing < -0.001) return spacing
  if (!justify || line.last) return 0
  // A line cut short by an unbreakable word would look torn apart: leave it ragged instead.
  return spacing < size * 0.2 ? spacing : 0
}

/**
 * Like wrapRuns, but as narrow as possible without adding a line: a centred label then breaks
 * evenly (「项目/立项」 rather than 「项目立/项」).
 */
export function wrapBalanced<F>(runs: readonly StyledRun<F>[], advance: Advance<F>, options: WrapOptions): Line<F>[] {
  const lines = wrapRuns(runs, advance, options)
  if (lines.length < 2 || lines.length > 4) return lines
  let best = lines
  let low = lines.reduce((s, l) => s + l.width, 0) / lines.length
  let high = options.width
  for (let i = 0; i < 8 && high - low > 0.5; i += 1) {
    const mid = (low + high) / 2
    const attempt = wrapRuns(runs, advance, { ...options, width: mid, overflow: 0 })
    if (attempt.length <= lines.length) {
      best = attempt
      high = mid
    } else {
      low = mid
    }
  }
  return best
}
