// The tables reports share: the score table (评分表) with merged level-1/level-2 cells, the indicator
// system with its scoring rules, the level-1 summary, the expert panel, evidence and feedback lists.
// Every number goes through reports/format.ts.
import type { IndicatorNode, IndicatorTree } from '../../app/domain/indicators/tree'
import { cell, type TableBlock, type TableCell } from '../document'
import { circled, points, rate, weight } from '../format'
import { ADOPTION_LABELS, distinctReasons, scoreOf, type EvidenceItem, type FeedbackItem, type PanelFacts, type ScoringFacts } from '../model'
import { headerRow } from './outline'

export type Table = Omit<TableBlock, 'kind'>

type LeafChain = { leaf: IndicatorNode; chain: IndicatorNode[] }

function leafChains(tree: IndicatorTree): LeafChain[] {
  const out: LeafChain[] = []
  const visit = (node: IndicatorNode, above: IndicatorNode[]) => {
    const chain = [...above, node]
    if (node.children.length === 0) out.push({ leaf: node, chain })
    else node.children.forEach((c) => visit(c, chain))
  }
  tree.roots.forEach((r) => visit(r, []))
  return out
}

const withWeight = (node: IndicatorNode) => `${node.name}\n（${weight(node.weight)}分）`

/**
 * The three leading cells of each leaf's row: level 1 and level 2 merged down their leaves, then the
 * indicator. A leaf at level 2 spans the last two columns, a lone level-1 leaf all three, and a
 * level-4 leaf reads 「三级：四级」 in the third column.
 */
export function hierarchyCells(tree: IndicatorTree): { leaf: IndicatorNode; lead: TableCell[] }[] {
  const chains = leafChains(tree)
  const under = (node: IndicatorNode) => chains.filter((c) => c.chain.includes(node)).length
  return chains.map(({ leaf, chain }, i) => {
    const previous = chains[i - 1]?.chain ?? []
    if (chain.length === 1) return { leaf, lead: [cell(leaf.name, { colSpan: 3 })] }
    const lead: TableCell[] = []
    if (previous[0] !== chain[0]) lead.push(cell(withWeight(chain[0]!), { rowSpan: under(chain[0]!), align: 'center' }))
    if (chain.length === 2) return { leaf, lead: [...lead, cell(leaf.name, { colSpan: 2 })] }
    if (previous[1] !== chain[1]) lead.push(cell(withWeight(chain[1]!), { rowSpan: under(chain[1]!), align: 'center' }))
    lead.push(cell(chain.slice(2).map((n) => n.name).join('：')))
    return { leaf, lead }
  })
}

const HIERARCHY_COLUMNS = [
  { width: 8, align: 'center' as const },
  { width: 10, align: 'center' as const },
  { width: 14 },
]

/** 评分表: every leaf with weight, score, score rate and the deduction reasons; a total row with the grade. */
export function scoreTable(tree: IndicatorTree, scoring: ScoringFacts, verdict: string): Table {
  const rows = hierarchyCells(tree).map(({ leaf, lead }) => {
    const outcome = scoring.results.find((r) => r.code === leaf.code)
    const score = outcome?.score ?? 0
    return [
      ...lead,
      cell(weight(leaf.weight), { align: 'right' }),
      cell(points(score), { align: 'right' }),
      cell(rate(score, leaf.weight), { align: 'right' }),
      cell(distinctReasons(outcome).join('\n')),
    ]
  })
  rows.push([
    cell('合计', { colSpan: 3, align: 'center', bold: true }),
    cell(weight(scoring.totalWeight), { align: 'right', bold: true }),
    cell(points(scoring.total), { align: 'right', bold: true }),
    cell(rate(scoring.total, scoring.totalWeight), { align: 'right', bold: true }),
    cell(verdict, { bold: true }),
  ])
  return {
    columns: [...HIERARCHY_COLUMNS, { width: 7, align: 'right' }, { width: 8, align: 'right' }, { width: 9, align: 'right' }, { width: 44 }],
    header: headerRow('一级指标', '二级指标', '三级指标', '分值', '得分', '得分率', '评分依据及扣分原因'),
    rows,
    note: '注：得分为专家组评分汇总结果，保留两位小数（四舍五入）；得分率 = 得分 ÷ 分值。',
  }
}

