import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ENTRY_KIND_CODES,
  NEGATIVE_KIND_CODES,
  POSITIVE_KIND_CODES,
  SEVERITY_CODES,
  isPositiveKind,
  type EntryKind,
} from './categories'
import { addDays } from './dates'
import { creditStanding, type CreditEntry } from './evaluate'
import { DEFAULT_POLICY, type CreditPolicy } from './policy'

const FIRST_DAY = '2024-01-01'
const SPAN_DAYS = 4 * 365
const dayArb = fc.integer({ min: 0, max: SPAN_DAYS }).map((n) => addDays(FIRST_DAY, n))

const policyArb: fc.Arbitrary<CreditPolicy> = fc
  .constantFrom<CreditPolicy['decay']>('none', 'linear')
  .map((decay) => ({ ...DEFAULT_POLICY, decay }))

function entryArb(kinds: readonly EntryKind[]): fc.Arbitrary<Omit<CreditEntry, 'id'>> {
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      severity: fc.constantFrom(...SEVERITY_CODES),
      effectiveOn: dayArb,
      expiresOn: fc.option(dayArb, { nil: null, freq: 3 }),
      points: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null, freq: 2 }),
      status: fc.constantFrom<CreditEntry['status']>('active', 'active', 'amended', 'revoked'),
      amendment: fc.record({
        severity: fc.option(fc.constantFrom(...SEVERITY_CODES), { nil: null }),
        points: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
        expiresOn: fc.option(dayArb, { nil: null }),
      }),
      underAppeal: fc.boolean(),
    })
    .map((e) => ({
      ...e,
      severity: isPositiveKind(e.kind) ? null : e.severity,
      amendment: e.status === 'amended' ? e.amendment : null,
    }))
}

/** Ids are unique and unsorted, as rows come from a database. */
const entriesArb = (kinds: readonly EntryKind[], maxLength = 12): fc.Arbitrary<CreditEntry[]> =>
  fc.array(entryArb(kinds), { maxLength }).map((list) => list.map((e, i) => ({ ...e, id: `E${(i * 37) % 101}` })))

describe('creditStanding properties', () => {
  it('never lowers the score when a negative entry is revoked, nor adds an active blacklisting', () => {
    fc.assert(
      fc.property(entriesArb(ENTRY_KIND_CODES), fc.nat(), dayArb, policyArb, (entries, pick, on, policy) => {
        const negatives = entries.filter((e) => !isPositiveKind(e.kind))
        fc.pre(negatives.length > 0)
        const target = negatives[pick % negatives.length]!
        const revoked = entries.map((e) => (e === target ? { ...e, status: 'revoked' as const } : e))
        const before = creditStanding(entries, policy, on)
        const after = creditStanding(revoked, policy, on)
        expect(after.score).toBeGreaterThanOrEqual(before.score)
        if (after.blacklisting?.active) expect(before.blacklisting?.active).toBe(true)
      }),
    )
  })

  it('never lowers the score when a positive entry is added', () => {
    fc.assert(
      fc.property(
        entriesArb(ENTRY_KIND_CODES),
        entryArb(POSITIVE_KIND_CODES),
        dayArb,
        policyArb,
        (entries, positive, on, policy) => {
          const before = creditStanding(entries, policy, on)
          const after = creditStanding([...entries, { ...positive, id: 'P1' }], policy, on)
          expect(after.score).toBeGreaterThanOrEqual(before.score)
        },
      ),
    )
  })

  it('only rises with time for negative-only histories once every entry is in effect', () => {
    fc.assert(
      fc.property(
        entriesArb(NEGATIVE_KIND_CODES),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        policyArb,
        (entries, a, b, policy) => {
          const latest = entries.reduce((max, e) => (e.effectiveOn > max ? e.effectiveOn : max), FIRST_DAY)
          const earlier = addDays(latest, Math.min(a, b))
          const later = addDays(latest, Math.max(a, b))
          expect(creditStanding(entries, policy, later).score).toBeGreaterThanOrEqual(
            creditStanding(entries, policy, earlier).score,
          )
        },
      ),
    )
  })

  it('never has a blacklisting active before the entries that trigger it took effect', () => {
    fc.assert(
      fc.property(entriesArb(NEGATIVE_KIND_CODES, 16), dayArb, (entries, on) => {
        const s = creditStanding(entries, DEFAULT_POLICY, on)
        const dateOf = new Map(entries.map((e) => [e.id, e.effectiveOn]))
        for (const b of s.blacklistings) {
          const dates = b.triggeredBy.map((id) => dateOf.get(id)!)
          expect(dates.every((d) => d <= b.from)).toBe(true)
          expect(dates).toContain(b.from)
          if (b.active) expect(b.from <= on && on <= b.to).toBe(true)
        }
        const earliest = entries.reduce((min, e) => (e.effectiveOn < min ? e.effectiveOn : min), '9999-12-31')
        expect(creditStanding(entries, DEFAULT_POLICY, addDays(earliest, -1)).blacklistings).toEqual([])
      }),
    )
  })

  it('does not depend on the order entries arrive in', () => {
    fc.assert(
      fc.property(entriesArb(ENTRY_KIND_CODES), dayArb, policyArb, (entries, on, policy) => {
        const reversed = [...entries].reverse()
        expect(creditStanding(reversed, policy, on)).toEqual(creditStanding(entries, policy, on))
      }),
    )
  })

  it('keeps the score within bounds and the grade among the policy grades', () => {
    fc.assert(
      fc.property(entriesArb(ENTRY_KIND_CODES, 20), dayArb, policyArb, (entries, on, policy) => {
        const s = creditStanding(entries, policy, on)
        expect(s.score).toBeGreaterThanOrEqual(policy.minScore)
        expect(s.score).toBeLessThanOrEqual(policy.maxScore)
        expect(s.gradeOrder).toContain(s.grade)
        expect(Number.isSafeInteger(s.score)).toBe(true)
      }),
    )
  })
})
