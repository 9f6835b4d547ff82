import { z } from 'zod'
import { verifyAuditChain } from '../../app/models/audit.server'
import { appendAnchor } from '../anchors'
import { existingAuditKey } from '../audit-key'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  file: z.string({ required_error: '请指定锚点文件路径' }).trim().min(1, '请指定锚点文件路径'),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'audit:anchor',
  summary: {
    zh: '校验审计链后把链头（序号与哈希）追加到数据库之外的锚点文件',
    en: 'verify the audit chain, then append its head to an anchors file kept outside the database',
  },
  configure(cmd) {
    cmd.argument('<file>', '锚点文件（只追加；请放在另一块磁盘或另一台主机上） / anchors file')
  },
  input,
  run({ file }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const verdict = verifyAuditChain(db, existingAuditKey(ctx.dbPath))
    if (!verdict.ok) throw new CliError(`审计链校验失败（第 ${verdict.badSeq} 条：${verdict.reason}），不能锚定。`)
    if (verdict.rows === 0) throw new CliError('审计日志为空，没有可锚定的链头。')
    appendAnchor(file, { seq: verdict.headSeq, hash: verdict.headHash, at: ctx.now.toISOString(), database: ctx.dbPath })
    ctx.io.out(`已锚定：第 ${verdict.headSeq} 条，哈希 ${verdict.headHash} -> ${file}`)
  },
}
