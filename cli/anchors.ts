// Audit anchors file: one JSON object per line, only ever appended to. Keep it on another volume
// or host than the database (SECURITY.md §7), so whoever can rewrite the database cannot rewrite it.
import fs from 'node:fs'
import { z } from 'zod'
import type { AuditAnchor } from '../app/models/audit.server'
import { CliError } from './framework'

const AnchorLine = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  database: z.string().optional(),
})

export function appendAnchor(file: string, anchor: AuditAnchor & { at: string; database: string }): void {
  // O_APPEND: each line lands at the end even if two runs write at once.
  fs.appendFileSync(file, JSON.stringify(anchor) + '\n', { mode: 0o600, flag: 'a' })
}

export function readAnchors(file: string): AuditAnchor[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new CliError(`无法读取锚点文件 ${file}：${(error as Error).message}`)
  }
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        throw new CliError(`锚点文件第 ${number} 行不是有效的 JSON`)
      }
      const parsed = AnchorLine.safeParse(value)
      if (!parsed.success) throw new CliError(`锚点文件第 ${number} 行格式不正确`)
      return { seq: parsed.data.seq, hash: parsed.data.hash }
    })
}
