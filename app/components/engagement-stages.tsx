import { directionOf, isStage, STAGES, stageLabel } from '~/domain/stages'
import { formatDateTime } from '~/utils/datetime'

export type TimelineEntry = {
  id: string
  fromStage: string | null
  toStage: string
  note: string
  at: string
  actorName: string
}

function isBackward(entry: TimelineEntry): boolean {
  return entry.fromStage !== null && isStage(entry.fromStage) && isStage(entry.toStage) && directionOf(entry.fromStage, entry.toStage) === 'backward'
}

/**
 * The twelve stages with the current one highlighted. A stage counts as done only if the
 * engagement actually passed through it, so a skipped 问卷调查 stays plain.
 */
export function StageBar({ current, history }: { current: string; history: TimelineEntry[] }) {
  const visited = new Set(history.map((h) => h.toStage))
  const currentIndex = STAGES.findIndex((s) => s.code === current)
  return (
    <ul className="stages" aria-label="项目阶段">
      {STAGES.map((s, i) => {
        const state = s.code === current ? 'current' : i < currentIndex && visited.has(s.code) ? 'done' : undefined
        return (
          <li key={s.code} className={state} aria-current={state === 'current' ? 'step' : undefined}>
            {s.label}
          </li>
        )
      })}
    </ul>
  )
}

/** Who moved the engagement, from where to where, when, and why; backward moves stand out. */
export function StageTimeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <p className="muted">暂无阶段记录。</p>
  return (
    <ol className="timeline" data-testid="stage-timeline">
      {[...entries].reverse().map((e) => {
        const back = isBackward(e)
        return (
          <li key={e.id} className={back ? 'back' : undefined}>
            <div>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time> · {e.actorName}{' '}
              {e.fromStage === null ? (
                <>创建项目，进入“{stageLabel(e.toStage)}”</>
              ) : (
                <>
                  将阶段由“{stageLabel(e.fromStage)}”{back ? '退回' : '推进'}至“{stageLabel(e.toStage)}”
                  {back ? <span className="badge off">退回</span> : null}
                </>
              )}
            </div>
            {e.note ? <div className="muted">说明：{e.note}</div> : null}
          </li>
        )
      })}
    </ol>
  )
}
