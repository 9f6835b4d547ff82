// 工作底稿 of an engagement: papers grouped by indicator with every version, a filter by indicator,
// the upload of a new paper or a new version (multipart, sniffed and capped), the retention date and,
// after it, the agency admin's deletion with a reason. The engagement's team only.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { MAX_STORED_FILE_BYTES, MAX_STORED_FILE_MB } from '~/files/limits'
import { discardFile, prepareFile } from '~/files/store.server'
import { addPaper, addPaperVersion, attachRequestFile, deletePaper, mayUploadPapers, papersPage, parsePaperForm, setRetention } from '~/services/working-papers.server'
import { formatDateTime } from '~/utils/datetime'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '工作底稿 · EvalDesk' }]

const MULTIPART = /^multipart\/form-data\s*;/i

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  // Absent or '*': every group; '': the engagement-wide papers; a code: that indicator's.
  const filter = new URL(request.url).searchParams.get('indicator')
  const page = papersPage(getDb(), actor, params.id ?? '', filter === '*' ? null : filter, now())
  if (!page) throw notFound()
  return page
}

type ActionData = { intent: string; errors: Record<string, string>; values: Record<string, string>; done: string | null }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const engagementId = params.id ?? ''
  const reply = (intent: string, status: number, d: Partial<ActionData>, init?: HeadersInit) => data<ActionData>({ intent, errors: {}, values: {}, done: null, ...d }, { status, headers: init })
  const refusal = (intent: string, failure: { status: number; errors: Record<string, string>; values?: Record<string, unknown> }) => {
    if (failure.status === 404) throw notFound()
    return reply(intent, failure.status, { errors: failure.errors, values: stringValues(failure.values ?? {}) })
  }

  // Whoever is not on the engagement's team is refused before the body is read.
  const mayUpload = mayUploadPapers(db, actor, engagementId)
  if (mayUpload === undefined) throw notFound()
  if (MULTIPART.test(request.headers.get('content-type') ?? '')) {
    if (!mayUpload) throw forbidden()
    const upload = await readUpload(request, { field: 'file', maxBytes: MAX_STORED_FILE_BYTES, optional: true })
    // Before the fields are read the form is unknown: the message goes beside the new paper's file.
    if (!upload.ok) return reply('paper', upload.status, { errors: { file: upload.message } }, uploadRefusalHeaders(upload.status))
    const parsed = parsePaperForm(upload.fields)
    const intent = parsed.ok ? parsed.input.intent : String(upload.fields.get('intent') ?? 'paper')
    if (!parsed.ok) return reply(intent, parsed.status, { errors: parsed.errors, values: stringValues(parsed.values ?? {}) })
    const typed = stringValues(parsed.input)
    if (upload.bytes.length === 0) return reply(intent, 400, { errors: { file: '请选择要上传的文件' }, values: typed })
    const prepared = await prepareFile(db, { bytes: upload.bytes, filename: upload.filename })
    if (!prepared.ok) return reply(intent, prepared.status, { errors: { file: prepared.message }, values: typed }, uploadRefusalHeaders(prepared.status))
    const input = parsed.input
    const result = input.intent === 'paper' ? addPaper(db, actor, engagementId, input, prepared.file, now()) : addPaperVersion(db, actor, engagementId, input, prepared.file, now())
    if (!result.ok) {
      discardFile(prepared.file)
      if (result.status === 404) throw notFound()
      return reply(intent, result.status, { errors: result.errors, values: typed })
    }
    return reply(intent, 200, { done: input.intent === 'paper' ? `已上传工作底稿「${input.title}」。` : `已上传新版本（第 ${'versionNo' in result.value ? result.value.versionNo : ''} 版）。` })
  }

  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  if (intent === 'retention') {
    const result = setRetention(db, actor, engagementId, fd, now())
    return result.ok ? reply(intent, 200, { done: `保管期限已设为 ${result.value.retainUntil}。` }) : refusal(intent, result)
  }
  if (intent === 'delete') {
    const result = deletePaper(db, actor, engagementId, fd, now())
    return result.ok ? reply(intent, 200, { done: '已删除该工作底稿（文件仍保留备查）。' }) : refusal(intent, result)
  }
  if (intent === 'attach') {
    const result = attachRequestFile(db, actor, engagementId, fd, now())
    return result.ok ? reply(intent, 200, { done: `已从资料清单添加工作底稿「${result.value.title}」。` }) : refusal(intent, result)
  }
  return reply(intent, 400, { errors: { _form: '不支持此操作' } })
}

