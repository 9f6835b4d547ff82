// Structural edits of an indicator tree as the editor and the sheet builder perform them. Each takes
// the pre-order rows (IndicatorRow[]) and returns new rows; nothing is mutated.
import { MAX_LEVEL, type IndicatorRow, type IndicatorTree, type Level, blankIndicator, flattenTree } from './tree'

/** The index one past the last row of the subtree that starts at `index`. */
export function subtreeEnd(rows: readonly IndicatorRow[], index: number): number {
  const level = rows[index]!.level
  let end = index + 1
  while (end < rows.length && rows[end]!.level > level) end++
  return end
}

/** A code not yet used: the parent's code plus a two-digit sequence (A1 -> A101, A102…). */
export function freshCode(rows: readonly IndicatorRow[], parentCode: string | null): string {
  const used = new Set(rows.map((r) => r.code))
  const prefix = parentCode ?? 'N'
  for (let n = 1; n < 10_000; n++) {
    const candidate = `${prefix}${String(n).padStart(2, '0')}`
    if (!used.has(candidate) && candidate.length <= 20) return candidate
  }
  // Practically unreachable (10,000 siblings); a long prefix falls back to a neutral series.
  for (let n = 1; ; n++) if (!used.has(`X${n}`)) return `X${n}`
}

/** Appends a new child at the end of the row's subtree; at the deepest level it is refused. */
export function addChild(rows: readonly IndicatorRow[], index: number): IndicatorRow[] {
  const parent = rows[index]
  if (!parent || parent.level >= MAX_LEVEL) return [...rows]
  const { children: _none, ...child } = blankIndicator((parent.level + 1) as Level, freshCode(rows, parent.code), '')
  // A parent gives up its own rule when it gains children: only leaves are scored.
  const withParent = rows.map((r, i) => (i === index ? { ...r, rule: null } : r))
  const end = subtreeEnd(rows, index)
  return [...withParent.slice(0, end), child, ...withParent.slice(end)]
}

/** A new level-1 indicator at the end. */
export function addRoot(rows: readonly IndicatorRow[]): IndicatorRow[] {
  const { children: _none, ...root } = blankIndicator(1, freshCode(rows, null), '')
  return [...rows, root]
}

/** Removes the row and everything under it. */
export function removeRow(rows: readonly IndicatorRow[], index: number): IndicatorRow[] {
  if (!rows[index]) return [...rows]
  return [...rows.slice(0, index), ...rows.slice(subtreeEnd(rows, index))]
}

/** Swaps the row's subtree with its previous or next sibling's subtree; at either end nothing moves. */
export function moveRow(rows: readonly IndicatorRow[], index: number, direction: 'up' | 'down'): IndicatorRow[] {
  const row = rows[index]
  if (!row) return [...rows]
  const siblings = siblingStarts(rows, index)
  const at = siblings.indexOf(index)
  const other = direction === 'up' ? siblings[at - 1] : siblings[at + 1]
  if (other === undefined) return [...rows]
  const [first, second] = other < index ? [other, index] : [index, other]
  const firstEnd = subtreeEnd(rows, first)
  const secondEnd = subtreeEnd(rows, second)
  return [...rows.slice(0, first), ...rows.slice(second, secondEnd), ...rows.slice(firstEnd, second), ...rows.slice(first, firstEnd), ...rows.slice(secondEnd)]
}

/** Start indexes of the row's siblings (itself included), in order. */
function siblingStarts(rows: readonly IndicatorRow[], index: number): number[] {
  const level = rows[index]!.level
  let start = index
  while (start > 0 && rows[start - 1]!.level >= level) start--
  const starts: number[] = []
  for (let i = start; i < rows.length && rows[i]!.level >= level; i++) if (rows[i]!.level === level) starts.push(i)
  return starts
}

/**
 * Inserts indicators as children of the row with `parentCode`, after its existing children.
 * Codes that clash with the tree get fresh ones; levels are set from the parent.
 */
export function insertUnder(rows: readonly IndicatorRow[], parentCode: string, added: readonly IndicatorRow[]): IndicatorRow[] | null {
  const index = rows.findIndex((r) => r.code === parentCode)
  const parent = rows[index]
  if (!parent || parent.level >= MAX_LEVEL) return null
  const out = rows.map((r, i) => (i === index ? { ...r, rule: null } : r))
  const fresh: IndicatorRow[] = []
  for (const row of added) {
    const taken = new Set([...out.map((r) => r.code), ...fresh.map((r) => r.code)])
    const code = row.code === '' || taken.has(row.code) ? freshCode([...out, ...fresh], parent.code) : row.code
    fresh.push({ ...row, code, level: (parent.level + 1) as Level })
  }
  const end = subtreeEnd(out, index)
  return [...out.slice(0, end), ...fresh, ...out.slice(end)]
}

/** The nodes a picked indicator may be placed under: every level-2 or level-3 row. */
export function placementTargets(tree: IndicatorTree): IndicatorRow[] {
  return flattenTree(tree).filter((r) => r.level === 2 || r.level === 3)
}

// Sector lists group indicators as 产出/效益/满意度 × 数量/质量/时效/成本/经济/社会/生态/可持续; frameworks
// name their level 1 and 2 in many ways (产出 › 产出数量, 效果 › 项目效益). Matching on these keys
// places most picks where a reviewer expects them; the user can always choose another parent.
const GROUP_KEYS = ['数量', '质量', '时效', '成本', '经济', '社会', '生态', '可持续', '满意'] as const

/**
 * The level-2 row of `target` that best fits an indicator listed under `sectorLevel1 › sectorLevel2`
 * in a sector set, or null when the target has no level-2 rows.
 */
export function suggestPlacement(target: IndicatorTree, sectorLevel1: string, sectorLevel2: string): string | null {
  const l1Keys = sectorLevel1.includes('满意') ? ['满意', '效益', '效果'] : sectorLevel1.includes('产出') ? ['产出'] : ['效益', '效果']
  const groupKey = GROUP_KEYS.find((k) => sectorLevel2.includes(k))
  let best: { code: string; score: number } | null = null
  for (const root of target.roots) {
    const l1Score = l1Keys.findIndex((k) => root.name.includes(k))
    for (const l2 of root.children) {
      let score = l1Score >= 0 ? 4 - l1Score : 0
      if (groupKey && l2.name.includes(groupKey)) score += 5
      if (!best || score > best.score) best = { code: l2.code, score }
    }
  }
  return best?.code ?? null
}
