// The JSON interchange bundle on real databases: an engagement scored by five experts (drafts saved
// twice, a late submission, a rescore in discussion, a confirmed panel opinion) is exported,
// imported into a fresh installation and exported again; broken files are refused whole, with the
// JSON path of every problem; the commands run through the real CLI.
import crypto from 'node:crypto'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, experts, frameworks, frameworkVersions, scoreEntries, seats } from '../db/schema'
import { walkTree } from '../app/domain/indicators/tree'
import { bundleSchema, parseBundle } from '../app/services/bundle-schema'
import { exportBundle, importBundle, IMPORTED_SEAT_REASON, type Bundle } from '../app/services/bundle.server'
import { certify, setLeader } from '../app/services/panel.server'
import { startSheet } from '../app/services/sheet.server'
import { consolidationOf, expertScoringPage, requestJustification, saveOpinion, saveScore, setScoringPhase, startScoring, storedConsolidation, submitScores } from '../app/services/scoring.server'
import { findRound } from '../app/services/scoring.server'
import { bundleJsonSchemaText, BUNDLE_SCHEMA_FILE } from '../scripts/bundle-schema'
import { form, readyPanel, type ReadyPanel } from './helpers/panel-fixture'
import { makeDemoDb, TEST_AUDIT_KEY, type TempDb } from './helpers/temp-db'

const ENGAGEMENT = '2025年滨江区基本公共卫生服务项目绩效运行监控'
let source: TempDb
let target: TempDb
let panel: ReadyPanel
let original: Bundle
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const copy = (b: unknown): Bundle => JSON.parse(JSON.stringify(b)) as Bundle

function must<T extends { ok: boolean }>(result: T, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result
}

