// 信用报告 and the credit list export (issue 8 item 7): the report rendered in both formats reads back
// with the subject, grade, entries and policy; on the demo database each reader gets only the files
// it may see, under the policy it sees them by, every export audited; the list is an .xlsx without a
// single formula cell. Over HTTP: the downloads' headers and the 404s.
import { and, eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, organizations } from '../db/schema'
import { pointsText, type CreditStanding } from '../app/domain/credit/evaluate'
import { DEFAULT_POLICY } from '../app/domain/credit/policy'
import type { Actor } from '../app/domain/permissions'
import { newId } from '../app/ids.server'
import { auditActor, verifyAuditChain } from '../app/models/audit.server'
import { recordEntry, savePolicyVersion, standingOf, visibleSubjects } from '../app/services/credit.server'
import { creditListRows, exportCreditList, exportCreditReport, parseSubjectType, writeCreditListWorkbook } from '../app/services/credit-report.server'
import { inTransaction } from '../app/services/transaction.server'
import { composeCreditReport } from '../reports/compose/credit'
import { creditModel } from '../reports/fixtures/credit-model'
import { squash } from '../reports/pdf/read-pdf'
import { renderDocument } from '../reports/render'
import { docxText, pdfText, xlsxText } from './helpers/file-text'
import { loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'
import { actorOf } from './helpers/panel-fixture'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'
import { openDatabase } from '../db/client.server'

describe('the credit report in both formats', () => {
  it('reads back with the subject, the grade, an entry, the blacklisting and the policy caption', async () => {
    const [docx, pdf] = await renderDocument(composeCreditReport(creditModel()), ['docx', 'pdf'])
    const texts = { docx: squash(docxText(docx!.bytes)), pdf: await pdfText(pdf!.bytes) }
    for (const [format, text] of Object.entries(texts)) {
      for (const expected of ['浙江测试绩效评价咨询有限公司', '信用报告', 'D（60分以下）', '报告中满意度数据与问卷原始记录不符', '默认信用政策（第1版）', '2026-02-10至2029-02-09', '申诉中', '西湖区信用政策（第2版）'])
        expect(text, `${format}: ${expected}`).toContain(expected)
    }
  })
})

const NOW = new Date('2026-03-01T02:00:00.000Z')
let temp: TempDb
let agencyA: string
let agencyB: string
let bureauX: string
let bureauY: string
let reviewerX: Actor
/** Agency A's standing on ON under each bureau's policy, before and after the test's grave entry. */
let before: CreditStanding
let underX: CreditStanding
let underY: CreditStanding
const ON = '2026-03-01'

const orgId = (name: string) => temp.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name)).get()!.id

beforeAll(async () => {
  temp = await makeDemoDb(new Date('2026-01-05T00:00:00.000Z'))
  agencyA = orgId('浙江明鉴绩效评价咨询有限公司')
  agencyB = orgId('杭州衡平会计师事务所')
  bureauX = orgId('杭州市滨江区财政局')
  bureauY = orgId('杭州市西湖区财政局')
  reviewerX = actorOf(temp.db, 'binjiang.finance')
  const reviewerY = actorOf(temp.db, 'xihu.finance')
  const { id: _id, version: _version, ...draft } = DEFAULT_POLICY
  // The demo may seed entries of its own: the test reasons from the standing before its entry.
  before = standingOf(temp.db, { type: 'agency', id: agencyA }, bureauX, ON)
  inTransaction(temp.db, (tx) => {
    expect(savePolicyVersion(tx, reviewerY, bureauY, { ...draft, name: '西湖区信用政策', baseScore: 9_000 }, NOW).ok).toBe(true)
    recordEntry(
      tx,
      {
        subject: { type: 'agency', id: agencyA },
        kind: 'false_report',
        severity: 'grave',
        points: null,
        effectiveOn: '2026-02-01',
        expiresOn: null,
        description: '绩效报告满意度数据与问卷原始记录不符',
        source: 'bureau',
        sourceRef: null,
        issuerOrgId: bureauX,
        issuedBy: reviewerX.userId,
        bureauId: bureauX,
        engagementId: null,
        fileIds: [],
      },
      auditActor(reviewerX),
      NOW,
    )
  })
  underX = standingOf(temp.db, { type: 'agency', id: agencyA }, bureauX, ON)
  underY = standingOf(temp.db, { type: 'agency', id: agencyA }, bureauY, ON)
})
afterAll(() => temp.cleanup())

it('the grave entry takes 40 points and blacklists agency A for three years', () => {
  expect(before.score).toBeGreaterThanOrEqual(4_000)
  expect(underX.score).toBe(before.score - 4_000)
  expect(underY.score).toBe(underX.score - 1_000)
  expect(underX.blacklisting).toMatchObject({ active: true, from: '2026-02-01', to: '2029-01-31' })
  expect(underX.grade).toBe('D')
})

const exportsOf = (action: string) => temp.db.select().from(auditLog).where(eq(auditLog.action, action)).all()

