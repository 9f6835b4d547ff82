// Hostile files against every import and upload (SECURITY.md §12.2; 1,000 runs per path under
// `npm run test:long`): valid workbooks, CSVs and bundles with hostile cells (formula prefixes, huge
// strings, odd numbers, wrong types, another tenant's ids, missing or repeated columns and rows), and
// the same files cut short or replaced by noise. Pass: never a 5xx (nor an uncaught exception in
// the CLI), a refusal changes no table and leaves no stored file, and says in Chinese what is wrong
// (for a bad cell: which row or column). Afterwards every .xlsx export is read back: no formula
// cell anywhere, and text that would start a formula is stored as text behind an apostrophe.
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { command as bundleImport } from '../cli/commands/bundle-import'
import { runCli } from '../cli/framework'
import { openDatabase, type Db } from '../db/client.server'
import { EXPERT_HEADERS, EXPERT_SHEET } from '../app/excel/expert-workbook.server'
import { FRAMEWORK_SHEET } from '../app/excel/framework-workbook.server'
import { SCORE_SHEET } from '../app/excel/score-sheet-workbook.server'
import { exportBundle } from '../app/services/bundle.server'
import { expertScoringPage, saveScore, setScoringPhase, submitScores } from '../app/services/scoring.server'
import {
  byteMutation,
  damageBytes,
  DatabaseDigest,
  filesOnDisk,
  foreignIdsOf,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  hostileFilename,
  hostilePairs,
  mutateWorkbook,
  retryOnClosedSocket,
  workbookMutation,
  type ByteMutation,
  type WorkbookMutation,
} from './helpers/hostile'
import { Client, loggedIn } from './helpers/http'
import { builtRoutes, patternOf } from './helpers/built-routes'
import { LONG_RUN, runCount } from './helpers/long'
import { form } from './helpers/panel-fixture'
import { serverWithOpenScoring, type OpenScoring } from './helpers/open-scoring'
import { buildWorkbook, dataRow } from './helpers/workbook-fixtures'

const RUNS = runCount(12, 1000)
const TIMEOUT = LONG_RUN ? 60 * 60_000 : 60_000
const ALLOWED = new Set([200, 302, 303, 400, 409, 413, 415])
const STACK = /^\s+at .+[(:]/m
const CHINESE = /[\u4e00-\u9fff]/
/**
 * How a refusal of a bad cell says where: 第 N 行, or the column's header in 「」. A refusal of the
 * whole file (an inflated member, a broken zip) names the file instead.
 */
const NAMES_ROW_OR_COLUMN = /第 ?\d+ ?行|「[^」]+」|第 ?\d+ ?列|表头|工作表|文件不是有效的/

const EDUCATION = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)])

let fx: OpenScoring
let ro: Db
let digest: DatabaseDigest
let foreignIds: string[] = []
const clients = new Map<string, Client>()
const ids = { educationId: '', sheetEngagementId: '', frameworkId: '', versionId: '', agencyId: '', seatId: '', leaf: '', requestId: '', surveyUrl: '', rectificationUrl: '' }

const one = (sql: string, ...params: unknown[]) => (ro.$client.prepare(sql).get(...params) as { id: string } | undefined)?.id ?? ''
const client = (who: string) => clients.get(who)!

async function download(who: string, url: string): Promise<Buffer> {
  const res = await client(who).get(url)
  if (res.status !== 200) throw new Error(`GET ${url} as ${who}: ${res.status}`)
  return Buffer.from(await res.arrayBuffer())
}

type FilePart = { field: string; bytes: Buffer; name: string }

function multipart(who: string, url: string, fields: [string, string][], files: FilePart[]) {
  const body = new FormData()
  for (const [k, v] of fields) body.append(k, v)
  for (const f of files) body.append(f.field, new Blob([Uint8Array.from(f.bytes)]), f.name)
  return client(who).request(url, { method: 'POST', body })
}

/**
 * Sends one request and checks what every answer must satisfy; returns the status and body. On a
 * refusal nothing changed (every table, and the file store on disk) and the answer is in Chinese;
 * `cellEdited` also asks that it say where.
 */
async function sendSafely(send: () => Promise<Response>, opts: { cellEdited?: boolean } = {}): Promise<{ status: number; text: string; location: string }> {
  const before = digest.current()
  const files = filesOnDisk(fx.server.dbFile)
  const res = await retryOnClosedSocket(send)
  const text = (await res.text()).replace(/<!-- -->/g, '')
  expect(ALLOWED.has(res.status), `status ${res.status}: ${text.slice(0, 400)}`).toBe(true)
  expect(text).not.toMatch(STACK)
  if (res.status >= 400) {
    expect(digest.current(), `a ${res.status} changed the database`).toBe(before)
    expect(filesOnDisk(fx.server.dbFile), `a ${res.status} left a file`).toBe(files)
    expect(text).toMatch(CHINESE)
    if (opts.cellEdited && res.status === 400) expect(problemsOf(text), 'the refusal names no row or column').toMatch(NAMES_ROW_OR_COLUMN)
  }
  return { status: res.status, text, location: res.headers.get('location') ?? '' }
}

