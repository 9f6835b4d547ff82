import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { ImportProblems, WorkbookUploadForm } from '~/components/indicator-tree'
import { can, type Actor } from '~/domain/permissions'
import { problemText, readFrameworkWorkbook } from '~/excel/framework-workbook.server'
import { MAX_WORKBOOK_BYTES } from '~/utils/limits'
import { importFramework, importFrameworkVersion } from '~/services/framework.server'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '从 Excel 导入指标体系 · EvalDesk' }]

async function requireCreator(request: Request): Promise<Actor> {
  const { actor } = await requireUser(request)
  const owner = actor.role === 'system_admin' ? null : actor.organizationId
  if (!can(actor, 'framework.manage', { type: 'framework', organizationId: owner })) throw forbidden()
  return actor
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCreator(request)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireCreator(request)
  const upload = await readUpload(request, { field: 'file', maxBytes: MAX_WORKBOOK_BYTES })
  if (!upload.ok) return data({ problems: [upload.message], warnings: [] as string[] }, { status: upload.status, headers: uploadRefusalHeaders(upload.status) })
  const read = await readFrameworkWorkbook(upload.bytes)
  if (!read.ok) return data({ problems: read.problems.map(problemText), warnings: [] as string[] }, { status: 400 })
  const op = { kind: 'user', actor } as const
  // From a framework page: the workbook becomes that framework's next draft version.
  const into = upload.fields.get('frameworkId')
  if (typeof into === 'string' && into !== '') {
    const result = importFrameworkVersion(getDb(), op, into, read.meta, read.tree, now())
    if (!result.ok) return data({ problems: Object.values(result.errors), warnings: [] as string[] }, { status: result.status })
    return redirect(`/frameworks/${into}/versions/${result.value.versionId}`)
  }
  const result = importFramework(getDb(), op, read.meta, read.tree, now())
  if (!result.ok) return data({ problems: Object.values(result.errors), warnings: [] as string[] }, { status: result.status })
  return redirect(`/frameworks/${result.value.frameworkId}/versions/${result.value.versionId}`)
}

export default function ImportFramework() {
  const actionData = useActionData<typeof action>()
  return (
    <section data-testid="framework-import">
      <p>
        <Link to="/frameworks">← 指标库</Link>
      </p>
      <h1>从 Excel 导入指标体系</h1>
      <div className="card">
        <p>
          请使用 <a href="/frameworks/template.xlsx">Excel 导入模板</a>
          填写（“填写说明”工作表列出了各列含义和计分规则参数的写法）。导出的任一框架或评分表也可直接修改后导入。
        </p>
        <p className="muted">任何一行有误时不导入任何内容，并列出全部问题（行号、列名、原因）。导入后成为本机构的草稿，校验通过后即可发布。</p>
        <WorkbookUploadForm label={`选择文件（.xlsx，不超过 ${Math.floor(MAX_WORKBOOK_BYTES / 1024 / 1024)} MB）`} submitLabel="导入" />
      </div>
      <ImportProblems problems={actionData?.problems ?? []} />
    </section>
  )
}
