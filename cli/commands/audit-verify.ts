import { z } from 'zod'
import { verifyAuditChain } from '../../app/models/audit.server'
import { existingAuditKey } from '../audit-key'
import { EXIT_FAILURE, type CommandSpec } from '../framework'

export const command: CommandSpec<object> = {
  name: 'audit:verify',
  summary: { zh: '逐条校验审计日志哈希链，报告第一条异常记录', en: 'verify the audit log hash chain and name the first bad row' },
  input: z.object({}),
  run(_input, ctx) {
    const db = ctx.openDb({ readonly: true })
    const verdict = verifyAuditChain(db, existingAuditKey(ctx.dbPath))
    ctx.io.out(`数据库：${ctx.dbPath}`)
    if (verdict.ok) {
      ctx.io.out(`审计链完整：已校验 ${verdict.rows} 条记录。`)
      ctx.io.out(verdict.rows > 0 ? `链头：第 ${verdict.headSeq} 条，哈希 ${verdict.headHash}` : '审计日志为空。')
      return
    }
    ctx.io.err(`审计链校验失败：第 ${verdict.badSeq} 条记录异常（seq ${verdict.badSeq}）。`)
    ctx.io.err(`原因：${verdict.reason}`)
    ctx.io.err(`此前已校验 ${verdict.rows - 1} 条记录。`)
    return EXIT_FAILURE
  },
}
