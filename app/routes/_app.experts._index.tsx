import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requirePermission } from '~/auth/require.server'
import { statusBadge } from '~/components/expert-form'
import { FilterSelect, Pager, useHrefWith } from '~/components/list-controls'
import { EXPERT_STATUSES, TITLES, labelOf } from '~/domain/experts/vocab'
import { listRegions } from '~/models/expert.server'
import { EXPERT_PAGE_SIZE } from '~/utils/limits'
import { mayManagePool, poolPage, readPoolQuery, specialtyChoices } from '~/services/expert-pool.server'

export const meta: MetaFunction = () => [{ title: '专家库 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requirePermission(request, 'expert.view', { type: 'expert_pool' })
  const db = getDb()
  const op = { kind: 'user', actor } as const
  const page = poolPage(db, op, readPoolQuery(new URL(request.url).searchParams))!
  return {
    ...page,
    rows: page.rows.map((r) => ({ ...r, titleLabel: labelOf(TITLES, r.title) })),
    specialties: specialtyChoices(db),
    regions: listRegions(db),
    mayManage: mayManagePool(op),
  }
}

export default function ExpertPool() {
  const d = useLoaderData<typeof loader>()
  const hrefWith = useHrefWith()
  const exportHref = `/experts/export.xlsx${hrefWith({ page: null })}`
  return (
    <section data-testid="expert-pool">
      <div className="page-head">
        <h1>专家库</h1>
        <span>
          <a href={exportHref} className="button" download>
            导出 Excel
          </a>{' '}
          {d.mayManage ? (
            <>
              <Link to="/experts/import" className="button">
                从 Excel 导入
              </Link>{' '}
              <Link to="/experts/specialties" className="button">
                专业领域
              </Link>{' '}
              <Link to="/experts/new" className="button primary">
                新增专家
              </Link>
            </>
          ) : null}
        </span>
      </div>
      <Form method="get" className="toolbar" role="search">
        <div className="field">
          <label htmlFor="filter-q">姓名或工作单位</label>
          <input id="filter-q" name="q" type="search" maxLength={50} defaultValue={d.query.q ?? ''} />
        </div>
        <FilterSelect name="specialty" label="专业领域" value={d.query.specialty} choices={d.specialties.map((s) => ({ code: s.code, label: s.active ? s.label : `${s.label}（已停用）` }))} />
        <FilterSelect name="title" label="职称" value={d.query.title} choices={TITLES} />
        <FilterSelect name="status" label="状态" value={d.query.status} choices={EXPERT_STATUSES} />
        {d.regions.length > 0 ? <FilterSelect name="region" label="地区" value={d.query.region} choices={d.regions.map((r) => ({ code: r, label: r }))} /> : null}
        <button type="submit">筛选</button>
        <Link to="/experts">清除筛选</Link>
      </Form>

      <p className="muted" data-testid="expert-total">
        {`共 ${d.total} 位专家${d.total > EXPERT_PAGE_SIZE ? `，第 ${d.query.page} / ${d.pages} 页` : ''}`}
      </p>
      {d.rows.length === 0 ? (
        <p className="card muted">没有符合条件的专家。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>姓名</th>
                <th>职称</th>
                <th>工作单位</th>
                <th>专业领域</th>
                <th>地区</th>
                <th>手机/电话</th>
                <th>状态</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/experts/${r.id}`}>{r.name}</Link>
                    {r.userId ? <span className="muted small">（已开通账号）</span> : null}
                  </td>
                  <td>{r.titleLabel}</td>
                  <td>{r.employer}</td>
                  <td>{r.specialties.map((s) => s.label).join('、')}</td>
                  <td>{r.region}</td>
                  <td>{r.phone}</td>
                  <td>{statusBadge(r.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={d.query.page} pages={d.pages} />
    </section>
  )
}
