// The DOCX or PDF of exactly the version a round submitted, for the bureau's reviewer: authorized by
// review.view (the agency's file route serves the agency's team only).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { submissionFile } from '~/services/review.server'
import { attachment, safeFileName } from '~/utils/download.server'

const TYPES = { docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pdf: 'application/pdf' } as const

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['finance_reviewer'])
  const format = params.format
  if (format !== 'docx' && format !== 'pdf') throw notFound()
  const file = submissionFile(getDb(), actor, params.submissionId ?? '', format)
  if (!file) throw notFound()
  return attachment(file.bytes, safeFileName(file.filename.replace(/\.(docx|pdf)$/, ''), format), TYPES[format])
}
