import { z } from 'zod'
import { roleLabel, ROLE_CODES } from '../../app/domain/roles'
import { isId } from '../../app/ids.server'
import { findOrganizationByName, getOrganization } from '../../app/models/organization.server'
import {
  checkNewPassword,
  CLI_OPERATOR,
  createUser,
  displayNameField,
  emailField,
  passwordField,
  phoneField,
  usernameField,
  type RefusalStatus,
} from '../../app/services/user-admin.server'
import type { FieldErrors } from '../../app/utils/form'
import { CliError, type CommandSpec } from '../framework'

/** Turns a service refusal into one Chinese error, naming the CLI option each message belongs to. */
export function refusalToCliError(refusal: { status: RefusalStatus; errors: FieldErrors }, optionNames: Record<string, string>): CliError {
  if (refusal.status === 404) return new CliError('未找到指定的机构或用户')
  const lines = Object.entries(refusal.errors).map(([field, message]) => (optionNames[field] ? `  ${optionNames[field]}：${message}` : `  ${message}`))
  return new CliError(`未能完成，未做任何改动：\n${lines.join('\n')}`)
}

// The web form's field schemas, keyed by the option names.
const input = z.preprocess(
  (raw) => {
    const options = (raw ?? {}) as Record<string, unknown>
    return { ...options, password: options.password ?? process.env.EVALDESK_NEW_PASSWORD ?? '' }
  },
  z
    .object({
      username: usernameField,
      name: displayNameField,
      role: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(ROLE_CODES, { errorMap: () => ({ message: `角色须为 ${ROLE_CODES.join('、')} 之一` }) })),
      org: z.string().trim().max(200).optional(),
      unit: z.string().trim().max(64).optional(),
      orgAdmin: z.boolean().default(false),
      phone: phoneField,
      email: emailField,
      password: passwordField(),
    })
    .superRefine((v, ctx) => checkNewPassword(ctx, { password: v.password, confirm: v.password, username: v.username }, { password: 'password', confirm: 'password' })),
)
type Input = z.infer<typeof input>

const OPTION_NAMES: Record<string, string> = {
  username: '--username',
  displayName: '--name',
  role: '--role',
  evaluatedUnitId: '--unit',
  phone: '--phone',
  email: '--email',
  password: '--password',
}

export const command: CommandSpec<Input> = {
  name: 'user:create',
  summary: { zh: '创建用户账号', en: 'create a user account' },
  configure(cmd) {
    cmd
      .option('--username <username>', '用户名：3–32 位小写字母、数字或 . _ - / username')
      .option('--name <name>', '姓名 / display name')
      .option('--role <role>', `角色 / role: ${ROLE_CODES.join(' | ')}`)
      .option('--org <organization>', '所属机构名称或 id（机构人员必填） / organization name or id')
      .option('--unit <unitId>', '被评价单位 id（unit_contact 必填） / evaluated unit id')
      .option('--org-admin', '财政审核人员兼任本局账号管理员 / finance reviewer also manages the bureau accounts')
      .option('--phone <phone>', '电话（选填） / phone')
      .option('--email <email>', '邮箱（选填） / email')
      .option('--password <password>', '初始密码；也可用环境变量 EVALDESK_NEW_PASSWORD 传入 / initial password')
      .addHelpText('after', '\n用户首次登录后须修改密码。')
  },
  input,
  async run(data, ctx) {
    const db = ctx.openDb()
    let organizationId: string | null = null
    if (data.org) {
      const org = isId(data.org) ? getOrganization(db, data.org) : findOrganizationByName(db, data.org)
      if (!org) throw new CliError(`找不到机构：${data.org}`)
      organizationId = org.id
    }
    const result = await createUser(
      db,
      CLI_OPERATOR,
      {
        username: data.username,
        displayName: data.name,
        role: data.role,
        organizationId,
        evaluatedUnitId: data.unit ?? '',
        orgAdmin: data.orgAdmin,
        phone: data.phone,
        email: data.email,
        password: data.password,
      },
      ctx.now,
    )
    if (!result.ok) throw refusalToCliError(result, OPTION_NAMES)
    ctx.io.out(`已创建账号：${result.value.username}（${roleLabel(result.value.role)}，id ${result.value.id}），首次登录须修改密码。`)
  },
}
