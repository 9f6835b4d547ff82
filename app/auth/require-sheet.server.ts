import { getDb } from '../../db/client.server'
import { sheetPage } from '../services/sheet.server'
import { forbidden, notFound, requireUser } from './require.server'

/** The sheet pages that change a sheet: the signed-in user must be allowed to edit it (404 if unseen, 403 if read-only). */
export async function requireSheetEditor(request: Request, engagementId: string | undefined) {
  const { actor } = await requireUser(request)
  const page = sheetPage(getDb(), actor, engagementId ?? '')
  if (!page) throw notFound()
  if (!page.mayEdit) throw forbidden()
  return { actor, page }
}
