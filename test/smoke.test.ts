import { afterAll, beforeAll, expect, test } from 'vitest'
import { loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

let server: RunningServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.stop()
})

test('a demo user logs in and reaches the dashboard of their role', async () => {
  const client = await loggedIn(server.url, 'mingjian.admin')
  const res = await client.get('/dashboard')
  expect(res.status).toBe(200)
  expect(await res.text()).toContain('dashboard-agency_admin')
})
