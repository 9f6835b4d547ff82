import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { FilterSelect, Pager, useHrefWith } from '~/components/list-controls'
import { forbidden, requireUser } from '~/auth/require.server'
import { formatDateTime } from '~/utils/datetime'
import { ENGAGEMENT_KIND_CODES, ENGAGEMENT_KINDS, engagementKindLabel, MAX_YEAR, MIN_YEAR } from '~/domain/engagement'
import { formatFenAsWanYuan } from '~/domain/money'
import { can, engagementScope } from '~/domain/permissions'
import { isStage, STAGES, stageLabel } from '~/domain/stages'
import { isId } from '~/ids.server'
import { DEFAULT_SORT_DIRECTION, ENGAGEMENT_PAGE_SIZE, isEngagementSort, type EngagementSort } from '~/domain/engagement-list'
import { listBureausInScope, listEngagements, listYearsInScope, type EngagementListQuery } from '~/models/engagement.server'

export const meta: MetaFunction = () => [{ title: '评价项目 · EvalDesk' }]

const MAX_PAGE = 100_000

/** Query string -> list query. A value that does not parse is dropped, never an error page. */
function readQuery(params: URLSearchParams): EngagementListQuery {
  const q: EngagementListQuery = { sort: 'updated', direction: 'desc', page: 1 }
  const year = params.get('year') ?? ''
  if (/^\d{4}$/.test(year) && Number(year) >= MIN_YEAR && Number(year) <= MAX_YEAR) q.year = Number(year)
  const kind = params.get('kind') ?? ''
  if ((ENGAGEMENT_KIND_CODES as readonly string[]).includes(kind)) q.kind = kind
  const stage = params.get('stage') ?? ''
  if (isStage(stage)) q.stage = stage
  const bureau = params.get('bureau') ?? ''
  if (isId(bureau)) q.financeBureauId = bureau
  const sort = params.get('sort') ?? ''
  if (isEngagementSort(sort)) q.sort = sort
  const dir = params.get('dir')
  q.direction = dir === 'asc' || dir === 'desc' ? dir : DEFAULT_SORT_DIRECTION[q.sort]
  const page = params.get('page') ?? ''
  if (/^\d{1,6}$/.test(page) && Number(page) >= 1) q.page = Math.min(Number(page), MAX_PAGE)
  return q
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const scope = engagementScope(actor)
  if (scope.kind === 'none') throw forbidden()
  const db = getDb()
  const query = readQuery(new URL(request.url).searchParams)
  let result = listEngagements(db, scope, query)
  const pages = Math.max(1, Math.ceil(result.total / ENGAGEMENT_PAGE_SIZE))
  // A page past the end (bookmark, shrunken filter) shows the last page rather than nothing.
  if (query.page > pages) {
    query.page = pages
    result = listEngagements(db, scope, query)
  }
  return {
    query,
    total: result.total,
    pages,
    rows: result.rows.map((r) => ({
      ...r,
      kindLabel: engagementKindLabel(r.kind),
      stageLabel: stageLabel(r.stage),
      funds: formatFenAsWanYuan(r.fundsFen),
    })),
    years: listYearsInScope(db, scope),
    // A finance reviewer's list is one bureau already.
    bureaus: scope.kind === 'bureau' ? [] : listBureausInScope(db, scope),
    canCreate: actor.organizationId !== null && can(actor, 'engagement.create', { type: 'agency', organizationId: actor.organizationId }),
  }
}

const COLUMNS: { sort: EngagementSort | null; label: string; num?: boolean }[] = [
  { sort: 'name', label: '项目名称' },
  { sort: 'year', label: '年度' },
  { sort: null, label: '评价类型' },
  { sort: null, label: '委托财政局' },
  { sort: 'funds', label: '项目资金（万元）', num: true },
  { sort: 'stage', label: '阶段' },
  { sort: null, label: '负责人' },
  { sort: 'updated', label: '最近更新' },
]

export default function EngagementList() {
  const d = useLoaderData<typeof loader>()
  const hrefWith = useHrefWith()
  const sortHref = (sort: EngagementSort) => {
    const dir = d.query.sort === sort ? (d.query.direction === 'asc' ? 'desc' : 'asc') : DEFAULT_SORT_DIRECTION[sort]
    return hrefWith({ sort, dir, page: null })
  }
  return (
    <section data-testid="engagement-list">
      <div className="page-head">
        <h1>评价项目</h1>
        {d.canCreate ? (
          <Link to="/engagements/new" className="button primary">
            新建评价项目
          </Link>
        ) : null}
      </div>
      <Form method="get" className="toolbar" role="search">
        <input type="hidden" name="sort" value={d.query.sort} />
        <input type="hidden" name="dir" value={d.query.direction} />
        <FilterSelect name="year" label="年度" value={d.query.year} choices={d.years.map((y) => ({ code: y, label: String(y) }))} />
        <FilterSelect name="kind" label="评价类型" value={d.query.kind} choices={ENGAGEMENT_KINDS} />
        <FilterSelect name="stage" label="阶段" value={d.query.stage} choices={STAGES} />
        {d.bureaus.length > 0 ? <FilterSelect name="bureau" label="委托财政局" value={d.query.financeBureauId} choices={d.bureaus.map((b) => ({ code: b.id, label: b.name }))} /> : null}
        <button type="submit">筛选</button>
        <Link to="/engagements">清除筛选</Link>
      </Form>

      <p className="muted" data-testid="engagement-total">
        {`共 ${d.total} 个项目${d.total > 0 ? `，第 ${d.query.page} / ${d.pages} 页` : ''}`}
      </p>
      {d.rows.length === 0 ? (
        <p className="card muted">没有符合条件的评价项目。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.label}
                    className={c.num ? 'num' : undefined}
                    aria-sort={c.sort && d.query.sort === c.sort ? (d.query.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {c.sort ? (
                      <Link to={sortHref(c.sort)} preventScrollReset>
                        {c.label}
                        {d.query.sort === c.sort ? (d.query.direction === 'asc' ? ' ↑' : ' ↓') : ''}
                      </Link>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/engagements/${r.id}`}>{r.name}</Link>
                  </td>
                  <td>{r.year}</td>
                  <td>{r.kindLabel}</td>
                  <td>{r.bureauName}</td>
                  <td className="num">{r.funds}</td>
                  <td>
                    <span className="badge">{r.stageLabel}</span>
                  </td>
                  <td>{r.leadName}</td>
                  <td>{formatDateTime(r.updatedAt)}</td>
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
