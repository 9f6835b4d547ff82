// An engagement through scoring, by the real services: a certified panel of `size` experts on the
// 2020 common framework, every expert scores every leaf (a fixed pattern of deductions, each with a
// reason) and submits; scoring optionally closes, which stores the consolidation reports cite.
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.server'
import { frameworks, frameworkVersions, scoringRounds } from '../../db/schema'
import { certify } from '../../app/services/panel.server'
import { startSheet } from '../../app/services/sheet.server'
import { expertScoringPage, saveScore, setScoringPhase, startScoring, submitScores } from '../../app/services/scoring.server'
import { form, readyPanel, type ReadyPanel } from './panel-fixture'

export const MONITORING_ENGAGEMENT = '2025年滨江区基本公共卫生服务项目绩效运行监控'

function must<T extends { ok: boolean }>(result: T, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result
}

export async function scoredEngagement(db: Db, opts: { at: Date; size?: number; close?: boolean; engagementName?: string }): Promise<ReadyPanel> {
  let time = opts.at.getTime()
  const tick = (ms = 60_000) => new Date((time += ms))
  const panel = await readyPanel(db, { engagementName: opts.engagementName ?? MONITORING_ENGAGEMENT, leadUsername: 'mingjian.zhao', size: opts.size ?? 5, at: tick() })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  must(startSheet(db, panel.lead, panel.engagementId, form({ frameworkVersionId: cy2020.id }), tick()), 'sheet')
  for (const s of panel.seats) must(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', tick()), 'certify')
  must(startScoring(db, panel.lead, panel.engagementId, form({ aggregationRule: 'trimmed', step: '0.5' }), tick()), 'start scoring')
  panel.seats.forEach((s, i) => {
    for (const [k, item] of expertScoringPage(db, s.actor, s.seatId, tick())!.items.entries()) {
      const w = item.node.weight
      const deduction = Math.min(w, ((i + k) % 3) * 50)
      must(saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String((w - deduction) / 100), reason: deduction > 0 ? `「${item.node.name}」佐证材料不完整` : '', comment: '', seen: '0' }), tick(1000)), 'score')
    }
    must(submitScores(db, s.actor, s.seatId, tick()), 'submit')
  })
  if (opts.close !== false) {
    for (const to of ['discussion', 'closed']) {
      const round = db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, panel.engagementId)).get()!
      must(setScoringPhase(db, panel.lead, panel.engagementId, form({ to, version: String(round.version) }), tick()), to)
    }
  }
  return panel
}
