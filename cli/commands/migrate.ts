import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { migrateDatabase, migrationsFolder, type Db } from '../../db/client.server'
import { ensureLibrary } from '../../db/seed/library'
import type { CommandSpec } from '../framework'

function appliedCount(db: Db): number {
  const table = db.$client.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get()
  if (!table) return 0
  return (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n
}

function journalTags(): string[] {
  const file = path.join(migrationsFolder(), 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: { tag: string }[] }
  return journal.entries.map((e) => e.tag)
}

export const command: CommandSpec<object> = {
  name: 'migrate',
  summary: { zh: '创建数据库或升级到最新结构', en: 'create the database or apply pending migrations' },
  input: z.object({}),
  run(_input, ctx) {
    // Opened without migrating so that the count before and after can be reported.
    const db = ctx.openDb({ mustExist: false, migrate: false })
    const before = appliedCount(db)
    migrateDatabase(db)
    const after = appliedCount(db)
    const loaded = ensureLibrary(db, ctx.now)
    const tags = journalTags()
    ctx.io.out(`数据库：${ctx.dbPath}`)
    ctx.io.out(after > before ? `已应用 ${after - before} 个迁移。` : '没有待应用的迁移，数据库结构已是最新。')
    ctx.io.out(`当前结构版本：${after} / ${tags.length}（${tags[after - 1] ?? '无'}）`)
    if (loaded.length > 0) ctx.io.out(`已载入内置指标库 ${loaded.length} 套：${loaded.join('、')}`)
  },
}
