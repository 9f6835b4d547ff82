import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { getDb } from '../../db/client.server'
import { forbidden, requireUser } from '~/auth/require.server'
import { can } from '~/domain/permissions'
import { budgetTypeLabel, engagementKindLabel } from '~/domain/engagement'
import { DEFAULT_SPECIALTIES, TITLES, labelOf, type Title } from '~/domain/experts/vocab'
import { formatFenAsWanYuan } from '~/domain/money'
import { ORG_KINDS, roleLabel } from '~/domain/roles'
import { stageLabel } from '~/domain/stages'
import { AUDIT_PAGE_SIZE, distinctAuditActions, listAudit, recordNames } from '~/models/audit.server'
import { displayNamesByIds, findUserByUsername } from '~/models/user.server'
import { formatDateTime } from '~/utils/datetime'
import { integer, isoDate, text } from '~/utils/form'

export const meta: MetaFunction = () => [{ title: '审计日志 · EvalDesk' }]

const ACTION_LABELS: Record<string, string> = {
  'login.succeeded': '登录成功',
  'login.failed': '登录失败',
  'login.throttled': '登录被限制',
  logout: '退出登录',
  'seed.demo': '写入演示数据',
  'organization.create': '创建机构',
  'organization.status': '启用/停用机构',
  'user.create': '创建账号',
  'user.update': '修改账号资料',
  'user.reset_password': '重置密码',
  'user.status': '启用/停用账号',
  'account.password_change': '修改本人密码',
  'account.sessions_ended': '退出其他设备',
  'engagement.create': '创建评价项目',
  'engagement.update': '修改评价项目',
  'engagement.stage_move': '变更项目阶段',
  'evaluated_unit.create': '新增被评价单位',
  'framework.library.load': '载入内置指标库',
  'framework.create': '新建指标体系框架',
  'framework.copy': '复制指标体系框架',
  'framework.import': '从 Excel 导入指标体系',
  'framework.version.create': '新建框架版本',
  'framework.version.update': '修改框架草稿',
  'framework.version.publish': '发布框架版本',
  'framework.version.discard': '删除框架草稿',
  'framework.version.import': '从 Excel 导入框架新版本',
  'sheet.create': '建立评分表',
  'sheet.update': '修改评分表',
  'sheet.import': '从 Excel 导入评分表',
  'sheet.add_sector_indicators': '评分表添加行业指标',
  'sheet.add_project_indicators': '评分表添加项目个性指标',
  'sheet.freeze': '冻结评分表',
  'sheet.version.create': '新建评分表版本',
  'panel.create': '组建专家组',
  'panel.update': '修改专家组组成',
  'panel.draw': '随机抽取专家',
  'panel.vacancy_draw': '补抽专家',
  'panel.manual_appoint': '指定专家',
  'panel.leader': '指定组长',
  'panel.withdraw': '撤回专家席位',
  'conflict.detect': '自动识别回避',
  'conflict.add': '设定回避',
  'conflict.remove': '撤销回避',
  'conflict.declare': '专家申报回避',
  'invitation.accept': '专家接受邀请',
  'invitation.decline': '专家谢绝邀请',
  'invitation.expire': '邀请逾期处理',
  'invite.create': '生成专家邀请链接',
  'invite.accept': '专家通过邀请链接设置账号',
  'declaration.sign': '签署回避与保密承诺',
  'fee_rates.update': '修改专家咨询费标准',
  'scoring.start': '开始在线评分',
  'scoring.submit': '专家提交评分',
  'scoring.rescore': '专家重评',
  'scoring.phase': '推进评分阶段',
  'opinion.confirm': '组长确认专家组意见',
  'expert.create': '新增专家',
  'expert.update': '修改专家信息',
  'expert.status': '变更专家状态',
  'expert.import': '从 Excel 导入专家',
  'specialty.seed': '载入专业领域列表',
  'specialty.create': '新增专业领域',
  'specialty.update': '专业领域改名',
  'specialty.reorder': '调整专业领域顺序',
  'specialty.retire': '停用专业领域',
  'specialty.restore': '恢复专业领域',
  'monitoring.indicators.save': '保存绩效运行监控表',
  'monitoring.budget.save': '保存预算执行情况',
  'monitoring.thresholds.save': '修改监控预警阈值',
  'monitoring.suggestions.save': '保存监控工作建议',
  'monitoring.report.generate': '生成绩效运行监控报告',
  'paper.create': '添加工作底稿',
  'paper.version': '上传工作底稿新版本',
  'paper.retention': '设置工作底稿保管期限',
  'paper.delete': '删除工作底稿',
  'survey.create': '新建满意度调查',
  'survey.update': '修改满意度调查',
  'survey.upload': '上传调查答卷文件',
  'survey.import': '导入调查答卷',
  'survey.discard_upload': '放弃调查答卷文件',
}

