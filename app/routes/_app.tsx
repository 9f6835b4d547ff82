import { type LoaderFunctionArgs } from '@remix-run/node'
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { requireUser } from '~/auth/require.server'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { can } from '~/domain/permissions'
import { roleLabel } from '~/domain/roles'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { actor } = user
  const nav: { to: string; label: string }[] = [{ to: '/dashboard', label: '工作台' }]
  if (actor.role === 'agency_admin' || actor.role === 'evaluator' || actor.role === 'finance_reviewer' || actor.role === 'unit_contact') {
    nav.push({ to: '/engagements', label: '评价项目' })
  }
  if (actor.role === 'expert') nav.push({ to: '/expert', label: '我的评审邀请' })
  if (actor.role === 'finance_reviewer') nav.push({ to: '/review', label: '报告审核' })
  if (actor.organizationId && can(actor, 'bureau.overview', { type: 'organization', id: actor.organizationId, kind: 'finance_bureau' })) {
    nav.push({ to: '/bureau', label: '年度概览' })
  }
  if (actor.role === 'finance_reviewer' && actor.orgAdmin) nav.push({ to: '/fee-rates', label: '专家咨询费标准' })
  if (actor.role === 'finance_reviewer' && actor.orgAdmin) nav.push({ to: '/bureau/quality-settings', label: '执业质量评价表' })
  if (actor.role === 'finance_reviewer') nav.push({ to: '/bureau/credit-policy', label: '信用评价政策' })
  if (actor.role === 'unit_contact') nav.push({ to: '/unit/rectification', label: '整改事项' })
  if (actor.role === 'unit_contact') nav.push({ to: '/unit/requests', label: '资料清单' }, { to: '/unit/feedback', label: '征求意见' })
  if (actor.organizationId && can(actor, 'bureau.overview', { type: 'organization', id: actor.organizationId, kind: 'finance_bureau' })) {
    nav.push({ to: '/bureau/rectification', label: '整改情况' })
  }
  if (can(actor, 'framework.view', { type: 'framework', organizationId: null })) {
    nav.push({ to: '/frameworks', label: '指标库' })
  }
  if (can(actor, 'expert.view', { type: 'expert_pool' })) {
    nav.push({ to: '/experts', label: '专家库' })
  }
  if (actor.role === 'system_admin' || actor.role === 'agency_admin' || actor.role === 'evaluator' || actor.role === 'finance_reviewer' || actor.role === 'expert') {
    nav.push({ to: '/credit', label: '信用档案' })
  }
  if (can(actor, 'organization.list', { type: 'platform' })) {
    nav.push({ to: '/admin/organizations', label: '机构管理' })
    nav.push({ to: '/admin/users', label: '账号管理' })
  } else if (actor.organizationId && actor.orgAdmin) {
    nav.push({ to: '/users', label: '人员管理' })
  }
  if (can(actor, 'audit.view', { type: 'audit', organizationId: actor.organizationId })) {
    nav.push({ to: '/audit', label: '审计日志' })
  }
  return {
    me: {
      displayName: user.displayName,
      roleLabel: roleLabel(actor.role),
      organizationName: user.organizationName,
    },
    nav,
  }
}

export default function AppLayout() {
  const { me, nav } = useLoaderData<typeof loader>()
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">EvalDesk · 第三方预算绩效评价工作台</span>
        <nav aria-label="主导航">
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} prefetch="intent">
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span data-testid="current-user">
            {me.displayName}（{me.roleLabel}
            {me.organizationName ? ` · ${me.organizationName}` : ''}）
          </span>
          <NavLink to="/account">我的账号</NavLink>
          <Form method="post" action="/logout">
            <button type="submit" className="link">
              退出
            </button>
          </Form>
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
    </div>
  )
}

export function ErrorBoundary() {
  return (
    <main className="page narrow">
      <GeneralErrorBoundary />
    </main>
  )
}
