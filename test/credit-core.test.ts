// Credit files in a real SQLite file: entries, appeals and decisions recorded through the service,
// each leaving a snapshot; every snapshot recomputed from the entries as known then must match, and
// the standing now must be the domain's over the current entries (issue 8, policy tests).
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { organizations } from '../db/schema'
import { kindsFor, type Severity } from '../app/domain/credit/categories'
import { creditStanding } from '../app/domain/credit/evaluate'
import { currentEntries } from '../app/domain/credit/history'
import { DEFAULT_POLICY } from '../app/domain/credit/policy'
import { newId } from '../app/ids.server'
import { auditActor, verifyAuditChain } from '../app/models/audit.server'
import {
  appealOf,
  decideAppealRow,
  entryById,
  entryRecords,
  insertAppeal,
  maySeeFile,
  policyInForce,
  recordEntry,
  resolveSubject,
  savePolicyVersion,
  standingOf,
  verifySnapshots,
  visibleSubjects,
} from '../app/services/credit.server'
import { inTransaction } from '../app/services/transaction.server'
import { actorOf } from './helpers/panel-fixture'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

let temp: TempDb
beforeAll(async () => {
  temp = await makeDemoDb(new Date('2026-01-05T00:00:00.000Z'))
})
afterAll(() => temp.cleanup())

function newAgency(name: string): string {
  const id = newId()
  const at = '2026-01-05T00:00:00.000Z'
  temp.db.insert(organizations).values({ id, kind: 'agency', name, createdAt: at, updatedAt: at }).run()
  return id
}

const NEGATIVE = kindsFor('agency').filter((k) => k.direction === 'negative')
const POSITIVE = kindsFor('agency').filter((k) => k.direction === 'positive')
const SEVERITIES: Severity[] = ['minor', 'general', 'serious', 'grave']

type Op =
  | { op: 'entry'; negative: boolean; kindIndex: number; severity: Severity; dayOffset: number }
  | { op: 'appeal'; pick: number }
  | { op: 'decide'; pick: number; decision: 'upheld' | 'amended' | 'revoked'; severity: Severity }

const entryArb: fc.Arbitrary<Op> = fc.record({ op: fc.constant('entry' as const), negative: fc.boolean(), kindIndex: fc.nat(20), severity: fc.constantFrom(...SEVERITIES), dayOffset: fc.integer({ min: -400, max: 30 }) })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  entryArb,
  fc.record({ op: fc.constant('appeal' as const), pick: fc.nat(20) }),
  fc.record({ op: fc.constant('decide' as const), pick: fc.nat(20), decision: fc.constantFrom('upheld' as const, 'amended' as const, 'revoked' as const), severity: fc.constantFrom(...SEVERITIES) }),
)

function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

