// 信用档案: the files this user may read, one kind of subject per tab, with grade, score and any
// active blacklisting, 50 to a page; appeals waiting for this user's decision first. An expert goes to their own file.
import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { forbidden, notFound, requireUser } from '~/auth/require.server'
import { now } from '~/clock.server'
import { Pager } from '~/components/list-controls'
import { SUBJECTS } from '~/domain/credit/categories'
import { listPage, ownExpertFile, readListQuery } from '~/services/credit-file.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '信用档案 · EvalDesk' }]

const READERS = new Set(['system_admin', 'agency_admin', 'evaluator', 'finance_reviewer'])

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  if (actor.role === 'expert') {
    const own = ownExpertFile(db, actor)
    if (!own) throw notFound()
    throw redirect(`/credit/${own}`)
  }
  if (!READERS.has(actor.role)) throw forbidden()
  return listPage(db, actor, readListQuery(new URL(request.url).searchParams), now())
}

export default function CreditList() {
  const d = useLoaderData<typeof loader>()
  const typeLabel = SUBJECTS.find((s) => s.code === d.query.type)!.label
  return (
    <section data-testid="credit-list">
      <div className="page-head">
        <h1>信用档案</h1>
        <a
          href={`/credit.xlsx?type=${d.query.type}${d.query.q ? `&q=${encodeURIComponent(d.query.q)}` : ''}`}
          className="button"
          download
        >
          导出 Excel
        </a>
      </div>

      {d.pendingAppeals.length > 0 ? (
        <div className="card" data-testid="pending-appeals">
          <h2>待处理的申诉（{d.pendingAppeals.length}）</h2>
          <ul>
            {d.pendingAppeals.map((a) => (
              <li key={a.appealId}>
                <Link to={`/credit/${a.subjectId}#entry-${a.entryId}`}>
                  {a.subjectTypeLabel} {a.subjectName}：{a.kindLabel}
                </Link>{' '}
                <span className="muted small">申诉于 {formatDateTime(a.filedAt)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <nav className="toolbar" aria-label="档案类别">
        {SUBJECTS.map((s) =>
          s.code === d.query.type ? (
            <strong key={s.code} aria-current="page">
              {s.label}
            </strong>
          ) : (
            <Link key={s.code} to={`?type=${s.code}`}>
              {s.label}
            </Link>
          ),
        )}
      </nav>

      <Form method="get" className="toolbar" role="search">
        <input type="hidden" name="type" value={d.query.type} />
        <div className="field">
          <label htmlFor="filter-q">{d.query.type === 'practitioner' ? '姓名或所属机构' : '名称'}</label>
          <input id="filter-q" name="q" type="search" maxLength={50} defaultValue={d.query.q} />
        </div>
        <button type="submit">查找</button>
        {d.query.q ? <Link to={`?type=${d.query.type}`}>清除</Link> : null}
      </Form>

      <p className="muted" data-testid="credit-total">
        {`共 ${d.total} 份${typeLabel}信用档案${d.pages > 1 ? `，第 ${d.query.page} / ${d.pages} 页` : ''}，信用状况截至 ${d.today}`}
      </p>
      {d.rows.length === 0 ? (
        <p className="card muted">没有符合条件的信用档案。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{typeLabel}</th>
                {d.query.type === 'practitioner' ? <th>所属机构</th> : null}
                <th>信用等级</th>
                <th className="num">信用分</th>
                <th>失信名单</th>
                <th>依据</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/credit/${r.id}`}>{r.name}</Link>
                  </td>
                  {d.query.type === 'practitioner' ? <td>{r.agencyName}</td> : null}
                  <td>
                    <span
                      className={
                        r.grade === 'A'
                          ? 'badge ok'
                          : r.blacklisting || r.grade === 'D'
                            ? 'badge off'
                            : 'badge'
                      }
                    >
                      {r.grade}
                    </span>
                  </td>
                  <td className="num">{r.score}</td>
                  <td>{r.blacklisting ? `至 ${r.blacklisting.to}` : '—'}</td>
                  <td className="muted small">{r.caption}</td>
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
