import fs from 'node:fs'
import { z } from 'zod'
import { readExpertWorkbook } from '../../app/excel/expert-workbook.server'
import { MAX_WORKBOOK_BYTES, problemText } from '../../app/excel/framework-workbook.server'
import { importExperts } from '../../app/services/expert-pool.server'
import { CLI_OPERATOR } from '../../app/services/user-admin.server'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  file: z.string({ required_error: '请指定 .xlsx 文件' }).trim().min(1, '请指定 .xlsx 文件'),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'expert:import',
  summary: { zh: '从 Excel 导入专家（任何一行有误则不导入）', en: 'import experts into the pool from an Excel file, all or nothing' },
  configure(cmd) {
    cmd.argument('<file>', 'Excel 文件（专家库模板）/ the .xlsx file in the expert template layout')
  },
  input,
  async run({ file }, ctx) {
    const stat = fs.statSync(file, { throwIfNoEntry: false })
    if (!stat?.isFile()) throw new CliError(`文件不存在：${file}`)
    if (stat.size > MAX_WORKBOOK_BYTES) throw new CliError(`文件超过 ${MAX_WORKBOOK_BYTES / 1024 / 1024} MB，未导入`)
    const read = await readExpertWorkbook(fs.readFileSync(file))
    const result = read.ok ? importExperts(ctx.openDb(), CLI_OPERATOR, read.rows, ctx.now) : read
    if (!result.ok) {
      for (const p of result.problems) ctx.io.err(problemText(p))
      throw new CliError(`共 ${result.problems.length} 处问题，未导入任何专家。`)
    }
    ctx.io.out(`已导入 ${result.value.ids.length} 位专家。`)
  },
}
