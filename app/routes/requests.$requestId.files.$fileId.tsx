// A file uploaded against a 资料清单 item, for whoever may see the item (the team, the unit's contact):
// an attachment typed by what the bytes were found to be, never what the uploader claimed.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { STORED_TYPES } from '~/files/store.server'
import { requestFile } from '~/services/document-requests.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const file = requestFile(getDb(), actor, params.requestId ?? '', params.fileId ?? '')
  if (!file) throw notFound()
  return attachment(file.bytes, file.row.originalName, STORED_TYPES[file.kind].mime)
}
