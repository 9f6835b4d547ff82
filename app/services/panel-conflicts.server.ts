// Narrowing the pool before recusal detection. detectConflicts compares each of an expert's
// organizations (employer, employments, relations) with the agency, the units and their competent
// departments, normalizing both sides on every comparison; at 5,000 experts that repeated the
// engagement's side for each expert and was most of the draw's conflict check.
import { normalizeOrgName, type EngagementFacts } from '../domain/experts/recusal'

/**
 * Whether an organization name is, after normalization, the agency's, a unit's or a unit's
 * competent department's: detectConflicts finds nothing for an expert none of whose organizations
 * passes, so only those who pass need checking. The engagement's names are normalized once, and
 * each distinct name of the pool once (employers repeat across experts).
 */
export function namesEngagement(engagement: EngagementFacts): (organization: string) => boolean {
  const targets = new Set([engagement.agencyName, ...engagement.units.flatMap((u) => [u.name, u.competentDepartment])].map(normalizeOrgName))
  // A blank employer or department is not an organization (detectConflicts skips it too).
  targets.delete('')
  const seen = new Map<string, boolean>()
  return (organization) => {
    let hit = seen.get(organization)
    if (hit === undefined) seen.set(organization, (hit = targets.has(normalizeOrgName(organization))))
    return hit
  }
}
