import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { dateRangeProblem, emailProblem, isIsoDate, isValidLandline, isValidMobile, phoneProblem } from './contact'

describe('phone numbers', () => {
  test.each(['13812345678', '19900001111', '15057112345'])('mobile %s is valid', (s) => {
    expect(isValidMobile(s)).toBe(true)
    expect(phoneProblem(s)).toBeNull()
  })

  test.each(['0571-87654321', '057187654321', '010-12345678', '0571-8765432', '0571-87654321-8001', '0571-87654321转123', '021-66668888#12'])(
    'landline %s is valid',
    (s) => {
      expect(isValidLandline(s)).toBe(true)
      expect(phoneProblem(s)).toBeNull()
    },
  )

  test('surrounding blanks are forgiven, blank is no problem', () => {
    expect(phoneProblem('  13812345678 ')).toBeNull()
    expect(phoneProblem('')).toBeNull()
    expect(phoneProblem('   ')).toBeNull()
  })

  test('each mistake gets a message that says what to change', () => {
    expect(phoneProblem('1381234567')).toBe('手机号应为 11 位数字（现为 10 位）')
    expect(phoneProblem('138123456789')).toBe('手机号应为 11 位数字（现为 12 位）')
    expect(phoneProblem('12812345678')).toBe('手机号第二位应为 3–9')
    expect(phoneProblem('0571-876')).toMatch(/区号加 7–8 位号码/)
    expect(phoneProblem('87654321')).toMatch(/须带区号/)
    expect(phoneProblem('57187654321')).toMatch(/电话格式不正确/)
    expect(phoneProblem('abc')).toMatch(/电话格式不正确/)
    expect(phoneProblem('+86 138 1234 5678')).not.toBeNull()
  })

  test('mobile and landline rules never both accept a string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9#转-]{0,20}$/), (s) => {
        expect(isValidMobile(s) && isValidLandline(s)).toBe(false)
        expect(phoneProblem(s) === null).toBe(s === '' || isValidMobile(s) || isValidLandline(s))
      }),
    )
  })
})

describe('email', () => {
  test.each(['zhang@example.com', 'li.wei+pool@zju.example.edu.cn'])('%s is valid', (s) => expect(emailProblem(s)).toBeNull())
  test.each(['zhang', 'zhang@', '@example.com', 'zhang@@example.com', 'a b@example.com'])('%s is refused', (s) =>
    expect(emailProblem(s)).toBe('邮箱格式不正确，如 name@example.com'),
  )
  test('blank is no problem; an absurd length is refused by its length', () => {
    expect(emailProblem('')).toBeNull()
    expect(emailProblem(`${'a'.repeat(250)}@example.com`)).toBe('邮箱地址不能超过 254 个字符')
  })
})

describe('dates and ranges', () => {
  test('real calendar dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true)
    expect(isIsoDate('2023-02-29')).toBe(false)
    expect(isIsoDate('2000-02-29')).toBe(true)
    expect(isIsoDate('1900-02-29')).toBe(false)
    expect(isIsoDate('2026-13-01')).toBe(false)
    expect(isIsoDate('2026-04-31')).toBe(false)
    expect(isIsoDate('2026-1-01')).toBe(false)
    expect(isIsoDate('2026-01-00')).toBe(false)
  })

  test('agrees with the JavaScript calendar on every day of four years', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 366 + 40 }), fc.integer({ min: 1999, max: 2101 }), (offset, year) => {
        const s = new Date(Date.UTC(year, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10)
        expect(isIsoDate(s)).toBe(true)
      }),
    )
  })

  test('range order, open end, and formats', () => {
    expect(dateRangeProblem('2020-01-01', '2020-01-01')).toBeNull()
    expect(dateRangeProblem('2020-01-01', '2023-12-31')).toBeNull()
    expect(dateRangeProblem('2020-01-01', null)).toBeNull()
    expect(dateRangeProblem('2020-01-01', '')).toBeNull()
    expect(dateRangeProblem('2020-01-02', '2020-01-01')).toBe('截止日期 2020-01-01 早于起始日期 2020-01-02')
    expect(dateRangeProblem('2020/01/01', null)).toMatch(/起始日期格式/)
    expect(dateRangeProblem('2020-01-01', '2020-02-30')).toMatch(/截止日期格式/)
  })
})
