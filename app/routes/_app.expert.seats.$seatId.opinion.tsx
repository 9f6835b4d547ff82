import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useParams } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireRole } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { isOwnSeat } from '~/services/seat-access.server'
import { opinionPage, saveOpinion } from '~/services/scoring.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '专家组意见 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  const page = opinionPage(getDb(), actor, params.seatId ?? '')
  if (!page) throw notFound()
  return { ...page, opinion: page.opinion ? { status: page.opinion.status, version: page.opinion.version, confirmedAt: page.opinion.confirmedAt } : null }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireRole(request, ['expert'])
  if (!isOwnSeat(getDb(), actor, params.seatId ?? '')) throw notFound()
  const result = saveOpinion(getDb(), actor, params.seatId ?? '', await request.formData(), now())
  if (!result.ok) {
    if (result.status === 404) throw notFound()
    return data({ errors: result.errors as Record<string, string>, saved: null }, { status: result.status })
  }
  return { errors: {} as Record<string, string>, saved: result.value.status }
}

export default function OpinionPage() {
  const d = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const confirmed = d.opinion?.status === 'confirmed'
  const { seatId } = useParams()
  return (
    <section data-testid="opinion-page">
      <p>
        <Link to={`/expert/seats/${seatId}`}>← 评审邀请</Link>
      </p>
      <h1>专家组意见</h1>
      {confirmed ? (
        <p className="notice" role="status" data-testid="opinion-confirmed">
          已由组长于 {formatDateTime(d.opinion!.confirmedAt!)} 确认。
        </p>
      ) : d.phase === 'scoring' ? (
        <p className="muted">独立评分结束、进入讨论阶段后，组长在此形成专家组意见。</p>
      ) : (
        <p className="muted">初稿根据各专家的扣分理由生成，请组长修改后保存；确认后不能再修改。</p>
      )}
      {actionData?.saved === 'draft' ? (
        <p className="notice" role="status">
          已保存草稿。
        </p>
      ) : null}
      <Form method="post" noValidate className="stack card">
        <input type="hidden" name="version" value={d.opinion?.version ?? 0} />
        <FormError error={errors._form} />
        <Field name="overall" label="总体意见" error={errors.overall}>
          {(p) => <textarea {...p} rows={4} maxLength={5000} defaultValue={d.draft.overall} disabled={!d.mayWrite} />}
        </Field>
        {d.draft.parts.map((part) => (
          <label key={part.code} className="stack">
            {part.code} {part.name}
            <textarea name={`part.${part.code}`} rows={4} maxLength={5000} defaultValue={part.text} disabled={!d.mayWrite} />
          </label>
        ))}
        {d.mayWrite ? (
          <div>
            <button type="submit" name="intent" value="save" disabled={busy}>
              保存草稿
            </button>{' '}
            <button type="submit" name="intent" value="confirm" className="primary" disabled={busy}>
              确认专家组意见
            </button>
          </div>
        ) : null}
      </Form>
    </section>
  )
}
