// The expert pool against a real migrated SQLite file: the demo pool, search and filters, create
// and edit with version tokens, validation messages, status, the specialty list, the all-or-nothing
// import, and who may read or change the pool.
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, expertEmployments, experts, expertSpecialties, specialties } from '../db/schema'
import { DEMO_EXPERTS } from '../db/seed/demo-experts'
import { DEFAULT_SPECIALTIES } from '../app/domain/experts/vocab'
import { verifyAuditChain } from '../app/models/audit.server'
import { listExperts, listSpecialties } from '../app/models/expert.server'
import {
  addSpecialty,
  createExpert,
  ensureSpecialties,
  expertForViewer,
  importExperts,
  inputOf,
  mayManagePool,
  moveSpecialty,
  poolExport,
  poolPage,
  readPoolQuery,
  renameSpecialty,
  setExpertStatus,
  setSpecialtyActive,
  SpecialtyLabelForm,
  updateExpert,
  type ExpertImportRow,
} from '../app/services/expert-pool.server'
import { CLI_OPERATOR } from '../app/services/user-admin.server'
import { parseExpertForm, type ExpertInput } from '../app/utils/expert-form'
import { parseForm } from '../app/utils/form'
import { formData, demoDatabase } from './helpers/demo-db'
import { makeTempDb, TEST_AUDIT_KEY } from './helpers/temp-db'

const T0 = new Date('2026-03-01T08:00:00.000Z')
const demo = demoDatabase(T0)
const { tick, actorOf, op } = demo
const form = formData
let db: Db
beforeAll(() => {
  db = demo.db()
})

const VALID: Record<string, string | string[]> = {
  name: '测试专家',
  employer: '浙江工业大学经济学院',
  title: 'associate',
  region: '浙江省杭州市',
  phone: '13912345678',
  email: 'test.expert@example.com',
  note: '',
  specialties: ['finance', 'economics'],
  employmentOrganization: ['浙江工业大学经济学院', '', '杭州市滨江区教育局'],
  employmentFrom: ['2019-09-01', '', '2012-09-01'],
  employmentTo: ['', '', '2019-08-31'],
  relationKind: ['shareholding'],
  relationOrganization: ['杭州某科技有限公司'],
  relationNote: ['持股 2%'],
  unavailableFrom: ['2026-04-01'],
  unavailableTo: ['2026-04-10'],
  unavailableNote: ['外出'],
}

function inputFrom(fields: Record<string, string | string[]>): ExpertInput {
  const parsed = parseExpertForm(form(fields))
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  return parsed.data
}

const expertNamed = (name: string) => db.select().from(experts).where(eq(experts.name, name)).get()
const lastAudit = () => db.select().from(auditLog).orderBy(auditLog.seq).all().at(-1)!
const auditCount = () => db.select().from(auditLog).all().length

describe('the demo pool', () => {
  test('seeds the specialty list once, and the demo experts with their links', () => {
    expect(listSpecialties(db).map((s) => s.label)).toEqual(DEFAULT_SPECIALTIES.map((s) => s.label))
    expect(ensureSpecialties(db, tick())).toBe(0)
    const all = listExperts(db, { page: 1, pageSize: 1000 }).rows
    expect(all).toHaveLength(DEMO_EXPERTS.length)
    expect(all.length).toBeGreaterThanOrEqual(30)
    const active = (code: string) => all.filter((e) => e.status === 'active' && e.specialties.some((s) => s.code === code)).length
    expect(active('finance')).toBeGreaterThanOrEqual(6)
    expect(active('education')).toBeGreaterThanOrEqual(6)
    const zhang = all.find((e) => e.userId === actorOf('expert.zhang').userId)!
    expect(zhang.name).toBe('张教授')
    expect(zhang.specialties.map((s) => s.label)).toEqual(['财务', '政策研究'])
    expect(all.filter((e) => e.status === 'suspended')).toHaveLength(1)
    const formerStaff = db.select().from(expertEmployments).where(eq(expertEmployments.organization, '杭州市滨江区教育局')).all()
    expect(formerStaff.length).toBeGreaterThanOrEqual(3)
    for (const e of all) expect(e.phone === '' || /^1[3-9]\d{9}$|^0\d{2,3}-\d{7,8}$/.test(e.phone)).toBe(true)
    for (const e of all) expect(e.email).toMatch(/@example\.com$/)
  })
})

