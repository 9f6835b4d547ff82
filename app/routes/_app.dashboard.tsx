import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { requireUser } from '~/auth/require.server'
import { roleLabel } from '~/domain/roles'

export const meta: MetaFunction = () => [{ title: '工作台 · EvalDesk' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return { role: user.actor.role, roleLabel: roleLabel(user.actor.role), displayName: user.displayName, organizationName: user.organizationName }
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>()
  return (
    <section data-testid={`dashboard-${d.role}`}>
      <h1>{d.roleLabel}工作台</h1>
      <p>
        您好，{d.displayName}。{d.organizationName ? `所属单位：${d.organizationName}。` : ''}
      </p>
      <Link to="/engagements">评价项目</Link>
    </section>
  )
}
