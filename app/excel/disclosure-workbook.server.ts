// The disclosure list (绩效评价结果公开清单) as a workbook: every cell a string, wrapped.
import { writeTitledTableWorkbook } from './titled-table-workbook.server'

export function writeDisclosureWorkbook<Row extends Record<string, string>>(
  title: string,
  note: string,
  columns: readonly { key: keyof Row & string; header: string; width: number }[],
  rows: readonly Row[],
): Promise<Uint8Array> {
  const table = columns.map((c) => ({ header: c.header, width: c.width, value: (r: Row) => r[c.key] ?? '' }))
  return writeTitledTableWorkbook('公开清单', title, note, table, rows, { wrapText: true })
}
