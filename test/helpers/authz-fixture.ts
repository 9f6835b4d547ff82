// The world the authorization matrix (SECURITY.md §12.1) runs against: the built server on a fresh
// demo database, and engagement P1 (agency A 明鉴, bureau X 滨江, unit 卫生健康局) given a real
// resource behind every route with an id, through the real services: a panel of three with a
// reserve (one expert declared a conflict and was recused, the reserve took the seat), the sheet,
// scoring with a sentinel score and comment, a consultation round, an issued, submitted and accepted
// report, rectification with evidence, a document request with the unit's file, a working paper, a
// survey with an uploaded answer file and a credit entry with evidence. P2 is agency B's engagement.
// Every distinctive string (expert names, the comment) is a sentinel the matrix looks for in denied
// answers. The scoring is built in two steps so the test can look at it while it is still open.
import crypto from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { openDatabase, type Db } from '../../db/client.server'
import { documentRequestFiles, engagements, engagementUnits, experts, expertSpecialties, frameworks, frameworkVersions, rectificationEvidence, reportVersions, scoringRounds, specialties, surveyImports, surveys, users } from '../../db/schema'
import { hashPassword } from '../../app/auth/password.server'
import { DEFAULT_SPECIALTIES } from '../../app/domain/experts/vocab'
import type { Actor } from '../../app/domain/permissions'
import { nextStages, type Stage } from '../../app/domain/stages'
import { prepareFile } from '../../app/files/store.server'
import { newId } from '../../app/ids.server'
import { findPanel, listDraws, listSeats } from '../../app/models/panel.server'
import { createRequest, uploadToRequest } from '../../app/services/document-requests.server'
import { moveStage } from '../../app/services/engagement.server'
import { sendRound } from '../../app/services/feedback.server'
import { certify, declareConflict, drawPanel, respondToInvitation, savePanel } from '../../app/services/panel.server'
import { confirmItem, createItems, reportProgress } from '../../app/services/rectification.server'
import { generateVersion, issueVersion, saveNarrative } from '../../app/services/report.server'
import { decideSubmission, submitReport } from '../../app/services/review.server'
import { expertScoringPage, saveScore, setScoringPhase, startScoring, submitScores } from '../../app/services/scoring.server'
import { startSheet } from '../../app/services/sheet.server'
import { createUser } from '../../app/services/user-admin.server'
import { renderModel } from '../../reports/render'
import { Client, loggedIn } from './http'
import { actorOf, form } from './panel-fixture'
import { MONITORING_ENGAGEMENT } from './scored-engagement'
import { startServer, type RunningServer } from './server'
import { TEST_AUDIT_KEY } from './temp-db'

/** The actors of SECURITY.md §12.1, in the column order of test/authz-matrix.ts. */
export const ACTORS = [
  'anonymous',
  'systemAdmin',
  'agencyAdmin',
  'evaluator',
  'seatedExpert',
  'unseatedExpert',
  'conflictedExpert',
  'bureauX',
  'bureauY',
  'unitContact',
] as const
export type ActorName = (typeof ACTORS)[number]

/** The real ids a route pattern is filled with. */
export type Resources = {
  engagement: string
  agencyOrg: string
  user: string
  framework: string
  frameworkVersion: string
  expert: string
  draw: string
  /** The seated expert's own seat; the conflicted expert's (withdrawn) seat is `recusedSeat`. */
  seat: string
  recusedSeat: string
  submission: string
  reportType: string
  reportVersion: string
  /** The consultation draft sent to the unit: with `reportVersion`, what the compare page compares. */
  consultationVersion: string
  paperVersion: string
  rectificationItem: string
  rectificationEvidence: string
  survey: string
  surveyImport: string
  request: string
  requestFile: string
  feedbackRound: string
  creditSubject: string
  creditFile: string
  verificationCode: string
  /** No real invite is left open (every fixture expert has an account): a well-formed unknown token. */
  inviteToken: string
}

export type Sentinels = {
  /** Names of the fixture's experts, each unique to this run. */
  expertNames: string[]
  /** The comment the sentinel scorer left on one indicator, and that score as the page prints it. */
  comment: string
  score: string
  /** The sentinel scorer's reason for the deduction: report content once scoring closes. */
  reason: string
  /** Names and the comment: no denied answer may carry any of them, but for the actor's own name. */
  all: string[]
  /** The name each expert actor sees of themselves on every page. */
  own: Partial<Record<ActorName, string>>
}

