// expert:import through the real CLI on a temp database: a clean file adds every expert, a file
// with a bad row adds none and prints each problem with its row and column.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXPERT_HEADERS, EXPERT_SHEET } from '../app/excel/expert-workbook.server'
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

function query<T>(sql: string): T {
  const db = new Database(dbFile, { readonly: true })
  try {
    return db.prepare(sql).get() as T
  } finally {
    db.close()
  }
}
const expertCount = () => query<{ n: number }>('SELECT count(*) AS n FROM experts').n

async function workbookFile(name: string, rows: Record<string, string>[]): Promise<string> {
  const file = path.join(dir, name)
  const bytes = await buildWorkbook({ sheetName: EXPERT_SHEET, meta: [], headers: EXPERT_HEADERS, headerRow: 1, rows: rows.map((r) => dataRow(r, EXPERT_HEADERS)) })
  fs.writeFileSync(file, bytes)
  return file
}

const ROW = { 姓名: '钱学林', 工作单位: '浙江大学经济学院', 职称: '正高级', 专业领域: '财务、经济', '手机/电话': '13800001111' }

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-cli-experts-'))
  dbFile = path.join(dir, 'evaldesk.db')
  expect((await cli('migrate')).code).toBe(0)
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('expert:import', () => {
  it('adds every expert of a clean file, with the specialty list seeded on first use', async () => {
    const file = await workbookFile('good.xlsx', [ROW, { ...ROW, 姓名: '孙敏', 职称: '中级', 专业领域: '教育', '手机/电话': '0571-87650000', 状态: '暂停', 任职经历: '杭州市滨江区教育局|2019-09-01|' }])
    const run = await cli('expert:import', file)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('已导入 2 位专家。')
    expect(expertCount()).toBe(2)
    expect(query<{ status: string }>("SELECT status FROM experts WHERE name = '孙敏'").status).toBe('suspended')
    expect(query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'expert.import' AND actor_role = 'cli'").n).toBe(1)
  })

  it('refuses a file with a bad row, printing each problem, and adds nothing', async () => {
    const before = expertCount()
    const file = await workbookFile('bad.xlsx', [{ ...ROW, 姓名: '新专家', '手机/电话': '13800002222' }, { ...ROW, 姓名: '另一位', 专业领域: '天文', 邮箱: 'x@' }, ROW])
    const run = await cli('expert:import', file)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('第 3 行「邮箱」：邮箱格式不正确')
    expect(run.stderr).toContain('未导入任何专家')
    expect(expertCount()).toBe(before)
    // Past the cell checks, the pool's own checks: an unknown specialty and someone already there.
    const second = await cli('expert:import', await workbookFile('bad2.xlsx', [{ ...ROW, 姓名: '另一位', 专业领域: '天文' }, ROW]))
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(/第 2 行「专业领域」：无法识别「天文」/)
    expect(second.stderr).toContain('第 3 行「姓名」：专家库中已有「钱学林」')
    expect(expertCount()).toBe(before)
    const missing = await cli('expert:import', path.join(dir, 'nope.xlsx'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('文件不存在')
    expect((await cli('expert:import')).code).toBe(2)
  })
})
