import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { FRAMEWORK_CATEGORIES, frameworkCategoryLabel } from '~/domain/indicators/framework'
import { can, type Actor } from '~/domain/permissions'
import { listPublishedVersions } from '~/models/framework.server'
import { createFramework, libraryFor, libraryScopeOf } from '~/services/framework.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '指标库 · EvalDesk' }]

const LIBRARY = { type: 'framework', organizationId: null } as const

/** Where a framework created by this actor would live: the platform library for admins, else their agency. */
function ownFrameworks(actor: Actor) {
  return { type: 'framework', organizationId: actor.role === 'system_admin' ? null : actor.organizationId } as const
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requirePermission(request, 'framework.view', LIBRARY)
  const db = getDb()
  const canCreate = can(actor, 'framework.manage', ownFrameworks(actor))
  return {
    frameworks: libraryFor(db, actor) ?? [],
    canCreate,
    published: canCreate ? listPublishedVersions(db, libraryScopeOf({ kind: 'user', actor })) : [],
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requirePermission(request, 'framework.view', LIBRARY)
  if (!can(actor, 'framework.manage', ownFrameworks(actor))) throw forbidden()
  const result = createFramework(getDb(), { kind: 'user', actor }, await request.formData(), now())
  if (!result.ok) {
    if (result.status === 403) throw forbidden()
    return data({ errors: result.errors, values: 'values' in result ? (result.values ?? {}) : {} }, { status: result.status })
  }
  return redirect(`/frameworks/${result.value.frameworkId}/versions/${result.value.versionId}/edit`)
}

export default function FrameworkLibrary() {
  const { frameworks, canCreate, published } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values: Record<string, string | string[] | undefined> = actionData?.values ?? {}
  const v = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '')
  return (
    <section data-testid="framework-library">
      <div className="page-head">
        <h1>指标库</h1>
        <span>
          <a href="/frameworks/template.xlsx" className="button" download>
            下载 Excel 模板
          </a>{' '}
          {canCreate ? (
            <Link to="/frameworks/import" className="button">
              从 Excel 导入
            </Link>
          ) : null}
        </span>
      </div>
      <p className="muted">
        权重性质：<span className="badge ok">官方</span> 为国家文件规定的权重；<span className="badge">惯例</span> 为常用默认值，可按项目调整。已发布的版本不可修改，调整请新建版本。
      </p>
      {FRAMEWORK_CATEGORIES.map((c) => {
        const list = frameworks.filter((f) => f.category === c.code)
        if (list.length === 0) return null
        return (
          <div className="card" key={c.code}>
            <h2>{c.label}</h2>
            <table>
              <thead>
                <tr>
                  <th>名称</th>
                  <th>来源</th>
                  <th>归属</th>
                  <th>最新发布</th>
                  <th>草稿</th>
                </tr>
              </thead>
              <tbody>
                {list.map((f) => (
                  <tr key={f.id}>
                    <td>
                      <Link to={`/frameworks/${f.id}`}>{f.name}</Link>
                      {f.description ? <p className="muted small">{f.description}</p> : null}
                    </td>
                    <td>{f.source}</td>
                    <td>{f.organizationId === null ? <span className="badge ok">平台内置</span> : <span className="badge">本机构</span>}</td>
                    <td>
                      {f.latestPublished ? (
                        <Link to={`/frameworks/${f.id}/versions/${f.latestPublished.id}`}>
                          第 {f.latestPublished.versionNo} 版{f.latestPublished.publishedAt ? `（${formatDateTime(f.latestPublished.publishedAt)}）` : ''}
                        </Link>
                      ) : (
                        <span className="muted">未发布</span>
                      )}
                    </td>
                    <td>{f.draft ? <Link to={`/frameworks/${f.id}/versions/${f.draft.id}`}>第 {f.draft.versionNo} 版草稿</Link> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      })}
      {canCreate ? (
        <div className="card">
          <h2>新建指标体系框架</h2>
          <Form method="post" noValidate className="stack">
            <FormError error={errors._form} />
            <Field name="name" label="框架名称" error={errors.name}>
              {(p) => <input {...p} maxLength={100} defaultValue={v('name')} />}
            </Field>
            <Field name="category" label="类别" error={errors.category}>
              {(p) => (
                <select {...p} defaultValue={v('category')}>
                  <option value="">请选择</option>
                  {FRAMEWORK_CATEGORIES.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="basedOn" label="以已发布版本为基础（可选）" error={errors.basedOn} hint="复制所选版本的全部指标，再按需修改；留空则从空白开始">
              {(p) => (
                <select {...p} defaultValue={v('basedOn')}>
                  <option value="">从空白开始</option>
                  {published.map((pv) => (
                    <option key={pv.id} value={pv.id}>
                      {frameworkCategoryLabel(pv.category)} · {pv.frameworkName} · 第 {pv.versionNo} 版
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="source" label="来源" error={errors.source} hint="如：财预〔2020〕10号；本机构自定">
              {(p) => <input {...p} maxLength={200} defaultValue={v('source')} />}
            </Field>
            <Field name="description" label="说明" error={errors.description}>
              {(p) => <textarea {...p} maxLength={2000} defaultValue={v('description')} />}
            </Field>
            <div>
              <button type="submit" className="primary" disabled={busy}>
                {busy ? '正在创建…' : '创建并编辑草稿'}
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </section>
  )
}
