// The documented Excel template for importing a framework.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { requirePermission } from '~/auth/require.server'
import { writeTemplateWorkbook, XLSX_MIME } from '~/excel/framework-workbook.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'framework.view', { type: 'framework', organizationId: null })
  return attachment(await writeTemplateWorkbook(), '指标体系导入模板.xlsx', XLSX_MIME)
}
