// An engagement whose evaluation report is issued (scored, closed, 定稿 rendered in process and
// signed out), then submitted to and accepted by the commissioning bureau (孙审, binjiang.finance),
// all through the real services: the state in which the bureau rates the agency's work.
import type { Db } from '../../db/client.server'
import { generateVersion, issueVersion } from '../../app/services/report.server'
import { decideSubmission, submitReport } from '../../app/services/review.server'
import { renderModel } from '../../reports/render'
import { actorOf, form, type ReadyPanel } from './panel-fixture'
import { scoredEngagement } from './scored-engagement'

function must<T extends { ok: boolean }>(result: T, what: string): T & { ok: true } {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result as T & { ok: true }
}

export type IssuedEngagement = ReadyPanel & { versionId: string }

export async function issuedEngagement(
  db: Db,
  opts: { at: Date; engagementName?: string },
): Promise<IssuedEngagement> {
  let time = opts.at.getTime()
  const tick = () => new Date((time += 60_000))
  const panel = await scoredEngagement(db, { at: tick(), size: 3, engagementName: opts.engagementName })
  const render = (model: Parameters<typeof renderModel>[0]) => renderModel(model)
  const final = must(
    await generateVersion(
      db,
      panel.lead,
      panel.engagementId,
      'evaluation',
      form({ stage: 'final', note: '' }),
      tick(),
      render,
    ),
    'generate',
  )
  const issued = must(
    await issueVersion(
      db,
      panel.lead,
      panel.engagementId,
      form({ versionId: final.value.id }),
      tick(),
      render,
      {
        publicUrl: 'https://evaldesk.example.cn/',
        randomBytes: (n) => new Uint8Array(n).map((_, i) => (i * 7 + 3) % 30),
      },
    ),
    'issue',
  )
  return { ...panel, versionId: issued.value.id }
}

/** The lead submits the issued version; the bureau's reviewer accepts it (验收). */
export function acceptReport(db: Db, e: IssuedEngagement, at: Date): void {
  const submitted = must(
    submitReport(db, e.lead, e.engagementId, form({ versionId: e.versionId }), at),
    'submit',
  )
  must(
    decideSubmission(
      db,
      actorOf(db, 'binjiang.finance'),
      submitted.value.submissionId,
      form({ decision: 'accept', note: '' }),
      new Date(at.getTime() + 60_000),
    ),
    'accept',
  )
}
