// The draw checks recusal only for the experts whose organizations name the engagement
// (expertFacts read through namesEngagement): against a real database, over generated pools whose
// names differ only in what normalization removes, it must find exactly the conflicts that
// checking every expert finds.
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { expertEmployments, expertRelations, experts } from '../db/schema'
import { detectConflicts, type EngagementFacts } from '../app/domain/experts/recusal'
import { RELATION_KINDS } from '../app/domain/experts/vocab'
import { newId } from '../app/ids.server'
import { expertFacts } from '../app/models/panel.server'
import { namesEngagement } from '../app/services/panel-conflicts.server'
import { runCount } from './helpers/long'
import { makeTempDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
beforeAll(() => {
  temp = makeTempDb()
})
afterAll(() => temp.cleanup())

const BASES = ['杭州市滨江区教育局', '滨江区财政局', '浙江明鉴咨询有限公司', 'ABC Consulting（杭州）', '教育局', '']
/** A base name as people type it: full-width or spaced, other brackets, zero-width characters, case. */
const orgName = fc
  .tuple(fc.constantFrom(...BASES), fc.constantFrom('', ' ', '\u200B', '\u3000'), fc.boolean(), fc.boolean())
  .map(([base, pad, swapBrackets, upper]) => {
    let name = `${pad}${base.slice(0, 2)}${pad}${base.slice(2)}${pad}`
    if (swapBrackets) name = name.replace('（', '〔').replace('）', '〕')
    if (upper) name = name.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32 + 0xfee0))
    return name
  })
const date = fc.constantFrom('2015-01-01', '2021-06-30', '2024-03-01', null)
const expert = fc.record({
  employer: orgName,
  employments: fc.array(fc.record({ organization: orgName, fromDate: fc.constant('2010-01-01'), toDate: date }), { maxLength: 3 }),
  relations: fc.array(fc.record({ kind: fc.constantFrom(...RELATION_KINDS.map((r) => r.code)), organization: orgName }), { maxLength: 2 }),
})
const engagement: fc.Arbitrary<EngagementFacts> = fc.record({
  id: fc.constant('01ENGAGEMENT00000000000000'),
  agencyName: orgName,
  units: fc.array(fc.record({ id: fc.constant(''), name: orgName, competentDepartment: orgName }), { minLength: 1, maxLength: 3 }).map((us) => us.map((u, i) => ({ ...u, id: `01UNIT${i}`.padEnd(26, '0') }))),
})

test('narrowing the pool to the experts naming the engagement finds every conflict checking all of them finds', () => {
  const { db } = temp
  const at = '2026-11-26T00:00:00.000Z'
  let runsWithConflicts = 0
  fc.assert(
    fc.property(fc.array(expert, { minLength: 1, maxLength: 12 }), engagement, (pool, facts) => {
      db.delete(experts).run()
      for (const [i, x] of pool.entries()) {
        const id = newId()
        db.insert(experts).values({ id, name: `专家${i}`, employer: x.employer, title: 'senior', createdAt: at, updatedAt: at }).run()
        for (const e of x.employments) db.insert(expertEmployments).values({ id: newId(), expertId: id, ...e }).run()
        for (const r of x.relations) db.insert(expertRelations).values({ id: newId(), expertId: id, ...r }).run()
      }
      const detect = (list: ReturnType<typeof expertFacts>) => list.flatMap((x) => detectConflicts(x, facts, { today: '2026-11-26', lookbackYears: 3 }))
      const everyone = detect(expertFacts(db, () => true))
      if (everyone.length > 0) runsWithConflicts++
      expect(detect(expertFacts(db, namesEngagement(facts)))).toEqual(everyone)
    }),
    { numRuns: runCount(60, 1000) },
  )
  // The names are drawn from a few bases, so most runs have conflicts to lose.
  expect(runsWithConflicts).toBeGreaterThan(0)
})
