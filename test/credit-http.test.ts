// Credit files over HTTP against the built server (issue 8): the bureau's reviewer issues a negative
// entry with an evidence file and the agency's score drops by its points (a bad form keeps what was
// typed; a disguised file is refused and nothing is stored); the agency's admin sees it and appeals
// once (an evaluator may not, a late appeal names its deadline); the reviewer revokes and the score
// returns. Another agency gets 404 for the file and its evidence; an expert reads only their own file.
// The list pages 50 files at a time, keeping its tab and search; the export holds every file.
import fs from 'node:fs'
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Db } from '../db/client.server'
import { creditAppeals, creditEntries, experts, organizations, storedFiles, users } from '../db/schema'
import { newId } from '../app/ids.server'
import { xlsxText } from './helpers/file-text'
import { Client, loggedIn } from './helpers/http'
import { startServer, type RunningServer } from './helpers/server'

const AGENCY = '浙江明鉴绩效评价咨询有限公司'
const BUREAU = '杭州市滨江区财政局'
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 7),
])
const FACTS = '经查，该机构将项目现场核查工作整体转包给无资质单位。'

let server: RunningServer
let db: Db
let agencyId: string
let bureauId: string
let reviewer: Client
let admin: Client
let evaluator: Client
let otherAgency: Client
let expert: Client

beforeAll(async () => {
  server = await startServer()
  db = openDatabase(server.dbFile)
  agencyId = db.select().from(organizations).where(eq(organizations.name, AGENCY)).get()!.id
  bureauId = db.select().from(organizations).where(eq(organizations.name, BUREAU)).get()!.id
  reviewer = await loggedIn(server.url, 'binjiang.finance')
  admin = await loggedIn(server.url, 'mingjian.admin')
  evaluator = await loggedIn(server.url, 'mingjian.li')
  otherAgency = await loggedIn(server.url, 'hengping.admin')
  expert = await loggedIn(server.url, 'expert.zhang')
})
afterAll(async () => {
  db?.$client.close()
  await server?.stop()
})

const file = () => `/credit/${agencyId}`
/** The agency's file as read under the issuing bureau's policy. */
const underBureau = () => `${file()}?bureau=${bureauId}`

type Upload = { bytes: Uint8Array; name: string }

function send(client: Client, url: string, fields: Record<string, string>, files: Upload[] = []) {
  const body = new FormData()
  for (const [k, v] of Object.entries(fields)) body.append(k, v)
  for (const f of files) body.append('files', new Blob([Uint8Array.from(f.bytes)]), f.name)
  return client.request(url, { method: 'POST', body })
}

const issue = (fields: Record<string, string>, files: Upload[] = []) =>
  send(reviewer, `${file()}?intent=issue`, { intent: 'issue', ...fields }, files)

function scoreIn(html: string): number {
  const m = /data-testid="credit-score">([\d.]+)</.exec(html)
  if (!m) throw new Error('no score on the page')
  return Number(m[1])
}

async function scoreOf(client: Client, url = underBureau()): Promise<number> {
  const res = await client.get(url)
  expect(res.status).toBe(200)
  return scoreIn(await res.text())
}

function storedFileCount(): number {
  const root = path.join(server.dir, 'files')
  const walk = (dir: string): number =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .reduce((n, d) => n + (d.isDirectory() ? walk(path.join(dir, d.name)) : 1), 0)
      : 0
  return walk(root)
}

const entriesOfAgency = () =>
  db
    .select()
    .from(creditEntries)
    .where(and(eq(creditEntries.subjectType, 'agency'), eq(creditEntries.subjectId, agencyId)))
    .all()
const theEntry = () => entriesOfAgency().find((e) => e.description === FACTS)!

let scoreBefore: number
let entriesBefore: number
let filesBefore: number

