import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { parseRuleSpec, parseRuleType } from '../domain/indicators/rule-spec'
import { RULE_TYPES, flattenTree, type IndicatorTree } from '../domain/indicators/tree'
import {
  FRAMEWORK_SHEET,
  INSTRUCTIONS_SHEET,
  MAX_REPORTED_PROBLEMS,
  TEMPLATE_HEADERS,
  problemText,
  readFrameworkWorkbook,
  writeFrameworkWorkbook,
  writeTemplateWorkbook,
  type WorkbookMeta,
  type WorkbookProblem,
} from './framework-workbook.server'
import {
  HOSTILE_TEXTS,
  VALID_META,
  buildWorkbook,
  dataRow,
  node,
  realisticTree,
  unzip,
} from '../../test/helpers/workbook-fixtures'

const META: WorkbookMeta = {
  name: '=某区义务教育学校改造项目 绩效评价指标体系',
  category: 'project',
  source: '财预〔2020〕10号',
  description: '第一行说明\n第二行：@备注 😀',
}

async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer)
  return workbook
}

async function readOk(bytes: Buffer) {
  const result = await readFrameworkWorkbook(bytes)
  if (!result.ok)
    throw new Error(`expected a valid workbook, got:\n${result.problems.map(problemText).join('\n')}`)
  return result
}

async function readProblems(bytes: Buffer): Promise<WorkbookProblem[]> {
  const result = await readFrameworkWorkbook(bytes)
  if (result.ok) throw new Error('expected problems, the workbook was accepted')
  return result.problems
}

const at = (problems: WorkbookProblem[], row: number | null, column: string | null) =>
  problems.filter((p) => p.row === row && p.column === column).map((p) => p.message)

/** A valid minimal weighted tree as data rows: 产出 100 › 产出数量 100 › 完成率 100 (survey). */
function validRows(): ExcelJS.CellValue[][] {
  return [
    dataRow({ 层级: 1, 编码: 'C', 名称: '产出', 权重: 100 }),
    dataRow({ 层级: 2, 编码: 'C1', 名称: '产出数量', 权重: 100 }),
    dataRow({ 层级: 3, 编码: 'C11', 名称: '完成率', 权重: 100, 计分规则: '满意度', 规则参数: '目标=90' }),
  ]
}

describe('export → import', () => {
  it('reproduces a realistic tree and its metadata exactly, hostile text included', async () => {
    const tree = realisticTree()
    const bytes = await writeFrameworkWorkbook(META, tree)
    const result = await readOk(bytes)
    expect(result.tree).toEqual(tree)
    expect(result.meta).toEqual(META)
    expect(result.warnings).toEqual([])
    // Every hostile text is somewhere in the tree, so the equality above covered each one.
    const texts = JSON.stringify(flattenTree(tree))
    for (const text of HOSTILE_TEXTS) expect(texts).toContain(JSON.stringify(text).slice(1, -1))
  })

  it('writes user text as string cells, guarded with a leading apostrophe, and never a formula', async () => {
    const bytes = await writeFrameworkWorkbook(META, realisticTree())
    const members = await unzip(bytes)
    const sheets = [...members.keys()].filter(
      (name) => name.startsWith('xl/worksheets/') && name.endsWith('.xml'),
    )
    expect(sheets.length).toBe(2)
    for (const name of sheets) expect(members.get(name)!.toString('utf8')).not.toMatch(/<f[\s>]/)
    expect(members.has('xl/vbaProject.bin')).toBe(false)

    const workbook = await loadWorkbook(bytes)
    const sheet = workbook.getWorksheet(FRAMEWORK_SHEET)!
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 6 })
    expect(sheet.getCell('B1').value).toBe(`'${META.name}`)
    expect(sheet.getRow(6).values).toEqual([undefined, ...TEMPLATE_HEADERS])
    const startsLikeFormula = /^[=+\-@\t\r]/
    let cells = 0
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        cells++
        expect(cell.formula).toBeFalsy()
        expect([ExcelJS.ValueType.String, ExcelJS.ValueType.Number, ExcelJS.ValueType.Merge]).toContain(
          cell.type,
        )
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(startsLikeFormula)
      }),
    )
    expect(cells).toBeGreaterThan(100)
    // Row 7 is the first indicator, in pre-order; levels and weights are numbers.
    expect(sheet.getRow(7).getCell(1).value).toBe(1)
    expect(sheet.getRow(7).getCell(4).value).toBe(20)
    const c111 = flattenTree(realisticTree()).findIndex((r) => r.code === 'C111')
    expect(sheet.getRow(7 + c111).getCell(4).value).toBe(15.33)
    expect(sheet.getRow(7 + c111).getCell(10).value).toBe('分档计分')
    expect(sheet.getRow(7 + c111).getCell(11).value).toBe('指标=完成率;分档=95:100,90:80,80:60;其余=0')
  })

  it('round-trips an unweighted sector set: blank weights stay 0, category decides `weighted`', async () => {
    const tree: IndicatorTree = {
      weighted: false,
      roots: [
        node(1, 'S', '产出指标', 0, {
          children: [
            node(2, 'S1', '数量指标', 0, {
              children: [
                node(3, 'S11', '生均校舍面积', 0, {
                  unit: '平方米',
                  target: '≥6',
                  rule: { type: 'survey', targetPercent: 9000 },
                }),
              ],
            }),
          ],
        }),
      ],
    }
    const meta: WorkbookMeta = { name: '教育行业指标', category: 'sector', source: '', description: '' }
    const bytes = await writeFrameworkWorkbook(meta, tree)
    const sheet = (await loadWorkbook(bytes)).getWorksheet(FRAMEWORK_SHEET)!
    expect(sheet.getRow(7).getCell(4).value).toBeNull()
    const result = await readOk(bytes)
    expect(result.tree).toEqual(tree)
    expect(result.meta).toEqual(meta)
  })
})