describe('exportCreditReport', () => {
  it("grades under the reviewer's own bureau by default and under another bureau the subject worked for on request, audited", async () => {
    const own = await exportCreditReport(temp.db, reviewerX, agencyA, null, 'pdf', NOW)
    expect(own!.filename).toBe('浙江明鉴绩效评价咨询有限公司-信用报告-2026-03-01')
    const text = await pdfText(own!.bytes)
    for (const s of ['浙江明鉴绩效评价咨询有限公司', '评价机构', '绩效报告满意度数据与问卷原始记录不符', '杭州市滨江区财政局的默认信用政策（第1版）', `信用分为${pointsText(underX.score)}分`, 'D（60分以下）', '2026-02-01至2029-01-31', '西湖区信用政策（第1版）'])
      expect(text).toContain(s)

    const other = await exportCreditReport(temp.db, reviewerX, agencyA, bureauY, 'docx', NOW)
    expect(squash(docxText(other!.bytes))).toContain(`杭州市西湖区财政局的西湖区信用政策（第1版），浙江明鉴绩效评价咨询有限公司的信用分为${pointsText(underY.score)}分`)

    const rows = temp.db.select().from(auditLog).where(and(eq(auditLog.action, 'credit_report.export'), eq(auditLog.entityId, agencyA))).all()
    expect(rows.map((r) => JSON.parse(r.afterJson!) as { format: string; bureauId: string; score: number; grade: string })).toMatchObject([
      { format: 'pdf', bureauId: bureauX, score: underX.score, grade: 'D' },
      { format: 'docx', bureauId: bureauY, score: underY.score, grade: 'D' },
    ])
    expect(rows.every((r) => r.actorUserId === reviewerX.userId && r.entity === 'credit_agency')).toBe(true)
    expect(verifyAuditChain(temp.db, TEST_AUDIT_KEY).ok).toBe(true)
  })

  it('is null (404) for a file the reader may not see, an unknown id, or a bureau it may not pick', async () => {
    const before = exportsOf('credit_report.export').length
    expect(await exportCreditReport(temp.db, actorOf(temp.db, 'hengping.admin'), agencyA, null, 'pdf', NOW)).toBeNull()
    expect(await exportCreditReport(temp.db, actorOf(temp.db, 'expert.zhang'), agencyA, null, 'pdf', NOW)).toBeNull()
    expect(await exportCreditReport(temp.db, actorOf(temp.db, 'xihu.finance'), agencyB, null, 'pdf', NOW)).toBeNull()
    expect(await exportCreditReport(temp.db, reviewerX, newId(), null, 'pdf', NOW)).toBeNull()
    // 衡平 never worked for 西湖区: its file is not graded by that bureau's policy.
    expect(await exportCreditReport(temp.db, reviewerX, agencyB, bureauY, 'pdf', NOW)).toBeNull()
    expect(await exportCreditReport(temp.db, reviewerX, agencyA, newId(), 'pdf', NOW)).toBeNull()
    expect(exportsOf('credit_report.export')).toHaveLength(before)
    // The agency reads its own file under the bureau it last worked for (滨江区, 2026-01-02).
    const own = await exportCreditReport(temp.db, actorOf(temp.db, 'mingjian.admin'), agencyA, null, 'pdf', NOW)
    expect(await pdfText(own!.bytes)).toContain('杭州市滨江区财政局的默认信用政策')
  })
})

