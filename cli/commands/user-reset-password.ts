import crypto from 'node:crypto'
import { z } from 'zod'
import { passwordProblem } from '../../app/auth/password.server'
import { CLI_OPERATOR, findUserIdByUsername, passwordField, resetPassword, usernameField } from '../../app/services/user-admin.server'
import { CliError, type CommandSpec } from '../framework'
import { refusalToCliError } from './user-create'

const input = z.object({
  username: usernameField,
  password: z.union([z.undefined(), passwordField('新密码')]),
})
type Input = z.infer<typeof input>

// No 0/O, 1/l/I: the generated password is read off a terminal and typed in by a person.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_'

/** 16 random characters (about 94 bits), redrawn in the rare case the rules refuse them. */
export function generatePassword(username: string): string {
  for (;;) {
    const bytes = crypto.randomBytes(16)
    const candidate = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')
    // 256 is not a multiple of the alphabet size; redraw when a byte falls in the biased tail.
    if ([...bytes].some((b) => b >= 256 - (256 % ALPHABET.length))) continue
    if (!passwordProblem(candidate, username)) return candidate
  }
}

export const command: CommandSpec<Input> = {
  name: 'user:reset-password',
  summary: { zh: '重置用户密码（结束其全部登录，下次登录须修改密码）', en: "reset a user's password (ends their sessions)" },
  configure(cmd) {
    cmd
      .argument('<username>', '用户名 / username')
      .option('--password <password>', '新密码；省略时使用环境变量 EVALDESK_NEW_PASSWORD，再省略则随机生成 16 位并只显示一次 / new password')
  },
  input: z.preprocess((raw) => {
    const options = (raw ?? {}) as Record<string, unknown>
    return { ...options, password: options.password ?? (process.env.EVALDESK_NEW_PASSWORD || undefined) }
  }, input) as z.ZodType<Input, z.ZodTypeDef, unknown>,
  async run(data, ctx) {
    const db = ctx.openDb()
    const userId = findUserIdByUsername(db, data.username)
    if (!userId) throw new CliError(`找不到用户：${data.username}`)
    const password = data.password ?? generatePassword(data.username)
    const result = await resetPassword(db, CLI_OPERATOR, { userId, password }, ctx.now)
    if (!result.ok) throw refusalToCliError(result, { password: '--password' })
    ctx.io.out(`已重置 ${data.username} 的密码，其全部登录已结束，下次登录须修改密码。`)
    if (!data.password) ctx.io.out(`新密码（只显示这一次）：${password}`)
  },
}