export type AuthzWorld = {
  server: RunningServer
  db: Db
  p1: Resources
  /** P1's resources with agency B's engagement (P2) in place of P1: none of them may be found. */
  p2: Resources
  sentinels: Sentinels
  clients: Record<Exclude<ActorName, 'anonymous'>, Client>
  /** The expert who left the sentinel score, seated beside the observing `seatedExpert`. */
  scorerName: string
  /** Scores everything, closes scoring and builds the rest of the resources. */
  complete: () => Promise<void>
  /** Moves P1 to `stage` by real transitions (back to 委托 first when it lies behind). */
  moveTo: (stage: Stage) => void
}

export const EXPERT_PASSWORD = 'Fixture-expert-password-1'
const UNIT_PASSWORD = 'Fixture-unit-password-1'
const P2_ENGAGEMENT = '2025年滨江区教育局部门整体支出绩效评价'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)])
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')])
const SURVEY_CSV = Buffer.from(`\uFEFF序号,1、总体满意度\r\n${Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 3 === 0 ? '一般' : '满意'}`).join('\r\n')}\r\n`, 'utf8')

function must<T extends { ok: boolean }>(result: T, what: string): T & { ok: true } {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`)
  return result as T & { ok: true }
}

async function mustStatus(res: Response, status: number, what: string): Promise<Response> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${(await res.text()).slice(0, 500)}`)
  return res
}

/**
 * Retries a request once when the socket was reset: an idle keep-alive connection the server has
 * just closed fails the next write (EPIPE) before the server saw anything, so trying again is safe.
 */
export async function once<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send()
  } catch (e) {
    if (e instanceof TypeError && e.message === 'fetch failed') return send()
    throw e
  }
}

function multipart(fields: Record<string, string>, files: { field: string; bytes: Buffer; name: string }[]): FormData {
  const body = new FormData()
  for (const [k, v] of Object.entries(fields)) body.append(k, v)
  for (const f of files) body.append(f.field, new Blob([Uint8Array.from(f.bytes)]), f.name)
  return body
}

export async function authzWorld(at: Date = new Date()): Promise<AuthzWorld> {
  process.env.EVALDESK_AUDIT_KEY = TEST_AUDIT_KEY
  const server = await startServer({ env: { ...process.env, EVALDESK_AUDIT_KEY: TEST_AUDIT_KEY } })
  const db = openDatabase(server.dbFile)
  let time = at.getTime()
  const tick = (ms = 60_000) => new Date((time += ms))
  const tag = crypto.randomBytes(3).toString('hex')
  const engagementId = db.select().from(engagements).where(eq(engagements.name, MONITORING_ENGAGEMENT)).get()!.id
  const p2Id = db.select().from(engagements).where(eq(engagements.name, P2_ENGAGEMENT)).get()!.id
  const unitId = db.select().from(engagementUnits).where(eq(engagementUnits.engagementId, engagementId)).get()!.evaluatedUnitId
  const lead = actorOf(db, 'mingjian.zhao')
  const reviewer = actorOf(db, 'binjiang.finance')

  // The unit's contact: an account the platform admin creates, whose first password is replaced.
  must(
    await createUser(db, { kind: 'user', actor: actorOf(db, 'admin') }, { username: 'az.unit', displayName: `卫健联络-${tag}`, role: 'unit_contact', organizationId: null, evaluatedUnitId: unitId, orgAdmin: false, phone: '', email: '', password: UNIT_PASSWORD }, tick()),
    'unit contact',
  )
  const unitClient = await new Client(server.url).login('az.unit', UNIT_PASSWORD)
  await mustStatus(await unitClient.post('/account', { currentPassword: UNIT_PASSWORD, newPassword: `${UNIT_PASSWORD}-new`, newPasswordConfirm: `${UNIT_PASSWORD}-new` }), 302, 'unit password')
  const unitContact = actorOf(db, 'az.unit')

  // Four experts, each named by a sentinel; the demo's experts are suspended so the draw is theirs.
  for (const [i, s] of DEFAULT_SPECIALTIES.entries()) db.insert(specialties).values({ code: s.code, label: s.label, position: i }).onConflictDoNothing().run()
  db.update(experts).set({ status: 'suspended' }).run()
  const passwordHash = await hashPassword(EXPERT_PASSWORD)
  const expertNames = ['甲', '乙', '丙', '丁'].map((c) => `哨兵专家${c}${tag}`)
  expertNames.forEach((name, i) => {
    const userId = newId()
    const expertId = newId()
    const iso = at.toISOString()
    db.insert(users).values({ id: userId, username: `az.expert${i}`, displayName: name, role: 'expert', passwordHash, createdAt: iso, updatedAt: iso }).run()
    db.insert(experts).values({ id: expertId, userId, name, employer: `哨兵单位${tag}`, title: 'senior', createdAt: iso, updatedAt: iso }).run()
    db.insert(expertSpecialties).values({ expertId, specialtyCode: 'finance' }).run()
  })
  const expertActor = (userId: string): Actor => ({ userId, role: 'expert', organizationId: null, orgAdmin: false, evaluatedUnitId: null })

  must(savePanel(db, lead, engagementId, form({ size: '3', reserveCount: '1', reviewDate: '2026-06-10', reviewDays: '1', maxDrawsPerYear: '6', lookbackYears: '3', replyHours: '48' }), tick()), 'panel')
  must(drawPanel(db, lead, engagementId, form({ version: String(findPanel(db, engagementId)!.version) }), tick(), new Uint8Array(32).fill(5)), 'draw')
  const panelId = findPanel(db, engagementId)!.id
  const [recused] = listSeats(db, panelId).filter((s) => s.status === 'invited')
  must(declareConflict(db, expertActor(recused!.expertUserId!), recused!.id, form({ type: 'participation', note: '曾参与该项目实施方案编制' }), tick()), 'declare conflict')
  const cy2020 = db.select({ id: frameworkVersions.id, frameworkId: frameworkVersions.frameworkId }).from(frameworkVersions).innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId)).where(eq(frameworks.libraryCode, 'cy2020-project')).get()!
  must(startSheet(db, lead, engagementId, form({ frameworkVersionId: cy2020.id }), tick()), 'sheet')
  for (const s of listSeats(db, panelId).filter((x) => x.status === 'invited')) {
    must(respondToInvitation(db, expertActor(s.expertUserId!), s.id, form({ decision: 'accept', version: String(s.version) }), tick()), 'accept')
    must(certify(db, expertActor(s.expertUserId!), s.id, form({ agree: 'on' }), '127.0.0.1', tick()), 'certify')
  }
  const seated = listSeats(db, panelId).filter((s) => s.status === 'accepted')
  if (seated.length !== 3) throw new Error(`expected 3 seated experts, got ${seated.length}`)
  const [observer, scorer] = seated as [(typeof seated)[0], (typeof seated)[0]]
  const userOf = (expertUserId: string) => db.select().from(users).where(eq(users.id, expertUserId)).get()!.username

  must(startScoring(db, lead, engagementId, form({ aggregationRule: 'mean', step: '0.1' }), tick()), 'start scoring')
  const comment = `哨兵评语-${tag}`
  // The sentinel score: the first leaf worth more than 8 points, scored 7.3 with the sentinel comment.
  const scorerItems = expertScoringPage(db, expertActor(scorer.expertUserId!), scorer.id, tick())!.items
  const sentinelItem = scorerItems.find((i) => i.node.weight > 800) ?? scorerItems[0]!
  const sentinelScore = sentinelItem.node.weight > 800 ? 7.3 : (sentinelItem.node.weight - 10) / 100
  must(saveScore(db, expertActor(scorer.expertUserId!), scorer.id, form({ code: sentinelItem.node.code, score: String(sentinelScore), reason: `哨兵扣分理由-${tag}`, comment, seen: '0' }), tick()), 'sentinel score')

  const clients = {
    systemAdmin: await loggedIn(server.url, 'admin'),
    agencyAdmin: await loggedIn(server.url, 'mingjian.admin'),
    evaluator: await loggedIn(server.url, 'mingjian.li'),
    seatedExpert: await new Client(server.url).login(userOf(observer.expertUserId!), EXPERT_PASSWORD),
    unseatedExpert: await loggedIn(server.url, 'expert.zhang'),
    conflictedExpert: await new Client(server.url).login(userOf(recused!.expertUserId!), EXPERT_PASSWORD),
    bureauX: await loggedIn(server.url, 'binjiang.finance'),
    bureauY: await loggedIn(server.url, 'xihu.finance'),
    unitContact: unitClient,
  }
  const leadClient = await loggedIn(server.url, 'mingjian.zhao')

  const p1: Resources = {
    engagement: engagementId,
    agencyOrg: lead.organizationId!,
    user: actorOf(db, 'mingjian.li').userId,
    framework: cy2020.frameworkId,
    frameworkVersion: cy2020.id,
    expert: observer.expertId,
    draw: listDraws(db, panelId)[0]!.id,
    seat: observer.id,
    recusedSeat: recused!.id,
    submission: '',
    reportType: 'evaluation',
    reportVersion: '',
    consultationVersion: '',
    paperVersion: '',
    rectificationItem: '',
    rectificationEvidence: '',
    survey: '',
    surveyImport: '',
    request: '',
    requestFile: '',
    feedbackRound: '',
    creditSubject: lead.organizationId!,
    creditFile: '',
    verificationCode: '',
    inviteToken: crypto.randomBytes(32).toString('base64url'),
  }

  async function complete(): Promise<void> {
    for (const s of seated) {
      const actor = expertActor(s.expertUserId!)
      for (const [k, item] of expertScoringPage(db, actor, s.id, tick())!.items.entries()) {
        if (s.id === scorer.id && item.node.code === sentinelItem.node.code) continue
        const w = item.node.weight
        const deduction = Math.min(w, (k % 3) * 50)
        must(saveScore(db, actor, s.id, form({ code: item.node.code, score: String((w - deduction) / 100), reason: deduction > 0 ? `「${item.node.name}」佐证材料不完整` : '', comment: '', seen: '0' }), tick(1000)), 'score')
      }
      must(submitScores(db, actor, s.id, tick()), 'submit scores')
    }
    for (const to of ['discussion', 'closed']) {
      const round = db.select().from(scoringRounds).where(eq(scoringRounds.engagementId, engagementId)).get()!
      must(setScoringPhase(db, lead, engagementId, form({ to, version: String(round.version) }), tick()), to)
    }

    // Reports: a consultation draft sent to the unit, then a 定稿 issued, submitted and accepted.
    const render = (model: Parameters<typeof renderModel>[0]) => renderModel(model)
    must(saveNarrative(db, lead, engagementId, 'evaluation', form({ version: '0', problems: '一是资金台账不全，二是绩效目标不够细化。', overview: '项目概况。' }), tick()), 'narrative')
    const consultation = must(await generateVersion(db, lead, engagementId, 'evaluation', form({ stage: 'consultation', note: '' }), tick(), render), 'consultation')
    p1.consultationVersion = consultation.value.id
    p1.feedbackRound = must(sendRound(db, lead, engagementId, form({ versionId: consultation.value.id, deadline: '2099-12-31' }), tick()), 'feedback round').value.id
    const final = must(await generateVersion(db, lead, engagementId, 'evaluation', form({ stage: 'final', note: '' }), tick(), render), 'final')
    const issued = must(await issueVersion(db, lead, engagementId, form({ versionId: final.value.id }), tick(), render, { publicUrl: 'https://evaldesk.example.cn', randomBytes: (n) => crypto.randomBytes(n) }), 'issue')
    p1.reportVersion = issued.value.id
    p1.verificationCode = db.select().from(reportVersions).where(eq(reportVersions.id, issued.value.id)).get()!.verificationCode!
    p1.submission = must(submitReport(db, lead, engagementId, form({ versionId: issued.value.id }), tick(24 * 3600_000)), 'submit').value.submissionId
    must(decideSubmission(db, reviewer, p1.submission, form({ decision: 'accept', note: '' }), tick(24 * 3600_000)), 'accept')

    // 整改: the bureau sets an item, the lead confirms it, the unit reports with evidence.
    const itemId = must(createItems(db, reviewer, engagementId, form({ problem: ['资金台账不全'], requirement: ['补齐服务台账'], unitId: [unitId], deadline: ['2099-06-30'] }), tick()), 'rectification item').value.ids[0]!
    must(confirmItem(db, lead, itemId, form({ version: '1' }), tick()), 'confirm item')
    const evidence = await prepareFile(db, { bytes: PNG, filename: '整改凭证.png' })
    if (!evidence.ok) throw new Error(evidence.message)
    must(reportProgress(db, unitContact, itemId, { note: '已补建台账', version: 2 }, evidence.file, tick()), 'progress')
    p1.rectificationItem = itemId
    p1.rectificationEvidence = db.select().from(rectificationEvidence).where(eq(rectificationEvidence.itemId, itemId)).get()!.id

    // 资料清单: a request the unit answered with a file.
    p1.request = must(createRequest(db, lead, engagementId, form({ title: '基本公共卫生服务台账', description: '', dueDate: '2099-06-30', unitId }), tick()), 'request').value.id
    const submitted = await prepareFile(db, { bytes: PNG, filename: '台账.png' })
    if (!submitted.ok) throw new Error(submitted.message)
    must(uploadToRequest(db, unitContact, p1.request, { note: '', version: 1 }, submitted.file, tick()), 'request upload')
    p1.requestFile = db.select().from(documentRequestFiles).where(and(eq(documentRequestFiles.requestId, p1.request), eq(documentRequestFiles.fileId, submitted.file.id))).get()!.id

    // 工作底稿, 满意度调查 and a credit entry with evidence, as their pages make them.
    const paper = await once(() => leadClient.request(`/engagements/${engagementId}/papers`, { method: 'POST', body: multipart({ intent: 'paper', title: '资金拨付凭证', indicatorCode: sentinelItem.node.code, note: '' }, [{ field: 'file', bytes: PDF, name: '拨付凭证.pdf' }]) }))
    await mustStatus(paper, 200, 'paper')
    p1.paperVersion = /\/papers\/files\/([0-9A-Z]{26})/.exec(await (await once(() => leadClient.get(`/engagements/${engagementId}/papers`))).text())![1]!
    await mustStatus(await once(() => leadClient.post(`/engagements/${engagementId}/surveys`, { title: '服务对象满意度调查' })), 302, 'survey')
    const survey = db.select().from(surveys).where(eq(surveys.engagementId, engagementId)).get()!
    p1.survey = survey.id
    const surveyUrl = `/engagements/${engagementId}/surveys/${survey.id}`
    await mustStatus(await once(() => leadClient.post(surveyUrl, { title: '服务对象满意度调查', indicatorCode: '', scale: 'very', overall: 'q1', version: String(survey.version), population: '', questionId: ['q1'], questionKind: ['likert'], questionTitle: ['总体满意度'], questionOptions: [''] })), 200, 'questionnaire')
    await mustStatus(await once(() => leadClient.request(surveyUrl, { method: 'POST', body: multipart({}, [{ field: 'file', bytes: SURVEY_CSV, name: '答卷.csv' }]) })), 302, 'survey upload')
    p1.surveyImport = db.select().from(surveyImports).where(eq(surveyImports.surveyId, survey.id)).get()!.id
    const credit = await once(() => clients.bureauX.request(`/credit/${p1.creditSubject}?intent=issue`, { method: 'POST', body: multipart({ intent: 'issue', kind: 'commendation', description: '哨兵表彰事实' }, [{ field: 'files', bytes: PNG, name: '表彰文件.png' }]) }))
    await mustStatus(credit, 200, 'credit entry')
    p1.creditFile = /\/files\/([0-9A-Z]{26})/.exec(await (await once(() => clients.bureauX.get(`/credit/${p1.creditSubject}`))).text())![1]!
    Object.assign(p2, { ...p1, engagement: p2Id })
  }

  function moveTo(stage: Stage): void {
    const current = () => db.select({ stage: engagements.stage, version: engagements.version }).from(engagements).where(eq(engagements.id, engagementId)).get()!
    const step = (to: Stage, note: string) => must(moveStage(db, lead, engagementId, { to, note, version: current().version }, tick()), `move to ${to}`)
    const order: Stage[] = ['commissioned', 'preliminary_research', 'evaluation_plan', 'fieldwork', 'survey', 'expert_review', 'draft_report', 'consultation', 'finalized', 'submitted', 'rectification', 'archived']
    if (order.indexOf(current().stage as Stage) > order.indexOf(stage)) {
      while (current().stage !== 'commissioned') step(nextStages(current().stage as Stage).backward[0]!, '授权矩阵测试：退回')
    }
    while (current().stage !== stage) step(order[order.indexOf(current().stage as Stage) + 1]!, '')
  }

  const p2: Resources = { ...p1, engagement: p2Id }
  const sentinels: Sentinels = { expertNames, comment, score: String(sentinelScore), reason: `哨兵扣分理由-${tag}`, all: [...expertNames, comment], own: { seatedExpert: observer.expertName, conflictedExpert: recused!.expertName } }
  return { server, db, p1, p2, sentinels, clients, scorerName: scorer.expertName, complete, moveTo }
}
