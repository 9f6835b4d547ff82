import type { Db } from '../../db/client.server'
import { endSession, type SessionUser } from '../auth/session.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { inTransaction } from './transaction.server'

export function logout(db: Db, user: SessionUser, at: Date): void {
  inTransaction(db, (tx) => {
    endSession(tx, user.sessionId)
    appendAudit(tx, {
      actor: auditActor(user.actor),
      action: 'logout',
      entity: 'user',
      entityId: user.actor.userId,
      at,
    })
  })
}
