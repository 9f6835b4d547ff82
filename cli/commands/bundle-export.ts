import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { isId } from '../../app/ids.server'
import { exportBundle } from '../../app/services/bundle.server'
import { CliError, type CommandSpec } from '../framework'
import { bundleCounts } from './bundle-import'

const input = z.object({
  engagement: z.string().trim().refine(isId, '评价项目编号格式不正确'),
  out: z.string({ required_error: '请用 --out 指定输出文件' }).trim().min(1, '请用 --out 指定输出文件'),
  force: z.boolean().default(false),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'export',
  summary: { zh: '把一个评价项目（评分表、专家组、全部评分版本与专家组意见）导出为 JSON 数据包', en: 'export an engagement with its sheet, panel and scores as a JSON bundle' },
  configure(cmd) {
    cmd
      .argument('<engagement>', '评价项目编号 / engagement id')
      .requiredOption('--out <file>', '输出的 .json 文件 / output file')
      .option('--force', '覆盖已存在的文件 / overwrite an existing file')
  },
  input,
  run({ engagement, out, force }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const bundle = exportBundle(db, engagement)
    if (!bundle) throw new CliError(`未找到评价项目：${engagement}`)
    if (fs.existsSync(out) && !force) throw new CliError(`文件已存在：${out}（如需覆盖请加 --force）`)
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true })
    fs.writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`)
    ctx.io.out(`已导出：${bundle.engagement.name} -> ${out}`)
    ctx.io.out(bundleCounts(bundle))
  },
}