/** Scores a real engagement through the services, as the web pages do. */
async function scoredEngagement(db: Db): Promise<ReadyPanel> {
  const p = await readyPanel(db, { engagementName: ENGAGEMENT, leadUsername: 'mingjian.zhao', size: 5, at: new Date(clock) })
  const cy2020 = db.select({ id: frameworkVersions.id }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  must(startSheet(db, p.lead, p.engagementId, form({ frameworkVersionId: cy2020.id }), tick()), 'sheet')
  for (const s of p.seats) must(certify(db, s.actor, s.seatId, form({ agree: 'on' }), '127.0.0.1', tick()), 'certify')
  must(startScoring(db, p.lead, p.engagementId, form({ aggregationRule: 'trimmed', step: '0.5', softDeadline: '2026-06-01', hardDeadline: '' }), tick()), 'start')
  p.seats.forEach((s, i) => {
    const items = expertScoringPage(db, s.actor, s.seatId, new Date(clock))!.items
    items.forEach((item, j) => {
      const score = Math.max(0, item.node.weight - 50 * ((i + j) % 4))
      const reason = score < item.node.weight ? `佐证材料不足（专家${i + 1}）` : ''
      must(saveScore(db, s.actor, s.seatId, form({ code: item.node.code, score: String(score / 100), reason, comment: j % 5 === 0 ? '建议补充台账' : '', seen: '0' }), tick(1000)), 'score')
    })
    // A changed mind before submitting: the first indicator gets a second version.
    const first = items[0]!.node
    must(saveScore(db, s.actor, s.seatId, form({ code: first.code, score: String((first.weight - 100) / 100), reason: '复核后调整', comment: '', seen: '1' }), tick(1000)), 'second version')
    // The last expert submits after the soft deadline (end of 2026-06-01, Beijing time): late.
    const at = i === p.seats.length - 1 ? new Date('2026-06-02T03:00:00.000Z') : tick()
    must(submitScores(db, s.actor, s.seatId, at), 'submit')
  })
  clock = new Date('2026-06-02T04:00:00.000Z').getTime()
  must(setScoringPhase(db, p.lead, p.engagementId, form({ to: 'discussion', version: String(findRound(db, p.engagementId)!.version) }), tick()), 'discussion')
  const a = p.seats[0]!
  const second = expertScoringPage(db, a.actor, a.seatId, new Date(clock))!.items[1]!
  must(requestJustification(db, p.lead, p.engagementId, form({ code: second.node.code, seatId: [a.seatId, p.seats[1]!.seatId], message: '请说明或重评' }), tick()), 'request')
  must(saveScore(db, a.actor, a.seatId, form({ code: second.node.code, score: String(second.node.weight / 100), reason: '', comment: '', rescoreReason: '讨论后认可已补充的材料', seen: String(second.entry!.versionNo) }), tick()), 'rescore')
  must(setLeader(db, p.lead, p.engagementId, form({ seatId: a.seatId }), tick()), 'leader')
  must(saveOpinion(db, a.actor, a.seatId, form({ intent: 'confirm', overall: '项目立项规范，资金使用总体合规，效益较好。', 'part.A': '决策程序完整', version: '0' }), tick()), 'opinion')
  must(setScoringPhase(db, p.lead, p.engagementId, form({ to: 'closed', version: String(findRound(db, p.engagementId)!.version) }), tick()), 'close')
  return p
}

/** SHA-256 over every row of every table: equal digests mean nothing was written. */
function digest(db: Db): string {
  const hash = crypto.createHash('sha256')
  const tables = db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
  for (const { name } of tables) {
    hash.update(name)
    for (const row of db.$client.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()) hash.update(JSON.stringify(row))
  }
  return hash.digest('hex')
}

/** The parts of a consolidation that do not name rows of one database. */
function consolidationView(db: Db, engagementId: string) {
  const c = consolidationOf(db, engagementId)!
  return { rule: c.rule, experts: c.experts.map((x) => ({ key: x.key, name: x.name })), consolidation: c.consolidation, divergence: c.divergence, agreement: c.agreement, sensitivity: c.sensitivity }
}

beforeAll(async () => {
  source = await makeDemoDb(new Date(clock))
  panel = await scoredEngagement(source.db)
  original = exportBundle(source.db, panel.engagementId)!
  target = await makeDemoDb(new Date(clock))
})
afterAll(() => {
  source?.cleanup()
  target?.cleanup()
})

describe('export', () => {
  test('holds the engagement, the frozen sheet, the panel and every score version as stored', () => {
    expect(parseBundle(copy(original))).toMatchObject({ ok: true })
    const leaves = walkTree(original.sheet!.tree).filter(({ node }) => node.children.length === 0).length
    expect(original.format).toBe('evaldesk.bundle/1')
    expect(original.engagement).toMatchObject({ name: ENGAGEMENT, agency: '浙江明鉴绩效评价咨询有限公司', financeBureau: '杭州市滨江区财政局', lead: { username: 'mingjian.zhao' } })
    expect(original.sheet).toMatchObject({ status: 'frozen', versionNo: 1 })
    expect(original.panel!.seats.map((s) => [s.key, s.kind, s.status])).toEqual([1, 2, 3, 4, 5].map((n) => [`S${n}`, 'drawn', 'accepted']))
    expect(original.panel!.seats[0]!.isLeader).toBe(true)
    expect(original.panel!.seats[0]!.declarations).toHaveLength(2)
    const s = original.scoring!
    expect(s).toMatchObject({ phase: 'closed', aggregationRule: 'trimmed', stepHundredths: 50, softDeadline: '2026-06-01T15:59:59.000Z', hardDeadline: null, divergencePercent: 25, bands: null })
    // The rescored request is answered; the other lapsed when scoring closed; the stored result is cited.
    expect(s.requests.map((q) => [q.seat, q.status])).toEqual([['S1', 'rescored'], ['S2', 'lapsed']])
    expect(s.result).toMatchObject({ rule: 'trimmed', total: storedConsolidation(source.db, panel.engagementId)!.total })
    // Five full sheets, a second version each before submitting, one rescore.
    expect(s.entries).toHaveLength(5 * leaves + 5 + 1)
    expect(s.entries.filter((e) => e.rescoreReason !== '')).toEqual([expect.objectContaining({ seat: 'S1', versionNo: 2, rescoreReason: '讨论后认可已补充的材料' })])
    expect(s.submissions.map((x) => [x.seat, x.late])).toEqual([['S1', false], ['S2', false], ['S3', false], ['S4', false], ['S5', true]])
    expect(s.opinion).toMatchObject({ status: 'confirmed', overall: '项目立项规范，资金使用总体合规，效益较好。' })
    expect(s.opinion!.parts.find((p) => p.code === 'A')?.text).toBe('决策程序完整')
  })

  test('is null for an unknown engagement', () => {
    expect(exportBundle(source.db, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull()
  })
})

describe('import', () => {
  test('into a fresh installation, then export again: the same bundle but for the source id; the same consolidation', () => {
    const result = importBundle(target.db, copy(original), { now: tick() })
    if (!result.ok) throw new Error(JSON.stringify(result.problems))
    expect(result.engagementId).not.toBe(panel.engagementId)
    expect(result.summary).toMatchObject({ seats: 5, experts: { reused: 0, created: 5 }, scoreVersions: original.scoring!.entries.length, rescores: 6, submissions: 5 })
    const again = exportBundle(target.db, result.engagementId)!
    expect(again.source).toEqual({ engagementId: result.engagementId })
    expect({ ...again, source: undefined }).toEqual({ ...original, source: undefined })
    expect(consolidationView(target.db, result.engagementId)).toEqual(consolidationView(source.db, panel.engagementId))
    const stored = (db: Db, id: string) => {
      const x = storedConsolidation(db, id)!
      return { rule: x.rule, total: x.total, grade: x.grade, consolidation: x.consolidation }
    }
    expect(stored(target.db, result.engagementId)).toEqual(stored(source.db, panel.engagementId))
    // No draw record came along: each seat is an appointment that says it was imported and what it was.
    const imported = target.db.select().from(seats).all()
    expect(imported).toHaveLength(5)
    expect(imported.every((s) => s.kind === 'manual' && s.drawId === null && s.manualReason === `${IMPORTED_SEAT_REASON}（原为随机抽取）`)).toBe(true)
    const audit = target.db.select().from(auditLog).where(eq(auditLog.action, 'bundle.import')).all()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ entityId: result.engagementId, actorRole: 'cli' })
    expect(JSON.parse(audit[0]!.afterJson!)).toMatchObject({ sourceEngagementId: panel.engagementId, createdExpertIds: expect.any(Array) })
  })

  test('into the installation it came from: the pool experts are reused and their scores are theirs', () => {
    const before = source.db.select().from(experts).all().length
    const result = importBundle(source.db, copy(original), { now: tick() })
    if (!result.ok) throw new Error(JSON.stringify(result.problems))
    expect(result.summary.experts).toEqual({ reused: 5, created: 0 })
    expect(source.db.select().from(experts).all()).toHaveLength(before)
    const round = findRound(source.db, result.engagementId)!
    const writers = new Set(source.db.select().from(scoreEntries).where(eq(scoreEntries.roundId, round.id)).all().map((e) => e.createdBy))
    expect(writers).toEqual(new Set(panel.seats.map((s) => s.actor.userId)))
    expect(consolidationView(source.db, result.engagementId)).toEqual(consolidationView(source.db, panel.engagementId))
  })

  const leafOf = (b: Bundle, code: string) => walkTree(b.sheet!.tree).find(({ node }) => node.code === code)!.node
  const broken: [string, (b: Bundle) => void, { path: string; message: RegExp }[]][] = [
    [
      'a weight that no longer adds up',
      (b) => {
        b.sheet!.tree.roots[0]!.weight += 100
      },
      [
        { path: '$.sheet.tree', message: /一级指标权重合计 101(\.00)? 分，应为 100(\.00)? 分/ },
        { path: '$.sheet.tree.roots[0].weight', message: /下级指标权重合计 .* 分，应等于本级权重/ },
      ],
    ],
    ['a score for an indicator the sheet does not have', (b) => (b.scoring!.entries[0]!.code = 'Z9'), [{ path: '$.scoring.entries[0].code', message: /评分表中没有编码为「Z9」的末级指标/ }]],
    [
      'two seats with one key, one expert seated twice',
      (b) => {
        b.panel!.seats[1]!.key = 'S1'
        b.panel!.seats[2]!.expert = { ...b.panel!.seats[0]!.expert }
      },
      [
        { path: '$.panel.seats[1].key', message: /席位编号「S1」与第 1 个席位重复/ },
        { path: '$.panel.seats[2].expert', message: /已在第 1 个席位/ },
      ],
    ],
    [
      'a score above the weight',
      (b) => {
        const e = b.scoring!.entries[3]!
        e.score = leafOf(b, e.code).weight + 50
      },
      [{ path: '$.scoring.entries[3].score', message: /得分 [\d.]+ 分，超过分值 [\d.]+ 分/ }],
    ],
    [
      'a stored result the scores do not give',
      (b) => {
        b.scoring!.result!.total += 100
      },
      [{ path: '$.scoring.result', message: /汇总结果（[\d.]+ 分，.）与评分重新计算的结果（[\d.]+ 分，.）不一致/ }],
    ],
    [
      'a missing field and an unknown one',
      (b) => {
        delete (b.engagement as Partial<Bundle['engagement']>).name
        Object.assign(b.panel!.seats[0]!, { seatNo: 1 })
      },
      [
        { path: '$.engagement.name', message: /^缺少此项$/ },
        { path: '$.panel.seats[0]', message: /不认识的字段：seatNo/ },
      ],
    ],
    [
      'a skipped score version and an unknown seat',
      (b) => {
        b.scoring!.entries[1]!.versionNo = 3
        b.scoring!.submissions[0]!.seat = 'S9'
      },
      [
        { path: '$.scoring.entries[1].versionNo', message: /版本号应为 2，实为 3/ },
        { path: '$.scoring.submissions[0].seat', message: /席位「S9」不在 panel.seats 中/ },
      ],
    ],
    [
      'names this installation does not know',
      (b) => {
        b.engagement.financeBureau = '某某县财政局'
        b.engagement.lead.username = 'nobody'
        b.panel!.seats[0]!.specialtyCode = 'astrology'
      },
      [
        { path: '$.engagement.financeBureau', message: /未找到名为「某某县财政局」的财政局/ },
        { path: '$.engagement.lead.username', message: /没有用户名为 nobody 的在岗评价人员/ },
        { path: '$.panel.seats[0].specialtyCode', message: /专业领域「astrology」不在本系统/ },
      ],
    ],
    ['another format', (b) => Object.assign(b, { format: 'evaldesk.bundle/2' }), [{ path: '$.format', message: /须为 "evaldesk.bundle\/1"/ }]],
  ]

  test.each(broken)('refuses %s, naming each problem by its JSON path, and writes nothing', (_label, breakIt, expected) => {
    const bundle = copy(original)
    breakIt(bundle)
    const before = digest(target.db)
    const result = importBundle(target.db, bundle, { now: tick() })
    expect(result.ok).toBe(false)
    const problems = result.ok ? [] : result.problems
    for (const e of expected) expect(problems).toContainEqual({ path: e.path, message: expect.stringMatching(e.message) })
    expect(digest(target.db)).toBe(before)
  })

  test('refuses what is not a bundle at all, and an unknown receiving agency', () => {
    expect(importBundle(target.db, [1, 2], { now: tick() })).toEqual({ ok: false, problems: [{ path: '$', message: '须为对象，实际为数组' }] })
    const noAgency = importBundle(target.db, copy(original), { orgId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', now: tick() })
    expect(noAgency).toMatchObject({ ok: false, problems: [{ path: '--org', message: expect.stringContaining('未找到编号为') }] })
  })
})

test('the example in docs/bundle.md imports into the demo installation', () => {
  const example = /```json\n([\s\S]*?)\n```/.exec(fs.readFileSync('docs/bundle.md', 'utf8'))![1]!
  const result = importBundle(target.db, JSON.parse(example), { now: tick() })
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  expect(result.summary).toMatchObject({ indicators: 4, leaves: 2, seats: 1, experts: { reused: 0, created: 1 }, scoreVersions: 3, rescores: 1, submissions: 1 })
  expect(consolidationOf(target.db, result.engagementId)!.consolidation!.total).toBe(9500)
})

test('docs/bundle.schema.json is the one generated from the zod schema (run npm run bundle:schema)', () => {
  expect(fs.readFileSync(BUNDLE_SCHEMA_FILE, 'utf8')).toBe(bundleJsonSchemaText())
  const schema = JSON.parse(bundleJsonSchemaText()) as { required: string[]; additionalProperties: boolean }
  expect(schema.required).toEqual(Object.keys(bundleSchema.shape).filter((k) => k !== 'source'))
  expect(schema.additionalProperties).toBe(false)
})

describe('command line', () => {
  const TSX = path.resolve('node_modules/.bin/tsx')
  const ENTRY = path.resolve('cli/evaldesk.ts')
  const cli = (dbFile: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(TSX, [ENTRY, ...args], { env: { ...process.env, EVALDESK_DB: dbFile, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY }, cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
      })
    })

  test('export writes the bundle, import creates the engagement from it; a broken file changes nothing', async () => {
    const file = path.join(source.dir, 'bundle.json')
    const exported = await cli(source.file, 'export', panel.engagementId, '--out', file)
    expect(exported.stderr).toBe('')
    expect(exported.code).toBe(0)
    expect(exported.stdout).toContain(`已导出：${ENGAGEMENT}`)
    expect(exported.stdout).toMatch(/指标 \d+ 个（末级 \d+ 个），专家席位 5 个，评分版本 \d+ 条（其中重评 6 条），提交 5 份/)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(original)
    expect((await cli(source.file, 'export', panel.engagementId, '--out', file)).code).toBe(1)

    const imported = await cli(target.file, 'import', file, '--org', '浙江明鉴绩效评价咨询有限公司')
    expect(imported.code).toBe(0)
    const id = /项目编号 ([0-9A-Z]{26})/.exec(imported.stdout)?.[1]
    expect(id).toBeDefined()
    expect(imported.stdout).toMatch(/专家 5 位（沿用专家库 5 位，新入库 0 位），评分版本 \d+ 条（其中重评 6 条），提交 5 份/)
    expect(target.db.select().from(engagements).where(eq(engagements.id, id!)).get()?.name).toBe(ENGAGEMENT)

    const bad = copy(original)
    bad.scoring!.entries[0]!.score = 999_999
    const badFile = path.join(source.dir, 'bad.json')
    fs.writeFileSync(badFile, JSON.stringify(bad))
    const before = digest(target.db)
    const refused = await cli(target.file, 'import', badFile)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/\$\.scoring\.entries\[0\]\.score：.*超过分值/)
    expect(refused.stderr).toContain('未导入任何内容')
    const otherAgency = await cli(target.file, 'import', file, '--org', '杭州衡平会计师事务所')
    expect(otherAgency.code).toBe(1)
    expect(otherAgency.stderr).toContain('$.engagement.lead.username：「杭州衡平会计师事务所」没有用户名为 mingjian.zhao')
    expect(digest(target.db)).toBe(before)
  })
})
