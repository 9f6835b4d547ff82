import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { poolHash, randomSeedHex, replayDraw, runDraw, type DrawRecord, type DrawSpec } from './draw'
import { exclusionReasons, type PoolExpert } from './eligibility'
import { poolMember } from './test-pool'

const SPECIALTIES = ['finance', 'education', 'law', 'it'] as const
const REVIEW_DATE = '2026-05-20'
const GRADES = ['A', 'B', 'C', 'D']

const seedHex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(randomSeedHex)

const dateNear = fc.integer({ min: 10, max: 30 }).map((d) => `2026-05-${d}`)

/** `arb` one time in five, else `usual`. */
function rarely<T, U>(arb: fc.Arbitrary<T>, usual: U): fc.Arbitrary<T | U> {
  return fc.oneof({ arbitrary: fc.constant(usual), weight: 4 }, { arbitrary: arb, weight: 1 })
}

/** Experts with every exclusion reason mixed in, each rare enough that most pools can still draw. */
const expertArb: fc.Arbitrary<Omit<PoolExpert, 'id' | 'name'>> = fc.record({
  title: fc.constantFrom('senior', 'associate', 'intermediate', 'other'),
  specialties: fc.subarray([...SPECIALTIES], { minLength: 1 }),
  status: fc.constantFrom('active', 'active', 'active', 'active', 'active', 'active', 'suspended', 'retired'),
  creditScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null, freq: 2 }),
  blacklistedUntil: rarely(dateNear, null),
  creditGrade: fc.option(fc.constantFrom(...GRADES), { nil: null, freq: 2 }),
  unavailable: rarely(
    fc.tuple(dateNear, dateNear).map(([a, b]) => [a <= b ? { from: a, to: b } : { from: b, to: a }]),
    [],
  ),
  drawsThisYear: fc.integer({ min: 0, max: 4 }),
  conflicted: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
})

/** Ids are spread (not 0, 1, 2…) and the array unsorted, as rows come from a database. */
const poolArb = (max: number): fc.Arbitrary<PoolExpert[]> =>
  fc.array(expertArb, { maxLength: max, size: 'max' }).map((bodies) =>
    bodies.map((body, i) => {
      const id = `X${String((i * 7919) % 10007).padStart(5, '0')}`
      return { id, name: `专家${id}`, ...body }
    }),
  )

const specArb: fc.Arbitrary<DrawSpec> = fc
  .record({
    size: fc.integer({ min: 1, max: 7 }).map((n) => 2 * n + 1),
    reserveCount: fc.integer({ min: 0, max: 10 }),
    quotaSpecialties: fc.shuffledSubarray([...SPECIALTIES]),
    counts: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 4, maxLength: 4 }),
    creditThreshold: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    maxDrawsPerYear: fc.integer({ min: 2, max: 6 }),
    minCreditGrade: fc.option(fc.constantFrom('B', 'C', 'D'), { nil: null }),
  })
  .map(({ size, reserveCount, quotaSpecialties, counts, creditThreshold, maxDrawsPerYear, minCreditGrade }) => {
    let room = size
    const quotas = []
    for (const [i, specialtyCode] of quotaSpecialties.entries()) {
      const count = Math.min(counts[i]!, room)
      if (count < 1) break
      quotas.push({ specialtyCode, count })
      room -= count
    }
    return {
      size,
      reserveCount,
      quotas,
      context: { reviewDate: REVIEW_DATE, creditThreshold, maxDrawsPerYear, minCreditGrade, creditGradeOrder: GRADES },
    }
  })

/** A random draw over a random pool; about half of them succeed, the rest run short of experts. */
const drawOutcome = fc
  .tuple(seedHex, specArb, poolArb(80))
  .map(([seed, spec, pool]) => ({ seed, spec, pool, result: runDraw(seed, spec, pool) }))

const successfulDraw = drawOutcome
  .chain((o) => (o.result.ok ? fc.constant({ ...o, record: o.result.record }) : fc.constant(null)))
  .filter((o) => o !== null)

function ids(record: DrawRecord): string[] {
  return [...record.seats, ...record.reserves].map((s) => s.expertId)
}

