// An unexpected server error (here: a table pulled from under the running server) must show the
// generic Chinese error page with no stack or SQL, while the server log holds the stack next to the
// request id the response carried (SECURITY.md §12.7, error sanitization).
import Database from 'better-sqlite3'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

// What a leaked database error would show: the driver's message, its error class, a statement.
const SQL_TEXT = /no such table|SQLITE_|SqliteError|\bSELECT\b[\s\S]*\bFROM\b|\bINSERT INTO\b|\bUPDATE\b\s+\w+\s+SET\b/i

let server: RunningServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.stop()
})

test('an unexpected error: generic page for the user, stack and request id in the log', async () => {
  const client = await loggedIn(server.url, 'mingjian.li')
  const sqlite = new Database(server.dbFile)
  const { id } = sqlite.prepare(`SELECT id FROM engagements WHERE lead_user_id = (SELECT id FROM users WHERE username = 'mingjian.li') LIMIT 1`).get() as { id: string }
  expect((await client.get(`/engagements/${id}`)).status).toBe(200)
  sqlite.exec('DROP TABLE stage_transitions')
  sqlite.close()

  const res = await client.get(`/engagements/${id}`)
  expect(res.status).toBe(500)
  const requestId = res.headers.get('x-request-id')
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
  const body = await res.text()
  expect(body).toContain('系统出错了')
  expect(body).not.toContain('stage_transitions')
  expect(body).not.toMatch(SQL_TEXT)
  expect(body).not.toMatch(/^\s+at .+[(:]/m)
  // The same failure during client-side navigation: the data request is sanitized too.
  const data = await client.get(`/engagements/${id}.data`)
  const dataBody = await data.text()
  expect(dataBody).toContain('Unexpected Server Error')
  expect(dataBody).not.toContain('stage_transitions')
  expect(dataBody).not.toMatch(SQL_TEXT)
  expect(dataBody).not.toMatch(/^\s+at .+[(:]/m)

  // The log line can be found by the id the user sees in the response.
  await expect.poll(() => server.output(), { timeout: 5000 }).toContain(`request ${requestId} failed: GET /engagements/${id}`)
  expect(server.output()).toContain('no such table: stage_transitions')
})