describe('search, filters and paging', () => {
  test('name or employer contains; specialty, title, status and region narrow; sorted by name', () => {
    const byName = listExperts(db, { q: '建', page: 1 }).rows.map((r) => r.name)
    expect(byName).toEqual(expect.arrayContaining(['陈建华', '沈建平', '秦建国']))
    expect([...byName]).toEqual([...byName].sort())
    const byEmployer = listExperts(db, { q: '浙江财经大学', page: 1 }).rows
    expect(byEmployer.map((r) => r.name).sort()).toEqual(['周敏', '王立新', '陶建军'].sort())
    expect(listExperts(db, { specialty: 'education', title: 'senior', page: 1 }).rows.every((r) => r.title === 'senior' && r.specialties.some((s) => s.code === 'education'))).toBe(true)
    expect(listExperts(db, { status: 'suspended', page: 1 }).rows.map((r) => r.name)).toEqual(['周敏'])
    expect(listExperts(db, { region: '浙江省杭州市临安区', page: 1 }).rows.map((r) => r.name)).toEqual(['朱海燕'])
    // LIKE wildcards are text here.
    expect(listExperts(db, { q: '%', page: 1 }).total).toBe(0)
    expect(listExperts(db, { q: '_', page: 1 }).total).toBe(0)
  })

  test('the query string is read leniently: nonsense is dropped, never an error', () => {
    const q = readPoolQuery(new URLSearchParams('q=%20张%20&specialty=finance&title=boss&status=active&region=&page=abc'))
    expect(q).toEqual({ q: '张', specialty: 'finance', status: 'active', page: 1 })
    expect(readPoolQuery(new URLSearchParams("specialty=' OR 1=1 --&page=9999999")).specialty).toBeUndefined()
  })

  test('a page past the end shows the last page; pages hold 50', async () => {
    const rows: ExpertImportRow[] = Array.from({ length: 60 }, (_, i) => ({
      row: i + 2,
      status: 'active',
      input: { ...inputFrom(VALID), name: `批量专家${String(i).padStart(2, '0')}`, phone: `1370000${String(i).padStart(4, '0')}`, specialties: ['审计'] },
    }))
    expect(importExperts(db, CLI_OPERATOR, rows, tick()).ok).toBe(true)
    const first = poolPage(db, op('mingjian.li'), { q: '批量专家', page: 1 })!
    expect(first.total).toBe(60)
    expect(first.rows).toHaveLength(50)
    const past = poolPage(db, op('mingjian.li'), { q: '批量专家', page: 9 })!
    expect(past.query.page).toBe(2)
    expect(past.rows.map((r) => r.name)[0]).toBe('批量专家50')
  })
})

