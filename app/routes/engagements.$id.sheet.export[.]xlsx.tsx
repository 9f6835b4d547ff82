// Excel export of an engagement's scoring sheet (current version, or ?version=N), in the import template.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { writeFrameworkWorkbook, XLSX_MIME } from '~/excel/framework-workbook.server'
import { sheetVersionForViewer } from '~/services/sheet.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const raw = new URL(request.url).searchParams.get('version')
  const versionNo = raw !== null && /^\d{1,6}$/.test(raw) ? Number(raw) : null
  if (raw !== null && versionNo === null) throw notFound()
  const found = sheetVersionForViewer(getDb(), actor, params.id ?? '', versionNo)
  if (!found) throw notFound()
  const { engagement, view } = found
  const bytes = await writeFrameworkWorkbook(
    { name: `${engagement.name} 评分表`, category: 'other', source: `评价项目评分表 第 ${view.row.versionNo} 版`, description: view.row.reason },
    view.tree,
  )
  return attachment(bytes, safeFileName(`${engagement.name}-评分表-第${view.row.versionNo}版`, 'xlsx'), XLSX_MIME)
}
