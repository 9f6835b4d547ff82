// A credit file as it was known at an instant (bitemporal): which entries had been recorded, which
// appeals were pending and what had been decided. Snapshots are taken as the file changes; this is
// what lets a later reader recompute any snapshot exactly, even after an entry was revoked.
import type { Severity } from './categories'
import type { CreditEntry, EntryStatus } from './evaluate'

export type AppealDecision = 'upheld' | 'amended' | 'revoked'

export type AppealRecord = {
  filedAt: string
  /** Null while pending. */
  decidedAt: string | null
  decision: AppealDecision | null
  amendment: { severity: Severity | null; points: number | null; expiresOn: string | null } | null
}

/** An entry row as stored: what was issued, when it was recorded, and its appeal if any. */
export type EntryRecord = Omit<CreditEntry, 'status' | 'amendment' | 'underAppeal'> & {
  /** ISO instant the entry was recorded. */
  recordedAt: string
  appeal: AppealRecord | null
}

/** The entries as a reader saw them at `asOf` (an ISO instant; instants compare as strings). */
export function entriesAsKnownAt(records: readonly EntryRecord[], asOf: string): CreditEntry[] {
  return records
    .filter((r) => r.recordedAt <= asOf)
    .map(({ recordedAt: _recordedAt, appeal, ...entry }) => {
      const filed = appeal !== null && appeal.filedAt <= asOf
      const decided = filed && appeal.decidedAt !== null && appeal.decidedAt <= asOf ? appeal : null
      const status: EntryStatus =
        decided?.decision === 'revoked' ? 'revoked' : decided?.decision === 'amended' ? 'amended' : 'active'
      return {
        ...entry,
        status,
        amendment: status === 'amended' ? decided!.amendment : null,
        underAppeal: filed && decided === null,
      }
    })
}

/** The entries as they stand now: every record, every decision. */
export function currentEntries(records: readonly EntryRecord[]): CreditEntry[] {
  return entriesAsKnownAt(records, '\uffff')
}
