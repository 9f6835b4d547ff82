import { describe, expect, it } from 'vitest'
import { currentEntries, entriesAsKnownAt, type EntryRecord } from './history'
import { creditStanding } from './evaluate'
import { DEFAULT_POLICY } from './policy'

const fail = (over: Partial<EntryRecord> = {}): EntryRecord => ({
  id: 'e1',
  kind: 'quality_fail',
  severity: 'serious',
  effectiveOn: '2026-03-01',
  expiresOn: null,
  points: null,
  recordedAt: '2026-03-01T02:00:00.000Z',
  appeal: null,
  ...over,
})

describe('entriesAsKnownAt', () => {
  it('leaves out entries recorded after the instant', () => {
    expect(entriesAsKnownAt([fail()], '2026-03-01T01:59:59.999Z')).toEqual([])
    expect(entriesAsKnownAt([fail()], '2026-03-01T02:00:00.000Z')).toHaveLength(1)
  })

  it('counts an entry under appeal as it stands until the decision, then applies the decision', () => {
    const revoked = fail({
      appeal: { filedAt: '2026-03-05T00:00:00.000Z', decidedAt: '2026-03-10T00:00:00.000Z', decision: 'revoked', amendment: null },
    })
    const before = entriesAsKnownAt([revoked], '2026-03-04T00:00:00.000Z')[0]!
    expect(before).toMatchObject({ status: 'active', underAppeal: false })
    const pending = entriesAsKnownAt([revoked], '2026-03-06T00:00:00.000Z')[0]!
    expect(pending).toMatchObject({ status: 'active', underAppeal: true })
    const after = currentEntries([revoked])[0]!
    expect(after).toMatchObject({ status: 'revoked', underAppeal: false })
    // The grade a snapshot showed during the appeal stays recomputable after the revocation.
    expect(creditStanding([pending], DEFAULT_POLICY, '2026-03-06').score).toBe(8_000)
    expect(creditStanding([after], DEFAULT_POLICY, '2026-03-06').score).toBe(10_000)
  })

  it('carries an amendment only once it is decided', () => {
    const amended = fail({
      appeal: {
        filedAt: '2026-03-05T00:00:00.000Z',
        decidedAt: '2026-03-10T00:00:00.000Z',
        decision: 'amended',
        amendment: { severity: 'minor', points: null, expiresOn: null },
      },
    })
    expect(entriesAsKnownAt([amended], '2026-03-09T23:59:59.999Z')[0]!.amendment).toBeNull()
    const now = currentEntries([amended])[0]!
    expect(now).toMatchObject({ status: 'amended', amendment: { severity: 'minor' } })
    expect(creditStanding([now], DEFAULT_POLICY, '2026-03-11').score).toBe(9_700)
  })
})
