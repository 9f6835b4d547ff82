import { expect, test } from 'vitest'
import { isId, newId } from './ids.server'

test('ids stay valid, distinct ULIDs across many refills of the random pool', () => {
  // 16 random characters per id and 4,096 bytes per pool: 5,000 ids refill it about twenty times.
  const ids = Array.from({ length: 5000 }, newId)
  expect(ids.every(isId)).toBe(true)
  expect(new Set(ids).size).toBe(ids.length)
  expect(new Set(ids.map((id) => id.slice(10))).size).toBe(ids.length)
})

test('every character of the random part is used (no byte value maps outside the alphabet)', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 2000; i++) for (const c of newId().slice(10)) seen.add(c)
  expect(seen.size).toBe(32)
})
