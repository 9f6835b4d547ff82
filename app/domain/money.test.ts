import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FEN_PER_WAN_YUAN, formatFenAsWanYuan, formatPoints, MAX_FEN, parsePoints, parseWanYuanToFen, roundHalfUp, formatFenAsYuan } from './money'

function fen(input: string): number {
  const r = parseWanYuanToFen(input)
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got ${r.message}`)
  return r.value
}

function refusal(input: string): string {
  const r = parseWanYuanToFen(input)
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${r.value}`)
  return r.message
}

describe('万元 <-> fen', () => {
  it('converts typical amounts exactly', () => {
    expect(fen('0')).toBe(0)
    expect(fen('1')).toBe(1_000_000)
    expect(fen('1234.56')).toBe(1_234_560_000)
    expect(fen('0.000001')).toBe(1) // one fen
    expect(fen('0.01')).toBe(10_000) // 100 元
    expect(fen('0.1')).toBe(100_000)
    expect(fen('007.5')).toBe(7_500_000)
    expect(fen('  12.5 ')).toBe(12_500_000)
  })

  it('accepts ASCII and full-width commas as thousands separators', () => {
    expect(fen('1,234.56')).toBe(1_234_560_000)
    expect(fen('1，234，567.8')).toBe(1_234_567_800_000)
    expect(fen('12,345,678')).toBe(12_345_678 * FEN_PER_WAN_YUAN)
  })

  it('refuses what is not a non-negative decimal of at most six places', () => {
    for (const bad of ['abc', '-1', '-0.5', '+1', '1e5', '1E5', '0x10', '1.0000001', '.5', '5.', '1.2.3', 'NaN', 'Infinity', '１２', '¥100', '100万']) {
      expect(refusal(bad), bad).toMatch(/金额/)
    }
    expect(refusal('')).toBe('请填写金额')
    expect(refusal('  ')).toBe('请填写金额')
    expect(refusal('1.0000001')).toBe('金额最多保留 6 位小数（精确到分）')
  })

  it('refuses huge values, with the limit at exactly 1 万亿元', () => {
    expect(fen('100000000')).toBe(MAX_FEN)
    expect(refusal('100000000.000001')).toBe('金额过大')
    expect(refusal('999999999')).toBe('金额过大')
    expect(refusal('1000000000')).toBe('金额过大')
    expect(refusal('9'.repeat(400))).toBe('金额过大')
    // Leading zeros do not count towards the size limit.
    expect(fen('0000000000000001')).toBe(FEN_PER_WAN_YUAN)
  })

  it('formats fen as 万元 with at least two decimals and thousands separators', () => {
    expect(formatFenAsWanYuan(0)).toBe('0.00')
    expect(formatFenAsWanYuan(1)).toBe('0.000001')
    expect(formatFenAsWanYuan(10_000)).toBe('0.01')
    expect(formatFenAsWanYuan(100_000)).toBe('0.10')
    expect(formatFenAsWanYuan(1_234_560_000)).toBe('1,234.56')
    expect(formatFenAsWanYuan(MAX_FEN)).toBe('100,000,000.00')
    expect(formatFenAsWanYuan(-1_500_000)).toBe('-1.50')
    expect(() => formatFenAsWanYuan(0.5)).toThrow(RangeError)
    expect(() => formatFenAsWanYuan(Number.NaN)).toThrow(RangeError)
  })

  it('round trip: every storable amount formats and parses back to itself (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_FEN }), (value) => {
        expect(fen(formatFenAsWanYuan(value))).toBe(value)
      }),
      { numRuns: 2000 },
    )
  })

  it('round trip: a typed decimal parses to fen that formats to the same number (property)', () => {
    const wanYuan = fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 999_999 }))
    fc.assert(
      fc.property(wanYuan, ([whole, micro]) => {
        const typed = `${whole}.${String(micro).padStart(6, '0')}`
        const value = fen(typed)
        expect(value).toBe(whole * FEN_PER_WAN_YUAN + micro)
        expect(Number(formatFenAsWanYuan(value).replace(/,/g, ''))).toBeCloseTo(Number(typed), 6)
      }),
    )
  })

  it('never throws and never returns a non-integer, whatever is typed (property)', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const r = parseWanYuanToFen(input)
        if (r.ok) expect(Number.isSafeInteger(r.value) && r.value >= 0 && r.value <= MAX_FEN).toBe(true)
        else expect(r.message.length).toBeGreaterThan(0)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('points <-> hundredths', () => {
  it('converts points with up to two decimals', () => {
    const ok = (s: string) => {
      const r = parsePoints(s)
      if (!r.ok) throw new Error(r.message)
      return r.value
    }
    expect(ok('12.5')).toBe(1250)
    expect(ok('0')).toBe(0)
    expect(ok('100')).toBe(10000)
    expect(ok('0.01')).toBe(1)
    expect(ok(' 7.25 ')).toBe(725)
    expect(ok('999999.99')).toBe(99_999_999)
  })

  it('refuses malformed, negative, over-precise and huge points', () => {
    for (const bad of ['', 'abc', '-1', '1e2', '1.234', '.5', '1,5', '1000000', 'NaN']) {
      expect(parsePoints(bad).ok, bad).toBe(false)
    }
    expect(parsePoints('1.234')).toEqual({ ok: false, message: '分值最多保留 2 位小数' })
    expect(parsePoints('1000000')).toEqual({ ok: false, message: '分值过大' })
  })

  it('formats hundredths with exactly two decimals', () => {
    expect(formatPoints(1250)).toBe('12.50')
    expect(formatPoints(1)).toBe('0.01')
    expect(formatPoints(0)).toBe('0.00')
    expect(formatPoints(-5)).toBe('-0.05')
    expect(() => formatPoints(1.5)).toThrow(RangeError)
  })

  it('round trip (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (h) => {
        expect(parsePoints(formatPoints(h))).toEqual({ ok: true, value: h })
      }),
      { numRuns: 2000 },
    )
  })
})

