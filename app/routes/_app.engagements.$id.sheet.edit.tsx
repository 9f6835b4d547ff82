import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireSheetEditor } from '~/auth/require-sheet.server'
import { forbidden } from '~/auth/require.server'
import { now } from '~/clock.server'
import { IndicatorEditor, editorRowsFromTree, editorRowsFromValues } from '~/components/indicator-editor'
import { ValidationSummary } from '~/components/indicator-tree'
import { parseEditorForm } from '~/services/indicator-editor.server'
import { saveSheetTree } from '~/services/sheet.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `编辑评分表 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { page } = await requireSheetEditor(request, params.id)
  const c = page.current
  return {
    engagement: { id: page.engagement.id, name: page.engagement.name },
    sheet: c ? { versionNo: c.row.versionNo, status: c.row.status, version: c.row.version, tree: c.tree, issues: c.issues } : null,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, page } = await requireSheetEditor(request, params.id)
  const parsed = parseEditorForm(await request.formData(), true)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const result = saveSheetTree(getDb(), actor, page.engagement.id, parsed.tree, parsed.version, now())
  if (!result.ok) {
    if (result.status === 403) throw forbidden()
    return data({ errors: result.errors, values: parsed.values }, { status: result.status })
  }
  return { saved: true as const }
}

export default function SheetEdit() {
  const { engagement: e, sheet } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const refused = actionData && 'errors' in actionData ? actionData : undefined
  return (
    <section data-testid="sheet-edit">
      <p>
        <Link to={`/engagements/${e.id}/sheet`}>← 返回评分表</Link>
      </p>
      <h1>编辑评分表 · {e.name}</h1>
      {!sheet ? (
        <p className="muted">尚未建立评分表，请先在评分表页选择框架。</p>
      ) : sheet.status !== 'draft' ? (
        <p className="notice">第 {sheet.versionNo} 版已冻结。修改须在评分表页新建版本并说明原因。</p>
      ) : (
        <>
          <p className="muted">第 {sheet.versionNo} 版草稿。下级指标权重之和须等于上级权重，一级指标合计 100 分。</p>
          {actionData && 'saved' in actionData ? (
            <p className="notice" role="status">
              已保存。
            </p>
          ) : null}
          <ValidationSummary issues={sheet.issues} />
          <IndicatorEditor
            key={sheet.version}
            rows={refused ? editorRowsFromValues(refused.values) : editorRowsFromTree(sheet.tree)}
            version={sheet.version}
            weighted
            errors={refused?.errors ?? {}}
            issues={refused ? [] : sheet.issues}
          />
        </>
      )}
    </section>
  )
}
