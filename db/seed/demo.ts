// The demo tenant set: two agencies, two finance bureaus and one account per role, so every view
// (including "another organization's data is invisible") can be tried at once.
import { sql } from 'drizzle-orm'
import type { Db } from '../client.server'
import { evaluatedUnits, users } from '../schema'
import { hashPassword } from '../../app/auth/password.server'
import type { Role } from '../../app/domain/roles'
import { appendAudit } from '../../app/models/audit.server'
import { insertOrganization } from '../../app/models/organization.server'
import { insertUser } from '../../app/models/user.server'
import { newId } from '../../app/ids.server'
import { ensureSpecialties } from '../../app/services/expert-pool.server'
import { seedDemoCredit } from './demo-credit'
import { seedDemoEngagements } from './demo-engagements'
import { seedDemoExperts } from './demo-experts'
import { seedDemoSheets } from './demo-sheets'
import { ensureLibrary } from './library'

export const DEMO_PASSWORD = 'EvalDesk-demo-2026'

export type DemoAccount = { username: string; role: Role; displayName: string; organization: string }

export const DEMO_ORGS = {
  agencyA: { kind: 'agency', name: '浙江明鉴绩效评价咨询有限公司', region: '浙江省杭州市', creditCode: '91330108MA2B00001X' },
  agencyB: { kind: 'agency', name: '杭州衡平会计师事务所', region: '浙江省杭州市', creditCode: '91330106MA2B00002Y' },
  bureauX: { kind: 'finance_bureau', name: '杭州市滨江区财政局', region: '浙江省杭州市滨江区', creditCode: '11330108002000001A' },
  bureauY: { kind: 'finance_bureau', name: '杭州市西湖区财政局', region: '浙江省杭州市西湖区', creditCode: '11330106002000002B' },
} as const

export const DEMO_UNITS = [
  { bureau: 'bureauX', name: '杭州市滨江区教育局', competentDepartment: '杭州市滨江区教育局' },
  { bureau: 'bureauX', name: '杭州市滨江区卫生健康局', competentDepartment: '杭州市滨江区卫生健康局' },
  { bureau: 'bureauX', name: '杭州市滨江区长河街道办事处', competentDepartment: '杭州市滨江区人民政府' },
  { bureau: 'bureauY', name: '杭州市西湖区农业农村局', competentDepartment: '杭州市西湖区农业农村局' },
] as const

type AccountSpec = {
  username: string
  displayName: string
  role: Role
  org: keyof typeof DEMO_ORGS | null
  unit?: number
  orgAdmin?: boolean
}

export const DEMO_ACCOUNTS: AccountSpec[] = [
  { username: 'admin', displayName: '王系统', role: 'system_admin', org: null },
  { username: 'mingjian.admin', displayName: '陈明鉴', role: 'agency_admin', org: 'agencyA' },
  { username: 'mingjian.li', displayName: '李评', role: 'evaluator', org: 'agencyA' },
  { username: 'mingjian.zhao', displayName: '赵核', role: 'evaluator', org: 'agencyA' },
  { username: 'hengping.admin', displayName: '周衡平', role: 'agency_admin', org: 'agencyB' },
  { username: 'binjiang.finance', displayName: '孙审', role: 'finance_reviewer', org: 'bureauX', orgAdmin: true },
  { username: 'xihu.finance', displayName: '吴审', role: 'finance_reviewer', org: 'bureauY', orgAdmin: true },
  { username: 'expert.zhang', displayName: '张教授', role: 'expert', org: null },
  { username: 'unit.edu', displayName: '钱联络', role: 'unit_contact', org: null, unit: 0 },
]

export function isDatabaseEmpty(db: Db): boolean {
  return (db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0) === 0
}

export type DemoIds = {
  orgs: Record<keyof typeof DEMO_ORGS, string>
  units: string[]
  users: Record<string, string>
}

/** Seeds the demo. Refuses a database that already has users. One transaction. */
export async function seedDemo(db: Db, at: Date): Promise<{ accounts: DemoAccount[]; ids: DemoIds }> {
  if (!isDatabaseEmpty(db)) throw new Error('数据库已有数据，演示数据只能写入新数据库')
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  // The demo sheet is built on the shipped library; loading it is idempotent.
  ensureLibrary(db, at)
  ensureSpecialties(db, at)
  const ids = db.transaction(
    (tx) => {
      const orgs = Object.fromEntries(
        Object.entries(DEMO_ORGS).map(([key, spec]) => [key, insertOrganization(tx, spec, at).id]),
      ) as DemoIds['orgs']
      const units = DEMO_UNITS.map((u) => {
        const id = newId()
        tx.insert(evaluatedUnits)
          .values({ id, financeBureauId: orgs[u.bureau], name: u.name, competentDepartment: u.competentDepartment, createdAt: at.toISOString() })
          .run()
        return id
      })
      const userIds: Record<string, string> = {}
      for (const a of DEMO_ACCOUNTS) {
        userIds[a.username] = insertUser(
          tx,
          {
            username: a.username,
            displayName: a.displayName,
            role: a.role,
            organizationId: a.org ? orgs[a.org] : null,
            evaluatedUnitId: a.unit !== undefined ? units[a.unit]! : null,
            orgAdmin: a.orgAdmin,
            passwordHash,
          },
          at,
        ).id
      }
      seedDemoEngagements(tx, { orgs, units, users: userIds }, at)
      seedDemoExperts(tx, { orgs, units, users: userIds }, at)
      const sheets = seedDemoSheets(tx, { orgs, units, users: userIds }, at)
      const creditEntries = seedDemoCredit(tx, { orgs, units, users: userIds }, at)
      appendAudit(tx, {
        actor: { userId: null, role: 'system', organizationId: null },
        action: 'seed.demo',
        entity: 'database',
        after: { organizations: Object.keys(orgs).length, users: DEMO_ACCOUNTS.length, sheets, creditEntries },
        at,
      })
      return { orgs, units, users: userIds }
    },
    { behavior: 'immediate' },
  )
  return { ids, accounts: demoAccountList() }
}

export function demoAccountList(): DemoAccount[] {
  return DEMO_ACCOUNTS.map((a) => ({
    username: a.username,
    role: a.role,
    displayName: a.displayName,
    organization: a.org ? DEMO_ORGS[a.org].name : a.unit !== undefined ? DEMO_UNITS[a.unit]!.name : '—',
  }))
}
