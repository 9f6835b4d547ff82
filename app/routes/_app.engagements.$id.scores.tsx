import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { pointsText } from '~/domain/indicators/rules'
import { AGGREGATION_RULES, type AggregationRule } from '~/domain/scoring/aggregate'
import { AGREEMENT_EXPLANATIONS } from '~/domain/scoring/agreement'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { consolidationPage, requestJustification } from '~/services/scoring.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '评分汇总 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const raw = new URL(request.url).searchParams.get('rule')
  const rule = AGGREGATION_RULES.some((r) => r.code === raw) ? (raw as AggregationRule) : undefined
  const page = consolidationPage(getDb(), actor, params.id ?? '', rule)
  if (!page) throw notFound()
  if (!page.round) return { engagement: page.engagement, started: false as const }
  return {
    engagement: page.engagement,
    started: true as const,
    rule: page.rule,
    declaredRule: page.round.aggregationRule,
    experts: page.experts.map((x) => x.key),
    seats: page.experts.map((x) => ({ key: x.key, seatId: x.seatId })),
    phase: page.round.phase,
    divergencePercent: page.round.divergencePercent,
    requests: page.requests,
    stored: page.stored ? { rule: page.stored.rule, total: page.stored.total, grade: page.stored.grade, createdAt: page.stored.createdAt } : null,
    consolidation: page.consolidation,
    divergence: page.divergence,
    agreement: page.agreement,
    sensitivity: page.sensitivity,
    history: page.history,
    opinion: page.opinion,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Any signed-in user: the service answers 404 for an engagement the actor cannot see, before 403.
  const { actor } = await requireUser(request)
  const fd = await request.formData()
  // The page has one action: asking experts to justify or rescore (the service authorizes first).
  const result = requestJustification(getDb(), actor, params.id ?? '', fd, now())
  const code = String(fd.get('code') ?? '')
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data({ errors: result.errors as Record<string, string>, code, done: 0 }, { status: result.status })
  }
  return { errors: {} as Record<string, string>, code, done: result.value.count }
}

const REQUEST_STATUS: Record<string, string> = { open: '待答复', justified: '已说明理由', rescored: '已重评', lapsed: '未答复' }

const ruleLabel = (code: string) => AGGREGATION_RULES.find((r) => r.code === code)?.label ?? code
const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits))

