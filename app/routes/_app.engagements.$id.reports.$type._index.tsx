import crypto from 'node:crypto'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { REPORT_STAGES } from '../../reports/model'
import { renderInWorker } from '../../reports/render-pool.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { agencyActionRefusal, generateVersion, isReportType, issueVersion, reportPage, saveNarrative } from '~/services/report.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '报告 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!isReportType(params.type)) throw notFound()
  const page = reportPage(getDb(), actor, params.id ?? '', params.type, now())
  if (!page.ok) throw notFound()
  return page.value
}

/** Where a verification link points: the configured public address, else the address this request came to. */
function publicUrl(request: Request): string {
  return process.env.EVALDESK_PUBLIC_URL ?? new URL(request.url).origin
}

type ActionData = { intent: string; errors: Record<string, string>; values: Record<string, string | string[]>; done: string | null }

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!isReportType(params.type)) throw notFound()
  const db = getDb()
  const id = params.id ?? ''
  const refusal = agencyActionRefusal(db, actor, id)
  if (refusal) throw refusal === 404 ? notFound() : forbidden()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const result =
    intent === 'narrative'
      ? saveNarrative(db, actor, id, params.type, fd, now())
      : intent === 'generate'
        ? await generateVersion(db, actor, id, params.type, fd, now(), renderInWorker)
        : intent === 'issue'
          ? await issueVersion(db, actor, id, fd, now(), renderInWorker, { publicUrl: publicUrl(request), randomBytes: (n) => crypto.randomBytes(n) })
          : ({ ok: false, status: 400, errors: { _form: '不支持此操作' } } as const)
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data<ActionData>({ intent, errors: result.errors as Record<string, string>, values: ('values' in result ? result.values : undefined) ?? {}, done: null }, { status: result.status })
  }
  const done = intent === 'narrative' ? '已保存。' : 'code' in result.value ? `已签发，验证码 ${String(result.value.code)}。` : `已生成第 ${String((result.value as { versionNo: number }).versionNo)} 版。`
  return data<ActionData>({ intent, errors: {}, values: {}, done })
}

const short = (hash: string) => `${hash.slice(0, 12)}…`

