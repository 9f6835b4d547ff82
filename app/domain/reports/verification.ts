// Verification codes (验证码) printed on an issued report's cover and footer: short, read aloud or
// typed from paper, so the alphabet leaves out characters people confuse (0/O, 1/I/L, U/V-like
// pairs are kept apart by dropping U). 8 characters of a 30-letter alphabet ≈ 39 bits: enough that
// guessing a valid code is hopeless at any request rate the server allows.

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'
export const CODE_LENGTH = 8

/**
 * A code from random bytes (the caller supplies them: the domain has no randomness of its own).
 * Rejection sampling keeps every character equally likely; returns null if the bytes run out.
 */
export function codeFromBytes(bytes: Uint8Array): string | null {
  const limit = 256 - (256 % CODE_ALPHABET.length)
  let out = ''
  for (const b of bytes) {
    if (b >= limit) continue
    out += CODE_ALPHABET[b % CODE_ALPHABET.length]
    if (out.length === CODE_LENGTH) return formatCode(out)
  }
  return null
}

/** ABCD2345 → ABCD-2345, the printed form. */
export function formatCode(raw: string): string {
  return `${raw.slice(0, 4)}-${raw.slice(4)}`
}

/**
 * What a person typed (any case, spaces or dashes, full-width characters) → the printed form, or
 * null when it cannot be a code.
 */
export function normalizeCode(input: string): string | null {
  const raw = input.normalize('NFKC').toUpperCase().replace(/[\s\-－—_]/g, '')
  if (raw.length !== CODE_LENGTH) return null
  for (const ch of raw) if (!CODE_ALPHABET.includes(ch)) return null
  return formatCode(raw)
}
