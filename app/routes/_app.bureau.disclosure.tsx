// 结果公开: the year's disclosure list as the public will read it, with its three downloads.
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireBureauYear } from '~/auth/require-bureau.server'
import { now } from '~/clock.server'
import { BureauYearBar } from '~/components/bureau-nav'
import { DISCLOSURE_COLUMNS, DISCLOSURE_NOTE, disclosureList, disclosureTitle } from '~/services/disclosure.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? '结果公开'} · EvalDesk` }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { bureauId, year, years } = await requireBureauYear(request)
  const list = disclosureList(getDb(), bureauId, year, now())
  return { year, years, title: disclosureTitle(list), note: DISCLOSURE_NOTE, columns: DISCLOSURE_COLUMNS, rows: list.rows }
}

export default function BureauDisclosure() {
  const { year, years, title, note, columns, rows } = useLoaderData<typeof loader>()
  return (
    <section data-testid="bureau-disclosure">
      <h1>结果公开</h1>
      <BureauYearBar year={year} years={years} />
      <div className="card">
        <h2>{title}</h2>
        <p className="muted small">{note}不含专家身份、专家个人评分、工作底稿和未公开的审核意见。</p>
        <p>
          下载：
          {(['xlsx', 'docx', 'pdf'] as const).map((f, i) => (
            <span key={f}>
              {i > 0 ? ' · ' : null}
              <a href={`/bureau/disclosure/${f}?year=${year}`} download>
                {f === 'xlsx' ? 'Excel' : f === 'docx' ? 'Word' : 'PDF'}
              </a>
            </span>
          ))}
        </p>
        {rows.length === 0 ? (
          <p className="muted">本年度尚无已验收的评价项目。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.key}>{c.header}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c.key}>{r[c.key]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  )
}
