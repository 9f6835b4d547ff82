import { z } from 'zod'
import { formatPoints } from '../../app/domain/money'
import { AGGREGATION_RULES } from '../../app/domain/scoring/aggregate'
import { AGREEMENT_EXPLANATIONS } from '../../app/domain/scoring/agreement'
import { isId } from '../../app/ids.server'
import { consolidationOf } from '../../app/services/scoring.server'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  engagement: z.string().trim().refine(isId, '评价项目编号格式不正确'),
  rule: z.enum(['mean', 'trimmed', 'median'], { errorMap: () => ({ message: '--rule 须为 mean、trimmed 或 median' }) }).optional(),
  json: z.boolean().default(false),
})

const pts = (h: number) => formatPoints(h)

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'consolidate',
  summary: { zh: '汇总一个评价项目已提交的专家评分：各指标得分、小计、总分、等级、分歧与一致性', en: 'consolidate the submitted expert scores of an engagement' },
  configure(cmd) {
    cmd
      .argument('<engagement>', '评价项目编号 / engagement id')
      .option('--rule <rule>', '汇总规则 mean | trimmed | median（默认用项目设定）/ aggregation rule')
      .option('--json', '以 JSON 输出 / print JSON')
  },
  input,
  run({ engagement, rule, json }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const result = consolidationOf(db, engagement, rule)
    if (!result) throw new CliError(`该项目尚未开始评分，或未找到：${engagement}`)
    const { consolidation: c, divergence, agreement, sensitivity: sens } = result
    if (json) {
      ctx.io.out(JSON.stringify({ engagementId: engagement, rule: result.rule, experts: result.experts.map((x) => x.key), consolidation: c, divergence, agreement, sensitivity: sens }, null, 2))
      return
    }
    const ruleLabel = AGGREGATION_RULES.find((r) => r.code === result.rule)?.label ?? result.rule
    ctx.io.out(`汇总规则：${ruleLabel}；已提交 ${result.experts.length} 位专家（${result.experts.map((x) => x.key).join('、') || '无'}）`)
    if (!c) return
    for (const l of c.leaves) ctx.io.out(`${l.code}\\t${l.name}\\t${pts(l.score)} / ${pts(l.weight)}`)
    for (const s of c.subtotals.filter((x) => x.level === 1)) ctx.io.out(`小计 ${s.name}：${pts(s.score)} / ${pts(s.weight)}`)
    ctx.io.out(`总分 ${pts(c.total)}，得分率 ${(c.rate * 100).toFixed(2)}%，等级 ${c.grade.grade}`)
    for (const d of divergence) ctx.io.out(`分歧：${d.code} ${d.name} 极差 ${pts(d.spread)} 分，超过 ${pts(d.threshold)} 分（最低 ${d.low.join('、')}，最高 ${d.high.join('、')}）`)
    if (agreement?.kendallW) ctx.io.out(`Kendall W = ${agreement.kendallW.w.toFixed(3)}：${AGREEMENT_EXPLANATIONS.kendallW}`)
    if (agreement?.icc) ctx.io.out(`ICC(2,1) = ${agreement.icc.icc21.toFixed(3)}，ICC(2,k) = ${agreement.icc.icc2k.toFixed(3)}：${AGREEMENT_EXPLANATIONS.icc21}`)
  },
}
