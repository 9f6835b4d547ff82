// One rectification item: what must be fixed and by when, its history with the evidence files, the
// unit's progress report (text and a file, multipart) and the reviewer's 通过 / 不通过.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { MAX_STORED_FILE_BYTES, MAX_STORED_FILE_MB } from '~/files/limits'
import { discardFile, prepareFile, type PreparedFile } from '~/files/store.server'
import { confirmItem, itemPage, mayReport, parseProgress, reportProgress, verifyItem } from '~/services/rectification.server'
import { formatDateTime } from '~/utils/datetime'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '整改事项 · EvalDesk' }]

function pageFor(request: Request, params: ActionFunctionArgs['params'], actor: Parameters<typeof itemPage>[1]) {
  const page = itemPage(getDb(), actor, params.itemId ?? '', now())
  // The item must belong to the engagement in the address.
  if (!page || page.engagement.id !== params.id) throw notFound()
  return page
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  return pageFor(request, params, actor)
}

type ActionData = { intent: string; errors: Record<string, string>; values: Record<string, string>; done: string | null }

const MULTIPART = /^multipart\/form-data\s*;/i

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = pageFor(request, params, actor)
  const reply = (intent: string, status: number, d: Partial<ActionData>, init?: HeadersInit) => data<ActionData>({ intent, errors: {}, values: {}, done: null, ...d }, { status, headers: init })

  if (MULTIPART.test(request.headers.get('content-type') ?? '')) {
    // The progress report: refuse whoever may not report before reading the body.
    if (!mayReport(db, actor, page.item.id)) throw forbidden()
    const upload = await readUpload(request, { field: 'file', maxBytes: MAX_STORED_FILE_BYTES, optional: true })
    if (!upload.ok) return reply('report', upload.status, { errors: upload.status === 413 ? { file: upload.message } : { _form: upload.message } }, uploadRefusalHeaders(upload.status))
    const parsed = parseProgress(upload.fields)
    if (!parsed.ok) return reply('report', parsed.status, { errors: parsed.errors, values: { note: String(upload.fields.get('note') ?? '') } })
    let file: PreparedFile | null = null
    if (upload.bytes.length > 0) {
      const prepared = await prepareFile(db, { bytes: upload.bytes, filename: upload.filename })
      if (!prepared.ok) return reply('report', prepared.status, { errors: { file: prepared.message }, values: { note: parsed.note } }, uploadRefusalHeaders(prepared.status))
      file = prepared.file
    }
    const result = reportProgress(db, actor, page.item.id, parsed, file, now())
    if (!result.ok) {
      if (file) discardFile(file)
      if (result.status === 404) throw notFound()
      return reply('report', result.status, { errors: result.errors, values: { note: parsed.note } })
    }
    return reply('report', 200, { done: file ? '已报告整改情况并上传佐证材料。' : '已报告整改情况。' })
  }

  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  if (intent !== 'verify' && intent !== 'confirm') return reply(intent, 400, { errors: { _form: '不支持此操作' } })
  if (intent === 'verify' ? !page.mayVerify : !page.mayConfirm) throw forbidden()
  const result = intent === 'verify' ? verifyItem(db, actor, page.item.id, fd, now()) : confirmItem(db, actor, page.item.id, fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return reply(intent, result.status, { errors: result.errors, values: { verdict: String(fd.get('verdict') ?? ''), reason: String(fd.get('reason') ?? '') } })
  }
  return reply(intent, 200, { done: intent === 'confirm' ? '已确认，整改事项已送达责任单位。' : result.value.status === 'passed' ? '已核验通过。' : '已核验不通过，事项退回整改中。' })
}

export default function RectificationItem() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string): Record<string, string | undefined> => (a?.intent === intent ? a.errors : {})
  const valueOf = (intent: string, key: string) => (a?.intent === intent ? (a.values[key] ?? '') : '')
  const i = d.item
  return (
    <section data-testid="rectification-item">
      <p>
        <Link to={`/engagements/${d.engagement.id}/rectification`}>← 整改跟踪 · {d.engagement.name}</Link>
      </p>
      <h1>整改事项</h1>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      <div className="card">
        <dl className="facts">
          <dt>问题</dt>
          <dd>{i.problem}</dd>
          <dt>整改要求</dt>
          <dd>{i.requirement}</dd>
          <dt>责任单位</dt>
          <dd>{i.unitName}</dd>
          <dt>整改期限</dt>
          <dd>
            {i.deadline}
            {i.overdue ? <span className="badge warn"> 逾期</span> : null}
          </dd>
          <dt>状态</dt>
          <dd data-testid="item-status">{i.statusLabel}</dd>
          {i.failedReason ? (
            <>
              <dt>未通过理由</dt>
              <dd>{i.failedReason}</dd>
            </>
          ) : null}
        </dl>
        {d.mayConfirm ? (
          <Form method="post">
            <input type="hidden" name="intent" value="confirm" />
            <input type="hidden" name="version" value={i.version} />
            <FormError error={errorsFor('confirm')._form} />
            <button type="submit" className="primary" disabled={busy}>
              确认整改事项
            </button>
          </Form>
        ) : null}
      </div>

      {d.mayReport ? (
        <div className="card">
          <h2>报告整改情况</h2>
          <Form method="post" encType="multipart/form-data" noValidate className="stack" data-testid="report-form" key={i.version}>
            <input type="hidden" name="version" value={i.version} />
            <FormError error={errorsFor('report')._form} />
            <Field name="note" label="整改情况" error={errorsFor('report').note}>
              {(f) => <textarea {...f} rows={4} maxLength={2000} defaultValue={valueOf('report', 'note')} />}
            </Field>
            <Field name="file" label={`佐证材料（可空；PDF、Word、Excel、JPG 或 PNG，不超过 ${MAX_STORED_FILE_MB} MB）`} error={errorsFor('report').file}>
              {(f) => <input {...f} type="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png" />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                提交
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      {d.mayVerify ? (
        <div className="card">
          <h2>核验</h2>
          <Form method="post" noValidate className="stack" data-testid="verify-form" key={i.version}>
            <input type="hidden" name="intent" value="verify" />
            <input type="hidden" name="version" value={i.version} />
            <FormError error={errorsFor('verify')._form} />
            <Field name="verdict" label="核验结论" error={errorsFor('verify').verdict}>
              {(f) => (
                <select {...f} defaultValue={valueOf('verify', 'verdict')}>
                  <option value="">请选择</option>
                  <option value="pass">通过</option>
                  <option value="fail">不通过（退回整改）</option>
                </select>
              )}
            </Field>
            <Field name="reason" label="不通过的理由" error={errorsFor('verify').reason} hint="不通过时必须填写">
              {(f) => <textarea {...f} rows={3} maxLength={2000} defaultValue={valueOf('verify', 'reason')} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                提交核验结论
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      <div className="card" data-testid="item-history">
        <h2>整改记录</h2>
        <ol className="timeline">
          {d.history.map((h) => (
            <li key={h.id}>
              <strong>{h.label}</strong> <span className="muted small">{h.actorName} · {formatDateTime(h.at)}</span>
              {h.note ? <p>{h.note}</p> : null}
              {h.files.length > 0 ? (
                <ul>
                  {h.files.map((f) => (
                    <li key={f.id}>
                      <a href={`/engagements/${d.engagement.id}/rectification/${i.id}/files/${f.id}`} download>
                        {f.name}
                      </a>{' '}
                      <span className="muted small">
                        {(f.size / 1024).toFixed(1)} KB · SHA-256 <span title={f.sha256}>{f.sha256.slice(0, 12)}…</span>
                      </span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      </div>
    </section>
  )
}
