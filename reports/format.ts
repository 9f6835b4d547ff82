// The one place where a report turns stored integers into text: every template helper, composer
// table and narrative draft formats through these, so a score, a rate, an amount or a date reads the
// same in the score table, the conclusion sentence, the annexes and both file formats. Rounding is
// the project's (docs/decisions/004): half away from zero, once, at the end.
import { formatFenAsWanYuan, formatFenAsYuan, formatPoints, roundHalfUp } from '../app/domain/money'

/** 1250 hundredths -> "12.50". */
export function points(hundredths: number): string {
  return formatPoints(hundredths)
}

/** score / weight as a percentage with two decimals: (850, 1000) -> "85.00%"; a zero weight reads "—". */
export function rate(score: number, weight: number): string {
  if (weight === 0) return '—'
  return `${formatPoints(roundHalfUp((score * 10_000) / weight))}%`
}

/** Integer fen -> "1,286.50" (万元), as the forms speak. */
export function wanYuan(fen: number): string {
  return formatFenAsWanYuan(fen)
}

/** Integer fen -> "1,500.00" (元), for amounts paid per person. */
export function yuan(fen: number): string {
  return formatFenAsYuan(fen)
}

const BEIJING_OFFSET_MS = 8 * 3600 * 1000

/**
 * The calendar date a reader in China sees, as 「2026年11月26日」: an ISO instant is shifted to Beijing
 * time (no daylight saving, so a fixed offset is exact); a plain YYYY-MM-DD is read as it stands.
 */
export function chineseDate(isoOrDate: string): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? isoOrDate : beijingDay(isoOrDate)
  const [y, m, d] = day.split('-')
  return `${y}年${Number(m)}月${Number(d)}日`
}

/** The Beijing calendar day of an ISO instant, YYYY-MM-DD. */
export function beijingDay(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`)
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

/** 「2025年1月1日至2025年12月31日」 */
export function period(start: string, end: string): string {
  return `${chineseDate(start)}至${chineseDate(end)}`
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1..99 in Chinese numerals, as headings count: 一, 十, 十一, 二十, 二十三. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`no Chinese numeral for ${n}`)
  if (n < 10) return DIGITS[n]!
  const tens = Math.floor(n / 10)
  const ones = n % 10
  return `${tens === 1 ? '' : DIGITS[tens]!}十${ones === 0 ? '' : DIGITS[ones]!}`
}

/** ①..⑳ for evaluation points; past twenty, 「(21)」. */
export function circled(n: number): string {
  return n >= 1 && n <= 20 ? String.fromCodePoint(0x2460 + n - 1) : `(${n})`
}

/** 「甲、乙和丙」: a list as a Chinese sentence names it. */
export function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join('、')}和${items[items.length - 1]!}`
}

/** A weight as people write it, without trailing zeros: 1500 -> "15", 1250 -> "12.5", 333 -> "3.33". */
export function weight(hundredths: number): string {
  return formatPoints(hundredths).replace(/\.?0+$/, '')
}

/** A fraction as a plain percentage: 0.8 -> "80%", 0.625 -> "62.5%". */
export function percent(fraction: number): string {
  return `${weight(roundHalfUp(fraction * 10_000))}%`
}

const SENTENCE_END = /[。！？；…」”）)]$/

/** Text as a sentence of its own: a closing 。 is added when it ends without one (reasons are typed freely). */
export function sentence(text: string): string {
  const t = text.trim()
  return t === '' || SENTENCE_END.test(t) ? t : `${t}。`
}

/** Text as a clause inside a sentence (in brackets, before a comma): without its closing punctuation. */
export function clause(text: string): string {
  return text.trim().replace(/[。！？；，、\s]+$/, '')
}
