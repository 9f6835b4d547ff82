// `npm start` with several workers (EVALDESK_WORKERS): the primary prepares the database and the
// keys once, the workers share the port, a session made through one worker holds on the others,
// and stopping the primary stops them all.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

/** Processes whose environment names this server's database: tsx, the primary and its workers. */
function processesUsing(dbFile: string): string[] {
  const out = execFileSync('sh', ['-c', `grep -lsa "EVALDESK_DB=${dbFile}" /proc/[0-9]*/environ || true`], { encoding: 'utf8' })
  return out.split('\n').filter(Boolean)
}

describe('several workers', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ env: { ...process.env, EVALDESK_WORKERS: '3' } })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('a login holds across workers, and stopping the primary ends every worker', async () => {
    expect(server.output()).toContain('3 个工作进程')
    expect(processesUsing(server.dbFile).length).toBeGreaterThanOrEqual(4)
    const client = await loggedIn(server.url, 'mingjian.li')
    // New connections are dealt round-robin, so these reach every worker.
    const statuses = await Promise.all(Array.from({ length: 12 }, () => client.request('/engagements', { headers: { Connection: 'close' } }).then((r) => r.status)))
    expect(statuses.every((s) => s === 200)).toBe(true)
    await server.stop()
    await expect.poll(() => processesUsing(server.dbFile), { timeout: 10_000 }).toHaveLength(0)
  })
})

describe('a worker count that is not a number', () => {
  it('stops at start-up with the reason', async () => {
    await expect(startServer({ env: { ...process.env, EVALDESK_WORKERS: 'many' } })).rejects.toThrow(/EVALDESK_WORKERS 须为 1 到 64 之间的整数/)
  })
})
