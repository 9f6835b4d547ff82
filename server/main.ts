// The EvalDesk server: prepares the database (migrate, demo seed on a new database), then serves
// the Remix build behind the security middleware. `npm start` runs this after `npm run build`.
import fs from 'node:fs'
import path from 'node:path'
import { bootstrapDatabase, printDemoAccounts } from '../cli/bootstrap'

process.env.NODE_ENV ??= 'production'

async function main() {
  const { file, seeded } = await bootstrapDatabase({ seedIfNew: process.env.EVALDESK_DEMO !== '0' })
  const port = Number(process.env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT 须为 1 到 65535 之间的整数（当前为 ${process.env.PORT}）`)
  }
  const host = process.env.HOST ?? '0.0.0.0'
  const { createApp } = await import('./app')
  const { app, build } = await createApp()
  const server = app.listen(port, host, () => {
    // Under `npm run dev`, remix dev restarts this process after each rebuild and waits for this signal.
    if (process.env.NODE_ENV === 'development') void import('@remix-run/node').then(({ broadcastDevReady }) => broadcastDevReady(build))
    const lines = [
      '',
      `EvalDesk 已启动：http://localhost:${port}`,
      `数据库：${file}`,
      `审计密钥与会话密钥：${path.dirname(file)}（或环境变量 EVALDESK_AUDIT_KEY / SESSION_SECRETS）`,
    ]
    console.log(lines.join('\n'))
    printDemoAccounts(seeded)
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
