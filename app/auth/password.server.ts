import crypto from 'node:crypto'
import { promisify } from 'node:util'
import pLimit from 'p-limit'

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>

// OWASP: N=2^17, r=8, p=1 (128 MiB per hash). Tests may lower the cost through the environment
// to keep factories fast; the stored format names its own parameters, so verification never guesses.
function costLog2(): number {
  const fromEnv = Number(process.env.EVALDESK_SCRYPT_LOG2N)
  return Number.isInteger(fromEnv) && fromEnv >= 10 && fromEnv <= 20 ? fromEnv : 17
}
const R = 8
const P = 1
const KEY_LENGTH = 32
const MAX_MEM = 512 * 1024 * 1024

// At most two password hashes at once per process. Each holds 128 MiB and one of libuv's four
// threads for a few hundred milliseconds; a burst of logins would otherwise take every thread (file
// reads for downloads would wait behind them) and half a gigabyte. The rest wait their turn; the
// login throttle still bounds how many there are.
export const MAX_CONCURRENT_PASSWORD_HASHES = 2
const hashing = pLimit(MAX_CONCURRENT_PASSWORD_HASHES)

/** Password hashes running and waiting in this process (for tests and diagnostics). */
export function passwordHashLoad(): { running: number; waiting: number } {
  return { running: hashing.activeCount, waiting: hashing.pendingCount }
}

import { PASSWORD_MAX, PASSWORD_MIN } from '../utils/password-rules'

export { PASSWORD_MAX, PASSWORD_MIN }

/** `scrypt$N=131072,r=8,p=1$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const N = 2 ** costLog2()
  const salt = crypto.randomBytes(16)
  const key = await hashing(() => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r: R, p: P, maxmem: MAX_MEM }))
  return `scrypt$N=${N},r=${R},p=${P}$${salt.toString('base64')}$${key.toString('base64')}`
}

type Parsed = { N: number; r: number; p: number; salt: Buffer; key: Buffer }

function parseHash(stored: string): Parsed | null {
  const parts = stored.split('$')
  if (parts.length !== 4 || parts[0] !== 'scrypt') return null
  const params = Object.fromEntries(parts[1]!.split(',').map((kv) => kv.split('=') as [string, string]))
  const N = Number(params.N)
  const r = Number(params.r)
  const p = Number(params.p)
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null
  return { N, r, p, salt: Buffer.from(parts[2]!, 'base64'), key: Buffer.from(parts[3]!, 'base64') }
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed || password.length > PASSWORD_MAX) return false
  const key = await hashing(() =>
    scrypt(password.normalize('NFC'), parsed.salt, parsed.key.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: MAX_MEM }),
  )
  return key.length === parsed.key.length && crypto.timingSafeEqual(key, parsed.key)
}

/** True when the stored hash uses weaker parameters than today's and should be replaced at login. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored)
  return !parsed || parsed.N < 2 ** costLog2() || parsed.r !== R || parsed.p !== P
}

let dummyHash: Promise<string> | undefined
/**
 * Unknown usernames are checked against this hash, so a failed login takes the same time whether or
 * not the account exists.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'))
  return dummyHash
}

/** Chinese message for a new password that breaks the rules, or null. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN) return `密码至少 ${PASSWORD_MIN} 个字符`
  if (password.length > PASSWORD_MAX) return `密码最多 ${PASSWORD_MAX} 个字符`
  if (username && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名'
  if (new Set(password).size < 5) return '密码过于简单'
  return null
}
