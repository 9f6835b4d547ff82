import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { DRAW_EVENT_LABELS, SEAT_KIND_LABELS, SEAT_STATUS_LABELS } from '~/components/panel-labels'
import { CONFLICT_SOURCES, CONFLICT_TYPES, TITLES, labelOf } from '~/domain/experts/vocab'
import { formatFenAsYuan } from '~/domain/money'
import { PANEL_DEFAULTS } from '~/domain/experts/panel'
import { can } from '~/domain/permissions'
import { engagementResource } from '~/models/engagement.server'
import { engagementForViewer } from '~/services/engagement.server'
import { judgesExpertsOn, markDeclineUnjustified, MAX_DECLINE_NOTE, unjustifiedDeclines } from '~/services/credit-automatic.server'
import {
  addConflict,
  appointManually,
  createInviteLink,
  detectPanelConflicts,
  drawPanel,
  drawVacancy,
  expireOverdueInvitations,
  panelPage,
  removeConflict,
  savePanel,
  setLeader,
  setReportNames,
  withdrawSeat,
} from '~/services/panel.server'
import { formatDateTime } from '~/utils/datetime'
import { APPOINT_SEARCH_LIMIT } from '~/utils/limits'
import { scoringProgress, setScoringPhase, startScoring } from '~/services/scoring.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `专家组 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

const QUOTA_ROWS = 4

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = panelPage(db, actor, params.id ?? '', new URL(request.url).searchParams.get('find') ?? '')
  if (!page) throw notFound()
  return {
    engagement: { id: page.engagement.id, name: page.engagement.name },
    panel: page.panel,
    quotas: page.quotas,
    seats: page.seats.map((s) => ({
      id: s.id,
      expertId: s.expertId,
      expertName: s.expertName,
      expertTitle: s.expertTitle,
      expertEmployer: s.expertEmployer,
      hasAccount: s.expertUserId !== null,
      kind: s.kind,
      specialtyCode: s.specialtyCode,
      position: s.position,
      isLeader: s.isLeader,
      status: s.status,
      manualReason: s.manualReason,
      replyBy: s.replyBy,
      declineReason: s.declineReason,
      certified: s.certified,
    })),
    ready: page.ready,
    problems: page.problems,
    draws: page.draws,
    events: page.events.map((e) => ({ ...e.event, expertName: e.expertName })),
    conflicts: page.conflicts,
    mayManage: page.mayManage,
    // A decline the agency's admin or lead judges to be without proper reason enters the expert's credit file.
    mayJudgeDeclines: judgesExpertsOn(actor, page.engagement),
    unjustifiedDeclines: [...unjustifiedDeclines(db, page.engagement.id)],
    specialties: page.specialties.map((s) => ({ code: s.code, label: s.label })),
    candidates: page.candidates,
    fees: page.fees,
    scoring: scoringProgress(db, page.engagement.id),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const e = engagementForViewer(db, actor, params.id ?? '')
  if (!e) throw notFound()
  if (!can(actor, 'panel.manage', engagementResource(e))) throw forbidden()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const at = now()
  const run = () => {
    switch (intent) {
      case 'save':
        return savePanel(db, actor, e.id, fd, at)
      case 'detect':
        return detectPanelConflicts(db, actor, e.id, at)
      case 'add-conflict':
        return addConflict(db, actor, e.id, fd, at)
      case 'remove-conflict':
        return removeConflict(db, actor, e.id, fd, at)
      case 'draw':
        return drawPanel(db, actor, e.id, fd, at)
      case 'expire':
        return expireOverdueInvitations(db, actor, e.id, at)
      case 'manual':
        return appointManually(db, actor, e.id, fd, at)
      case 'leader':
        return setLeader(db, actor, e.id, fd, at)
      case 'withdraw':
        return withdrawSeat(db, actor, e.id, fd, at)
      case 'vacancy-draw':
        return drawVacancy(db, actor, e.id, fd, at)
      case 'start-scoring':
        return startScoring(db, actor, e.id, fd, at)
      case 'phase':
        return setScoringPhase(db, actor, e.id, fd, at)
      case 'invite-link':
        return createInviteLink(db, actor, e.id, fd, at)
      case 'report-names':
        return setReportNames(db, actor, e.id, fd, at)
      case 'decline-unjustified':
        return markDeclineUnjustified(db, actor, e.id, fd, at)
      default:
        return { ok: false as const, status: 400 as const, errors: { _form: '不支持此操作' } as Record<string, string> }
    }
  }
  const result = run()
  if (!result.ok) {
    if (result.status === 403) throw forbidden()
    return data({ intent, errors: result.errors as Record<string, string>, values: ('values' in result ? result.values : undefined) ?? {}, done: null }, { status: result.status })
  }
  const value = result.value as Record<string, unknown> | null
  // A fresh invite link is shown once: only its hash is kept.
  const link =
    intent === 'invite-link' && value && typeof value.token === 'string'
      ? { url: `${new URL(request.url).origin}/invite/${value.token}`, expertName: String(value.expertName), expiresAt: String(value.expiresAt) }
      : null
  return { intent, errors: {} as Record<string, string>, values: {}, done: { link, warnings: (value?.warnings as string[] | undefined) ?? [], added: value?.added as number | undefined, expired: value?.expired as number | undefined } }
}

