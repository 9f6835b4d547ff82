// The tree editor form, fuzzed: a real draft's rows with hostile cells and random intents. The parser
// never throws; it either names the bad cells or yields a well-formed tree that saves.
import fc from 'fast-check'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { frameworks, frameworkVersions, users } from '../db/schema'
import { seedDemo } from '../db/seed/demo'
import { ensureLibrary } from '../db/seed/library'
import { editorRowsFromTree } from '../app/components/indicator-editor'
import { flattenTree, MAX_LEVEL } from '../app/domain/indicators/tree'
import type { Actor } from '../app/domain/permissions'
import type { Role } from '../app/domain/roles'
import { createFramework, saveDraftTree, versionForViewer } from '../app/services/framework.server'
import { parseEditorForm } from '../app/services/indicator-editor.server'
import { EDITOR_ROW_FIELDS } from '../app/utils/indicator-form'
import { makeTempDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let op: { kind: 'user'; actor: Actor }
let ids: { frameworkId: string; versionId: string }
const NOW = new Date('2026-04-01T00:00:00.000Z')

beforeAll(async () => {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  temp = makeTempDb()
  db = temp.db
  ensureLibrary(db, NOW)
  await seedDemo(db, NOW)
  const u = db.select().from(users).where(eq(users.username, 'mingjian.li')).get()!
  op = { kind: 'user', actor: { userId: u.id, role: u.role as Role, organizationId: u.organizationId, orgAdmin: false, evaluatedUnitId: null } }
  const source = db
    .select({ id: frameworkVersions.id })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(eq(frameworks.libraryCode, 'cy2020-project'))
    .get()!
  const fd = new FormData()
  for (const [k, v] of Object.entries({ name: '编辑器测试', category: 'project', basedOn: source.id })) fd.append(k, v)
  const created = createFramework(db, op, fd, NOW)
  if (!created.ok) throw new Error('no draft')
  ids = created.value
})
afterAll(() => temp?.cleanup())

const HOSTILE = ['', ' ', '\u0000', '=1+1', '-0', 'NaN', '1e309', '99999999', '0.001', '５', '12.5', '-3', '5', '0', 'x'.repeat(3000), '\uD800', '份额=;', '目标=abc', 'element', 'survey', '要素计分']

function formOf(values: Record<string, string[]>, extra: Record<string, string>): FormData {
  const fd = new FormData()
  for (const [k, list] of Object.entries(values)) for (const v of list) fd.append(k, v)
  for (const [k, v] of Object.entries(extra)) fd.append(k, v)
  return fd
}

describe('the editor form under hostile cells', () => {
  test('never throws; refusals name their cells; accepted trees save and keep their shape', () => {
    const spoil = fc.array(fc.tuple(fc.constantFrom(...EDITOR_ROW_FIELDS), fc.nat({ max: 60 }), fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 }))), { maxLength: 3 })
    const intent = fc.oneof(fc.constant('save'), fc.constant('add-root'), fc.tuple(fc.constantFrom('add-child', 'remove', 'up', 'down'), fc.nat({ max: 70 })).map(([k, i]) => `${k}:${i}`), fc.string({ maxLength: 12 }))
    fc.assert(
      fc.property(spoil, intent, fc.boolean(), (cells, chosen, dropLastCell) => {
        const view = versionForViewer(db, op, ids.frameworkId, ids.versionId)!
        const rows = editorRowsFromTree(view.tree)
        const columns: Record<string, string[]> = Object.fromEntries(EDITOR_ROW_FIELDS.map((f) => [f, rows.map((r) => r[f])]))
        for (const [field, row, value] of cells) if (columns[field]![row] !== undefined) columns[field]![row] = value
        // A browser that drops a cell: the columns no longer line up.
        if (dropLastCell) columns.points!.pop()
        const parsed = parseEditorForm(formOf(columns, { version: String(view.version.version), intent: chosen }), true)
        if (!parsed.ok) {
          // Every message is keyed to a real cell ("weight.3") or the form, so the page can place it.
          expect(Object.keys(parsed.errors).length).toBeGreaterThan(0)
          for (const key of Object.keys(parsed.errors)) expect(key).toMatch(new RegExp(`^(_form|(${EDITOR_ROW_FIELDS.join('|')})\\.\\d+)$`))
          return
        }
        for (const r of flattenTree(parsed.tree)) {
          expect(r.level).toBeGreaterThanOrEqual(1)
          expect(r.level).toBeLessThanOrEqual(MAX_LEVEL)
          expect(Number.isSafeInteger(r.weight) && r.weight >= 0).toBe(true)
        }
        const saved = saveDraftTree(db, op, ids, parsed.tree, parsed.version, NOW)
        expect(saved.ok).toBe(true)
      }),
      { numRuns: 150 },
    )
  })
})
