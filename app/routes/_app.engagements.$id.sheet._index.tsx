import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Field, FormError } from '~/components/field'
import { IndicatorTreeTable, TargetSelect, TreeDiffView, ValidationSummary } from '~/components/indicator-tree'
import { diffTrees } from '~/domain/indicators/diff'
import { placementTargets } from '~/domain/indicators/edit'
import { frameworkCategoryLabel } from '~/domain/indicators/framework'
import { DIRECTIONS } from '~/domain/indicators/tree'
import { can } from '~/domain/permissions'
import { engagementResource } from '~/models/engagement.server'
import { engagementForViewer } from '~/services/engagement.server'
import { addProjectIndicators, addSectorIndicators, freezeSheet, newSheetVersion, sectorPicker, sheetPage, sheetVersionForViewer, startSheet } from '~/services/sheet.server'
import { formatDateTime } from '~/utils/datetime'
import { RuleTrialPanel } from '~/components/rule-trial'
import { ruleTrial } from '~/services/rule-trial.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `评分表 · ${data?.engagement.name ?? '评价项目'} · EvalDesk` }]

const PROJECT_ROWS = 5

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const page = sheetPage(db, actor, params.id ?? '')
  if (!page) throw notFound()
  const url = new URL(request.url)
  const current = page.current
  const sectorId = url.searchParams.get('sector')
  const sector = sectorId && current && page.mayEdit ? sectorPicker(db, actor, current.tree, sectorId) : null
  // 与上一版比较
  const diffNo = Number(url.searchParams.get('diff'))
  let diff = null
  if (Number.isInteger(diffNo) && diffNo > 1) {
    const after = sheetVersionForViewer(db, actor, page.engagement.id, diffNo)
    const before = sheetVersionForViewer(db, actor, page.engagement.id, diffNo - 1)
    if (after && before) diff = { versionNo: diffNo, diff: diffTrees(before.view.tree, after.view.tree) }
  }
  return {
    engagement: { id: page.engagement.id, name: page.engagement.name },
    current: current
      ? {
          id: current.row.id,
          versionNo: current.row.versionNo,
          status: current.row.status,
          version: current.row.version,
          reason: current.row.reason,
          frozenAt: current.row.frozenAt,
          tree: current.tree,
          issues: current.issues,
          targets: placementTargets(current.tree).map((r) => ({ code: r.code, label: `${'　'.repeat(r.level - 2)}${r.code} ${r.name}` })),
        }
      : null,
    versions: page.versions,
    mayEdit: page.mayEdit,
    frameworks: page.frameworks.map((f) => ({ id: f.id, label: `${frameworkCategoryLabel(f.category)} · ${f.frameworkName} · 第 ${f.versionNo} 版` })),
    sectorSets: page.sectorSets.map((f) => ({ id: f.id, label: `${f.frameworkName}（第 ${f.versionNo} 版）` })),
    sector,
    diff,
    trial: current ? ruleTrial(current.tree, url.searchParams) : null,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const e = engagementForViewer(db, actor, params.id ?? '')
  if (!e) throw notFound()
  if (!can(actor, 'sheet.edit', engagementResource(e))) throw forbidden()
  const fd = await request.formData()
  const intent = String(fd.get('intent') ?? '')
  const at = now()
  const result =
    intent === 'start'
      ? startSheet(db, actor, e.id, fd, at)
      : intent === 'add-sector'
        ? addSectorIndicators(db, actor, e.id, fd, at)
        : intent === 'add-project'
          ? addProjectIndicators(db, actor, e.id, fd, at)
          : intent === 'freeze'
            ? freezeSheet(db, actor, e.id, fd, at)
            : intent === 'new-version'
              ? newSheetVersion(db, actor, e.id, fd, at)
              : ({ ok: false, status: 400, errors: { _form: '不支持此操作' } } as const)
  if (!result.ok) {
    if (result.status === 403) throw forbidden()
    return data({ intent, errors: result.errors as Record<string, string>, values: ('values' in result ? result.values : undefined) ?? {} }, { status: result.status })
  }
  if (intent === 'new-version') return redirect(`/engagements/${e.id}/sheet/edit`)
  return redirect(`/engagements/${e.id}/sheet`)
}

