import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { IndicatorTreeTable } from '~/components/indicator-tree'
import { SEAT_STATUS_LABELS } from '~/components/panel-labels'
import { engagementKindLabel } from '~/domain/engagement'
import { parseTree } from '~/models/framework.server'
import { certify, declareConflict, expertSeatPage, respondToInvitation } from '~/services/panel.server'
import { isOwnSeat } from '~/services/seat-access.server'
import { hasScoringFor } from '~/services/scoring.server'
import { CONFLICT_TYPES } from '~/domain/experts/vocab'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '评审邀请 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const page = expertSeatPage(getDb(), actor, params.seatId ?? '')
  if (!page) throw notFound()
  const sheet = page.material?.sheet ?? null
  return {
    seat: { id: page.seat.id, status: page.seat.status, version: page.seat.version, replyBy: page.seat.replyBy, declineReason: page.seat.declineReason, isLeader: page.seat.isLeader },
    engagement: page.engagement ? { name: page.engagement.name, kind: engagementKindLabel(page.engagement.kind), year: page.engagement.year, agencyName: page.engagement.agencyName } : null,
    reviewDate: page.panel.reviewDate,
    certified: page.certified,
    declaration: page.declaration,
    conflictScope: page.conflictScope,
    scoring: hasScoringFor(getDb(), actor, page.seat.id),
    material: page.material ? { units: page.material.units, sheet: sheet ? { versionNo: sheet.versionNo, status: sheet.status, tree: parseTree(sheet.treeJson) } : null } : null,
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  if (!isOwnSeat(getDb(), actor, params.seatId ?? '')) throw notFound()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const db = getDb()
  const result =
    intent === 'respond'
      ? respondToInvitation(db, actor, params.seatId ?? '', fd, now())
      : intent === 'certify'
        ? certify(db, actor, params.seatId ?? '', fd, context.clientIp, now())
        : intent === 'declare'
          ? declareConflict(db, actor, params.seatId ?? '', fd, now())
          : ({ ok: false, status: 400, errors: { _form: '不支持此操作' } } as const)
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data({ intent, errors: result.errors as Record<string, string>, values: ('values' in result ? result.values : undefined) ?? {} }, { status: result.status })
  }
  if (intent === 'declare') throw redirect('/expert')
  if (intent === 'respond' && 'value' in result && result.value && (result.value as { decision: string }).decision === 'decline') throw redirect('/expert')
  return { intent, errors: {} as Record<string, string>, values: {} }
}

export default function ExpertSeat() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string): Record<string, string | undefined> => (actionData?.intent === intent ? actionData.errors : {})
  return (
    <section data-testid="expert-seat">
      <p>
        <Link to="/expert">← 我的评审邀请</Link>
      </p>
      <h1>{d.engagement?.name ?? '评审邀请'}</h1>
      <p className="muted">
        {d.engagement ? `${d.engagement.year} 年 · ${d.engagement.kind} · 评价机构：${d.engagement.agencyName} · ` : ''}评审日期 {d.reviewDate} · 状态：
        {SEAT_STATUS_LABELS[d.seat.status]}
        {d.seat.isLeader ? '（组长）' : ''}
      </p>

      {d.seat.status === 'invited' ? (
        <div className="card">
          <h2>答复邀请</h2>
          {d.seat.replyBy ? <p>请于 {formatDateTime(d.seat.replyBy)} 前答复；逾期未答复视为谢绝，由候补专家递补。</p> : null}
          <p className="muted small">
            接受前请确认与以下单位无回避情形：{d.conflictScope.units.map((u) => `${u.name}（主管部门：${u.competentDepartment || '—'}）`).join('；')}；评价机构 {d.conflictScope.agencyName}。
          </p>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="respond" />
            <input type="hidden" name="version" value={d.seat.version} />
            <FormError error={errorsFor('respond')._form ?? errorsFor('respond').decision} />
            <Field name="reason" label="谢绝理由（谢绝时必填）" error={errorsFor('respond').reason}>
              {(p) => <textarea {...p} maxLength={500} />}
            </Field>
            <div>
              <button type="submit" name="decision" value="accept" className="primary" disabled={busy}>
                接受邀请
              </button>{' '}
              <button type="submit" name="decision" value="decline" disabled={busy}>
                谢绝邀请
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      {d.seat.status === 'invited' || (d.seat.status === 'accepted' && !d.certified) ? (
        <details className="card">
          <summary>存在回避情形？申报回避</summary>
          <p className="muted small">申报后您将退出本项目专家组，由候补专家递补；申报记入回避记录。</p>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="declare" />
            <FormError error={errorsFor('declare')._form} />
            <Field name="type" label="回避类型" error={errorsFor('declare').type}>
              {(p) => (
                <select {...p} defaultValue="">
                  <option value="">请选择</option>
                  {CONFLICT_TYPES.map((t) => (
                    <option key={t.code} value={t.code}>
                      {t.label}（{t.hint}）
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="note" label="情况说明" error={errorsFor('declare').note}>
              {(p) => <textarea {...p} maxLength={500} />}
            </Field>
            <div>
              <button type="submit" disabled={busy}>
                申报回避并退出
              </button>
            </div>
          </Form>
        </details>
      ) : null}

      {d.seat.status === 'accepted' && !d.certified ? (
        <div className="card" data-testid="declaration">
          <h2>回避与保密承诺</h2>
          <p className="muted small">签署后方可查看项目资料；项目单位、评分表或您的任职信息变更后须重新签署。（文本版本 {d.declaration.version}）</p>
          <pre className="declaration">{d.declaration.text}</pre>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="certify" />
            <FormError error={errorsFor('certify')._form} />
            <label className="check">
              <input type="checkbox" name="agree" /> 本人已阅读并承诺遵守上述各项
            </label>
            {errorsFor('certify').agree ? <p className="field-error">{errorsFor('certify').agree}</p> : null}
            <div>
              <button type="submit" className="primary" disabled={busy}>
                签署承诺
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      {d.material ? (
        <div className="card" data-testid="engagement-material">
          <h2>项目资料</h2>
          <p>被评价单位：{d.material.units.map((u) => u.name).join('、')}</p>
          {d.material.sheet ? (
            <>
              <h3>
                评分表 第 {d.material.sheet.versionNo} 版{d.material.sheet.status === 'frozen' ? '（已冻结）' : '（草稿，评分开始前可能调整）'}
              </h3>
              <IndicatorTreeTable tree={d.material.sheet.tree} />
            </>
          ) : (
            <p className="muted">评分表尚未建立。</p>
          )}
          {d.scoring ? (
            <>
              <Link className="button primary" to="score">
                进入在线评分
              </Link>{' '}
              {d.seat.isLeader ? (
                <Link className="button" to="opinion">
                  专家组意见（组长）
                </Link>
              ) : null}
            </>
          ) : (
            <p className="muted small">在线评分将在项目负责人开始评分后开放。</p>
          )}
        </div>
      ) : null}
    </section>
  )
}
