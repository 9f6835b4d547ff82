import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getDb } from '../../db/client.server'
import { requireUser } from '~/auth/require.server'
import { engagementKindLabel } from '~/domain/engagement'
import { formatFenAsWanYuan } from '~/domain/money'
import { can, engagementScope } from '~/domain/permissions'
import { roleLabel } from '~/domain/roles'
import { STAGES, stageLabel } from '~/domain/stages'
import { countByStage, listEngagements, type EngagementListItem } from '~/models/engagement.server'
import { platformCounts } from '~/models/platform-stats.server'

export const meta: MetaFunction = () => [{ title: '工作台 · EvalDesk' }]

const LIST_SIZE = 10

function present(rows: EngagementListItem[]) {
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    year: r.year,
    kindLabel: engagementKindLabel(r.kind),
    stageLabel: stageLabel(r.stage),
    bureauName: r.bureauName,
    leadName: r.leadName,
    funds: formatFenAsWanYuan(r.fundsFen),
  }))
}

type Row = ReturnType<typeof present>[number]
type Block = { total: number; rows: Row[] }
type DashboardData = {
  role: string
  roleLabel: string
  displayName: string
  organizationName: string | null
  canCreate: boolean
  stages: { code: string; label: string; count: number }[] | null
  mine: Block | null
  commissioned: Block | null
  onMyUnit: Block | null
  platform: ReturnType<typeof platformCounts> | null
}

export async function loader({ request }: LoaderFunctionArgs): Promise<DashboardData> {
  const user = await requireUser(request)
  const { actor } = user
  const db = getDb()
  const scope = engagementScope(actor)
  const d: DashboardData = {
    role: actor.role,
    roleLabel: roleLabel(actor.role),
    displayName: user.displayName,
    organizationName: user.organizationName,
    canCreate: actor.organizationId !== null && can(actor, 'engagement.create', { type: 'agency', organizationId: actor.organizationId }),
    stages: null,
    mine: null,
    commissioned: null,
    onMyUnit: null,
    platform: null,
  }
  const stageCounts = () => {
    const counts = countByStage(db, scope)
    return STAGES.map((s) => ({ code: s.code, label: s.label, count: counts[s.code] ?? 0 }))
  }
  const recent = (leadUserId?: string): Block => {
    const list = listEngagements(db, scope, { leadUserId, sort: 'updated', direction: 'desc', page: 1, pageSize: LIST_SIZE })
    return { total: list.total, rows: present(list.rows) }
  }
  switch (actor.role) {
    case 'agency_admin':
    case 'evaluator':
      return { ...d, stages: stageCounts(), mine: recent(actor.userId) }
    case 'finance_reviewer':
      return { ...d, stages: stageCounts(), commissioned: recent() }
    case 'unit_contact':
      return { ...d, onMyUnit: recent() }
    case 'system_admin':
      return { ...d, platform: platformCounts(db) }
    default:
      return d
  }
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>()
  return (
    <section data-testid={`dashboard-${d.role}`}>
      <div className="page-head">
        <h1>{d.roleLabel}工作台</h1>
        {d.canCreate ? (
          <Link to="/engagements/new" className="button primary">
            新建评价项目
          </Link>
        ) : null}
      </div>
      <p>
        您好，{d.displayName}。{d.organizationName ? `所属单位：${d.organizationName}。` : ''}
      </p>

      {d.stages ? <StageCounts stages={d.stages} /> : null}

      {d.mine ? (
        <div className="card">
          <h2>我负责的项目（{d.mine.total}）</h2>
          <EngagementTable rows={d.mine.rows} empty="您目前没有负责的评价项目。" />
          <p>
            <Link to="/engagements">查看本机构全部评价项目 →</Link>
          </p>
        </div>
      ) : null}

      {d.commissioned ? (
        <div className="card">
          <h2>本局委托的评价项目（{d.commissioned.total}）</h2>
          <p className="muted">以下项目由第三方机构实施，此处仅供查阅。</p>
          <EngagementTable rows={d.commissioned.rows} empty="本局尚无委托的评价项目。" />
          <p>
            <Link to="/engagements">查看全部 →</Link>
          </p>
        </div>
      ) : null}

      {d.onMyUnit ? (
        <div className="card">
          <h2>涉及本单位的评价项目（{d.onMyUnit.total}）</h2>
          <EngagementTable rows={d.onMyUnit.rows} empty="目前没有涉及本单位的评价项目。" />
          {d.onMyUnit.total > d.onMyUnit.rows.length ? (
            <p>
              <Link to="/engagements">查看全部 →</Link>
            </p>
          ) : null}
        </div>
      ) : null}

      {d.role === 'expert' ? (
        <div className="card" data-testid="expert-note">
          <h2>评审任务</h2>
          <p>评价机构从专家库随机抽取您参加评审时，邀请会显示在“我的评审邀请”中；请按时答复，接受后签署回避与保密承诺。</p>
          <Link to="/expert">我的评审邀请 →</Link>
        </div>
      ) : null}

      {d.platform ? (
        <div className="grid">
          <div className="card">
            <div className="muted">第三方评价机构</div>
            <div className="stat">{d.platform.agencies}</div>
            <Link to="/admin/organizations">机构管理 →</Link>
          </div>
          <div className="card">
            <div className="muted">财政局</div>
            <div className="stat">{d.platform.financeBureaus}</div>
            <Link to="/admin/organizations">机构管理 →</Link>
          </div>
          <div className="card">
            <div className="muted">账号（在用 / 全部）</div>
            <div className="stat">
              {d.platform.activeUsers} / {d.platform.users}
            </div>
            <Link to="/admin/users">账号管理 →</Link>
          </div>
        </div>
      ) : null}
    </section>
  )
}

function StageCounts({ stages }: { stages: { code: string; label: string; count: number }[] }) {
  const total = stages.reduce((sum, s) => sum + s.count, 0)
  return (
    <div className="card">
      <h2>各阶段项目数（共 {total} 个）</h2>
      <ul className="stage-counts" data-testid="stage-counts">
        {stages.map((s) => (
          <li key={s.code} className={s.count > 0 ? 'has' : undefined}>
            <Link to={`/engagements?stage=${s.code}`}>
              <span className="muted">{s.label}</span>
              <strong>{s.count}</strong>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  )
}

function EngagementTable({ rows, empty }: { rows: Row[]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>项目名称</th>
            <th>评价类型</th>
            <th>委托财政局</th>
            <th className="num">资金（万元）</th>
            <th>阶段</th>
            <th>负责人</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/engagements/${r.id}`}>{r.name}</Link>
              </td>
              <td>{r.kindLabel}</td>
              <td>{r.bureauName}</td>
              <td className="num">{r.funds}</td>
              <td>
                <span className="badge">{r.stageLabel}</span>
              </td>
              <td>{r.leadName}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
