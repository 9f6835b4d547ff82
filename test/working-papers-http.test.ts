// Working papers over HTTP against the built server: the lead uploads papers to an indicator and to
// the engagement (accepted PDF/PNG; refused oversize 413, disguised 415, a DOCX lacking its parts and
// a ZIP bomb 415, none leaving a file or a row), a path-traversal name kept only as a cleaned display
// name, a second version beside the first; the retention date refuses deletion until it has passed
// and then only the agency's admin deletes (softly, the file kept); an expert on the panel downloads
// the papers of the indicators they score and gets 404 for any other; the report's evidence list.
import fs from 'node:fs'
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import { zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, documentRequestFiles, engagements, engagementUnits, evaluatedUnits, organizations, storedFiles, users, workingPapers, workingPaperVersions } from '../db/schema'
import { walkTree } from '../app/domain/indicators/tree'
import { currentSheet, parseTree } from '../app/models/framework.server'
import { startSheet } from '../app/services/sheet.server'
import type { Actor } from '../app/domain/permissions'
import { prepareFile } from '../app/files/store.server'
import { newId } from '../app/ids.server'
import { createRequest, uploadToRequest } from '../app/services/document-requests.server'
import { deletePaper } from '../app/services/working-papers.server'
import { buildReportModel } from '../reports/build-model.server'
import { Client, loggedIn } from './helpers/http'
import { serverWithOpenScoring } from './helpers/open-scoring'
import { actorOf, form, type ReadyPanel } from './helpers/panel-fixture'
import type { RunningServer } from './helpers/server'

const OTHER_ENGAGEMENT = '2025年滨江区义务教育阶段学生资助资金项目支出绩效评价'
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')])
const PDF_V2 = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 0x41), Buffer.from('\n%%EOF\n')])
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)])
const enc = (s: string) => new TextEncoder().encode(s)

let server: RunningServer
let db: Db
let panel: ReadyPanel
let otherId: string
let leaf: string
let lead: Client
let admin: Client
let expert: Client
let cy2020: string

