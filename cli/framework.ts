// The command line framework: every command is a CommandSpec in its own module under cli/commands/
// and cli/evaldesk.ts lists them. The framework owns parsing, zod validation of the input, opening
// and closing the database, Chinese error messages and exit codes, so a command only does its job.
import fs from 'node:fs'
import { Command, CommanderError } from 'commander'
import { z } from 'zod'
import { closeDb, databasePath, migrateDatabase, openDatabase, type Db } from '../db/client.server'
import type { AuditActor } from '../app/models/audit.server'
import { ensureLibrary } from '../db/seed/library'
import { ensureSpecialties } from '../app/services/expert-pool.server'

/** Exit codes: 0 success, 1 the command failed, 2 the command line itself was wrong. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** A failure the user should read: printed to stderr as is (Chinese), no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export type CliIo = {
  out: (line: string) => void
  err: (line: string) => void
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
}

export type OpenDbOptions = {
  /** Read-only connection (no migration, no writes). */
  readonly?: boolean
  /** Default true: refuse when the database file does not exist yet (ask the user to run migrate). */
  mustExist?: boolean
  /** Default true for read-write connections: bring the schema up to date first. */
  migrate?: boolean
}

export type CliContext = {
  io: CliIo
  /** Absolute path of the database (EVALDESK_DB or --db, default data/evaldesk.db). */
  dbPath: string
  /** Opens the database once per run; the framework closes it when the command ends. */
  openDb: (options?: OpenDbOptions) => Db
  /** The time of this run; pass it into services instead of reading the clock there. */
  now: Date
}

// The default is `any` only so that specs with different inputs fit in one list; write
// `CommandSpec<z.infer<typeof input>>` in a command module to keep `run` typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandSpec<Input = any> = {
  /** Command name as typed, e.g. 'audit:verify'. */
  name: string
  /** One line each; help shows "中文 / English". */
  summary: { zh: string; en: string }
  /** Declares positional arguments and options on the commander Command. */
  configure?: (cmd: Command) => void
  /**
   * Validates the parsed command line. It receives one object: the options (camelCase, as commander
   * names them, e.g. --admin-username -> adminUsername) plus each positional argument under its
   * declared name (e.g. `backup <file>` -> file). Failing validation is a usage error (exit 2).
   */
  input: z.ZodType<Input, z.ZodTypeDef, unknown>
  /** Does the work. Throw CliError for an expected failure; return a number to choose the exit code. */
  run: (input: Input, ctx: CliContext) => Promise<number | void> | number | void
}

/** The actor recorded in audit rows written by the command line. */
export function cliAuditActor(organizationId: string | null = null): AuditActor {
  return { userId: null, role: 'cli', organizationId }
}

function optionLabel(key: string, cmd: Command): string {
  if (cmd.registeredArguments.some((a) => a.name() === key)) return `<${key}>`
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
}

function formatIssues(error: z.ZodError, cmd: Command): string {
  return error.issues
    .map((issue) => {
      const key = issue.path[0]
      return typeof key === 'string' ? `  ${optionLabel(key, cmd)}：${issue.message}` : `  ${issue.message}`
    })
    .join('\n')
}

