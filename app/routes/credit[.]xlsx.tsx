// /credit.xlsx?type=agency|practitioner|expert: the credit files the reader may see, one row each.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { XLSX_MIME } from '~/excel/framework-workbook.server'
import { exportCreditList, mayExportCreditList, parseSubjectType } from '~/services/credit-report.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!mayExportCreditList(actor)) throw forbidden()
  const type = parseSubjectType(new URL(request.url).searchParams.get('type'))
  if (type === 'invalid') throw new Response('type 应为 agency、practitioner 或 expert', { status: 400 })
  const file = await exportCreditList(getDb(), actor, type, now())
  return attachment(file.bytes, file.filename, XLSX_MIME)
}
