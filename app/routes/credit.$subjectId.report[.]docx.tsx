// /credit/<subject>/report.docx: the subject's 信用报告 for whoever may read the file (else 404), graded
// under ?bureau=<id> when the reader may choose that bureau, else under the reader's default policy.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CREDIT_REPORT_CONTENT_TYPES, exportCreditReport } from '~/services/credit-report.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const bureau = new URL(request.url).searchParams.get('bureau')
  const file = await exportCreditReport(getDb(), actor, params.subjectId ?? '', bureau, 'docx', now())
  if (!file) throw notFound()
  return attachment(file.bytes, safeFileName(file.filename, 'docx'), CREDIT_REPORT_CONTENT_TYPES.docx)
}
