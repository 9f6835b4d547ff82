// A version of a working paper, for the engagement's team: an attachment with the content type of
// what the bytes were found to be, never what the uploader claimed. Authorization comes first.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { STORED_TYPES } from '~/files/store.server'
import { paperFileForTeam } from '~/services/working-papers.server'
import { attachment } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const file = paperFileForTeam(getDb(), actor, params.id ?? '', params.versionId ?? '')
  if (!file) throw notFound()
  return attachment(file.bytes, file.row.originalName, STORED_TYPES[file.kind].mime)
}
