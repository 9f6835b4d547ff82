// A built server on a fresh demo database whose monitoring engagement has a certified panel of test
// experts, a sheet on the 2020 common framework and scoring open: for HTTP tests of what experts see
// while they score. The fixture writes audit rows from this process with the server's chain key.
import { eq } from 'drizzle-orm'
import { openDatabase, type Db } from '../../db/client.server'
import { frameworks, frameworkVersions } from '../../db/schema'
import { certify } from '../../app/services/panel.server'
import { startSheet } from '../../app/services/sheet.server'
import { startScoring } from '../../app/services/scoring.server'
import { form, readyPanel, type ReadyPanel } from './panel-fixture'
import { startServer, type RunningServer } from './server'
import { TEST_AUDIT_KEY } from './temp-db'

export type OpenScoring = { server: RunningServer; db: Db; panel: ReadyPanel; frameworkVersionId: string }

export async function serverWithOpenScoring(size: number, at: Date = new Date()): Promise<OpenScoring> {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  const server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  const db = openDatabase(server.dbFile)
  const panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size, at })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  if (!startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), at).ok) throw new Error('sheet not started')
  for (const s of panel.seats) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', at)
  if (!startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'mean', step: '0.5' }), at).ok) throw new Error('scoring not started')
  return { server, db, panel, frameworkVersionId: cy2020.id }
}
