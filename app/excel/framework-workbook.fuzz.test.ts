// Hostile workbooks (SECURITY.md §10): whatever the bytes, readFrameworkWorkbook returns a valid
// framework or Chinese problems, never throws, and never lets exceljs see a bomb or a macro.
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasErrors, validateTree } from '../domain/indicators/validate'
import { flattenTree } from '../domain/indicators/tree'
import {
  MAX_WORKBOOK_BYTES,
  TEMPLATE_HEADERS,
  problemText,
  readFrameworkWorkbook,
  writeFrameworkWorkbook,
  writeTemplateWorkbook,
  type WorkbookMeta,
  type WorkbookRead,
} from './framework-workbook.server'
import {
  HOSTILE_TEXTS,
  VALID_META,
  buildWorkbook,
  dataRow,
  makeZip,
  membersOf,
  node,
  type ZipMember,
} from '../../test/helpers/workbook-fixtures'

const RUNS = { numRuns: 100 }
const CJK = /[\u4e00-\u9fff]/
const META_LABELS = VALID_META.map(([label]) => label)

/** The contract: a valid framework, or problems that are Chinese and point at real places. */
function expectClean(result: WorkbookRead) {
  if (result.ok) {
    expect(hasErrors(validateTree(result.tree))).toBe(false)
    return
  }
  expect(result.problems.length).toBeGreaterThan(0)
  for (const p of result.problems) {
    expect(p.message).toMatch(CJK)
    expect(problemText(p)).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E]/)
    if (p.row !== null) expect(p.row).toBeGreaterThanOrEqual(1)
    if (p.column !== null) expect([...TEMPLATE_HEADERS, ...META_LABELS]).toContain(p.column)
  }
}

async function refusal(bytes: Buffer): Promise<string> {
  const result = await readFrameworkWorkbook(bytes)
  expectClean(result)
  if (result.ok) throw new Error('expected a refusal')
  return result.problems.map((p) => p.message).join('\n')
}

function validRows(): ExcelJS.CellValue[][] {
  return [
    dataRow({ 层级: 1, 编码: 'C', 名称: '产出', 权重: 100 }),
    dataRow({ 层级: 2, 编码: 'C1', 名称: '产出数量', 权重: 100 }),
    dataRow({
      层级: 3,
      编码: 'C11',
      名称: '完成率',
      权重: 60,
      计分规则: '公式计分',
      规则参数: '分子=实际数;分母=计划数',
    }),
    dataRow({ 层级: 3, 编码: 'C12', 名称: '满意度', 权重: 40, 计分规则: '满意度', 规则参数: '目标=90' }),
  ]
}

const errorValue = fc
  .constantFrom('#N/A', '#REF!', '#DIV/0!', '#VALUE!', '#NAME?', '#NUM!', '#NULL!')
  .map((error) => ({ error }) as ExcelJS.CellErrorValue)
const plainValue: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    ...HOSTILE_TEXTS,
    '正向',
    '反向',
    '官方',
    '惯例',
    '满意度',
    '分档计分',
    '目标=90',
    '1',
    '4',
    '12.5',
    '-1',
    '',
  ),
  fc.integer({ min: -5, max: 200 }),
  fc.double(),
  fc.bigInt({ min: 10n ** 15n, max: 10n ** 19n }).map(Number),
  fc.boolean(),
  fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }),
  errorValue,
)
const cellValue: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
  { weight: 6, arbitrary: plainValue },
  {
    weight: 1,
    arbitrary: plainValue.map((result) => ({ formula: 'A1&B1', result }) as ExcelJS.CellFormulaValue),
  },
  { weight: 1, arbitrary: fc.constant({ formula: 'NOW()' } as ExcelJS.CellFormulaValue) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.string({ maxLength: 8 }), { maxLength: 3 })
      .map((parts) => ({ richText: parts.map((text) => ({ text })) })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 10 }).map((text) => ({ text, hyperlink: 'https://example.com/' })),
  },
)

/** Valid rows with some cells (and maybe metadata) overwritten, so the reader gets past the first check. */
const hostileSheet = fc.record({
  edits: fc.array(fc.tuple(fc.nat({ max: 6 }), fc.constantFrom(...TEMPLATE_HEADERS), cellValue), {
    maxLength: 4,
  }),
  metaEdits: fc.array(fc.tuple(fc.nat({ max: 3 }), cellValue), { maxLength: 1 }),
  extraRows: fc.array(fc.array(cellValue, { minLength: 16, maxLength: 16 }), { maxLength: 1 }),
})

