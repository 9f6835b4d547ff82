import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cleanText } from './text'

describe('cleanText', () => {
  it('trims surrounding whitespace, including full-width spaces', () => {
    expect(cleanText('  杭州市滨江区教育局  ')).toBe('杭州市滨江区教育局')
    expect(cleanText('\u3000项目名称\u3000')).toBe('项目名称')
    expect(cleanText('\n\t')).toBe('')
  })

  it('keeps inner tabs and line breaks, drops other control characters and NUL', () => {
    expect(cleanText('第一行\n第二行\r\n\t缩进')).toBe('第一行\n第二行\r\n\t缩进')
    expect(cleanText('a\u0000b\u0007c\u001Bd\u007Fe\u000Bf\u000Cg')).toBe('abcdefg')
  })

  it('replaces lone surrogates and keeps real surrogate pairs', () => {
    expect(cleanText('a\uD800b')).toBe('a\uFFFDb')
    expect(cleanText('a\uDC00b')).toBe('a\uFFFDb')
    expect(cleanText('x\uD800')).toBe('x\uFFFD')
    expect(cleanText('𠮷野家 😀')).toBe('𠮷野家 😀')
  })

  it('normalizes to NFC', () => {
    expect(cleanText('e\u0301')).toBe('\u00E9')
    expect(cleanText('Å')).toBe('\u00C5')
  })

  it('output is idempotent, valid UTF-8, free of C0 controls except tab/CR/LF, and trimmed (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (input) => {
        const out = cleanText(input)
        expect(cleanText(out)).toBe(out)
        expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out)
        expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/)
        expect(out).toBe(out.trim())
        expect(out).toBe(out.normalize('NFC'))
      }),
      { numRuns: 3000 },
    )
  })

  it('leaves ordinary Chinese text untouched (property)', () => {
    const han = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c))
    fc.assert(
      fc.property(fc.array(han, { minLength: 1, maxLength: 30 }), (chars) => {
        const text = chars.join('')
        expect(cleanText(text)).toBe(text)
      }),
    )
  })
})
