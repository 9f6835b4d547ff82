// 资料清单 of one engagement: the team lists the documents each evaluated unit must send by when,
// edits an item until it is confirmed, and confirms what the unit uploaded or asks for more.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { RequestItem } from '~/components/request-item'
import { createRequest, decideRequest, editRequest, requestsPage } from '~/services/document-requests.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `资料清单 · ${data?.engagement.name ?? ''} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = requestsPage(getDb(), actor, params.id ?? '', now())
  if (!page) throw notFound()
  return page
}

type ActionData = { intent: string; requestId: string; errors: Record<string, string>; values: Record<string, string>; done: string | null }

const DONE: Record<string, string> = { create: '已列入资料清单。', edit: '已保存修改。', confirm: '已确认该资料。', more: '已要求补充，被评价单位将看到补充要求。' }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = requestsPage(db, actor, params.id ?? '', now())
  if (!page) throw notFound()
  if (!page.mayManage) throw forbidden()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const requestId = String(fd.get('requestId') ?? '')
  const values = Object.fromEntries(['title', 'description', 'unitId', 'dueDate', 'decision', 'comment'].map((k) => [k, String(fd.get(k) ?? '')]))
  const reply = (status: number, d: Partial<ActionData>) => data<ActionData>({ intent, requestId, errors: {}, values: {}, done: null, ...d }, { status })
  if (intent !== 'create' && intent !== 'edit' && intent !== 'decide') return reply(400, { errors: { _form: '不支持此操作' } })
  if (intent !== 'create' && !page.items.some((i) => i.id === requestId)) throw notFound()
  const result = intent === 'create' ? createRequest(db, actor, page.engagement.id, fd, now()) : intent === 'edit' ? editRequest(db, actor, requestId, fd, now()) : decideRequest(db, actor, requestId, fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return reply(result.status, { errors: result.errors, values })
  }
  return reply(200, { done: DONE[intent === 'decide' ? values.decision! : intent] ?? '已保存。' })
}

export default function EngagementRequests() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string, requestId = ''): Record<string, string | undefined> => (a?.intent === intent && a.requestId === requestId ? a.errors : {})
  const valueOf = (intent: string, key: string, fallback = '', requestId = '') => (a?.intent === intent && a.requestId === requestId ? (a.values[key] ?? fallback) : fallback)
  const created = errorsFor('create')
  const s = d.summary
  return (
    <section data-testid="requests-page">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>资料清单</h1>
      <p className="muted" data-testid="requests-summary">
        共 {s.total} 项 · 待提交 {s.pending} 项 · 已提交 {s.submitted} 项 · 需补充 {s.moreNeeded} 项 · 已确认 {s.confirmed} 项 · 逾期 {s.overdue} 项
      </p>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}

      {d.items.length === 0 ? <p className="card muted">资料清单为空。</p> : null}
      {d.items.map((i) => {
        const decideErrors = errorsFor('decide', i.id)
        const editErrors = errorsFor('edit', i.id)
        return (
          <RequestItem key={i.id} item={i}>
            {d.mayManage && i.status === 'submitted' ? (
              <Form method="post" noValidate className="stack" data-testid="decide-form" key={`d${i.version}`}>
                <input type="hidden" name="intent" value="decide" />
                <input type="hidden" name="requestId" value={i.id} />
                <input type="hidden" name="version" value={i.version} />
                <FormError error={decideErrors._form} />
                <Field name="decision" id={`decision-${i.id}`} label="审核结论" error={decideErrors.decision}>
                  {(f) => (
                    <select {...f} defaultValue={valueOf('decide', 'decision', '', i.id)}>
                      <option value="">请选择</option>
                      <option value="confirm">确认</option>
                      <option value="more">需补充</option>
                    </select>
                  )}
                </Field>
                <Field name="comment" id={`comment-${i.id}`} label="补充要求" hint="需补充时必须填写" error={decideErrors.comment}>
                  {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={valueOf('decide', 'comment', '', i.id)} />}
                </Field>
                <div>
                  <button type="submit" className="primary" disabled={busy}>
                    提交审核结论
                  </button>
                </div>
              </Form>
            ) : null}
            {d.mayManage && i.status !== 'confirmed' ? (
              <details open={Object.keys(editErrors).length > 0}>
                <summary>修改</summary>
                <Form method="post" noValidate className="stack" key={`e${i.version}`}>
                  <input type="hidden" name="intent" value="edit" />
                  <input type="hidden" name="requestId" value={i.id} />
                  <input type="hidden" name="version" value={i.version} />
                  <FormError error={editErrors._form} />
                  <Field name="title" id={`title-${i.id}`} label="资料名称" error={editErrors.title}>
                    {(f) => <input {...f} maxLength={200} defaultValue={valueOf('edit', 'title', i.title, i.id)} />}
                  </Field>
                  <Field name="description" id={`description-${i.id}`} label="资料说明" error={editErrors.description}>
                    {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={valueOf('edit', 'description', i.description, i.id)} />}
                  </Field>
                  <Field name="dueDate" id={`dueDate-${i.id}`} label="提交期限" error={editErrors.dueDate}>
                    {(f) => <input {...f} type="date" defaultValue={valueOf('edit', 'dueDate', i.dueDate, i.id)} />}
                  </Field>
                  <div>
                    <button type="submit" disabled={busy}>
                      保存修改
                    </button>
                  </div>
                </Form>
              </details>
            ) : null}
          </RequestItem>
        )
      })}

      {d.mayManage ? (
        <div className="card">
          <h2>列入资料清单</h2>
          <Form method="post" noValidate className="stack" data-testid="create-request-form">
            <input type="hidden" name="intent" value="create" />
            <FormError error={created._form} />
            <Field name="title" label="资料名称" error={created.title}>
              {(f) => <input {...f} maxLength={200} defaultValue={valueOf('create', 'title')} />}
            </Field>
            <Field name="description" label="资料说明（可空）" error={created.description}>
              {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={valueOf('create', 'description')} />}
            </Field>
            <Field name="unitId" label="被评价单位" error={created.unitId}>
              {(f) => (
                <select {...f} defaultValue={valueOf('create', 'unitId', d.units.length === 1 ? d.units[0]!.id : '')}>
                  <option value="">请选择</option>
                  {d.units.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="dueDate" label="提交期限" error={created.dueDate}>
              {(f) => <input {...f} type="date" defaultValue={valueOf('create', 'dueDate')} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                列入清单
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </section>
  )
}
