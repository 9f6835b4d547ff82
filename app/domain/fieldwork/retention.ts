// 档案保管期限 of an engagement's working papers: kept until a retention date, by default 10 years
// after the engagement was archived (归档); nothing is deleted on or before that date.

export const DEFAULT_RETENTION_YEARS = 10

/** The same calendar day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const year = y + years
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`
}

export type Retention = { until: string; source: 'configured' | 'default' } | { until: null; source: 'not_archived' }

/** The date in force: the configured one, else 10 years after 归档, else none yet (not archived). */
export function retentionOf(configured: string | null, archivedOn: string | null): Retention {
  if (configured) return { until: configured, source: 'configured' }
  if (archivedOn) return { until: addYears(archivedOn, DEFAULT_RETENTION_YEARS), source: 'default' }
  return { until: null, source: 'not_archived' }
}

/** Whether papers may be deleted today: only once the retention date has passed. */
export function retentionPassed(retention: Retention, today: string): boolean {
  return retention.until !== null && today > retention.until
}
