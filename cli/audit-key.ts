import fs from 'node:fs'
import path from 'node:path'
import { auditKey } from '../app/config.server'
import { CliError } from './framework'

/**
 * The audit key for checking a chain. auditKey() would create a fresh random key when none exists,
 * and every check against it would then fail at row 1 for the wrong reason; say what is missing instead.
 */
export function existingAuditKey(dbPath: string): string {
  const fromEnv = process.env.EVALDESK_AUDIT_KEY?.trim()
  if (fromEnv) return fromEnv
  const file = path.join(path.dirname(dbPath), 'audit.key')
  if (!fs.existsSync(file)) {
    throw new CliError(`找不到审计密钥：未设置 EVALDESK_AUDIT_KEY，且 ${file} 不存在。没有写入审计记录时所用的密钥就无法校验审计链。`)
  }
  return auditKey()
}
