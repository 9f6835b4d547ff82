// An evidence file of a credit entry or its appeal, for whoever may read the file it belongs to: an
// attachment with the content type of what the bytes were found to be, never what the uploader claimed.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { STORED_TYPES } from '~/files/store.server'
import { creditEvidenceFile } from '~/services/credit-file.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const file = creditEvidenceFile(getDb(), actor, params.subjectId ?? '', params.fileId ?? '')
  if (!file) throw notFound()
  return attachment(file.bytes, file.row.originalName, STORED_TYPES[file.kind].mime)
}
