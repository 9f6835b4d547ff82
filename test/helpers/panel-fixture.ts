// A ready panel on a demo engagement, built through the real services: test experts with accounts
// (the demo's own experts suspended, so the draw is predictable), composed, drawn, accepted and
// certified. For tests of what happens after the panel is ready (scoring).
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { engagements, experts, expertSpecialties, specialties, users } from '../../db/schema'
import { hashPassword } from '../../app/auth/password.server'
import { DEFAULT_SPECIALTIES } from '../../app/domain/experts/vocab'
import type { Actor } from '../../app/domain/permissions'
import type { Role } from '../../app/domain/roles'
import { newId } from '../../app/ids.server'
import { findPanel, listSeats } from '../../app/models/panel.server'
import { certify, drawPanel, respondToInvitation, savePanel } from '../../app/services/panel.server'

export function form(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x)
  return fd
}

export function actorOf(db: Db, username: string): Actor {
  const u = db.select().from(users).where(eq(users.username, username)).get()!
  return { userId: u.id, role: u.role as Role, organizationId: u.organizationId, orgAdmin: u.role === 'agency_admin' || u.orgAdmin, evaluatedUnitId: u.evaluatedUnitId }
}

export type ReadyPanel = { engagementId: string; lead: Actor; seats: { seatId: string; expertId: string; name: string; actor: Actor }[] }

export async function readyPanel(db: Db, opts: { engagementName: string; leadUsername: string; size: number; at: Date }): Promise<ReadyPanel> {
  for (const [i, s] of DEFAULT_SPECIALTIES.entries()) db.insert(specialties).values({ code: s.code, label: s.label, position: i }).onConflictDoNothing().run()
  db.update(experts).set({ status: 'suspended' }).run()
  const passwordHash = await hashPassword('Fixture-expert-password-1')
  const iso = opts.at.toISOString()
  for (let i = 0; i < opts.size; i++) {
    const userId = newId()
    const expertId = newId()
    db.insert(users).values({ id: userId, username: `fx.expert${i}`, displayName: `评分专家${i + 1}`, role: 'expert', passwordHash, createdAt: iso, updatedAt: iso }).run()
    db.insert(experts).values({ id: expertId, userId, name: `评分专家${i + 1}`, employer: '某高校', title: 'associate', createdAt: iso, updatedAt: iso }).run()
    db.insert(expertSpecialties).values({ expertId, specialtyCode: 'finance' }).run()
  }
  const lead = actorOf(db, opts.leadUsername)
  const engagementId = db.select().from(engagements).where(eq(engagements.name, opts.engagementName)).get()!.id
  const saved = savePanel(db, lead, engagementId, form({ size: String(opts.size), reserveCount: '0', reviewDate: '2026-06-10', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48' }), opts.at)
  if (!saved.ok) throw new Error(`panel: ${JSON.stringify(saved.errors)}`)
  const drawn = drawPanel(db, lead, engagementId, form({ version: String(findPanel(db, engagementId)!.version) }), opts.at, new Uint8Array(32).fill(7))
  if (!drawn.ok) throw new Error(`draw: ${JSON.stringify(drawn.errors)}`)
  const seats = []
  for (const s of listSeats(db, findPanel(db, engagementId)!.id)) {
    const expert = db.select().from(experts).where(eq(experts.id, s.expertId)).get()!
    const actor: Actor = { userId: expert.userId!, role: 'expert', organizationId: null, orgAdmin: false, evaluatedUnitId: null }
    const accepted = respondToInvitation(db, actor, s.id, form({ decision: 'accept', version: String(s.version) }), opts.at)
    if (!accepted.ok) throw new Error(`accept: ${JSON.stringify(accepted.errors)}`)
    const certified = certify(db, actor, s.id, form({ agree: 'on' }), '127.0.0.1', opts.at)
    if (!certified.ok) throw new Error(`certify: ${JSON.stringify(certified.errors)}`)
    seats.push({ seatId: s.id, expertId: s.expertId, name: expert.name, actor })
  }
  return { engagementId, lead, seats }
}
