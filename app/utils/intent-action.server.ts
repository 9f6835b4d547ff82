// Pages with several forms tell them apart by a hidden `intent`. This runs the service the intent
// names and answers the way every such page does: 404 thrown, other refusals returned beside the
// form with what was typed, success as a short Chinese notice.
import { data } from '@remix-run/node'
import { notFound } from '~/auth/require.server'
import type { FieldErrors, FormValues } from './form'

type Outcome<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }

/** What the page gets back; `target` names the row a per-row form (e.g. one comment) was about. */
export type IntentActionData = { intent: string; target: string; errors: FieldErrors; values: FormValues; done: string | null }

/** A service result with its success turned into the notice the page shows. */
export function withNotice<T>(result: Outcome<T>, notice: (value: T) => string): Outcome<string> {
  return result.ok ? { ok: true, value: notice(result.value) } : result
}

export function runIntent(fd: FormData, handlers: Record<string, () => Outcome<string>>, targetField = 'id') {
  const intent = String(fd.get('intent') ?? '')
  const target = String(fd.get(targetField) ?? '')
  const handler = Object.hasOwn(handlers, intent) ? handlers[intent] : undefined
  const result: Outcome<string> = handler ? handler() : { ok: false, status: 400, errors: { _form: '不支持此操作' } }
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data<IntentActionData>({ intent, target, errors: result.errors, values: result.values ?? {}, done: null }, { status: result.status })
  }
  return data<IntentActionData>({ intent, target, errors: {}, values: {}, done: result.value })
}
