import { eq, sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDb, type TempDb } from '../test/helpers/temp-db'
import { preparedQuery } from './prepared.server'
import { meta as appMeta } from './schema'

describe('preparedQuery', () => {
  const temps: TempDb[] = []
  afterEach(() => {
    for (const t of temps.splice(0)) t.cleanup()
  })
  function tempDb() {
    const t = makeTempDb()
    temps.push(t)
    return t.db
  }

  it('builds once per connection, serves its transactions, and sees their writes', () => {
    let builds = 0
    const valueOf = preparedQuery((db) => {
      builds += 1
      return db.select({ value: appMeta.value }).from(appMeta).where(eq(appMeta.key, sql.placeholder('key'))).prepare()
    })
    const a = tempDb()
    const b = tempDb()
    a.insert(appMeta).values({ key: 'k', value: 'in a' }).run()
    b.insert(appMeta).values({ key: 'k', value: 'in b' }).run()
    expect(valueOf(a).get({ key: 'k' })).toEqual({ value: 'in a' })
    expect(valueOf(b).get({ key: 'k' })).toEqual({ value: 'in b' })
    a.transaction(
      (tx) => {
        tx.insert(appMeta).values({ key: 'new', value: 'uncommitted yet' }).run()
        expect(valueOf(tx).get({ key: 'new' })).toEqual({ value: 'uncommitted yet' })
      },
      { behavior: 'immediate' },
    )
    expect(valueOf(a).get({ key: 'missing' })).toBeUndefined()
    expect(builds).toBe(2)
  })
})
