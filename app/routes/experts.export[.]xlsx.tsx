// Excel export of the expert pool as filtered on the list page, in the layout the import reads.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { writeExpertWorkbook } from '~/excel/expert-workbook.server'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { poolExport, readPoolQuery, specialtyChoices } from '~/services/expert-pool.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requirePermission(request, 'expert.view', { type: 'expert_pool' })
  const db = getDb()
  const experts = poolExport(db, { kind: 'user', actor }, readPoolQuery(new URL(request.url).searchParams)) ?? []
  const labels = specialtyChoices(db)
    .filter((s) => s.active)
    .map((s) => s.label)
  const day = now().toISOString().slice(0, 10)
  return attachment(await writeExpertWorkbook(experts, labels), `专家库-${day}.xlsx`, XLSX_MIME)
}
