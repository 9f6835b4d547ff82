// Automatic recusal (回避) detection: which conflicts the pool's own data already shows between an
// expert and an engagement. Declared and admin-set conflicts are stored alongside; this module only
// finds the ones the data proves, so a false positive is preferred to a silent miss, but names are
// compared whole (after normalization), never by substring: "教育局" must not match "市教育局".

import { CONFLICT_TYPE_CODES, type ConflictType, type RelationKind } from './vocab'

export type Employment = { organization: string; fromDate: string; toDate: string | null }

export type ExpertFacts = {
  id: string
  employer: string
  employments: Employment[]
  relations: { kind: RelationKind; organization: string }[]
}

export type EngagementFacts = {
  id: string
  agencyName: string
  units: { id: string; name: string; competentDepartment: string }[]
}

export type DetectedConflict = {
  expertId: string
  engagementId: string
  evaluatedUnitId: string | null
  type: ConflictType
  /** Chinese reason, e.g. "2023-01 至今 在「杭州市滨江区教育局」任职（被评价单位）". */
  note: string
}

// Invisible characters that survive copy-paste from documents and would defeat equality.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g

/**
 * The form two organization names are compared in: NFKC (full-width letters, digits and brackets
 * become ASCII), no whitespace or zero-width characters anywhere, Chinese brackets unified with
 * ASCII ones, Latin letters lower-cased.
 */
export function normalizeOrgName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(ZERO_WIDTH, '')
    .replace(/\s+/g, '')
    .replace(/[（〔【［]/g, '(')
    .replace(/[）〕】］]/g, ')')
    .toLowerCase()
}

/** `date` minus `years` calendar years; 29 February falls back to the 28th in a common year. */
function yearsBefore(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) - years
  const month = date.slice(5, 7)
  let day = date.slice(8, 10)
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  if (month === '02' && day === '29' && !leap) day = '28'
  return `${String(year).padStart(4, '0')}-${month}-${day}`
}

/** An expert's link to an organization, with the Chinese phrase that explains it. */
type Affiliation = { organization: string; kind: 'job' | RelationKind; describe: (place: string) => string }

function period(e: Employment): string {
  return `${e.fromDate.slice(0, 7)} 至${e.toDate === null ? '今' : ` ${e.toDate.slice(0, 7)}`}`
}

const RELATION_PHRASES: Record<RelationKind, (place: string) => string> = {
  relative: (place) => `近亲属在${place}任职`,
  shareholding: (place) => `持有${place}股份或投资`,
  advisory: (place) => `在${place}担任顾问或兼职`,
  other: (place) => `与${place}存在其他关联关系`,
}

const RELATION_CONFLICT: Record<RelationKind, ConflictType> = {
  relative: 'relative',
  shareholding: 'financial',
  advisory: 'financial',
  other: 'other',
}

function affiliations(expert: ExpertFacts, today: string, lookbackYears: number): Affiliation[] {
  const since = yearsBefore(today, lookbackYears)
  const list: Affiliation[] = []
  // The employer usually repeats the open-ended employment, whose note says more (since when).
  const employerOrg = normalizeOrgName(expert.employer)
  if (
    !expert.employments.some((e) => e.toDate === null && normalizeOrgName(e.organization) === employerOrg)
  ) {
    list.push({ organization: expert.employer, kind: 'job', describe: (place) => `现在${place}任职` })
  }
  for (const e of expert.employments) {
    if (e.toDate !== null && e.toDate < since) continue
    list.push({
      organization: e.organization,
      kind: 'job',
      describe: (place) => `${period(e)} 在${place}任职`,
    })
  }
  for (const r of expert.relations)
    list.push({ organization: r.organization, kind: r.kind, describe: RELATION_PHRASES[r.kind] })
  return list
}

/**
 * Conflicts the data shows between `expert` and `engagement`:
 * - employer, or an employment current or ended within `lookbackYears` before `today` (inclusive),
 *   at an evaluated unit or its competent department: 'employment';
 * - a declared relation to a unit or its department: relative → 'relative', shareholding and
 *   advisory → 'financial', other → 'other';
 * - any of those with the agency itself: 'same_org' (no unit).
 * At most one conflict per (type, unit), its note joining every reason; ordered by CONFLICT_TYPES,
 * then by the engagement's unit order.
 */
export function detectConflicts(
  expert: ExpertFacts,
  engagement: EngagementFacts,
  opts: { today: string; lookbackYears: number },
): DetectedConflict[] {
  const found = new Map<
    string,
    { type: ConflictType; unitIndex: number; unitId: string | null; notes: string[] }
  >()
  const add = (type: ConflictType, unitIndex: number, unitId: string | null, note: string) => {
    const key = `${type}\u0000${unitId ?? ''}`
    const entry = found.get(key) ?? { type, unitIndex, unitId, notes: [] }
    if (!entry.notes.includes(note)) entry.notes.push(note)
    found.set(key, entry)
  }

  const agency = normalizeOrgName(engagement.agencyName)
  for (const a of affiliations(expert, opts.today, opts.lookbackYears)) {
    const org = normalizeOrgName(a.organization)
    // An unfilled employer or department is not an organization; two blanks are not a match.
    if (org === '') continue
    const type: ConflictType = a.kind === 'job' ? 'employment' : RELATION_CONFLICT[a.kind]
    engagement.units.forEach((unit, index) => {
      if (org === normalizeOrgName(unit.name)) {
        add(type, index, unit.id, `${a.describe(`「${a.organization.trim()}」`)}（被评价单位）`)
      } else if (org === normalizeOrgName(unit.competentDepartment)) {
        add(
          type,
          index,
          unit.id,
          `${a.describe(`「${a.organization.trim()}」`)}（被评价单位「${unit.name.trim()}」的主管部门）`,
        )
      }
    })
    if (org === agency) add('same_org', -1, null, `${a.describe(`「${a.organization.trim()}」`)}（评价机构）`)
  }

  return [...found.values()]
    .sort(
      (x, y) =>
        CONFLICT_TYPE_CODES.indexOf(x.type) - CONFLICT_TYPE_CODES.indexOf(y.type) ||
        x.unitIndex - y.unitIndex,
    )
    .map((c) => ({
      expertId: expert.id,
      engagementId: engagement.id,
      evaluatedUnitId: c.unitId,
      type: c.type,
      note: c.notes.join('；'),
    }))
}