describe('create and edit', () => {
  test('the form reports every problem beside its field and keeps what was typed', () => {
    const parsed = parseExpertForm(
      form({
        ...VALID,
        name: '',
        title: 'boss',
        phone: '1381234567',
        email: 'not-an-email',
        specialties: [],
        employmentFrom: ['2019-13-01', '', '2012-09-01'],
        employmentTo: ['', '', '2011-08-31'],
        relationKind: ['cousin'],
        unavailableTo: ['2026-03-01'],
      }),
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors).toMatchObject({
      name: '请填写姓名',
      title: '请选择职称',
      phone: '手机号应为 11 位数字（现为 10 位）',
      email: '邮箱格式不正确，如 name@example.com',
      specialties: '请至少选择一个专业领域',
      'employmentFrom.0': '起始日期格式应为 年-月-日',
      'employmentTo.2': '截止日期 2011-08-31 早于起始日期 2012-09-01',
      'relationKind.0': '请选择关系类型',
      'unavailableTo.0': '截止日期 2026-03-01 早于起始日期 2026-04-01',
    })
    // The blank middle row is skipped, not an error; what was typed comes back.
    expect(parsed.errors['employmentOrganization.1']).toBeUndefined()
    expect(parsed.values.employmentOrganization).toEqual(VALID.employmentOrganization)
    const noContact = parseExpertForm(form({ ...VALID, phone: '', email: '' }))
    expect(!noContact.ok && noContact.errors.phone).toBe('手机/电话与邮箱至少填写一项')
    const pipe = parseExpertForm(form({ ...VALID, relationOrganization: ['某|公司'] }))
    expect(!pipe.ok && pipe.errors['relationOrganization.0']).toBe('关联单位不能包含“|”')
  })

  test('create stores the expert with every row, audited; a duplicate is refused', () => {
    const before = auditCount()
    const created = createExpert(db, CLI_OPERATOR, inputFrom(VALID), tick())
    expect(created.ok).toBe(true)
    if (!created.ok) return
    const e = expertForViewer(db, CLI_OPERATOR, created.value.id)!
    expect(e.status).toBe('active')
    expect(e.specialties.map((s) => s.label)).toEqual(['财务', '经济'])
    expect(e.employments.map((x) => [x.organization, x.toDate])).toEqual([
      ['浙江工业大学经济学院', null],
      ['杭州市滨江区教育局', '2019-08-31'],
    ])
    expect(e.relations).toMatchObject([{ kind: 'shareholding', organization: '杭州某科技有限公司', note: '持股 2%' }])
    expect(e.unavailability).toMatchObject([{ fromDate: '2026-04-01', toDate: '2026-04-10', note: '外出' }])
    expect(auditCount()).toBe(before + 1)
    expect(lastAudit()).toMatchObject({ action: 'expert.create', entity: 'expert', entityId: e.id, organizationId: null, actorRole: 'cli' })

    const again = createExpert(db, CLI_OPERATOR, inputFrom({ ...VALID, employer: '别处' }), tick())
    expect(again).toMatchObject({ ok: false, status: 400, errors: { name: expect.stringContaining('专家库中已有「测试专家」') } })
    const unknown = createExpert(db, CLI_OPERATOR, inputFrom({ ...VALID, phone: '13900000000', email: '', specialties: ['no-such'] }), tick())
    expect(unknown).toMatchObject({ ok: false, status: 400, errors: { specialties: expect.stringContaining('专业领域选择有误') } })
    expect(auditCount()).toBe(before + 1)
  })

  test('edit saves what changed under the version token; a stale form gets 409 and changes nothing', () => {
    const e = expertNamed('测试专家')!
    const admin = op('admin')
    const input = { ...inputOf(expertForViewer(db, admin, e.id)!), employer: '浙江大学经济学院', relations: [] }
    const saved = updateExpert(db, admin, e.id, e.version, input, tick())
    expect(saved).toEqual({ ok: true, value: { changed: ['employer', 'relations'] } })
    const audit = lastAudit()
    expect(audit.action).toBe('expert.update')
    expect(JSON.parse(audit.beforeJson!)).toEqual({ employer: '浙江工业大学经济学院', relations: ['shareholding|杭州某科技有限公司|持股 2%'] })
    expect(JSON.parse(audit.afterJson!)).toEqual({ employer: '浙江大学经济学院', relations: [] })

    const stale = updateExpert(db, admin, e.id, e.version, { ...input, name: '改名' }, tick())
    expect(stale).toMatchObject({ ok: false, status: 409 })
    expect(expertNamed('测试专家')!.version).toBe(e.version + 1)
    expect(expertForViewer(db, admin, e.id)!.relations).toEqual([])

    // Nothing changed: nothing written, no audit row.
    const count = auditCount()
    expect(updateExpert(db, admin, e.id, e.version + 1, input, tick())).toEqual({ ok: true, value: { changed: [] } })
    expect(auditCount()).toBe(count)
    expect(updateExpert(db, admin, 'not-an-id', 1, input, tick())).toMatchObject({ status: 404 })
  })

  test('status: suspension needs a reason, is audited, and respects the version', () => {
    const e = expertNamed('测试专家')!
    const admin = op('admin')
    expect(setExpertStatus(db, admin, e.id, { status: 'suspended', reason: '', version: e.version }, tick())).toMatchObject({ status: 400, errors: { reason: '请填写暂停原因' } })
    expect(setExpertStatus(db, admin, e.id, { status: 'active', reason: '', version: e.version }, tick())).toMatchObject({ status: 400, errors: { status: expect.stringContaining('已是「在库」') } })
    expect(setExpertStatus(db, admin, e.id, { status: 'suspended', reason: '身体原因', version: e.version - 1 }, tick())).toMatchObject({ status: 409 })
    expect(setExpertStatus(db, admin, e.id, { status: 'suspended', reason: '身体原因', version: e.version }, tick())).toEqual({ ok: true, value: { status: 'suspended' } })
    expect(lastAudit()).toMatchObject({ action: 'expert.status', beforeJson: '{"status":"active"}', afterJson: '{"status":"suspended","statusReason":"身体原因"}' })
    expect(expertNamed('测试专家')!.status).toBe('suspended')
  })
})