beforeAll(async () => {
  ;({ server, db, panel, frameworkVersionId: cy2020 } = await serverWithOpenScoring(3))
  const at = new Date()
  leaf = walkTree(parseTree(currentSheet(db, panel.engagementId)!.treeJson)).find(({ node }) => node.children.length === 0)!.node.code
  otherId = db.select().from(engagements).where(eq(engagements.name, OTHER_ENGAGEMENT)).get()!.id
  // The other engagement gets the same sheet, so its paper can carry the very same indicator code.
  startSheet(db, actorOf(db, 'mingjian.li'), otherId, form({ frameworkVersionId: cy2020 }), at)
  lead = await loggedIn(server.url, 'mingjian.zhao')
  admin = await loggedIn(server.url, 'mingjian.admin')
  expert = await new Client(server.url).login('fx.expert0', 'Fixture-expert-password-1')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const page = (id = panel.engagementId) => `/engagements/${id}/papers`
const papers = () => db.select().from(workingPapers).where(eq(workingPapers.engagementId, panel.engagementId)).all()
const versionsOf = (paperId: string) => db.select().from(workingPaperVersions).where(eq(workingPaperVersions.paperId, paperId)).orderBy(workingPaperVersions.versionNo).all()
const filesRoot = () => path.join(path.dirname(server.dbFile), 'files')
const filesOnDisk = () => (fs.existsSync(filesRoot()) ? fs.readdirSync(filesRoot(), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length : 0)

function uploadPaper(client: Client, fields: Record<string, string>, file: { bytes: Uint8Array; name: string } | null, id = panel.engagementId) {
  const body = new FormData()
  for (const [k, v] of Object.entries(fields)) body.append(k, v)
  if (file) body.append('file', new Blob([Uint8Array.from(file.bytes)]), file.name)
  return client.request(page(id), { method: 'POST', body })
}

const newPaper = (client: Client, title: string, indicatorCode: string, file: { bytes: Uint8Array; name: string } | null, id?: string) => uploadPaper(client, { intent: 'paper', title, indicatorCode, note: '' }, file, id)

describe('uploads', () => {
  test('a PDF on an indicator is stored with its hash, listed under the indicator and downloadable as an attachment', async () => {
    const res = await uploadPaper(lead, { intent: 'paper', title: '资金拨付凭证', indicatorCode: leaf, note: '2025 年第一、二季度' }, { bytes: PDF, name: '拨付凭证.pdf' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('已上传工作底稿「资金拨付凭证」')
    const [paper] = papers()
    expect(paper).toMatchObject({ title: '资金拨付凭证', indicatorCode: leaf, note: '2025 年第一、二季度', deletedAt: null })
    const [v1] = versionsOf(paper!.id)
    const file = db.select().from(storedFiles).where(eq(storedFiles.id, v1!.fileId)).get()!
    expect(file).toMatchObject({ mime: 'application/pdf', size: PDF.length, originalName: '拨付凭证.pdf' })
    expect(filesOnDisk()).toBe(1)
    const html = await (await lead.get(`${page()}?indicator=${leaf}`)).text()
    expect(html).toContain('资金拨付凭证')
    expect(html).toContain(`/papers/files/${v1!.id}`)
    const download = await lead.get(`${page()}/files/${v1!.id}`)
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/pdf')
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(download.headers.get('x-content-type-options')).toBe('nosniff')
    expect(download.headers.get('cache-control')).toContain('no-store')
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF)
  })

  test('refused uploads (oversize, disguised, DOCX without its parts, ZIP bomb, no file) leave no file and no row, and keep the form', async () => {
    const before = { rows: db.select().from(storedFiles).all().length, disk: filesOnDisk(), papers: papers().length }
    const big = await newPaper(lead, '大文件', leaf, { bytes: Buffer.concat([PNG, Buffer.alloc(5.5 * 1024 * 1024)]), name: '大.png' })
    expect(big.status).toBe(413)
    expect(big.headers.get('connection')).toBe('close')
    const disguised = await newPaper(lead, '伪装的网页', leaf, { bytes: Buffer.from('<html><script>alert(1)</script></html>'), name: '台账.pdf' })
    expect(disguised.status).toBe(415)
    const html = await disguised.text()
    expect(html).toContain('只能上传')
    expect(html).toContain('伪装的网页')
    const hollowDocx = Buffer.from(zipSync({ '[Content_Types].xml': enc('<Types/>'), 'docProps/app.xml': enc('<x/>') }))
    expect((await newPaper(lead, '空壳文档', leaf, { bytes: hollowDocx, name: '说明.docx' })).status).toBe(415)
    const bomb = Buffer.from(zipSync({ '[Content_Types].xml': enc('<Types/>'), 'word/document.xml': new Uint8Array(10 * 1024 * 1024) }, { level: 9 }))
    expect(bomb.length).toBeLessThan(100 * 1024)
    expect((await newPaper(lead, '压缩炸弹', leaf, { bytes: bomb, name: 'bomb.docx' })).status).toBe(415)
    const none = await newPaper(lead, '没有文件', leaf, null)
    expect(none.status).toBe(400)
    expect(await none.text()).toContain('请选择要上传的文件')
    const untitled = await newPaper(lead, '', leaf, { bytes: PDF, name: 'a.pdf' })
    expect(untitled.status).toBe(400)
    expect(await untitled.text()).toContain('请填写底稿名称')
    const badCode = await newPaper(lead, '错误指标', 'NO-SUCH', { bytes: PDF, name: 'a.pdf' })
    expect(badCode.status).toBe(400)
    expect(await badCode.text()).toContain('指标 NO-SUCH 不在本项目的评分表中')
    expect({ rows: db.select().from(storedFiles).all().length, disk: filesOnDisk(), papers: papers().length }).toEqual(before)
  })

  test('a path-traversal file name is only a cleaned display name; the bytes live under a generated name', async () => {
    const res = await newPaper(lead, '现场照片', '', { bytes: PNG, name: '../../../etc/cron.d/现场照片.png' })
    expect(res.status).toBe(200)
    const paper = papers().find((p) => p.title === '现场照片')!
    expect(paper.indicatorCode).toBeNull()
    const file = db.select().from(storedFiles).where(eq(storedFiles.id, versionsOf(paper.id)[0]!.fileId)).get()!
    expect(file.originalName).toBe('现场照片.png')
    expect(file.storageName).toMatch(/^[0-9a-f]{32}$/)
    expect(fs.existsSync(path.join(filesRoot(), file.storageName.slice(0, 2), file.storageName))).toBe(true)
    expect(fs.existsSync(path.join(path.dirname(server.dbFile), 'etc'))).toBe(false)
    const download = await lead.get(`${page()}/files/${versionsOf(paper.id)[0]!.id}`)
    expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('现场照片.png'))
  })

  test('only the engagement’s team sees or uploads papers', async () => {
    for (const username of ['hengping.admin', 'binjiang.finance', 'unit.edu']) {
      const other = await loggedIn(server.url, username)
      expect((await other.get(page())).status, username).toBe(404)
      expect((await newPaper(other, '越权', '', { bytes: PDF, name: 'x.pdf' })).status, username).toBe(404)
      expect((await other.get(`${page()}/files/${versionsOf(papers()[0]!.id)[0]!.id}`)).status, username).toBe(404)
    }
  })
})

describe('versions', () => {
  test('a new version is added beside the first, which stays as it was', async () => {
    const paper = papers().find((p) => p.title === '资金拨付凭证')!
    const res = await uploadPaper(lead, { intent: 'version', paperId: paper.id, comment: '补充第三季度凭证' }, { bytes: PDF_V2, name: '拨付凭证（更新）.pdf' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('第 2 版')
    const [v1, v2] = versionsOf(paper.id)
    expect(v2).toMatchObject({ versionNo: 2, comment: '补充第三季度凭证' })
    expect(Buffer.from(await (await lead.get(`${page()}/files/${v1!.id}`)).arrayBuffer())).toEqual(PDF)
    expect(Buffer.from(await (await lead.get(`${page()}/files/${v2!.id}`)).arrayBuffer())).toEqual(PDF_V2)
    const html = await (await lead.get(page())).text()
    expect(html).toContain('第 1 版')
    expect(html).toContain('补充第三季度凭证')
    // A version row is final in the database too.
    expect(() => db.update(workingPaperVersions).set({ comment: 'x' }).where(eq(workingPaperVersions.id, v1!.id)).run()).toThrow(/final/)
  })
})

describe('from document requests', () => {
  test('a file the unit submitted becomes a paper on an indicator, without a copy, its source the unit', async () => {
    const unitId = db.select().from(engagementUnits).where(eq(engagementUnits.engagementId, panel.engagementId)).get()!.evaluatedUnitId
    const at = new Date()
    const contactId = newId()
    db.insert(users).values({ id: contactId, username: 'fx.unit', displayName: '卫健联络', role: 'unit_contact', evaluatedUnitId: unitId, passwordHash: 'x', createdAt: at.toISOString(), updatedAt: at.toISOString() }).run()
    const contact: Actor = { userId: contactId, role: 'unit_contact', organizationId: null, orgAdmin: false, evaluatedUnitId: unitId }
    const created = createRequest(db, panel.lead, panel.engagementId, form({ title: '基本公共卫生服务台账', description: '', dueDate: '2030-06-30', unitId }), at)
    if (!created.ok) throw new Error(JSON.stringify(created.errors))
    const prepared = await prepareFile(db, { bytes: PNG, filename: '台账.png' })
    if (!prepared.ok) throw new Error(prepared.message)
    expect(uploadToRequest(db, contact, created.value.id, { note: '', version: 1 }, prepared.file, at)).toMatchObject({ ok: true })
    const requestFileId = db.select().from(documentRequestFiles).where(eq(documentRequestFiles.fileId, prepared.file.id)).get()!.id
    expect(await (await lead.get(page())).text()).toContain('基本公共卫生服务台账')

    const missing = await lead.post(page(), { intent: 'attach', requestFileId, title: '', indicatorCode: leaf, note: '' })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('请填写底稿名称')
    const ok = await lead.post(page(), { intent: 'attach', requestFileId, title: '服务台账（单位提交）', indicatorCode: leaf, note: '' })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('已从资料清单添加工作底稿「服务台账（单位提交）」')
    const paper = papers().find((p) => p.title === '服务台账（单位提交）')!
    expect(versionsOf(paper.id)).toMatchObject([{ versionNo: 1, fileId: prepared.file.id, uploadedBy: contactId }])
    // Once attached it is no longer offered, and attaching it again is refused beside the field.
    const again = await lead.post(page(), { intent: 'attach', requestFileId, title: '再次添加', indicatorCode: leaf, note: '' })
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('已添加为工作底稿')
  })
})

describe('retention', () => {
  test('the date cannot be in the past; deletion is refused before it, by anyone', async () => {
    const past = await lead.post(page(), { intent: 'retention', retainUntil: '2001-01-01', version: '0' })
    expect(past.status).toBe(400)
    expect(await past.text()).toContain('保管期限不能早于今天')
    const set = await lead.post(page(), { intent: 'retention', retainUntil: '2040-12-31', version: '0' })
    expect(set.status).toBe(200)
    expect(await set.text()).toContain('保管期限已设为 2040-12-31')
    expect((await lead.post(page(), { intent: 'retention', retainUntil: '2041-12-31', version: '0' })).status).toBe(409)
    const paper = papers().find((p) => p.title === '资金拨付凭证')!
    const refused = await admin.post(page(), { intent: 'delete', paperId: paper.id, reason: '重复上传' })
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('保管期限至 2040-12-31，期满前工作底稿不能删除')
    expect(papers().find((p) => p.id === paper.id)!.deletedAt).toBeNull()
  })

  test('after the date only the agency admin deletes, softly: the paper is marked, the files stay, the audit says so', () => {
    const paper = papers().find((p) => p.title === '现场照片')!
    const later = new Date('2041-01-02T00:00:00Z')
    expect(deletePaper(db, actorOf(db, 'mingjian.zhao'), panel.engagementId, form({ paperId: paper.id, reason: '期满清理' }), later)).toMatchObject({ ok: false, status: 403 })
    expect(deletePaper(db, actorOf(db, 'mingjian.admin'), panel.engagementId, form({ paperId: paper.id, reason: '' }), later)).toMatchObject({ ok: false, status: 400, errors: { reason: '请填写删除理由' } })
    expect(deletePaper(db, actorOf(db, 'mingjian.admin'), panel.engagementId, form({ paperId: paper.id, reason: '期满清理' }), later)).toMatchObject({ ok: true })
    expect(papers().find((p) => p.id === paper.id)).toMatchObject({ deleteReason: '期满清理' })
    expect(db.select().from(storedFiles).where(eq(storedFiles.id, versionsOf(paper.id)[0]!.fileId)).get()).toBeDefined()
    expect(db.select().from(auditLog).where(and(eq(auditLog.action, 'paper.delete'), eq(auditLog.entityId, panel.engagementId))).all()).toHaveLength(1)
    expect(() => db.delete(workingPapers).where(eq(workingPapers.id, paper.id)).run()).toThrow(/marked deleted/)
  })
})

describe('experts', () => {
  test('the scoring page lists the indicator’s papers; the expert downloads them and nothing else', async () => {
    const seat = panel.seats[0]!.seatId
    const html = await (await expert.get(`/expert/seats/${seat}/score`)).text()
    expect(html).toContain('资金拨付凭证')
    expect(html).toContain('服务台账（单位提交）')
    const paper = papers().find((p) => p.title === '资金拨付凭证')!
    const latest = versionsOf(paper.id).at(-1)!
    expect(html).toContain(`/expert/seats/${seat}/papers/${latest.id}`)
    const ok = await expert.get(`/expert/seats/${seat}/papers/${latest.id}`)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(PDF_V2)

    // The same indicator code on another engagement's paper, an engagement-wide paper, another seat.
    const other = await loggedIn(server.url, 'mingjian.li')
    const otherSheetHasLeaf = walkTree(parseTree(currentSheet(db, otherId)!.treeJson)).some(({ node }) => node.code === leaf)
    expect((await newPaper(other, '他项目底稿', otherSheetHasLeaf ? leaf : '', { bytes: PDF, name: 'other.pdf' }, otherId)).status).toBe(200)
    const otherVersion = db.select().from(workingPaperVersions).innerJoin(workingPapers, eq(workingPapers.id, workingPaperVersions.paperId)).where(eq(workingPapers.engagementId, otherId)).get()!.working_paper_versions
    expect((await expert.get(`/expert/seats/${seat}/papers/${otherVersion.id}`)).status).toBe(404)
    const wide = await newPaper(lead, '项目整体资料', '', { bytes: PDF, name: 'wide.pdf' })
    expect(wide.status).toBe(200)
    const wideVersion = versionsOf(papers().find((p) => p.title === '项目整体资料')!.id)[0]!
    expect((await expert.get(`/expert/seats/${seat}/papers/${wideVersion.id}`)).status).toBe(404)
    expect((await expert.get(`/expert/seats/${panel.seats[1]!.seatId}/papers/${latest.id}`)).status).toBe(404)
    // The team's download address is not the expert's.
    expect((await expert.get(`${page()}/files/${latest.id}`)).status).toBe(404)
  })
})

describe('the report', () => {
  test('the evidence list holds the live papers on indicators, with the source and the version date', () => {
    const built = buildReportModel(db, panel.engagementId, 'plan', { stage: 'draft', generatedAt: new Date().toISOString(), verification: null })
    if (!built.ok) throw new Error(JSON.stringify(built.errors))
    const agencyId = db.select().from(engagements).where(eq(engagements.id, panel.engagementId)).get()!.agencyId
    const agencyName = db.select().from(organizations).where(eq(organizations.id, agencyId)).get()!.name
    const beijing = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    const latestOf = (title: string) => versionsOf(papers().find((p) => p.title === title)!.id).at(-1)!
    const unitName = db.select().from(evaluatedUnits).innerJoin(engagementUnits, eq(engagementUnits.evaluatedUnitId, evaluatedUnits.id)).where(eq(engagementUnits.engagementId, panel.engagementId)).get()!.evaluated_units.name
    expect(built.value.evidence).toEqual([
      { code: leaf, title: '资金拨付凭证', source: `${agencyName}，${beijing(latestOf('资金拨付凭证').uploadedAt)}` },
      { code: leaf, title: '服务台账（单位提交）', source: `${unitName}，${beijing(latestOf('服务台账（单位提交）').uploadedAt)}` },
    ])
  })
})
