import { expect, test } from 'vitest'
import { formatDateTime } from './datetime'

test('instants are shown in Beijing time, across the date line', () => {
  expect(formatDateTime('2026-11-26T02:48:20.123Z')).toBe('2026-11-26 10:48')
  expect(formatDateTime('2026-12-31T16:00:00.000Z', { seconds: true })).toBe('2027-01-01 00:00:00')
  expect(formatDateTime('not a date')).toBe('not a date')
})
