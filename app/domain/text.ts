// Normalizing what users type, before validation and storage.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
// C0 controls except tab, newline and carriage return; NUL among them.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g

/**
 * Text as stored: NFC, no lone surrogates (they cannot be encoded as UTF-8 and would break the
 * audit chain's canonical JSON), no control characters, trimmed.
 */
export function cleanText(input: string): string {
  return input.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '').normalize('NFC').trim()
}
