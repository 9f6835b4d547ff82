// framework:list, framework:export and framework:import through the real CLI on a temp database.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFrameworkWorkbook } from '../app/excel/framework-workbook.server'
import { buildWorkbook, dataRow } from './helpers/workbook-fixtures'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')
type Run = { code: number; stdout: string; stderr: string }

let dir: string
let dbFile: string

function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: dbFile }
  delete env.EVALDESK_AUDIT_KEY
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

const frameworkCount = () => {
  const db = new Database(dbFile, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM frameworks').get() as { n: number }).n
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-cli-fw-'))
  dbFile = path.join(dir, 'evaldesk.db')
  const migrated = await cli('migrate')
  expect(migrated.code).toBe(0)
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('framework commands', () => {
  it('list shows the shipped library with version ids; export writes a workbook that reads back', async () => {
    const list = await cli('framework:list')
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('指标库共 16 个框架')
    expect(list.stdout).toContain('项目支出绩效评价共性指标体系框架（2020）')
    const line = list.stdout.split('\n').find((l, i, all) => l.includes('版本编号') && all.slice(0, i).some((x) => x.includes('共性指标体系框架（2020）')))!
    const versionId = /版本编号 ([0-9A-Z]{26})/.exec(line)![1]!
    const out = path.join(dir, 'cy2020.xlsx')
    const exported = await cli('framework:export', versionId, '--out', out)
    expect(exported.code).toBe(0)
    const read = await readFrameworkWorkbook(fs.readFileSync(out))
    expect(read.ok && read.meta.name).toBe('项目支出绩效评价共性指标体系框架（2020）')
    const again = await cli('framework:export', versionId, '--out', out)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('--force')
    const badId = await cli('framework:export', 'not-an-id', '--out', out)
    expect(badId.code).toBe(2)

    // The exported file imports as a new framework, published at once when it validates.
    const imported = await cli('framework:import', out, '--publish')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('已导入：项目支出绩效评价共性指标体系框架（2020）（已发布）')
    expect(frameworkCount()).toBe(17)
  })

  it('import refuses a workbook with bad rows, printing each, and saves nothing', async () => {
    const file = path.join(dir, 'bad.xlsx')
    const rows = [dataRow({ 层级: 1, 编码: 'A', 名称: '产出', 权重: 'abc' }), dataRow({ 层级: 3, 编码: 'A101', 名称: '完成率', 权重: 100, 计分规则: '神秘计分' })]
    fs.writeFileSync(file, await buildWorkbook({ rows }))
    const before = frameworkCount()
    const run = await cli('framework:import', file)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/第 7 行「权重」/)
    expect(run.stderr).toMatch(/第 8 行/)
    expect(run.stderr).toContain('未导入任何内容')
    expect(frameworkCount()).toBe(before)
    const missing = await cli('framework:import', path.join(dir, 'nope.xlsx'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('文件不存在')
  })
})
