// The review loop between the agency and the commissioning bureau (提交 → 退回修改 → 再提交 → 验收),
// as pure rules: what a comment may be anchored to, when a new round may start, how long a report
// has waited. The service reads the database and asks here.
import { headingsOf, type ReportDocument } from '../../../reports/document'
import type { IndicatorTree } from '../indicators/tree'
import { isLeaf, walkTree } from '../indicators/tree'

export type SubmissionStatus = 'pending' | 'returned' | 'accepted'

export const SUBMISSION_STATUSES: readonly { code: SubmissionStatus; label: string }[] = [
  { code: 'pending', label: '待审核' },
  { code: 'returned', label: '已退回' },
  { code: 'accepted', label: '已验收' },
]

export function submissionStatusLabel(status: string): string {
  return SUBMISSION_STATUSES.find((s) => s.code === status)?.label ?? status
}

export function isSubmissionStatus(x: string | null | undefined): x is SubmissionStatus {
  return SUBMISSION_STATUSES.some((s) => s.code === x)
}

export type AnchorKind = 'section' | 'indicator'

/** What a comment can point at; `value` is what the form sends (kind:anchor). */
export type AnchorOption = { kind: AnchorKind; anchor: string; label: string; value: string }

/**
 * The sections (level 1–2 headings, by their text: the section diff matches headings by text, so a
 * comment's section can be found again in the next version) and the leaf indicators (by code).
 */
export function anchorOptions(doc: ReportDocument, tree: IndicatorTree | null): { sections: AnchorOption[]; indicators: AnchorOption[] } {
  const seen = new Set<string>()
  const sections: AnchorOption[] = []
  for (const h of headingsOf(doc)) {
    if (h.level > 2 || seen.has(h.text)) continue
    seen.add(h.text)
    sections.push({ kind: 'section', anchor: h.text, label: h.text, value: `section:${h.text}` })
  }
  const indicators: AnchorOption[] = tree
    ? walkTree(tree)
        .filter(({ node }) => isLeaf(node))
        .map(({ node }) => ({ kind: 'indicator' as const, anchor: node.code, label: `${node.code} ${node.name}`, value: `indicator:${node.code}` }))
    : []
  return { sections, indicators }
}

export function findAnchor(options: { sections: AnchorOption[]; indicators: AnchorOption[] }, value: string): AnchorOption | undefined {
  return [...options.sections, ...options.indicators].find((o) => o.value === value)
}

/** The last round of an engagement, as far as starting a new one is concerned. */
export type LastRound = { status: SubmissionStatus; unanswered: number } | null

/** Why the agency may not submit now (Chinese), or null when it may. */
export function submitBlocker(last: LastRound): string | null {
  if (!last) return null
  if (last.status === 'pending') return '报告正在财政局审核中，审核完成前不能再次提交'
  if (last.status === 'accepted') return '报告已验收，不能再次提交'
  if (last.unanswered > 0) return `请先逐条答复财政局的审核意见（尚有 ${last.unanswered} 条未答复）`
  return null
}

const DAY_MS = 86_400_000

/** Whole days from `from` to `to` (ISO instants), never negative: how long a report has waited. */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(to) - Date.parse(from)
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms / DAY_MS) : 0
}
