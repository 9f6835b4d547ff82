import { z } from 'zod'
import { orgKindLabel, roleLabel } from '../../app/domain/roles'
import { createOrganizationWithAdmin, FIRST_ADMIN_ROLE, NewOrganizationForm } from '../../app/services/organization.server'
import { CLI_OPERATOR } from '../../app/services/user-admin.server'
import { type CommandSpec } from '../framework'
import { refusalToCliError } from './user-create'

// The same schema as the web form; the CLI has no confirmation field, so the password confirms itself.
const input = z.preprocess((raw) => {
  const options = (raw ?? {}) as Record<string, unknown>
  const password = options.adminPassword ?? process.env.EVALDESK_NEW_PASSWORD ?? ''
  return { ...options, adminPassword: password, adminPasswordConfirm: password }
}, NewOrganizationForm)

export const command: CommandSpec<z.infer<typeof NewOrganizationForm>> = {
  name: 'org:create',
  summary: { zh: '创建机构（评价机构或财政局）及其首个管理员账号', en: 'create an organization and its first admin account' },
  configure(cmd) {
    cmd
      .option('--kind <kind>', 'agency（第三方评价机构）或 finance_bureau（财政局） / organization kind')
      .option('--name <name>', '机构名称 / organization name')
      .option('--credit-code <code>', '统一社会信用代码，18 位（选填） / unified social credit code')
      .option('--region <region>', '所在地区（选填） / region')
      .option('--admin-username <username>', '管理员用户名 / first admin username')
      .option('--admin-name <name>', '管理员姓名 / first admin display name')
      .option('--admin-password <password>', '管理员初始密码；也可用环境变量 EVALDESK_NEW_PASSWORD 传入，避免出现在进程列表中 / initial password')
      .addHelpText('after', '\n管理员首次登录后须修改密码。评价机构的首个账号为机构管理员，财政局的首个账号为财政审核人员（兼账号管理员）。')
  },
  input,
  async run(data, ctx) {
    const db = ctx.openDb({ mustExist: false })
    const result = await createOrganizationWithAdmin(db, CLI_OPERATOR, data, ctx.now)
    if (!result.ok) throw refusalToCliError(result, ORG_OPTION_NAMES)
    ctx.io.out(`已创建${orgKindLabel(data.kind)}：${data.name}（id ${result.value.organizationId}）`)
    ctx.io.out(`管理员账号：${data.adminUsername}（${roleLabel(FIRST_ADMIN_ROLE[data.kind])}，id ${result.value.adminUserId}），首次登录须修改密码。`)
  },
}

const ORG_OPTION_NAMES: Record<string, string> = {
  kind: '--kind',
  name: '--name',
  creditCode: '--credit-code',
  region: '--region',
  adminUsername: '--admin-username',
  adminName: '--admin-name',
  adminPassword: '--admin-password',
}