describe('credit files in the database', () => {
  it('every snapshot recomputes exactly from the entries as known when it was taken', () => {
    const admin = actorOf(temp.db, 'mingjian.admin')
    const reviewer = actorOf(temp.db, 'binjiang.finance')
    let run = 0
    fc.assert(
      // Starting with an entry, so every file has at least one snapshot to check.
      fc.property(entryArb, fc.array(opArb, { maxLength: 14 }), (first, rest) => {
        const ops = [first, ...rest]
        const subject = { type: 'agency' as const, id: newAgency(`信用测试机构${++run}`) }
        let time = Date.parse('2026-03-01T01:00:00.000Z')
        const ids: string[] = []
        for (const o of ops) {
          const at = new Date((time += 3 * 3_600_000))
          const today = at.toISOString().slice(0, 10)
          inTransaction(temp.db, (tx) => {
            if (o.op === 'entry') {
              const list = o.negative ? NEGATIVE : POSITIVE
              const kind = list[o.kindIndex % list.length]!
              const { id } = recordEntry(
                tx,
                {
                  subject,
                  kind: kind.code as never,
                  severity: o.negative ? o.severity : null,
                  points: null,
                  effectiveOn: addDaysIso(today, o.dayOffset),
                  expiresOn: null,
                  description: '测试记录',
                  source: 'bureau',
                  sourceRef: null,
                  issuerOrgId: reviewer.organizationId!,
                  issuedBy: reviewer.userId,
                  bureauId: reviewer.organizationId!,
                  engagementId: null,
                },
                auditActor(reviewer),
                at,
              )
              ids.push(id)
            } else if (ids.length > 0) {
              const entry = entryById(tx, ids[o.pick % ids.length]!)!
              const appeal = appealOf(tx, entry.id)
              if (o.op === 'appeal' && !appeal && entry.severity !== null) insertAppeal(tx, admin, entry, { reason: '申诉理由' }, at)
              if (o.op === 'decide' && appeal?.status === 'pending') {
                const input = o.decision === 'amended' ? { decision: o.decision, reason: '变更', severity: o.severity, points: null, expiresOn: null } : { decision: o.decision, reason: '决定' }
                expect(decideAppealRow(tx, reviewer, entry, appeal, input, at)).not.toBeNull()
              }
            }
          })
        }
        const check = verifySnapshots(temp.db, subject)
        expect(check.mismatches).toEqual([])
        expect(check.checked).toBeGreaterThan(0)
        const policy = policyInForce(temp.db, reviewer.organizationId).policy
        const today = '2026-12-31'
        expect(standingOf(temp.db, subject, reviewer.organizationId, today)).toEqual(creditStanding(currentEntries(entryRecords(temp.db, subject)), policy, today))
      }),
      { numRuns: 40 },
    )
    expect(verifyAuditChain(temp.db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  it('a bureau policy version is kept and names the standing; an unusable one is refused', () => {
    const reviewer = actorOf(temp.db, 'binjiang.finance')
    const bureau = reviewer.organizationId!
    const { id: _id, version: _version, ...draft } = DEFAULT_POLICY
    const bad = inTransaction(temp.db, (tx) => savePolicyVersion(tx, reviewer, bureau, { ...draft, baseScore: 200_000 }, new Date('2026-04-01T00:00:00Z')))
    expect(bad).toMatchObject({ ok: false })
    const saved = inTransaction(temp.db, (tx) => savePolicyVersion(tx, reviewer, bureau, { ...draft, name: '滨江区信用政策', baseScore: 9_500 }, new Date('2026-04-01T00:00:00Z')))
    expect(saved).toMatchObject({ ok: true, policy: { id: bureau, version: 1, baseScore: 9_500 } })
    const agency = { type: 'agency' as const, id: newAgency('政策测试机构') }
    const s = standingOf(temp.db, agency, bureau, '2026-04-02')
    expect(s).toMatchObject({ score: 9_500, grade: 'A', policy: { id: bureau, version: 1, name: '滨江区信用政策' } })
    expect(standingOf(temp.db, agency, null, '2026-04-02').policy).toMatchObject({ id: 'default', version: 1 })
  })

  it('scopes files: an expert sees only their own, a bureau only those that worked for it', () => {
    const expert = actorOf(temp.db, 'expert.zhang')
    const own = visibleSubjects(temp.db, expert)
    expect(own).toHaveLength(1)
    expect(own[0]!.type).toBe('expert')
    const other = resolveSubject(temp.db, newAgency('无关机构'))!
    expect(maySeeFile(temp.db, expert, other)).toBe(false)
    const reviewerY = actorOf(temp.db, 'xihu.finance')
    expect(maySeeFile(temp.db, reviewerY, other)).toBe(false)
    expect(visibleSubjects(temp.db, reviewerY, 'agency').some((s) => s.id === other.id)).toBe(false)
    const admin = actorOf(temp.db, 'mingjian.admin')
    const mine = resolveSubject(temp.db, admin.organizationId!)!
    expect(mine.type).toBe('agency')
    expect(maySeeFile(temp.db, admin, mine)).toBe(true)
    expect(maySeeFile(temp.db, actorOf(temp.db, 'hengping.admin'), mine)).toBe(false)
  })
})