export default function ScoresPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (!d.started)
    return (
      <section>
        <p>
          <Link to={`/engagements/${d.engagement.id}/panel`}>← 专家组</Link>
        </p>
        <p className="muted">评分尚未开始。</p>
      </section>
    )
  const c = d.consolidation
  const maxDeviation = Math.max(0.01, ...(d.agreement?.deviations.map((x) => x.meanAbsDeviation) ?? [0]))
  return (
    <section data-testid="scores-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}/panel`}>← 专家组</Link>
      </p>
      <h1>评分汇总 · {d.engagement.name}</h1>
      <p className="muted">
        仅统计已提交的评分表（{d.experts.length} 位：{d.experts.join('、') || '暂无'}）。项目设定的汇总规则：{ruleLabel(d.declaredRule)}。专家以代号显示。
      </p>
      <Form method="get" className="inline-form">
        <label>
          按规则试算
          <select name="rule" defaultValue={d.rule}>
            {AGGREGATION_RULES.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="submit">查看</button>
      </Form>
      {!c ? (
        <p className="muted">尚无专家提交评分。</p>
      ) : (
        <>
          <p>
            <a className="button" href={`/engagements/${d.engagement.id}/scores.xlsx?rule=${d.rule}`} download>
              导出评分明细表
            </a>
          </p>
          {d.stored ? (
            <p className="muted small" data-testid="stored-result">
              结束评分时（{formatDateTime(d.stored.createdAt)}）按“{ruleLabel(d.stored.rule)}”确认的结果：{pointsText(d.stored.total)} 分，等级“{d.stored.grade}”，报告引用此结果。
            </p>
          ) : null}
          <p className="notice" data-testid="total">
            总分 <strong>{pointsText(c.total)}</strong> 分，得分率 {(c.rate * 100).toFixed(2)}%，等级 <strong>{c.grade.label}</strong>（{ruleLabel(d.rule)}）
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>指标</th>
                  <th>分值</th>
                  {d.experts.map((k) => (
                    <th key={k}>{k}</th>
                  ))}
                  <th>汇总得分</th>
                  <th>得分率</th>
                </tr>
              </thead>
              <tbody>
                {c.leaves.map((l) => (
                  <tr key={l.code} className={d.divergence.some((x) => x.code === l.code) ? 'has-error' : undefined}>
                    <td>
                      {l.code} {l.name}
                    </td>
                    <td className="num">{pointsText(l.weight)}</td>
                    {d.experts.map((k) => (
                      <td key={k} className="num">
                        {l.expertScores[k] === undefined ? '—' : pointsText(l.expertScores[k]!)}
                      </td>
                    ))}
                    <td className="num">
                      <strong>{pointsText(l.score)}</strong>
                    </td>
                    <td className="num">{(l.rate * 100).toFixed(1)}%</td>
                  </tr>
                ))}
                {c.subtotals
                  .filter((s) => s.level === 1)
                  .map((s) => (
                    <tr key={s.code}>
                      <td colSpan={2 + d.experts.length}>小计：{s.name}</td>
                      <td className="num">{pointsText(s.score)}</td>
                      <td className="num">/ {pointsText(s.weight)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <div className="detail-grid">
            <div className="card">
              <h2>评分分歧（极差超过分值的 {d.divergencePercent}%）</h2>
              {d.divergence.length === 0 ? (
                <p className="muted">没有分歧较大的指标。</p>
              ) : (
                <ul data-testid="divergence">
                  {d.divergence.map((x) => {
                    const errors = actionData?.code === x.code ? actionData.errors : {}
                    return (
                      <li key={x.code}>
                        {x.code} {x.name}：极差 {pointsText(x.spread)} 分（阈值 {pointsText(x.threshold)}），最低 {x.low.join('、')}，最高 {x.high.join('、')}
                        {d.phase === 'discussion' ? (
                          <Form method="post" className="stack request-form" data-code={x.code}>
                            <input type="hidden" name="intent" value="request" />
                            <input type="hidden" name="code" value={x.code} />
                            <FormError error={errors._form} />
                            <fieldset>
                              <legend>请以下专家说明理由或重评</legend>
                              {d.seats.map((s) => (
                                <label key={s.seatId} className="inline">
                                  <input type="checkbox" name="seatId" value={s.seatId} defaultChecked={x.low.includes(s.key) || x.high.includes(s.key)} /> {s.key}
                                </label>
                              ))}
                              {errors.seatId ? <p className="field-error">{errors.seatId}</p> : null}
                            </fieldset>
                            <label>
                              说明
                              <textarea name="message" rows={2} maxLength={1000} defaultValue={`「${x.name}」专家评分差异较大（极差 ${pointsText(x.spread)} 分），请说明评分依据，或调整后重评。`} aria-invalid={Boolean(errors.message)} />
                            </label>
                            {errors.message ? <p className="field-error">{errors.message}</p> : null}
                            <div>
                              <button type="submit" disabled={busy}>
                                发送请求
                              </button>
                              {actionData?.code === x.code && actionData.done > 0 ? <span className="muted small"> 已向 {actionData.done} 位专家发出请求</span> : null}
                            </div>
                          </Form>
                        ) : null}
                      </li>
                    )
                  })}
                </ul>
              )}
              {d.requests.length > 0 ? (
                <table data-testid="requests">
                  <thead>
                    <tr>
                      <th>指标</th>
                      <th>专家</th>
                      <th>状态</th>
                      <th>答复</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.requests.map((r) => (
                      <tr key={r.id}>
                        <td>{r.code}</td>
                        <td>{r.expertKey}</td>
                        <td>{REQUEST_STATUS[r.status] ?? r.status}</td>
                        <td>{r.response || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </div>
            <div className="card" data-testid="agreement">
              <h2>专家一致性（仅供参考，不影响结果）</h2>
              <dl className="facts">
                <dt>Kendall W</dt>
                <dd>
                  {fixed(d.agreement?.kendallW?.w)} <p className="muted small">{AGREEMENT_EXPLANATIONS.kendallW}</p>
                </dd>
                <dt>ICC(2,1)</dt>
                <dd>
                  {fixed(d.agreement?.icc?.icc21)} <p className="muted small">{AGREEMENT_EXPLANATIONS.icc21}</p>
                </dd>
                <dt>ICC(2,k)</dt>
                <dd>
                  {fixed(d.agreement?.icc?.icc2k)} <p className="muted small">{AGREEMENT_EXPLANATIONS.icc2k}</p>
                </dd>
              </dl>
              <p className="muted small">{AGREEMENT_EXPLANATIONS.deviation}</p>
              <svg width="100%" viewBox={`0 0 300 ${Math.max(1, d.agreement?.deviations.length ?? 0) * 22}`} role="img" aria-label="各专家与其他专家平均的偏离">
                {(d.agreement?.deviations ?? []).map((x, i) => (
                  <g key={x.expertKey} transform={`translate(0 ${i * 22})`}>
                    <text x="0" y="15" fontSize="12">
                      {x.expertKey}
                    </text>
                    <rect x="60" y="4" height="14" width={(200 * x.meanAbsDeviation) / maxDeviation} fill={d.agreement?.flat.includes(x.expertKey) ? '#c53030' : '#2b6cb0'} />
                    <text x={66 + (200 * x.meanAbsDeviation) / maxDeviation} y="15" fontSize="11">
                      {(x.meanAbsDeviation * 100).toFixed(1)}%
                    </text>
                  </g>
                ))}
              </svg>
              {d.agreement?.flat.length ? <p className="warning small">评分几乎无差别：{d.agreement.flat.join('、')}。{AGREEMENT_EXPLANATIONS.flat}</p> : null}
            </div>
          </div>
          <div className="card" data-testid="panel-opinion">
            <h2>专家组意见</h2>
            {!d.opinion ? (
              <p className="muted">组长尚未形成专家组意见。</p>
            ) : (
              <>
                <p className="muted small">{d.opinion.status === 'confirmed' ? `组长已于 ${formatDateTime(d.opinion.confirmedAt!)} 确认` : '草稿（组长尚未确认）'}</p>
                <p className="pre">{d.opinion.overall}</p>
                {d.opinion.parts.map((p) => (
                  <div key={p.code}>
                    <h3>{p.name}</h3>
                    <p className="pre">{p.text || '—'}</p>
                  </div>
                ))}
              </>
            )}
          </div>
          <div className="card" data-testid="score-history">
            <h2>评分修改记录</h2>
            {d.history.length === 0 ? (
              <p className="muted">暂无修改。</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>时间</th>
                    <th>专家</th>
                    <th>指标</th>
                    <th>原分 → 新分</th>
                    <th>理由</th>
                  </tr>
                </thead>
                <tbody>
                  {d.history.map((h, i) => (
                    <tr key={i}>
                      <td>{formatDateTime(h.at)}</td>
                      <td>{h.expertKey}</td>
                      <td>{h.code}</td>
                      <td className="num">
                        {h.before === null ? '—' : pointsText(h.before)} → {pointsText(h.after)}
                      </td>
                      <td>{h.rescoreReason ? `重评：${h.rescoreReason}` : h.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          {d.sensitivity ? (
            <div className="card" data-testid="sensitivity">
              <h2>敏感性：等级是否会变化</h2>
              <table>
                <thead>
                  <tr>
                    <th>情形</th>
                    <th>总分</th>
                    <th>等级</th>
                  </tr>
                </thead>
                <tbody>
                  {d.sensitivity.leaveOneOut.map((x) => (
                    <tr key={x.expertKey} className={x.gradeChanges ? 'has-error' : undefined}>
                      <td>去掉 {x.expertKey}</td>
                      <td className="num">{pointsText(x.total)}</td>
                      <td>
                        {x.grade}
                        {x.gradeChanges ? '（等级变化）' : ''}
                      </td>
                    </tr>
                  ))}
                  {d.sensitivity.byRule.map((x) => (
                    <tr key={x.rule} className={x.gradeChanges ? 'has-error' : undefined}>
                      <td>{ruleLabel(x.rule)}</td>
                      <td className="num">{pointsText(x.total)}</td>
                      <td>
                        {x.grade}
                        {x.gradeChanges ? '（等级变化）' : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      )}
    </section>
  )
}