const ENTITY_LABELS: Record<string, string> = {
  user: '账号',
  organization: '机构',
  engagement: '评价项目',
  evaluated_unit: '被评价单位',
  database: '数据库',
  framework: '指标体系框架',
  framework_version: '框架版本',
  sheet_version: '评分表版本',
  panel: '专家组',
  draw: '抽取记录',
  seat: '专家席位',
  conflict: '回避记录',
  declaration: '承诺书',
  expert: '专家',
  specialty: '专业领域',
}

const ACTOR_ROLE_LABELS: Record<string, string> = { cli: '命令行', anonymous: '未登录', system: '系统' }

const FIELD_LABELS: Record<string, string> = {
  status: '状态',
  displayName: '姓名',
  username: '用户名',
  role: '角色',
  phone: '电话',
  email: '邮箱',
  name: '名称',
  kind: '类型',
  region: '地区',
  creditCode: '信用代码',
  orgAdmin: '账号管理员',
  mustChangePassword: '须改密码',
  organizationId: '机构',
  evaluatedUnitId: '被评价单位',
  ip: 'IP',
  ended: '结束的登录数',
  stage: '阶段',
  direction: '方向',
  note: '说明',
  year: '评价年度',
  budgetType: '预算类型',
  financeBureauId: '委托财政局',
  agencyId: '评价机构',
  fundsFen: '项目资金（万元）',
  periodStart: '评价期间起',
  periodEnd: '评价期间止',
  contractNo: '合同编号',
  added: '新增指标',
  removed: '删除指标',
  changed: '修改指标',
  reason: '修订原因',
  versionNo: '版本号',
  changeNote: '版本说明',
  leadUserId: '项目负责人',
  units: '被评价单位',
  memberIds: '项目组成员',
  competentDepartment: '主管部门',
  employer: '工作单位',
  title: '职称',
  specialties: '专业领域',
  employments: '任职经历',
  relations: '关联关系',
  unavailability: '不可参加日期',
  statusReason: '变更原因',
  label: '名称',
  labels: '名称',
  count: '数量',
}

/** Stored codes shown as the words users know (a role, a stage, an amount in 万元). */
const VALUE_FORMATTERS: Record<string, (value: unknown) => string | null> = {
  role: (v) => (typeof v === 'string' ? roleLabel(v) : null),
  stage: (v) => (typeof v === 'string' ? stageLabel(v) : null),
  kind: (v) => (typeof v === 'string' ? (ORG_KINDS.find((k) => k.code === v)?.label ?? engagementKindLabel(v)) : null),
  budgetType: (v) => (typeof v === 'string' ? budgetTypeLabel(v) : null),
  fundsFen: (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? formatFenAsWanYuan(v) : null),
  direction: (v) => (v === 'forward' ? '前进' : v === 'backward' ? '退回' : null),
  units: (v) => (Array.isArray(v) ? v.join('、') : null),
  title: (v) => (typeof v === 'string' ? labelOf(TITLES, v as Title) : null),
  specialties: (v) => (Array.isArray(v) ? v.map((c) => DEFAULT_SPECIALTIES.find((s) => s.code === c)?.label ?? String(c)).join('、') : null),
  employments: (v) => (Array.isArray(v) ? v.join('；') : null),
  relations: (v) => (Array.isArray(v) ? v.join('；') : null),
  unavailability: (v) => (Array.isArray(v) ? v.join('；') : null),
  labels: (v) => (Array.isArray(v) ? v.join('、') : null),
}

const VALUE_LABELS: Record<string, string> = { active: '启用', disabled: '停用', true: '是', false: '否' }

const optionalDate = (label: string) => z.union([z.literal(''), isoDate(label)])
const code = (message: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(64, message).regex(/^[a-z0-9_.]*$/, message))

const AuditFilterForm = z.object({
  action: code('操作类型无效'),
  entity: code('对象类型无效'),
  actor: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string().max(64, '操作人用户名过长')),
  from: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), optionalDate('起始日期')),
  to: z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), optionalDate('截止日期')),
  q: text({ label: '关键词', max: 100, required: false }),
  page: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v : '1'), integer({ label: '页码', min: 1, max: 100_000 })),
})

