import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { IndicatorEditor, editorRowsFromTree, editorRowsFromValues } from '~/components/indicator-editor'
import { ValidationSummary } from '~/components/indicator-tree'
import { isWeightedCategory, type FrameworkCategory } from '~/domain/indicators/framework'
import { parseEditorForm } from '~/services/indicator-editor.server'
import { mayManage, saveDraftTree, versionForViewer } from '~/services/framework.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `编辑 ${data?.framework.name ?? '指标体系'} · EvalDesk` }]

function draftView(request: Request, params: { frameworkId?: string; versionId?: string }) {
  return requireUser(request).then(({ actor }) => {
    const op = { kind: 'user', actor } as const
    const view = versionForViewer(getDb(), op, params.frameworkId ?? '', params.versionId ?? '')
    if (!view) throw notFound()
    if (!mayManage(op, view.framework)) throw forbidden()
    return { op, view }
  })
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { view } = await draftView(request, params)
  return {
    framework: { id: view.framework.id, name: view.framework.name, category: view.framework.category },
    version: { id: view.version.id, versionNo: view.version.versionNo, status: view.version.status, version: view.version.version },
    tree: view.tree,
    issues: view.issues,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { op, view } = await draftView(request, params)
  const weighted = isWeightedCategory(view.framework.category as FrameworkCategory)
  const parsed = parseEditorForm(await request.formData(), weighted)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = saveDraftTree(getDb(), op, { frameworkId: view.framework.id, versionId: view.version.id }, parsed.tree, parsed.version, now())
  if (!result.ok) return data({ errors: result.errors, values: parsed.values }, { status: result.status })
  return { saved: true as const }
}

export default function FrameworkVersionEdit() {
  const { framework: f, version: v, tree, issues } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const refused = actionData && 'errors' in actionData ? actionData : undefined
  if (v.status !== 'draft')
    return (
      <section>
        <p className="notice">该版本已发布，不能再修改。</p>
        <Link to={`/frameworks/${f.id}/versions/${v.id}`}>查看该版本</Link>
      </section>
    )
  return (
    <section data-testid="framework-edit">
      <p>
        <Link to={`/frameworks/${f.id}/versions/${v.id}`}>← 返回第 {v.versionNo} 版</Link>
      </p>
      <h1>
        编辑 {f.name} · 第 {v.versionNo} 版草稿
      </h1>
      {actionData && 'saved' in actionData ? (
        <p className="notice" role="status">
          已保存。
        </p>
      ) : null}
      <ValidationSummary issues={issues} />
      <IndicatorEditor
        key={v.version}
        rows={refused ? editorRowsFromValues(refused.values) : editorRowsFromTree(tree)}
        version={v.version}
        weighted={isWeightedCategory(f.category as FrameworkCategory)}
        errors={refused?.errors ?? {}}
        issues={refused ? [] : issues}
      />
    </section>
  )
}
