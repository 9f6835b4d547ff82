import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { SPECIALTY_LABEL_MAX } from '~/utils/limits'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { now } from '~/clock.server'
import { FormError } from '~/components/field'
import { specialtyUsage } from '~/models/expert.server'
import {
  addSpecialty,
  moveSpecialty,
  renameSpecialty,
  setSpecialtyActive,
  SpecialtyLabelForm,
  specialtyChoices,
} from '~/services/expert-pool.server'
import { answerRefusal } from '~/services/user-admin.server'
import { formValues, parseForm } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '专业领域 · 专家库 · EvalDesk' }]

const POOL = { type: 'expert_pool' } as const

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'expert.manage', POOL)
  const db = getDb()
  const usage = specialtyUsage(db)
  return { specialties: specialtyChoices(db).map((s) => ({ ...s, experts: usage.get(s.code) ?? 0 })) }
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requirePermission(request, 'expert.manage', POOL)
  const op = { kind: 'user', actor } as const
  const fd = await request.formData()
  const values = formValues(fd)
  const intent = values.intent
  const code = typeof values.code === 'string' ? values.code : ''
  const db = getDb()
  let result
  if (intent === 'add' || intent === 'rename') {
    const parsed = parseForm(SpecialtyLabelForm, fd)
    if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 })
    result = intent === 'add' ? addSpecialty(db, op, parsed.data.label, now()) : renameSpecialty(db, op, code, parsed.data.label, now())
  } else if (intent === 'up' || intent === 'down') {
    result = moveSpecialty(db, op, code, intent, now())
  } else if (intent === 'retire' || intent === 'restore') {
    result = setSpecialtyActive(db, op, code, intent === 'restore', now())
  } else {
    return data({ errors: { _form: '未知操作' } as Record<string, string>, values }, { status: 400 })
  }
  if (!result.ok) return answerRefusal(result, values)
  return { errors: {} as Record<string, string>, values: {} as Record<string, string> }
}

export default function Specialties() {
  const { specialties } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const answered = (actionData?.values ?? {}) as Record<string, string | undefined>
  const errors: Record<string, string | undefined> = actionData?.errors ?? {}
  const errorFor = (intent: string, code = '') => (answered.intent === intent && (answered.code ?? '') === code ? (errors.label ?? errors._form) : undefined)
  const active = specialties.filter((s) => s.active)
  const retired = specialties.filter((s) => !s.active)
  return (
    <section data-testid="specialties">
      <p>
        <Link to="/experts">← 专家库</Link>
      </p>
      <h1>专业领域</h1>
      <p className="muted">
        改名不影响已关联的专家和已设置的抽取名额。停用后不再供新专家选择，已有专家保留该领域；可随时恢复。以下顺序即表单和筛选中的顺序。
      </p>
      {answered.intent === undefined ? <FormError error={errors._form} /> : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>名称</th>
              <th className="num">专家数</th>
              <th>顺序</th>
              <th>停用</th>
            </tr>
          </thead>
          <tbody>
            {active.map((s, i) => (
              <tr key={s.code}>
                <td>
                  <Form method="post" className="inline-form" key={s.label}>
                    <input type="hidden" name="intent" value="rename" />
                    <input type="hidden" name="code" value={s.code} />
                    <input name="label" aria-label={`${s.label}的名称`} maxLength={SPECIALTY_LABEL_MAX} defaultValue={answered.intent === 'rename' && answered.code === s.code ? answered.label : s.label} />
                    <button type="submit" disabled={busy}>
                      改名
                    </button>
                    <InlineError error={errorFor('rename', s.code)} />
                  </Form>
                </td>
                <td className="num">{s.experts}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="code" value={s.code} />
                    <button type="submit" name="intent" value="up" disabled={busy || i === 0} aria-label={`上移${s.label}`}>
                      ↑
                    </button>
                    <button type="submit" name="intent" value="down" disabled={busy || i === active.length - 1} aria-label={`下移${s.label}`}>
                      ↓
                    </button>
                  </Form>
                </td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="code" value={s.code} />
                    <button type="submit" name="intent" value="retire" className="danger" disabled={busy}>
                      停用
                    </button>
                    <InlineError error={errorFor('retire', s.code)} />
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="card">
        <h2>新增专业领域</h2>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="add" />
          <label htmlFor="new-label">名称</label>
          <input id="new-label" name="label" maxLength={SPECIALTY_LABEL_MAX} defaultValue={answered.intent === 'add' ? answered.label : ''} aria-invalid={Boolean(errorFor('add'))} />
          <button type="submit" className="primary" disabled={busy}>
            新增
          </button>
          <InlineError error={errorFor('add')} />
        </Form>
      </div>

      {retired.length > 0 ? (
        <div className="card">
          <h2>已停用</h2>
          <table>
            <tbody>
              {retired.map((s) => (
                <tr key={s.code}>
                  <td>{s.label}</td>
                  <td className="num">{s.experts} 位专家</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="code" value={s.code} />
                      <button type="submit" name="intent" value="restore" disabled={busy}>
                        恢复
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}

function InlineError({ error }: { error: string | undefined }) {
  return error ? (
    <span className="field-error" role="alert">
      {error}
    </span>
  ) : null
}
