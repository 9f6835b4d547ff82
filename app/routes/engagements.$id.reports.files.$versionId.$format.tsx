// A stored report file, exactly the bytes that were hashed when the version was generated.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { versionFile } from '~/services/report.server'
import { attachment, safeFileName } from '~/utils/download.server'

const TYPES = { docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pdf: 'application/pdf' } as const

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const format = params.format
  if (format !== 'docx' && format !== 'pdf') throw notFound()
  const file = versionFile(getDb(), actor, params.id ?? '', params.versionId ?? '', format)
  if (!file) throw notFound()
  return attachment(file.bytes, safeFileName(file.filename.replace(/\.(docx|pdf)$/, ''), format), TYPES[format])
}