/** A calendar day as typed in China, as the UTC instant its first second starts at. */
function shanghaiDayStart(day: string, plusDays = 0): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + plusDays * 86_400_000).toISOString()
}

function parseObject(json: string | null): Record<string, unknown> | null {
  if (!json) return null
  try {
    const value: unknown = JSON.parse(json)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { 值: value }
  } catch {
    return null
  }
}

function shownValue(value: unknown, key: string, names: Map<string, string>): string {
  const byName = isIdField(key)
    ? typeof value === 'string'
      ? names.get(value)
      : Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? (names.get(v) ?? v) : String(v))).join('、')
        : undefined
    : undefined
  const formatted = value === undefined || value === null || value === '' ? null : (byName ?? VALUE_FORMATTERS[key]?.(value) ?? null)
  const raw =
    formatted ?? (value === undefined || value === null || value === '' ? '—' : typeof value === 'string' ? value : JSON.stringify(value))
  const label = VALUE_LABELS[raw] ?? raw
  return label.length > 60 ? `${label.slice(0, 57)}…` : label
}

/** Fields named `…Id` / `…Ids` hold record ids, shown by name where the record is known. */
const isIdField = (key: string) => /Ids?$/.test(key)

function referencedIds(fields: Record<string, unknown> | null): string[] {
  if (!fields) return []
  return Object.entries(fields).flatMap(([key, value]) =>
    !isIdField(key) ? [] : typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [],
  )
}

/** The fields that changed, as "字段: 旧 → 新" (or "字段: 值" when only one side exists). */
function describeChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  names: Map<string, string>,
): string[] {
  const shown = (value: unknown, key: string) => shownValue(value, key, names)
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  const lines: string[] = []
  for (const key of keys) {
    const b = before?.[key]
    const a = after?.[key]
    if (before && after && JSON.stringify(b) === JSON.stringify(a)) continue
    const label = FIELD_LABELS[key] ?? key
    if (before && after) lines.push(`${label}：${shown(b, key)} → ${shown(a, key)}`)
    else lines.push(`${label}：${shown(after ? a : b, key)}`)
  }
  return lines.length > 8 ? [...lines.slice(0, 8), `……另有 ${lines.length - 8} 项`] : lines
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const organizationId = user.actor.organizationId
  if (!can(user.actor, 'audit.view', { type: 'audit', organizationId })) throw forbidden()
  const db = getDb()
  const params = new URL(request.url).searchParams
  const raw = Object.fromEntries([...AuditFilterForm.keyof().options].map((k) => [k, params.get(k) ?? '']))
  const actions = distinctAuditActions(db, organizationId)
  const options = {
    actions: actions.map((a) => ({ code: a, label: ACTION_LABELS[a] ?? a })),
    entities: Object.entries(ENTITY_LABELS).map(([c, label]) => ({ code: c, label })),
  }
  const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.length > 200 ? v.slice(0, 200) : v]))
  const parsed = AuditFilterForm.safeParse(raw)
  const errors: Record<string, string> = {}
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message
  const f = parsed.success ? parsed.data : null
  // The actor is typed as a username (the platform has thousands of expert accounts, too many to list);
  // only an account of this log's own organization (none, for the platform) is a valid one.
  const actor = f?.actor ? findUserByUsername(db, f.actor) : undefined
  if (f && f.actor && (!actor || actor.organizationId !== organizationId)) errors.actor = `${organizationId === null ? '平台' : '本单位'}没有用户名为“${f.actor}”的账号`
  if (f && f.from && f.to && f.to < f.from) errors.to = '截止日期不能早于起始日期'
  if (!f || Object.keys(errors).length > 0) {
    return data({ errors, values, options, total: 0, page: 1, pages: 1, entries: [] }, { status: 400 })
  }
  const { total, rows } = listAudit(
    db,
    {
      organizationId,
      action: f.action || undefined,
      entity: f.entity || undefined,
      actorUserId: actor?.id,
      from: f.from ? shanghaiDayStart(f.from) : undefined,
      to: f.to ? shanghaiDayStart(f.to, 1) : undefined,
      text: f.q || undefined,
    },
    f.page,
  )
  const names = displayNamesByIds(db, rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])))
  const parsedRows = rows.map((r) => ({ row: r, before: parseObject(r.beforeJson), after: parseObject(r.afterJson) }))
  const referenced = recordNames(
    db,
    parsedRows.flatMap(({ row, before, after }) => [row.entityId, ...referencedIds(before), ...referencedIds(after)]),
  )
  const entries = parsedRows.map(({ row: r, before, after }) => ({
    seq: r.seq,
    at: formatDateTime(r.at, { seconds: true }),
    actorName: r.actorUserId ? (names.get(r.actorUserId) ?? '（已删除）') : '—',
    actorRole: ACTOR_ROLE_LABELS[r.actorRole] ?? roleLabel(r.actorRole),
    action: ACTION_LABELS[r.action] ?? r.action,
    actionCode: r.action,
    entity: ENTITY_LABELS[r.entity] ?? r.entity,
    entityId: r.entityId,
    entityName: referenced.get(r.entityId) ?? null,
    changes: describeChanges(before, after, referenced),
  }))
  return { errors, values, options, total, page: f.page, pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)), entries }
}