describe('issuing an entry', () => {
  test('a bad form is refused beside its fields and keeps what was typed', async () => {
    scoreBefore = await scoreOf(reviewer)
    entriesBefore = entriesOfAgency().length
    filesBefore = db.select().from(storedFiles).all().length
    const res = await issue({
      kind: 'subcontracting',
      severity: 'serious',
      points: '12.345',
      effectiveOn: '2999-01-01',
      expiresOn: '',
      description: '',
    })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('请填写事实与依据')
    expect(html).toContain('分值最多保留 2 位小数')
    expect(html).toMatch(/生效日期不能晚于今天（\d{4}-\d{2}-\d{2}）/)
    expect(html).toContain('value="12.345"')
    expect(html).toContain('value="2999-01-01"')
    expect(entriesOfAgency()).toHaveLength(entriesBefore)
  })

  test('a disguised file under a hostile name is 415, and a good file beside it is not kept either', async () => {
    const res = await issue(
      { kind: 'subcontracting', severity: 'serious', points: '20', description: FACTS },
      [
        { bytes: PNG, name: '现场照片.png' },
        {
          bytes: Buffer.from('<html><script>alert(1)</script></html>'),
          name: '../../..\\转包合同<script>.pdf',
        },
      ],
    )
    expect(res.status).toBe(415)
    const html = await res.text()
    expect(html).toContain('只能上传')
    expect(html).toContain(FACTS)
    expect(db.select().from(storedFiles).all()).toHaveLength(filesBefore)
    expect(storedFileCount()).toBe(filesBefore)
    expect(entriesOfAgency()).toHaveLength(entriesBefore)
  })

  test('the reviewer issues it with a PNG evidence file; the score drops by its points and the admin sees it', async () => {
    const res = await issue(
      { kind: 'subcontracting', severity: 'serious', points: '20', description: FACTS },
      [{ bytes: PNG, name: '../现场照片.png' }],
    )
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('信用记录已新增')
    const entry = theEntry()
    expect(entry).toMatchObject({
      kind: 'subcontracting',
      severity: 'serious',
      points: 2000,
      issuerOrgId: bureauId,
      bureauId,
      source: 'bureau',
      status: 'active',
    })
    expect(storedFileCount()).toBe(filesBefore + 1)
    expect(await scoreOf(reviewer)).toBe(scoreBefore - 20)

    const html = await (await admin.get(underBureau())).text()
    expect(scoreIn(html)).toBe(scoreBefore - 20)
    expect(html).toContain('违规转包或出借资质')
    expect(html).toContain(FACTS)
    expect(html).toContain('孙审')
    expect(html).toContain('现场照片.png')
    expect(html).toMatch(/默认信用政策（第 \d+ 版）|信用政策（第 \d+ 版）/)
  })

  test('the evidence downloads as an attachment for those who may read the file, 404 for another agency', async () => {
    const html = await (await admin.get(file())).text()
    const href = /href="(\/credit\/[0-9A-Z]{26}\/files\/[0-9A-Z]{26})"/.exec(html)?.[1]
    expect(href).toBeDefined()
    const res = await reviewer.get(href!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('现场照片.png'))
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toContain('no-store')
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG)
    expect((await otherAgency.get(href!)).status).toBe(404)
    expect((await expert.get(href!)).status).toBe(404)
  })

  test('another agency gets 404 for the file, by page and by action; the agency sees its file in the list', async () => {
    expect((await otherAgency.get(file())).status).toBe(404)
    expect(
      (
        await send(otherAgency, `${file()}?intent=issue`, {
          intent: 'issue',
          kind: 'commendation',
          description: 'x',
        })
      ).status,
    ).toBe(404)
    const list = await (await admin.get('/credit')).text()
    expect(list).toContain(AGENCY)
    expect(await (await otherAgency.get('/credit')).text()).not.toContain(AGENCY)
  })
})

