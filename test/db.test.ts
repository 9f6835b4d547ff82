import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateDatabase, migrationsFolder, openDatabase } from '../db/client.server'
import { makeTempDb, type TempDb } from './helpers/temp-db'

const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }

const EXPECTED_TABLES = [
  'app_meta',
  'audit_log',
  'budget_decisions',
  'conflicts',
  'consolidation_results',
  'credit_appeals',
  'credit_entries',
  'credit_files',
  'credit_policies',
  'credit_snapshots',
  'declarations',
  'document_request_events',
  'document_request_files',
  'document_requests',
  'draw_events',
  'draws',
  'engagement_members',
  'engagement_retention',
  'engagement_units',
  'engagements',
  'evaluated_units',
  'expert_employments',
  'expert_invites',
  'expert_ratings',
  'expert_relations',
  'expert_specialties',
  'expert_unavailability',
  'experts',
  'fee_rates',
  'feedback_points',
  'feedback_rounds',
  'framework_versions',
  'frameworks',
  'indicator_data',
  'login_failures',
  'monitoring_indicators',
  'monitoring_sheets',
  'organizations',
  'panel_opinions',
  'panels',
  'quality_rating_configs',
  'quality_ratings',
  'rectification_evidence',
  'rectification_items',
  'rectification_updates',
  'report_files',
  'report_narratives',
  'report_submissions',
  'report_versions',
  'rescore_requests',
  'review_comments',
  'score_entries',
  'score_submissions',
  'scoring_rounds',
  'seats',
  'sessions',
  'sheet_versions',
  'specialties',
  'stage_transitions',
  'stored_files',
  'survey_imports',
  'surveys',
  'users',
  'working_paper_versions',
  'working_papers',
]

let temp: TempDb | undefined
afterEach(() => {
  temp?.cleanup()
  temp = undefined
})

function appliedMigrations(db: TempDb['db']): number {
  return (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n
}

describe('database', () => {
  it('migrations build every table on an empty file', () => {
    temp = makeTempDb()
    const tables = (temp.db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[])
      .map((r) => r.name)
      .filter((name) => !name.startsWith('sqlite_') && name !== '__drizzle_migrations')
    expect(tables).toEqual(EXPECTED_TABLES)
    expect(appliedMigrations(temp.db)).toBe(journal.entries.length)
    const triggers = temp.db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string }[]
    expect(triggers.map((t) => t.name)).toEqual([
      'audit_log_no_delete',
      'audit_log_no_update',
      'consolidation_results_no_delete',
      'consolidation_results_no_update',
      'credit_appeals_decided_no_update',
      'credit_appeals_no_delete',
      'credit_entries_no_delete',
      'credit_policies_no_delete',
      'credit_policies_no_update',
      'credit_snapshots_no_delete',
      'credit_snapshots_no_update',
      'declarations_no_delete',
      'declarations_no_update',
      'document_request_events_no_delete',
      'document_request_events_no_update',
      'document_request_files_no_delete',
      'document_request_files_no_update',
      'draw_events_no_delete',
      'draw_events_no_update',
      'draws_no_delete',
      'draws_no_update',
      'feedback_points_no_delete',
      'feedback_rounds_no_delete',
      'feedback_rounds_no_update',
      'framework_versions_published_no_delete',
      'framework_versions_published_no_update',
      'panel_opinions_confirmed_no_update',
      'quality_rating_configs_no_delete',
      'quality_rating_configs_no_update',
      'quality_ratings_no_delete',
      'quality_ratings_submitted_complete_insert',
      'quality_ratings_submitted_complete_update',
      'quality_ratings_submitted_no_update',
      'rectification_evidence_no_delete',
      'rectification_evidence_no_update',
      'rectification_updates_no_delete',
      'rectification_updates_no_update',
      'report_files_no_delete',
      'report_files_no_update',
      'report_versions_no_delete',
      'report_versions_no_update',
      'score_entries_no_delete',
      'score_entries_no_update',
      'sheet_versions_frozen_no_delete',
      'sheet_versions_frozen_no_update',
      'stored_files_no_delete',
      'stored_files_no_update',
      'working_paper_versions_no_delete',
      'working_paper_versions_no_update',
      'working_papers_no_delete',
    ])
  })

  it('migrating again, on the same connection or after reopening, changes nothing', () => {
    temp = makeTempDb()
    const schemaOf = (db: TempDb['db']) => db.$client.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY name`).all()
    const before = schemaOf(temp.db)
    migrateDatabase(temp.db)
    temp.db.$client.close()
    const reopened = openDatabase(temp.file)
    try {
      migrateDatabase(reopened)
      migrateDatabase(reopened)
      expect(appliedMigrations(reopened)).toBe(journal.entries.length)
      expect(schemaOf(reopened)).toEqual(before)
    } finally {
      reopened.$client.close()
    }
  })

  it('every connection gets WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    temp = makeTempDb()
    const pragma = (name: string) => temp!.db.$client.pragma(name, { simple: true })
    expect(pragma('journal_mode')).toBe('wal')
    expect(pragma('synchronous')).toBe(2)
    expect(pragma('foreign_keys')).toBe(1)
    expect(pragma('busy_timeout')).toBe(30_000)
    // A read-only connection keeps the database's WAL mode and the same safety settings.
    const reader = openDatabase(temp.file, { readonly: true })
    try {
      expect(reader.$client.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(reader.$client.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(reader.$client.pragma('synchronous', { simple: true })).toBe(2)
      expect(() => reader.$client.prepare(`INSERT INTO app_meta (key, value) VALUES ('x', 'y')`).run()).toThrow(/readonly/i)
    } finally {
      reader.$client.close()
    }
  })

  it('foreign keys are enforced', () => {
    temp = makeTempDb()
    const sqlite = temp.db.$client
    const now = new Date().toISOString()
    expect(() =>
      sqlite
        .prepare(
          `INSERT INTO users (id, username, display_name, role, organization_id, password_hash, created_at, updated_at)
           VALUES ('u1', 'ghost', '幽灵', 'evaluator', 'no-such-org', 'x', ?, ?)`,
        )
        .run(now, now),
    ).toThrow(/FOREIGN KEY constraint failed/)
    sqlite
      .prepare(`INSERT INTO organizations (id, kind, name, created_at, updated_at) VALUES ('o1', 'agency', '明鉴', ?, ?)`)
      .run(now, now)
    sqlite
      .prepare(
        `INSERT INTO users (id, username, display_name, role, organization_id, password_hash, created_at, updated_at)
         VALUES ('u1', 'li', '李评', 'evaluator', 'o1', 'x', ?, ?)`,
      )
      .run(now, now)
    // The organization is referenced now, so it cannot be removed from under its user.
    expect(() => sqlite.prepare(`DELETE FROM organizations WHERE id = 'o1'`).run()).toThrow(/FOREIGN KEY constraint failed/)
    expect(sqlite.pragma('foreign_key_check')).toEqual([])
  })
})
