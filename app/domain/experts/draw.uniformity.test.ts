// Every eligible expert of a quota must have the same chance. Fixed seeds keep this deterministic:
// the verdict is the same on every run, and a failure means the algorithm changed, not bad luck.
import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils'
import { describe, expect, it } from 'vitest'
import { runDraw, type DrawSpec } from './draw'
import type { PoolExpert } from './eligibility'
import { poolMember } from './test-pool'

const DRAWS = 3000
/** Chi-square critical value for 9 degrees of freedom at p = 0.001. */
const CRITICAL_9DF_P001 = 27.88

const financeIds = Array.from({ length: 10 }, (_, i) => `F${String(i).padStart(2, '0')}`)
const pool: PoolExpert[] = [
  ...financeIds.map((id) => poolMember(id, ['finance'])),
  // Ineligible finance experts interleaved by id: they must neither be drawn nor shift the odds.
  poolMember('F005', ['finance'], { conflicted: true }),
  poolMember('F015', ['finance'], { status: 'suspended' }),
  poolMember('F095', ['finance'], { drawsThisYear: 5 }),
  ...Array.from({ length: 10 }, (_, i) => poolMember(`G${String(i).padStart(2, '0')}`, ['education'])),
]

const seeds = Array.from({ length: DRAWS }, (_, i) => bytesToHex(sha256(utf8ToBytes(`seed-${i}`))))

function chiSquare(observed: number[], expectedEach: number): number {
  return observed.reduce((sum, o) => sum + (o - expectedEach) ** 2 / expectedEach, 0)
}

function countQuotaPicks(
  spec: DrawSpec,
  positions: (seats: { expertId: string; specialtyCode: string | null }[]) => string[],
): number[] {
  const counts = new Map(financeIds.map((id) => [id, 0]))
  for (const seed of seeds) {
    const r = runDraw(seed, spec, pool)
    if (!r.ok) throw new Error(r.message)
    for (const id of positions(r.record.seats)) {
      if (!counts.has(id)) throw new Error(`drew ${id}, who is not an eligible finance expert`)
      counts.set(id, counts.get(id)! + 1)
    }
  }
  return financeIds.map((id) => counts.get(id)!)
}

const context = { reviewDate: '2026-05-20', creditThreshold: null, maxDrawsPerYear: 3, minCreditGrade: null, creditGradeOrder: [] }

describe('draw uniformity', () => {
  it('the chi-square statistic is computed as defined and flags a steered count', () => {
    expect(chiSquare([10, 10, 10], 10)).toBe(0)
    expect(chiSquare([12, 8, 10], 10)).toBeCloseTo(0.8, 10)
    // One expert favoured by 20% over 600 expected picks: what a steered draw would look like.
    expect(chiSquare([720, ...Array<number>(9).fill(580)], 600)).toBeGreaterThan(CRITICAL_9DF_P001)
  })

  it('a quota of 2 from 10 eligible experts gives each the same chance (chi-square, p = 0.001)', () => {
    const spec: DrawSpec = {
      size: 3,
      reserveCount: 2,
      quotas: [{ specialtyCode: 'finance', count: 2 }],
      context,
    }
    const counts = countQuotaPicks(spec, (seats) =>
      seats.filter((s) => s.specialtyCode === 'finance').map((s) => s.expertId),
    )
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2 * DRAWS)
    expect(chiSquare(counts, (2 * DRAWS) / financeIds.length)).toBeLessThan(CRITICAL_9DF_P001)
  })

  it('the first quota seat alone is uniform too (no expert is favoured for position 1)', () => {
    const spec: DrawSpec = {
      size: 3,
      reserveCount: 0,
      quotas: [{ specialtyCode: 'finance', count: 2 }],
      context,
    }
    const counts = countQuotaPicks(spec, (seats) => [seats[0]!.expertId])
    expect(chiSquare(counts, DRAWS / financeIds.length)).toBeLessThan(CRITICAL_9DF_P001)
  })
})