const USAGE_MESSAGES: Record<string, string> = {
  'commander.unknownCommand': '未知命令',
  'commander.unknownOption': '未知选项',
  'commander.missingArgument': '缺少必需的参数',
  'commander.optionMissingArgument': '选项缺少取值',
  'commander.missingMandatoryOptionValue': '缺少必需的选项',
  'commander.excessArguments': '参数过多',
  'commander.invalidArgument': '参数取值无效',
  'commander.conflictingOption': '选项相互冲突',
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Builds the program from the command list. Exported so tests can inspect it without a process. */
export function buildProgram(commands: readonly CommandSpec[], io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('evaldesk')
  program
    .description('EvalDesk 第三方预算绩效评价工作台 命令行工具 / EvalDesk command line')
    .usage('<命令|command> [选项|options]')
    .option('--db <file>', '数据库文件（默认 EVALDESK_DB 或 data/evaldesk.db） / database file')
    .helpOption('-h, --help', '显示帮助 / show help')
    .helpCommand('help [command]', '显示某个命令的帮助 / show help for a command')
    .addHelpText(
      'after',
      [
        '',
        '环境变量 / Environment:',
        '  EVALDESK_DB          数据库文件路径 / database file (default data/evaldesk.db)',
        '  EVALDESK_AUDIT_KEY   审计链密钥（默认读取数据库旁的 audit.key） / audit chain key',
        '',
        '示例 / Example:  npm run evaldesk -- backup /backups/evaldesk-2026-01-01.db',
      ].join('\n'),
    )
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      // Commander's own English error line is replaced by our Chinese one in the catch below.
      writeErr: () => undefined,
    })
    .exitOverride()

  program.hook('preAction', (thisCommand) => {
    const db = thisCommand.opts<{ db?: string }>().db
    if (db) process.env.EVALDESK_DB = db
  })

  for (const spec of commands) {
    const cmd = program.command(spec.name).description(`${spec.summary.zh} / ${spec.summary.en}`)
    cmd.helpOption('-h, --help', '显示帮助 / show help')
    spec.configure?.(cmd)
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: () => undefined })
    cmd.action(async (...actionArgs: unknown[]) => {
      const self = actionArgs[actionArgs.length - 1] as Command
      const raw: Record<string, unknown> = { ...self.opts() }
      self.registeredArguments.forEach((arg, i) => {
        raw[arg.name()] = self.processedArgs[i]
      })
      const parsed = spec.input.safeParse(raw)
      if (!parsed.success) {
        throw new CliError(`命令 ${spec.name} 的参数有误：\n${formatIssues(parsed.error, self)}\n运行 evaldesk ${spec.name} --help 查看用法。`, EXIT_USAGE)
      }
      let db: Db | undefined
      const now = new Date()
      const ctx: CliContext = {
        io,
        dbPath: databasePath(),
        now,
        openDb: (options = {}) => {
          if (db) return db
          const file = databasePath()
          if ((options.mustExist ?? true) && !fs.existsSync(file)) {
            throw new CliError(`数据库文件不存在：${file}\n请先运行 evaldesk migrate 创建数据库，或用 EVALDESK_DB / --db 指定正确的文件。`)
          }
          db = openDatabase(file, { readonly: options.readonly ?? false })
          if (!options.readonly && (options.migrate ?? true)) {
            migrateDatabase(db)
            ensureLibrary(db, now)
            ensureSpecialties(db, now)
          }
          return db
        },
      }
      try {
        const code = await spec.run(parsed.data, ctx)
        setExitCode(typeof code === 'number' ? code : EXIT_OK)
      } finally {
        db?.$client.close()
        closeDb()
      }
    })
  }
  return program
}

/** Parses argv (without node and script), runs the command and returns the exit code. */
export async function runCli(commands: readonly CommandSpec[], argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK
  const program = buildProgram(commands, io, (code) => {
    exitCode = code
  })
  if (argv.length === 0) {
    program.outputHelp()
    return EXIT_USAGE
  }
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT_OK
      const label = USAGE_MESSAGES[error.code] ?? '命令行有误'
      io.err(`用法错误：${label}（${error.message.replace(/^error: /, '')}）`)
      io.err('运行 evaldesk --help 查看全部命令 / run evaldesk --help for usage.')
      return EXIT_USAGE
    }
    if (error instanceof CliError) {
      io.err(`错误：${error.message}`)
      return error.exitCode
    }
    io.err(`命令执行失败：${errorMessage(error)}`)
    if (process.env.EVALDESK_DEBUG) io.err(String((error as Error)?.stack ?? ''))
    return EXIT_FAILURE
  }
}
