import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import type { ShouldRevalidateFunction } from '@remix-run/react'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { describeRule } from '~/domain/indicators/rule-spec'
import type { IndicatorNode } from '~/domain/indicators/tree'
import { isOwnSeat } from '~/services/seat-access.server'
import { expertScoringPage, justifyScore, saveScore, submitScores } from '~/services/scoring.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '在线评分 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const page = expertScoringPage(getDb(), actor, params.seatId ?? '', now())
  if (!page) throw notFound()
  return page
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  if (!isOwnSeat(getDb(), actor, params.seatId ?? '')) throw notFound()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  if (intent === 'save') {
    const result = saveScore(getDb(), actor, params.seatId ?? '', fd, now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return data({ intent, errors: result.errors as Record<string, string>, saved: null }, { status: result.status })
    }
    return { intent, errors: {} as Record<string, string>, saved: result.value }
  }
  if (intent === 'justify') {
    const result = justifyScore(getDb(), actor, params.seatId ?? '', fd, now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return data({ intent, errors: result.errors as Record<string, string>, saved: null }, { status: result.status })
    }
    return { intent, errors: {} as Record<string, string>, saved: null }
  }
  if (intent === 'submit') {
    const result = submitScores(getDb(), actor, params.seatId ?? '', now())
    if (!result.ok) {
      if (result.status === 404) throw notFound()
      return data({ intent, errors: result.errors as Record<string, string>, saved: null }, { status: result.status })
    }
    throw redirect(`/expert/seats/${params.seatId}/score`)
  }
  return data({ intent, errors: { _form: '不支持此操作' } as Record<string, string>, saved: null }, { status: 400 })
}