describe('the credit list', () => {
  it('has one row per file the reader may see, graded under the policy the reader sees it by', () => {
    for (const username of ['admin', 'mingjian.admin', 'mingjian.li', 'hengping.admin', 'binjiang.finance', 'xihu.finance', 'expert.zhang', 'unit.edu']) {
      const actor = actorOf(temp.db, username)
      expect(creditListRows(temp.db, actor, undefined, ON).map((r) => r.id), username).toEqual(visibleSubjects(temp.db, actor).map((s) => s.id))
    }
    const counted = underX.contributions.filter((c) => c.status === 'counted')
    expect(creditListRows(temp.db, actorOf(temp.db, 'mingjian.admin'), 'agency', ON)).toEqual([
      {
        id: agencyA,
        type: 'agency',
        name: '浙江明鉴绩效评价咨询有限公司',
        agencyName: '',
        score: underX.score,
        grade: 'D',
        policy: '默认信用政策（第 1 版）',
        policyBureau: '杭州市滨江区财政局',
        blacklistFrom: '2026-02-01',
        blacklistTo: '2029-01-31',
        blacklistState: '失信期内（经查实虚假报告、串通或数据造假（较重及以上））',
        entries: underX.contributions.length,
        countedPositive: counted.filter((c) => c.nominal > 0).length,
        countedNegative: counted.filter((c) => c.nominal < 0).length,
      },
    ])
    const west = creditListRows(temp.db, actorOf(temp.db, 'xihu.finance'), 'agency', ON)
    expect(west.map((r) => [r.name, r.score, r.policy, r.policyBureau])).toEqual([['浙江明鉴绩效评价咨询有限公司', underY.score, '西湖区信用政策（第 1 版）', '杭州市西湖区财政局']])
    const [expert, ...more] = creditListRows(temp.db, actorOf(temp.db, 'expert.zhang'), undefined, ON)
    expect(more).toEqual([])
    const own = standingOf(temp.db, expert!, null, ON)
    expect([expert!.type, expert!.name, expert!.score, expert!.grade, expert!.policyBureau]).toEqual(['expert', '张教授', own.score, own.grade, ''])
    expect(creditListRows(temp.db, reviewerX, 'practitioner', ON).map((r) => r.agencyName).sort()).toEqual(['杭州衡平会计师事务所', '浙江明鉴绩效评价咨询有限公司', '浙江明鉴绩效评价咨询有限公司'])
  })

  it('writes every text as text: a name that looks like a formula stays a string, numbers stay numbers', async () => {
    const hostile = '=HYPERLINK("http://evil.example","点我")'
    const rows = creditListRows(temp.db, actorOf(temp.db, 'admin'), 'agency', ON).map((r, i) => (i === 0 ? { ...r, name: hostile, policyBureau: '+1-2' } : r))
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await writeCreditListWorkbook('信用档案清单', rows)) as unknown as ExcelJS.Buffer)
    const sheet = workbook.worksheets[0]!
    const cells: ExcelJS.Cell[] = []
    sheet.eachRow((row) => row.eachCell((c) => cells.push(c)))
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula || typeof c.value === 'object')).toEqual([])
    expect(sheet.getRow(4).values).toEqual([undefined, '名称', '类别', '所属机构', '信用分', '信用等级', '信用政策', '政策制定部门', '失信名单起', '失信名单止', '失信状态', '记录总数', '计入的正面记录', '计入的负面记录'])
    expect(sheet.getCell(5, 1).value).toBe(`'${hostile}`)
    expect(sheet.getCell(5, 7).value).toBe("'+1-2")
    const a = sheet.getRow(5 + rows.findIndex((r) => r.id === agencyA))
    expect([a.getCell(4).value, a.getCell(5).value, a.getCell(8).value, a.getCell(9).value, a.getCell(13).value]).toEqual([underX.score / 100, 'D', '2026-02-01', '2029-01-31', rows.find((r) => r.id === agencyA)!.countedNegative])
    expect(sheet.rowCount).toBe(4 + rows.length)
  })

  it('exports and audits the list; ?type is checked', async () => {
    const file = await exportCreditList(temp.db, actorOf(temp.db, 'hengping.admin'), 'practitioner', NOW)
    expect(file.filename).toBe('信用档案清单-从业人员-2026-03-01.xlsx')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(file.bytes as unknown as ExcelJS.Buffer)
    const names: unknown[] = []
    workbook.worksheets[0]!.eachRow((row, n) => n > 4 && names.push(row.getCell(1).value))
    expect(names).toEqual(['周衡平'])
    expect(exportsOf('credit_list.export').map((r) => JSON.parse(r.afterJson!) as unknown)).toEqual([{ type: 'practitioner', on: '2026-03-01', count: 1 }])
    expect([parseSubjectType(null), parseSubjectType(''), parseSubjectType('expert'), parseSubjectType('org')]).toEqual([undefined, undefined, 'expert', 'invalid'])
  })
})

describe('over HTTP', () => {
  let server: RunningServer
  let agency: string
  beforeAll(async () => {
    server = await startServer()
    const db = openDatabase(server.dbFile, { readonly: true })
    agency = db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, '浙江明鉴绩效评价咨询有限公司')).get()!.id
    db.$client.close()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('serves the report as an attachment with a Chinese file name, nosniff and no-store; 404 to a reader without the file', async () => {
    const reviewer = await loggedIn(server.url, 'binjiang.finance')
    for (const format of ['pdf', 'docx'] as const) {
      const res = await reviewer.get(`/credit/${agency}/report.${format}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('浙江明鉴绩效评价咨询有限公司-信用报告-')}`)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('cache-control')).toContain('no-store')
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(format === 'pdf' ? await pdfText(bytes) : squash(docxText(bytes))).toContain('杭州市滨江区财政局的默认信用政策（第1版）')
    }
    const other = await loggedIn(server.url, 'hengping.admin')
    expect((await other.get(`/credit/${agency}/report.pdf`)).status).toBe(404)
    expect((await reviewer.get(`/credit/${agency}/report.pdf?bureau=${agency}`)).status).toBe(404)
  })

  it("exports the reader's list, one kind with ?type, and refuses another type", async () => {
    const other = await loggedIn(server.url, 'hengping.admin')
    const res = await other.get('/credit.xlsx?type=agency')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('信用档案清单-评价机构-'))
    const text = await xlsxText(new Uint8Array(await res.arrayBuffer()))
    expect(text).toContain('杭州衡平会计师事务所')
    expect(text).not.toContain('浙江明鉴')
    expect((await other.get('/credit.xlsx?type=bureau')).status).toBe(400)
  })
})
