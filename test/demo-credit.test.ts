// The demo's credit files: each seeded entry is in its subject's file with a snapshot and an audit
// row, the grades read as the demo intends (a commended agency A, agency B a little lower, one
// blacklisted expert excluded from draws, one commended expert).
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { auditLog, experts } from '../db/schema'
import { DEMO_BLACKLISTED_EXPERT, DEMO_COMMENDED_EXPERT } from '../db/seed/demo-credit'
import { eligibleForDraw } from '../app/domain/credit/evaluate'
import { beijingDate } from '../app/domain/finance/rectification'
import { standingOf, verifySnapshots, type SubjectRef } from '../app/services/credit.server'
import { demoDatabase } from './helpers/demo-db'

const T0 = new Date('2026-03-10T02:00:00.000Z')
const demo = demoDatabase(T0)
const today = beijingDate(T0)

const expert = (name: string): SubjectRef => ({ type: 'expert', id: demo.db().select().from(experts).where(eq(experts.name, name)).get()!.id })

describe('demo credit files', () => {
  test('grades under bureau X’s policy as the demo intends', () => {
    const { orgs } = demo.ids()
    const a = standingOf(demo.db(), { type: 'agency', id: orgs.agencyA }, orgs.bureauX, today)
    expect([a.score, a.grade]).toEqual([10_500, 'A'])
    const b = standingOf(demo.db(), { type: 'agency', id: orgs.agencyB }, orgs.bureauX, today)
    expect([b.score, b.grade]).toEqual([9_700, 'A'])
    const leaked = standingOf(demo.db(), expert(DEMO_BLACKLISTED_EXPERT), orgs.bureauX, today)
    expect(leaked.grade).toBe('D')
    expect(leaked.blacklisting?.active).toBe(true)
    expect(eligibleForDraw(leaked, { minGrade: 'C' })).toMatchObject({ ok: false, code: 'blacklisted' })
    const commended = standingOf(demo.db(), expert(DEMO_COMMENDED_EXPERT), orgs.bureauX, today)
    expect([commended.score, commended.grade]).toEqual([10_200, 'A'])
    expect(eligibleForDraw(commended, { minGrade: 'C' })).toEqual({ ok: true })
  })

  test('every entry has its snapshot and audit row', () => {
    const { orgs } = demo.ids()
    for (const subject of [{ type: 'agency', id: orgs.agencyA }, { type: 'agency', id: orgs.agencyB }, expert(DEMO_BLACKLISTED_EXPERT), expert(DEMO_COMMENDED_EXPERT)] as SubjectRef[])
      expect(verifySnapshots(demo.db(), subject)).toEqual({ checked: 1, mismatches: [] })
    expect(demo.db().select().from(auditLog).where(eq(auditLog.action, 'credit_entry.create')).all()).toHaveLength(4)
  })
})
