// Contact details and date ranges of the expert pool: the checks, and the Chinese message that
// tells the person typing what to change. Blank input is no problem here; whether a field is
// required is the form's business.
import { z } from 'zod'

const MOBILE = /^1[3-9]\d{9}$/
// Area code (3–4 digits starting with 0), optional hyphen, 7–8 digit number, optional extension
// written -8001, 转8001 or #8001.
const LANDLINE = /^0\d{2,3}-?[1-9]\d{6,7}(?:(?:-|转|#)\d{1,6})?$/
const EMAIL_MAX = 254
const email = z.string().email()

/** A mainland mobile number: 11 digits, 1 then 3–9. */
export function isValidMobile(s: string): boolean {
  return MOBILE.test(s)
}

/** A landline with its area code: 0571-87654321, 057187654321, 010-12345678-123. */
export function isValidLandline(s: string): boolean {
  return LANDLINE.test(s)
}

export function phoneProblem(raw: string): string | null {
  const s = raw.trim()
  if (s === '' || isValidMobile(s) || isValidLandline(s)) return null
  if (/^1\d*$/.test(s)) {
    if (s.length !== 11) return `手机号应为 11 位数字（现为 ${s.length} 位）`
    return '手机号第二位应为 3–9'
  }
  if (/^0[\d-]*$/.test(s)) return '座机号码应为区号加 7–8 位号码，如 0571-87654321'
  if (/^[1-9]\d{6,7}$/.test(s)) return '座机号码须带区号，如 0571-87654321'
  return '电话格式不正确：手机号为 11 位数字（如 13812345678），座机须带区号（如 0571-87654321）'
}

export function emailProblem(raw: string): string | null {
  const s = raw.trim()
  if (s === '') return null
  if (s.length > EMAIL_MAX) return `邮箱地址不能超过 ${EMAIL_MAX} 个字符`
  return email.safeParse(s).success ? null : '邮箱格式不正确，如 name@example.com'
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** A calendar date "YYYY-MM-DD" that exists (no 02-30, no month 13). */
export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false
  const [y, m, d] = s.split('-').map(Number) as [number, number, number]
  if (m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
  return d <= days
}

/**
 * A period from `from` to `to` (inclusive). `to` blank or null means open-ended (still employed).
 * ISO dates compare correctly as text.
 */
export function dateRangeProblem(from: string, to: string | null): string | null {
  if (!isIsoDate(from)) return '起始日期格式应为 年-月-日，如 2024-03-01'
  if (to === null || to === '') return null
  if (!isIsoDate(to)) return '截止日期格式应为 年-月-日，如 2024-03-31'
  return to < from ? `截止日期 ${to} 早于起始日期 ${from}` : null
}