describe('roundHalfUp', () => {
  it('rounds halves away from zero', () => {
    expect(roundHalfUp(0.5)).toBe(1)
    expect(roundHalfUp(1.5)).toBe(2)
    expect(roundHalfUp(2.5)).toBe(3)
    expect(roundHalfUp(-0.5)).toBe(-1)
    expect(roundHalfUp(-2.5)).toBe(-3)
    expect(roundHalfUp(2.4999)).toBe(2)
    expect(roundHalfUp(-2.4999)).toBe(-2)
    expect(roundHalfUp(7)).toBe(7)
  })

  it('absorbs binary representation error just below a half', () => {
    // 1.005 * 1000 is 1004.9999999999999 in binary floating point; the decimal intent is 1005.
    expect(roundHalfUp(1.005 * 1000)).toBe(1005)
    expect(roundHalfUp(0.285 * 100)).toBe(29)
  })

  it('never yields negative zero (it would leak into stored values and JSON comparisons)', () => {
    expect(Object.is(roundHalfUp(-0.4), 0)).toBe(true)
    expect(Object.is(roundHalfUp(-0), 0)).toBe(true)
  })

  it('refuses non-finite input', () => {
    expect(() => roundHalfUp(Number.NaN)).toThrow(RangeError)
    expect(() => roundHalfUp(Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })

  it('is symmetric, an integer, and within a half of its input (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        const r = roundHalfUp(x)
        expect(Number.isInteger(r)).toBe(true)
        expect(Math.abs(r - x)).toBeLessThanOrEqual(0.5 + 1e-6)
        expect(roundHalfUp(-x) + r).toBe(0)
      }),
      { numRuns: 2000 },
    )
  })

  it('matches exact decimal half-up rounding for values given to two places (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (cents) => {
        const expected = Math.sign(cents) * Math.floor((Math.abs(cents) + 50) / 100)
        expect(roundHalfUp(cents / 100)).toBe(expected === 0 ? 0 : expected)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('formatFenAsYuan', () => {
  it('shows yuan with two decimals and thousands separators', () => {
    expect(formatFenAsYuan(150000)).toBe('1,500.00')
    expect(formatFenAsYuan(5)).toBe('0.05')
    expect(formatFenAsYuan(-123456)).toBe('-1,234.56')
    expect(() => formatFenAsYuan(0.5)).toThrow(RangeError)
  })
})
