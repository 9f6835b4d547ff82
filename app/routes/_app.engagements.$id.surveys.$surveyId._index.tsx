// One 满意度调查: the results (sample, valid responses, satisfaction rate with its 95 % margin, a
// bar chart and table per item), what it feeds on the sheet, the questionnaire and settings form,
// and the upload of an export (multipart) that leads to the mapping step.
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { BarChart } from '~/components/bar-chart'
import { Field, FormError } from '~/components/field'
import { LIKERT_SCALES, likertLevels, MAX_OPTIONS, QUESTION_KINDS, type Questionnaire, type LikertScale } from '~/domain/fieldwork/survey'
import { pointsText } from '~/domain/indicators/rules'
import { MAX_STORED_FILE_BYTES, MAX_STORED_FILE_MB } from '~/files/limits'
import { mayUpload, saveSurvey, surveyPage, uploadResponses, type SurveyResultItem } from '~/services/surveys.server'
import { formatDateTime } from '~/utils/datetime'
import { MAX_SURVEY_TITLE, SURVEY_FILE_TYPES_TEXT } from '~/utils/survey-limits'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.survey.title ?? '满意度调查'} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = surveyPage(getDb(), actor, params.id ?? '', params.surveyId ?? '')
  if (!page) throw notFound()
  return page
}

type ActionData = { intent: 'save' | 'upload'; errors: Record<string, string>; values: Record<string, string | string[]>; done: string | null }

const MULTIPART = /^multipart\/form-data\s*;/i

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const engagementId = params.id ?? ''
  const surveyId = params.surveyId ?? ''
  if (!surveyPage(db, actor, engagementId, surveyId)) throw notFound()
  const reply = (intent: ActionData['intent'], status: number, d: Partial<ActionData>, init?: HeadersInit) => data<ActionData>({ intent, errors: {}, values: {}, done: null, ...d }, { status, headers: init })
  if (MULTIPART.test(request.headers.get('content-type') ?? '')) {
    // Refuse whoever may not upload before reading the body.
    if (!mayUpload(db, actor, engagementId, surveyId)) throw forbidden()
    const upload = await readUpload(request, { field: 'file', maxBytes: MAX_STORED_FILE_BYTES })
    if (!upload.ok) return reply('upload', upload.status, { errors: { file: upload.message } }, uploadRefusalHeaders(upload.status))
    const result = await uploadResponses(db, actor, engagementId, surveyId, upload, now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      if (result.status === 403) throw forbidden()
      return reply('upload', result.status, { errors: result.errors }, uploadRefusalHeaders(result.status))
    }
    return redirect(`/engagements/${engagementId}/surveys/${surveyId}/imports/${result.value.importId}`)
  }
  const fd = await request.formData()
  const result = saveSurvey(db, actor, engagementId, surveyId, fd, now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    if (result.status === 403) throw forbidden()
    return reply('save', result.status, { errors: result.errors, values: result.values ?? {} })
  }
  return reply('save', 200, { done: '已保存。' })
}

export default function SurveyPage() {
  const d = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const { engagement: e, survey, summary } = d
  return (
    <section data-testid="survey-page">
      <p>
        <Link to={`/engagements/${e.id}/surveys`}>← 满意度调查 · {e.name}</Link>
      </p>
      <h1>{survey.title}</h1>
      {a?.done ? (
        <p className="notice" role="status">
          {a.done}
        </p>
      ) : null}
      <div className="card" data-testid="survey-summary">
        <h2>调查结果</h2>
        <dl className="facts">
          <dt>样本量</dt>
          <dd data-testid="sample-size">{summary.sampleSize}</dd>
          <dt>有效样本</dt>
          <dd data-testid="valid-responses">{summary.validResponses}</dd>
          <dt>满意率</dt>
          <dd data-testid="satisfaction-rate">{summary.rateText ? `${summary.rateText}（${summary.basisText}）` : '—'}</dd>
          <dt>95% 置信水平下的误差范围</dt>
          <dd data-testid="margin">{summary.marginText ?? '—'}</dd>
          {summary.population !== null ? (
            <>
              <dt>总体数量</dt>
              <dd>{summary.population}（已作有限总体校正）</dd>
            </>
          ) : null}
        </dl>
        {summary.populationNote ? <p className="warning">{summary.populationNote}</p> : null}
        <p className="muted small">满意率 =（{likertLevels(d.questionnaire.scale).slice(0, 2).join('+')}）/ 有效样本；有效样本指各量表题均已作答的答卷。</p>
        <FeedNotice feed={d.feed} engagementId={e.id} />
      </div>
      {d.items.map((item) => (
        <ItemResult key={item.questionId} item={item} />
      ))}
      <Uploads />
      <SettingsForm result={a?.intent === 'save' ? a : undefined} />
    </section>
  )
}

