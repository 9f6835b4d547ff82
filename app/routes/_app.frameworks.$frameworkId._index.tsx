import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { VersionSelect, WorkbookUploadForm } from '~/components/indicator-tree'
import { frameworkCategoryLabel } from '~/domain/indicators/framework'
import { can } from '~/domain/permissions'
import { createFramework, frameworkPage, startNewVersion } from '~/services/framework.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.framework.name ?? '指标体系'} · 指标库 · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = frameworkPage(getDb(), { kind: 'user', actor }, params.frameworkId ?? '')
  if (!page) throw notFound()
  const ownAgency = actor.role === 'agency_admin' || actor.role === 'evaluator' ? actor.organizationId : null
  return {
    framework: { ...page.framework, categoryLabel: frameworkCategoryLabel(page.framework.category) },
    versions: page.versions,
    mayManage: page.mayManage,
    // Agency staff may copy any framework they can read into their own agency's library.
    mayCopy: ownAgency !== null && can(actor, 'framework.manage', { type: 'framework', organizationId: ownAgency }),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const op = { kind: 'user', actor } as const
  const page = frameworkPage(db, op, params.frameworkId ?? '')
  if (!page) throw notFound()
  const fd = await request.formData()
  const intent = fd.get('intent')
  if (intent === 'new-version') {
    const result = startNewVersion(db, op, page.framework.id, String(fd.get('from') ?? ''), now())
    if (!result.ok) {
      if (result.status === 403) throw forbidden()
      return data({ errors: result.errors }, { status: result.status })
    }
    return redirect(`/frameworks/${page.framework.id}/versions/${result.value.versionId}/edit`)
  }
  if (intent === 'copy') {
    fd.set('category', page.framework.category)
    fd.set('source', page.framework.source)
    fd.set('description', page.framework.description)
    const result = createFramework(db, op, fd, now())
    if (!result.ok) {
      if (result.status === 403) throw forbidden()
      return data({ errors: result.errors }, { status: result.status })
    }
    return redirect(`/frameworks/${result.value.frameworkId}/versions/${result.value.versionId}/edit`)
  }
  return data({ errors: { _form: '不支持此操作' } as Record<string, string> }, { status: 400 })
}

const STATUS = { draft: '草稿', published: '已发布' } as const

export default function FrameworkDetail() {
  const { framework: f, versions, mayManage, mayCopy } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const busy = useNavigation().state === 'submitting'
  const published = versions.filter((v) => v.status === 'published')
  const hasDraft = versions.some((v) => v.status === 'draft')
  return (
    <section data-testid="framework-detail">
      <p>
        <Link to="/frameworks">← 指标库</Link>
      </p>
      <h1>{f.name}</h1>
      <dl className="facts card">
        <dt>类别</dt>
        <dd>{f.categoryLabel}</dd>
        <dt>来源</dt>
        <dd>{f.source || <span className="muted">未填写</span>}</dd>
        <dt>归属</dt>
        <dd>{f.organizationId === null ? '平台内置' : '本机构'}</dd>
        <dt>说明</dt>
        <dd>{f.description || <span className="muted">无</span>}</dd>
      </dl>
      <FormError error={errors._form} />
      <div className="card">
        <h2>版本</h2>
        <table>
          <thead>
            <tr>
              <th>版本</th>
              <th>状态</th>
              <th>版本说明</th>
              <th>创建</th>
              <th>发布时间</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/frameworks/${f.id}/versions/${v.id}`}>第 {v.versionNo} 版</Link>
                </td>
                <td>
                  <span className={v.status === 'published' ? 'badge ok' : 'badge'}>{STATUS[v.status]}</span>
                </td>
                <td>{v.changeNote}</td>
                <td>
                  {v.createdByName ?? '系统'} · {formatDateTime(v.createdAt)}
                </td>
                <td>{v.publishedAt ? formatDateTime(v.publishedAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {mayManage && !hasDraft && versions.length > 0 ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="new-version" />
            <label>
              以 <VersionSelect name="from" versions={versions} defaultValue={versions[0]?.id} /> 为基础
            </label>{' '}
            <button type="submit" disabled={busy}>
              新建版本
            </button>
          </Form>
        ) : null}
      </div>
      {mayManage && !hasDraft ? (
        <div className="card">
          <h2>从 Excel 导入为新版本</h2>
          <p className="muted small">导出某一版本、在 Excel 中修改后导入，成为第 {versions.length + 1} 版草稿；可与旧版本比较后再发布。</p>
          <WorkbookUploadForm label="选择文件（.xlsx）" submitLabel="导入为新版本" action="/frameworks/import" hidden={{ frameworkId: f.id }} />
        </div>
      ) : null}
      {versions.length >= 2 ? (
        <div className="card">
          <h2>版本比较</h2>
          <Form method="get" action={`/frameworks/${f.id}/compare`} className="inline-form">
            <VersionSelect label="从" name="from" versions={versions} defaultValue={versions[1]?.id} />{' '}
            <VersionSelect label="到" name="to" versions={versions} defaultValue={versions[0]?.id} />{' '}
            <button type="submit">比较</button>
          </Form>
        </div>
      ) : null}
      {mayCopy && published.length > 0 ? (
        <div className="card">
          <h2>复制为本机构框架</h2>
          <p className="muted">平台内置框架由平台维护。需要调整时，复制为本机构的框架，再编辑、发布。</p>
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="copy" />
            <Field name="basedOn" label="复制版本" error={errors.basedOn}>
              {(p) => (
                <select {...p} defaultValue={published[0]?.id}>
                  {published.map((v) => (
                    <option key={v.id} value={v.id}>
                      第 {v.versionNo} 版
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="name" label="新框架名称" error={errors.name}>
              {(p) => <input {...p} maxLength={100} defaultValue={`${f.name}（本机构）`} />}
            </Field>
            <div>
              <button type="submit" disabled={busy}>
                复制并编辑
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </section>
  )
}
