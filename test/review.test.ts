// Submission and review on a real database (issue 7 items 1–2): the 提交 gate, a round submitted from
// 定稿 (which moves the stage), the bureau's inbox scoped to its own engagements, comments anchored to
// sections and indicators (drafts until the round is decided), return, answers required before a
// resubmission, the section diff and answered comments of round 2, acceptance; every step audited.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, engagements, reportVersions, stageTransitions } from '../db/schema'
import type { Actor } from '../app/domain/permissions'
import { moveStage } from '../app/services/engagement.server'
import { reportPage, saveNarrative } from '../app/services/report.server'
import {
  acceptedSubmission,
  addComment,
  answerComment,
  decideSubmission,
  deleteComment,
  latestSubmission,
  reviewHistory,
  reviewInbox,
  reviewPage,
  submissionFile,
  submissionPage,
  submitReport,
} from '../app/services/review.server'
import { sha256Hex } from '../reports/render'
import { issueEvaluation, moveThrough, TO_FINALIZED } from './helpers/issued-report'
import { actorOf, form, type ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let panel: ReadyPanel
let reviewer: Actor
let otherBureau: Actor
let member: Actor
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const audits = (action: string) => db.select().from(auditLog).where(eq(auditLog.action, action)).all()

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  panel = await scoredEngagement(db, { at: tick(), size: 3 })
  reviewer = actorOf(db, 'binjiang.finance')
  otherBureau = actorOf(db, 'xihu.finance')
  member = actorOf(db, 'mingjian.li')
})
afterAll(() => temp?.cleanup())

const stage = () => db.select({ stage: engagements.stage }).from(engagements).where(eq(engagements.id, panel.engagementId)).get()!.stage
const engagementVersion = () => db.select({ version: engagements.version }).from(engagements).where(eq(engagements.id, panel.engagementId)).get()!.version

let firstIssued = ''
let roundOne = ''
let roundTwo = ''

