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
/** Something that happened to the engagement besides a stage move (submission and review steps). */
export type TimelineEvent = { at: string; actorName: string; text: string; note: string }

/**
 * The engagement's timeline, newest first: stage moves and the other recorded steps (submissions,
 * returns, answers, acceptance) in one list by time.
 */
export function StageTimeline({ entries, events = [] }: { entries: TimelineEntry[]; events?: TimelineEvent[] }) {
  if (entries.length === 0 && events.length === 0) return <p className="muted">暂无阶段记录。</p>
  type Item = { kind: 'stage'; at: string; entry: TimelineEntry } | { kind: 'event'; at: string; event: TimelineEvent }
  const items: Item[] = [...entries.map((entry) => ({ kind: 'stage' as const, at: entry.at, entry })), ...events.map((event) => ({ kind: 'event' as const, at: event.at, event }))]
  // Stable by time: equal instants keep stage moves before the steps recorded with them.
  items.sort((a, b) => a.at.localeCompare(b.at))
  return (
    <ol className="timeline" data-testid="stage-timeline">
      {items.reverse().map((item, i) => (item.kind === 'stage' ? <StageMove key={item.entry.id} entry={item.entry} /> : <OtherStep key={`step-${i}`} event={item.event} />))}
    </ol>
  )
}

function OtherStep({ event }: { event: TimelineEvent }) {
  return (
    <li>
      <div>
        <time dateTime={event.at}>{formatDateTime(event.at)}</time> · {event.actorName} {event.text}
      </div>
      {event.note ? <div className="muted">说明：{event.note}</div> : null}
    </li>
  )
}

function StageMove({ entry: e }: { entry: TimelineEntry }) {
  const back = isBackward(e)
  return (
    <li className={back ? 'back' : undefined}>
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
}
