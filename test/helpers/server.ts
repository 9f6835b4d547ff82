import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export type RunningServer = {
  url: string
  /** The launcher's process id: the server (and its cluster workers) are it and its descendants. */
  pid: number
  origin: string
  dbFile: string
  dir: string
  env: NodeJS.ProcessEnv
  output: () => string
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Starts the production build (`npm run build` must have run; `npm test` does it) exactly as
 * `npm start` would, against a fresh temporary database seeded with the demo, on 127.0.0.1.
 */
export async function startServer(opts: { env?: NodeJS.ProcessEnv; dir?: string } = {}): Promise<RunningServer> {
  const root = path.resolve(__dirname, '..', '..')
  if (!fs.existsSync(path.join(root, 'build', 'index.js'))) throw new Error('build/index.js missing: run `npm run build` first')
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-srv-'))
  const dbFile = path.join(dir, 'evaldesk.db')
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    EVALDESK_DB: dbFile,
    PORT: String(port),
    HOST: '127.0.0.1',
    EVALDESK_SCRYPT_LOG2N: '12',
    ...opts.env,
  }
  const child: ChildProcess = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['server/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`)
    try {
      const res = await fetch(`${url}/login`)
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not answer within 60 s:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  return {
    url,
    pid: child.pid ?? -1,
    origin: url,
    dbFile,
    dir,
    env,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