export default function PanelPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string): Record<string, string | undefined> => (actionData?.intent === intent ? actionData.errors : {})
  const valuesFor = (intent: string): Record<string, string | string[] | undefined> => (actionData?.intent === intent ? actionData.values : {})
  const label = (code: string | null) => (code ? (d.specialties.find((s) => s.code === code)?.label ?? code) : '不限专业')
  const p = d.panel
  const drawn = d.draws.length > 0
  const candidateOptions = (withMarks: boolean) => (
    <>
      <option value="">{d.candidates && d.candidates.rows.length > 0 ? '请选择' : '请先在“查找专家”中查找'}</option>
      {d.candidates?.rows.map((x) => (
        <option key={x.id} value={x.id}>
          {x.name}（{x.employer}）{withMarks && x.mark ? ` · ${x.mark}` : ''}
        </option>
      ))}
    </>
  )
  const sv = valuesFor('save')
  const pv = (k: string, fallback: string) => (typeof sv[k] === 'string' ? (sv[k] as string) : fallback)
  const quotaCell = (k: 'quotaSpecialty' | 'quotaCount', i: number) => {
    const v = sv[k]
    if (Array.isArray(v)) return v[i] ?? ''
    const q = d.quotas[i]
    if (!q) return ''
    return k === 'quotaSpecialty' ? q.specialtyCode : String(q.count)
  }
  const seated = d.seats.filter((s) => s.kind !== 'reserve' || s.status !== 'waiting')
  const reserves = d.seats.filter((s) => s.kind === 'reserve' && s.status === 'waiting')
  const active = d.seats.filter((s) => s.status === 'invited' || s.status === 'accepted')
  const vacancies = p ? p.size - active.length : 0
  // A vacated seat is refilled when a reserve or a 补抽 took its position (or its specialty slot).
  const refilled = new Set(active.map((s) => s.position))
  return (
    <section data-testid="panel-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>评审专家组</h1>
      {d.ready ? (
        <p className="notice" role="status" data-testid="panel-ready">
          专家组已就绪：全部席位已接受邀请并签署回避与保密承诺，可进入专家评审阶段。
        </p>
      ) : (
        <div className="card" data-testid="panel-problems">
          <strong>进入专家评审前还需：</strong>
          <ul>
            {d.problems.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </div>
      )}
      {actionData?.done?.link ? (
        <div className="notice" role="status" data-testid="invite-link">
          <p>
            已为 {actionData.done.link.expertName} 生成一次性邀请链接（{formatDateTime(actionData.done.link.expiresAt)} 前有效，只显示这一次）：
          </p>
          <code>{actionData.done.link.url}</code>
          <p className="small">
            可复制的短信/邮件内容：{actionData.done.link.expertName}专家您好，您已被随机抽取为“{d.engagement.name}”评审专家，请在有效期内打开链接设置密码并答复邀请：
            {actionData.done.link.url}
          </p>
        </div>
      ) : null}
      {actionData?.done?.warnings?.length ? (
        <ul className="warning">
          {actionData.done.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      ) : null}

      <div className="card">
        <h2>组成</h2>
        {d.mayManage && !drawn ? (
          <Form method="post" noValidate className="stack" data-testid="panel-form">
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="version" value={p?.version ?? 0} />
            <FormError error={errorsFor('save')._form} />
            <div className="detail-grid">
              <Field name="size" label="专家组人数（奇数）" error={errorsFor('save').size}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={pv('size', String(p?.size ?? PANEL_DEFAULTS.size))} />}
              </Field>
              <Field name="reserveCount" label="候补人数" error={errorsFor('save').reserveCount}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={pv('reserveCount', String(p?.reserveCount ?? PANEL_DEFAULTS.reserveCount))} />}
              </Field>
              <Field name="reviewDate" label="评审日期" error={errorsFor('save').reviewDate}>
                {(f) => <input {...f} type="date" defaultValue={pv('reviewDate', p?.reviewDate ?? '')} />}
              </Field>
              <Field name="reviewDays" label="评审天数" error={errorsFor('save').reviewDays} hint="按天计酬，半天为 0.5">
                {(f) => <input {...f} inputMode="decimal" defaultValue={pv('reviewDays', p ? String(p.reviewDaysHundredths / 100) : PANEL_DEFAULTS.reviewDays)} />}
              </Field>
              <Field name="maxDrawsPerYear" label="每位专家每年抽取次数上限" error={errorsFor('save').maxDrawsPerYear}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={pv('maxDrawsPerYear', String(p?.maxDrawsPerYear ?? PANEL_DEFAULTS.maxDrawsPerYear))} />}
              </Field>
              <Field name="creditThreshold" label="信用分门槛（可空）" error={errorsFor('save').creditThreshold} hint="未评信用的专家按中性处理">
                {(f) => <input {...f} inputMode="numeric" defaultValue={pv('creditThreshold', p?.creditThreshold == null ? '' : String(p.creditThreshold))} />}
              </Field>
              <Field name="lookbackYears" label="任职回避年限" error={errorsFor('save').lookbackYears}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={pv('lookbackYears', String(p?.lookbackYears ?? PANEL_DEFAULTS.lookbackYears))} />}
              </Field>
              <Field name="replyHours" label="答复时限（小时）" error={errorsFor('save').replyHours}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={pv('replyHours', String(p?.replyHours ?? PANEL_DEFAULTS.replyHours))} />}
              </Field>
            </div>
            <h3>专业名额</h3>
            <p className="muted small">如 1 名财务 + 1 名行业专家；其余席位不限专业。{errorsFor('save').quotaCount ? <span className="field-error">{errorsFor('save').quotaCount}</span> : null}</p>
            <table>
              <thead>
                <tr>
                  <th>专业领域</th>
                  <th>名额</th>
                </tr>
              </thead>
              <tbody>
                {Array.from({ length: QUOTA_ROWS }, (_, i) => (
                  <tr key={i}>
                    <td>
                      <select name="quotaSpecialty" aria-label={`第${i + 1}条名额 专业领域`} defaultValue={quotaCell('quotaSpecialty', i)}>
                        <option value="">（不设）</option>
                        {d.specialties.map((s) => (
                          <option key={s.code} value={s.code}>
                            {s.label}
                          </option>
                        ))}
                      </select>
                      {errorsFor('save')[`quotaSpecialty.${i}`] ? <p className="field-error">{errorsFor('save')[`quotaSpecialty.${i}`]}</p> : null}
                    </td>
                    <td>
                      <input name="quotaCount" aria-label={`第${i + 1}条名额 人数`} className="short" inputMode="numeric" defaultValue={quotaCell('quotaCount', i)} />
                      {errorsFor('save')[`quotaCount.${i}`] ? <p className="field-error">{errorsFor('save')[`quotaCount.${i}`]}</p> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div>
              <button type="submit" disabled={busy}>
                保存组成
              </button>
            </div>
          </Form>
        ) : p ? (
          <p>
            {p.size} 人，候补 {p.reserveCount} 人；评审日期 {p.reviewDate}（{p.reviewDaysHundredths / 100} 天）；名额：
            {d.quotas.length === 0 ? '不限专业' : d.quotas.map((q) => `${label(q.specialtyCode)} ${q.count} 人`).join('、')}；每年抽取上限 {p.maxDrawsPerYear} 次；任职回避 {p.lookbackYears} 年；答复时限 {p.replyHours} 小时。
          </p>
        ) : (
          <p className="muted">尚未组建专家组。</p>
        )}
        {d.mayManage && p && !drawn ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="draw" />
            <input type="hidden" name="version" value={p.version} />
            <FormError error={errorsFor('draw')._form} />
            <button type="submit" className="primary" disabled={busy}>
              随机抽取专家
            </button>
            <span className="muted small">抽取前自动识别回避；种子来自密码学随机源，抽取记录可复核。</span>
          </Form>
        ) : null}
        {p ? (
          <Form method="post" className="inline-form" data-testid="report-names">
            <input type="hidden" name="intent" value="report-names" />
            <label>
              报告中的专家名单{' '}
              <select name="showExpertNames" defaultValue={p.showExpertNames ? 'names' : 'pseudonyms'} disabled={!d.mayManage}>
                <option value="pseudonyms">以代号列示（专家A、专家B…）</option>
                <option value="names">列示姓名及工作单位</option>
              </select>
            </label>{' '}
            {d.mayManage ? (
              <button type="submit" disabled={busy}>
                保存
              </button>
            ) : null}
            <FormError error={errorsFor('report-names')._form ?? errorsFor('report-names').showExpertNames} />
          </Form>
        ) : null}
      </div>

      {p && drawn ? (
        <div className="card">
          <h2>席位</h2>
          <table data-testid="seats">
            <thead>
              <tr>
                <th>席位</th>
                <th>专家</th>
                <th>专业名额</th>
                <th>产生方式</th>
                <th>状态</th>
                <th>承诺</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {seated.map((s) => (
                <tr key={s.id} data-expert={s.expertName}>
                  <td>
                    {s.position > 100 ? `候补 ${s.position - 100}` : `第 ${s.position} 席`}
                    {s.isLeader ? <span className="badge ok">组长</span> : null}
                  </td>
                  <td>
                    {s.expertName}
                    <p className="muted small">
                      {labelOf(TITLES, s.expertTitle)} · {s.expertEmployer}
                    </p>
                  </td>
                  <td>{label(s.specialtyCode)}</td>
                  <td>
                    {SEAT_KIND_LABELS[s.kind]}
                    {s.kind === 'manual' ? <p className="warning small">指定理由：{s.manualReason}</p> : null}
                  </td>
                  <td>
                    {SEAT_STATUS_LABELS[s.status]}
                    {s.status === 'invited' && s.replyBy ? (
                      <>
                        <p className="muted small">截止 {formatDateTime(s.replyBy)}</p>
                        {s.hasAccount ? (
                          <details className="small">
                            <summary>通知文本</summary>
                            {s.expertName}专家您好：您已被随机抽取为“{d.engagement.name}”评审专家（评审日期 {p.reviewDate}），请登录 EvalDesk 在“我的评审邀请”中于 {formatDateTime(s.replyBy)} 前答复。
                          </details>
                        ) : null}
                      </>
                    ) : null}
                    {s.declineReason ? <p className="muted small">理由：{s.declineReason}</p> : null}
                    {s.status === 'declined' ? <DeclineJudgement seatId={s.id} expertName={s.expertName} /> : null}
                  </td>
                  <td>{s.status === 'accepted' ? (s.certified ? '已签署' : '未签署') : ''}</td>
                  <td>
                    {d.mayManage && s.status === 'accepted' && !s.isLeader ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="leader" />
                        <input type="hidden" name="seatId" value={s.id} />
                        <button type="submit" disabled={busy}>
                          设为组长
                        </button>
                      </Form>
                    ) : null}
                    {d.mayManage && vacancies > 0 && (s.status === 'declined' || s.status === 'expired' || s.status === 'withdrawn') && !refilled.has(s.position) ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="vacancy-draw" />
                        <input type="hidden" name="seatId" value={s.id} />
                        <button type="submit" disabled={busy}>
                          补抽本席
                        </button>
                      </Form>
                    ) : null}
                    {d.mayManage && (s.status === 'invited' || s.status === 'accepted') ? (
                      <details>
                        <summary>撤回席位</summary>
                        <Form method="post" className="stack">
                          <input type="hidden" name="intent" value="withdraw" />
                          <input type="hidden" name="seatId" value={s.id} />
                          <input name="reason" aria-label={`撤回 ${s.expertName} 的理由`} placeholder="撤回理由（如发现回避情形）" maxLength={500} />
                          <button type="submit" disabled={busy}>
                            撤回并递补
                          </button>
                        </Form>
                      </details>
                    ) : null}
                    {d.mayManage && s.status === 'invited' && !s.hasAccount ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="invite-link" />
                        <input type="hidden" name="seatId" value={s.id} />
                        <button type="submit" disabled={busy}>
                          生成邀请链接
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            候补待命：{reserves.length === 0 ? '无' : reserves.map((r) => `${r.position - 100}. ${r.expertName}（${label(r.specialtyCode)}）`).join('；')}
          </p>
          {d.mayManage ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="expire" />
              <button type="submit" disabled={busy}>
                处理逾期未答复
              </button>
              {actionData?.intent === 'expire' && actionData.done ? <span className="muted">已处理 {actionData.done.expired ?? 0} 个逾期邀请</span> : null}
            </Form>
          ) : null}
          <FormError
            error={errorsFor('leader').seatId ?? errorsFor('leader')._form ?? errorsFor('invite-link')._form ?? errorsFor('withdraw').reason ?? errorsFor('withdraw')._form ?? errorsFor('vacancy-draw')._form}
          />
        </div>
      ) : null}

      {d.scoring ? (
        <div className="card" data-testid="scoring-progress">
          <h2>评分进度 · {{ scoring: '独立评分', discussion: '讨论', closed: '已结束' }[d.scoring.round.phase]}</h2>
          <Link to={`/engagements/${d.engagement.id}/scores`}>查看评分汇总 →</Link>
          {d.mayManage && d.scoring.round.phase !== 'closed' ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="phase" />
              <input type="hidden" name="version" value={d.scoring.round.version} />
              <input type="hidden" name="to" value={d.scoring.round.phase === 'scoring' ? 'discussion' : 'closed'} />
              <button type="submit" disabled={busy}>
                {d.scoring.round.phase === 'scoring' ? '进入讨论阶段' : '结束评分'}
              </button>
              <FormError error={errorsFor('phase')._form} />
            </Form>
          ) : null}
          <p className="muted small">
            评分表第 {d.scoring.round.sheetVersionNo} 版（已冻结）· 共 {d.scoring.leaves} 项 · 汇总规则：
            {{ mean: '算术平均', trimmed: '去掉最高最低分后平均', median: '中位数' }[d.scoring.round.aggregationRule]}
          </p>
          <table>
            <thead>
              <tr>
                <th>专家</th>
                <th>已评</th>
                <th>提交</th>
              </tr>
            </thead>
            <tbody>
              {d.scoring.seats.map((s) => (
                <tr key={s.seatId}>
                  <td>{s.expertName}</td>
                  <td>
                    {s.scored} / {d.scoring!.leaves}
                  </td>
                  <td>{s.submittedAt ? `${formatDateTime(s.submittedAt)}${s.late ? '（逾期）' : ''}` : '未提交'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : d.mayManage && d.ready ? (
        <div className="card">
          <h2>开始评分</h2>
          <p className="muted small">开始后评分表冻结，已签署承诺的专家可在线评分；如需修改评分表须新建版本并说明原因。</p>
          <Form method="post" noValidate className="stack" data-testid="start-scoring">
            <input type="hidden" name="intent" value="start-scoring" />
            <FormError error={errorsFor('start-scoring')._form} />
            <Field name="aggregationRule" label="汇总规则" error={errorsFor('start-scoring').aggregationRule}>
              {(f) => (
                <select {...f} defaultValue={(p?.size ?? 0) >= 5 ? 'trimmed' : 'mean'}>
                  <option value="mean">算术平均</option>
                  <option value="trimmed">去掉一个最高分和一个最低分后平均（5 人及以上）</option>
                  <option value="median">中位数</option>
                </select>
              )}
            </Field>
            <Field name="step" label="评分步长" error={errorsFor('start-scoring').step}>
              {(f) => (
                <select {...f} defaultValue="0.5">
                  <option value="0.1">0.1 分</option>
                  <option value="0.5">0.5 分</option>
                  <option value="1">1 分</option>
                </select>
              )}
            </Field>
            <Field name="divergencePercent" label="分歧阈值（极差超过分值的百分比，默认 25）" error={errorsFor('start-scoring').divergencePercent}>
              {(f) => <input {...f} inputMode="numeric" defaultValue={String(valuesFor('start-scoring').divergencePercent ?? '25')} />}
            </Field>
            <fieldset>
              <legend>评价等级线（得分率 %，默认 优 90 / 良 80 / 中 60）</legend>
              <Field name="bandExcellent" label="优 ≥" error={errorsFor('start-scoring').bandExcellent}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={String(valuesFor('start-scoring').bandExcellent ?? '90')} />}
              </Field>
              <Field name="bandGood" label="良 ≥" error={errorsFor('start-scoring').bandGood}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={String(valuesFor('start-scoring').bandGood ?? '80')} />}
              </Field>
              <Field name="bandPass" label="中 ≥" error={errorsFor('start-scoring').bandPass}>
                {(f) => <input {...f} inputMode="numeric" defaultValue={String(valuesFor('start-scoring').bandPass ?? '60')} />}
              </Field>
            </fieldset>
            <Field name="softDeadline" label="建议完成日期（可空）" error={errorsFor('start-scoring').softDeadline}>
              {(f) => <input {...f} type="date" />}
            </Field>
            <Field name="hardDeadline" label="截止日期（可空，过后不能提交）" error={errorsFor('start-scoring').hardDeadline}>
              {(f) => <input {...f} type="date" />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                开始评分
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      {d.draws.length > 0 ? (
        <div className="card">
          <h2>抽取记录</h2>
          <ul>
            {d.draws.map((dr) => (
              <li key={dr.id}>
                <Link to={`draws/${dr.id}`}>{formatDateTime(dr.createdAt)} 抽取（种子 {dr.seedHex.slice(0, 12)}…）</Link> — 可复核
              </li>
            ))}
          </ul>
          {d.events.length > 0 ? (
            <table data-testid="draw-events">
              <thead>
                <tr>
                  <th>时间</th>
                  <th>事项</th>
                  <th>专家</th>
                  <th>说明</th>
                </tr>
              </thead>
              <tbody>
                {d.events.map((ev) => (
                  <tr key={ev.id}>
                    <td>{formatDateTime(ev.at)}</td>
                    <td>{DRAW_EVENT_LABELS[ev.kind] ?? ev.kind}</td>
                    <td>{ev.expertName}</td>
                    <td>{ev.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}

      {d.candidates ? (
        <div className="card" data-testid="expert-search">
          <h2>查找专家</h2>
          <p className="muted small">供指定专家和设定回避选择：按姓名、工作单位或专业查找在库专家，最多列出 {APPOINT_SEARCH_LIMIT} 位。</p>
          <Form method="get" className="toolbar" role="search">
            <div className="field">
              <label htmlFor="find-expert">姓名、单位或专业</label>
              <input id="find-expert" name="find" type="search" maxLength={50} defaultValue={d.candidates.text} />
            </div>
            <button type="submit">查找</button>
          </Form>
          {d.candidates.text === '' ? null : d.candidates.rows.length === 0 ? (
            <p className="muted">{`没有姓名、单位或专业含“${d.candidates.text}”的在库专家。`}</p>
          ) : (
            <>
              <p className="muted small">
                {d.candidates.total > d.candidates.rows.length
                  ? `共 ${d.candidates.total} 位，列出按姓名排序的前 ${d.candidates.rows.length} 位；请输入更具体的内容。`
                  : `共 ${d.candidates.total} 位。`}
              </p>
              <table>
                <thead>
                  <tr>
                    <th>专家</th>
                    <th>工作单位</th>
                    <th>专业</th>
                    <th>能否指定</th>
                  </tr>
                </thead>
                <tbody>
                  {d.candidates.rows.map((x) => (
                    <tr key={x.id} data-expert-id={x.id}>
                      <td>{x.name}</td>
                      <td>{x.employer}</td>
                      <td>{x.specialties}</td>
                      <td>{x.bar ? <span className="warning small">{x.bar}</span> : '可指定'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      ) : null}

      {d.mayManage && p && drawn ? (
        <div className="card">
          <h2>指定专家（稀缺专业）</h2>
          <p className="muted small">仅在随机抽取无法满足时使用，须书面说明理由；指定将在专家组名单、审计日志和报告中标注。</p>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="manual" />
            <FormError error={errorsFor('manual')._form} />
            <Field name="expertId" label="专家" error={errorsFor('manual').expertId}>
              {(f) => (
                <select {...f} defaultValue={typeof valuesFor('manual').expertId === 'string' ? String(valuesFor('manual').expertId) : ''}>
                  {candidateOptions(true)}
                </select>
              )}
            </Field>
            <Field name="reason" label="指定理由" error={errorsFor('manual').reason}>
              {(f) => <textarea {...f} maxLength={500} defaultValue={typeof valuesFor('manual').reason === 'string' ? String(valuesFor('manual').reason) : ''} />}
            </Field>
            <div>
              <button type="submit" disabled={busy}>
                指定
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      <div className="card">
        <h2>回避</h2>
        {d.mayManage ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="detect" />
            <button type="submit" disabled={busy}>
              自动识别回避
            </button>
            {actionData?.intent === 'detect' && actionData.done ? <span className="muted">新识别 {actionData.done.added ?? 0} 条</span> : null}
          </Form>
        ) : null}
        <table data-testid="conflicts">
          <thead>
            <tr>
              <th>专家</th>
              <th>类型</th>
              <th>来源</th>
              <th>说明</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {d.conflicts.map((c) => (
              <tr key={c.id}>
                <td>{c.expertName}</td>
                <td>{labelOf(CONFLICT_TYPES, c.type as (typeof CONFLICT_TYPES)[number]['code'])}</td>
                <td>
                  {labelOf(CONFLICT_SOURCES, c.source)}
                  {c.pinned ? <span className="badge">锁定</span> : null}
                </td>
                <td>
                  {c.note}
                  {c.unitName ? <p className="muted small">{c.unitName}</p> : null}
                </td>
                <td>{c.removedAt ? `已撤销（${formatDateTime(c.removedAt)}）` : '有效'}</td>
                <td>
                  {d.mayManage && !c.removedAt && c.source !== 'declared' ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove-conflict" />
                      <input type="hidden" name="conflictId" value={c.id} />
                      <button type="submit" disabled={busy}>
                        撤销
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {d.mayManage ? (
          <Form method="post" noValidate className="stack">
            <h3>设定回避</h3>
            <input type="hidden" name="intent" value="add-conflict" />
            <FormError error={errorsFor('add-conflict')._form} />
            <Field name="expertId" label="专家" error={errorsFor('add-conflict').expertId}>
              {(f) => (
                <select {...f} id="f-conflict-expert" defaultValue="">
                  {candidateOptions(false)}
                </select>
              )}
            </Field>
            <Field name="type" label="回避类型" error={errorsFor('add-conflict').type}>
              {(f) => (
                <select {...f} defaultValue="">
                  <option value="">请选择</option>
                  {CONFLICT_TYPES.map((t) => (
                    <option key={t.code} value={t.code}>
                      {t.label}（{t.hint}）
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="note" label="说明" error={errorsFor('add-conflict').note}>
              {(f) => <input {...f} maxLength={500} />}
            </Field>
            <div>
              <button type="submit" disabled={busy}>
                设定（锁定，专家本人不能撤销）
              </button>
            </div>
          </Form>
        ) : null}
      </div>

      {d.fees.length > 0 ? (
        <div className="card">
          <h2>专家咨询费</h2>
          <table>
            <thead>
              <tr>
                <th>专家</th>
                <th>职称</th>
                <th>日标准（元）</th>
                <th>金额（元）</th>
              </tr>
            </thead>
            <tbody>
              {d.fees.map((f) => (
                <tr key={f.seatId}>
                  <td>{f.name}</td>
                  <td>{labelOf(TITLES, f.title)}</td>
                  <td className="num">{formatFenAsYuan(f.rateFen)}</td>
                  <td className="num">{formatFenAsYuan(f.feeFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <a className="button" href={`/engagements/${d.engagement.id}/panel/fees.xlsx`} download>
            导出本项目发放表
          </a>
          <form method="get" action="/panels/fees.xlsx" className="inline-form">
            <label>
              月度发放表（本机构全部项目）
              <input type="month" name="month" defaultValue={p?.reviewDate.slice(0, 7)} />
            </label>
            <button type="submit">导出</button>
          </form>
        </div>
      ) : null}
    </section>
  )
}

/** 认定无正当理由: once per decline, by the agency's admin or the lead, with a note; the expert may appeal. */
function DeclineJudgement({ seatId, expertName }: { seatId: string; expertName: string }) {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (d.unjustifiedDeclines.includes(seatId)) return <p className="warning small">已认定为无正当理由谢绝，记入专家信用档案</p>
  if (!d.mayJudgeDeclines) return null
  const values: Record<string, string | string[] | undefined> = actionData?.intent === 'decline-unjustified' ? actionData.values : {}
  const mine = values.seatId === seatId
  const errors: Record<string, string | undefined> = mine ? (actionData?.errors ?? {}) : {}
  const typed = mine && typeof values.note === 'string' ? values.note : ''
  return (
    <details className="small" open={mine}>
      <summary>认定无正当理由</summary>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="decline-unjustified" />
        <input type="hidden" name="seatId" value={seatId} />
        <FormError error={errors._form ?? errors.seatId} />
        <textarea name="note" aria-label={`认定 ${expertName} 谢绝理由不成立的说明`} placeholder="认定说明（为何所述理由不成立）" maxLength={MAX_DECLINE_NOTE} defaultValue={typed} aria-invalid={Boolean(errors.note)} />
        {errors.note ? <p className="field-error" role="alert">{errors.note}</p> : null}
        <button type="submit" disabled={busy}>
          认定并记入信用档案
        </button>
      </Form>
    </details>
  )
}