describe('who may read and change the pool', () => {
  test('agency staff read but do not change; finance, units and experts do not read; an expert reads only their own record', () => {
    const e = expertNamed('测试专家')!
    for (const who of ['mingjian.admin', 'mingjian.li', 'hengping.admin']) {
      expect(poolPage(db, op(who), { page: 1 }), who).not.toBeNull()
      expect(expertForViewer(db, op(who), e.id), who).toBeDefined()
      expect(mayManagePool(op(who)), who).toBe(false)
      expect(createExpert(db, op(who), inputFrom({ ...VALID, name: '越权专家' }), tick()), who).toMatchObject({ status: 403 })
      expect(updateExpert(db, op(who), e.id, e.version, inputOf(expertForViewer(db, CLI_OPERATOR, e.id)!), tick()), who).toMatchObject({ status: 403 })
      expect(setExpertStatus(db, op(who), e.id, { status: 'active', reason: '', version: e.version }, tick()), who).toMatchObject({ status: 403 })
      expect(addSpecialty(db, op(who), '越权领域', tick()), who).toMatchObject({ status: 403 })
    }
    for (const who of ['binjiang.finance', 'unit.edu', 'expert.zhang']) {
      expect(poolPage(db, op(who), { page: 1 }), who).toBeNull()
      expect(poolExport(db, op(who), { page: 1 }), who).toBeNull()
      expect(expertForViewer(db, op(who), e.id), who).toBeUndefined()
      expect(updateExpert(db, op(who), e.id, e.version, inputOf(expertForViewer(db, CLI_OPERATOR, e.id)!), tick()), who).toMatchObject({ status: 404 })
    }
    const zhang = db.select().from(experts).where(eq(experts.userId, actorOf('expert.zhang').userId)).get()!
    expect(expertForViewer(db, op('expert.zhang'), zhang.id)?.name).toBe('张教授')
    expect(expertNamed('越权专家')).toBeUndefined()
  })
})

describe('the specialty list', () => {
  test('add, rename, reorder; labels stay unique and free of separators', () => {
    const admin = op('admin')
    const added = addSpecialty(db, admin, '水利', tick())
    expect(added.ok).toBe(true)
    if (!added.ok) return
    expect(addSpecialty(db, admin, '水利', tick())).toMatchObject({ status: 400, errors: { label: '已有专业领域「水利」' } })
    expect(parseForm(SpecialtyLabelForm, form({ label: '水利、水务' }))).toMatchObject({ ok: false, errors: { label: expect.stringContaining('顿号') } })
    expect(renameSpecialty(db, admin, added.value.code, '水利水务', tick()).ok).toBe(true)
    expect(renameSpecialty(db, admin, added.value.code, '财务', tick())).toMatchObject({ status: 400 })
    const order = () => listSpecialties(db).filter((s) => s.active).map((s) => s.label)
    expect(order().at(-1)).toBe('水利水务')
    expect(moveSpecialty(db, admin, added.value.code, 'up', tick()).ok).toBe(true)
    expect(order().slice(-2)).toEqual(['水利水务', '管理'])
    expect(moveSpecialty(db, admin, 'finance', 'up', tick()).ok).toBe(true) // already first: nothing to do
    expect(order()[0]).toBe('财务')
    expect(lastAudit().action).toBe('specialty.reorder')
    expect(renameSpecialty(db, admin, 'NOPE', 'x', tick())).toMatchObject({ status: 404 })
  })

  test('retiring keeps existing links but offers the specialty to nobody new; restoring brings it back', () => {
    const admin = op('admin')
    const holder = expertNamed('华晓燕')!
    expect(setSpecialtyActive(db, admin, 'ecology', false, tick()).ok).toBe(true)
    expect(lastAudit().action).toBe('specialty.retire')
    expect(db.select().from(expertSpecialties).where(eq(expertSpecialties.specialtyCode, 'ecology')).all().map((l) => l.expertId)).toContain(holder.id)
    expect(listSpecialties(db).at(-1)).toMatchObject({ code: 'ecology', active: false })
    // Her own record still saves with it; someone new cannot take it.
    const hers = inputOf(expertForViewer(db, admin, holder.id)!)
    expect(updateExpert(db, admin, holder.id, holder.version, { ...hers, note: '复核' }, tick()).ok).toBe(true)
    const newcomer = createExpert(db, admin, inputFrom({ ...VALID, name: '新人', phone: '13500000001', email: '', specialties: ['ecology'] }), tick())
    expect(newcomer).toMatchObject({ status: 400, errors: { specialties: '专业领域「生态环境」已停用，不能再选择' } })
    expect(addSpecialty(db, admin, '生态环境', tick())).toMatchObject({ errors: { label: expect.stringContaining('已停用') } })
    expect(setSpecialtyActive(db, admin, 'ecology', true, tick()).ok).toBe(true)
    expect(listSpecialties(db).find((s) => s.code === 'ecology')!.active).toBe(true)
  })

  test('the last active specialty cannot be retired', () => {
    const scratch = makeTempDb()
    try {
      ensureSpecialties(scratch.db, T0)
      const codes = listSpecialties(scratch.db).map((s) => s.code)
      for (const code of codes.slice(1)) expect(setSpecialtyActive(scratch.db, CLI_OPERATOR, code, false, T0).ok).toBe(true)
      expect(setSpecialtyActive(scratch.db, CLI_OPERATOR, codes[0]!, false, T0)).toMatchObject({ status: 400, errors: { _form: '至少保留一个启用的专业领域' } })
    } finally {
      scratch.cleanup()
    }
  })
})

