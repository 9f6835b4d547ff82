// The year's disclosure list as .xlsx, .docx or .pdf, for the bureau's reviewers.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '../../db/client.server'
import { notFound } from '~/auth/require.server'
import { requireBureauYear } from '~/auth/require-bureau.server'
import { now } from '~/clock.server'
import { DISCLOSURE_CONTENT_TYPES, disclosureFile, disclosureList, isDisclosureFormat } from '~/services/disclosure.server'
import { attachment, safeFileName } from '~/utils/download.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { bureauId, year } = await requireBureauYear(request)
  const format = params.format
  if (!isDisclosureFormat(format)) throw notFound()
  const file = await disclosureFile(disclosureList(getDb(), bureauId, year, now()), format, now())
  return attachment(file.bytes, safeFileName(file.filename, format), DISCLOSURE_CONTENT_TYPES[format])
}
