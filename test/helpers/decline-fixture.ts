// A drawn panel of three on a demo engagement, by the real services, where the first invited expert
// declines with a reason (单位事务繁忙) and the reserve takes the seat; the others accept. Four test
// experts with accounts; the demo's own experts are suspended so the draw is predictable.
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { engagements, experts, expertSpecialties, specialties, users } from '../../db/schema'
import { hashPassword } from '../../app/auth/password.server'
import { DEFAULT_SPECIALTIES } from '../../app/domain/experts/vocab'
import type { Actor } from '../../app/domain/permissions'
import { newId } from '../../app/ids.server'
import { findPanel, listSeats } from '../../app/models/panel.server'
import { drawPanel, respondToInvitation, savePanel } from '../../app/services/panel.server'
import { actorOf, form } from './panel-fixture'

function must<T extends { ok: boolean }>(result: T, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result
}

export const DECLINE_REASON = '单位事务繁忙'

const expertActor = (userId: string): Actor => ({ userId, role: 'expert', organizationId: null, orgAdmin: false, evaluatedUnitId: null })

export type DeclinedPanel = {
  engagementId: string
  lead: Actor
  declined: { seatId: string; expertId: string; name: string }
  seated: { seatId: string; expertId: string; actor: Actor }[]
}

export async function declinedPanel(db: Db, opts: { engagementName: string; leadUsername: string; usernamePrefix: string; at: Date }): Promise<DeclinedPanel> {
  for (const [i, s] of DEFAULT_SPECIALTIES.entries()) db.insert(specialties).values({ code: s.code, label: s.label, position: i }).onConflictDoNothing().run()
  db.update(experts).set({ status: 'suspended' }).run()
  const passwordHash = await hashPassword('Fixture-expert-password-1')
  const iso = opts.at.toISOString()
  for (let i = 0; i < 4; i++) {
    const userId = newId()
    const expertId = newId()
    db.insert(users).values({ id: userId, username: `${opts.usernamePrefix}${i}`, displayName: `专家${opts.usernamePrefix}${i}`, role: 'expert', passwordHash, createdAt: iso, updatedAt: iso }).run()
    db.insert(experts).values({ id: expertId, userId, name: `专家${opts.usernamePrefix}${i}`, employer: '某研究院', title: 'senior', createdAt: iso, updatedAt: iso }).run()
    db.insert(expertSpecialties).values({ expertId, specialtyCode: 'finance' }).run()
  }
  const lead = actorOf(db, opts.leadUsername)
  const engagementId = db.select().from(engagements).where(eq(engagements.name, opts.engagementName)).get()!.id
  must(savePanel(db, lead, engagementId, form({ size: '3', reserveCount: '1', reviewDate: '2026-06-10', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48' }), opts.at), 'panel')
  must(drawPanel(db, lead, engagementId, form({ version: String(findPanel(db, engagementId)!.version) }), opts.at, new Uint8Array(32).fill(3)), 'draw')
  const panelId = findPanel(db, engagementId)!.id
  const [first] = listSeats(db, panelId).filter((s) => s.status === 'invited')
  must(respondToInvitation(db, expertActor(first!.expertUserId!), first!.id, form({ decision: 'decline', reason: DECLINE_REASON, version: String(first!.version) }), opts.at), 'decline')
  for (const s of listSeats(db, panelId).filter((x) => x.status === 'invited'))
    must(respondToInvitation(db, expertActor(s.expertUserId!), s.id, form({ decision: 'accept', version: String(s.version) }), opts.at), 'accept')
  const seated = listSeats(db, panelId)
    .filter((s) => s.status === 'accepted')
    .map((s) => ({ seatId: s.id, expertId: s.expertId, actor: expertActor(s.expertUserId!) }))
  return { engagementId, lead, declined: { seatId: first!.id, expertId: first!.expertId, name: first!.expertName }, seated }
}
