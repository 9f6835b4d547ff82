// One credit file (信用档案): the standing under each relevant bureau's policy (named beside the
// grade), why (each entry's contribution), any blacklisting, the timeline with appeals and evidence,
// and the forms: 新增信用记录 for issuers, 申诉 for the subject, 处理申诉 for the issuer.
import {
  data,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { SEVERITIES } from '~/domain/credit/categories'
import { MAX_STORED_FILE_MB } from '~/files/limits'
import {
  decideAppeal,
  fileAppeal,
  filePage,
  issueEntry,
  mayActOnFile,
  readCreditForm,
  type FilePage,
} from '~/services/credit-file.server'
import { formatDateTime } from '~/utils/datetime'
import { uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.subject.name ?? '信用档案'} · 信用档案 · EvalDesk` },
]

/** The whole request body of one action: five files of 5 MB cannot all fit, and need not. */
const MAX_CREDIT_UPLOAD_BYTES = 6 * 1024 * 1024
const EVIDENCE_HINT = `可空，最多 5 个；PDF、Word、Excel、JPG 或 PNG，每个不超过 ${MAX_STORED_FILE_MB} MB`
const ACCEPT = '.pdf,.docx,.xlsx,.jpg,.jpeg,.png'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = filePage(
    getDb(),
    actor,
    params.subjectId ?? '',
    { bureau: new URL(request.url).searchParams.get('bureau') },
    now(),
  )
  if (!page) throw notFound()
  return page
}

type ActionData = {
  intent: string
  entryId: string | null
  errors: Record<string, string>
  values: Record<string, string | string[]>
  done: string | null
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const subjectId = params.subjectId ?? ''
  // Refuse whoever may not act on this file before reading (and buffering) the body.
  const may = mayActOnFile(db, actor, subjectId)
  if (may === undefined) throw notFound()
  if (!may) throw forbidden()
  const url = new URL(request.url)
  const form = await readCreditForm(request, MAX_CREDIT_UPLOAD_BYTES)
  const intent = url.searchParams.get('intent') ?? (form.ok ? String(form.fields.get('intent') ?? '') : '')
  const entryId = url.searchParams.get('entry') ?? (form.ok ? String(form.fields.get('entryId') ?? '') : '')
  const reply = (status: number, d: Partial<ActionData>, init?: HeadersInit) =>
    data<ActionData>(
      { intent, entryId: entryId || null, errors: {}, values: {}, done: null, ...d },
      { status, headers: init },
    )
  if (!form.ok)
    return reply(form.status, { errors: { files: form.message } }, uploadRefusalHeaders(form.status))
  const at = now()
  const result =
    intent === 'issue'
      ? await issueEntry(db, actor, subjectId, form.fields, form.files, at)
      : intent === 'appeal'
        ? await fileAppeal(db, actor, subjectId, entryId, form.fields, form.files, at)
        : intent === 'decide'
          ? decideAppeal(db, actor, subjectId, entryId, form.fields, at)
          : null
  if (!result) return reply(400, { errors: { _form: '不支持此操作' } })
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return reply(
      result.status,
      { errors: result.errors, values: result.values ?? {} },
      uploadRefusalHeaders(result.status),
    )
  }
  const v = result.value
  const done =
    'appealId' in v
      ? '申诉已提交，处理结果出来前该记录照常计入。'
      : 'decision' in v
        ? `已${v.decision}，当前信用等级 ${v.grade}（${v.score} 分）。`
        : `信用记录已新增，当前信用等级 ${v.grade}（${v.score} 分）。`
  return reply(200, { done })
}

type Timeline = FilePage['timeline']
type Entry = Timeline[number]

/** A labelled control with its message; ids carry the entry so many forms can share a page. */
function EntryField({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string
  label: string
  error?: string
  hint?: string
  children: (p: { id: string; 'aria-invalid': boolean }) => ReactNode
}) {
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error) })}
      {hint ? <p className="hint">{hint}</p> : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** The reason an appeal or a decision must give. */
function ReasonField({
  id,
  label,
  error,
  value,
}: {
  id: string
  label: string
  error?: string
  value: string
}) {
  return (
    <EntryField id={id} label={label} error={error}>
      {(f) => <textarea {...f} name="reason" rows={3} maxLength={2000} defaultValue={value} />}
    </EntryField>
  )
}

function FileLinks({
  subjectId,
  files,
}: {
  subjectId: string
  files: { id: string; name: string; size: number }[]
}) {
  if (files.length === 0) return null
  return (
    <p className="small">
      佐证材料：
      {files.map((f, i) => (
        <span key={f.id}>
          {i > 0 ? '；' : ''}
          <a href={`/credit/${subjectId}/files/${f.id}`} download>
            {f.name}
          </a>{' '}
          <span className="muted">{(f.size / 1024).toFixed(1)} KB</span>
        </span>
      ))}
    </p>
  )
}

export default function CreditFile() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const selected = d.standings.find((s) => s.selected)!
  const issueErrors: Record<string, string | undefined> = a?.intent === 'issue' ? a.errors : {}
  const issueValue = (key: string, fallback = '') =>
    a?.intent === 'issue' && a.done === null ? String(a.values[key] ?? '') : fallback
  return (
    <section data-testid="credit-file">
      <p>
        <Link to={`/credit?type=${d.subject.type}`}>← 信用档案</Link>
      </p>
      <h1>
        {d.subject.name}
        <span className="muted small">
          {' '}
          {d.subject.typeLabel}
          {d.subject.agencyName ? ` · ${d.subject.agencyName}` : ''}
        </span>
      </h1>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      {a && a.done === null && a.intent !== 'issue' && a.intent !== 'appeal' && a.intent !== 'decide' ? (
        <FormError error={a.errors._form ?? a.errors.files} />
      ) : null}

      {selected.blacklisting ? (
        <p className="card warning" role="alert" data-testid="blacklisting-banner">
          列入失信名单：{selected.blacklisting.from} 至 {selected.blacklisting.to}（
          {selected.blacklisting.rule}）
        </p>
      ) : null}

      <div className="card" data-testid="credit-standing">
        {d.standings.length > 1 ? (
          <nav className="toolbar" aria-label="按财政部门的信用政策查看">
            {d.standings.map((s) =>
              s.selected ? (
                <strong key={s.bureauId ?? 'default'} aria-current="page">
                  {s.bureauName}：{s.grade}
                </strong>
              ) : (
                <Link key={s.bureauId ?? 'default'} to={`?bureau=${s.bureauId ?? ''}`}>
                  {s.bureauName}：{s.grade}
                </Link>
              ),
            )}
          </nav>
        ) : null}
        <dl className="facts">
          <dt>信用等级</dt>
          <dd data-testid="credit-grade">
            <strong>{selected.gradeLabel}</strong>
          </dd>
          <dt>信用分</dt>
          <dd data-testid="credit-score">{selected.score}</dd>
          <dt>依据</dt>
          <dd data-testid="credit-policy">
            {selected.caption}
            {selected.bureauId ? <span className="muted small">（{selected.bureauName}）</span> : null}
          </dd>
        </dl>
        <h2>计分说明</h2>
        <ol className="small" data-testid="credit-explanation">
          {d.explanation.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
        {d.blacklistings.length > 0 ? (
          <>
            <h2>失信名单记录</h2>
            <ul>
              {d.blacklistings.map((b, i) => (
                <li key={i}>
                  {b.from} 至 {b.to}（{b.rule}，{b.years} 年）
                  {b.active ? (
                    <span className="badge off">失信期内</span>
                  ) : (
                    <span className="badge">已届满</span>
                  )}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>

      <div className="card" data-testid="credit-report-exports">
        <h2>导出信用报告</h2>
        <p>
          <a href={`/credit/${d.subject.id}/report.pdf`} className="button" download>
            PDF
          </a>{' '}
          <a href={`/credit/${d.subject.id}/report.docx`} className="button" download>
            Word
          </a>
        </p>
      </div>

      <div className="card" data-testid="credit-timeline">
        <h2>信用记录</h2>
        {d.timeline.length === 0 ? (
          <p className="muted">暂无信用记录。</p>
        ) : (
          <ol className="timeline">
            {d.timeline.map((e) => (
              <EntryItem
                key={e.id}
                entry={e}
                subjectId={d.subject.id}
                action={a?.entryId === e.id ? a : undefined}
                busy={busy}
              />
            ))}
          </ol>
        )}
      </div>
      {d.issueForm ? (
        <div className="card">
          <h2>新增信用记录</h2>
          <Form
            method="post"
            action={`/credit/${d.subject.id}?intent=issue`}
            encType="multipart/form-data"
            noValidate
            className="stack"
            data-testid="issue-form"
            key={d.timeline.length}
          >
            <input type="hidden" name="intent" value="issue" />
            <FormError error={issueErrors._form} />
            <Field name="kind" label="记录类别" error={issueErrors.kind}>
              {(f) => (
                <select {...f} defaultValue={issueValue('kind')}>
                  <option value="">请选择</option>
                  <optgroup label="守信记录（加分）">
                    {d
                      .issueForm!.kinds.filter((k) => !k.negative)
                      .map((k) => (
                        <option key={k.code} value={k.code}>
                          {k.label}
                        </option>
                      ))}
                  </optgroup>
                  <optgroup label="失信记录（扣分）">
                    {d
                      .issueForm!.kinds.filter((k) => k.negative)
                      .map((k) => (
                        <option key={k.code} value={k.code}>
                          {k.label}（默认{k.defaultSeverity}）
                        </option>
                      ))}
                  </optgroup>
                </select>
              )}
            </Field>
            <Field name="severity" label="严重程度（仅失信记录）" error={issueErrors.severity}>
              {(f) => (
                <select {...f} defaultValue={issueValue('severity')}>
                  <option value="">按类别默认</option>
                  {SEVERITIES.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              name="points"
              label="分值（分）"
              error={issueErrors.points}
              hint="可空：按信用政策对该类别或严重程度的分值计"
            >
              {(f) => <input {...f} inputMode="decimal" maxLength={12} defaultValue={issueValue('points')} />}
            </Field>
            <Field name="effectiveOn" label="生效日期" error={issueErrors.effectiveOn} hint="不能晚于今天">
              {(f) => (
                <input {...f} type="date" max={d.today} defaultValue={issueValue('effectiveOn', d.today)} />
              )}
            </Field>
            <Field
              name="expiresOn"
              label="失效日期"
              error={issueErrors.expiresOn}
              hint="可空：按信用政策的有效期"
            >
              {(f) => <input {...f} type="date" defaultValue={issueValue('expiresOn')} />}
            </Field>
            <Field name="engagementId" label="相关评价项目" error={issueErrors.engagementId}>
              {(f) => (
                <select {...f} defaultValue={issueValue('engagementId')}>
                  <option value="">不关联</option>
                  {d.issueForm!.engagements.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="description" label="事实与依据" error={issueErrors.description}>
              {(f) => <textarea {...f} rows={4} maxLength={2000} defaultValue={issueValue('description')} />}
            </Field>
            <Field name="files" label="佐证材料" error={issueErrors.files} hint={EVIDENCE_HINT}>
              {(f) => <input {...f} type="file" multiple accept={ACCEPT} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                新增记录
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </section>
  )
}

function EntryItem({
  entry: e,
  subjectId,
  action: a,
  busy,
}: {
  entry: Entry
  subjectId: string
  action: ActionData | undefined
  busy: boolean
}) {
  const errorsFor = (intent: string): Record<string, string | undefined> =>
    a?.intent === intent ? a.errors : {}
  const valueOf = (intent: string, key: string) =>
    a?.intent === intent && a.done === null ? String(a.values[key] ?? '') : ''
  return (
    <li id={`entry-${e.id}`} className={e.negative ? 'back' : undefined} data-testid="credit-entry">
      <strong>{e.kindLabel}</strong>
      {e.severityLabel ? `（${e.severityLabel}）` : ''}{' '}
      <span className={e.status === 'revoked' ? 'badge off' : e.status === 'amended' ? 'badge' : 'badge ok'}>
        {e.statusLabel}
      </span>
      {e.appeal?.status === 'pending' ? <span className="badge"> 申诉中</span> : null}
      <dl className="facts small">
        <dt>分值</dt>
        <dd>
          {e.negative ? '扣分' : '加分'} {e.pointsIssued}
          {e.counted ? `；现计 ${e.counted.points}（${e.counted.status}）` : ''}
        </dd>
        <dt>生效 / 失效</dt>
        <dd>
          {e.effectiveOn} 起{e.expiresOn ? `，${e.expiresOn} 失效` : '，长期有效'}
        </dd>
        <dt>作出单位</dt>
        <dd>
          {e.issuer} · {e.issuedBy}{' '}
          <span className="muted">
            （{e.sourceLabel}，记录于 {formatDateTime(e.recordedAt)}）
          </span>
        </dd>
        {e.engagement ? (
          <>
            <dt>评价项目</dt>
            <dd>
              {e.engagement.link ? (
                <Link to={`/engagements/${e.engagement.id}`}>{e.engagement.name}</Link>
              ) : (
                e.engagement.name
              )}
            </dd>
          </>
        ) : null}
        <dt>事实与依据</dt>
        <dd className="pre">{e.description}</dd>
        {e.appealDeadline && !e.appeal ? (
          <>
            <dt>申诉期限</dt>
            <dd>至 {e.appealDeadline}（含当日）</dd>
          </>
        ) : null}
      </dl>
      <FileLinks subjectId={subjectId} files={e.files} />
      {e.appeal ? (
        <div className="card small" data-testid="credit-appeal">
          <strong>申诉</strong>（{e.appeal.statusLabel}）{' '}
          <span className="muted">
            {e.appeal.filedBy} · {formatDateTime(e.appeal.filedAt)}
          </span>
          <p className="pre">{e.appeal.reason}</p>
          <FileLinks subjectId={subjectId} files={e.appeal.files} />
          {e.appeal.decidedAt ? (
            <p>
              处理结果：{e.appeal.statusLabel}
              {e.appeal.amendment
                ? `（${[e.appeal.amendment.severity ? `严重程度改为${e.appeal.amendment.severity}` : '', e.appeal.amendment.points ? `分值改为 ${e.appeal.amendment.points}` : '', e.appeal.amendment.expiresOn ? `失效日期改为 ${e.appeal.amendment.expiresOn}` : ''].filter(Boolean).join('，')}）`
                : ''}
              ；理由：{e.appeal.decisionReason}{' '}
              <span className="muted">
                {e.appeal.decidedBy} · {formatDateTime(e.appeal.decidedAt)}
              </span>
            </p>
          ) : null}
        </div>
      ) : null}
      {e.mayAppeal ? (
        <details open={a?.intent === 'appeal'}>
          <summary>申诉</summary>
          <Form
            method="post"
            action={`/credit/${subjectId}?intent=appeal&entry=${e.id}`}
            encType="multipart/form-data"
            noValidate
            className="stack"
            data-testid="appeal-form"
          >
            <input type="hidden" name="intent" value="appeal" />
            <input type="hidden" name="entryId" value={e.id} />
            <FormError error={errorsFor('appeal')._form} />
            <ReasonField
              id={`appeal-reason-${e.id}`}
              label="申诉理由"
              error={errorsFor('appeal').reason}
              value={valueOf('appeal', 'reason')}
            />
            <EntryField
              id={`appeal-files-${e.id}`}
              label="佐证材料"
              error={errorsFor('appeal').files}
              hint={EVIDENCE_HINT}
            >
              {(f) => <input {...f} name="files" type="file" multiple accept={ACCEPT} />}
            </EntryField>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                提交申诉
              </button>
            </div>
          </Form>
        </details>
      ) : null}
      {e.mayDecide && e.appeal ? (
        <Form
          method="post"
          action={`/credit/${subjectId}?intent=decide&entry=${e.id}`}
          noValidate
          className="stack card"
          data-testid="decide-form"
        >
          <h3>处理申诉</h3>
          <input type="hidden" name="intent" value="decide" />
          <input type="hidden" name="entryId" value={e.id} />
          <input type="hidden" name="version" value={e.appeal.version} />
          <FormError error={errorsFor('decide')._form} />
          <EntryField id={`decision-${e.id}`} label="处理结果" error={errorsFor('decide').decision}>
            {(f) => (
              <select {...f} name="decision" defaultValue={valueOf('decide', 'decision')}>
                <option value="">请选择</option>
                <option value="upheld">维持原记录</option>
                <option value="amended">变更记录</option>
                <option value="revoked">撤销记录</option>
              </select>
            )}
          </EntryField>
          <ReasonField
            id={`decision-reason-${e.id}`}
            label="处理理由"
            error={errorsFor('decide').reason}
            value={valueOf('decide', 'reason')}
          />
          <p className="hint">变更记录时填写要改动的项目，留空的不变：</p>
          <EntryField id={`decision-severity-${e.id}`} label="严重程度" error={errorsFor('decide').severity}>
            {(f) => (
              <select {...f} name="severity" defaultValue={valueOf('decide', 'severity')}>
                <option value="">不变</option>
                {SEVERITIES.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </EntryField>
          <EntryField id={`decision-points-${e.id}`} label="分值（分）" error={errorsFor('decide').points}>
            {(f) => (
              <input
                {...f}
                name="points"
                inputMode="decimal"
                maxLength={12}
                defaultValue={valueOf('decide', 'points')}
              />
            )}
          </EntryField>
          <EntryField id={`decision-expires-${e.id}`} label="失效日期" error={errorsFor('decide').expiresOn}>
            {(f) => (
              <input {...f} name="expiresOn" type="date" defaultValue={valueOf('decide', 'expiresOn')} />
            )}
          </EntryField>
          <div>
            <button type="submit" className="primary" disabled={busy}>
              提交处理结果
            </button>
          </div>
        </Form>
      ) : null}
    </li>
  )
}
