// Money is stored as integer fen (分); forms speak 万元 (1 万元 = 1,000,000 分).
// Scores and weights are stored as integer hundredths of a point.
// Conversions work on decimal strings so no binary floating point ever touches a stored value.

export const FEN_PER_WAN_YUAN = 1_000_000
/** Largest amount a form accepts: 1 万亿元, far above any single engagement's funds. */
export const MAX_FEN = 100_000_000 * FEN_PER_WAN_YUAN

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/** "1234.56" (万元) -> 12345600000 fen. Up to 6 decimals (one fen); commas and spaces are ignored. */
export function parseWanYuanToFen(input: string): Parsed<number> {
  const text = input.replace(/[,，\s]/g, '')
  if (text === '') return { ok: false, message: '请填写金额' }
  const m = DECIMAL.exec(text)
  if (!m) return { ok: false, message: '金额须为不小于 0 的数字，单位万元' }
  const whole = m[1]!
  const frac = m[2] ?? ''
  if (frac.length > 6) return { ok: false, message: '金额最多保留 6 位小数（精确到分）' }
  if (whole.replace(/^0+/, '').length > 9) return { ok: false, message: '金额过大' }
  const fen = Number(whole) * FEN_PER_WAN_YUAN + Number(frac.padEnd(6, '0'))
  if (!Number.isSafeInteger(fen) || fen > MAX_FEN) return { ok: false, message: '金额过大' }
  return { ok: true, value: fen }
}

/** 12345600000 fen -> "1234.56" (万元), trailing zeros trimmed, at least two decimals. */
export function formatFenAsWanYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('fen must be a safe integer')
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const whole = Math.floor(abs / FEN_PER_WAN_YUAN)
  let frac = String(abs % FEN_PER_WAN_YUAN).padStart(6, '0').replace(/0+$/, '')
  if (frac.length < 2) frac = frac.padEnd(2, '0')
  return `${sign}${whole.toLocaleString('en-US')}.${frac}`
}

/** 150000 fen -> "1,500.00" (元), for expert fees and other amounts paid per person. */
export function formatFenAsYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('fen must be a safe integer')
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`
}

/** "12.5" points -> 1250 hundredths. At most two decimals. */
export function parsePoints(input: string): Parsed<number> {
  const text = input.trim()
  const m = DECIMAL.exec(text)
  if (!m) return { ok: false, message: '分值须为不小于 0 的数字' }
  const frac = m[2] ?? ''
  if (frac.length > 2) return { ok: false, message: '分值最多保留 2 位小数' }
  if (m[1]!.replace(/^0+/, '').length > 6) return { ok: false, message: '分值过大' }
  return { ok: true, value: Number(m[1]) * 100 + Number(frac.padEnd(2, '0')) }
}

/** 1250 hundredths -> "12.50". */
export function formatPoints(hundredths: number): string {
  if (!Number.isSafeInteger(hundredths)) throw new RangeError('points must be a safe integer')
  const sign = hundredths < 0 ? '-' : ''
  const abs = Math.abs(hundredths)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/**
 * Round half away from zero to an integer. Used wherever a computed value (a mean, a weighted
 * share) becomes a stored integer; see docs/decisions/004-money-and-scores.md.
 */
export function roundHalfUp(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError('cannot round a non-finite number')
  const r = Math.round(Math.abs(x) + 1e-9)
  // `-r` would be -0 for small negatives; -0 is not a clean integer to store or compare.
  return x < 0 && r !== 0 ? -r : r
}
