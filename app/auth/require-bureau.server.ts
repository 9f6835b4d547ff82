import { getDb } from '../../db/client.server'
import { now } from '../clock.server'
import { bureauYears, overviewBureauId } from '../services/results.server'
import { forbidden, requireUser } from './require.server'

/** The bureau pages (/bureau/*): the signed-in reviewer's own bureau and the year asked for (?year=). */
export async function requireBureauYear(request: Request) {
  const { actor } = await requireUser(request)
  const bureauId = overviewBureauId(actor)
  if (!bureauId) throw forbidden()
  const { years, year } = bureauYears(getDb(), bureauId, new URL(request.url).searchParams.get('year'), now().getUTCFullYear())
  return { actor, bureauId, years, year }
}