/** The unspoilt file is accepted: the runs start from a file the import takes, not one it refuses anyway. */
async function expectAccepted(send: () => Promise<Response>): Promise<void> {
  const { status, text } = await sendSafely(send)
  expect([200, 302], `the valid file was refused: ${status} ${problemsOf(text).slice(0, 300)}`).toContain(status)
}

/**
 * The problems an import page shows: a list (workbook imports), the field and form errors, or the
 * survey preview's table of row, column and message (a cell other than 「—」 names the place).
 */
function problemsOf(html: string): string {
  const card = /data-testid="problems"([\s\S]*?)(?:data-testid="|$)/.exec(html)?.[1]
  if (card) {
    const rows = [...card.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)]
    return rows.map(([, row, column, message]) => `${row !== '—' ? `第 ${row} 行` : ''}${column !== '—' ? `「${column}」` : ''}${message}`).join('\n') || card.replace(/<[^>]+>/g, '')
  }
  const list = [...html.matchAll(/<li[^>]*>([^<]*)<\/li>/g)].map((m) => m[1]).join('\n')
  const errors = [...html.matchAll(/class="(?:field-error|form-error|error)[^"]*"[^>]*>([^<]*)</g)].map((m) => m[1]).join('\n')
  return `${list}\n${errors}`
}

// ---- Spreadsheet-shaped files ----

type FileMutation = { kind: 'workbook'; m: WorkbookMutation } | { kind: 'bytes'; m: ByteMutation }

function fileMutation(rows: number, cols: number): fc.Arbitrary<FileMutation> {
  return fc.oneof(
    { arbitrary: workbookMutation(rows, cols, foreignIds).map((m) => ({ kind: 'workbook' as const, m })), weight: 4 },
    { arbitrary: byteMutation().map((m) => ({ kind: 'bytes' as const, m })), weight: 1 },
  )
}

async function applyToWorkbook(base: Buffer, mutation: FileMutation, sheetName?: string): Promise<Buffer> {
  return mutation.kind === 'bytes' ? damageBytes(base, mutation.m) : mutateWorkbook(base, mutation.m, sheetName)
}

const isCellEdit = (mutation: FileMutation) => mutation.kind === 'workbook' && mutation.m.kind === 'cells'

async function sizeOf(bytes: Buffer, sheetName: string): Promise<{ rows: number; cols: number }> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
  const sheet = workbook.getWorksheet(sheetName)!
  return { rows: sheet.rowCount, cols: sheet.columnCount }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v !== 'object') return String(v)
  if ('formula' in v) return `=${v.formula}`
  if ('richText' in v) return v.richText.map((r) => r.text).join('')
  if ('error' in v) return String(v.error)
  if ('text' in v) return String(v.text)
  return JSON.stringify(v)
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** The survey answers as a grid; the CSV and the .xlsx variants are written from it. */
const SURVEY_HEADERS = ['序号', '1、总体满意度', '2、意见建议']
const SURVEY_LEVELS = ['非常满意', '满意', '一般', '不满意']
const surveyGrid = (): ExcelJS.CellValue[][] => [SURVEY_HEADERS, ...Array.from({ length: 20 }, (_, i) => [i + 1, SURVEY_LEVELS[i % 4]!, i % 5 === 0 ? '好,很好' : ''])]

function mutateGrid(grid: ExcelJS.CellValue[][], m: WorkbookMutation): ExcelJS.CellValue[][] {
  const g = grid.map((r) => [...r])
  switch (m.kind) {
    case 'cells':
      for (const e of m.edits) {
        while (g.length < e.row) g.push([])
        g[e.row - 1]![e.col - 1] = e.value
      }
      return g
    case 'deleteColumn':
      return g.map((r) => r.filter((_, c) => c !== m.col - 1))
    case 'duplicateColumn':
      return g.map((r) => [...r.slice(0, m.col), r[m.col - 1] ?? null, ...r.slice(m.col)])
    case 'deleteRow':
      return g.filter((_, r) => r !== m.row - 1)
    case 'duplicateRow':
      return [...g.slice(0, m.row), g[m.row - 1] ?? [], ...g.slice(m.row)]
    case 'renameSheet':
      return g
  }
}

const csvOf = (grid: ExcelJS.CellValue[][]) => Buffer.from(`\uFEFF${grid.map((r) => Array.from(r, (v) => csvField(cellText(v ?? null))).join(',')).join('\r\n')}\r\n`, 'utf8')

