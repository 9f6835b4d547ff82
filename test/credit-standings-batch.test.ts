// standingsOf over a whole pool (more than MANY_SUBJECTS ids) reads every entry of the kind and
// drops the rest: each standing must be the one standingOf gives the subject alone, appeals and
// decisions included, and subjects with entries that were not asked for must not leak in.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { organizations } from '../db/schema'
import { kindsFor } from '../app/domain/credit/categories'
import { newId } from '../app/ids.server'
import { auditActor } from '../app/models/audit.server'
import { MANY_SUBJECTS, appealOf, decideAppealRow, entryById, insertAppeal, recordEntry, standingOf, standingsOf } from '../app/services/credit.server'
import { inTransaction } from '../app/services/transaction.server'
import { actorOf } from './helpers/panel-fixture'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
beforeAll(async () => {
  temp = await makeDemoDb(new Date('2026-01-05T00:00:00.000Z'))
})
afterAll(() => temp.cleanup())

test('a pool-sized standingsOf gives every subject the standing standingOf gives it alone', () => {
  const { db } = temp
  const admin = actorOf(db, 'mingjian.admin')
  const reviewer = actorOf(db, 'binjiang.finance')
  const bureau = reviewer.organizationId!
  const at = new Date('2026-03-01T01:00:00.000Z')
  const ids = Array.from({ length: MANY_SUBJECTS + 40 }, (_, i) => {
    const id = newId()
    db.insert(organizations).values({ id, kind: 'agency', name: `批量信用机构${i}`, createdAt: at.toISOString(), updatedAt: at.toISOString() }).run()
    return id
  })
  const negative = kindsFor('agency').filter((k) => k.direction === 'negative')
  const positive = kindsFor('agency').filter((k) => k.direction === 'positive')
  // Every seventh subject gets entries; the last of those is not asked for.
  const withEntries = ids.filter((_, i) => i % 7 === 0)
  inTransaction(db, (tx) => {
    withEntries.forEach((id, i) => {
      const bad = i % 2 === 0
      const kind = (bad ? negative : positive)[i % (bad ? negative : positive).length]!
      const { id: entryId } = recordEntry(
        tx,
        { subject: { type: 'agency', id }, kind: kind.code as never, severity: bad ? (['minor', 'serious', 'grave'] as const)[i % 3]! : null, points: null, effectiveOn: '2026-02-01', expiresOn: null, description: '批量测试', source: 'bureau', sourceRef: null, issuerOrgId: bureau, issuedBy: reviewer.userId, bureauId: bureau, engagementId: null },
        auditActor(reviewer),
        at,
      )
      if (bad && i % 4 === 0) {
        const entry = entryById(tx, entryId)!
        insertAppeal(tx, admin, entry, { reason: '申诉理由' }, at)
        if (i % 8 === 0) decideAppealRow(tx, reviewer, entry, appealOf(tx, entryId)!, { decision: 'revoked', reason: '撤销' }, at)
      }
    })
  })
  const asked = ids.filter((id) => id !== withEntries.at(-1))
  expect(asked.length).toBeGreaterThan(MANY_SUBJECTS)
  const batch = standingsOf(db, 'agency', asked, bureau, '2026-06-30')
  expect([...batch.keys()]).toEqual(asked)
  for (const id of asked) expect(batch.get(id)).toEqual(standingOf(db, { type: 'agency', id }, bureau, '2026-06-30'))
  // The batch is not all clean: the entries and appeals above count.
  expect(new Set([...batch.values()].map((s) => s.score)).size).toBeGreaterThan(1)
})
