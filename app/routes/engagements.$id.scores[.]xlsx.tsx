// 评分明细表 download for the lead: the same consolidation as the page, experts as 专家A/B/C.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { AGGREGATION_RULES, type AggregationRule } from '~/domain/scoring/aggregate'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { writeScoreMatrix } from '~/excel/score-matrix.server'
import { consolidationPage, matrixReasons } from '~/services/scoring.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const raw = new URL(request.url).searchParams.get('rule')
  const rule = AGGREGATION_RULES.some((r) => r.code === raw) ? (raw as AggregationRule) : undefined
  const db = getDb()
  const page = consolidationPage(db, actor, params.id ?? '', rule)
  if (!page || !page.round || !('consolidation' in page) || !page.consolidation) throw notFound()
  const experts = page.experts.map((x) => x.key)
  const bytes = await writeScoreMatrix(`${page.engagement.name} 评分明细表`, experts, page.consolidation, matrixReasons(db, page.engagement.id, page.experts))
  return attachment(bytes, safeFileName(`${page.engagement.name}-评分明细`, 'xlsx'), XLSX_MIME)
}