describe('template', () => {
  it('parses as a valid framework, and documents every column and every rule type with a parsable example', async () => {
    const bytes = await writeTemplateWorkbook()
    const result = await readOk(bytes)
    expect(flattenTree(result.tree).length).toBeGreaterThanOrEqual(2)
    expect(result.meta.category).toBe('project')

    const workbook = await loadWorkbook(bytes)
    expect(workbook.worksheets.map((s) => s.name)).toEqual([FRAMEWORK_SHEET, INSTRUCTIONS_SHEET])
    const instructions = workbook.getWorksheet(INSTRUCTIONS_SHEET)!
    const lines: string[][] = []
    instructions.eachRow((row) =>
      lines.push((row.values as unknown[]).slice(1).map((v) => (typeof v === 'string' ? v : ''))),
    )
    for (const header of TEMPLATE_HEADERS) expect(lines.some((l) => l[0] === header)).toBe(true)
    for (const { label } of RULE_TYPES) {
      const example = lines.find((l) => l[0] === label && l[1] !== '' && l[1] !== '示例')
      expect(example, label).toBeDefined()
      expect(parseRuleSpec(parseRuleType(label)!, example![1]!).ok).toBe(true)
    }
  })
})

describe('import problems', () => {
  it('names the Excel row and column of every bad cell, all of them at once', async () => {
    const bytes = await buildWorkbook({
      rows: [
        dataRow({ 层级: 1, 编码: 'C', 名称: '产出', 权重: 100 }), // 7
        dataRow({ 层级: 5, 编码: 'X1', 名称: '五级' }), // 8
        dataRow({ 层级: 2, 编码: 'C1', 名称: '数量', 权重: 'abc' }), // 9
        dataRow({ 层级: 3, 编码: 'C11', 名称: '率', 权重: 1.234, 方向: '向上' }), // 10
        dataRow({ 层级: 3, 编码: 'C12', 名称: '率2', 权重: -1, 权重性质: '规定', 来源: '网上' }), // 11
        dataRow({ 层级: 3, 编码: 'C13', 名称: '率3', 计分规则: '打分', 规则参数: '目标=90' }), // 12
        dataRow({ 层级: 3, 编码: 'C14', 名称: '率4', 计分规则: '满意度', 规则参数: '目标=abc' }), // 13
        dataRow({
          层级: 3,
          编码: Number(123456789012345678n), // 18 digits, as Excel stores a typed number
          名称: '长编码',
        }), // 14
        dataRow({ 层级: 3, 编码: 'C15', 名称: new Date(Date.UTC(2024, 0, 1)) }), // 15
        dataRow({ 层级: 3, 编码: 'C16', 名称: { formula: 'A1&B1' } as ExcelJS.CellFormulaValue }), // 16
        dataRow({ 层级: 3, 编码: 'C17', 名称: '无规则', 规则参数: '目标=90' }), // 17
        dataRow({ 层级: 3, 编码: '', 名称: '无编码' }), // 18
        dataRow({ 层级: 3, 编码: 'C19', 名称: true, 目标值: { error: '#N/A' } as ExcelJS.CellErrorValue }), // 19
        // Excel's own escape: exceljs reads _x001B_ as ESC, as a hostile file would carry it.
        dataRow({ 层级: '0x1', 编码: 'C20', 名称: '转义', 方向: '_x001B_[2J\u202E清屏'.padEnd(50, '长') }), // 20
      ],
    })
    const problems = await readProblems(bytes)
    expect(at(problems, 8, '层级')).toEqual(['须为 1–4 的整数'])
    expect(at(problems, 9, '权重')).toEqual(['须为不小于 0 的数字，最多两位小数'])
    expect(at(problems, 10, '权重')).toEqual(['须为不小于 0 的数字，最多两位小数'])
    expect(at(problems, 10, '方向')[0]).toContain('无法识别「向上」')
    expect(at(problems, 11, '权重')).toHaveLength(1)
    expect(at(problems, 11, '权重性质')[0]).toContain('官方、惯例')
    expect(at(problems, 11, '来源')[0]).toContain('项目自设')
    expect(at(problems, 12, '计分规则')[0]).toContain('无法识别「打分」')
    expect(at(problems, 13, '规则参数')[0]).toContain('目标')
    expect(at(problems, 14, '编码')).toEqual(['编码须以文本格式填写（超过15位的数字会丢失精度）'])
    expect(at(problems, 15, '名称')[0]).toContain('日期')
    expect(at(problems, 16, '名称')[0]).toContain('没有保存计算结果')
    expect(at(problems, 17, '计分规则')).toEqual(['填写了规则参数，但未选择计分规则'])
    expect(at(problems, 18, '编码')).toEqual(['不能为空'])
    expect(at(problems, 19, '名称')[0]).toContain('逻辑值')
    expect(at(problems, 19, '目标值')[0]).toContain('#N/A')
    expect(at(problems, 20, '层级')).toEqual(['须为 1–4 的整数'])
    // Cell text quoted back is cut short and cannot drive a terminal.
    const direction = problemText(problems.find((p) => p.row === 20 && p.column === '方向')!)
    expect(direction).toMatch(/^第 20 行「方向」：无法识别「�\[2J�清屏长+…」，可选：正向、反向$/)
    expect(problems.filter((p) => p.row === 7)).toEqual([])
    expect(problemText(problems.find((p) => p.row === 9)!)).toBe(
      '第 9 行「权重」：须为不小于 0 的数字，最多两位小数',
    )
  })

  it('maps level skips and validation errors back to the row of the indicator', async () => {
    const skip = await readProblems(
      await buildWorkbook({
        rows: [dataRow({ 层级: 1, 编码: 'A', 名称: '一' }), dataRow({ 层级: 3, 编码: 'A11', 名称: '跳级' })],
      }),
    )
    expect(skip).toEqual([{ row: 8, column: '层级', message: '第 3 级指标前缺少第 2 级指标' }])

    const rows = validRows()
    rows[2] = dataRow({
      层级: 3,
      编码: 'C11',
      名称: '完成率',
      权重: 90,
      计分规则: '满意度',
      规则参数: '目标=90',
    })
    rows.push(
      dataRow({ 层级: 3, 编码: 'C11', 名称: '重复', 权重: 10, 计分规则: '满意度', 规则参数: '目标=120' }),
    )
    const invalid = await readProblems(await buildWorkbook({ rows }))
    expect(invalid.some((p) => p.row === 10 && p.column === '编码' && p.message.includes('重复'))).toBe(true)
    expect(
      invalid.some((p) => p.row === 10 && p.column === '规则参数' && p.message.includes('满意度目标')),
    ).toBe(true)
    expect(invalid.every((p) => p.row === null || p.row >= 7)).toBe(true)
  })

  it('reads by header name in any order, skips blank rows, uses cached formula results, strips one apostrophe', async () => {
    const headers = [...TEMPLATE_HEADERS].reverse()
    const rows = [
      dataRow(
        {
          层级: '1',
          编码: "'C",
          名称: { formula: '"产"&"出"', result: '产出' } as ExcelJS.CellFormulaValue,
          权重: '100',
        },
        headers,
      ),
      dataRow({}, headers),
      dataRow(
        {
          层级: 2,
          编码: 'C1',
          名称: { richText: [{ text: '产出' }, { text: '数量', font: { bold: true } }] },
          权重: 100,
        },
        headers,
      ),
      dataRow(
        {
          层级: 3,
          编码: 'C11',
          名称: "''引号",
          权重: 100,
          计分规则: 'survey',
          规则参数: '目标＝90%',
          目标值: 95,
          评价要点: '①甲\r\n\n  ②乙  ',
        },
        headers,
      ),
    ]
    const result = await readOk(await buildWorkbook({ headers, rows }))
    const [c, c1, c11] = flattenTree(result.tree)
    expect(c).toMatchObject({ code: 'C', name: '产出', weight: 10_000 })
    expect(c1).toMatchObject({ name: '产出数量' })
    expect(c11).toMatchObject({
      name: "'引号",
      target: '95',
      points: ['①甲', '②乙'],
      rule: { type: 'survey', targetPercent: 9000 },
    })
  })

  it('refuses missing sheets, headers, metadata and rows with one clear message', async () => {
    const missingColumns = await readProblems(
      await buildWorkbook({
        headers: TEMPLATE_HEADERS.filter((h) => h !== '方向' && h !== '佐证材料'),
        rows: validRows(),
      }),
    )
    expect(missingColumns).toEqual([{ row: 6, column: null, message: '缺少表头列：方向、佐证材料' }])

    const noHeader = await readProblems(await buildWorkbook({ headers: [], rows: [] }))
    expect(noHeader[0]!.message).toContain('未找到表头行')

    const renamed = await readOk(await buildWorkbook({ sheetName: 'Sheet1', rows: validRows() }))
    expect(renamed.meta.name).toBe('测试框架')
    const otherSheet = await readProblems(
      await buildWorkbook({ sheetName: 'Sheet1', headers: ['甲', '乙'], rows: [] }),
    )
    expect(otherSheet[0]!.message).toBe(`未找到工作表「${FRAMEWORK_SHEET}」，请使用系统提供的模板`)

    expect((await readProblems(await buildWorkbook({ rows: [] })))[0]!.message).toContain('未找到指标行')

    const badMeta = await readProblems(
      await buildWorkbook({
        meta: [
          ['类别', '什么类别'],
          ['框架名称', ''],
        ],
        rows: validRows(),
      }),
    )
    expect(at(badMeta, 1, '类别')[0]).toContain('无法识别「什么类别」')
    expect(at(badMeta, 2, '框架名称')).toEqual(['不能为空'])
  })

  it('caps the list at 200 problems with a count of the rest', async () => {
    const rows = Array.from({ length: 150 }, (_, i) =>
      dataRow({ 层级: 9, 编码: `X${i}`, 名称: '坏', 权重: 'x' }),
    )
    const problems = await readProblems(await buildWorkbook({ rows }))
    expect(problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1)
    expect(problems[MAX_REPORTED_PROBLEMS]).toEqual({ row: null, column: null, message: '……另有 100 处问题' })
  })

  it('refuses more than 2000 indicator rows', async () => {
    const rows = Array.from({ length: 2001 }, (_, i) => dataRow({ 层级: 1, 编码: `R${i}`, 名称: '行' }))
    const problems = await readProblems(await buildWorkbook({ rows }))
    expect(problems).toEqual([{ row: null, column: null, message: '指标行数超过上限 2000（共 2001 行）' }])
  })
})

describe('problemText', () => {
  it('says where when it knows', () => {
    expect(problemText({ row: 12, column: '权重', message: '须为数字' })).toBe('第 12 行「权重」：须为数字')
    expect(problemText({ row: 12, column: null, message: '问题' })).toBe('第 12 行：问题')
    expect(problemText({ row: null, column: '框架名称', message: '缺少' })).toBe('「框架名称」：缺少')
    expect(problemText({ row: null, column: null, message: '文件不是有效的 .xlsx 工作簿' })).toBe(
      '文件不是有效的 .xlsx 工作簿',
    )
  })
})

// VALID_META is the fixtures' default; keep it honest about what the template expects.
it('fixture metadata uses the template labels', () => {
  expect(VALID_META.map(([label]) => label)).toEqual(['框架名称', '类别', '来源', '说明'])
})
