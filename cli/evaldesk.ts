// EvalDesk command line: `npm run evaldesk -- <command> [options]` (or `npx tsx cli/evaldesk.ts ...`).
//
// To add a command:
//   1. Create cli/commands/<name>.ts exporting `export const command: CommandSpec = { name, summary:
//      { zh, en }, configure(cmd) { cmd.argument(...).option(...) }, input: z.object({...}), run }`.
//      `input` is a zod schema over the options (camelCase) plus the positional arguments by name;
//      give it Chinese messages, they are shown to the user. In `run`, use ctx.openDb() (closed for
//      you afterwards), ctx.now and ctx.io, call the same services as the web pages, and throw
//      CliError('中文说明') for an expected failure (exit 1). See cli/commands/backup.ts.
//   2. Import it below and append it to COMMANDS; the order here is the order in --help.
import { runCli, type CommandSpec } from './framework'
import { command as migrate } from './commands/migrate'
import { command as seed } from './commands/seed'
import { command as seedScale } from './commands/seed-scale'
import { command as auditVerify } from './commands/audit-verify'
import { command as auditAnchor } from './commands/audit-anchor'
import { command as backup } from './commands/backup'
import { command as restore } from './commands/restore'
import { command as orgCreate } from './commands/org-create'
import { command as userCreate } from './commands/user-create'
import { command as userResetPassword } from './commands/user-reset-password'
import { command as frameworkList } from './commands/framework-list'
import { command as frameworkValidate } from './commands/framework-validate'
import { command as frameworkImport } from './commands/framework-import'
import { command as frameworkExport } from './commands/framework-export'
import { command as drawReplay } from './commands/draw-replay'
import { command as consolidate } from './commands/consolidate'
import { command as expertImport } from './commands/expert-import'
import { command as bundleImport } from './commands/bundle-import'
import { command as bundleExport } from './commands/bundle-export'
import { command as report } from './commands/report'
import { command as reportBatch } from './commands/report-batch'
import { command as creditShow } from './commands/credit-show'

const COMMANDS: CommandSpec[] = [migrate, seed, seedScale, auditVerify, auditAnchor, backup, restore, orgCreate, userCreate, userResetPassword, frameworkList, frameworkValidate, frameworkImport, frameworkExport, expertImport, drawReplay, consolidate, bundleImport, bundleExport, report, reportBatch, creditShow]

runCli(COMMANDS, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error('命令执行失败：', error)
    process.exitCode = 1
  },
)
