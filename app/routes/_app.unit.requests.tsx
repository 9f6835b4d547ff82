// 资料清单 of the signed-in unit contact: what the agencies asked their unit for, overdue first, with an
// upload per item (multipart; the item is named in the address so it is authorized before the body is
// read). Every upload is kept; a new one never replaces an earlier one.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { RequestItem } from '~/components/request-item'
import { MAX_STORED_FILE_BYTES, MAX_STORED_FILE_MB } from '~/files/limits'
import { discardFile, prepareFile } from '~/files/store.server'
import { mayUploadTo, parseUploadFields, unitRequests, uploadToRequest } from '~/services/document-requests.server'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '资料清单 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  return unitRequests(getDb(), actor, now()) ?? { items: [], summary: { total: 0, pending: 0, submitted: 0, moreNeeded: 0, confirmed: 0, overdue: 0 } }
}

type ActionData = { requestId: string; errors: Record<string, string>; note: string; done: string | null }

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  const db = getDb()
  const requestId = new URL(request.url).searchParams.get('request') ?? ''
  const may = mayUploadTo(db, actor, requestId)
  if (may === undefined) throw notFound()
  if (!may) throw forbidden()
  const reply = (status: number, d: Partial<ActionData>, init?: HeadersInit) => data<ActionData>({ requestId, errors: {}, note: '', done: null, ...d }, { status, headers: init })
  const upload = await readUpload(request, { field: 'file', maxBytes: MAX_STORED_FILE_BYTES })
  if (!upload.ok) return reply(upload.status, { errors: { file: upload.message } }, uploadRefusalHeaders(upload.status))
  const note = String(upload.fields.get('note') ?? '')
  const fields = parseUploadFields(upload.fields)
  if (!fields.ok) return reply(fields.status, { errors: fields.errors, note })
  const prepared = await prepareFile(db, { bytes: upload.bytes, filename: upload.filename })
  if (!prepared.ok) return reply(prepared.status, { errors: { file: prepared.message }, note }, uploadRefusalHeaders(prepared.status))
  const result = uploadToRequest(db, actor, requestId, fields, prepared.file, now())
  if (!result.ok) {
    discardFile(prepared.file)
    if (result.status === 404) throw notFound()
    return reply(result.status, { errors: result.errors, note })
  }
  return reply(200, { done: `已上传第 ${result.value.versionNo} 份资料。` })
}

export default function UnitRequests() {
  const { items, summary: s } = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <section data-testid="unit-requests">
      <h1>资料清单</h1>
      <p className="muted" data-testid="requests-summary">
        共 {s.total} 项 · 待提交 {s.pending} 项 · 需补充 {s.moreNeeded} 项 · 已确认 {s.confirmed} 项 · 逾期 {s.overdue} 项。请在期限内上传所需资料。
      </p>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      {items.length === 0 ? <p className="card muted">暂无需要提交的资料。</p> : null}
      {items.map((i) => {
        const errors: Record<string, string | undefined> = a?.requestId === i.id ? a.errors : {}
        return (
          <RequestItem key={i.id} item={i} heading={<p className="muted small">{i.engagementName}</p>}>
            {i.mayUpload ? (
              <Form method="post" action={`/unit/requests?request=${i.id}`} encType="multipart/form-data" noValidate className="stack" data-testid="upload-form" key={i.version}>
                <input type="hidden" name="version" value={i.version} />
                <FormError error={errors._form} />
                <Field name="file" id={`file-${i.id}`} label={`上传资料（PDF、Word、Excel、JPG 或 PNG，不超过 ${MAX_STORED_FILE_MB} MB）`} error={errors.file}>
                  {(f) => <input {...f} type="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png" />}
                </Field>
                <Field name="note" id={`note-${i.id}`} label="说明（可空）" error={errors.note}>
                  {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={a?.requestId === i.id ? a.note : ''} />}
                </Field>
                <div>
                  <button type="submit" className="primary" disabled={busy}>
                    上传
                  </button>
                </div>
              </Form>
            ) : null}
          </RequestItem>
        )
      })}
    </section>
  )
}