describe('runDraw properties', () => {
  it('never draws an excluded expert, nor anyone twice; quotas get their specialty; seats come in order', () => {
    let succeeded = 0
    let withReserveShortage = 0
    fc.assert(
      fc.property(drawOutcome, ({ spec, pool, result }) => {
        if (!result.ok) {
          expect(result.message).toMatch(/可抽取专家不足/)
          return
        }
        const record = result.record
        succeeded += 1
        if (record.reserves.length < spec.reserveCount) withReserveShortage += 1
        const byId = new Map(pool.map((e) => [e.id, e]))
        const excluded = new Set(record.excluded.map((x) => x.expertId))
        for (const id of ids(record)) {
          expect(excluded.has(id)).toBe(false)
          expect(exclusionReasons(byId.get(id)!, spec.context)).toEqual([])
        }
        expect(new Set(ids(record)).size).toBe(ids(record).length)
        for (const x of record.excluded)
          expect(x.reasons).toEqual(exclusionReasons(byId.get(x.expertId)!, spec.context))
        expect(
          record.excluded.length + pool.filter((e) => exclusionReasons(e, spec.context).length === 0).length,
        ).toBe(pool.length)

        expect(record.seats).toHaveLength(spec.size)
        const expectedCodes = [
          ...spec.quotas.flatMap((q) => Array<string | null>(q.count).fill(q.specialtyCode)),
        ]
        while (expectedCodes.length < spec.size) expectedCodes.push(null)
        expect(record.seats.map((s) => s.specialtyCode)).toEqual(expectedCodes)
        for (const s of [...record.seats, ...record.reserves]) {
          if (s.specialtyCode !== null) expect(byId.get(s.expertId)!.specialties).toContain(s.specialtyCode)
        }
        expect(record.seats.map((s) => s.position)).toEqual(record.seats.map((_, i) => i + 1))
        expect(record.reserves.map((s) => s.position)).toEqual(record.reserves.map((_, i) => i + 1))
        expect(record.reserves.length).toBeLessThanOrEqual(spec.reserveCount)
        const eligibleLeft = pool.length - record.excluded.length - spec.size
        expect(record.reserves.length).toBe(Math.min(spec.reserveCount, eligibleLeft))
        expect(record.warnings.some((w) => w.startsWith('候补专家不足'))).toBe(
          record.reserves.length < spec.reserveCount,
        )
      }),
      { numRuns: 3000 },
    )
    // The generators must reach every outcome often enough for the property to mean something.
    expect(succeeded).toBeGreaterThan(1000)
    expect(withReserveShortage).toBeGreaterThan(200)
  })

  it('never draws a blacklisted, below-threshold or below-grade expert, as a seat or a reserve', () => {
    // Credit offenders who are otherwise the best candidates (active, every specialty, never drawn),
    // added to every pool, so that only the credit rules can keep them out.
    const lastDay = fc.constantFrom(REVIEW_DATE, '2026-05-21', '2027-05-19', '2029-05-19')
    const withOffenders = fc
      .tuple(seedHex, specArb, poolArb(60), fc.integer({ min: 1, max: 3 }), lastDay)
      .map(([seed, spec, pool, n, until]) => {
        const { creditThreshold, minCreditGrade } = spec.context
        const below = minCreditGrade === null ? undefined : GRADES[GRADES.indexOf(minCreditGrade) + 1]
        const offenders: PoolExpert[] = []
        for (let k = 0; k < n; k++) {
          const as = (tag: string, o: Partial<PoolExpert>) =>
            offenders.push(poolMember(`Y${tag}${k}`, [...SPECIALTIES], { creditScore: 100, creditGrade: 'A', ...o }))
          as('B', { blacklistedUntil: until, creditGrade: k === 0 ? 'A' : 'D' })
          if (creditThreshold !== null && creditThreshold > 0) as('S', { creditScore: creditThreshold - 1 })
          if (below !== undefined) as('G', { creditGrade: below })
        }
        return { seed, spec, pool: [...offenders, ...pool], offenders }
      })
    let succeeded = 0
    fc.assert(
      fc.property(withOffenders, ({ seed, spec, pool, offenders }) => {
        const result = runDraw(seed, spec, pool)
        if (!result.ok) return
        succeeded += 1
        const { reviewDate, creditThreshold, minCreditGrade, creditGradeOrder } = spec.context
        const byId = new Map(pool.map((e) => [e.id, e]))
        for (const id of ids(result.record)) {
          const e = byId.get(id)!
          expect(e.blacklistedUntil === null || e.blacklistedUntil < reviewDate).toBe(true)
          if (creditThreshold !== null && e.creditScore !== null)
            expect(e.creditScore).toBeGreaterThanOrEqual(creditThreshold)
          if (minCreditGrade !== null && e.creditGrade !== null)
            expect(creditGradeOrder.indexOf(e.creditGrade)).toBeLessThanOrEqual(creditGradeOrder.indexOf(minCreditGrade))
        }
        const excluded = new Map(result.record.excluded.map((x) => [x.expertId, x.reasons]))
        for (const o of offenders) {
          const reasons = excluded.get(o.id)
          expect(reasons).toBeDefined()
          if (o.id.startsWith('YB')) expect(reasons).toContain('blacklisted')
          if (o.id.startsWith('YS')) expect(reasons).toEqual(['low_credit'])
          if (o.id.startsWith('YG')) expect(reasons).toEqual(['low_grade'])
        }
      }),
      { numRuns: 2000 },
    )
    expect(succeeded).toBeGreaterThan(600)
  })

  it('draws successfully whenever every quota and the open seats have enough candidates outright', () => {
    const healthy = fc
      .uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 15, maxLength: 60 })
      .chain((ns) =>
        fc.tuple(
          ...ns.map((n) =>
            fc
              .constantFrom(...SPECIALTIES)
              .map((code) => poolMember(`H${String(n).padStart(4, '0')}`, [code])),
          ),
        ),
      )
    fc.assert(
      fc.property(seedHex, specArb, healthy, poolArb(30), (seed, spec, good, mixed) => {
        const pool = [...good, ...mixed]
        // Single-specialty experts cannot be wanted by two quotas, so these counts suffice.
        const single = (code: string) =>
          good.filter((e) => e.specialties[0] === code && exclusionReasons(e, spec.context).length === 0)
            .length
        fc.pre(spec.quotas.every((q) => single(q.specialtyCode) >= q.count))
        expect(runDraw(seed, spec, pool).ok).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('replays any recorded draw exactly, and the same seed gives the same record', () => {
    fc.assert(
      fc.property(successfulDraw, ({ seed, spec, pool, result, record }) => {
        expect(runDraw(seed, spec, [...pool].reverse())).toEqual(result)
        expect(replayDraw(record)).toEqual({ matches: true, differences: [] })
        expect(replayDraw(JSON.parse(JSON.stringify(record)) as DrawRecord).matches).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('does not replay a record with a changed seat or pool entry', () => {
    fc.assert(
      fc.property(successfulDraw, fc.nat(), fc.nat(), ({ record }, a, b) => {
        const chosen = new Set(ids(record))
        const outsider = record.pool.find((e) => !chosen.has(e.id))
        const i = a % record.seats.length
        if (outsider) {
          const swapped = record.seats.map((s, k) => (k === i ? { ...s, expertId: outsider.id } : s))
          expect(replayDraw({ ...record, seats: swapped }).matches).toBe(false)
        }
        const j = b % record.pool.length
        const edited = record.pool.map((e, k) => (k === j ? { ...e, drawsThisYear: e.drawsThisYear + 1 } : e))
        expect(replayDraw({ ...record, pool: edited }).matches).toBe(false)
        // Even with the hash recomputed to fit, giving a drawn expert a conflict is caught.
        const seated = record.seats[i]!.expertId
        const conflicted = record.pool.map((e) => (e.id === seated ? { ...e, conflicted: true } : e))
        expect(replayDraw({ ...record, pool: conflicted, poolHash: poolHash(conflicted) }).matches).toBe(
          false,
        )
      }),
      { numRuns: 1000 },
    )
  })

  it('does not replay a record with a changed seed', () => {
    // A pool large enough that two seeds giving the same ordered panel is practically impossible.
    const pool = Array.from({ length: 60 }, (_, n) =>
      poolMember(`E${String(n).padStart(3, '0')}`, [SPECIALTIES[n % 4]!]),
    )
    const spec: DrawSpec = {
      size: 5,
      reserveCount: 2,
      quotas: [{ specialtyCode: 'finance', count: 1 }],
      context: { reviewDate: REVIEW_DATE, creditThreshold: null, maxDrawsPerYear: 3, minCreditGrade: null, creditGradeOrder: [] },
    }
    fc.assert(
      fc.property(seedHex, fc.integer({ min: 0, max: 255 }), (seed, bit) => {
        const r = runDraw(seed, spec, pool)
        if (!r.ok) throw new Error(r.message)
        const bytes = seed.match(/../g)!.map((h) => parseInt(h, 16))
        bytes[bit >> 3]! ^= 1 << (bit & 7)
        const otherSeed = bytes.map((x) => x.toString(16).padStart(2, '0')).join('')
        expect(replayDraw({ ...r.record, seedHex: otherSeed }).matches).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })
})