describe('the 提交 gate and the first round', () => {
  test('提交 cannot be entered, nor a report submitted, without an issued final version', async () => {
    moveThrough(db, panel.lead, panel.engagementId, TO_FINALIZED, tick)
    expect(moveStage(db, panel.lead, panel.engagementId, { to: 'submitted', note: '', version: engagementVersion() }, tick())).toEqual({
      ok: false,
      status: 400,
      errors: { to: '尚无已签发的评价报告定稿，不能进入提交' },
    })
    expect(submissionPage(db, panel.lead, panel.engagementId)!.blocker).toMatch(/尚无已签发的评价报告定稿/)
    // A generated but unissued 定稿 is not enough.
    firstIssued = await issueEvaluation(db, panel.lead, panel.engagementId, tick)
    const unissued = db.select().from(reportVersions).where(eq(reportVersions.versionNo, 1)).get()!
    expect(unissued.verificationCode).toBeNull()
    expect(submitReport(db, panel.lead, panel.engagementId, form({ versionId: unissued.id }), tick())).toMatchObject({ ok: false, status: 400, errors: { versionId: '请选择一份已签发的评价报告版本' } })
  })

  test('only the lead or the agency admin submits; the bureau and other agencies do not reach it', () => {
    expect(submitReport(db, member, panel.engagementId, form({ versionId: firstIssued }), tick())).toMatchObject({ ok: false, status: 403 })
    expect(submitReport(db, reviewer, panel.engagementId, form({ versionId: firstIssued }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(submitReport(db, actorOf(db, 'hengping.admin'), panel.engagementId, form({ versionId: firstIssued }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(submissionPage(db, reviewer, panel.engagementId)).toBeUndefined()
    expect(audits('review.submit')).toHaveLength(0)
  })

  test('submitting from 定稿 opens round 1 and moves the engagement to 提交, recorded like any move', () => {
    const result = submitReport(db, panel.lead, panel.engagementId, form({ versionId: firstIssued }), tick())
    if (!result.ok) throw new Error(JSON.stringify(result))
    expect(result.value).toMatchObject({ roundNo: 1, movedTo: '提交' })
    roundOne = result.value.submissionId
    expect(stage()).toBe('submitted')
    const move = db.select().from(stageTransitions).where(and(eq(stageTransitions.toStage, 'submitted'), eq(stageTransitions.engagementId, panel.engagementId))).get()!
    expect(move).toMatchObject({ fromStage: 'finalized', engagementId: panel.engagementId })
    expect(move.note).toContain('第 1 轮')
    expect(audits('review.submit')).toHaveLength(1)
    expect(audits('engagement.stage_move').at(-1)!.afterJson).toContain('"stage":"submitted"')
    expect(latestSubmission(db, panel.engagementId)).toMatchObject({ id: roundOne, status: 'pending', versionId: firstIssued })
    expect(acceptedSubmission(db, panel.engagementId)).toBeUndefined()
    // While it waits, nothing more is submitted.
    expect(submitReport(db, panel.lead, panel.engagementId, form({ versionId: firstIssued }), tick())).toMatchObject({ ok: false, status: 409 })
  })
})

describe('the bureau’s inbox', () => {
  test('lists the round for the commissioning bureau only, with grade and days waiting by the given clock', () => {
    const later = new Date(clock + 3 * 86_400_000 + 5_000)
    const inbox = reviewInbox(db, reviewer, { page: 1 }, later)!
    expect(inbox.counts).toEqual({ pending: 1, returned: 0, accepted: 0 })
    expect(inbox.rows).toHaveLength(1)
    expect(inbox.rows[0]).toMatchObject({ submissionId: roundOne, statusLabel: '待审核', agencyName: '浙江明鉴绩效评价咨询有限公司', kindLabel: '绩效运行监控', typeLabel: '绩效评价报告', daysWaiting: 3 })
    expect(inbox.rows[0]!.grade).toMatch(/^[优良中差]$/)
    expect(reviewInbox(db, reviewer, { status: 'accepted', page: 1 }, later)!.rows).toEqual([])
    const other = reviewInbox(db, otherBureau, { page: 1 }, later)!
    expect(other).toEqual({ rows: [], total: 0, counts: { pending: 0, returned: 0, accepted: 0 } })
    expect(reviewInbox(db, panel.lead, { page: 1 }, later)).toBeUndefined()
    expect(reviewInbox(db, actorOf(db, 'unit.edu'), { page: 1 }, later)).toBeUndefined()
  })

  test('the round’s page shows exactly the submitted version; another bureau gets nothing', () => {
    const page = reviewPage(db, reviewer, roundOne)!
    expect(page.round.version.id).toBe(firstIssued)
    expect(page.document.cover.verification?.code).toBe(page.round.version.verificationCode)
    expect(page.anchors.sections.map((s) => s.label)).toContain('六、有关建议')
    expect(page.anchors.indicators.length).toBeGreaterThan(10)
    expect(page.previous).toBeNull()
    expect(page.mayDecide).toBe(true)
    // Experts appear as the model has them: pseudonyms by default.
    const text = JSON.stringify(page.document)
    for (const s of panel.seats) expect(text).not.toContain(s.name)
    expect(reviewPage(db, otherBureau, roundOne)).toBeUndefined()
    expect(reviewPage(db, panel.lead, roundOne)).toBeUndefined()
    expect(submissionFile(db, otherBureau, roundOne, 'pdf')).toBeUndefined()
    const v = db.select().from(reportVersions).where(eq(reportVersions.id, firstIssued)).get()!
    const pdf = submissionFile(db, reviewer, roundOne, 'pdf')!
    expect(sha256Hex(pdf.bytes)).toBe(v.pdfSha256)
    expect(pdf.filename).toMatch(/送审第1轮/)
    expect(sha256Hex(submissionFile(db, reviewer, roundOne, 'docx')!.bytes)).toBe(v.docxSha256)
  })
})

describe('comments, return and answers', () => {
  test('comments need a real section or leaf indicator; drafts stay the reviewer’s; return needs one', () => {
    expect(addComment(db, reviewer, roundOne, form({ anchor: 'section:七、不存在', body: '请补充' }), tick())).toMatchObject({ ok: false, status: 400, errors: { anchor: '请选择报告中的章节或末级指标' } })
    const empty = addComment(db, reviewer, roundOne, form({ anchor: 'section:六、有关建议', body: '  ' }), tick())
    expect(empty).toMatchObject({ ok: false, status: 400, errors: { body: '请填写审核意见' }, values: { anchor: 'section:六、有关建议', body: '  ' } })
    expect(addComment(db, otherBureau, roundOne, form({ anchor: 'section:六、有关建议', body: '越权' }), tick())).toMatchObject({ ok: false, status: 404 })
    const draft = addComment(db, reviewer, roundOne, form({ anchor: 'section:六、有关建议', body: '建议过于笼统' }), tick())
    if (!draft.ok) throw new Error(JSON.stringify(draft))
    expect(deleteComment(db, reviewer, roundOne, form({ commentId: draft.value.commentId }), tick()).ok).toBe(true)
    expect(decideSubmission(db, reviewer, roundOne, form({ decision: 'return', note: '' }), tick())).toMatchObject({ ok: false, status: 400, errors: { decision: '退回修改须至少填写一条审核意见' } })
    expect(decideSubmission(db, reviewer, roundOne, form({ decision: 'maybe' }), tick())).toMatchObject({ ok: false, status: 400, errors: { decision: '请选择审核结论' } })
  })

  test('returning publishes the comments to the agency, who must answer each before resubmitting', () => {
    const indicator = reviewPage(db, reviewer, roundOne)!.anchors.indicators[0]!
    expect(addComment(db, reviewer, roundOne, form({ anchor: 'section:六、有关建议', body: '建议应具体到责任单位和时限' }), tick()).ok).toBe(true)
    expect(submissionPage(db, panel.lead, panel.engagementId)!.rounds[0]!.comments).toEqual([])
    expect(addComment(db, reviewer, roundOne, form({ anchor: indicator.value, body: '该指标扣分理由不充分' }), tick()).ok).toBe(true)
    expect(decideSubmission(db, otherBureau, roundOne, form({ decision: 'return' }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(decideSubmission(db, reviewer, roundOne, form({ decision: 'return', note: '请按意见修改后重新提交' }), tick())).toMatchObject({ ok: true, value: { status: 'returned' } })
    expect(decideSubmission(db, reviewer, roundOne, form({ decision: 'accept' }), tick())).toMatchObject({ ok: false, status: 409 })
    expect(addComment(db, reviewer, roundOne, form({ anchor: 'section:六、有关建议', body: '迟到的意见' }), tick())).toMatchObject({ ok: false, status: 409 })

    const page = submissionPage(db, panel.lead, panel.engagementId)!
    const comments = page.rounds[0]!.comments
    expect(comments.map((c) => [c.anchorKind, c.body])).toEqual([
      ['section', '建议应具体到责任单位和时限'],
      ['indicator', '该指标扣分理由不充分'],
    ])
    expect(page.mayAnswer).toBe(true)
    expect(page.blocker).toBe('请先逐条答复财政局的审核意见（尚有 2 条未答复）')
    expect(submitReport(db, panel.lead, panel.engagementId, form({ versionId: firstIssued }), tick())).toMatchObject({ ok: false, status: 400, errors: { _form: '请先逐条答复财政局的审核意见（尚有 2 条未答复）' } })

    expect(answerComment(db, panel.lead, panel.engagementId, form({ commentId: comments[0]!.id, answer: '' }), tick())).toMatchObject({ ok: false, status: 400, errors: { answer: '请填写答复' } })
    expect(answerComment(db, reviewer, panel.engagementId, form({ commentId: comments[0]!.id, answer: '越权' }), tick())).toMatchObject({ ok: false, status: 404 })
    expect(answerComment(db, member, panel.engagementId, form({ commentId: comments[0]!.id, answer: '已细化到责任单位和完成时限' }), tick()).ok).toBe(true)
    expect(answerComment(db, panel.lead, panel.engagementId, form({ commentId: comments[1]!.id, answer: '已补充扣分依据' }), tick()).ok).toBe(true)
    // Re-answering before resubmission revises the answer.
    expect(answerComment(db, panel.lead, panel.engagementId, form({ commentId: comments[1]!.id, answer: '已补充扣分依据及佐证材料清单' }), tick()).ok).toBe(true)
    expect(submissionPage(db, panel.lead, panel.engagementId)!.blocker).toMatch(/已签发的版本都已提交过/)
    expect(submitReport(db, panel.lead, panel.engagementId, form({ versionId: firstIssued }), tick())).toMatchObject({ ok: false, status: 400, errors: { versionId: expect.stringContaining('已提交过') } })
  })
})

describe('round 2 and acceptance', () => {
  test('a new issued version is submitted as round 2; the stage stays; the reviewer sees the diff and the answers', async () => {
    const page = reportPage(db, panel.lead, panel.engagementId, 'evaluation', tick())
    if (!page.ok) throw new Error('report page')
    const fields = Object.fromEntries(page.value.sections.map((s) => [s.key, s.text]))
    expect(saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ ...fields, suggestions: '一是由区卫健局在 2026 年 9 月底前细化绩效目标。', version: String(page.value.narrativeVersion) }), tick()).ok).toBe(true)
    const second = await issueEvaluation(db, panel.lead, panel.engagementId, tick)
    const result = submitReport(db, panel.lead, panel.engagementId, form({ versionId: second }), tick())
    if (!result.ok) throw new Error(JSON.stringify(result))
    expect(result.value).toMatchObject({ roundNo: 2, movedTo: null })
    roundTwo = result.value.submissionId
    expect(stage()).toBe('submitted')
    expect(answerComment(db, panel.lead, panel.engagementId, form({ commentId: submissionPage(db, panel.lead, panel.engagementId)!.rounds[0]!.comments[0]!.id, answer: '改了' }), tick())).toMatchObject({ ok: false, status: 400 })

    const review = reviewPage(db, reviewer, roundTwo)!
    expect(review.round.roundNo).toBe(2)
    expect(review.previous!.round.id).toBe(roundOne)
    expect(review.previous!.comments.map((c) => c.answer)).toEqual(['已细化到责任单位和完成时限', '已补充扣分依据及佐证材料清单'])
    const suggestions = review.previous!.changes.find((c) => c.heading === '六、有关建议')!
    expect(suggestions.kind).toBe('changed')
    expect(suggestions.kind === 'changed' && suggestions.parts.some((p) => p.op === 'add' && p.text.includes('9 月底前'))).toBe(true)
    const inbox = reviewInbox(db, reviewer, { page: 1 }, tick())!
    expect(inbox.counts).toEqual({ pending: 1, returned: 0, accepted: 0 })
    expect(inbox.rows.map((r) => r.roundNo)).toEqual([2])
  })

  test('acceptance closes the loop; accepted is final; the history lists every step', () => {
    expect(decideSubmission(db, reviewer, roundTwo, form({ decision: 'accept', note: '同意验收' }), tick())).toMatchObject({ ok: true, value: { status: 'accepted' } })
    expect(acceptedSubmission(db, panel.engagementId)).toMatchObject({ id: roundTwo, roundNo: 2, status: 'accepted' })
    expect(submissionPage(db, panel.lead, panel.engagementId)!.blocker).toBe('报告已验收，不能再次提交')
    expect(reviewInbox(db, reviewer, { status: 'accepted', page: 1 }, tick())!.rows.map((r) => r.submissionId)).toEqual([roundTwo])

    const history = reviewHistory(db, panel.lead, panel.engagementId)!
    const texts = history.events.map((e) => e.text)
    expect(texts.filter((t) => t.startsWith('提交第'))).toHaveLength(2)
    expect(texts.some((t) => t.startsWith('退回第 1 轮修改（审核意见 2 条）'))).toBe(true)
    expect(texts.filter((t) => t.startsWith('答复第 1 轮'))).toHaveLength(2)
    expect(texts.at(-1)).toBe('验收第 2 轮提交的报告')
    expect(history.link).toBe(`/engagements/${panel.engagementId}/submission`)
    expect(reviewHistory(db, reviewer, panel.engagementId)!.link).toBe(`/review/${roundTwo}`)
    expect(reviewHistory(db, otherBureau, panel.engagementId)).toBeUndefined()

    for (const [action, n] of [
      ['review.submit', 2],
      ['review.comment', 3],
      ['review.comment_delete', 1],
      ['review.return', 1],
      ['review.answer', 3],
      ['review.accept', 1],
    ] as const) {
      expect(audits(action), action).toHaveLength(n)
    }
  })
})
