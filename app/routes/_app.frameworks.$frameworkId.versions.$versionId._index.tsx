import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { IndicatorTreeTable, ValidationSummary } from '~/components/indicator-tree'
import { frameworkCategoryLabel } from '~/domain/indicators/framework'
import type { ValidationIssue } from '~/domain/indicators/validate'
import { RuleTrialPanel } from '~/components/rule-trial'
import { ruleTrial } from '~/services/rule-trial.server'
import { discardDraft, mayManage, publishDraft, versionForViewer } from '~/services/framework.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.framework.name ?? '指标体系'} 第 ${data?.version.versionNo ?? ''} 版 · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const op = { kind: 'user', actor } as const
  const view = versionForViewer(getDb(), op, params.frameworkId ?? '', params.versionId ?? '')
  if (!view) throw notFound()
  const { treeJson: _json, ...version } = view.version
  return {
    framework: { ...view.framework, categoryLabel: frameworkCategoryLabel(view.framework.category) },
    version,
    tree: view.tree,
    issues: view.issues,
    mayManage: mayManage(op, view.framework),
    trial: ruleTrial(view.tree, new URL(request.url).searchParams),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const op = { kind: 'user', actor } as const
  const ids = { frameworkId: params.frameworkId ?? '', versionId: params.versionId ?? '' }
  const view = versionForViewer(db, op, ids.frameworkId, ids.versionId)
  if (!view) throw notFound()
  if (!mayManage(op, view.framework)) throw forbidden()
  const fd = await request.formData()
  const intent = fd.get('intent')
  if (intent === 'publish') {
    const result = publishDraft(db, op, ids, fd, now())
    if (!result.ok) return data({ errors: result.errors, issues: 'issues' in result ? (result.issues ?? []) : [] }, { status: result.status })
    return redirect(`/frameworks/${ids.frameworkId}/versions/${ids.versionId}`)
  }
  if (intent === 'discard') {
    const result = discardDraft(db, op, ids, now())
    if (!result.ok) return data({ errors: result.errors, issues: [] as ValidationIssue[] }, { status: result.status })
    return redirect(`/frameworks/${ids.frameworkId}`)
  }
  return data({ errors: { _form: '不支持此操作' } as Record<string, string>, issues: [] as ValidationIssue[] }, { status: 400 })
}

export default function FrameworkVersionPage() {
  const { framework: f, version: v, tree, issues, mayManage, trial } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const busy = useNavigation().state === 'submitting'
  const draft = v.status === 'draft'
  return (
    <section data-testid="framework-version">
      <p>
        <Link to={`/frameworks/${f.id}`}>← {f.name}</Link>
      </p>
      <div className="page-head">
        <h1>
          {f.name} · 第 {v.versionNo} 版 <span className={draft ? 'badge' : 'badge ok'}>{draft ? '草稿' : '已发布'}</span>
        </h1>
        <span>
          <a className="button" href={`/frameworks/${f.id}/versions/${v.id}/export.xlsx`} download>
            导出 Excel
          </a>{' '}
          {draft && mayManage ? (
            <Link className="button primary" to="edit">
              编辑草稿
            </Link>
          ) : null}
        </span>
      </div>
      <p className="muted">
        {f.categoryLabel} · 来源：{f.source || '未填写'}
        {v.publishedAt ? ` · 发布于 ${formatDateTime(v.publishedAt)}` : ''}
        {v.changeNote ? ` · ${v.changeNote}` : ''}
      </p>
      {!draft ? <p className="muted">已发布的版本不可修改；需要调整时，在框架页新建版本。</p> : null}
      <ValidationSummary issues={issues} />
      {draft && mayManage ? (
        <div className="card">
          <h2>发布</h2>
          <p className="muted">发布后本版本冻结，可用于建立评分表；校验有错误时不能发布。</p>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="publish" />
            <input type="hidden" name="version" value={v.version} />
            <FormError error={errors._form} />
            <Field name="changeNote" label="版本说明" error={errors.changeNote}>
              {(p) => <input {...p} maxLength={1000} placeholder="如：调整产出指标权重" />}
            </Field>
            <div>
              <button type="submit" className="primary" name="intent" value="publish" disabled={busy}>
                发布本版本
              </button>{' '}
              <button type="submit" name="intent" value="discard" className="danger" disabled={busy}>
                删除草稿
              </button>
            </div>
          </Form>
        </div>
      ) : null}
      <IndicatorTreeTable tree={tree} issues={issues} />
      <RuleTrialPanel trial={trial} />
    </section>
  )
}
