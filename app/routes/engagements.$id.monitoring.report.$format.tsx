// 监控报告 of a monitoring engagement as .docx or .pdf, for the team and the commissioning bureau.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { isMonitoringReportFormat, MONITORING_REPORT_CONTENT_TYPES, monitoringReportFile } from '~/services/monitoring.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const format = params.format
  if (!isMonitoringReportFormat(format)) throw notFound()
  const file = await monitoringReportFile(getDb(), actor, params.id ?? '', format, now())
  if (!file) throw notFound()
  return attachment(file.bytes, safeFileName(file.filename, format), MONITORING_REPORT_CONTENT_TYPES[format])
}
