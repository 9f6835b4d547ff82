// The documented Excel template for importing experts, listing the specialties in use today.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { writeExpertTemplate } from '~/excel/expert-workbook.server'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { specialtyChoices } from '~/services/expert-pool.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'expert.view', { type: 'expert_pool' })
  const labels = specialtyChoices(getDb())
    .filter((s) => s.active)
    .map((s) => s.label)
  return attachment(await writeExpertTemplate(labels), '专家导入模板.xlsx', XLSX_MIME)
}
