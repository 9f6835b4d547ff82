import path from 'node:path'
import { z } from 'zod'
import { RestoreError, restoreDatabase } from '../../db/backup.server'
import { existingAuditKey } from '../audit-key'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  backup: z.string({ required_error: '请指定备份文件路径' }).trim().min(1, '请指定备份文件路径'),
  force: z.boolean().default(false),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'restore',
  summary: { zh: '用 backup 生成的备份替换数据库（须先停止服务器）', en: 'replace the database with a backup (stop the server first)' },
  configure(cmd) {
    cmd
      .argument('<backup>', 'evaldesk backup 生成的备份文件 / backup file made by evaldesk backup')
      .option('--force', '替换已有的数据库（原文件移到 <数据库>.before-restore-<时间>） / replace an existing database (moved aside)')
  },
  input,
  run({ backup, force }, ctx) {
    // The restored chain must verify with this installation's key, or every later check would fail.
    const auditKey = existingAuditKey(ctx.dbPath)
    try {
      const result = restoreDatabase(backup, ctx.dbPath, { force, auditKey, now: ctx.now })
      const { check } = result
      ctx.io.out(`已校验备份：${path.resolve(backup)}（integrity_check=${check.integrity}，外键无不一致）`)
      if (check.audit.ok) ctx.io.out(`备份审计链完整：${check.audit.rows} 条记录，链头第 ${check.audit.headSeq} 条，哈希 ${check.audit.headHash}`)
      for (const moved of result.movedAside) ctx.io.out(`原有文件已移到：${moved}`)
      if (result.movedAside.length === 0) ctx.io.out('数据目录中原来没有数据库，无需移走任何文件。')
      ctx.io.out(`已恢复数据库：${result.database}（权限 0600；旁边没有遗留的 -wal/-shm 文件）`)
      ctx.io.out(
        result.files.count > 0
          ? `已恢复附件文件：${result.files.count} 个（${result.files.bytes} 字节）到 ${result.files.directory}，已逐个核对哈希`
          : '备份中没有附件文件。',
      )
      ctx.io.out(
        `恢复后的内容：机构 ${check.counts.organizations} 个，用户 ${check.counts.users} 个，评价项目 ${check.counts.engagements} 个，审计记录 ${check.counts.audit_log} 条`,
      )
      ctx.io.out('下一步：启动服务器（npm start），并运行 evaldesk audit:verify 核对审计链。确认无误后可删除上面移走的旧文件。')
    } catch (error) {
      if (error instanceof RestoreError) throw new CliError(error.message)
      throw error
    }
  },
}
