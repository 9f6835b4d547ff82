import { ulid } from 'ulid'

/** Random, sortable ids for every record that appears in a URL (docs/decisions/002-ids.md). */
export function newId(): string {
  return ulid()
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ULID.test(value)
}