describe('appeal and decision', () => {
  const appeal = (client: Client, entryId: string, reason: string, files: Upload[] = []) =>
    send(client, `${file()}?intent=appeal&entry=${entryId}`, { intent: 'appeal', entryId, reason }, files)
  const decide = (fields: Record<string, string>) =>
    send(reviewer, `${file()}?intent=decide&entry=${theEntry().id}`, {
      intent: 'decide',
      entryId: theEntry().id,
      ...fields,
    })
  const appealRow = () =>
    db.select().from(creditAppeals).where(eq(creditAppeals.entryId, theEntry().id)).get()

  test('an evaluator may not appeal for the agency; the admin must give a reason, then appeals once', async () => {
    expect((await appeal(evaluator, theEntry().id, '不服')).status).toBe(403)
    const empty = await appeal(admin, theEntry().id, '')
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('请填写申诉理由')
    const ok = await appeal(admin, theEntry().id, '现场核查由本机构人员完成，附考勤记录。', [
      { bytes: PNG, name: '考勤记录.png' },
    ])
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('申诉已提交')
    expect(appealRow()).toMatchObject({ status: 'pending' })
    const again = await appeal(admin, theEntry().id, '再次申诉')
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('只能申诉一次')
    // The reviewer finds it waiting on the list; the score still counts the entry meanwhile.
    const list = await (await reviewer.get('/credit')).text()
    expect(list).toContain('待处理的申诉')
    expect(await scoreOf(reviewer)).toBe(scoreBefore - 20)
    expect(await (await reviewer.get(file())).text()).toContain('考勤记录.png')
  })

  test('after the window an appeal is refused, naming the deadline', async () => {
    const res = await issue({
      kind: 'late_deliverable',
      severity: 'minor',
      description: '2023 年度评价报告逾期提交。',
    })
    expect(res.status).toBe(200)
    const late = entriesOfAgency().find((e) => e.kind === 'late_deliverable')!
    // Issued long ago: recorded and effective in January 2024 (the service takes no other clock).
    db.update(creditEntries)
      .set({ effectiveOn: '2024-01-02', recordedAt: '2024-01-02T02:00:00.000Z' })
      .where(eq(creditEntries.id, late.id))
      .run()
    const html = await (await admin.get(file())).text()
    expect(html).not.toContain(`entry=${late.id}`)
    const refused = await appeal(admin, late.id, '逾期系财政局延迟提供资料所致')
    expect(refused.status).toBe(409)
    expect(await refused.text()).toMatch(/申诉期限已于 2024-01-\d{2} 届满/)
    expect(db.select().from(creditAppeals).where(eq(creditAppeals.entryId, late.id)).get()).toBeUndefined()
  })

  test('the reviewer must give a reason and a real change; a stale form is 409; revoking restores the score', async () => {
    const version = String(appealRow()!.version)
    const noReason = await decide({ decision: 'revoked', reason: '', version })
    expect(noReason.status).toBe(400)
    expect(await noReason.text()).toContain('请填写处理理由')
    const noChange = await decide({
      decision: 'amended',
      reason: '部分属实',
      severity: 'serious',
      points: '',
      expiresOn: '',
      version,
    })
    expect(noChange.status).toBe(400)
    expect(await noChange.text()).toContain('变更记录须至少改动严重程度、分值或失效日期中的一项')
    expect(
      (await decide({ decision: 'revoked', reason: '核实', version: String(Number(version) + 5) })).status,
    ).toBe(409)
    expect(
      (
        await send(admin, `${file()}?intent=decide&entry=${theEntry().id}`, {
          intent: 'decide',
          decision: 'revoked',
          reason: '自行撤销',
          version,
        })
      ).status,
    ).toBe(403)

    const ok = await decide({
      decision: 'revoked',
      reason: '经复核，现场核查由该机构人员完成，撤销该记录。',
      version,
    })
    expect(ok.status).toBe(200)
    expect(theEntry().status).toBe('revoked')
    expect(appealRow()).toMatchObject({ status: 'revoked' })
    expect(await scoreOf(reviewer)).toBe(scoreBefore)
    const html = await (await admin.get(underBureau())).text()
    expect(scoreIn(html)).toBe(scoreBefore)
    expect(html).toContain('已撤销')
    expect(html).toContain('经复核，现场核查由该机构人员完成')
    // A decided appeal is final.
    expect((await decide({ decision: 'upheld', reason: '改判', version })).status).toBe(409)
  })
})