export default function ReportTypePage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  const errorsFor = (intent: string): Record<string, string | undefined> => (actionData?.intent === intent ? actionData.errors : {})
  const valuesFor = (intent: string): Record<string, string | string[] | undefined> => (actionData?.intent === intent ? actionData.values : {})
  const doneFor = (intent: string) => (actionData?.intent === intent ? actionData.done : null)
  const base = `/engagements/${d.engagement.id}/reports`
  return (
    <section data-testid="report-page">
      <p>
        <Link to={base}>← 报告</Link>
      </p>
      <h1>
        {d.typeLabel} · {d.engagement.name}
      </h1>
      {d.ready ? (
        <p className="warning" data-testid="not-ready">
          暂不能生成：{d.ready}
        </p>
      ) : null}

      {d.sections.length > 0 ? (
        <div className="card">
          <h2>需要撰写的部分</h2>
          <p className="muted small">其余部分（基本情况、工作过程、得分与指标分析、附件）由系统根据项目数据生成。未保存过的部分显示根据数据生成的草稿，请修改后保存。</p>
          <Form method="post" noValidate className="stack" data-testid="narrative-form" key={d.narrativeVersion}>
            <input type="hidden" name="intent" value="narrative" />
            <input type="hidden" name="version" value={d.narrativeVersion} />
            <FormError error={errorsFor('narrative')._form} />
            {doneFor('narrative') ? (
              <p className="notice" role="status">
                {doneFor('narrative')}
              </p>
            ) : null}
            {d.sections.map((s) => (
              <Field key={s.key} name={s.key} label={`${s.label}${s.written ? '' : s.text ? '（草稿）' : '（待撰写）'}`} error={errorsFor('narrative')[s.key]}>
                {(f) => <textarea {...f} rows={6} defaultValue={String(valuesFor('narrative')[s.key] ?? s.text)} disabled={!d.mayWrite} />}
              </Field>
            ))}
            {d.mayWrite ? (
              <div>
                <button type="submit" disabled={busy}>
                  保存
                </button>
              </div>
            ) : null}
          </Form>
        </div>
      ) : null}

      {d.mayWrite && !d.ready ? (
        <div className="card">
          <h2>生成版本</h2>
          <Form method="post" noValidate className="stack" data-testid="generate-form">
            <input type="hidden" name="intent" value="generate" />
            <FormError error={errorsFor('generate')._form} />
            {doneFor('generate') ? (
              <p className="notice" role="status">
                {doneFor('generate')}
              </p>
            ) : null}
            <Field name="stage" label="版本阶段" error={errorsFor('generate').stage}>
              {(f) => (
                <select {...f} defaultValue={String(valuesFor('generate').stage ?? 'draft')}>
                  {REPORT_STAGES.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="note" label="版本说明（可空）" error={errorsFor('generate').note}>
              {(f) => <input {...f} maxLength={500} defaultValue={String(valuesFor('generate').note ?? '')} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                {busy && navigation.formData?.get('intent') === 'generate' ? '正在生成…' : '生成 Word 与 PDF'}
              </button>
            </div>
          </Form>
        </div>
      ) : null}

      <div className="card" data-testid="versions">
        <h2>版本</h2>
        <FormError error={errorsFor('issue')._form} />
        {doneFor('issue') ? (
          <p className="notice" role="status">
            {doneFor('issue')}
          </p>
        ) : null}
        {d.versions.length === 0 ? (
          <p className="muted">尚未生成任何版本。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>版本</th>
                  <th>阶段</th>
                  <th>生成时间</th>
                  <th>下载</th>
                  <th>SHA-256</th>
                  <th>签发</th>
                </tr>
              </thead>
              <tbody>
                {d.versions.map((v) => (
                  <tr key={v.id} data-version={v.versionNo}>
                    <td>第 {v.versionNo} 版</td>
                    <td>
                      {v.stageLabel}
                      {v.note ? <span className="muted small">（{v.note}）</span> : null}
                    </td>
                    <td>{formatDateTime(v.generatedAt)}</td>
                    <td>
                      <a href={`${base}/files/${v.id}/docx`} download>
                        Word
                      </a>{' '}
                      ·{' '}
                      <a href={`${base}/files/${v.id}/pdf`} download>
                        PDF
                      </a>
                    </td>
                    <td className="small">
                      <span title={v.docxSha256}>Word {short(v.docxSha256)}</span>
                      <br />
                      <span title={v.pdfSha256}>PDF {short(v.pdfSha256)}</span>
                    </td>
                    <td>
                      {v.verificationCode ? (
                        <span data-testid="issued-code">
                          验证码 <Link to={`/verify/${v.verificationCode}`}>{v.verificationCode}</Link>（{formatDateTime(v.issuedAt!)}）
                        </span>
                      ) : v.stage === 'final' && d.mayIssue ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="issue" />
                          <input type="hidden" name="versionId" value={v.id} />
                          <button type="submit" disabled={busy}>
                            签发
                          </button>
                        </Form>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {d.versions.length >= 2 ? (
          <Form method="get" action={`${base}/${d.type}/compare`} className="inline-form" data-testid="compare-form">
            <VersionSelect label="比较" name="from" versions={d.versions} defaultValue={d.versions[1]!.id} /> <VersionSelect label="与" name="to" versions={d.versions} defaultValue={d.versions[0]!.id} />{' '}
            <button type="submit">比较</button>
          </Form>
        ) : null}
      </div>
    </section>
  )
}

function VersionSelect({ label, name, versions, defaultValue }: { label: string; name: string; versions: { id: string; versionNo: number }[]; defaultValue: string }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={defaultValue}>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            第 {v.versionNo} 版
          </option>
        ))}
      </select>
    </label>
  )
}
