import { z } from 'zod'
import { SCALE_DEFAULTS, scaleRefusal, seedScale, tableCounts } from '../../db/seed/scale'
import { CliError, type CommandSpec } from '../framework'

const count = (label: string, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${label}须为整数` })
    .int(`${label}须为整数`)
    .min(0, `${label}不能为负数`)
    .max(max, `${label}不能超过 ${max}`)

const input = z.object({
  engagements: count('评价项目数', 100_000).default(SCALE_DEFAULTS.engagements),
  experts: count('专家人数', 50_000).default(SCALE_DEFAULTS.experts),
  scores: count('评分记录数', 10_000_000).default(SCALE_DEFAULTS.scores),
  force: z.boolean().default(false),
})

const TABLE_LABELS: Record<string, string> = {
  organizations: '机构',
  users: '账号',
  evaluated_units: '被评价单位',
  expert_specialties: '专家专业领域',
  expert_employments: '专家任职经历',
  expert_unavailability: '专家不可用时段',
  engagement_members: '项目组成员',
  sheet_versions: '评分表',
  report_versions: '报告版本',
  experts: '专家',
  engagements: '评价项目',
  stage_transitions: '阶段记录',
  panels: '专家组',
  seats: '专家席位',
  scoring_rounds: '评分轮次',
  score_entries: '评分记录',
  score_submissions: '评分提交',
  consolidation_results: '汇总结果',
  report_submissions: '报告提交',
  credit_entries: '信用记录',
  audit_log: '审计记录',
}

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'seed:scale',
  summary: { zh: '写入规模测试数据（默认 1 万个评价项目、5000 名专家、100 万条评分）', en: 'seed the data-scale fixture (10k engagements, 5k experts, 1M scores)' },
  configure(cmd) {
    cmd
      .option('--engagements <n>', `评价项目数（默认 ${SCALE_DEFAULTS.engagements}） / engagements`)
      .option('--experts <n>', `专家人数（默认 ${SCALE_DEFAULTS.experts}） / experts`)
      .option('--scores <n>', `评分记录数（默认 ${SCALE_DEFAULTS.scores}） / score rows`)
      .option('--force', '数据库已有演示以外的数据时仍然写入 / write even into a database with other data')
  },
  input,
  async run({ engagements, experts, scores, force }, ctx) {
    const db = ctx.openDb({ mustExist: false })
    const refusal = scaleRefusal(db)
    if (refusal && !refusal.forceable) throw new CliError(`${refusal.reason}。未做任何改动。`)
    if (refusal && !force) throw new CliError(`${refusal.reason}。规模测试数据只写入新数据库或只有演示数据的数据库；确需写入请加 --force。未做任何改动。`)
    if (refusal) ctx.io.out(`注意：${refusal.reason}；因指定了 --force 仍然写入。`)
    ctx.io.out(`数据库：${ctx.dbPath}`)
    const summary = await seedScale(db, { engagements, experts, scores }, ctx.now, (line) => ctx.io.out(line))
    ctx.io.out(`写入完成，用时 ${summary.seconds.toFixed(1)} 秒。本次新增：`)
    for (const [table, n] of Object.entries(summary.rows)) ctx.io.out(`  ${TABLE_LABELS[table] ?? table}：${n}`)
    ctx.io.out('数据库现有：')
    for (const [table, n] of Object.entries(tableCounts(db))) ctx.io.out(`  ${TABLE_LABELS[table] ?? table}：${n}`)
    ctx.io.out('演示账号（密码与演示数据相同）即可登录查看；生成的账号用户名以 scale. 开头。')
  },
}
