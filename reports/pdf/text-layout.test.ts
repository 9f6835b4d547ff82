import { describe, expect, it } from 'vitest'
import { lineSpacing, wrapBalanced, wrapRuns, type Advance } from './text-layout'

// Size 10: a CJK character is 10 pt wide, a Latin character or digit 5 pt, a space 2.5 pt;
// the bold font is 20 % wider so mixed runs show up in the widths.
type F = 'r' | 'b'
const advance: Advance<F> = (font, cp) => (cp === 32 ? 250 : cp < 0x2e80 ? 500 : 1000) * (font === 'b' ? 1.2 : 1)
const wrap = (text: string, width: number, more: { firstIndent?: number; overflow?: number } = {}) => wrapRuns([{ text, font: 'r' as F }], advance, { width, size: 10, ...more })
const texts = (lines: ReturnType<typeof wrap>) => lines.map((l) => l.segments.map((s) => s.text).join(''))

describe('wrapRuns', () => {
  it('fills lines character by character in Chinese, the first line indented', () => {
    const lines = wrap('一二三四五六七八九十甲乙', 50, { firstIndent: 20 })
    expect(texts(lines)).toEqual(['一二三', '四五六七八', '九十甲乙'])
    expect(lines.map((l) => [l.indent, l.width, l.last])).toEqual([[20, 30, false], [0, 50, false], [0, 40, true]])
  })

  it('never starts a line with closing punctuation nor ends one with opening punctuation', () => {
    expect(texts(wrap('一二三四，五六', 40))).toEqual(['一二三', '四，五六'])
    expect(texts(wrap('一二三（四五）', 40))).toEqual(['一二三', '（四五）'])
    expect(texts(wrap('一二三四。」五', 40))).toEqual(['一二三', '四。」五'])
  })

  it('keeps Latin words and numbers whole and drops spaces at line ends', () => {
    expect(texts(wrap('得分 12.50 分 abc def', 40))).toEqual(['得分', '12.50 分', 'abc def'])
    const lines = wrap('ab cd', 10)
    expect(texts(lines)).toEqual(['ab', 'cd'])
    expect(lines[0]!.width).toBe(10)
  })

  it('breaks a word longer than a line between characters, starting on the current line', () => {
    expect(texts(wrap('网址 abcdefghijkl', 30))).toEqual(['网址 a', 'bcdefg', 'hijkl'])
  })

  it('lets a single word overflow by the allowance instead of cutting it', () => {
    expect(texts(wrap('100.0%', 27, { overflow: 4 }))).toEqual(['100.0%'])
    expect(texts(wrap('100.0%', 27))).toEqual(['100.0', '%'])
  })

  it('honours hard breaks, including empty lines, and gives an empty paragraph one line', () => {
    const lines = wrap('一\n\n二', 100)
    expect(texts(lines)).toEqual(['一', '', '二'])
    expect(lines.every((l) => l.last)).toBe(true)
    expect(texts(wrap('', 100))).toEqual([''])
  })

  it('switches fonts inside a line and measures each run in its own font', () => {
    const lines = wrapRuns<F>([{ text: '结论：', font: 'b' }, { text: '良好', font: 'r' }], advance, { width: 100, size: 10 })
    expect(lines[0]!.segments).toEqual([{ text: '结论：', font: 'b', width: 36 }, { text: '良好', font: 'r', width: 20 }])
  })
})

describe('lineSpacing', () => {
  it('spreads the slack of a justified line between its glyphs, but not on a last line', () => {
    const [first, last] = wrap('一二三四五六，七', 55)
    expect(texts([first!, last!])).toEqual(['一二三四五', '六，七'])
    expect(lineSpacing(first!, 55, 10, true)).toBeCloseTo(1.25)
    expect(lineSpacing(first!, 55, 10, false)).toBe(0)
    expect(lineSpacing(last!, 55, 10, true)).toBe(0)
  })

  it('squeezes an overflowing word whatever the alignment', () => {
    const [line] = wrap('100.0%', 27, { overflow: 4 })
    expect(lineSpacing(line!, 27, 10, false)).toBeCloseTo(-0.6)
  })

  it('leaves a line with a huge gap ragged rather than torn apart', () => {
    const [line] = wrap('一二 abcdefgh', 45)
    expect(texts([line!])).toEqual(['一二'])
    expect(lineSpacing(line!, 45, 10, true)).toBe(0)
  })
})

describe('wrapBalanced', () => {
  it('breaks a centred label evenly without adding lines', () => {
    expect(texts(wrapRuns([{ text: '项目立项', font: 'r' as F }], advance, { width: 30, size: 10 }))).toEqual(['项目立', '项'])
    expect(texts(wrapBalanced([{ text: '项目立项', font: 'r' as F }], advance, { width: 30, size: 10 }))).toEqual(['项目', '立项'])
    expect(texts(wrapBalanced([{ text: '一二三', font: 'r' as F }], advance, { width: 30, size: 10 }))).toEqual(['一二三'])
  })
})
