// Builds credit entries for tests: an active, unappealed entry with the policy's points and expiry.
import type { EntryKind, Severity } from './categories'
import type { CreditEntry } from './evaluate'

let counter = 0

export function creditEntry(
  kind: EntryKind,
  effectiveOn: string,
  severity: Severity | null = null,
  more: Partial<CreditEntry> = {},
): CreditEntry {
  counter += 1
  return {
    id: `E${String(counter).padStart(4, '0')}`,
    kind,
    severity,
    effectiveOn,
    expiresOn: null,
    points: null,
    status: 'active',
    amendment: null,
    underAppeal: false,
    ...more,
  }
}
