import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { DRAW_EVENT_LABELS } from '~/components/panel-labels'
import { exclusionDetail } from '~/domain/experts/eligibility'
import { drawPage } from '~/services/panel.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '抽取记录与复核 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = drawPage(getDb(), actor, params.id ?? '', params.drawId ?? '')
  if (!page) throw notFound()
  const { record, matches, differences } = page.replay
  const name = (id: string) => page.names.get(id) ?? id
  const label = (code: string | null) => (code ? (page.labels[code] ?? code) : '不限专业')
  const member = new Map(record.pool.map((p) => [p.id, p]))
  return {
    engagement: { id: page.engagement.id, name: page.engagement.name },
    matches,
    differences,
    record: {
      algorithm: record.algorithm,
      seedHex: record.seedHex,
      poolHash: record.poolHash,
      poolSize: record.pool.length,
      eligible: record.pool.length - record.excluded.length,
      spec: {
        size: record.spec.size,
        reserveCount: record.spec.reserveCount,
        quotas: record.spec.quotas.map((q) => `${label(q.specialtyCode)} ${q.count} 人`),
        reviewDate: record.spec.context.reviewDate,
        creditThreshold: record.spec.context.creditThreshold,
        minCreditGrade: record.spec.context.minCreditGrade ?? null,
        maxDrawsPerYear: record.spec.context.maxDrawsPerYear,
      },
      seats: record.seats.map((s) => ({ position: s.position, name: name(s.expertId), specialty: label(s.specialtyCode) })),
      reserves: record.reserves.map((s) => ({ position: s.position, name: name(s.expertId), specialty: label(s.specialtyCode) })),
      excluded: record.excluded.map((x) => ({ name: name(x.expertId), reasons: x.reasons.map((r) => exclusionDetail(member.get(x.expertId) ?? { blacklistedUntil: null, creditScore: null }, r, record.spec.context)).join('、') })),
      warnings: record.warnings,
    },
    events: page.events.map((e) => ({ id: e.event.id, seq: e.event.seq, kind: e.event.kind, expertName: e.expertName, reason: e.event.reason, at: e.event.at })),
  }
}

export default function DrawRecordPage() {
  const { engagement, matches, differences, record: r, events } = useLoaderData<typeof loader>()
  return (
    <section data-testid="draw-record">
      <p>
        <Link to={`/engagements/${engagement.id}/panel`}>← 专家组</Link>
      </p>
      <h1>抽取记录与复核</h1>
      {matches ? (
        <p className="notice" role="status" data-testid="replay-ok">
          复核一致：按记录的种子、专家库快照和条件重新计算，结果与记录完全相同，专家库快照哈希相符。
        </p>
      ) : (
        <div className="form-error" role="alert" data-testid="replay-mismatch">
          复核不一致：
          <ul>
            {differences.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </div>
      )}
      <dl className="facts card">
        <dt>算法</dt>
        <dd>{r.algorithm}</dd>
        <dt>随机种子</dt>
        <dd>
          <code>{r.seedHex}</code>
        </dd>
        <dt>专家库快照哈希</dt>
        <dd>
          <code>{r.poolHash}</code>
        </dd>
        <dt>专家库</dt>
        <dd>
          共 {r.poolSize} 人，符合条件 {r.eligible} 人，排除 {r.poolSize - r.eligible} 人
        </dd>
        <dt>条件</dt>
        <dd>
          {r.spec.size} 人，候补 {r.spec.reserveCount} 人；名额：{r.spec.quotas.length ? r.spec.quotas.join('、') : '不限专业'}；评审日期 {r.spec.reviewDate}；每年抽取上限 {r.spec.maxDrawsPerYear} 次
          {r.spec.creditThreshold === null ? '' : `；信用分门槛 ${r.spec.creditThreshold}`}
          {r.spec.minCreditGrade === null ? '' : `；信用等级须为 ${r.spec.minCreditGrade} 级及以上（信用政策）`}
        </dd>
      </dl>
      <div className="detail-grid">
        <div className="card">
          <h2>抽取结果</h2>
          <ol>
            {r.seats.map((s) => (
              <li key={s.position}>
                {s.name}（{s.specialty}）
              </li>
            ))}
          </ol>
          <h3>候补顺序</h3>
          <ol>
            {r.reserves.map((s) => (
              <li key={s.position}>
                {s.name}（{s.specialty}）
              </li>
            ))}
          </ol>
          {r.warnings.map((w, i) => (
            <p key={i} className="warning">
              {w}
            </p>
          ))}
        </div>
        <div className="card">
          <h2>排除的专家（{r.excluded.length}）</h2>
          <table>
            <thead>
              <tr>
                <th>专家</th>
                <th>原因</th>
              </tr>
            </thead>
            <tbody>
              {r.excluded.map((x, i) => (
                <tr key={i}>
                  <td>{x.name}</td>
                  <td>{x.reasons}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {events.length > 0 ? (
        <div className="card">
          <h2>抽取后事项</h2>
          <ol>
            {events.map((e) => (
              <li key={e.id}>
                {formatDateTime(e.at)} {e.expertName ?? ''} {DRAW_EVENT_LABELS[e.kind] ?? e.kind}：{e.reason}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  )
}