/** 指标体系及评分标准: each leaf's explanation, evaluation points and scoring rule. */
export function indicatorSystemTable(tree: IndicatorTree): Table {
  const rows = hierarchyCells(tree).map(({ leaf, lead }) => [
    ...lead,
    cell(weight(leaf.weight), { align: 'right' }),
    cell(leaf.explanation),
    cell(leaf.points.map((p, i) => `${circled(i + 1)}${p}`).join('\n')),
    cell([leaf.ruleText, leaf.formula ? `计算公式：${leaf.formula}` : ''].filter((t) => t !== '').join('\n')),
  ])
  const total = tree.roots.reduce((s, r) => s + r.weight, 0)
  rows.push([cell('合计', { colSpan: 3, align: 'center', bold: true }), cell(weight(total), { align: 'right', bold: true }), cell('', { colSpan: 3 })])
  return {
    columns: [...HIERARCHY_COLUMNS, { width: 6, align: 'right' }, { width: 20 }, { width: 22 }, { width: 20 }],
    header: headerRow('一级指标', '二级指标', '三级指标', '分值', '指标解释', '评价要点', '评分标准'),
    rows,
  }
}

/** Level-1 indicators with weight, score and rate (and an optional verdict column), plus the total. */
export function level1Table(tree: IndicatorTree, scoring: ScoringFacts, verdict?: { title: string; of: (node: IndicatorNode) => string }): Table {
  const rows = tree.roots.map((root) => {
    const score = scoreOf(scoring, root.code)
    const row = [cell(root.name), cell(weight(root.weight), { align: 'right' }), cell(points(score), { align: 'right' }), cell(rate(score, root.weight), { align: 'right' })]
    return verdict ? [...row, cell(verdict.of(root), { align: 'center' })] : row
  })
  const total = [cell('合计', { bold: true, align: 'center' }), cell(weight(scoring.totalWeight), { align: 'right', bold: true }), cell(points(scoring.total), { align: 'right', bold: true }), cell(rate(scoring.total, scoring.totalWeight), { align: 'right', bold: true })]
  rows.push(verdict ? [...total, cell('', {})] : total)
  const titles = ['一级指标', '分值', '得分', '得分率', ...(verdict ? [verdict.title] : [])]
  return {
    columns: titles.map((_, i) => (i === 0 ? { width: 30 } : { width: 15, align: 'right' as const })),
    header: headerRow(...titles),
    rows,
  }
}

/** 专家组名单; names or pseudonyms as the engagement decided (the model already holds the right one). */
export function panelTable(panel: PanelFacts): Table {
  return {
    columns: [{ width: 8, align: 'center' }, { width: 16, align: 'center' }, { width: 30 }, { width: 14, align: 'center' }, { width: 20 }, { width: 12, align: 'center' }],
    header: headerRow('序号', '姓名', '工作单位', '职称', '专业领域', '组内分工'),
    rows: panel.members.map((m, i) => [
      cell(String(i + 1)),
      cell(m.displayName),
      cell(panel.showNames ? m.employer : '—'),
      cell(m.title),
      cell(m.specialty),
      cell(m.leader ? '组长' : '成员'),
    ]),
    ...(panel.showNames ? {} : { note: '注：按本项目设置，评审专家以代号列示，姓名及工作单位由评价机构存档备查。' }),
  }
}

/** 佐证材料清单: what each leaf requires and what fieldwork collected against it. */
export function evidenceTable(tree: IndicatorTree, evidence: EvidenceItem[]): Table {
  return {
    columns: [{ width: 8, align: 'center' }, { width: 22 }, { width: 40 }, { width: 30 }],
    header: headerRow('序号', '指标', '所需佐证材料', '已收集材料'),
    rows: leafChains(tree).map(({ leaf }, i) => {
      const collected = evidence.filter((e) => e.code === leaf.code).map((e) => (e.source ? `${e.title}（${e.source}）` : e.title))
      return [cell(String(i + 1)), cell(leaf.name), cell(leaf.evidence), cell(collected.length > 0 ? collected.join('\n') : '待现场核查后补充')]
    }),
  }
}

/** 征求意见及采纳情况 */
export function feedbackTable(feedback: FeedbackItem[]): Table {
  return {
    columns: [{ width: 8, align: 'center' }, { width: 16 }, { width: 36 }, { width: 12, align: 'center' }, { width: 28 }],
    header: headerRow('序号', '意见提出方', '意见内容', '采纳情况', '处理说明'),
    rows: feedback.map((f, i) => [cell(String(i + 1)), cell(f.from), cell(f.comment), cell(ADOPTION_LABELS[f.adoption]), cell(f.response)]),
  }
}

/** A node's leaves in order (the node itself when it is a leaf). */
export function leavesUnder(node: IndicatorNode): IndicatorNode[] {
  return node.children.length === 0 ? [node] : node.children.flatMap(leavesUnder)
}
