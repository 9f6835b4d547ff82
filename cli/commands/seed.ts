import { z } from 'zod'
import { isDatabaseEmpty, seedDemo } from '../../db/seed/demo'
import { printDemoAccounts } from '../bootstrap'
import { CliError, type CommandSpec } from '../framework'

export const command: CommandSpec<object> = {
  name: 'seed',
  summary: { zh: '向新数据库写入演示数据（机构、单位、各角色账号）', en: 'seed demo organizations and accounts into a new database' },
  input: z.object({}),
  async run(_input, ctx) {
    const db = ctx.openDb({ mustExist: false })
    if (!isDatabaseEmpty(db)) {
      throw new CliError(`数据库 ${ctx.dbPath} 已有用户数据，演示数据只能写入新数据库。未做任何改动。`)
    }
    const { accounts } = await seedDemo(db, ctx.now)
    ctx.io.out(`数据库：${ctx.dbPath}`)
    printDemoAccounts(accounts)
  },
}