export default function SheetPage() {
  const { engagement: e, current, versions, mayEdit, frameworks, sectorSets, sector, diff, trial } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errorsFor = (intent: string): Record<string, string | undefined> => (actionData?.intent === intent ? actionData.errors : {})
  const valuesFor = (intent: string) => (actionData?.intent === intent ? actionData.values : {})
  const draft = current?.status === 'draft'
  const projectValues = valuesFor('add-project')
  const projectCell = (field: string, i: number) => {
    const v = projectValues[field]
    return (Array.isArray(v) ? v[i] : i === 0 ? v : undefined) ?? ''
  }
  return (
    <section data-testid="sheet-page">
      <p>
        <Link to={`/engagements/${e.id}`}>← {e.name}</Link>
      </p>
      <div className="page-head">
        <h1>评分表</h1>
        {current ? (
          <span>
            <a className="button" href={`/engagements/${e.id}/sheet/export.xlsx`} download>
              导出 Excel
            </a>{' '}
            {draft && mayEdit ? (
              <>
                <Link className="button" to="import">
                  从 Excel 导入
                </Link>{' '}
                <Link className="button primary" to="edit">
                  编辑评分表
                </Link>
              </>
            ) : null}
          </span>
        ) : null}
      </div>

      {!current ? (
        mayEdit ? (
          <div className="card">
            <h2>建立评分表</h2>
            <p className="muted">从指标库中选择一个已发布的框架版本作为基础，之后可添加行业指标和项目个性指标、调整权重。</p>
            <Form method="post" noValidate className="stack">
              <input type="hidden" name="intent" value="start" />
              <FormError error={errorsFor('start')._form} />
              <Field name="frameworkVersionId" label="指标体系框架" error={errorsFor('start').frameworkVersionId}>
                {(p) => (
                  <select {...p} defaultValue="">
                    <option value="">请选择</option>
                    {frameworks.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <div>
                <button type="submit" className="primary" disabled={busy}>
                  建立评分表
                </button>
              </div>
            </Form>
          </div>
        ) : (
          <p className="muted">该项目尚未建立评分表。</p>
        )
      ) : (
        <>
          <p>
            第 {current.versionNo} 版 <span className={draft ? 'badge' : 'badge ok'}>{draft ? '草稿' : '已冻结'}</span>
            {current.frozenAt ? <span className="muted"> 冻结于 {formatDateTime(current.frozenAt)}</span> : null}
            {current.reason ? <span className="muted"> · 修订原因：{current.reason}</span> : null}
          </p>
          <ValidationSummary issues={current.issues} />

          {mayEdit && draft ? (
            <div className="detail-grid">
              <div className="card">
                <h2>添加行业指标</h2>
                <Form method="get" className="inline-form">
                  <label>
                    行业指标集
                    <select name="sector" defaultValue={sector?.versionId ?? ''}>
                      <option value="">请选择</option>
                      {sectorSets.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.label}
                        </option>
                      ))}
                    </select>
                  </label>{' '}
                  <button type="submit">查看指标</button>
                </Form>
                {sector ? (
                  <Form method="post" noValidate className="stack">
                    <input type="hidden" name="intent" value="add-sector" />
                    <input type="hidden" name="version" value={current.version} />
                    <input type="hidden" name="sectorVersionId" value={sector.versionId} />
                    <FormError error={errorsFor('add-sector')._form ?? errorsFor('add-sector').codes ?? errorsFor('add-sector').sectorVersionId} />
                    <table data-testid="sector-items">
                      <thead>
                        <tr>
                          <th>选择</th>
                          <th>指标</th>
                          <th>单位</th>
                          <th>常见目标</th>
                          <th>将放在</th>
                        </tr>
                      </thead>
                      <tbody>
                        {sector.items.map((it) => (
                          <tr key={it.code}>
                            <td>
                              <input type="checkbox" name="codes" value={it.code} aria-label={`选择 ${it.name}`} />
                            </td>
                            <td>
                              {it.name}
                              <p className="muted small">{it.group}</p>
                            </td>
                            <td>{it.unit}</td>
                            <td>{it.target}</td>
                            <td className="muted small">{it.placement}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    <Field name="parentCode" label="统一放在（可选）" error={errorsFor('add-sector').parentCode} hint="留空则按指标类别自动放置；新指标权重为 0，请随后调整权重">
                      {(p) => <TargetSelect props={p} targets={current.targets} emptyLabel="自动放置" defaultValue="" />}
                    </Field>
                    <div>
                      <button type="submit" disabled={busy}>
                        添加所选指标
                      </button>
                    </div>
                  </Form>
                ) : null}
              </div>

              <div className="card">
                <h2>添加项目个性指标</h2>
                <p className="muted small">按项目绩效目标表填写：名称、单位、目标值、方向。默认按“实际值/目标值”计分，可在编辑页修改。</p>
                <Form method="post" noValidate className="stack" data-testid="project-indicators">
                  <input type="hidden" name="intent" value="add-project" />
                  <input type="hidden" name="version" value={current.version} />
                  <FormError error={errorsFor('add-project')._form} />
                  <Field name="parentCode" label="上级指标" error={errorsFor('add-project').parentCode}>
                    {(p) => (
                      <TargetSelect props={p} targets={current.targets} emptyLabel="请选择" defaultValue={typeof projectValues.parentCode === 'string' ? projectValues.parentCode : ''} />
                    )}
                  </Field>
                  <table>
                    <thead>
                      <tr>
                        <th>指标名称</th>
                        <th>单位</th>
                        <th>目标值</th>
                        <th>方向</th>
                        <th>权重</th>
                      </tr>
                    </thead>
                    <tbody>
                      {Array.from({ length: PROJECT_ROWS }, (_, i) => {
                        const err = errorsFor('add-project')
                        const rowError = err[`name.${i}`] ?? err[`unit.${i}`] ?? err[`target.${i}`] ?? err[`weight.${i}`] ?? err[`direction.${i}`]
                        return (
                          <tr key={i}>
                            <td>
                              <input name="name" aria-label={`第${i + 1}个指标 名称`} maxLength={200} defaultValue={projectCell('name', i)} aria-invalid={Boolean(err[`name.${i}`])} />
                              {rowError ? (
                                <p className="field-error" role="alert">
                                  {rowError}
                                </p>
                              ) : null}
                            </td>
                            <td>
                              <input name="unit" aria-label={`第${i + 1}个指标 单位`} maxLength={40} className="short" defaultValue={projectCell('unit', i)} />
                            </td>
                            <td>
                              <input name="target" aria-label={`第${i + 1}个指标 目标值`} maxLength={200} className="short" defaultValue={projectCell('target', i)} />
                            </td>
                            <td>
                              <select name="direction" aria-label={`第${i + 1}个指标 方向`} defaultValue={projectCell('direction', i) || 'positive'}>
                                {DIRECTIONS.map((d) => (
                                  <option key={d.code} value={d.code}>
                                    {d.label}
                                  </option>
                                ))}
                              </select>
                            </td>
                            <td>
                              <input name="weight" aria-label={`第${i + 1}个指标 权重`} inputMode="decimal" className="short" defaultValue={projectCell('weight', i)} />
                            </td>
                          </tr>
                        )
                      })}
                    </tbody>
                  </table>
                  <div>
                    <button type="submit" disabled={busy}>
                      添加指标
                    </button>
                  </div>
                </Form>
              </div>
            </div>
          ) : null}

          {mayEdit ? (
            <div className="card">
              {draft ? (
                <>
                  <h2>冻结评分表</h2>
                  <p className="muted">冻结后专家按本版本评分；此后修改须新建版本并说明原因。专家评分开始时也会自动冻结。</p>
                  <Form method="post">
                    <input type="hidden" name="intent" value="freeze" />
                    <input type="hidden" name="version" value={current.version} />
                    <FormError error={errorsFor('freeze')._form} />
                    <button type="submit" className="primary" disabled={busy}>
                      冻结第 {current.versionNo} 版
                    </button>
                  </Form>
                </>
              ) : (
                <>
                  <h2>新建评分表版本</h2>
                  <p className="muted">当前版本已冻结。修订须说明原因，原因记入审计日志。</p>
                  <Form method="post" noValidate className="stack">
                    <input type="hidden" name="intent" value="new-version" />
                    <input type="hidden" name="version" value={current.version} />
                    <FormError error={errorsFor('new-version')._form} />
                    <Field name="reason" label="修订原因" error={errorsFor('new-version').reason}>
                      {(p) => <textarea {...p} maxLength={1000} defaultValue={typeof valuesFor('new-version').reason === 'string' ? String(valuesFor('new-version').reason) : ''} />}
                    </Field>
                    <div>
                      <button type="submit" disabled={busy}>
                        新建第 {current.versionNo + 1} 版
                      </button>
                    </div>
                  </Form>
                </>
              )}
            </div>
          ) : null}

          <IndicatorTreeTable tree={current.tree} issues={current.issues} />
          {trial ? <RuleTrialPanel trial={trial} /> : null}

          <div className="card">
            <h2>版本记录</h2>
            <table>
              <thead>
                <tr>
                  <th>版本</th>
                  <th>状态</th>
                  <th>修订原因</th>
                  <th>建立</th>
                  <th>冻结时间</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id}>
                    <td>第 {v.versionNo} 版</td>
                    <td>{v.status === 'frozen' ? '已冻结' : '草稿'}</td>
                    <td>{v.reason}</td>
                    <td>
                      {v.createdByName} · {formatDateTime(v.createdAt)}
                    </td>
                    <td>{v.frozenAt ? formatDateTime(v.frozenAt) : ''}</td>
                    <td>
                      <a href={`/engagements/${e.id}/sheet/export.xlsx?version=${v.versionNo}`} download>
                        导出
                      </a>
                      {v.versionNo > 1 ? (
                        <>
                          {' · '}
                          <Link to={`?diff=${v.versionNo}`}>与上一版比较</Link>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {diff ? (
              <>
                <h3>
                  第 {diff.versionNo - 1} 版 → 第 {diff.versionNo} 版
                </h3>
                <TreeDiffView diff={diff.diff} />
              </>
            ) : null}
          </div>
        </>
      )}
    </section>
  )
}
