// The engagement list's sort vocabulary. Pure and browser-safe: the list page's links use it too.

export const ENGAGEMENT_SORTS = ['updated', 'name', 'year', 'stage', 'funds'] as const
export type EngagementSort = (typeof ENGAGEMENT_SORTS)[number]
export type SortDirection = 'asc' | 'desc'

/** The direction a column sorts in when the user has not chosen one: newest, biggest, A→Z, workflow order. */
export const DEFAULT_SORT_DIRECTION: Record<EngagementSort, SortDirection> = {
  updated: 'desc',
  name: 'asc',
  year: 'desc',
  stage: 'asc',
  funds: 'desc',
}

export const ENGAGEMENT_PAGE_SIZE = 20

export function isEngagementSort(value: string): value is EngagementSort {
  return (ENGAGEMENT_SORTS as readonly string[]).includes(value)
}
