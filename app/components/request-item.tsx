// One 资料清单 item as both sides read it: what is asked and by when, its state, the numbered files
// uploaded so far (every one kept) and its history with the agency's comments.
import type { ReactNode } from 'react'
import { formatDateTime } from '~/utils/datetime'

type Item = {
  id: string
  title: string
  description: string
  unitName: string
  dueDate: string
  statusLabel: string
  overdue: boolean
  moreComment: string | null
  files: { id: string; versionNo: number; name: string; size: number; sha256: string; uploadedBy: string; uploadedAt: string }[]
  history: { id: string; label: string; note: string; actorName: string; at: string }[]
}

export function RequestItem({ item: i, heading, children }: { item: Item; heading?: ReactNode; children?: ReactNode }) {
  return (
    <div className="card" data-request={i.id}>
      {heading}
      <h3>{i.title}</h3>
      <dl className="facts">
        <dt>被评价单位</dt>
        <dd>{i.unitName}</dd>
        <dt>提交期限</dt>
        <dd>
          {i.dueDate}
          {i.overdue ? <span className="badge warn"> 逾期</span> : null}
        </dd>
        <dt>状态</dt>
        <dd data-testid="request-status">{i.statusLabel}</dd>
        {i.description ? (
          <>
            <dt>说明</dt>
            <dd>{i.description}</dd>
          </>
        ) : null}
        {i.moreComment ? (
          <>
            <dt>补充要求</dt>
            <dd>{i.moreComment}</dd>
          </>
        ) : null}
      </dl>
      {i.files.length > 0 ? (
        <ul className="stack" data-testid="request-files">
          {i.files.map((f) => (
            <li key={f.id}>
              第 {f.versionNo} 份：
              <a href={`/requests/${i.id}/files/${f.id}`} download>
                {f.name}
              </a>{' '}
              <span className="muted small">
                {f.uploadedBy} · {formatDateTime(f.uploadedAt)} · {(f.size / 1024).toFixed(1)} KB · SHA-256 <span title={f.sha256}>{f.sha256.slice(0, 12)}…</span>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">尚未上传资料。</p>
      )}
      <details>
        <summary>办理记录（{i.history.length}）</summary>
        <ol className="timeline">
          {i.history.map((h) => (
            <li key={h.id}>
              <strong>{h.label}</strong> <span className="muted small">{h.actorName} · {formatDateTime(h.at)}</span>
              {h.note ? <p>{h.note}</p> : null}
            </li>
          ))}
        </ol>
      </details>
      {children}
    </div>
  )
}
