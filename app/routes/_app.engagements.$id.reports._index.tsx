import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { reportsOverview } from '~/services/report.server'
import { formatDateTime } from '~/utils/datetime'

export const meta: MetaFunction = () => [{ title: '报告 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const overview = reportsOverview(getDb(), actor, params.id ?? '')
  if (!overview) throw notFound()
  return overview
}

export default function ReportsOverview() {
  const d = useLoaderData<typeof loader>()
  return (
    <section data-testid="reports-overview">
      <p>
        <Link to={`/engagements/${d.engagement.id}`}>← {d.engagement.name}</Link>
      </p>
      <h1>报告</h1>
      <table>
        <thead>
          <tr>
            <th>文书</th>
            <th>最新版本</th>
            <th>签发</th>
          </tr>
        </thead>
        <tbody>
          {d.types.map((t) => (
            <tr key={t.code}>
              <td>
                <Link to={t.code}>{t.label}</Link>
              </td>
              <td>{t.latest ? `第 ${t.latest.versionNo} 版（${t.latest.stageLabel}，${formatDateTime(t.latest.generatedAt)}）` : <span className="muted">尚未生成</span>}</td>
              <td>{t.issued ? `${t.issued.code}（${formatDateTime(t.issued.issuedAt)}）` : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