async function xlsxOf(grid: ExcelJS.CellValue[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('答卷')
  grid.forEach((r, i) => Array.from(r).forEach((v, j) => v !== null && v !== undefined && (sheet.getCell(i + 1, j + 1).value = v)))
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

let expertSerial = 0
async function expertWorkbook(): Promise<Buffer> {
  const n = ++expertSerial
  const row = { 姓名: `模糊专家${n}`, 工作单位: '浙江大学', 职称: '正高级', 专业领域: '财务', '手机/电话': `136${String(10_000_000 + n).slice(-8)}` }
  return buildWorkbook({ sheetName: EXPERT_SHEET, meta: [], headers: EXPERT_HEADERS, headerRow: 1, rows: [dataRow(row, EXPERT_HEADERS)] })
}

let frameworkSerial = 0
/** The exported 2020 framework under a new name (a second framework of the same name is refused). */
async function frameworkWorkbook(base: Buffer): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(base as unknown as ExcelJS.Buffer)
  workbook.getWorksheet(FRAMEWORK_SHEET)!.getCell(1, 2).value = `模糊测试框架${++frameworkSerial}`
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

beforeAll(async () => {
  fx = await serverWithOpenScoring(3)
  ro = openDatabase(fx.server.dbFile, { readonly: true })
  digest = new DatabaseDigest(ro)
  foreignIds = foreignIdsOf(ro)
  for (const username of ['admin', 'mingjian.admin', 'mingjian.li', 'mingjian.zhao', 'binjiang.finance', 'unit.edu']) clients.set(username, await loggedIn(fx.server.url, username))
  clients.set('fx.expert0', await new Client(fx.server.url).login('fx.expert0', 'Fixture-expert-password-1'))
  const seat = fx.panel.seats[0]!
  ids.seatId = seat.seatId
  ids.leaf = expertScoringPage(fx.db, seat.actor, seat.seatId, new Date())!.items[0]!.node.code
  ids.educationId = one('SELECT id FROM engagements WHERE name = ?', EDUCATION)
  ids.agencyId = one(`SELECT id FROM organizations WHERE name = '浙江明鉴绩效评价咨询有限公司'`)
  ids.versionId = fx.frameworkVersionId
  ids.frameworkId = one('SELECT framework_id AS id FROM framework_versions WHERE id = ?', ids.versionId)
  // A draft sheet to import into: an engagement of agency A with none yet.
  ids.sheetEngagementId = one(`SELECT e.id FROM engagements e WHERE e.agency_id = ? AND e.stage != 'archived'
                                 AND NOT EXISTS (SELECT 1 FROM sheet_versions s WHERE s.engagement_id = e.id) LIMIT 1`, ids.agencyId)
  const started = await client('mingjian.admin').post(`/engagements/${ids.sheetEngagementId}/sheet`, { intent: 'start', frameworkVersionId: ids.versionId })
  if (started.status !== 302) throw new Error(`sheet not started: ${started.status}`)
  // One 资料清单 item for the education bureau's contact.
  const requestsUrl = `/engagements/${ids.educationId}/requests`
  const unitId = /<option value="([0-9A-Z]{26})"[^>]*>杭州市滨江区教育局<\/option>/.exec(await (await client('mingjian.li').get(requestsUrl)).text())?.[1] ?? ''
  const listed = await client('mingjian.li').post(requestsUrl, { intent: 'create', title: '模糊测试资料', description: '', unitId, dueDate: '2099-12-31' })
  ids.requestId = one('SELECT id FROM document_requests WHERE title = ?', '模糊测试资料')
  if (listed.status !== 200 || !ids.requestId) throw new Error(`request not listed: ${listed.status}`)
  // A confirmed 整改事项 for the same contact to report on.
  const rectificationUrl = `/engagements/${ids.educationId}/rectification`
  const rectUnitId = /<option value="([0-9A-Z]{26})"[^>]*>杭州市滨江区教育局<\/option>/.exec(await (await client('mingjian.li').get(rectificationUrl)).text())?.[1] ?? ''
  const proposed = await client('mingjian.li').post(rectificationUrl, { intent: 'create', problem: ['模糊测试问题'], requirement: ['模糊测试整改要求'], unitId: [rectUnitId], deadline: ['2099-06-30'] })
  const item = () => ro.$client.prepare('SELECT id, version FROM rectification_items WHERE engagement_id = ?').get(ids.educationId) as { id: string; version: number }
  const confirmed = await client('binjiang.finance').post(rectificationUrl, { intent: 'confirm', itemId: item().id, version: String(item().version) })
  if (proposed.status !== 200 || confirmed.status !== 200) throw new Error(`rectification not ready: ${proposed.status} ${confirmed.status}`)
  ids.rectificationUrl = `${rectificationUrl}/${item().id}`
  // A survey with a Likert and a text question on the education engagement.
  const created = await client('mingjian.li').post(`/engagements/${ids.educationId}/surveys`, { title: '模糊测试调查' })
  ids.surveyUrl = created.headers.get('location') ?? ''
  const version = String((ro.$client.prepare('SELECT version FROM surveys WHERE title = ?').get('模糊测试调查') as { version: number }).version)
  const saved = await client('mingjian.li').post(ids.surveyUrl, {
    title: '模糊测试调查',
    indicatorCode: 'D102',
    scale: 'very',
    overall: 'q1',
    population: '',
    version,
    questionId: ['q1', 'q2'],
    questionKind: ['likert', 'text'],
    questionTitle: ['总体满意度', '意见建议'],
    questionOptions: ['', ''],
  })
  if (saved.status !== 200) throw new Error(`survey not saved: ${saved.status} ${(await saved.text()).slice(0, 300)}`)
}, 180_000)
afterAll(async () => {
  ro?.$client.close()
  fx?.db.$client.close()
  await fx?.server.stop()
})

describe('hostile workbooks', () => {
  test('framework import (.xlsx): never a 5xx, nothing half imported, the row or column named', async () => {
    const base = await download('mingjian.admin', `/frameworks/${ids.frameworkId}/versions/${ids.versionId}/export.xlsx`)
    const { rows, cols } = await sizeOf(base, FRAMEWORK_SHEET)
    await expectAccepted(async () => multipart('mingjian.admin', '/frameworks/import', [], [{ field: 'file', bytes: await frameworkWorkbook(base), name: '指标体系.xlsx' }]))
    await fc.assert(
      fc.asyncProperty(fileMutation(rows, cols), async (m) => {
        const bytes = await applyToWorkbook(await frameworkWorkbook(base), m, FRAMEWORK_SHEET)
        await sendSafely(() => multipart('mingjian.admin', '/frameworks/import', [], [{ field: 'file', bytes, name: '指标体系.xlsx' }]), { cellEdited: isCellEdit(m) })
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  test('sheet import (.xlsx): never a 5xx, nothing half imported, the row or column named', async () => {
    const base = await download('mingjian.admin', `/engagements/${ids.sheetEngagementId}/sheet/export.xlsx`)
    const { rows, cols } = await sizeOf(base, FRAMEWORK_SHEET)
    // The edit-conflict token of the draft sheet, as the import page sends it.
    const version = (): [string, string][] => [['version', String((ro.$client.prepare('SELECT version FROM sheet_versions WHERE engagement_id = ? ORDER BY rowid DESC LIMIT 1').get(ids.sheetEngagementId) as { version: number }).version)]]
    await expectAccepted(() => multipart('mingjian.admin', `/engagements/${ids.sheetEngagementId}/sheet/import`, version(), [{ field: 'file', bytes: base, name: '评分表.xlsx' }]))
    await fc.assert(
      fc.asyncProperty(fileMutation(rows, cols), async (m) => {
        const bytes = await applyToWorkbook(base, m, FRAMEWORK_SHEET)
        await sendSafely(() => multipart('mingjian.admin', `/engagements/${ids.sheetEngagementId}/sheet/import`, version(), [{ field: 'file', bytes, name: '评分表.xlsx' }]), { cellEdited: isCellEdit(m) })
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  test('expert import (.xlsx): never a 5xx, nothing half imported, the row or column named', async () => {
    const { rows, cols } = await sizeOf(await expertWorkbook(), EXPERT_SHEET)
    await expectAccepted(async () => multipart('admin', '/experts/import', [], [{ field: 'file', bytes: await expertWorkbook(), name: '专家.xlsx' }]))
    await fc.assert(
      fc.asyncProperty(fileMutation(rows, cols), async (m) => {
        const bytes = await applyToWorkbook(await expertWorkbook(), m, EXPERT_SHEET)
        await sendSafely(() => multipart('admin', '/experts/import', [], [{ field: 'file', bytes, name: '专家.xlsx' }]), { cellEdited: isCellEdit(m) })
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  test('offline scoring upload (.xlsx): never a 5xx, no score saved from a refused sheet, the row named', async () => {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await download('fx.expert0', `/expert/seats/${ids.seatId}/score.xlsx`)) as unknown as ExcelJS.Buffer)
    const sheet = workbook.getWorksheet(SCORE_SHEET)!
    // Full marks everywhere: a valid sheet the mutations then spoil.
    for (let r = 2; r <= sheet.rowCount; r++) sheet.getCell(r, 6).value = Number(sheet.getCell(r, 4).value)
    const base = Buffer.from(await workbook.xlsx.writeBuffer())
    await expectAccepted(() => multipart('fx.expert0', `/expert/seats/${ids.seatId}/offline`, [], [{ field: 'file', bytes: base, name: '离线评分表.xlsx' }]))
    await fc.assert(
      fc.asyncProperty(fileMutation(sheet.rowCount, sheet.columnCount), async (m) => {
        const bytes = await applyToWorkbook(base, m, SCORE_SHEET)
        await sendSafely(() => multipart('fx.expert0', `/expert/seats/${ids.seatId}/offline`, [], [{ field: 'file', bytes, name: '离线评分表.xlsx' }]), { cellEdited: isCellEdit(m) })
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  for (const format of ['csv', 'xlsx'] as const) {
    test(`survey responses (.${format}), uploaded then imported: never a 5xx, nothing half imported`, async () => {
      const grid = surveyGrid()
      const mutation = fc.oneof(
        { arbitrary: workbookMutation(grid.length, SURVEY_HEADERS.length, foreignIds).map((m) => ({ kind: 'workbook' as const, m })), weight: 4 },
        { arbitrary: byteMutation().map((m) => ({ kind: 'bytes' as const, m })), weight: 1 },
      )
      const valid = format === 'csv' ? csvOf(grid) : await xlsxOf(grid)
      const uploaded = await sendSafely(() => multipart('mingjian.li', ids.surveyUrl, [], [{ field: 'file', bytes: valid, name: `答卷.${format}` }]))
      expect(uploaded.status).toBe(302)
      await expectAccepted(() => client('mingjian.li').post(uploaded.location, { intent: 'import', 'column.q1': SURVEY_HEADERS[1]!, 'column.q2': SURVEY_HEADERS[2]! }))
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const bytes = m.kind === 'bytes' ? damageBytes(valid, m.m) : format === 'csv' ? csvOf(mutateGrid(grid, m.m)) : await xlsxOf(mutateGrid(grid, m.m))
          const upload = await sendSafely(() => multipart('mingjian.li', ids.surveyUrl, [], [{ field: 'file', bytes, name: `答卷.${format}` }]))
          if (upload.status !== 302) return
          await sendSafely(() => client('mingjian.li').post(upload.location, { intent: 'import', 'column.q1': SURVEY_HEADERS[1]!, 'column.q2': SURVEY_HEADERS[2]! }), { cellEdited: m.kind === 'workbook' && m.m.kind === 'cells' })
        }),
        { numRuns: RUNS },
      )
    }, TIMEOUT)
  }
})

describe('hostile evidence uploads', () => {
  const evidence = fc.record({
    base: fc.constantFrom({ bytes: PDF, ext: 'pdf' }, { bytes: PNG, ext: 'png' }),
    damage: fc.option(byteMutation(), { freq: 2 }),
    name: hostileFilename('pdf'),
  })
  const fileOf = (e: { base: { bytes: Buffer; ext: string }; damage: ByteMutation | null; name: string }, field: string): FilePart => ({
    field,
    bytes: e.damage ? damageBytes(e.base.bytes, e.damage) : e.base.bytes,
    name: e.name.replace(/\.pdf$/, `.${e.base.ext}`),
  })

  test('working paper upload: never a 5xx, a refusal stores nothing', async () => {
    const valid: Record<string, string> = { intent: 'paper', title: '模糊测试底稿', indicatorCode: ids.leaf, note: '' }
    await expectAccepted(() => multipart('mingjian.zhao', `/engagements/${fx.panel.engagementId}/papers`, Object.entries(valid), [{ field: 'file', bytes: PDF, name: '底稿.pdf' }]))
    await fc.assert(
      fc.asyncProperty(evidence, hostilePairs(Object.keys(valid), foreignIds, { maxLength: 2 }), async (e, spoilt) => {
        const fields = Object.entries({ ...valid, ...Object.fromEntries(spoilt) })
        await sendSafely(() => multipart('mingjian.zhao', `/engagements/${fx.panel.engagementId}/papers`, fields, [fileOf(e, 'file')]))
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  test('资料清单 upload by the unit: never a 5xx, a refusal stores nothing', async () => {
    const current = String((ro.$client.prepare('SELECT version FROM document_requests WHERE id = ?').get(ids.requestId) as { version: number }).version)
    await expectAccepted(() => multipart('unit.edu', `/unit/requests?request=${ids.requestId}`, [['version', current], ['note', '']], [{ field: 'file', bytes: PNG, name: '资料.png' }]))
    await fc.assert(
      fc.asyncProperty(evidence, hostilePairs(['note', 'version'], foreignIds, { maxLength: 2 }), async (e, spoilt) => {
        const version = String((ro.$client.prepare('SELECT version FROM document_requests WHERE id = ?').get(ids.requestId) as { version: number }).version)
        const fields = Object.entries({ version, note: '', ...Object.fromEntries(spoilt) })
        await sendSafely(() => multipart('unit.edu', `/unit/requests?request=${ids.requestId}`, fields, [fileOf(e, 'file')]))
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  test('整改 evidence reported by the unit: never a 5xx, a refusal stores nothing', async () => {
    const version = () => String((ro.$client.prepare('SELECT version FROM rectification_items WHERE engagement_id = ?').get(ids.educationId) as { version: number }).version)
    await fc.assert(
      fc.asyncProperty(evidence, hostilePairs(['note', 'version'], foreignIds, { maxLength: 2 }), async (e, spoilt) => {
        const fields = Object.entries({ version: version(), note: '已整改', ...Object.fromEntries(spoilt) })
        const { status } = await sendSafely(() => multipart('unit.edu', ids.rectificationUrl, fields, [fileOf(e, 'file')]))
        // A report awaits the bureau's verdict; failing it reopens the item for the next run.
        if (status === 200) expect((await client('binjiang.finance').post(ids.rectificationUrl, { intent: 'verify', verdict: 'fail', reason: '模糊测试退回', version: version() })).status).toBe(200)
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)

  test('credit entry evidence: never a 5xx, a refusal stores nothing', async () => {
    const valid: Record<string, string> = { intent: 'issue', kind: 'late_deliverable', severity: 'minor', points: '0.5', effectiveOn: '', expiresOn: '', description: '模糊测试记录', engagementId: '' }
    await expectAccepted(() => multipart('binjiang.finance', `/credit/${ids.agencyId}?intent=issue`, Object.entries(valid), [{ field: 'files', bytes: PNG, name: '证据.png' }]))
    await fc.assert(
      fc.asyncProperty(fc.array(evidence, { maxLength: 3 }), hostilePairs(Object.keys(valid), foreignIds, { maxLength: 2 }), async (files, spoilt) => {
        const fields = Object.entries({ ...valid, ...Object.fromEntries(spoilt) })
        await sendSafely(() => multipart('binjiang.finance', `/credit/${ids.agencyId}?intent=issue`, fields, files.map((f) => fileOf(f, 'files'))))
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)
})

// ---- The JSON bundle, through the CLI command in this process ----

type JsonPath = (string | number)[]

function leafPaths(value: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  if (Array.isArray(value)) value.forEach((v, i) => leafPaths(v, [...at, i], out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leafPaths(v, [...at, k], out)
  out.push(at)
  return out
}

type BundleMutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'text'; pick: number; raw: string }
  | { kind: 'duplicateKey' }
  | { kind: 'bytes'; m: ByteMutation }

function bundleMutation(): fc.Arbitrary<BundleMutation> {
  const pick = fc.nat()
  const value = fc.oneof(
    fc.constantFrom<unknown>(...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, ...foreignIds),
    fc.constantFrom<unknown>(null, true, -0, -1, 1e300, 101, [], {}, [null], { __proto__: { admin: true } }, '长'.repeat(40_000)),
    fc.string({ maxLength: 20 }),
  )
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('set' as const), pick, value }), weight: 6 },
    { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick }), weight: 2 },
    // Numbers JSON.parse turns into Infinity or -0, which no JSON writer would produce.
    { arbitrary: fc.record({ kind: fc.constant('text' as const), pick, raw: fc.constantFrom('1e309', '-1e309', '-0', '1e-400', '"\\u0000"', '"\\ud800"') }), weight: 2 },
    { arbitrary: fc.constant({ kind: 'duplicateKey' as const }), weight: 1 },
    { arbitrary: byteMutation().map((m) => ({ kind: 'bytes' as const, m })), weight: 1 },
  )
}

const MARKER = '"__fuzz_marker__"'

function mutateBundle(bundle: unknown, m: BundleMutation): Buffer {
  const copy = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>
  if (m.kind === 'bytes') return damageBytes(Buffer.from(JSON.stringify(copy)), m.m)
  if (m.kind === 'duplicateKey') return Buffer.from(JSON.stringify(copy).replace(/^\{"([^"]+)":/, '{"$1":"重复的键","$1":'))
  const paths = leafPaths(copy).filter((p) => p.length > 0)
  const target = paths[m.pick % paths.length]!
  let parent: Record<string | number, unknown> = copy
  for (const step of target.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>
  const key = target[target.length - 1]!
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1)
    else delete parent[key]
    return Buffer.from(JSON.stringify(copy))
  }
  parent[key] = m.kind === 'set' ? m.value : '__fuzz_marker__'
  const text = JSON.stringify(copy)
  return Buffer.from(m.kind === 'text' ? text.replace(MARKER, m.raw) : text)
}

describe('hostile bundles', () => {
  test('evaldesk import (the CLI command in-process): never an uncaught error, a refusal imports nothing and names the JSON path', async () => {
    const bundle = exportBundle(fx.db, fx.panel.engagementId)
    expect(bundle).not.toBeNull()
    const file = path.join(fx.server.dir, 'fuzz-bundle.json')
    fs.writeFileSync(file, JSON.stringify(bundle))
    const said: string[] = []
    expect(await runCli([bundleImport], ['import', file, '--db', fx.server.dbFile], { out: () => {}, err: (l) => said.push(l) }), said.join('\n')).toBe(0)
    await fc.assert(
      fc.asyncProperty(bundleMutation(), async (m) => {
        fs.writeFileSync(file, mutateBundle(bundle, m))
        const before = digest.current()
        const out: string[] = []
        const err: string[] = []
        const code = await runCli([bundleImport], ['import', file, '--db', fx.server.dbFile], { out: (l) => out.push(l), err: (l) => err.push(l) })
        const said = err.join('\n')
        expect(said, said).not.toContain('命令执行失败')
        expect([0, 1], said).toContain(code)
        if (code !== 0) {
          expect(digest.current(), said).toBe(before)
          expect(said).toMatch(CHINESE)
          // A parsed file that breaks the schema or the database's rules: each problem by its JSON path.
          if (m.kind === 'set' || m.kind === 'delete') expect(said).toMatch(/^\$\S*：/m)
        }
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT)
})

// ---- Exports ----

function routePatterns(): string[] {
  const routes = builtRoutes()
  return Object.values(routes).map((r) => patternOf(routes, r.id))
}

const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

/** The text of every string cell of an .xlsx (shared or inline), as a spreadsheet would start reading it. */
function cellTexts(members: Record<string, Uint8Array>): string[] {
  const out: string[] = []
  for (const [name, data] of Object.entries(members)) {
    const xml = strFromU8(data)
    // A shared string is one <si>; only its first run starts the cell's text.
    if (name === 'xl/sharedStrings.xml') for (const m of xml.matchAll(/<si>(?:<r>(?:(?!<t[\s>]).)*)?<t(?:\s[^>]*)?>([^<]*)<\/t>/gs)) out.push(decodeXml(m[1]!))
    else if (/^xl\/worksheets\/[^/]+\.xml$/.test(name)) for (const m of xml.matchAll(/<is>(?:<r>(?:(?!<t[\s>]).)*)?<t(?:\s[^>]*)?>([^<]*)<\/t>/gs)) out.push(decodeXml(m[1]!))
  }
  return out
}

/**
 * Every problem of an .xlsx: a formula cell, and text a spreadsheet would run as a formula. The
 * exporters' policy (safeCellText) is to store such text as a string behind an apostrophe, so no
 * string cell may start with = + - @ or a tab or CR; a bare dash or a negative number is no formula.
 */
function formulaProblems(bytes: Buffer): string[] {
  const members = unzipSync(bytes)
  const problems: string[] = []
  for (const [name, data] of Object.entries(members)) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(name)) continue
    const xml = strFromU8(data)
    if (/<f[\s>/]/.test(xml)) problems.push(`${name}: a formula cell`)
    if (/\bt="str"/.test(xml)) problems.push(`${name}: a formula result cell`)
    for (const m of xml.matchAll(/<c\b([^>]*)>(?:(?!<\/c>).)*?<v>([^<]*)<\/v>/gs)) {
      const numeric = !/\bt="/.test(m[1]!) || /\bt="n"/.test(m[1]!)
      if (numeric && !/^-?\d+(\.\d+)?(E[+-]?\d+)?$/i.test(m[2]!)) problems.push(`${name}: a number that is not one: ${m[2]}`)
    }
  }
  for (const t of cellTexts(members)) if (/^[=+\-@\t\r]/.test(t) && !/^-+$|^-\d/.test(t)) problems.push(`text starts a formula: ${JSON.stringify(t.slice(0, 60))}`)
  return problems
}

describe('exports after the fuzz', () => {
  test('the checker sees a formula cell and formula-like text', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('表')
    sheet.getCell('A1').value = { formula: '1+1', result: 2 }
    sheet.getCell('A2').value = '=cmd'
    sheet.getCell('A3').value = "'=cmd"
    sheet.getCell('A4').value = -1
    const problems = formulaProblems(Buffer.from(await workbook.xlsx.writeBuffer()))
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('a formula cell'), expect.stringContaining('"=cmd"')]))
    expect(problems).toHaveLength(2)
  })

  test('no .xlsx export holds a formula cell, and formula-like text is stored as text', async () => {
    // Hostile text known to be stored, whatever the fuzz happened to get through.
    const hostileExpert = await buildWorkbook({
      sheetName: EXPERT_SHEET,
      meta: [],
      headers: EXPERT_HEADERS,
      headerRow: 1,
      rows: [dataRow({ 姓名: '=cmd|专家', 工作单位: '+浙江大学', 职称: '正高级', 专业领域: '财务', '手机/电话': '13699990000', 备注: '@SUM(A1)' }, EXPERT_HEADERS)],
    })
    const stored = await multipart('admin', '/experts/import', [], [{ field: 'file', bytes: hostileExpert, name: '专家.xlsx' }])
    expect(stored.status, (await stored.text()).slice(0, 300)).toBe(200)
    // Scoring ends, so the score matrix exists: every expert deducts on every leaf with a
    // formula-like reason and comment, and submits.
    let at = Date.now()
    const must = <T extends { ok: boolean }>(r: T, what: string) => expect(r.ok, `${what}: ${JSON.stringify(r)}`).toBe(true)
    for (const s of fx.panel.seats) {
      for (const item of expertScoringPage(fx.db, s.actor, s.seatId, new Date())!.items) {
        const { v } = ro.$client.prepare('SELECT coalesce(max(version_no), 0) AS v FROM score_entries WHERE seat_id = ? AND code = ?').get(s.seatId, item.node.code) as { v: number }
        const score = String((item.node.weight - Math.min(item.node.weight, 50)) / 100)
        must(saveScore(fx.db, s.actor, s.seatId, form({ code: item.node.code, score, reason: '=HYPERLINK("http://evil.example","佐证不足")', comment: '@SUM(A1)', seen: String(v) }), new Date((at += 1000))), 'score')
      }
      must(submitScores(fx.db, s.actor, s.seatId, new Date((at += 1000))), 'submit')
    }
    const round = ro.$client.prepare('SELECT version FROM scoring_rounds WHERE engagement_id = ?').get(fx.panel.engagementId) as { version: number }
    must(setScoringPhase(fx.db, fx.panel.lead, fx.panel.engagementId, form({ to: 'discussion', version: String(round.version) }), new Date((at += 1000))), 'discussion')
    const frameworks = (ro.$client.prepare(`SELECT v.framework_id AS f, v.id AS v FROM framework_versions v JOIN frameworks f ON f.id = v.framework_id WHERE f.name LIKE '模糊测试框架%' OR f.id = ? ORDER BY v.rowid DESC LIMIT 4`).all(ids.frameworkId) as { f: string; v: string }[])
    const exports: [string, string][] = [
      ['mingjian.zhao', `/engagements/${fx.panel.engagementId}/scores.xlsx`],
      ['mingjian.zhao', `/engagements/${fx.panel.engagementId}/sheet/export.xlsx`],
      ['mingjian.admin', `/engagements/${ids.sheetEngagementId}/sheet/export.xlsx`],
      ['mingjian.admin', `/engagements/${fx.panel.engagementId}/panel/fees.xlsx`],
      ['mingjian.admin', `/panels/fees.xlsx?month=${new Date().toISOString().slice(0, 7)}`],
      ['admin', '/experts/export.xlsx'],
      ['admin', '/experts/template.xlsx'],
      ['mingjian.admin', '/frameworks/template.xlsx'],
      ...frameworks.map((x): [string, string] => ['mingjian.admin', `/frameworks/${x.f}/versions/${x.v}/export.xlsx`]),
      ['binjiang.finance', '/credit.xlsx'],
      ['binjiang.finance', '/bureau/disclosure/xlsx'],
      ['fx.expert0', `/expert/seats/${ids.seatId}/score.xlsx`],
    ]
    // Every .xlsx route of the build is downloaded here: a new export fails this test until added.
    const concrete = (p: string) => p.replace(/:[^/]+/g, '[^/]+').replace(/\./g, '\\.')
    for (const pattern of routePatterns().filter((p) => p.endsWith('.xlsx'))) {
      expect(exports.some(([, url]) => new RegExp(`^${concrete(pattern)}(\\?.*)?$`).test(url)), `${pattern} is not checked`).toBe(true)
    }
    const quoted: string[] = []
    for (const [who, url] of exports) {
      const bytes = await download(who, url)
      expect(formulaProblems(bytes), url).toEqual([])
      quoted.push(...cellTexts(unzipSync(bytes)).filter((t) => t.startsWith("'")))
    }
    // The hostile text did reach the exports, behind the apostrophe: the expert's name and unit,
    // and the deduction reasons of the score matrix.
    expect(quoted).toEqual(expect.arrayContaining(["'=cmd|专家", "'+浙江大学", `'=HYPERLINK("http://evil.example","佐证不足")`]))
  }, TIMEOUT)
})
