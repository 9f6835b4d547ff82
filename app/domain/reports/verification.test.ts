import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CODE_ALPHABET, codeFromBytes, normalizeCode } from './verification'

describe('verification codes', () => {
  it('are 4+4 characters of the unambiguous alphabet, and survive being retyped', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const code = codeFromBytes(bytes)
        if (code === null) return
        expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$/)
        expect(normalizeCode(code.toLowerCase().replace('-', ' '))).toBe(code)
      }),
    )
  })

  it('never use 0, O, 1, I, L or U', () => {
    for (const ch of '0O1ILU') expect(CODE_ALPHABET).not.toContain(ch)
  })

  it('skip bytes that would bias the alphabet', () => {
    expect(codeFromBytes(new Uint8Array([255, 254, 0, 1, 2, 3, 4, 5, 6, 7]))).toBe('2345-6789')
    expect(codeFromBytes(new Uint8Array([240, 241]))).toBeNull()
  })

  it('refuse what cannot be a code', () => {
    expect(normalizeCode('ABCD-234')).toBeNull()
    expect(normalizeCode('ABCD-2O45')).toBeNull()
    expect(normalizeCode('ａｂｃｄ－２３４５')).toBe('ABCD-2345')
  })
})
