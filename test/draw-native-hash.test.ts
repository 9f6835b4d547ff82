// The panel service hashes a draw's pool with Node's SHA-256 and the domain's default is a portable
// pure-JavaScript one; records written with either must replay with the other, so the two must give
// the same digest for every text a pool's JSON can hold (CJK names, astral characters, lone
// surrogates, which both encode as U+FFFD).
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { poolHash, portableSha256Hex, replayDraw, runDraw, type DrawSpec } from '../app/domain/experts/draw'
import type { PoolExpert } from '../app/domain/experts/eligibility'
import { nativeSha256Hex } from '../app/services/panel.server'

const expert = (i: number, name: string): PoolExpert => ({
  id: `01HZZZZZZZZZZZZZZZZZZZ${String(i).padStart(4, '0')}`,
  name,
  title: 'senior',
  specialties: ['finance'],
  status: 'active',
  creditScore: null,
  creditGrade: null,
  blacklistedUntil: null,
  unavailable: [],
  drawsThisYear: 0,
  conflicted: false,
})

const spec: DrawSpec = {
  size: 3,
  reserveCount: 1,
  quotas: [],
  context: { reviewDate: '2027-03-15', creditThreshold: null, maxDrawsPerYear: 6, minCreditGrade: null, creditGradeOrder: [] },
}

describe('native and portable SHA-256', () => {
  test('agree on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 70_000, maxLength: 80_000 })), (text) => {
        expect(nativeSha256Hex(text)).toBe(portableSha256Hex(text))
      }),
      { numRuns: 300 },
    )
  })

  test('a draw hashed natively replays with the portable hash, and the other way round', () => {
    const pool = ['张伟', '李娜', '王芳', '刘洋\u{20BB7}', '陈静\uD800'].map((name, i) => expert(i, name))
    const seed = 'ab'.repeat(32)
    const native = runDraw(seed, spec, pool, {}, nativeSha256Hex)
    const portable = runDraw(seed, spec, pool)
    if (!native.ok || !portable.ok) throw new Error('draw failed')
    expect(native.record.poolHash).toBe(portable.record.poolHash)
    expect(native.record.poolHash).toBe(poolHash(pool))
    expect(replayDraw(native.record).matches).toBe(true)
    expect(replayDraw(portable.record, nativeSha256Hex).matches).toBe(true)
    // A changed name is seen by either hash.
    const tampered = { ...native.record, pool: native.record.pool.map((e, i) => (i === 0 ? { ...e, name: '赵六' } : e)) }
    expect(replayDraw(tampered, nativeSha256Hex).matches).toBe(false)
  })
})