/**
 * An autosave changes one indicator, and its own card already shows the saved version: reloading
 * the whole sheet after every save would double the requests of a panel scoring at once. Rescores,
 * justifications and submits do reload (the panel's scores and the requests change).
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, actionResult, defaultShouldRevalidate }) => {
  const saved = (actionResult as { saved?: unknown } | undefined)?.saved
  if (formData?.get('intent') === 'save' && formData.get('rescoreReason') === null && saved) return false
  return defaultShouldRevalidate
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>
type Item = Page['items'][number]
type Request = Page['requests'][number]

const REQUEST_STATUS: Record<Request['status'], string> = { open: '待答复', justified: '已说明理由', rescored: '已重评', lapsed: '未答复（讨论已结束）' }

export default function ScoringPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  // Saves that did not reload the page count too (see shouldRevalidate).
  const [savedCodes, setSavedCodes] = useState<ReadonlySet<string>>(new Set())
  const onSaved = useCallback((code: string) => setSavedCodes((prev) => (prev.has(code) ? prev : new Set([...prev, code]))), [])
  const scored = d.items.filter((i) => i.entry || savedCodes.has(i.node.code)).length
  const rescoring = d.mayRescore
  const locked = !rescoring && (d.submittedAt !== null || d.round.phase !== 'scoring' || d.round.deadline === 'closed')
  const submitErrors = actionData?.intent === 'submit' ? actionData.errors : {}
  return (
    <section data-testid="scoring-page" className="scoring">
      <p>
        <Link to="/expert">← 我的评审邀请</Link>
      </p>
      <h1>在线评分</h1>
      <p className="muted">
        评分表第 {d.sheetVersionNo} 版 · 已评 <strong data-testid="progress">{scored}</strong> / {d.items.length} 项，还剩 {d.items.length - scored} 项
      </p>
      {d.round.softDeadline ? (
        <p className={d.round.deadline === 'open' ? 'muted' : 'warning'}>
          建议完成时间 {formatDateTime(d.round.softDeadline)}
          {d.round.deadline === 'soft_passed' ? '（已超过，仍可提交，将记为逾期提交）' : ''}
        </p>
      ) : null}
      {d.round.hardDeadline ? <p className={d.round.deadline === 'closed' ? 'form-error' : 'muted'}>截止时间 {formatDateTime(d.round.hardDeadline)}{d.round.deadline === 'closed' ? '：评分已关闭' : ''}</p> : null}
      {rescoring ? (
        <p className="notice" role="status" data-testid="rescoring">
          讨论阶段：如需调整某项得分，请填写重评理由后点“保存重评”，每次重评都会留下记录。
        </p>
      ) : d.submittedAt ? (
        <p className="notice" role="status" data-testid="submitted">
          已于 {formatDateTime(d.submittedAt)} 提交，评分表已锁定。
        </p>
      ) : (
        <p className="muted small">
          每项得分在离开输入框时自动保存；未得满分须填写扣分理由。提交前看不到其他专家的评分。
          {!locked ? (
            <>
              {' '}
              也可以<Link to={`/expert/seats/${d.seatId}/offline`}>下载 Excel 离线评分后上传</Link>。
            </>
          ) : null}
        </p>
      )}
      {d.requests.some((r) => r.status === 'open') ? (
        <p className="warning" role="status" data-testid="open-requests">
          项目负责人请您对 {d.requests.filter((r) => r.status === 'open').length} 项评分说明理由或重评，见下方标注的指标。
        </p>
      ) : null}
      {d.panelView ? (
        <p className="notice" data-testid="panel-view">
          讨论阶段：下方显示专家组每位专家的评分（其他专家以代号显示，您是{d.panelView.self}）。当前汇总 {d.panelView.total / 100} 分，等级“{d.panelView.grade}”。
        </p>
      ) : null}
      {d.items.map((item) => (
        <div key={item.node.code}>
          <ScoreItem item={item} seatId={d.seatId} step={d.round.step} locked={locked} rescoring={rescoring} submitError={submitErrors[`score.${item.node.code}`]} panel={d.panelView} onSaved={onSaved} />
          {d.requests
            .filter((r) => r.code === item.node.code)
            .map((r) => (
              <RequestCard key={r.id} request={r} />
            ))}
        </div>
      ))}
      {!locked && !rescoring ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="submit" />
          <FormError error={submitErrors._form} />
          <button type="submit" className="primary" disabled={busy}>
            提交评分（提交后不能修改）
          </button>
        </Form>
      ) : null}
    </section>
  )
}

function RequestCard({ request }: { request: Request }) {
  const fetcher = useFetcher<typeof action>()
  const error = fetcher.data?.errors?.[`response.${request.id}`] ?? fetcher.data?.errors?._form
  return (
    <div className={`card request-card${request.status === 'open' ? ' has-error' : ''}`} data-request-code={request.code}>
      <p>
        <strong>项目负责人请您说明或重评：</strong>
        {request.message} <span className="muted small">（{formatDateTime(request.requestedAt)}，{REQUEST_STATUS[request.status]}）</span>
      </p>
      {request.response ? <p className="small">您的答复：{request.response}</p> : null}
      {request.status === 'open' ? (
        <fetcher.Form method="post" className="stack">
          <input type="hidden" name="intent" value="justify" />
          <input type="hidden" name="requestId" value={request.id} />
          <label>
            维持原评分的理由（如需改分，请在上方填写重评理由并保存重评）
            <textarea name="response" rows={2} maxLength={2000} aria-invalid={Boolean(error)} />
          </label>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <div>
            <button type="submit" disabled={fetcher.state !== 'idle'}>
              提交说明（维持评分）
            </button>
          </div>
        </fetcher.Form>
      ) : null}
    </div>
  )
}

function ScoreItem({ item, seatId, step, locked, rescoring, submitError, panel, onSaved }: { item: Item; seatId: string; step: number; locked: boolean; rescoring: boolean; submitError?: string; panel: Page['panelView']; onSaved: (code: string) => void }) {
  const fetcher = useFetcher<typeof action>()
  const formRef = useRef<HTMLFormElement>(null)
  const node = item.node as IndicatorNode
  const saved = fetcher.data?.saved && fetcher.data.saved.code === node.code ? fetcher.data.saved : null
  useEffect(() => {
    if (saved) onSaved(saved.code)
  }, [saved, onSaved])
  const error = fetcher.data?.errors?.[`score.${node.code}`] ?? fetcher.data?.errors?.[`rescoreReason.${node.code}`] ?? fetcher.data?.errors?._form ?? submitError
  // The version this page last saw: from the loader, or from this item's own latest save.
  const seen = Math.max(saved?.versionNo ?? 0, item.entry?.versionNo ?? 0)
  const [score, setScore] = useState(item.entry ? String(item.entry.score / 100) : '')
  const belowFull = score !== '' && Number(score) < node.weight / 100
  // One save in flight per indicator: a blur while saving queues one more save, sent with the
  // version the first one returns, so two quick saves never race each other into a 409.
  const pending = useRef(false)
  const autosave = () => {
    // A rescore is deliberate: it is saved by its button, with its reason, never on blur.
    if (locked || rescoring || !formRef.current || score === '') return
    if (fetcher.state !== 'idle') pending.current = true
    else fetcher.submit(formRef.current)
  }
  useEffect(() => {
    if (fetcher.state === 'idle' && pending.current && formRef.current) {
      pending.current = false
      fetcher.submit(formRef.current)
    }
  }, [fetcher, fetcher.state])
  return (
    <fetcher.Form method="post" ref={formRef} className={`card score-item${error ? ' has-error' : ''}`} data-code={node.code} onBlur={autosave}>
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="code" value={node.code} />
      <input type="hidden" name="seen" value={seen} />
      <p className="muted small">{item.path}</p>
      <h2>
        {node.code} {node.name} <span className="muted">（{node.weight / 100} 分）</span>
      </h2>
      {node.explanation ? <p>{node.explanation}</p> : null}
      {node.points.length > 0 ? (
        <ol className="points">
          {node.points.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ol>
      ) : null}
      {node.rule ? <p className="small">评分标准：{node.ruleText || describeRule(node.rule, node.weight, node.direction)}</p> : null}
      {item.data ? (
        <div className="indicator-data small" data-testid="indicator-data">
          <strong>评价数据</strong>（评价机构提供，{formatDateTime(item.data.updatedAt)}）
          {item.data.inputs.length > 0 ? (
            <ul>
              {item.data.inputs.map((x, i) => (
                <li key={i}>
                  {x.label}：{x.value}
                </li>
              ))}
            </ul>
          ) : null}
          {item.data.note ? <p className="pre">{item.data.note}</p> : null}
        </div>
      ) : null}
      {item.papers.length > 0 ? (
        <div className="small" data-testid="indicator-papers">
          <strong>工作底稿</strong>
          <ul>
            {item.papers.map((p) => {
              const latest = p.versions.at(-1)
              return (
                <li key={p.id}>
                  {latest ? (
                    <a href={`/expert/seats/${seatId}/papers/${latest.id}`} download>
                      {p.title}
                    </a>
                  ) : (
                    p.title
                  )}
                  {latest ? <span className="muted">{`（第 ${latest.versionNo} 版，${latest.name}，${formatDateTime(latest.uploadedAt)}）`}</span> : null}
                  {p.note ? <span className="muted"> {p.note}</span> : null}
                </li>
              )
            })}
          </ul>
        </div>
      ) : null}
      {item.suggestion ? (
        <p className="small" data-testid="suggestion">
          {item.suggestion.ok ? `按评分标准建议得分 ${item.suggestion.score / 100} 分：${item.suggestion.reasoning}` : `无法给出建议得分：${item.suggestion.message}`}
        </p>
      ) : null}
      {item.hint ? <p className="muted small">{item.hint}</p> : null}
      {panel?.byCode[node.code] ? (
        <p className={`small${panel.flagged.includes(node.code) ? ' warning' : ''}`} data-testid="panel-scores">
          专家组评分：
          {panel.experts.map((k) => `${k}${k === panel.self ? '（本人）' : ''} ${(panel.byCode[node.code]!.scores[k] ?? 0) / 100}`).join('，')}；汇总 {panel.byCode[node.code]!.aggregated / 100}
          {panel.flagged.includes(node.code) ? '（分歧较大）' : ''}
        </p>
      ) : null}
      <div className="score-fields">
        <label>
          得分（0–{node.weight / 100}，步长 {step / 100}）
          <input name="score" inputMode="decimal" value={score} onChange={(e) => setScore(e.currentTarget.value)} disabled={locked} aria-invalid={Boolean(error)} />
        </label>
        <label className="grow">
          扣分理由{belowFull ? '（必填）' : ''}
          <textarea name="reason" rows={2} defaultValue={item.entry?.reason ?? ''} disabled={locked} maxLength={2000} />
        </label>
        {rescoring ? (
          <label className="grow">
            重评理由（必填）
            <textarea name="rescoreReason" rows={2} maxLength={2000} />
          </label>
        ) : null}
        <label className="grow">
          备注（可选）
          <textarea name="comment" rows={1} defaultValue={item.entry?.comment ?? ''} disabled={locked} maxLength={2000} />
        </label>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {!locked ? (
        <p className="small muted">
          {fetcher.state !== 'idle' ? '正在保存…' : saved ? `已保存（第 ${saved.versionNo} 版）` : item.entry ? `已保存（第 ${item.entry.versionNo} 版）` : '未评分'}{' '}
          <button type="submit" className="link" disabled={fetcher.state !== 'idle'}>
            {rescoring ? '保存重评' : '保存'}
          </button>
        </p>
      ) : null}
    </fetcher.Form>
  )
}
