// 离线评分表 download: the seat's own expert only (expertScoringPage decides; anyone else gets 404).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { writeScoreSheetWorkbook } from '~/excel/score-sheet-workbook.server'
import { expertSeatPage } from '~/services/panel.server'
import { expertScoringPage } from '~/services/scoring.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const db = getDb()
  const seatId = params.seatId ?? ''
  const page = expertScoringPage(db, actor, seatId, now())
  if (!page) throw notFound()
  const engagementName = expertSeatPage(db, actor, seatId)?.engagement?.name ?? '评分表'
  const bytes = await writeScoreSheetWorkbook(page)
  return attachment(bytes, safeFileName(`${engagementName}-离线评分表-第${page.sheetVersionNo}版`, 'xlsx'), XLSX_MIME)
}
