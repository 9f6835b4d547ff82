import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { databasePath } from '../db/client.server'
import { ensureDirectory, writeFileAtomic } from './files/write-atomic.server'

export function dataDir(): string {
  return path.dirname(databasePath())
}

/**
 * A secret from the environment, or else from a file beside the database created on first use.
 * The file keeps a fresh install working with no set-up; production sets the variable from its
 * secret store so the key never sits next to the data it protects.
 */
function secretFromEnvOrFile(envName: string, fileName: string): string {
  const fromEnv = process.env[envName]
  if (fromEnv && fromEnv.trim() !== '') return fromEnv.trim()
  const file = path.join(dataDir(), fileName)
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  ensureDirectory(path.dirname(file))
  const value = crypto.randomBytes(32).toString('hex')
  try {
    // Whole and durable or absent: a key file cut short by a crash (or read half-written by another
    // process) would sign the audit chain with a different key than the one later read back.
    writeFileAtomic(file, Buffer.from(value + '\n'), { mode: 0o600, overwrite: false })
    return value
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim()
    throw error
  }
}

/** HMAC key of the audit chain; kept outside the database file (SECURITY.md §7). */
export function auditKey(): string {
  return secretFromEnvOrFile('EVALDESK_AUDIT_KEY', 'audit.key')
}

/** Cookie signing secrets, comma-separated: the first signs, all verify (rotation). */
export function sessionSecrets(): string[] {
  return secretFromEnvOrFile('SESSION_SECRETS', 'session.key')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** The public origin, e.g. https://evaldesk.example.gov.cn; when unset, the request's own Host. */
export function appOrigin(): string | null {
  const value = process.env.APP_ORIGIN?.trim()
  return value ? value.replace(/\/+$/, '') : null
}

/** Secure cookies wherever the app is served over HTTPS. */
export function secureCookies(): boolean {
  return appOrigin()?.startsWith('https://') ?? false
}
