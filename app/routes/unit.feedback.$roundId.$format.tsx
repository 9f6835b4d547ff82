// The DOCX or PDF of exactly the 征求意见稿 a round sent, for the contact of a unit it was sent to.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { unitRoundFile } from '~/services/feedback.server'
import { attachment, safeFileName } from '~/utils/download.server'

const TYPES = { docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pdf: 'application/pdf' } as const

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['unit_contact'])
  const format = params.format
  if (format !== 'docx' && format !== 'pdf') throw notFound()
  const file = unitRoundFile(getDb(), actor, params.roundId ?? '', format)
  if (!file) throw notFound()
  return attachment(file.bytes, safeFileName(file.name, format), TYPES[format])
}
