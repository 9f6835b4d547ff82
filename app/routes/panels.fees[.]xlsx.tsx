// 专家咨询费月度发放表: every panel of the agency that reviewed in ?month=YYYY-MM.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { writeFeeWorkbook } from '~/excel/fee-workbook.server'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { monthlyFeeLines } from '~/services/panel.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  if (actor.role !== 'agency_admin' && actor.role !== 'evaluator') throw forbidden()
  const month = new URL(request.url).searchParams.get('month') ?? ''
  const lines = monthlyFeeLines(getDb(), actor, month)
  if (!lines) throw new Response('月份格式应为 YYYY-MM', { status: 400 })
  return attachment(await writeFeeWorkbook(`${month} 专家咨询费发放表`, lines), `专家咨询费-${month}.xlsx`, XLSX_MIME)
}
