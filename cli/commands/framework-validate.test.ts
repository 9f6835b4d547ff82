import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flattenTree } from '../../app/domain/indicators/tree'
import { writeFrameworkWorkbook } from '../../app/excel/framework-workbook.server'
import { buildWorkbook, dataRow, realisticTree } from '../../test/helpers/workbook-fixtures'

const TSX = path.resolve('node_modules/.bin/tsx')
const ENTRY = path.resolve('cli/evaldesk.ts')

type Run = { code: number; stdout: string; stderr: string }

let dir: string

/** The real CLI in a child process; framework:validate needs no database, so none is created. */
function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALDESK_DB: path.join(dir, 'absent.db') }
  return new Promise((resolve) => {
    execFile(TSX, [ENTRY, ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-framework-validate-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('evaldesk framework:validate', () => {
  it('passes a valid workbook with a summary, and lists every problem of an invalid one with exit 1', async () => {
    const valid = path.join(dir, 'valid.xlsx')
    fs.writeFileSync(
      valid,
      await writeFrameworkWorkbook(
        { name: '2020 项目支出', category: 'project', source: '', description: '' },
        realisticTree(),
      ),
    )
    const invalid = path.join(dir, 'invalid.xlsx')
    fs.writeFileSync(
      invalid,
      await buildWorkbook({
        rows: [
          dataRow({ 层级: 1, 编码: 'C', 名称: '产出', 权重: 100 }),
          dataRow({ 层级: 2, 编码: 'C1', 名称: '数量', 权重: 'abc' }),
          dataRow({
            层级: 3,
            编码: Number(123456789012345678n), // 18 digits, as Excel stores a typed number
            名称: '率',
            权重: 100,
            方向: '向上',
          }),
        ],
      }),
    )
    const notXlsx = path.join(dir, 'notes.xlsx')
    fs.writeFileSync(notXlsx, 'hello')

    const [ok, bad, garbage, missing, noArg] = await Promise.all([
      cli('framework:validate', valid),
      cli('framework:validate', invalid),
      cli('framework:validate', notXlsx),
      cli('framework:validate', path.join(dir, 'nope.xlsx')),
      cli('framework:validate'),
    ])
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`通过：${flattenTree(realisticTree()).length} 个指标，权重合计 100 分`)

    expect(bad.code).toBe(1)
    const lines = bad.stderr.trim().split('\n')
    expect(lines).toContain('第 8 行「权重」：须为不小于 0 的数字，最多两位小数')
    expect(lines).toContain('第 9 行「编码」：编码须以文本格式填写（超过15位的数字会丢失精度）')
    expect(lines.some((l) => l.startsWith('第 9 行「方向」：无法识别「向上」'))).toBe(true)
    expect(bad.stderr).toContain('有 3 处问题')

    expect(garbage.code).toBe(1)
    expect(garbage.stderr).toContain('文件不是有效的 .xlsx 工作簿')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('文件不存在或无法读取')
    expect(noArg.code).toBe(2)
    expect(fs.existsSync(path.join(dir, 'absent.db'))).toBe(false)
  })
})
