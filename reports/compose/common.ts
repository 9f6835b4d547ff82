// What every report type shares: its title, the cover, the document id, the independence page and
// the closing signature. The id is derived from the model alone, so equal models give equal
// documents (and, downstream, equal bytes).
import { createHash } from 'node:crypto'
import stableStringify from 'fast-json-stable-stringify'
import { heading, paragraph, type Block, type CoverLine, type ReportDocument } from '../document'
import { chineseDate } from '../format'
import { NARRATIVE_SECTIONS, reportStageLabel, reportTypeLabel, type NarrativeKey, type ReportModel, type ReportType, type ScoringFacts } from '../model'
import type { Outline } from './outline'
import { baseContext } from './context'
import { evidenceTable, feedbackTable, indicatorSystemTable, panelTable, scoreTable } from './tables'
import { renderBlocks } from './templates'

/** 32 lowercase hex characters: the start of the SHA-256 of the model's stable serialisation. */
export function documentIdOf(model: ReportModel): string {
  return createHash('sha256').update(stableStringify(model)).digest('hex').slice(0, 32)
}

const TITLE_ENDINGS: Record<ReportType, { ends: string[]; suffix: string }> = {
  // 「…项目支出绩效评价」 + 报告; 「…资金项目」 + 绩效评价报告.
  evaluation: { ends: ['评价'], suffix: '绩效评价' },
  'ex-ante': { ends: ['评估'], suffix: '事前绩效评估' },
  plan: { ends: ['评价', '评估'], suffix: '绩效评价' },
  'score-sheets': { ends: [], suffix: '' },
}

/** The document title from the engagement name: 「…项目支出绩效评价」 → 「…项目支出绩效评价报告」. */
export function titleOf(model: ReportModel): string {
  const name = model.engagement.name
  const rule = TITLE_ENDINGS[model.type]
  const base = rule.ends.some((e) => name.endsWith(e)) ? name : `${name}${rule.suffix}`
  if (model.type === 'plan') return `${base}工作方案`
  if (model.type === 'score-sheets') return `${name}专家个人评分表`
  return `${base}报告`
}

/** The stage printed under the title: drafts say which draft; the final version says nothing. */
export function subtitleOf(model: ReportModel): string {
  return model.document.stage === 'final' ? '' : `（${reportStageLabel(model.document.stage)}）`
}

/** Breaks a long title before its report-type ending, as cover titles are set. */
function coverTitle(title: string): string {
  const ending = ['绩效评价报告', '事前绩效评估报告', '绩效评价工作方案', '专家个人评分表'].find((e) => title.endsWith(e) && title.length > e.length)
  return ending ? `${title.slice(0, -ending.length)}\n${ending}` : title
}

export function assemble(
  model: ReportModel,
  parts: { lines: CoverLine[]; sealNote: string; frontMatter: Block[][]; toc: boolean; body: Block[] },
): ReportDocument {
  const title = titleOf(model)
  return {
    meta: { title, subject: reportTypeLabel(model.type), author: model.engagement.agency, createdAt: model.document.generatedAt, documentId: documentIdOf(model) },
    cover: { title: coverTitle(title), subtitle: subtitleOf(model), lines: parts.lines, sealNote: parts.sealNote, verification: model.document.verification },
    runningHeader: title,
    frontMatter: parts.frontMatter,
    toc: parts.toc ? { title: '目  录' } : null,
    body: parts.body,
  }
}

/** 委托方 / 评价机构 / date lines of a cover. */
export function coverLines(model: ReportModel, agencyLabel: string, dateLabel: string): CoverLine[] {
  return [
    { label: '委托方', value: model.engagement.bureau },
    { label: agencyLabel, value: model.engagement.agency },
    { label: dateLabel, value: chineseDate(model.document.generatedAt) },
  ]
}

/** 独立性声明, on its own page before the table of contents. */
export function independencePage(model: ReportModel, work: '评价' | '评估'): Block[] {
  return [
    heading(1, '独立性声明', 'independence'),
    ...renderBlocks('common', 'independence', { ...baseContext(model), work, documentName: '报告' }),
    paragraph(`${model.engagement.agency}（盖章）\n项目负责人（签字）：\n${chineseDate(model.document.generatedAt)}`, 'signature'),
  ]
}

/** A date to be written by hand: blanks of ideographic spaces before 年, 月 and 日. */
export const BLANK_DATE = '\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日'

/** The agency's seal line and date at the end of the body. */
export function closingSignature(model: ReportModel): Block {
  return paragraph(`${model.engagement.agency}（盖章）\n${chineseDate(model.document.generatedAt)}`, 'signature')
}

/** A human section's heading label for this report type. */
export function narrativeLabel(type: ReportType, key: NarrativeKey): string {
  return NARRATIVE_SECTIONS[type].find((s) => s.key === key)?.label ?? key
}

/** A human-written section under its own heading; an empty one says it is yet to be written. */
export function writeNarrative(o: Outline, model: ReportModel, key: NarrativeKey, level: 1 | 2): void {
  const label = narrativeLabel(model.type, key)
  o.heading(level, label)
  o.text(model.narrative[key], `（待补充：${label}）`)
}

export function requireScoring(model: ReportModel): ScoringFacts {
  if (!model.scoring) throw new Error(`a ${model.type} report needs the consolidated scores; buildReportModel refuses an engagement without them`)
  return model.scoring
}

/** The panel's opinion as a labelled first line and plain following lines. */
export function opinionLines(o: Outline, text: string): void {
  const [first, ...rest] = text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  if (first === undefined) return
  o.labelled('专家组意见：', first)
  for (const line of rest) o.paragraph(line)
}

/** Annex numbers are fixed by the outline, so the body can cite them before they are written. */
export const REPORT_ANNEXES = { scores: 1, system: 2, panel: 3, evidence: 4, feedback: 5 }

/** The annexes of an evaluation or ex-ante report, in REPORT_ANNEXES order. */
function reportAnnexes(o: Outline, model: ReportModel, titles: { scores: string; system: string; panel: string; evidence: string }, verdict: string): void {
  const scoring = requireScoring(model)
  const { tree } = model.sheet
  o.annex(titles.scores).table(scoreTable(tree, scoring, verdict))
  o.annex(titles.system).table(indicatorSystemTable(tree))
  if (model.panel) o.annex(titles.panel).table(panelTable(model.panel))
  else o.annex(titles.panel).paragraph('本项目未组建专家组。')
  o.annex(titles.evidence).table(evidenceTable(tree, model.evidence))
  if (model.feedback && model.feedback.length > 0) o.annex('征求意见及采纳情况').table(feedbackTable(model.feedback))
}

/**
 * Ends an evaluation or ex-ante report: the seal and date, the annexes, and the cover, independence
 * statement and contents around the body.
 */
export function finishReport(o: Outline, model: ReportModel, work: '评价' | '评估', annexTitles: Parameters<typeof reportAnnexes>[2], verdict: string): ReportDocument {
  o.push(closingSignature(model))
  reportAnnexes(o, model, annexTitles, verdict)
  return assemble(model, {
    lines: coverLines(model, `${work}机构`, '报告日期'),
    sealNote: `（${work}机构盖章）`,
    frontMatter: [independencePage(model, work)],
    toc: true,
    body: o.blocks,
  })
}
