// report and report:batch through the real CLI on a demo database where one engagement has been
// scored by five experts (through the services): files written, hashes printed and reproducible with
// --at, Chinese refusals, and a batch over a year that renders the scored engagement and skips the
// others with their reasons.
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SHEET_ENGAGEMENT } from '../db/seed/demo-sheets'
import { MONITORING_ENGAGEMENT, scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')
const AT = '2026-06-20T10:00:00+08:00'
let temp: TempDb | undefined
let dir = ''
let dbFile = ''
let engagementId = ''

type Run = { code: number; stdout: string; stderr: string }

function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: dbFile, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY }
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

type Printed = { path: string; size: number; sha256: string }

/** The `path<TAB>size 字节<TAB>SHA-256 hex` lines the commands print for each file. */
function printedFiles(stdout: string): Printed[] {
  return [...stdout.matchAll(/^(.+)\t(\d+) 字节\tSHA-256 ([0-9a-f]{64})$/gm)].map((m) => ({ path: m[1]!, size: Number(m[2]), sha256: m[3]! }))
}

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex')

beforeAll(async () => {
  temp = await makeDemoDb(new Date('2026-06-01T00:00:00.000Z'))
  dir = temp.dir
  dbFile = temp.file
  engagementId = (await scoredEngagement(temp.db, { at: new Date('2026-06-01T00:01:00.000Z'), size: 5 })).engagementId
  // The commands open the file themselves.
  temp.db.$client.close()
})
afterAll(() => temp?.cleanup())

describe('report', () => {
  it('writes the DOCX and PDF, prints path, size and SHA-256, and gives the same bytes for the same --at', async () => {
    const runs = await Promise.all(['a', 'b'].map((sub) => cli('report', engagementId, '--type', 'evaluation', '--format', 'docx,pdf', '--out', path.join(dir, sub), '--at', AT)))
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 })
    const [first, second] = runs.map((r) => printedFiles(r.stdout))
    expect(first!.map((f) => path.basename(f.path))).toEqual([`${MONITORING_ENGAGEMENT}绩效评价报告-初稿.docx`, `${MONITORING_ENGAGEMENT}绩效评价报告-初稿.pdf`])
    expect(second!.map((f) => f.sha256)).toEqual(first!.map((f) => f.sha256))
    for (const f of [...first!, ...second!]) {
      const bytes = fs.readFileSync(f.path)
      expect(bytes.byteLength).toBe(f.size)
      expect(sha256(bytes)).toBe(f.sha256)
    }
    const [docx, pdf] = first!.map((f) => fs.readFileSync(f.path))
    const documentXml = strFromU8(unzipSync(docx!)['word/document.xml']!)
    expect(documentXml).toContain('综合评价情况及评价结论')
    expect(pdf!.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('writes only the formats asked for, at the stage asked for', async () => {
    const run = await cli('report', engagementId, '--type', 'score-sheets', '--format', 'pdf', '--stage', 'consultation', '--out', path.join(dir, 'sheets'), '--at', '2026-06-20T02:00:00Z')
    expect(run, run.stderr).toMatchObject({ code: 0 })
    expect(printedFiles(run.stdout).map((f) => path.basename(f.path))).toEqual([`${MONITORING_ENGAGEMENT}专家个人评分表-征求意见稿.pdf`])
  })

  it('refuses a bad type, format or time, an unknown engagement and one not ready, in Chinese with exit 1', async () => {
    const cases: [string[], string][] = [
      [[engagementId, '--type', 'summary'], '未知的报告类型「summary」'],
      [[engagementId, '--type', 'evaluation', '--format', 'odt'], '未知的文件格式「odt」'],
      [[engagementId, '--type', 'evaluation', '--at', '2026-06-20 10:00'], '--at 时间格式不正确'],
      [['01ARZ3NDEKTSV4RRFFQ69G5FAV', '--type', 'evaluation'], '未找到评价项目：01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      [[DEMO_SHEET_ENGAGEMENT, '--type', 'evaluation'], '尚无专家提交评分'],
    ]
    const runs = await Promise.all(cases.map(([args]) => cli('report', ...args, '--out', path.join(dir, 'refused'))))
    runs.forEach((run, i) => {
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(cases[i]![1])
    })
    expect(fs.existsSync(path.join(dir, 'refused'))).toBe(false)
  })
})

describe('report:batch', () => {
  it('renders every ready engagement of the year, skips the others with their reasons and prints a summary', async () => {
    const out = path.join(dir, 'batch')
    const run = await cli('report:batch', '--year', '2025', '--out', out, '--at', AT, '--threads', '2')
    expect(run, run.stderr).toMatchObject({ code: 0 })
    const files = printedFiles(run.stdout)
    expect(files.map((f) => path.basename(f.path))).toEqual([`${MONITORING_ENGAGEMENT}绩效评价报告-初稿.docx`, `${MONITORING_ENGAGEMENT}绩效评价报告-初稿.pdf`])
    expect(fs.readdirSync(out).sort()).toEqual(files.map((f) => path.basename(f.path)).sort())
    // The same model and time as the single command: the same bytes, whether rendered in a worker or not.
    const single = printedFiles((await cli('report', engagementId, '--type', 'evaluation', '--out', path.join(dir, 'single'), '--at', AT)).stdout)
    expect(files.map((f) => f.sha256)).toEqual(single.map((f) => f.sha256))
    expect(run.stdout).toContain(`跳过：${DEMO_SHEET_ENGAGEMENT}（`)
    expect(run.stdout).toMatch(new RegExp(`跳过：${DEMO_SHEET_ENGAGEMENT}（[0-9A-Z]{26}）：尚无专家提交评分`))
    // Five engagements of 2025 in the demo: one rendered, four not ready.
    expect(run.stdout).toMatch(/共 5 个项目：完成 1 个，跳过 4 个，失败 0 个；用时 [\d.]+ 秒；写入 2 个文件/)
    // Not a terminal: one progress line per engagement on stderr.
    expect(run.stderr.match(/^\[\d\/5\] (完成|跳过) /gm)).toHaveLength(5)
  })

  it('limits the batch to one bureau, and refuses an unknown bureau or a year without engagements', async () => {
    const xihu = await cli('report:batch', '--year', '2025', '--bureau', '杭州市西湖区财政局', '--type', 'plan', '--format', 'docx', '--out', path.join(dir, 'xihu'))
    expect(xihu, xihu.stderr).toMatchObject({ code: 0 })
    expect(xihu.stdout).toMatch(/共 2 个项目：完成 0 个，跳过 2 个，失败 0 个/)
    expect(xihu.stdout).toContain('跳过：2025年西湖区高标准农田建设项目支出绩效评价（')
    const unknown = await cli('report:batch', '--year', '2025', '--bureau', '某某财政局', '--out', path.join(dir, 'none'))
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('未找到财政局：某某财政局')
    const empty = await cli('report:batch', '--year', '2030', '--out', path.join(dir, 'none'))
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('2030 年度没有评价项目')
  })
})
