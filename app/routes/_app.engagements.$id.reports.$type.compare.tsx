import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { compareVersions, isReportType } from '~/services/report.server'

export const meta: MetaFunction = () => [{ title: '版本比较 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!isReportType(params.type)) throw notFound()
  const q = new URL(request.url).searchParams
  const result = compareVersions(getDb(), actor, params.id ?? '', q.get('from') ?? '', q.get('to') ?? '')
  if (!result) throw notFound()
  return { ...result, type: params.type }
}

export default function CompareVersions() {
  const d = useLoaderData<typeof loader>()
  const changed = d.changes.filter((c) => c.kind !== 'same').length
  return (
    <section data-testid="compare-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}/reports/${d.type}`}>← 报告版本</Link>
      </p>
      <h1>
        第 {d.from.versionNo} 版（{d.from.stageLabel}）→ 第 {d.to.versionNo} 版（{d.to.stageLabel}）
      </h1>
      <p className="muted">{changed === 0 ? '两个版本内容相同。' : `共 ${changed} 个部分有变化；未变化的部分只列标题。`}</p>
      {d.changes.map((c, i) => (
        <div key={i} className={`card diff-${c.kind}`} data-kind={c.kind}>
          <h2>
            {c.heading} <span className="muted small">{{ same: '未变化', added: '新增', removed: '删除', changed: '有修改' }[c.kind]}</span>
          </h2>
          {c.kind === 'changed' ? (
            <div className="diff">
              {c.parts
                .filter((p) => p.op !== 'same')
                .map((p, k) => (
                  <p key={k} className={p.op === 'add' ? 'diff-add' : 'diff-remove'}>
                    {p.op === 'add' ? '＋ ' : '－ '}
                    {p.text}
                  </p>
                ))}
            </div>
          ) : c.kind === 'added' || c.kind === 'removed' ? (
            <p className={`pre ${c.kind === 'added' ? 'diff-add' : 'diff-remove'}`}>{c.text}</p>
          ) : null}
        </div>
      ))}
    </section>
  )
}