export default function AuditPage() {
  const d = useLoaderData<typeof loader>()
  const errors: Record<string, string | undefined> = d.errors
  const v = d.values as Record<string, string | undefined>
  const pageLink = (page: number) => {
    const q = new URLSearchParams()
    for (const key of ['action', 'entity', 'actor', 'from', 'to', 'q']) if (v[key]) q.set(key, v[key]!)
    q.set('page', String(page))
    return `?${q.toString()}`
  }
  const select = (name: string, label: string, items: { value: string; label: string }[], all: string) => (
    <div className={errors[name] ? 'field has-error' : 'field'}>
      <label htmlFor={`a-${name}`}>{label}</label>
      <select id={`a-${name}`} name={name} defaultValue={v[name] ?? ''}>
        <option value="">{all}</option>
        {items.map((i) => (
          <option key={i.value} value={i.value}>
            {i.label}
          </option>
        ))}
      </select>
      {errors[name] ? <p className="field-error" role="alert">{errors[name]}</p> : null}
    </div>
  )
  const input = (name: string, label: string, type: string) => (
    <div className={errors[name] ? 'field has-error' : 'field'}>
      <label htmlFor={`a-${name}`}>{label}</label>
      <input id={`a-${name}`} name={name} type={type} defaultValue={v[name] ?? ''} />
      {errors[name] ? <p className="field-error" role="alert">{errors[name]}</p> : null}
    </div>
  )
  return (
    <section>
      <h1>审计日志</h1>
      <Form method="get" className="toolbar" data-testid="audit-filter">
        {select('action', '操作', d.options.actions.map((a) => ({ value: a.code, label: a.label })), '全部操作')}
        {select('entity', '对象', d.options.entities.map((e) => ({ value: e.code, label: e.label })), '全部对象')}
        {input('actor', '操作人（用户名）', 'search')}
        {input('from', '起始日期', 'date')}
        {input('to', '截止日期', 'date')}
        {input('q', '关键词', 'search')}
        {errors.page ? <p className="field-error">{errors.page}</p> : null}
        <button type="submit">筛选</button>
        <Link to="/audit">清除</Link>
      </Form>
      <p className="muted">共 {d.total} 条记录（时间为北京时间）</p>
      {d.entries.length === 0 ? (
        <p className="muted">没有符合条件的记录。</p>
      ) : (
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th className="num">序号</th>
              <th>时间</th>
              <th>操作人</th>
              <th>操作</th>
              <th>对象</th>
              <th>变更</th>
            </tr>
          </thead>
          <tbody>
            {d.entries.map((e) => (
              <tr key={e.seq} data-action={e.actionCode}>
                <td className="num">{e.seq}</td>
                <td style={{ whiteSpace: 'nowrap' }}>{e.at}</td>
                <td>
                  {e.actorName}
                  <br />
                  <span className="muted">{e.actorRole}</span>
                </td>
                <td>{e.action}</td>
                <td>
                  {e.entityName ? `${e.entity}：${e.entityName}` : e.entity}
                  {e.entityId ? (
                    <>
                      <br />
                      <span className="muted" style={{ fontSize: '0.8rem' }}>
                        {e.entityId}
                      </span>
                    </>
                  ) : null}
                </td>
                <td>
                  {e.changes.length === 0 && e.actionCode.endsWith('.update') ? <span className="muted">（无变化）</span> : null}
                  {e.changes.map((line, i) => (
                    <div key={i}>{line}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.pages > 1 ? (
        <div className="pager">
          {d.page > 1 ? <Link to={pageLink(d.page - 1)}>上一页</Link> : null}
          <span>
            第 {d.page} / {d.pages} 页
          </span>
          {d.page < d.pages ? <Link to={pageLink(d.page + 1)}>下一页</Link> : null}
        </div>
      ) : null}
    </section>
  )
}