describe('an expert', () => {
  test('is sent to their own file and reads no other', async () => {
    const userId = db.select().from(users).where(eq(users.username, 'expert.zhang')).get()!.id
    const own = db.select().from(experts).where(eq(experts.userId, userId)).get()!
    const other = db.select().from(experts).where(eq(experts.name, '王立新')).get()!
    const list = await expert.get('/credit')
    expect(list.status).toBe(302)
    expect(list.headers.get('location')).toBe(`/credit/${own.id}`)
    const page = await expert.get(`/credit/${own.id}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(own.name)
    expect(html).not.toContain('新增信用记录')
    expect((await expert.get(`/credit/${other.id}`)).status).toBe(404)
    expect((await expert.get(file())).status).toBe(404)
    // The agency's admin reads the pool's experts; the expert detail page links to the file.
    expect((await admin.get(`/credit/${other.id}`)).status).toBe(200)
    expect(await (await admin.get(`/experts/${other.id}`)).text()).toContain(`href="/credit/${other.id}"`)
  })
})

describe('the list, page by page', () => {
  test('50 files to a page, in name order; search and type survive paging; a page past the end shows the last', async () => {
    const at = new Date().toISOString()
    for (let i = 0; i < 60; i++) db.insert(experts).values({ id: newId(), name: `翻页测试${String(i).padStart(2, '0')}`, employer: '某研究院', title: 'other', createdAt: at, updatedAt: at }).run()
    const total = db.select().from(experts).all().length
    const pages = Math.ceil(total / 50)
    const shownNames = (html: string) => [...html.matchAll(/<a [^>]*href="\/credit\/[^"]+">(翻页测试\d+)<\/a>/g)].map((m) => m[1]!)
    const platform = await loggedIn(server.url, 'admin')

    const first = await (await platform.get('/credit?type=expert')).text()
    expect(first).toContain(`共 ${total} 份评审专家信用档案，第 1 / ${pages} 页`)
    expect([...first.matchAll(/<tr><td><a [^>]*href="\/credit\//g)]).toHaveLength(50)

    const searched = await (await platform.get(`/credit?type=expert&q=${encodeURIComponent('翻页测试')}`)).text()
    expect(searched).toContain('共 60 份评审专家信用档案，第 1 / 2 页')
    expect(shownNames(searched)).toEqual(Array.from({ length: 50 }, (_, i) => `翻页测试${String(i).padStart(2, '0')}`))
    // The pager keeps the tab and the search.
    const next = new URL(/<a [^>]*href="([^"]+)">下一页<\/a>/.exec(searched)![1]!.replaceAll('&amp;', '&'), server.url)
    expect(next.pathname).toBe('/credit')
    expect(next.searchParams).toEqual(new URLSearchParams({ type: 'expert', q: '翻页测试', page: '2' }))
    const second = await (await platform.get(`${next.pathname}${next.search}`)).text()
    expect(second).toContain('第 2 / 2 页')
    expect(shownNames(second)).toEqual(Array.from({ length: 10 }, (_, i) => `翻页测试${50 + i}`))
    // Each row still carries its grade and score.
    expect(second).toContain('信用分')

    const past = await platform.get(`/credit?type=expert&q=${encodeURIComponent('翻页测试')}&page=99`)
    expect(past.status).toBe(200)
    expect(shownNames(await past.text())).toHaveLength(10)
    for (const bad of ['0', '-1', 'abc', '9999999']) expect((await platform.get(`/credit?type=expert&page=${bad}`)).status).toBe(200)
  })

  test('the Excel export still holds every file, not one page', async () => {
    const platform = await loggedIn(server.url, 'admin')
    const res = await platform.get('/credit.xlsx?type=expert')
    expect(res.status).toBe(200)
    const cells = (await xlsxText(new Uint8Array(await res.arrayBuffer()))).split('\n')
    expect(cells.filter((c) => c.startsWith('翻页测试'))).toHaveLength(60)
  })
})