describe('hostile workbooks built with exceljs', () => {
  it('any cell of any type anywhere: a valid framework or Chinese problems, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(hostileSheet, async ({ edits, metaEdits, extraRows }) => {
        const rows = [...validRows(), ...extraRows]
        for (const [r, header, value] of edits) {
          const row = rows[r % rows.length]!
          row[TEMPLATE_HEADERS.indexOf(header)] = value
        }
        const meta = VALID_META.map(([label, value]) => [label, value] as [string, ExcelJS.CellValue])
        for (const [i, value] of metaEdits) meta[i]![1] = value
        expectClean(await readFrameworkWorkbook(await buildWorkbook({ meta, rows })))
      }),
      RUNS,
    )
  })

  it('a code of 16 or more digits typed as a number is refused on its row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 10n ** 15n, max: 10n ** 20n }),
        fc.nat({ max: 3 }),
        async (digits, r) => {
          const rows = validRows()
          rows[r]![TEMPLATE_HEADERS.indexOf('编码')] = Number(digits)
          const result = await readFrameworkWorkbook(await buildWorkbook({ rows }))
          expectClean(result)
          expect(result.ok).toBe(false)
          if (!result.ok)
            expect(result.problems).toContainEqual({
              row: 7 + r,
              column: '编码',
              message: '编码须以文本格式填写（超过15位的数字会丢失精度）',
            })
        },
      ),
      { numRuns: 30 },
    )
  })

  it('formula cells: the cached result is used; without one the cell is a problem', async () => {
    const rows = validRows()
    rows[2]![TEMPLATE_HEADERS.indexOf('名称')] = {
      formula: 'HYPERLINK("http://x","完成率")',
      result: '完成率',
    } as ExcelJS.CellFormulaValue
    rows[3]![TEMPLATE_HEADERS.indexOf('权重')] = { formula: '100-60', result: 40 } as ExcelJS.CellFormulaValue
    const ok = await readFrameworkWorkbook(await buildWorkbook({ rows }))
    expect(ok.ok && flattenTree(ok.tree).map((r) => [r.name, r.weight])).toEqual([
      ['产出', 10000],
      ['产出数量', 10000],
      ['完成率', 6000],
      ['满意度', 4000],
    ])
    rows[3]![TEMPLATE_HEADERS.indexOf('权重')] = { formula: '100-60' } as ExcelJS.CellFormulaValue
    expect(await refusal(await buildWorkbook({ rows }))).toContain('没有保存计算结果')
  })

  it('10,000 rows are refused before they are parsed', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      dataRow({ 层级: 3, 编码: `R${i}`, 名称: '行', 权重: 0.01 }),
    )
    expect(await refusal(await buildWorkbook({ rows }))).toContain('超过上限')
  })

  it('an empty workbook, a sheet without a header, a header without rows', async () => {
    const empty = new ExcelJS.Workbook()
    expect(await refusal(Buffer.from(await empty.xlsx.writeBuffer()))).toContain('未找到工作表')

    const noHeader = new ExcelJS.Workbook()
    noHeader.addWorksheet('指标体系').addRows([['随便'], [1, 2, 3], [new Date(), true]])
    expect(await refusal(Buffer.from(await noHeader.xlsx.writeBuffer()))).toContain('未找到表头行')

    const blankSheet = new ExcelJS.Workbook()
    blankSheet.addWorksheet('Sheet1')
    expect(await refusal(Buffer.from(await blankSheet.xlsx.writeBuffer()))).toContain('未找到工作表')

    expect(await refusal(await buildWorkbook({ rows: [] }))).toContain('未找到指标行')
  })
})

describe('hostile bytes', () => {
  it('random bytes, with or without a zip signature', async () => {
    const zipLike = fc
      .uint8Array({ maxLength: 4000 })
      .map((b) => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(b)]))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b)),
          zipLike,
        ),
        async (bytes) => {
          expect(await refusal(bytes)).toContain('文件不是有效的 .xlsx 工作簿')
        },
      ),
      RUNS,
    )
  })

  it('a truncated or corrupted real workbook', async () => {
    const good = await writeTemplateWorkbook()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 0, max: good.length - 1 }).map((n) => good.subarray(0, n)),
          fc
            .array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 })), {
              minLength: 1,
              maxLength: 6,
            })
            .map((flips) => {
              const bytes = Buffer.from(good)
              for (const [at, xor] of flips) bytes[at]! ^= xor
              return bytes
            }),
        ),
        async (bytes) => expectClean(await readFrameworkWorkbook(bytes)),
      ),
      RUNS,
    )
  })

  it('not an .xlsx at all: empty, text, an old .xls, oversized', async () => {
    expect(await refusal(Buffer.alloc(0))).toBe('文件不是有效的 .xlsx 工作簿')
    expect(await refusal(Buffer.from('<html><body>不是工作簿</body></html>'))).toBe(
      '文件不是有效的 .xlsx 工作簿',
    )
    expect(await refusal(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toBe(
      '文件不是有效的 .xlsx 工作簿',
    )
    const huge = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(MAX_WORKBOOK_BYTES)])
    expect(await refusal(huge)).toContain('文件过大')
  })
})

