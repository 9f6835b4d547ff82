// Scoring open on the demo's monitoring engagement with more certified experts than a panel may
// hold (15): the extra seats are copies of a drawn one, for tests that need 20 scorers at once.
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { experts, frameworks, frameworkVersions, seats, users } from '../../db/schema'
import { newId } from '../../app/ids.server'
import { certify } from '../../app/services/panel.server'
import { startSheet } from '../../app/services/sheet.server'
import { startScoring } from '../../app/services/scoring.server'
import { form, readyPanel, type ReadyPanel } from './panel-fixture'

const PANEL_MAX = 15

export async function scoringWithSeats(db: Db, count: number, at: Date): Promise<ReadyPanel> {
  const panel = await readyPanel(db, { engagementName: '2025年滨江区基本公共卫生服务项目绩效运行监控', leadUsername: 'mingjian.zhao', size: Math.min(count, PANEL_MAX), at })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), at)
  for (const s of panel.seats) certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', at)
  if (!startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), at).ok) throw new Error('scoring not started')
  const template = db.select().from(seats).where(eq(seats.id, panel.seats[0]!.seatId)).get()!
  const iso = at.toISOString()
  for (let i = 0; i < count - PANEL_MAX; i++) {
    const userId = newId()
    const expertId = newId()
    const seatId = newId()
    db.insert(users).values({ id: userId, username: `fx.extra${i}`, displayName: `加席专家${i + 1}`, role: 'expert', passwordHash: 'x', createdAt: iso, updatedAt: iso }).run()
    db.insert(experts).values({ id: expertId, userId, name: `加席专家${i + 1}`, employer: '某研究院', title: 'other', createdAt: iso, updatedAt: iso }).run()
    db.insert(seats).values({ ...template, id: seatId, expertId, position: PANEL_MAX + 1 + i, isLeader: false, version: 1 }).run()
    const actor = { userId, role: 'expert' as const, organizationId: null, orgAdmin: false, evaluatedUnitId: null }
    certify(db, actor, seatId, form({ agree: 'on' }), '127.0.0.1', at)
    panel.seats.push({ seatId, expertId, name: `加席专家${i + 1}`, actor })
  }
  return panel
}
