// A working paper's version for the expert scoring on this seat: only a paper of the seat's engagement
// on an indicator the expert scores (404 otherwise, whoever asks), as an attachment.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { STORED_TYPES } from '~/files/store.server'
import { paperFileForExpert } from '~/services/working-papers.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const file = paperFileForExpert(getDb(), actor, params.seatId ?? '', params.versionId ?? '')
  if (!file) throw notFound()
  return attachment(file.bytes, file.row.originalName, STORED_TYPES[file.kind].mime)
}