describe('import', () => {
  const row = (n: number, patch: Partial<ExpertInput>, status: ExpertImportRow['status'] = 'active'): ExpertImportRow => ({
    row: n,
    status,
    input: { ...inputFrom(VALID), name: `导入专家${n}`, phone: `1360000${String(n).padStart(4, '0')}`, email: '', specialties: ['财务'], ...patch },
  })
  const count = () => db.select().from(experts).all().length

  test('any bad row refuses the whole file, naming each row and column', () => {
    const before = count()
    const audits = auditCount()
    const result = importExperts(
      db,
      CLI_OPERATOR,
      [row(2, {}), row(3, { specialties: ['财务', '天文'] }), row(4, { name: '王立新', phone: '13805710002' }), row(5, { phone: '13600000002', name: '导入专家2' })],
      tick(),
    )
    expect(result.ok).toBe(false)
    if (result.ok || !('problems' in result)) return
    expect(result.problems).toEqual([
      { row: 3, column: '专业领域', message: expect.stringMatching(/^无法识别「天文」，可选：财务、审计/) },
      { row: 4, column: '姓名', message: '专家库中已有「王立新」（电话或邮箱相同），请勿重复导入' },
      { row: 5, column: '姓名', message: '与第 2 行是同一位专家（姓名及电话或邮箱相同）' },
    ])
    expect(result.errors._form).toBe('共 3 处问题，未导入任何专家')
    expect(count()).toBe(before)
    expect(auditCount()).toBe(audits)
  })

  test('a clean file adds every expert with its status, in one audited action; agency staff cannot import', () => {
    const before = count()
    const result = importExperts(db, op('admin'), [row(2, { specialties: ['财务', 'audit'] }), row(3, {}, 'suspended')], tick())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(count()).toBe(before + 2)
    expect(expertNamed('导入专家3')!.status).toBe('suspended')
    expect(expertForViewer(db, CLI_OPERATOR, result.value.ids[0]!)!.specialties.map((s) => s.code)).toEqual(['finance', 'audit'])
    expect(lastAudit()).toMatchObject({ action: 'expert.import', entity: 'expert' })
    expect(JSON.parse(lastAudit().afterJson!)).toEqual({ count: 2, ids: result.value.ids })
    expect(importExperts(db, op('mingjian.admin'), [row(9, {})], tick())).toMatchObject({ status: 403 })
    expect(importExperts(db, CLI_OPERATOR, [], tick())).toMatchObject({ status: 400 })
  })

  test('export lists the filtered pool in full; the audit chain holds', () => {
    const finance = poolExport(db, op('mingjian.li'), { specialty: 'finance', status: 'active', page: 3 })!
    expect(finance.length).toBeGreaterThanOrEqual(6)
    expect(finance.every((e) => e.status === 'active' && e.specialties.some((s) => s.code === 'finance'))).toBe(true)
    const chen = poolExport(db, op('mingjian.li'), { q: '陈建华', page: 1 })![0]!
    expect(chen.employments.map((x) => x.organization)).toContain('杭州市滨江区教育局')
    expect(db.select().from(specialties).all().length).toBe(DEFAULT_SPECIALTIES.length + 1)
    expect(verifyAuditChain(db, TEST_AUDIT_KEY).ok).toBe(true)
  })
})
