import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DAY_RATES_FEN, isValidDaysHundredths, seatFeeFen } from './fees'
import { TITLE_CODES } from './vocab'

describe('seatFeeFen', () => {
  it('pays the default day rates by title', () => {
    expect(DEFAULT_DAY_RATES_FEN).toEqual({
      senior: 150000,
      associate: 150000,
      intermediate: 90000,
      other: 90000,
    })
    expect(seatFeeFen('senior', 100, DEFAULT_DAY_RATES_FEN)).toBe(150000)
    expect(seatFeeFen('associate', 200, DEFAULT_DAY_RATES_FEN)).toBe(300000)
    expect(seatFeeFen('intermediate', 100, DEFAULT_DAY_RATES_FEN)).toBe(90000)
    expect(seatFeeFen('other', 300, DEFAULT_DAY_RATES_FEN)).toBe(270000)
  })

  it('pays a half day at 60% of the day rate', () => {
    expect(seatFeeFen('senior', 50, DEFAULT_DAY_RATES_FEN)).toBe(90000)
    expect(seatFeeFen('intermediate', 50, DEFAULT_DAY_RATES_FEN)).toBe(54000)
    expect(seatFeeFen('senior', 150, DEFAULT_DAY_RATES_FEN)).toBe(240000)
    expect(seatFeeFen('other', 250, DEFAULT_DAY_RATES_FEN)).toBe(234000)
  })

  it('rounds the half-day fee half up to whole fen', () => {
    const rates = { ...DEFAULT_DAY_RATES_FEN, senior: 1 }
    expect(seatFeeFen('senior', 50, rates)).toBe(1) // 0.6 fen
    expect(seatFeeFen('senior', 50, { ...rates, senior: 3 })).toBe(2) // 1.8 fen
    expect(seatFeeFen('senior', 50, { ...rates, senior: 123457 })).toBe(74074) // 74074.2 fen
  })

  it('pays nothing for zero days', () => {
    expect(seatFeeFen('senior', 0, DEFAULT_DAY_RATES_FEN)).toBe(0)
  })

  it('uses the bureau’s own rates', () => {
    const bureau = { senior: 100000, associate: 80000, intermediate: 60000, other: 50000 }
    expect(TITLE_CODES.map((t) => seatFeeFen(t, 150, bureau))).toEqual([160000, 128000, 96000, 80000])
  })

  it('refuses days that are not whole or half days, and bad rates', () => {
    for (const d of [-50, 25, 75, 101, 0.5, Number.NaN]) {
      expect(isValidDaysHundredths(d)).toBe(false)
      expect(() => seatFeeFen('senior', d, DEFAULT_DAY_RATES_FEN)).toThrow(RangeError)
    }
    expect(() => seatFeeFen('senior', 100, { ...DEFAULT_DAY_RATES_FEN, senior: -1 })).toThrow(RangeError)
    expect(() => seatFeeFen('senior', 100, { ...DEFAULT_DAY_RATES_FEN, senior: 1.5 })).toThrow(RangeError)
  })

  it('is an integer that grows with the days', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TITLE_CODES),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (title, halves, rate) => {
          const rates = { ...DEFAULT_DAY_RATES_FEN, [title]: rate }
          const fee = seatFeeFen(title, halves * 50, rates)
          expect(Number.isSafeInteger(fee)).toBe(true)
          expect(seatFeeFen(title, halves * 50 + 50, rates)).toBeGreaterThanOrEqual(fee)
          if (halves % 2 === 0) expect(fee).toBe((halves / 2) * rate)
        },
      ),
    )
  })
})
