import crypto from 'node:crypto'
import { ulid } from 'ulid'

// ulid asks for one random byte per character: sixteen calls into the CSPRNG per id. Drawing the
// bytes from a pool refilled in one call gives the same bytes at a fraction of the cost.
const POOL_SIZE = 4096
const pool = Buffer.alloc(POOL_SIZE)
let next = POOL_SIZE

function randomFromPool(): number {
  if (next === POOL_SIZE) {
    crypto.randomFillSync(pool)
    next = 0
  }
  // Below 1, as ulid expects: byte / 256 picks each of the 32 characters from exactly 8 byte values.
  return pool[next++]! / 256
}

/** Random, sortable ids for every record that appears in a URL (docs/decisions/002-ids.md). */
export function newId(): string {
  return ulid(undefined, randomFromPool)
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ULID.test(value)
}
