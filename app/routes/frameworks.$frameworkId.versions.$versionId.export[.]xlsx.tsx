// Excel export of one framework version, in the same template the import reads.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { writeFrameworkWorkbook, XLSX_MIME } from '~/excel/framework-workbook.server'
import type { FrameworkCategory } from '~/domain/indicators/framework'
import { versionForViewer } from '~/services/framework.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const view = versionForViewer(getDb(), { kind: 'user', actor }, params.frameworkId ?? '', params.versionId ?? '')
  if (!view) throw notFound()
  const f = view.framework
  const bytes = await writeFrameworkWorkbook({ name: f.name, category: f.category as FrameworkCategory, source: f.source, description: f.description }, view.tree)
  return attachment(bytes, safeFileName(`${f.name}-第${view.version.versionNo}版`, 'xlsx'), XLSX_MIME)
}
