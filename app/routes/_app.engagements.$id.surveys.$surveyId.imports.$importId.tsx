// The mapping step of one uploaded export: which column answers each question (proposed from the
// titles, adjusted by the user), how bare 1–5 codes read, a preview of the first rows and every
// problem (row, column, message); 导入 stores all rows or none. 放弃 drops an upload not imported.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { LIKERT_CODINGS, QUESTION_KINDS } from '~/domain/fieldwork/survey'
import { labelOf } from '~/domain/indicators/tree'
import { pointsText } from '~/domain/indicators/rules'
import { discardUpload, importPage, importResponses, type ImportView } from '~/services/surveys.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `导入答卷 · ${data?.survey.title ?? '满意度调查'} · EvalDesk` }]

async function pageFor(request: Request, params: LoaderFunctionArgs['params']) {
  const { actor } = await requireUser(request)
  const page = await importPage(getDb(), actor, params.id ?? '', params.surveyId ?? '', params.importId ?? '')
  if (!page) throw notFound()
  return { actor, page }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return (await pageFor(request, params)).page
}

type ActionData = { view: ImportView | null; errors: Record<string, string>; done: string | null }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, page } = await pageFor(request, params)
  if (!page.mayImport) throw forbidden()
  const db = getDb()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const surveyPath = `/engagements/${page.engagement.id}/surveys/${page.survey.id}`
  if (intent === 'discard') {
    const result = discardUpload(db, actor, page.engagement.id, page.survey.id, page.upload.id, now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return data<ActionData>({ view: null, errors: result.errors, done: null }, { status: result.status })
    }
    return redirect(surveyPath)
  }
  if (intent !== 'preview' && intent !== 'import') return data<ActionData>({ view: null, errors: { _form: '不支持此操作' }, done: null }, { status: 400 })
  const result = await importResponses(db, actor, page.engagement.id, page.survey.id, page.upload.id, fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    // The preview with the mapping as typed, so the problems stand beside what was chosen.
    const preview = await importResponses(db, actor, page.engagement.id, page.survey.id, page.upload.id, withIntent(fd, 'preview'), now())
    return data<ActionData>({ view: preview.ok ? preview.value.view : null, errors: result.errors, done: null }, { status: result.status })
  }
  if (result.value.imported === null) return data<ActionData>({ view: result.value.view, errors: {}, done: null })
  const feed = result.value.feed
  const fed = feed && 'suggestion' in feed ? `满意率已写入指标 ${feed.code} ${feed.name}${feed.suggestion.ok ? `，建议得分 ${pointsText(feed.suggestion.score)} 分` : ''}。` : ''
  return data<ActionData>({ view: result.value.view, errors: {}, done: `已导入 ${result.value.imported} 份答卷。${fed}` })
}

function withIntent(fd: FormData, intent: string): FormData {
  const copy = new FormData()
  for (const [k, v] of fd.entries()) if (k !== 'intent') copy.append(k, v)
  copy.append('intent', intent)
  return copy
}

export default function ImportPage() {
  const loaded = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const view = a?.view ?? loaded
  const { preview, upload } = view
  const surveyPath = `/engagements/${view.engagement.id}/surveys/${view.survey.id}`
  const headerOptions = preview.headers.filter((h) => h.trim() !== '')
  return (
    <section data-testid="survey-import-page">
      <p>
        <Link to={surveyPath}>← {view.survey.title}</Link>
      </p>
      <h1>导入答卷</h1>
      <p className="muted">
        文件 {upload.fileName} · 共 {preview.rowCount} 行数据
        {upload.status === 'imported' && upload.importedAt ? ` · 已于 ${formatDateTime(upload.importedAt)} 导入 ${upload.rowCount} 份答卷` : ''}
      </p>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done} <Link to={surveyPath}>查看调查结果</Link>
        </p>
      ) : null}
      <FormError error={a?.errors._form} />
      {/* The key remounts the selects when the mapping the page shows changes (after a preview). */}
      <Form method="post" noValidate className="card stack" aria-label="列对应关系" key={JSON.stringify(preview.mapping)}>
        <h2>列对应关系</h2>
        <p className="muted small">系统已按题目匹配文件的列，请核对；填空题可不导入。</p>
        <table className="table compact" data-testid="mapping">
          <thead>
            <tr>
              <th>题目</th>
              <th>题型</th>
              <th>文件中的列</th>
            </tr>
          </thead>
          <tbody>
            {view.questions.map((q) => (
              <tr key={q.id}>
                <td>
                  <label htmlFor={`column-${q.id}`}>{q.title}</label>
                </td>
                <td>{labelOf(QUESTION_KINDS, q.kind)}</td>
                <td>
                  <select id={`column-${q.id}`} name={`column.${q.id}`} defaultValue={preview.mapping.columns[q.id] ?? ''} disabled={!view.mayImport}>
                    <option value="">（不导入）</option>
                    {headerOptions.map((h, i) => (
                      <option key={`${i}-${h}`} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Field name="likertCoding" label="数字作答的含义" hint="文件中量表题以数字 1–5 作答时选择；以文字作答时无需选择。">
          {(p) => (
            <select {...p} defaultValue={preview.mapping.likertCoding ?? ''} disabled={!view.mayImport}>
              <option value="">（文件以文字作答）</option>
              {LIKERT_CODINGS.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {view.mayImport ? (
          <p className="actions">
            <button type="submit" name="intent" value="preview" disabled={busy}>
              按此对应关系预览
            </button>{' '}
            <button type="submit" name="intent" value="import" disabled={busy || preview.problems.length > 0}>
              确认导入
            </button>{' '}
            <button type="submit" name="intent" value="discard" className="secondary" disabled={busy}>
              放弃此文件
            </button>
          </p>
        ) : null}
      </Form>
      <div className="card" data-testid="problems">
        <h2>检查结果</h2>
        {preview.problems.length === 0 ? (
          <p role="status">{preview.responses !== null ? `未发现问题，可导入 ${preview.responses} 份答卷。` : '未发现问题。'}</p>
        ) : (
          <>
            <p className="warning">发现 {preview.problems.length} 处问题，修改文件或对应关系前不能导入（不会只导入一部分）。</p>
            <table className="table compact">
              <thead>
                <tr>
                  <th>行</th>
                  <th>列</th>
                  <th>问题</th>
                </tr>
              </thead>
              <tbody>
                {preview.problems.slice(0, 200).map((p, i) => (
                  <tr key={i}>
                    <td>{p.row ?? '—'}</td>
                    <td>{p.column ?? '—'}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.problems.length > 200 ? <p className="muted">仅列出前 200 处。</p> : null}
          </>
        )}
      </div>
      <div className="card" data-testid="preview">
        <h2>前 {preview.rows.length} 行预览</h2>
        <div className="scroll-x">
          <table className="table compact">
            <thead>
              <tr>
                <th>行</th>
                {preview.headers.map((h, i) => (
                  <th key={i}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  {r.cells.map((c, i) => (
                    <td key={i}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  )
}
