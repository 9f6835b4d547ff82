import fs from 'node:fs'
import { z } from 'zod'
import { walkTree } from '../../app/domain/indicators/tree'
import { isId } from '../../app/ids.server'
import { findOrganizationByName, getOrganization } from '../../app/models/organization.server'
import { importBundle, type Bundle } from '../../app/services/bundle.server'
import { CliError, type CommandSpec } from '../framework'

const MAX_BUNDLE_BYTES = 64 * 1024 * 1024

const input = z.object({
  file: z.string({ required_error: '请指定 .json 数据包文件' }).trim().min(1, '请指定 .json 数据包文件'),
  org: z.string().trim().min(1, '请填写评价机构名称或编号').optional(),
})

/** One line of what a bundle holds, for both commands' summaries. */
export function bundleCounts(b: Bundle): string {
  const nodes = b.sheet ? walkTree(b.sheet.tree) : []
  const leaves = nodes.filter(({ node }) => node.children.length === 0).length
  const entries = b.scoring?.entries ?? []
  return `指标 ${nodes.length} 个（末级 ${leaves} 个），专家席位 ${b.panel?.seats.length ?? 0} 个，评分版本 ${entries.length} 条（其中重评 ${entries.filter((e) => e.versionNo > 1).length} 条），提交 ${b.scoring?.submissions.length ?? 0} 份`
}

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'import',
  summary: { zh: '从 JSON 数据包新建评价项目（含评分表、专家组、评分与专家组意见），有任何问题则不导入', en: 'create an engagement from a JSON bundle, all or nothing' },
  configure(cmd) {
    cmd
      .argument('<file>', 'JSON 数据包 / the bundle file (docs/bundle.md)')
      .option('--org <agency>', '导入到该评价机构（名称或编号；默认按数据包中的机构名称）/ receiving agency')
  },
  input,
  run({ file, org }, ctx) {
    const stat = fs.statSync(file, { throwIfNoEntry: false })
    if (!stat?.isFile()) throw new CliError(`文件不存在：${file}`)
    if (stat.size > MAX_BUNDLE_BYTES) throw new CliError(`文件超过 ${MAX_BUNDLE_BYTES / 1024 / 1024} MB，未导入`)
    let raw: unknown
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'))
    } catch (e) {
      throw new CliError(`不是有效的 JSON 文件：${e instanceof Error ? e.message : String(e)}`)
    }
    const db = ctx.openDb()
    let orgId: string | undefined
    if (org !== undefined) {
      const found = isId(org) ? getOrganization(db, org) : findOrganizationByName(db, org)
      if (!found || found.kind !== 'agency') throw new CliError(`未找到评价机构：${org}`)
      orgId = found.id
    }
    const result = importBundle(db, raw, { orgId, now: ctx.now })
    if (!result.ok) {
      for (const p of result.problems) ctx.io.err(`${p.path}：${p.message}`)
      throw new CliError(`数据包有 ${result.problems.length} 处问题，未导入任何内容。`)
    }
    const s = result.summary
    ctx.io.out(`已导入评价项目：${s.engagementName}`)
    ctx.io.out(`项目编号 ${result.engagementId}`)
    ctx.io.out(`指标 ${s.indicators} 个（末级 ${s.leaves} 个），专家席位 ${s.seats} 个，专家 ${s.experts.reused + s.experts.created} 位（沿用专家库 ${s.experts.reused} 位，新入库 ${s.experts.created} 位），评分版本 ${s.scoreVersions} 条（其中重评 ${s.rescores} 条），提交 ${s.submissions} 份`)
  },
}
