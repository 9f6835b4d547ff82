// Test support: a pool member with nothing against them, so a test can vary one fact at a time.
import type { PoolExpert } from './eligibility'

export function poolMember(
  id: string,
  specialties: string[],
  overrides: Partial<PoolExpert> = {},
): PoolExpert {
  return {
    id,
    name: `专家${id}`,
    title: 'senior',
    specialties,
    status: 'active',
    creditScore: null,
    blacklistedUntil: null,
    creditGrade: null,
    unavailable: [],
    drawsThisYear: 0,
    conflicted: false,
    ...overrides,
  }
}
