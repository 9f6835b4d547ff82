import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Choices, ExpertForm, statusBadge, type ExpertFormValues } from '~/components/expert-form'
import { Field, FormError } from '~/components/field'
import { EXPERT_STATUSES, RELATION_KINDS, TITLES, labelOf } from '~/domain/experts/vocab'
import { expertForViewer, inputOf, mayManagePool, setExpertStatus, specialtyChoices, StatusForm, updateExpert } from '~/services/expert-pool.server'
import { creditSummary } from '~/services/credit-file.server'
import { answerRefusal } from '~/services/user-admin.server'
import { expertFormValues, parseExpertForm } from '~/utils/expert-form'
import { formValues, parseForm, versionField } from '~/utils/form'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.expert.name ?? '专家'} · 专家库 · EvalDesk` }]

/** Pool readers only; an expert they cannot see, or no such expert, is simply not found. */
async function load(request: Request, expertId: string | undefined) {
  const { actor } = await requirePermission(request, 'expert.view', { type: 'expert_pool' })
  const op = { kind: 'user', actor } as const
  const expert = expertForViewer(getDb(), op, expertId ?? '')
  if (!expert) throw notFound()
  return { op, expert }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { op, expert } = await load(request, params.expertId)
  const mayManage = mayManagePool(op)
  return {
    expert: { ...expert, titleLabel: labelOf(TITLES, expert.title) },
    mayManage,
    credit: creditSummary(getDb(), op.actor, expert.id, now()),
    specialties: mayManage ? specialtyChoices(getDb()) : [],
    values: mayManage ? expertFormValues(inputOf(expert)) : {},
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { op, expert } = await load(request, params.expertId)
  if (!mayManagePool(op)) throw forbidden()
  const fd = await request.formData()
  const intent = fd.get('intent')
  const db = getDb()
  if (intent === 'update') {
    const version = versionField.safeParse(fd.get('version'))
    const parsed = parseExpertForm(fd)
    if (!version.success) return data({ errors: { _form: '表单已过期，请刷新后重试' } as Record<string, string>, values: parsed.values }, { status: 400 })
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
    const result = updateExpert(db, op, expert.id, version.data, parsed.data, now())
    if (!result.ok) return answerRefusal(result, parsed.values)
    return { errors: {}, values: { intent }, done: result.value.changed.length > 0 ? '专家信息已保存。' : '没有修改需要保存。' }
  }
  if (intent === 'status') {
    const parsed = parseForm(StatusForm, fd)
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
    const result = setExpertStatus(db, op, expert.id, parsed.data, now())
    if (!result.ok) return answerRefusal(result, formValues(fd))
    return { errors: {}, values: { intent }, done: `状态已改为「${labelOf(EXPERT_STATUSES, result.value.status)}」。` }
  }
  return data({ errors: { _form: '未知操作' } as Record<string, string>, values: {} }, { status: 400 })
}

export default function ExpertPage() {
  const { expert: e, mayManage, specialties, values, credit } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const answered = (actionData?.values as ExpertFormValues | undefined)?.intent
  const done = actionData && 'done' in actionData ? actionData.done : null
  const errorsFor = (intent: string): Record<string, string | undefined> => (answered === intent ? (actionData?.errors ?? {}) : {})
  const typed = (intent: string) => (answered === intent && !done ? (actionData?.values as ExpertFormValues) : null)
  const busy = useNavigation().state === 'submitting'
  const statusErrors = errorsFor('status')
  return (
    <section data-testid="expert-page">
      <p>
        <Link to="/experts">← 专家库</Link>
      </p>
      <h1>
        {e.name} {statusBadge(e.status)}
      </h1>
      {done ? <p className="notice">{done}</p> : null}
      <div className="card">
        <dl className="facts">
          <dt>职称</dt>
          <dd>{e.titleLabel}</dd>
          <dt>工作单位</dt>
          <dd>{e.employer}</dd>
          <dt>专业领域</dt>
          <dd>{e.specialties.map((s) => s.label + (s.active ? '' : '（已停用）')).join('、')}</dd>
          <dt>地区</dt>
          <dd>{e.region || '—'}</dd>
          <dt>手机/电话</dt>
          <dd>{e.phone || '—'}</dd>
          <dt>邮箱</dt>
          <dd>{e.email || '—'}</dd>
          <dt>账号</dt>
          <dd>{e.userId ? '已开通' : '未开通（首次抽中时通过邀请链接开通）'}</dd>
          <dt>信用</dt>
          <dd data-testid="expert-credit">
            {credit ? (
              <>
                <Link to={`/credit/${e.id}`}>
                  {credit.grade} 级 · {credit.score} 分
                </Link>
                {credit.blacklisting ? <span className="badge off"> 失信名单至 {credit.blacklisting.to}</span> : null} <span className="muted small">{credit.caption}</span>
              </>
            ) : (
              '—'
            )}
          </dd>
          {e.note ? (
            <>
              <dt>备注</dt>
              <dd style={{ whiteSpace: 'pre-wrap' }}>{e.note}</dd>
            </>
          ) : null}
        </dl>
      </div>

      <h2>任职经历</h2>
      <Rows
        empty="未填写。"
        headers={['单位', '起始日期', '截止日期']}
        rows={e.employments.map((x) => ({ key: x.id, cells: [x.organization, x.fromDate, x.toDate ?? '至今'] }))}
      />
      <h2>关联关系</h2>
      <Rows
        empty="未申报。"
        headers={['关系类型', '单位', '说明']}
        rows={e.relations.map((x) => ({ key: x.id, cells: [labelOf(RELATION_KINDS, x.kind), x.organization, x.note] }))}
      />
      <h2>不可参加日期</h2>
      {e.unavailability.length === 0 ? (
        <p className="muted">无。</p>
      ) : (
        <ul>
          {e.unavailability.map((x) => (
            <li key={x.id}>
              {x.fromDate === x.toDate ? x.fromDate : `${x.fromDate} 至 ${x.toDate}`}
              {x.note ? `（${x.note}）` : ''}
            </li>
          ))}
        </ul>
      )}

      {mayManage ? (
        <>
          <h2>编辑</h2>
          <div className="card" key={`edit-${e.version}`}>
            <ExpertForm
              specialties={specialties}
              values={typed('update') ?? values}
              errors={errorsFor('update')}
              version={e.version}
              submitLabel="保存修改"
              cancelTo="/experts"
              busy={busy}
            />
          </div>

          <h2>状态</h2>
          <Form method="post" className="card stack" noValidate key={`status-${e.version}`}>
            <input type="hidden" name="intent" value="status" />
            <input type="hidden" name="version" value={e.version} />
            <FormError error={statusErrors._form ?? statusErrors.version} />
            <p className="muted">暂停或出库的专家不会被抽取；记录和历史保留。</p>
            <div className="form-grid">
              <Field name="status" label="改为" error={statusErrors.status}>
                {(p) => (
                  <select {...p} defaultValue={typed('status')?.status ?? ''}>
                    <Choices list={EXPERT_STATUSES.filter((s) => s.code !== e.status)} />
                  </select>
                )}
              </Field>
              <Field name="reason" label="原因" error={statusErrors.reason} hint="暂停或出库时必填，记入审计日志">
                {(p) => <input {...p} type="text" maxLength={200} defaultValue={(typed('status')?.reason as string | undefined) ?? ''} />}
              </Field>
            </div>
            <div>
              <button type="submit" disabled={busy}>
                变更状态
              </button>
            </div>
          </Form>
        </>
      ) : null}
    </section>
  )
}

function Rows({ headers, rows, empty }: { headers: string[]; rows: { key: string; cells: string[] }[]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>
  return (
    <table>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            {r.cells.map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
