// 专家咨询费发放表 for one engagement: the experts who accepted, by title and review days.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { writeFeeWorkbook } from '~/excel/fee-workbook.server'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { engagementForViewer } from '~/services/engagement.server'
import { feeLinesFor } from '~/services/panel.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const lines = feeLinesFor(db, actor, params.id ?? '')
  const e = engagementForViewer(db, actor, params.id ?? '')
  if (!lines || !e) throw notFound()
  const bytes = await writeFeeWorkbook(`${e.name} 专家咨询费发放表`, lines)
  return attachment(bytes, safeFileName(`${e.name}-专家咨询费`, 'xlsx'), XLSX_MIME)
}
