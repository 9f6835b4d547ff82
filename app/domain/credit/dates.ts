// Calendar arithmetic on YYYY-MM-DD dates, done in UTC so no time zone or daylight saving shifts a day.
export { isIsoDate } from '../experts/eligibility'

const DAY_MS = 86_400_000

function toUtc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY_MS)
}

/** Same day `months` later; a day the target month lacks becomes its last day (01-31 + 1 month = 02-28). */
export function addMonths(date: string, months: number): string {
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7)) - 1 + months
  const day = Number(date.slice(8, 10))
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return fromUtc(Date.UTC(year, month, Math.min(day, lastDay)))
}

/** Whole days from `from` to `to`, negative when `to` is earlier. */
export function daysFrom(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS)
}