function stringValues(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : '']))
}

const ACCEPT = '.pdf,.docx,.xlsx,.jpg,.jpeg,.png'

/** The sheet's indicators as options, indented by level so the tree reads in a flat list. */
function IndicatorOptions({ indicators }: { indicators: { code: string; name: string; level: number }[] }) {
  return indicators.map((i) => (
    <option key={i.code} value={i.code}>
      {`${'\u3000'.repeat(Math.max(0, i.level - 1))}${i.code} ${i.name}`}
    </option>
  ))
}

export default function WorkingPapers() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const [search] = useSearchParams()
  const errorsFor = (intent: string, key?: string): Record<string, string | undefined> => (a?.intent === intent && (key === undefined || a.values.paperId === key) ? a.errors : {})
  const valueOf = (intent: string, field: string) => (a?.intent === intent ? (a.values[field] ?? '') : '')
  const r = d.retention
  return (
    <section data-testid="working-papers">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>工作底稿</h1>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}

      <div className="card" data-testid="retention">
        <h2>保管期限</h2>
        <p>
          {r.until === null ? '项目归档后默认保管 10 年；保管期满前任何底稿都不能删除。' : `保管至 ${r.until}（${r.source === 'configured' ? '已设定' : '归档后 10 年'}）；期满前任何底稿都不能删除，期满后仅机构管理员可删除。`}
        </p>
        {d.maySetRetention ? (
          <Form method="post" noValidate className="inline-form" data-testid="retention-form">
            <input type="hidden" name="intent" value="retention" />
            <input type="hidden" name="version" value={r.version} />
            <FormError error={errorsFor('retention')._form} />
            <Field name="retainUntil" label="保管期限（截至）" error={errorsFor('retention').retainUntil}>
              {(f) => <input {...f} type="date" defaultValue={valueOf('retention', 'retainUntil') || (r.until ?? '')} />}
            </Field>
            <button type="submit" disabled={busy}>
              保存保管期限
            </button>
          </Form>
        ) : null}
      </div>

      {d.mayUpload ? (
        <div className="card">
          <h2>上传工作底稿</h2>
          <Form method="post" encType="multipart/form-data" noValidate className="stack" data-testid="paper-form">
            <input type="hidden" name="intent" value="paper" />
            <FormError error={errorsFor('paper')._form} />
            <Field name="title" label="底稿名称" error={errorsFor('paper').title}>
              {(f) => <input {...f} maxLength={200} defaultValue={valueOf('paper', 'title')} />}
            </Field>
            <Field name="indicatorCode" label="对应指标" error={errorsFor('paper').indicatorCode}>
              {(f) => (
                <select {...f} defaultValue={valueOf('paper', 'indicatorCode') || (search.get('indicator') ?? '')}>
                  <option value="">项目整体（不对应具体指标）</option>
                  <IndicatorOptions indicators={d.indicators} />
                </select>
              )}
            </Field>
            <Field name="note" label="说明（可空）" error={errorsFor('paper').note}>
              {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={valueOf('paper', 'note')} />}
            </Field>
            <Field name="file" label={`文件（PDF、Word、Excel、JPG 或 PNG，不超过 ${MAX_STORED_FILE_MB} MB）`} error={errorsFor('paper').file}>
              {(f) => <input {...f} type="file" accept={ACCEPT} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                上传
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      {d.mayUpload && d.requestFiles.length > 0 ? (
        <div className="card">
          <h2>从资料清单添加</h2>
          <p className="muted small">被评价单位按资料清单提交的文件，可直接作为工作底稿（不另存副本，来源记为提交单位）。</p>
          <Form method="post" noValidate className="stack" data-testid="attach-form">
            <input type="hidden" name="intent" value="attach" />
            <FormError error={errorsFor('attach')._form} />
            <Field name="requestFileId" id="attach-file" label="资料清单中的文件" error={errorsFor('attach').requestFileId}>
              {(f) => (
                <select {...f} defaultValue={valueOf('attach', 'requestFileId')}>
                  <option value="">请选择</option>
                  {d.requestFiles.map((r) => (
                    <option key={r.id} value={r.id}>
                      {`${r.unitName} ·「${r.requestTitle}」第 ${r.versionNo} 份 · ${r.name}`}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="title" id="attach-title" label="底稿名称" error={errorsFor('attach').title}>
              {(f) => <input {...f} maxLength={200} defaultValue={valueOf('attach', 'title')} />}
            </Field>
            <Field name="indicatorCode" id="attach-indicator" label="对应指标" error={errorsFor('attach').indicatorCode}>
              {(f) => (
                <select {...f} defaultValue={valueOf('attach', 'indicatorCode')}>
                  <option value="">项目整体（不对应具体指标）</option>
                  <IndicatorOptions indicators={d.indicators} />
                </select>
              )}
            </Field>
            <Field name="note" id="attach-note" label="说明（可空）" error={errorsFor('attach').note}>
              {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={valueOf('attach', 'note')} />}
            </Field>
            <div>
              <button type="submit" disabled={busy}>
                添加为工作底稿
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      <Form method="get" className="inline-form" data-testid="paper-filter">
        <Field name="indicator" id="filter-indicator" label="按指标筛选">
          {(f) => (
            <select {...f} defaultValue={d.filter ?? '*'}>
              <option value="*">全部</option>
              <option value="">项目整体</option>
              <IndicatorOptions indicators={d.indicators} />
            </select>
          )}
        </Field>
        <button type="submit">筛选</button>
      </Form>

      {d.groups.length === 0 ? <p className="muted">暂无工作底稿。</p> : null}
      {d.groups.map((g) => (
        <div className="card" key={g.code ?? ''} data-testid={`papers-${g.code ?? 'engagement'}`}>
          <h2>
            {g.code ? `${g.code} ` : ''}
            {g.name}
          </h2>
          {g.papers.map((p) => (
            <div key={p.id} className="paper" data-testid="paper">
              <h3>
                {p.title}
                {p.deleted ? <span className="badge warn"> 已删除</span> : null}
              </h3>
              <p className="muted small">
                {p.createdByName} · {formatDateTime(p.createdAt)}
                {p.deleted ? ` · 删除于 ${formatDateTime(p.deleted.at)}，理由：${p.deleted.reason}` : ''}
              </p>
              {p.note ? <p>{p.note}</p> : null}
              <ol className="versions">
                {p.versions.map((v) => (
                  <li key={v.id}>
                    {`第 ${v.versionNo} 版：`}
                    <a href={`/engagements/${d.engagement.id}/papers/files/${v.id}`} download>
                      {v.name}
                    </a>{' '}
                    <span className="muted small">
                      {(v.size / 1024).toFixed(1)} KB · {v.uploaderName}（{v.uploaderSource}） · {formatDateTime(v.uploadedAt)} · SHA-256 <span title={v.sha256}>{v.sha256.slice(0, 12)}…</span>
                    </span>
                    {v.comment ? <p className="small">{v.comment}</p> : null}
                  </li>
                ))}
              </ol>
              {d.mayUpload && !p.deleted ? (
                <details open={a?.intent === 'version' && a.values.paperId === p.id && !a.done}>
                  <summary>上传新版本</summary>
                  <Form method="post" encType="multipart/form-data" noValidate className="stack" data-testid="version-form">
                    <input type="hidden" name="intent" value="version" />
                    <input type="hidden" name="paperId" value={p.id} />
                    <FormError error={errorsFor('version', p.id)._form} />
                    <Field name="comment" id={`comment-${p.id}`} label="版本说明（可空）" error={errorsFor('version', p.id).comment}>
                      {(f) => <textarea {...f} rows={2} maxLength={2000} defaultValue={a?.values.paperId === p.id ? valueOf('version', 'comment') : ''} />}
                    </Field>
                    <Field name="file" id={`file-${p.id}`} label="文件" error={errorsFor('version', p.id).file}>
                      {(f) => <input {...f} type="file" accept={ACCEPT} />}
                    </Field>
                    <div>
                      <button type="submit" disabled={busy}>
                        上传新版本
                      </button>
                    </div>
                  </Form>
                </details>
              ) : null}
              {d.mayDelete && !p.deleted ? (
                <Form method="post" noValidate className="inline-form" data-testid="delete-form">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="paperId" value={p.id} />
                  <FormError error={errorsFor('delete', p.id)._form} />
                  <Field name="reason" id={`reason-${p.id}`} label="删除理由" error={errorsFor('delete', p.id).reason}>
                    {(f) => <input {...f} maxLength={2000} defaultValue={a?.values.paperId === p.id ? valueOf('delete', 'reason') : ''} />}
                  </Field>
                  <button type="submit" className="danger" disabled={busy}>
                    删除
                  </button>
                </Form>
              ) : null}
            </div>
          ))}
        </div>
      ))}
    </section>
  )
}
