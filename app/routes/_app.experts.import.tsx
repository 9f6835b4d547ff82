import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { ImportProblems, WorkbookUploadForm } from '~/components/indicator-tree'
import { readExpertWorkbook } from '~/excel/expert-workbook.server'
import { problemText } from '~/excel/framework-workbook.server'
import { MAX_WORKBOOK_BYTES } from '~/utils/limits'
import { importExperts } from '~/services/expert-pool.server'
import { readUpload, uploadRefusalHeaders } from '~/utils/upload.server'

// A refused upload's headers (Connection: close after a 413) must reach the document response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders

export const meta: MetaFunction = () => [{ title: '从 Excel 导入专家 · EvalDesk' }]

const POOL = { type: 'expert_pool' } as const

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'expert.manage', POOL)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requirePermission(request, 'expert.manage', POOL)
  const upload = await readUpload(request, { field: 'file', maxBytes: MAX_WORKBOOK_BYTES })
  if (!upload.ok) return data({ problems: [upload.message], imported: 0 }, { status: upload.status, headers: uploadRefusalHeaders(upload.status) })
  const read = await readExpertWorkbook(upload.bytes)
  if (!read.ok) return data({ problems: read.problems.map(problemText), imported: 0 }, { status: 400 })
  const result = importExperts(getDb(), { kind: 'user', actor }, read.rows, now())
  if (!result.ok) return data({ problems: result.problems.map(problemText), imported: 0 }, { status: result.status })
  return { problems: [] as string[], imported: result.value.ids.length }
}

export default function ImportExperts() {
  const actionData = useActionData<typeof action>()
  return (
    <section data-testid="expert-import">
      <p>
        <Link to="/experts">← 专家库</Link>
      </p>
      <h1>从 Excel 导入专家</h1>
      {actionData && actionData.imported > 0 ? (
        <p className="notice" role="status">
          {`已导入 ${actionData.imported} 位专家。`}
          <Link to="/experts">返回专家库</Link>
        </p>
      ) : null}
      <div className="card">
        <p>
          请使用 <a href="/experts/template.xlsx">专家导入模板</a>
          填写，每行一位专家（“填写说明”工作表列出了各列写法和可选的专业领域）。导出的专家名单也可修改后作为新专家导入。
        </p>
        <p className="muted">任何一行有误时不导入任何专家，并列出全部问题（行号、列名、原因）。姓名相同且电话或邮箱相同的视为已在库，不会重复导入。</p>
        <WorkbookUploadForm label={`选择文件（.xlsx，不超过 ${Math.floor(MAX_WORKBOOK_BYTES / 1024 / 1024)} MB）`} submitLabel="导入" />
      </div>
      <ImportProblems problems={actionData?.problems ?? []} />
    </section>
  )
}
