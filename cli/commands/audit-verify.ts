import { z } from 'zod'
import { verifyAnchors, verifyAuditChain } from '../../app/models/audit.server'
import { readAnchors } from '../anchors'
import { existingAuditKey } from '../audit-key'
import { EXIT_FAILURE, type CommandSpec } from '../framework'

export const command: CommandSpec<{ anchors?: string }> = {
  name: 'audit:verify',
  summary: { zh: '逐条校验审计日志哈希链，报告第一条异常记录', en: 'verify the audit log hash chain and name the first bad row' },
  configure(cmd) {
    cmd.option('--anchors <file>', '同时核对 audit:anchor 写下的锚点（可发现截断或改写） / also check anchors written by audit:anchor')
  },
  input: z.object({ anchors: z.string().trim().min(1, '请指定锚点文件路径').optional() }),
  run({ anchors }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const verdict = verifyAuditChain(db, existingAuditKey(ctx.dbPath))
    ctx.io.out(`数据库：${ctx.dbPath}`)
    if (verdict.ok) {
      ctx.io.out(`审计链完整：已校验 ${verdict.rows} 条记录。`)
      ctx.io.out(verdict.rows > 0 ? `链头：第 ${verdict.headSeq} 条，哈希 ${verdict.headHash}` : '审计日志为空。')
      if (!anchors) return
      const anchorVerdict = verifyAnchors(db, readAnchors(anchors))
      if (anchorVerdict.ok) {
        ctx.io.out(`锚点一致：已核对 ${anchorVerdict.checked} 个锚点（${anchors}）。`)
        return
      }
      ctx.io.err(`锚点核对失败（seq ${anchorVerdict.anchor.seq}）：${anchorVerdict.reason}`)
      return EXIT_FAILURE
    }
    ctx.io.err(`审计链校验失败：第 ${verdict.badSeq} 条记录异常（seq ${verdict.badSeq}）。`)
    ctx.io.err(`原因：${verdict.reason}`)
    ctx.io.err(`此前已校验 ${verdict.rows - 1} 条记录。`)
    return EXIT_FAILURE
  },
}