describe('hostile zips', () => {
  let members: ZipMember[]
  const withMembers = async (change: (m: ZipMember[]) => ZipMember[]) => {
    members ??= await membersOf(await writeTemplateWorkbook())
    return makeZip(change(members.map((m) => ({ ...m }))))
  }

  it('the hand-built zip of a real workbook is accepted (the writer below is sound)', async () => {
    const result = await readFrameworkWorkbook(await withMembers((m) => m))
    expect(result.ok).toBe(true)
  })

  it('a zip without xl/workbook.xml', async () => {
    expect(await refusal(await withMembers((m) => m.filter((x) => x.name !== 'xl/workbook.xml')))).toContain(
      '缺少 xl/workbook.xml',
    )
    expect(await refusal(makeZip([{ name: 'hello.txt', data: Buffer.from('hi') }]))).toContain('缺少')
  })

  it('a macro workbook (.xlsm with vbaProject.bin)', async () => {
    const xlsm = await withMembers((m) => [
      ...m,
      { name: 'xl/vbaProject.bin', data: Buffer.from('ATTRIBUT VB_NAME = "ThisWorkbook"') },
    ])
    expect(await refusal(xlsm)).toContain('宏')
  })

  it('zip bombs: too large when inflated, too compressible, or lying about their size', async () => {
    const zeros = Buffer.alloc(60 * 1024 * 1024)
    expect(
      await refusal(await withMembers((m) => [...m, { name: 'xl/media/image1.png', data: zeros }])),
    ).toContain('压缩炸弹')
    const ratio = await withMembers((m) => [
      ...m,
      { name: 'xl/media/image1.png', data: zeros.subarray(0, 8 * 1024 * 1024) },
    ])
    expect(await refusal(ratio)).toContain('压缩比异常')
    const lying = await withMembers((m) => [
      ...m,
      { name: 'xl/media/image1.png', data: zeros.subarray(0, 8 * 1024 * 1024), declaredSize: 100 },
    ])
    expect(await refusal(lying)).toContain('文件不是有效的 .xlsx 工作簿')
  })

  it('encrypted members, unknown compression, too many members', async () => {
    expect(
      await refusal(
        await withMembers((m) => m.map((x) => (x.name === 'xl/styles.xml' ? { ...x, encrypted: true } : x))),
      ),
    ).toContain('加密')
    const many = await withMembers((m) => [
      ...m,
      ...Array.from({ length: 200 }, (_, i) => ({ name: `xl/extra/${i}.xml`, data: Buffer.from('<a/>') })),
    ])
    expect(await refusal(many)).toContain('超过上限 200')
  })
})

describe('export → import is lossless for any free text', () => {
  // Characters that stress the writer: formula triggers, XML-invalid code points, lone surrogates,
  // CR, and the pieces of Excel's own _xHHHH_ escape.
  const tricky = fc.constantFrom(
    '=',
    '+',
    '-',
    '@',
    "'",
    '\t',
    '\r',
    '\n',
    '\u0000',
    '\u0008',
    '\u001F',
    '\u007F',
    '\uFFFE',
    '\uD800',
    '\uDFFF',
    '_',
    'x',
    '0',
    '5',
    'F',
    '😀',
    '\u202E',
    ' ',
    '&',
    '<',
  )
  const freeText = fc.string({
    unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 40,
  })
  const point = freeText.map((s) => s.replace(/[\r\n]/g, '').trim()).filter((s) => s !== '')
  const meta: WorkbookMeta = { name: '往返测试', category: 'project', source: '', description: '' }

  it('explanation, formula, rule text, unit, target, evidence and points survive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(freeText, { minLength: 6, maxLength: 6 }),
        fc.array(point, { maxLength: 3 }),
        async ([explanation, formula, ruleText, unit, target, evidence], points) => {
          const leaf = node(3, 'C11', '完成率', 10_000, {
            explanation,
            formula,
            ruleText,
            unit,
            target,
            evidence,
            points,
            rule: { type: 'survey', targetPercent: 9000 },
          })
          const tree = {
            weighted: true,
            roots: [
              node(1, 'C', '产出', 10_000, {
                children: [node(2, 'C1', '数量', 10_000, { children: [leaf] })],
              }),
            ],
          }
          const result = await readFrameworkWorkbook(await writeFrameworkWorkbook(meta, tree))
          expect(result.ok && result.tree).toEqual(tree)
        },
      ),
      { numRuns: 60 },
    )
  })
})
