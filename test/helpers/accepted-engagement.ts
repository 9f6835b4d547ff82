// A scored engagement whose issued evaluation report the commissioning bureau (binjiang.finance)
// has accepted, by the real services. The files are stand-in bytes: these tests are about what
// happens after acceptance, not about rendering. The problems section names an expert and a
// pseudonym, so public outputs can be checked for leaks.
import type { Db } from '../../db/client.server'
import type { ReportModel } from '../../reports/model'
import { sha256Hex, type ReportFormat } from '../../reports/render'
import { generateVersion, issueVersion, saveNarrative } from '../../app/services/report.server'
import { decideSubmission, submitReport } from '../../app/services/review.server'
import { actorOf, form, type ReadyPanel } from './panel-fixture'
import { scoredEngagement } from './scored-engagement'

export const standInRender = async (model: ReportModel, formats: ReportFormat[]) =>
  formats.map((format) => {
    const bytes = new TextEncoder().encode(`${format}:${model.document.generatedAt}:${model.document.verification?.code ?? ''}`)
    return { format, bytes, sha256: sha256Hex(bytes) }
  })

function must<T extends { ok: boolean }>(result: T, what: string): T & { ok: true } {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result as T & { ok: true }
}

export type AcceptedEngagement = ReadyPanel & { versionId: string; submissionId: string }

export async function acceptedEngagement(db: Db, opts: { at: Date; accept?: boolean }): Promise<AcceptedEngagement> {
  let time = opts.at.getTime()
  const tick = (ms = 60_000) => new Date((time += ms))
  const panel = await scoredEngagement(db, { at: tick() })
  const expert = panel.seats[0]!.name
  must(saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ version: '0', problems: `一是资金台账不全（${expert}指出），二是专家A认为绩效目标不够细化。`, overview: '项目概况。' }), tick()), 'narrative')
  const final = must(await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'final', note: '' }), tick(), standInRender), 'final')
  const issued = must(await issueVersion(db, panel.lead, panel.engagementId, form({ versionId: final.value.id }), tick(), standInRender, { publicUrl: 'https://evaldesk.example.cn', randomBytes: (n) => new Uint8Array(n).fill(9) }), 'issue')
  const submitted = must(submitReport(db, panel.lead, panel.engagementId, form({ versionId: issued.value.id }), tick(24 * 3600_000)), 'submit')
  if (opts.accept !== false) must(decideSubmission(db, actorOf(db, 'binjiang.finance'), submitted.value.submissionId, form({ decision: 'accept', note: '' }), tick(3 * 24 * 3600_000)), 'accept')
  return { ...panel, versionId: issued.value.id, submissionId: submitted.value.submissionId }
}
