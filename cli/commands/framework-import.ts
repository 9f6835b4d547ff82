import fs from 'node:fs'
import { z } from 'zod'
import { isId } from '../../app/ids.server'
import { MAX_WORKBOOK_BYTES, problemText, readFrameworkWorkbook } from '../../app/excel/framework-workbook.server'
import { getOrganization } from '../../app/models/organization.server'
import { importFramework } from '../../app/services/framework.server'
import { CLI_OPERATOR } from '../../app/services/user-admin.server'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  file: z.string({ required_error: '请指定 .xlsx 文件' }).trim().min(1, '请指定 .xlsx 文件'),
  org: z.string().trim().refine(isId, '机构编号格式不正确').optional(),
  publish: z.boolean().default(false),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'framework:import',
  summary: { zh: '从 Excel 导入指标体系框架（默认为平台草稿）', en: 'import a framework from an Excel template file' },
  configure(cmd) {
    cmd
      .argument('<file>', 'Excel 文件 / the .xlsx file')
      .option('--org <organizationId>', '导入到该评价机构的指标库（默认平台内置库）/ owning agency')
      .option('--publish', '校验通过后直接发布 / publish at once when valid')
  },
  input,
  async run({ file, org, publish }, ctx) {
    const stat = fs.statSync(file, { throwIfNoEntry: false })
    if (!stat?.isFile()) throw new CliError(`文件不存在：${file}`)
    if (stat.size > MAX_WORKBOOK_BYTES) throw new CliError(`文件超过 ${MAX_WORKBOOK_BYTES / 1024 / 1024} MB，未导入`)
    const read = await readFrameworkWorkbook(fs.readFileSync(file))
    if (!read.ok) {
      for (const p of read.problems) ctx.io.err(problemText(p))
      throw new CliError(`共 ${read.problems.length} 处问题，未导入任何内容。`)
    }
    const db = ctx.openDb()
    if (org !== undefined) {
      const found = getOrganization(db, org)
      if (!found || found.kind !== 'agency') throw new CliError(`未找到评价机构：${org}`)
    }
    const result = importFramework(db, CLI_OPERATOR, read.meta, read.tree, ctx.now, { organizationId: org ?? null, publish })
    if (!result.ok) {
      for (const issue of 'issues' in result ? (result.issues ?? []) : []) if (issue.severity === 'error') ctx.io.err(`${issue.path}：${issue.message}`)
      throw new CliError(Object.values(result.errors).join('；'))
    }
    ctx.io.out(`已导入：${read.meta.name}（${publish ? '已发布' : '草稿'}）`)
    ctx.io.out(`框架编号 ${result.value.frameworkId}，版本编号 ${result.value.versionId}`)
  },
}