function FeedNotice({ feed, engagementId }: { feed: ReturnType<typeof useLoaderData<typeof loader>>['feed']; engagementId: string }) {
  if (!feed) return <p className="muted">未关联满意度指标：在下方设置中选择后，调查结果将写入该指标的评价数据。</p>
  if ('problem' in feed)
    return (
      <p className="warning" data-testid="feed">
        关联指标 {feed.code ?? ''} {feed.name ?? ''}：{feed.problem}
      </p>
    )
  return (
    <p data-testid="feed">
      已写入指标 {feed.code} {feed.name} 的<Link to={`/engagements/${engagementId}/data`}>评价数据</Link>：
      {feed.suggestion.ok ? `建议得分 ${pointsText(feed.suggestion.score)} 分（${feed.suggestion.reasoning}）` : feed.suggestion.message}
    </p>
  )
}

function ItemResult({ item }: { item: SurveyResultItem }) {
  if (item.kind === 'text')
    return (
      <div className="card">
        <h3>{item.title}</h3>
        {item.answers.length === 0 ? (
          <p className="muted">无回答。</p>
        ) : (
          <ul className="small">
            {item.answers.slice(0, 50).map((t, i) => (
              <li key={i}>{t}</li>
            ))}
            {item.answers.length > 50 ? <li className="muted">…… 共 {item.answers.length} 条</li> : null}
          </ul>
        )}
      </div>
    )
  return (
    <div className="card" data-testid={`item-${item.questionId}`}>
      <h3>
        {item.title}
        {item.kind === 'likert' && item.rateText ? <span className="muted small"> · 满意率 {item.rateText}（{item.marginText}）</span> : null}
      </h3>
      <BarChart title={`${item.title}：各选项人数`} labelWidth={96} items={item.rows.map((r) => ({ label: r.label, value: r.count }))} />
      <table className="table compact">
        <thead>
          <tr>
            <th>选项</th>
            <th>人数</th>
            <th>占比</th>
          </tr>
        </thead>
        <tbody>
          {item.rows.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td>{r.count}</td>
              <td>{r.shareText}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Uploads() {
  const { engagement: e, survey, imports, mayManage } = useLoaderData<typeof loader>()
  const a = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="card stack">
      <h2>答卷导入</h2>
      {imports.length === 0 ? (
        <p className="muted">尚未上传答卷文件。</p>
      ) : (
        <table className="table compact" data-testid="imports">
          <thead>
            <tr>
              <th>文件</th>
              <th>上传</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((i) => (
              <tr key={i.id}>
                <td>
                  <Link to={`/engagements/${e.id}/surveys/${survey.id}/imports/${i.id}`}>{i.fileName}</Link>
                </td>
                <td>
                  {i.uploadedByName} · {formatDateTime(i.uploadedAt)}
                </td>
                <td>{i.status === 'imported' ? `已导入 ${i.rowCount} 份` : '待确认导入'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayManage ? (
        <Form method="post" encType="multipart/form-data" noValidate aria-label="上传答卷">
          <FormError error={a?.intent === 'upload' ? a.errors._form : undefined} />
          <Field name="file" label="答卷文件" error={a?.intent === 'upload' ? a.errors.file : undefined} hint={`${SURVEY_FILE_TYPES_TEXT}，不超过 ${MAX_STORED_FILE_MB} MB；第 1 行为表头（题目），每行一份答卷。上传后先核对列对应关系和预览，再确认导入。`}>
            {(p) => <input {...p} type="file" accept=".xlsx,.csv" />}
          </Field>
          <button type="submit" disabled={busy}>
            上传并预览
          </button>
        </Form>
      ) : null}
    </div>
  )
}

type QuestionRow = { id: string; kind: string; title: string; options: string }

function rowsFromQuestionnaire(q: Questionnaire): QuestionRow[] {
  return [...q.questions.map((x) => ({ id: x.id, kind: x.kind, title: x.title, options: x.kind === 'single' ? x.options.join('\n') : '' })), { id: '', kind: 'likert', title: '', options: '' }]
}

function rowsFromValues(values: Record<string, string | string[]>): QuestionRow[] {
  const col = (k: string) => {
    const v = values[k]
    return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
  }
  const ids = col('questionId')
  return ids.map((id, i) => ({ id, kind: col('questionKind')[i] ?? 'likert', title: col('questionTitle')[i] ?? '', options: col('questionOptions')[i] ?? '' }))
}

function SettingsForm({ result }: { result?: ActionData }) {
  const d = useLoaderData<typeof loader>()
  const busy = useNavigation().state === 'submitting'
  const failed = result && !result.done
  const errors = failed ? result.errors : {}
  const v = (name: string, saved: string) => {
    const typed = failed ? result.values[name] : undefined
    return typeof typed === 'string' ? typed : saved
  }
  const locked = d.survey.status === 'collected'
  const rows = failed ? rowsFromValues(result.values) : rowsFromQuestionnaire(d.questionnaire)
  const disabled = !d.mayManage
  return (
    // The key remounts the form with the saved values after a save, and keeps typed values after a refusal.
    <Form method="post" noValidate className="card stack" aria-label="问卷与设置" key={`${d.survey.version}-${failed ? 'typed' : 'saved'}`}>
      <h2>问卷与设置</h2>
      <FormError error={errors._form} />
      <input type="hidden" name="version" value={d.survey.version} />
      <Field name="title" label="调查名称" error={errors.title}>
        {(p) => <input {...p} type="text" maxLength={MAX_SURVEY_TITLE} defaultValue={v('title', d.survey.title)} disabled={disabled} />}
      </Field>
      <Field name="indicatorCode" label="关联满意度指标" error={errors.indicatorCode} hint="导入答卷后，满意率写入该指标的评价数据，按其计分规则给出建议得分。">
        {(p) => (
          <select {...p} defaultValue={v('indicatorCode', d.survey.indicatorCode ?? '')} disabled={disabled}>
            <option value="">（不关联）</option>
            {d.indicators.map((i) => (
              <option key={i.code} value={i.code}>
                {i.code} {i.name}
                {i.isSurveyRule ? '（满意度规则）' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="population" label="总体数量（可留空）" error={errors.population} hint="调查对象总数，如受益学生总人数；填写后误差范围作有限总体校正。">
        {(p) => <input {...p} type="text" inputMode="numeric" defaultValue={v('population', d.survey.population === null ? '' : String(d.survey.population))} disabled={disabled} />}
      </Field>
      {locked ? (
        // Disabled controls are not submitted: the fixed scale and overall item travel as hidden fields.
        <>
          <input type="hidden" name="scale" value={d.questionnaire.scale} />
          <input type="hidden" name="overall" value={d.questionnaire.overallQuestionId ?? ''} />
        </>
      ) : null}
      {locked ? (
        <p className="muted" data-testid="questionnaire-locked">
          已导入答卷，问卷题目和量表不能再修改（已导入的答案按现有题目记录）。
        </p>
      ) : null}
      <Field name="scale" label="满意度量表" error={errors.scale}>
        {(p) => (
          <select {...p} defaultValue={v('scale', d.questionnaire.scale)} disabled={disabled || locked}>
            {LIKERT_SCALES.map((s) => (
              <option key={s.code} value={s.code}>
                {s.levels.join(' / ')}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="overall" label="总体满意度题" error={errors.overall} hint="选定后以该题计算满意率；不选则合并全部量表题计算。">
        {(p) => (
          <select {...p} defaultValue={v('overall', d.questionnaire.overallQuestionId ?? '')} disabled={disabled || locked}>
            <option value="">（不指定，合并计算）</option>
            {d.questionnaire.questions
              .filter((q) => q.kind === 'likert')
              .map((q) => (
                <option key={q.id} value={q.id}>
                  {q.title}
                </option>
              ))}
          </select>
        )}
      </Field>
      <FormError error={errors._questions} />
      <table className="table compact" data-testid="questions">
        <thead>
          <tr>
            <th>#</th>
            <th>题型</th>
            <th>题目</th>
            <th>选项（单选题，每行一个，最多 {MAX_OPTIONS} 个）</th>
            <th>删除</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <QuestionRowInputs key={i} index={i} row={r} errors={errors} disabled={disabled || locked} scale={d.questionnaire.scale} />
          ))}
        </tbody>
      </table>
      {!locked ? <p className="muted small">最后一行为新题：填写后保存即添加，保存后会再出现一行空白新题。</p> : null}
      {d.mayManage ? (
        <button type="submit" disabled={busy}>
          保存
        </button>
      ) : null}
    </Form>
  )
}

function QuestionRowInputs({ index, row, errors, disabled, scale }: { index: number; row: QuestionRow; errors: Record<string, string>; disabled: boolean; scale: LikertScale }) {
  const err = (field: string) => errors[`${field}.${index}`]
  const message = err('questionTitle') ?? err('questionKind') ?? err('questionOptions') ?? err('questionId')
  return (
    <tr className={message ? 'has-error' : undefined}>
      <td>
        {index + 1}
        <input type="hidden" name="questionId" value={row.id} />
      </td>
      <td>
        <select name="questionKind" aria-label={`第 ${index + 1} 题题型`} defaultValue={row.kind} disabled={disabled} aria-invalid={Boolean(err('questionKind'))}>
          {QUESTION_KINDS.map((k) => (
            <option key={k.code} value={k.code}>
              {k.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input type="text" name="questionTitle" aria-label={`第 ${index + 1} 题题目`} defaultValue={row.title} disabled={disabled} aria-invalid={Boolean(err('questionTitle'))} />
        {message ? (
          <p className="field-error" role="alert">
            {message}
          </p>
        ) : null}
        {row.kind === 'likert' && row.title !== '' ? <p className="muted small">{likertLevels(scale).join(' / ')}</p> : null}
      </td>
      <td>
        <textarea name="questionOptions" aria-label={`第 ${index + 1} 题选项`} rows={2} defaultValue={row.options} disabled={disabled} aria-invalid={Boolean(err('questionOptions'))} />
      </td>
      <td>{row.id !== '' ? <input type="checkbox" name="questionRemove" value={String(index)} aria-label={`删除第 ${index + 1} 题`} disabled={disabled} /> : null}</td>
    </tr>
  )
}
