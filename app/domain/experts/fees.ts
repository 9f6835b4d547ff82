// Expert fees (专家咨询费) per seat: a day rate by professional title, times the review days.

import { roundHalfUp } from '../money'
import type { Title } from './vocab'

/**
 * 1,500 元 a day for senior titles, 900 元 for others: the lower bound of the meeting rates in
 * 财科教〔2017〕128号. Each finance bureau sets its own (table fee_rates).
 */
export const DEFAULT_DAY_RATES_FEN: Record<Title, number> = {
  senior: 150000,
  associate: 150000,
  intermediate: 90000,
  other: 90000,
}

/** A half day is paid 60% of the day rate (财科教〔2017〕128号). */
export const HALF_DAY_PERCENT = 60

/** Whether `daysHundredths` counts whole and half days: 50 = half a day, 150 = a day and a half. */
export function isValidDaysHundredths(daysHundredths: number): boolean {
  return Number.isSafeInteger(daysHundredths) && daysHundredths >= 0 && daysHundredths % 50 === 0
}

/** The fee in fen for `daysHundredths` of review at `title`'s day rate; a trailing half day is 60%. */
export function seatFeeFen(title: Title, daysHundredths: number, rates: Record<Title, number>): number {
  if (!isValidDaysHundredths(daysHundredths))
    throw new RangeError('days must be a non-negative multiple of half a day (50 hundredths)')
  const rate = rates[title]
  if (!Number.isSafeInteger(rate) || rate < 0)
    throw new RangeError('a day rate must be a non-negative integer number of fen')
  const wholeDays = Math.floor(daysHundredths / 100)
  const halfDay = daysHundredths % 100 === 50 ? roundHalfUp((rate * HALF_DAY_PERCENT) / 100) : 0
  return wholeDays * rate + halfDay
}
