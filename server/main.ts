// The EvalDesk server: prepares the database (migrate, demo seed on a new database), then serves
// the Remix build behind the security middleware. `npm start` runs this after `npm run build`.
// With EVALDESK_WORKERS above 1 (default 1) the prepared primary forks that many workers sharing
// the port; SQLite in WAL mode lets them read at once, but their writes wait for each other in
// SQLite's sleeping busy handler, which lengthens the tail of every write (ADR 019).
import cluster from 'node:cluster'
import fs from 'node:fs'
import path from 'node:path'
import { bootstrapDatabase, printDemoAccounts } from '../cli/bootstrap'
import type { DemoAccount } from '../db/seed/demo'
import { auditKey, sessionSecrets } from '../app/config.server'

process.env.NODE_ENV ??= 'production'

function workerCount(): number {
  const raw = process.env.EVALDESK_WORKERS?.trim()
  // remix dev restarts one process and waits for its ready signal.
  if (process.env.NODE_ENV === 'development') return 1
  if (!raw) return 1
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`EVALDESK_WORKERS 须为 1 到 64 之间的整数（当前为 ${raw}）`)
  return n
}

function listenSettings() {
  const port = Number(process.env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT 须为 1 到 65535 之间的整数（当前为 ${process.env.PORT}）`)
  }
  return { port, host: process.env.HOST ?? '0.0.0.0' }
}

function announce(port: number, file: string, seeded: DemoAccount[] | null, workers: number) {
  const lines = [
    '',
    `EvalDesk 已启动：http://localhost:${port}${workers > 1 ? `（${workers} 个工作进程）` : ''}`,
    `数据库：${file}`,
    `审计密钥与会话密钥：${path.dirname(file)}（或环境变量 EVALDESK_AUDIT_KEY / SESSION_SECRETS）`,
  ]
  console.log(lines.join('\n'))
  printDemoAccounts(seeded)
}

async function main() {
  if (cluster.isWorker) return serve(() => process.send?.({ evaldesk: 'listening' }))
  const { port } = listenSettings()
  const { file, seeded } = await bootstrapDatabase({ seedIfNew: process.env.EVALDESK_DEMO !== '0' })
  // Created once here, or each worker could write its own key file on first use.
  auditKey()
  sessionSecrets()
  const workers = workerCount()
  if (workers === 1) return serve(() => announce(port, file, seeded, 1))
  primary(workers, () => announce(port, file, seeded, workers))
}

/** Forks the workers, replaces one that dies, and stops them all on SIGTERM/SIGINT. */
function primary(workers: number, onFirstListening: () => void) {
  let stopping = false
  let announced = false
  const fork = () =>
    cluster.fork().on('message', (message: { evaldesk?: string }) => {
      if (message.evaldesk !== 'listening' || announced) return
      announced = true
      onFirstListening()
    })
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit()
      return
    }
    // One that could not start (port taken, no build) would fail again: stop instead of looping.
    if (!announced) {
      stopping = true
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM')
      process.exitCode = 1
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit()
      return
    }
    console.error(`工作进程 ${worker.process.pid} 已退出（${signal ?? code}），正在重启`)
    fork()
  })
  for (let i = 0; i < workers; i++) fork()
  const stop = () => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

async function serve(onListening: () => void) {
  const { port, host } = listenSettings()
  const { createApp } = await import('./app')
  const { app, build } = await createApp()
  const server = app.listen(port, host, () => {
    // Under `npm run dev`, remix dev restarts this process after each rebuild and waits for this signal.
    if (process.env.NODE_ENV === 'development') void import('@remix-run/node').then(({ broadcastDevReady }) => broadcastDevReady(build))
    onListening()
  })
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `端口 ${port} 已被占用：请关闭占用它的程序，或用 PORT=其他端口 npm start`
        : `无法在 ${host}:${port} 上启动：${error.message}`,
    )
    process.exit(1)
  })
  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (!fs.existsSync(path.resolve('build', 'index.js'))) {
  console.error('找不到 build/index.js：请先运行 npm run build（npm start 会自动构建）。')
  process.exit(1)
}
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
