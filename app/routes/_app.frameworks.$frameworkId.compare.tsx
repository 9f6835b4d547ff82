import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { notFound, requireUser } from '~/auth/require.server'
import { TreeDiffView, VersionSelect } from '~/components/indicator-tree'
import { compareVersions, frameworkPage } from '~/services/framework.server'

export const meta: MetaFunction = () => [{ title: '版本比较 · 指标库 · EvalDesk' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request)
  const db = getDb()
  const op = { kind: 'user', actor } as const
  const page = frameworkPage(db, op, params.frameworkId ?? '')
  if (!page) throw notFound()
  const url = new URL(request.url)
  const from = url.searchParams.get('from') ?? page.versions[1]?.id ?? ''
  const to = url.searchParams.get('to') ?? page.versions[0]?.id ?? ''
  const result = compareVersions(db, op, page.framework.id, from, to)
  return {
    framework: { id: page.framework.id, name: page.framework.name },
    versions: page.versions.map((v) => ({ id: v.id, versionNo: v.versionNo })),
    from,
    to,
    comparison: result ? { fromNo: result.from.version.versionNo, toNo: result.to.version.versionNo, diff: result.diff } : null,
  }
}

export default function CompareVersions() {
  const { framework: f, versions, from, to, comparison } = useLoaderData<typeof loader>()
  return (
    <section data-testid="framework-compare">
      <p>
        <Link to={`/frameworks/${f.id}`}>← {f.name}</Link>
      </p>
      <h1>版本比较</h1>
      <Form method="get" className="inline-form">
        <VersionSelect label="从" name="from" versions={versions} defaultValue={from} />{' '}
        <VersionSelect label="到" name="to" versions={versions} defaultValue={to} />{' '}
        <button type="submit">比较</button>
      </Form>
      {comparison ? (
        <div className="card">
          <h2>
            第 {comparison.fromNo} 版 → 第 {comparison.toNo} 版
          </h2>
          <TreeDiffView diff={comparison.diff} />
        </div>
      ) : (
        <p className="muted">请选择该框架的两个版本。</p>
      )}
    </section>
  )
}
