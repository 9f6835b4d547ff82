import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { CellError } from '~/components/cell-error'
import { Field, FormError } from '~/components/field'
import { formatScore, MAX_ITEM_NAME, qualityGradeLabel } from '~/domain/finance/quality'
import { actionAnswer, qualitySettingsPage, saveQualitySettings } from '~/services/quality.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '执业质量评价表 · EvalDesk' }]

/** Empty rows offered under the items, for adding items without script. */
const SPARE_ROWS = 3

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const page = qualitySettingsPage(getDb(), actor)
  if (!page) throw forbidden()
  return page
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  if (!qualitySettingsPage(getDb(), actor)) throw forbidden()
  const result = saveQualitySettings(getDb(), actor, await request.formData(), now())
  const answer = actionAnswer(result, (v) =>
    v.changed ? `已保存为第 ${v.versionNo} 版，此后开始的评价使用新版本。` : '与现行评价表相同，未作修改。',
  )
  return data(answer.body, { status: answer.status })
}

const list = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v]

export default function QualitySettings() {
  const { current, versions } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const values = actionData?.values ?? {}
  const names = list(values.itemName) ?? [
    ...current.config.items.map((i) => i.name),
    ...Array<string>(SPARE_ROWS).fill(''),
  ]
  const points = list(values.itemPoints) ?? [
    ...current.config.items.map((i) => formatScore(i.points)),
    ...Array<string>(SPARE_ROWS).fill(''),
  ]
  const rows = Math.max(names.length, points.length)
  const band = (g: 'excellent' | 'good' | 'pass') =>
    typeof values[g] === 'string' ? values[g] : formatScore(current.config.bands[g])
  return (
    <section data-testid="quality-settings">
      <h1>执业质量评价表</h1>
      <p className="muted">
        本局对第三方机构每个评价项目的执业质量按百分制评价：各评价项目分值合计须为 100
        分，按总分评定等级；一票否决的，等级为不合格。
        {current.versionNo === 0
          ? '本局尚未设置，现采用默认评价表。'
          : `现行第 ${current.versionNo} 版，${current.createdByName ?? ''}于 ${formatDateTime(current.createdAt ?? '')} 设置。`}
        已开始的评价继续使用开始时的版本。
      </p>
      {actionData?.done ? (
        <p className="notice" role="status">
          {actionData.done}
        </p>
      ) : null}
      <Form method="post" noValidate className="stack card" data-testid="quality-settings-form">
        <input type="hidden" name="basedOn" value={current.versionNo} />
        <FormError error={errors._form} />
        <h2>评价项目</h2>
        <p className="muted small">分值为整数分。删除某项请清空该行；新增请填写空行。</p>
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>评价项目</th>
              <th>分值</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td>
                  <input
                    name="itemName"
                    aria-label={`第 ${i + 1} 项名称`}
                    maxLength={MAX_ITEM_NAME}
                    defaultValue={names[i] ?? ''}
                    aria-invalid={Boolean(errors[`itemName.${i}`])}
                  />
                  <CellError error={errors[`itemName.${i}`]} />
                </td>
                <td>
                  <input
                    name="itemPoints"
                    aria-label={`第 ${i + 1} 项分值`}
                    inputMode="numeric"
                    size={5}
                    defaultValue={points[i] ?? ''}
                    aria-invalid={Boolean(errors[`itemPoints.${i}`])}
                  />
                  <CellError error={errors[`itemPoints.${i}`]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <CellError error={errors.items} />
        <h2>等级分数线</h2>
        <p className="muted small">总分达到分数线即评为该等级（含本数）；低于「合格」分数线为不合格。</p>
        {(['excellent', 'good', 'pass'] as const).map((g) => (
          <Field key={g} name={g} label={`${qualityGradeLabel(g)}（分及以上）`} error={errors[g]}>
            {(p) => <input {...p} inputMode="decimal" size={6} defaultValue={band(g)} />}
          </Field>
        ))}
        <div>
          <button type="submit" className="primary" disabled={busy}>
            保存为新版本
          </button>
        </div>
      </Form>
      {versions.length > 0 ? (
        <div className="card">
          <h2>历史版本</h2>
          <ul>
            {versions.map((v) => (
              <li key={v.versionNo}>
                第 {v.versionNo} 版 · {v.createdByName} · {formatDateTime(v.createdAt)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  )
}
