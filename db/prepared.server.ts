import type { Db, Tx } from './client.server'

type Connection = Db | Tx

/**
 * The drizzle session a database and every transaction on it share: one per SQLite connection.
 * drizzle does not declare it; a drizzle upgrade that renames it fails here, loudly, on first use.
 */
function sessionOf(db: Connection): object {
  const session = (db as unknown as { session?: unknown }).session
  if (typeof session !== 'object' || session === null) throw new Error('preparedQuery: the drizzle connection has no session')
  return session
}

/**
 * A query built and prepared once per connection, then run with placeholder values. On the
 * requests many people send at once (a panel submitting its scores), building each query with
 * drizzle and preparing it in SQLite cost more than running it. `build` must take every value
 * through `sql.placeholder`; the statement it prepares on a transaction serves the connection.
 */
export function preparedQuery<Query>(build: (db: Connection) => Query): (db: Connection) => Query {
  const byConnection = new WeakMap<object, Query>()
  return (db) => {
    const session = sessionOf(db)
    let query = byConnection.get(session)
    if (query === undefined) {
      query = build(db)
      byConnection.set(session, query)
    }
    return query
  }
}
