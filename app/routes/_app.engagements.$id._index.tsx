import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CommissionFlagNotice } from '~/components/commission-flag'
import { StageBar, StageTimeline } from '~/components/engagement-stages'
import { formatDateTime } from '~/utils/datetime'
import { Field, FormError } from '~/components/field'
import { budgetTypeLabel, engagementKindLabel } from '~/domain/engagement'
import { formatFenAsWanYuan } from '~/domain/money'
import { can } from '~/domain/permissions'
import { isStage, nextStages, stageLabel } from '~/domain/stages'
import { engagementResource, listStageTransitions } from '~/models/engagement.server'
import { sheetSummary } from '~/services/sheet.server'
import { panelSummary } from '~/services/panel.server'
import { mayViewIndicatorData } from '~/services/indicator-data.server'
import { commissionFlagView } from '~/services/commission-flag.server'
import { rectificationSummary } from '~/services/rectification.server'
import { monitoringSummary } from '~/services/monitoring.server'
import { requestsSummary } from '~/services/document-requests.server'
import { engagementForViewer, moveSchema, moveStage } from '~/services/engagement.server'
import { reviewHistory } from '~/services/review.server'
import { parseForm } from '~/utils/form'

/**
 * After a 409 (someone else moved the engagement first) reload the page data, so the stage bar,
 * timeline and move choices show where the engagement now is, beside the conflict message.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 409 || defaultShouldRevalidate

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const e = engagementForViewer(db, actor, params.id ?? '')
  if (!e) throw notFound()
  const resource = engagementResource(e)
  const canMove = can(actor, 'engagement.move', resource)
  const next = canMove && isStage(e.stage) ? nextStages(e.stage) : { forward: [], backward: [] }
  return {
    engagement: {
      id: e.id,
      name: e.name,
      year: e.year,
      kindLabel: engagementKindLabel(e.kind),
      budgetTypeLabel: budgetTypeLabel(e.budgetType),
      agencyName: e.agencyName,
      bureauName: e.bureauName,
      funds: formatFenAsWanYuan(e.fundsFen),
      periodStart: e.periodStart,
      periodEnd: e.periodEnd,
      contractNo: e.contractNo,
      leadName: e.leadName,
      stage: e.stage,
      stageLabel: stageLabel(e.stage),
      stageChangedAt: e.stageChangedAt,
      updatedAt: e.updatedAt,
      version: e.version,
      units: e.units,
      members: e.members,
    },
    timeline: listStageTransitions(db, e.id),
    // The agency's credit when commissioned: for the agency's team and the bureau, not the units.
    creditFlag: actor.role === 'unit_contact' ? null : commissionFlagView(e.agencyId, e.commissionCreditFlagJson),
    canEdit: can(actor, 'engagement.edit', resource),
    sheet: can(actor, 'sheet.view', resource) ? sheetSummary(db, e.id) : null,
    panel: can(actor, 'panel.view', resource) ? panelSummary(db, e.id) : null,
    indicatorData: mayViewIndicatorData(actor),
    papers: can(actor, 'papers.view', resource),
    surveys: can(actor, 'survey.view', resource),
    reports: can(actor, 'report.view', resource),
    // The bureau rates; the agency's team reads the rating once it is submitted.
    quality: can(actor, 'quality.rate', resource) || can(actor, 'report.view', resource),
    results: can(actor, 'results.manage', resource),
    review: reviewHistory(db, actor, e.id) ?? null,
    // Counts span every unit of the engagement: the unit's contact sees only the link to their own items.
    // 资料清单 and 征求意见: the agency's team here; the unit's contact works on them from /unit.
    fieldwork: can(actor, 'requests.view', resource) ? { requests: requestsSummary(db, actor, e, now()), forUnit: actor.role === 'unit_contact' } : null,
    rectification: can(actor, 'rectification.view', resource) ? { summary: can(actor, 'rectification.manage', resource) ? rectificationSummary(db, e.id, now()) : null } : null,
    monitoring: monitoringSummary(db, actor, e),
    canMove,
    next: {
      forward: next.forward.map((code) => ({ code, label: stageLabel(code) })),
      backward: next.backward.map((code) => ({ code, label: stageLabel(code) })),
    },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  // Refuse whoever may not act here before reading the form; the service checks again in its transaction.
  const e = engagementForViewer(getDb(), actor, params.id ?? '')
  if (!e) throw notFound()
  if (!can(actor, 'engagement.move', engagementResource(e))) throw forbidden()
  const fd = await request.formData()
  if (fd.get('intent') !== 'move') return data({ errors: { _form: '不支持此操作' } as Record<string, string>, values: {} }, { status: 400 })
  const parsed = parseForm(moveSchema, fd)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = moveStage(getDb(), actor, params.id ?? '', parsed.data, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return data({ errors: result.errors, values: { to: parsed.data.to, note: parsed.data.note } }, { status: result.status })
  }
  return { moved: { from: stageLabel(result.value.from), to: stageLabel(result.value.to) } }
}

type MoveActionData =
  | { errors: Record<string, string>; values: Record<string, string | string[]>; moved?: undefined }
  | { moved: { from: string; to: string }; errors?: undefined; values?: undefined }

export default function EngagementDetail() {
  const { engagement: e, timeline, creditFlag, canEdit, canMove, next, sheet, panel, indicatorData, papers, surveys, reports, results, rectification, review, quality, fieldwork } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as MoveActionData | undefined
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = actionData?.values ?? {}
  const chosen = typeof values.to === 'string' ? values.to : ''
  return (
    <section data-testid="engagement-detail">
      <p>
        <Link to="/engagements">← 评价项目</Link>
      </p>
      <div className="page-head">
        <h1>{e.name}</h1>
        {canEdit ? (
          <Link to={`/engagements/${e.id}/edit`} className="button">
            编辑项目信息
          </Link>
        ) : null}
      </div>

      {creditFlag ? <CommissionFlagNotice flag={creditFlag} /> : null}

      <StageBar current={e.stage} history={timeline} />

      <div className="detail-grid">
        <div className="card">
          <h2>项目信息</h2>
          <dl className="facts">
            <dt>评价年度</dt>
            <dd>{e.year}</dd>
            <dt>评价类型</dt>
            <dd>{e.kindLabel}</dd>
            <dt>预算类型</dt>
            <dd>{e.budgetTypeLabel}</dd>
            <dt>委托财政局</dt>
            <dd>{e.bureauName}</dd>
            <dt>评价机构</dt>
            <dd>{e.agencyName}</dd>
            <dt>项目资金</dt>
            <dd>{e.funds} 万元</dd>
            <dt>评价期间</dt>
            <dd>
              {e.periodStart} 至 {e.periodEnd}
            </dd>
            <dt>合同编号</dt>
            <dd>{e.contractNo || <span className="muted">未登记</span>}</dd>
            <dt>当前阶段</dt>
            <dd>
              <span className="badge ok">{e.stageLabel}</span> <span className="muted">自 {formatDateTime(e.stageChangedAt)}</span>
            </dd>
            <dt>最近更新</dt>
            <dd>{formatDateTime(e.updatedAt)}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>被评价单位</h2>
          <table>
            <thead>
              <tr>
                <th>被评价单位</th>
                <th>主管部门</th>
              </tr>
            </thead>
            <tbody>
              {e.units.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.competentDepartment}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>项目组</h2>
          <p>
            项目负责人：<strong>{e.leadName}</strong>
          </p>
          <p>
            成员：{e.members.length === 0 ? <span className="muted">暂无</span> : e.members.map((m) => m.displayName).join('、')}
          </p>
        </div>
      </div>

      {sheet ? (
        <div className="card" data-testid="sheet-summary">
          <h2>评分表</h2>
          {sheet.versionNo === null ? (
            <p className="muted">尚未建立评分表。</p>
          ) : (
            <p>
              第 {sheet.versionNo} 版 · {sheet.status === 'frozen' ? '已冻结' : '草稿'} · {sheet.indicators} 个末级指标
              {sheet.errors > 0 ? <span className="field-error">（校验错误 {sheet.errors} 处）</span> : null}
            </p>
          )}
          <Link to={`/engagements/${e.id}/sheet`}>{sheet.versionNo === null ? '建立评分表' : '查看评分表'}</Link>
          {indicatorData && sheet.versionNo !== null ? <> · <Link to={`/engagements/${e.id}/data`}>评价数据</Link></> : null}
          {papers ? <> · <Link to={`/engagements/${e.id}/papers`}>工作底稿</Link></> : null}
          {surveys ? <> · <Link to={`/engagements/${e.id}/surveys`}>满意度调查</Link></> : null}
        </div>
      ) : null}

      {panel ? (
        <div className="card" data-testid="panel-summary">
          <h2>评审专家组</h2>
          <p>{panel.summary}</p>
          <Link to={`/engagements/${e.id}/panel`}>{panel.exists ? '查看专家组' : '组建专家组'}</Link>
          {/* The agency's team rates (admin, lead) or reads the experts' ratings once scoring is closed. */}
          {reports && panel.exists ? <> · <Link to={`/engagements/${e.id}/expert-ratings`}>专家履职评价</Link></> : null}
        </div>
      ) : null}

      {reports ? (
        <div className="card" data-testid="reports-summary">
          <h2>报告</h2>
          <p className="muted small">评价工作方案、评价报告、专家个人评分表：撰写、生成版本、比较与签发。</p>
          <Link to={`/engagements/${e.id}/reports`}>进入报告</Link>
        </div>
      ) : null}

      {quality ? (
        <div className="card" data-testid="quality-summary">
          <h2>执业质量评价</h2>
          <p className="muted small">报告验收后，委托财政局对评价机构本项目的执业质量按百分制评价。</p>
          <Link to={`/engagements/${e.id}/quality`}>查看执业质量评价</Link>
        </div>
      ) : null}

      {fieldwork ? (
        <div className="card" data-testid="fieldwork-card">
          <h2>资料清单与征求意见</h2>
          <p>{fieldwork.requests && fieldwork.requests.total > 0 ? `资料清单 ${fieldwork.requests.total} 项，已确认 ${fieldwork.requests.confirmed} 项${fieldwork.requests.overdue > 0 ? `，逾期 ${fieldwork.requests.overdue} 项` : ''}。` : '资料清单为空。'}</p>
          <p>
            <Link to={fieldwork.forUnit ? '/unit/requests' : `/engagements/${e.id}/requests`}>资料清单</Link> · <Link to={fieldwork.forUnit ? '/unit/feedback' : `/engagements/${e.id}/feedback`}>征求意见</Link>
          </p>
        </div>
      ) : null}

      <MonitoringCard />

      {rectification ? (
        <div className="card" data-testid="rectification-card">
          <h2>整改跟踪</h2>
          {rectification.summary ? (
            <p>{rectification.summary.total === 0 ? '暂无已确认的整改事项。' : `整改事项 ${rectification.summary.total} 项，已通过核验 ${rectification.summary.verified} 项${rectification.summary.overdue > 0 ? `，逾期 ${rectification.summary.overdue} 项` : ''}。`}</p>
          ) : (
            <p className="muted small">本单位需要整改的事项、整改情况报告与佐证材料。</p>
          )}
          <Link to={`/engagements/${e.id}/rectification`}>进入整改跟踪</Link>
        </div>
      ) : null}

      {review ? (
        <div className="card" data-testid="review-summary">
          <h2>提交与审核</h2>
          {review.events.length === 0 ? (
            <p className="muted">尚未向财政局提交报告。</p>
          ) : (
            <ol className="timeline" data-testid="review-timeline">
              {[...review.events].reverse().map((ev, i) => (
                <li key={i}>
                  <div>
                    <time dateTime={ev.at}>{formatDateTime(ev.at)}</time> · {ev.actorName} {ev.text}
                  </div>
                  {ev.note ? <div className="muted">说明：{ev.note}</div> : null}
                </li>
              ))}
            </ol>
          )}
          {review.link ? <Link to={review.link}>{review.agency ? '提交财政' : '查看送审报告'}</Link> : null}
        </div>
      ) : null}

      {results ? (
        <div className="card" data-testid="results-summary">
          <h2>结果应用</h2>
          <p className="muted small">验收后按评价等级登记下一年度预算安排意见。</p>
          <Link to={`/engagements/${e.id}/results`}>进入结果应用</Link>
        </div>
      ) : null}

      {canMove ? (
        <div className="card">
          <h2>变更阶段</h2>
          {actionData?.moved ? (
            <p className="notice" role="status">
              已由“{actionData.moved.from}”变更为“{actionData.moved.to}”。
            </p>
          ) : null}
          {next.forward.length + next.backward.length === 0 ? (
            <p className="muted">项目已归档，阶段不再变更。</p>
          ) : (
            <Form method="post" noValidate className="stack" key={e.version}>
              <input type="hidden" name="intent" value="move" />
              <input type="hidden" name="version" value={e.version} />
              <FormError error={errors._form ?? errors.version} />
              <Field name="to" label="进入阶段" error={errors.to}>
                {(p) => (
                  <select {...p} defaultValue={chosen}>
                    <option value="">请选择</option>
                    {next.forward.length > 0 ? (
                      <optgroup label="推进">
                        {next.forward.map((s) => (
                          <option key={s.code} value={s.code}>
                            {s.label}
                          </option>
                        ))}
                      </optgroup>
                    ) : null}
                    {next.backward.length > 0 ? (
                      <optgroup label="退回（须填写说明）">
                        {next.backward.map((s) => (
                          <option key={s.code} value={s.code}>
                            退回：{s.label}
                          </option>
                        ))}
                      </optgroup>
                    ) : null}
                  </select>
                )}
              </Field>
              <Field name="note" label="说明" error={errors.note} hint="退回上一阶段时必须填写">
                {(p) => <textarea {...p} maxLength={1000} defaultValue={typeof values.note === 'string' ? values.note : ''} />}
              </Field>
              <div>
                <button type="submit" className="primary" disabled={busy}>
                  {busy ? '正在提交…' : '确认变更'}
                </button>
              </div>
            </Form>
          )}
        </div>
      ) : null}

      <div className="card">
        <h2>阶段记录</h2>
        <StageTimeline entries={timeline} events={review?.events ?? []} />
      </div>
    </section>
  )
}

/** 绩效运行监控 engagements: the monitoring page with its warning counts. */
function MonitoringCard() {
  const { engagement: e, monitoring } = useLoaderData<typeof loader>()
  if (!monitoring) return null
  return (
    <div className="card" data-testid="monitoring-card">
      <h2>绩效运行监控</h2>
      <p>
        {monitoring.rows === 0 ? '尚未填报监控表。' : `监控指标 ${monitoring.rows} 项，红色预警 ${monitoring.red} 项，黄色预警 ${monitoring.yellow} 项。`}
      </p>
      <Link to={`/engagements/${e.id}/monitoring`}>进入绩效运行监控</Link>
    </div>
  )
}
