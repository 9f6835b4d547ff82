import { z } from 'zod'
import { isId } from '../../app/ids.server'
import { replayRecordedDraw } from '../../app/services/panel.server'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({ drawId: z.string().trim().refine(isId, '抽取记录编号格式不正确') })

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'draw:replay',
  summary: { zh: '按记录的种子和专家库快照重算一次专家抽取，核对结果是否一致', en: 'recompute a recorded expert draw and check it matches' },
  configure(cmd) {
    cmd.argument('<drawId>', '抽取记录编号 / draw id')
  },
  input,
  run({ drawId }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const replay = replayRecordedDraw(db, drawId)
    if (!replay.found) throw new CliError(`未找到抽取记录：${drawId}`)
    const r = replay.record
    ctx.io.out(`抽取记录 ${drawId}：算法 ${r.algorithm}，种子 ${r.seedHex}`)
    ctx.io.out(`专家库快照 ${r.pool.length} 人，哈希 ${r.poolHash}；排除 ${r.excluded.length} 人；席位 ${r.seats.length}，候补 ${r.reserves.length}`)
    if (replay.matches) {
      ctx.io.out('复核一致：重算结果与记录完全相同。')
      return 0
    }
    for (const d of replay.differences) ctx.io.err(d)
    ctx.io.err('复核不一致：抽取记录与重算结果不同。')
    return 1
  },
}
