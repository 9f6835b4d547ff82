import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireSheetEditor } from '~/auth/require-sheet.server'
import { now } from '~/clock.server'
import { ImportProblems, WorkbookUploadForm } from '~/components/indicator-tree'
import { MAX_WORKBOOK_BYTES, problemText, readFrameworkWorkbook } from '~/excel/framework-workbook.server'
import { saveSheetTree } from '~/services/sheet.server'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '从 Excel 导入评分表 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { page } = await requireSheetEditor(request, params.id)
  return { engagement: { id: page.engagement.id, name: page.engagement.name }, draft: page.current?.row.status === 'draft', version: page.current?.row.version ?? 0 }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, page } = await requireSheetEditor(request, params.id)
  const upload = await readUpload(request, { field: 'file', maxBytes: MAX_WORKBOOK_BYTES })
  if (!upload.ok) return data({ problems: [upload.message] }, { status: upload.status, headers: uploadRefusalHeaders(upload.status) })
  const version = Number(upload.fields.get('version'))
  const read = await readFrameworkWorkbook(upload.bytes)
  if (!read.ok) return data({ problems: read.problems.map(problemText) }, { status: 400 })
  if (!page.current) return data({ problems: ['尚未建立评分表，请先在评分表页选择框架'] }, { status: 409 })
  const result = saveSheetTree(getDb(), actor, page.engagement.id, { ...read.tree, weighted: true }, Number.isSafeInteger(version) ? version : -1, now(), 'sheet.import')
  if (!result.ok) return data({ problems: Object.values(result.errors) }, { status: result.status })
  return redirect(`/engagements/${page.engagement.id}/sheet`)
}

export default function SheetImport() {
  const { engagement: e, draft, version } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <section data-testid="sheet-import">
      <p>
        <Link to={`/engagements/${e.id}/sheet`}>← 返回评分表</Link>
      </p>
      <h1>从 Excel 导入评分表</h1>
      {!draft ? (
        <p className="notice">只能导入到评分表草稿。已冻结的评分表须先新建版本。</p>
      ) : (
        <div className="card">
          <p>
            导入的指标将整体替换当前草稿（可先“导出 Excel”，修改后再导入）。格式同 <a href="/frameworks/template.xlsx">Excel 导入模板</a>。任何一行有误时不做任何修改。
          </p>
          <WorkbookUploadForm label="选择文件（.xlsx）" submitLabel="导入并替换草稿" hidden={{ version }} />
        </div>
      )}
      <ImportProblems problems={actionData?.problems ?? []} />
    </section>
  )
}

