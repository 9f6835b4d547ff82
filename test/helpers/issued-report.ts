// A scored engagement brought to 定稿 with an issued evaluation report, by the real services (the
// report rendered in process): what the bureau's side of issue 7 starts from.
import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { engagements } from '../../db/schema'
import type { Actor } from '../../app/domain/permissions'
import type { Stage } from '../../app/domain/stages'
import { moveStage } from '../../app/services/engagement.server'
import { generateVersion, issueVersion } from '../../app/services/report.server'
import { renderModel } from '../../reports/render'
import { form, type ReadyPanel } from './panel-fixture'
import { scoredEngagement } from './scored-engagement'

const render = (model: Parameters<typeof renderModel>[0]) => renderModel(model)

/** Moves the engagement forward stage by stage (each move a real, audited transition). */
export function moveThrough(db: Db, actor: Actor, engagementId: string, stages: Stage[], at: () => Date): void {
  for (const to of stages) {
    const { version } = db.select({ version: engagements.version }).from(engagements).where(eq(engagements.id, engagementId)).get()!
    const moved = moveStage(db, actor, engagementId, { to, note: '', version }, at())
    if (!moved.ok) throw new Error(`move to ${to}: ${JSON.stringify(moved.errors)}`)
  }
}

/** Generates a 定稿 of the evaluation report and issues it; returns the issued version's id. */
export async function issueEvaluation(db: Db, lead: Actor, engagementId: string, at: () => Date): Promise<string> {
  const final = await generateVersion(db, lead, engagementId, 'evaluation', form({ stage: 'final', note: '' }), at(), render)
  if (!final.ok) throw new Error(`final: ${JSON.stringify(final.errors)}`)
  const issued = await issueVersion(db, lead, engagementId, form({ versionId: final.value.id }), at(), render, { publicUrl: 'https://evaldesk.example.cn', randomBytes: (n) => crypto.randomBytes(n) })
  if (!issued.ok) throw new Error(`issue: ${JSON.stringify(issued.errors)}`)
  return issued.value.id
}

export const TO_FINALIZED: Stage[] = ['expert_review', 'draft_report', 'consultation', 'finalized']

/** The monitoring demo engagement, scored and closed, at 定稿 with one issued evaluation report. */
export async function finalizedEngagement(db: Db, at: () => Date): Promise<{ panel: ReadyPanel; issuedId: string }> {
  const panel = await scoredEngagement(db, { at: at(), size: 3 })
  moveThrough(db, panel.lead, panel.engagementId, TO_FINALIZED, at)
  return { panel, issuedId: await issueEvaluation(db, panel.lead, panel.engagementId, at) }
}
