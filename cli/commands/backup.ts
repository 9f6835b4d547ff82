import fs from 'node:fs'
import { z } from 'zod'
import { copyStore } from '../../app/files/store.server'
import { BackupError, backupDatabase } from '../../db/backup.server'
import { existingAuditKey } from '../audit-key'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  file: z.string({ required_error: '请指定备份文件路径' }).trim().min(1, '请指定备份文件路径'),
  force: z.boolean().default(false),
  vacuum: z.boolean().default(false),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'backup',
  summary: { zh: '在线备份数据库到指定文件并校验副本', en: 'online backup to <file>, then verify the copy' },
  configure(cmd) {
    cmd
      .argument('<file>', '备份文件路径 / target file')
      .option('--force', '覆盖已存在的备份文件 / overwrite an existing file')
      .option('--vacuum', '用 VACUUM INTO 生成紧凑的副本（同样在线） / write a compacted copy with VACUUM INTO (also online)')
  },
  input,
  async run({ file, force, vacuum }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const key = existingAuditKey(ctx.dbPath)
    try {
      const result = await backupDatabase(db, file, { force, auditKey: key, method: vacuum ? 'vacuum' : 'online' })
      const { check } = result
      ctx.io.out(`已备份：${ctx.dbPath} -> ${result.file}（${result.bytes} 字节，权限 0600）`)
      ctx.io.out(`副本检查：integrity_check=${check.integrity}，外键不一致 ${check.foreignKeyViolations} 处`)
      if (check.audit.ok) ctx.io.out(`副本审计链完整：${check.audit.rows} 条记录，链头哈希 ${check.audit.headHash}`)
      ctx.io.out(
        `副本内容：机构 ${check.counts.organizations} 个，用户 ${check.counts.users} 个，评价项目 ${check.counts.engagements} 个，审计记录 ${check.counts.audit_log} 条`,
      )
      // Uploaded evidence lives beside the database, not in it: copy it beside the backup.
      const filesTarget = `${result.file}.files`
      if (force) fs.rmSync(filesTarget, { recursive: true, force: true })
      const copied = copyStore(db, filesTarget)
      if (copied.files > 0) ctx.io.out(`附件文件：${copied.files} 个（${copied.bytes} 字节）已复制到 ${filesTarget} 并逐个核对哈希`)
      if (copied.damaged.length > 0) throw new CliError(`有 ${copied.damaged.length} 个附件文件缺失或与记录的哈希不符（如 ${copied.damaged[0]}），请检查 files 目录`)
      ctx.io.out('提示：审计密钥（EVALDESK_AUDIT_KEY 或 audit.key）不在数据库内，请另行妥善备份。')
    } catch (error) {
      if (error instanceof BackupError) throw new CliError(error.message)
      throw error
    }
  },
}
