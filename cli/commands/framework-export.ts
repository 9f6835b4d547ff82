import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { FrameworkCategory } from '../../app/domain/indicators/framework'
import { writeFrameworkWorkbook } from '../../app/excel/framework-workbook.server'
import { isId } from '../../app/ids.server'
import { findVersion, parseTree } from '../../app/models/framework.server'
import { libraryScopeOf } from '../../app/services/framework.server'
import { CLI_OPERATOR } from '../../app/services/user-admin.server'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  versionId: z.string().trim().refine(isId, '版本编号格式不正确（用 framework:list 查看）'),
  out: z.string({ required_error: '请用 --out 指定输出文件' }).trim().min(1, '请用 --out 指定输出文件'),
  force: z.boolean().default(false),
})

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'framework:export',
  summary: { zh: '把指标体系的一个版本导出为 Excel（与导入模板同格式）', en: 'export one framework version to an Excel file' },
  configure(cmd) {
    cmd
      .argument('<versionId>', '版本编号（framework:list 可查）/ framework version id')
      .requiredOption('--out <file>', '输出的 .xlsx 文件 / output file')
      .option('--force', '覆盖已存在的文件 / overwrite an existing file')
  },
  input,
  async run({ versionId, out, force }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const found = findVersion(db, libraryScopeOf(CLI_OPERATOR), versionId)
    if (!found) throw new CliError(`未找到版本：${versionId}`)
    if (fs.existsSync(out) && !force) throw new CliError(`文件已存在：${out}（如需覆盖请加 --force）`)
    const f = found.framework
    const bytes = await writeFrameworkWorkbook({ name: f.name, category: f.category as FrameworkCategory, source: f.source, description: f.description }, parseTree(found.version.treeJson))
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true })
    fs.writeFileSync(out, bytes)
    ctx.io.out(`已导出：${f.name} 第 ${found.version.versionNo} 版 -> ${out}（${bytes.byteLength} 字节）`)
  },
}
