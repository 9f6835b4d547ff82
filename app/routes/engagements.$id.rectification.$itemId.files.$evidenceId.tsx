// An evidence file of a rectification item, for whoever may see the item: an attachment with the
// content type of what the bytes were found to be, never what the uploader claimed.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { STORED_TYPES } from '~/files/store.server'
import { evidenceFile } from '~/services/rectification.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const file = evidenceFile(db, actor, params.itemId ?? '', params.evidenceId ?? '')
  if (!file || file.engagementId !== params.id) throw notFound()
  return attachment(file.bytes, file.row.originalName, STORED_TYPES[file.kind].mime)
}
