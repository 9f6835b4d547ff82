import { z } from 'zod'
import { frameworkCategoryLabel } from '../../app/domain/indicators/framework'
import { listLibrary, listVersions } from '../../app/models/framework.server'
import { libraryScopeOf } from '../../app/services/framework.server'
import { CLI_OPERATOR } from '../../app/services/user-admin.server'
import type { CommandSpec } from '../framework'

export const command: CommandSpec<object> = {
  name: 'framework:list',
  summary: { zh: '列出指标库中的框架及其版本（导出时使用版本编号）', en: 'list library frameworks and their version ids' },
  input: z.object({}),
  run(_input, ctx) {
    const db = ctx.openDb()
    const frameworks = listLibrary(db, libraryScopeOf(CLI_OPERATOR))
    ctx.io.out(`指标库共 ${frameworks.length} 个框架（数据库：${ctx.dbPath}）`)
    for (const f of frameworks) {
      const owner = f.organizationId === null ? '平台内置' : `机构 ${f.organizationId}`
      ctx.io.out(`\n${f.name}`)
      ctx.io.out(`  框架编号 ${f.id} · ${frameworkCategoryLabel(f.category)} · ${owner}${f.libraryCode ? ` · ${f.libraryCode}` : ''}`)
      for (const v of listVersions(db, f.id)) {
        ctx.io.out(`  第 ${v.versionNo} 版  ${v.status === 'published' ? '已发布' : '草稿  '}  版本编号 ${v.id}`)
      }
    }
  },
}
