import fs from 'node:fs'
import { z } from 'zod'
import {
  MAX_WORKBOOK_BYTES,
  problemText,
  readFrameworkWorkbook,
} from '../../app/excel/framework-workbook.server'
import { frameworkCategoryLabel } from '../../app/domain/indicators/framework'
import { formatHundredths } from '../../app/domain/indicators/rule-spec'
import { flattenTree } from '../../app/domain/indicators/tree'
import { CliError, EXIT_FAILURE, type CommandSpec } from '../framework'

function readWorkbookFile(file: string): Buffer {
  let size: number
  try {
    const stat = fs.statSync(file)
    if (!stat.isFile()) throw new CliError(`不是文件：${file}`)
    size = stat.size
  } catch (e) {
    if (e instanceof CliError) throw e
    throw new CliError(`文件不存在或无法读取：${file}`)
  }
  // Refused before reading, so a huge file never lands in memory.
  if (size > MAX_WORKBOOK_BYTES)
    throw new CliError(`文件过大（${size} 字节），上限 ${MAX_WORKBOOK_BYTES} 字节：${file}`)
  return fs.readFileSync(file)
}

export const command: CommandSpec<{ file: string }> = {
  name: 'framework:validate',
  summary: {
    zh: '检查指标体系 Excel 文件，逐条列出问题（不导入）',
    en: 'check an indicator framework workbook and list every problem (no import)',
  },
  configure(cmd) {
    cmd.argument('<file>', '.xlsx 文件（系统模板格式） / workbook in the template layout')
  },
  input: z.object({ file: z.string().trim().min(1, '请指定 .xlsx 文件路径') }),
  async run({ file }, ctx) {
    const result = await readFrameworkWorkbook(readWorkbookFile(file))
    if (!result.ok) {
      for (const problem of result.problems) ctx.io.err(problemText(problem))
      ctx.io.err(`未通过：${file} 有 ${result.problems.length} 处问题，未导入任何内容。`)
      return EXIT_FAILURE
    }
    for (const warning of result.warnings) ctx.io.out(`提示：${warning}`)
    const count = flattenTree(result.tree).length
    const total = result.tree.roots.reduce((sum, root) => sum + root.weight, 0)
    const weights = result.tree.weighted ? `，权重合计 ${formatHundredths(total)} 分` : '（不计权重的指标集）'
    ctx.io.out(`${result.meta.name}（${frameworkCategoryLabel(result.meta.category)}）`)
    ctx.io.out(`通过：${count} 个指标${weights}`)
  },
}
