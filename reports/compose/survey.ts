// A satisfaction survey (满意度调查) under the analysis of the indicator it feeds: one sentence with
// the sample, the rate and its 95 % margin, then a table of the Likert items (count and share per
// level, item rate) with a bar chart after it, and one table per single-choice item.
import { formatMargin, formatPercent, ratio, ratioValue } from '../../app/domain/fieldwork/ratio'
import { SATISFIED_LEVEL_COUNT } from '../../app/domain/fieldwork/survey'
import { cell, type BarChartBlock } from '../document'
import type { SurveyFacts, SurveyItemFacts } from '../model'
import { headerRow, type Outline } from './outline'

function countText(count: number, total: number): string {
  // Count above share: a narrow level column would break 「215（52.2%）」 mid-number.
  return total === 0 ? String(count) : `${count}\n${formatPercent(ratio(count, total))}`
}

function summary(s: SurveyFacts): string {
  const basis = s.basis === 'overall-item' ? '以总体满意度题计算' : '各量表题合并计算'
  const head = `满意度调查《${s.title}》共回收问卷 ${s.sampleSize} 份，其中有效问卷 ${s.validResponses} 份`
  if (s.satisfied === null) return `${head}，无有效问卷，未计算满意率。`
  const margin = s.marginOfError === null ? '' : `，95% 置信水平下误差范围为 ${formatMargin(s.marginOfError)}${s.population === null ? '' : `（调查对象总数 ${s.population}，已作有限总体校正）`}`
  return `${head}；满意率为 ${formatPercent(s.satisfied)}（${basis}）${margin}。`
}

function likertTable(s: SurveyFacts, items: SurveyItemFacts[]) {
  const labels = items[0]!.counts.map((c) => c.label)
  return {
    caption: `《${s.title}》各题满意度分布（人数及占比）`,
    columns: [{ width: 24 }, ...labels.map(() => ({ width: 12, align: 'center' as const })), { width: 12, align: 'center' as const }],
    header: headerRow('题目', ...labels, '满意率'),
    rows: items.map((item) => {
      const total = item.counts.reduce((a, c) => a + c.count, 0)
      return [cell(item.title), ...item.counts.map((c) => cell(countText(c.count, total))), cell(item.satisfied ? formatPercent(item.satisfied) : '—')]
    }),
  }
}

function singleTable(s: SurveyFacts, item: SurveyItemFacts) {
  const total = item.counts.reduce((a, c) => a + c.count, 0)
  return {
    caption: `《${s.title}》${item.title}`,
    columns: [{ width: 50 }, { width: 25, align: 'center' as const }, { width: 25, align: 'center' as const }],
    header: headerRow('选项', '人数', '占比'),
    rows: item.counts.map((c) => [cell(c.label), cell(String(c.count)), cell(total === 0 ? '—' : formatPercent(ratio(c.count, total)))]),
  }
}

/**
 * Several Likert items: each item's satisfied share, the figure the rate is read from. A single item:
 * its level distribution, since a chart of one rate would be a lone bar repeating the sentence above.
 */
export function likertChart(s: SurveyFacts, items: SurveyItemFacts[]): BarChartBlock {
  const levels = items[0]!.counts.map((c) => `「${c.label}」`)
  if (items.length === 1) {
    const item = items[0]!
    const total = item.counts.reduce((a, c) => a + c.count, 0)
    return {
      kind: 'barChart',
      caption: `《${s.title}》${item.title}各等级占比`,
      bars: item.counts.map((c) => ({ label: c.label, share: total === 0 ? 0 : c.count / total, valueText: total === 0 ? String(c.count) : `${formatPercent(ratio(c.count, total))}（${c.count}）` })),
      note: `注：括号内为人数，占比以有效问卷 ${total} 份为基数。`,
    }
  }
  return {
    kind: 'barChart',
    caption: `《${s.title}》各题满意率`,
    bars: items.map((item) => ({ label: item.title, share: item.satisfied ? ratioValue(item.satisfied) : 0, valueText: item.satisfied ? formatPercent(item.satisfied) : '—' })),
    note: `注：满意率为选择${levels.slice(0, SATISFIED_LEVEL_COUNT).join('或')}的有效问卷占比。`,
  }
}

export function surveyBlocks(o: Outline, s: SurveyFacts): void {
  o.paragraph(summary(s))
  if (s.validResponses === 0) return
  const likert = s.items.filter((i) => i.kind === 'likert')
  if (likert.length > 0) o.table(likertTable(s, likert)).push(likertChart(s, likert))
  for (const item of s.items.filter((i) => i.kind === 'single')) o.table(singleTable(s, item))
}
