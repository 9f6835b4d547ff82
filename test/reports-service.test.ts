// Report versions on a real database, rendered in process: what people write is saved (409 when
// stale) and lands in the next version; versions are immutable and numbered; two versions compare
// section by section; a 定稿 is issued with a verification code printed on it; /verify's service
// answers for the code and recognizes the issued files byte for byte, and nothing else.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../db/client.server'
import { auditLog, reportFiles, reportVersions } from '../db/schema'
import { setReportNames } from '../app/services/panel.server'
import { buildReportModel } from '../reports/build-model.server'
import { checkIssuedFile, compareVersions, generateVersion, issueVersion, reportPage, saveNarrative, verificationOf, versionFile } from '../app/services/report.server'
import { renderModel, sha256Hex } from '../reports/render'
import { readPdf, squash } from '../reports/pdf/read-pdf'
import { actorOf, form, type ReadyPanel } from './helpers/panel-fixture'
import { scoredEngagement } from './helpers/scored-engagement'
import { makeDemoDb, type TempDb } from './helpers/temp-db'

let temp: TempDb
let db: Db
let panel: ReadyPanel
let clock = new Date('2026-06-01T01:00:00.000Z').getTime()
const tick = (ms = 60_000) => new Date((clock += ms))
const render = (model: Parameters<typeof renderModel>[0]) => renderModel(model)
const fixedBytes = (n: number) => new Uint8Array(n).map((_, i) => (i * 7 + 3) % 30)

beforeAll(async () => {
  temp = await makeDemoDb(new Date(clock))
  db = temp.db
  panel = await scoredEngagement(db, { at: tick(), close: false })
})
afterAll(() => temp?.cleanup())

describe('the sections people write', () => {
  test('start as drafts from the data, are saved once per version, and a stale page gets 409', () => {
    const page = reportPage(db, panel.lead, panel.engagementId, 'evaluation', tick())
    if (!page.ok) throw new Error(JSON.stringify(page))
    expect(page.value.sections.map((s) => s.key)).toEqual(['overview', 'targets', 'experience', 'problems', 'suggestions', 'other'])
    expect(page.value.sections.find((s) => s.key === 'problems')!.text).toContain('佐证材料不完整')
    expect(page.value.sections.every((s) => !s.written)).toBe(true)
    const fields = Object.fromEntries(page.value.sections.map((s) => [s.key, s.text]))
    const saved = saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ ...fields, suggestions: '一是完善绩效目标；二是规范资金台账。', version: '0' }), tick())
    expect(saved).toMatchObject({ ok: true, value: { version: 1 } })
    expect(saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ ...fields, version: '0' }), tick())).toMatchObject({ ok: false, status: 409 })
    const tooLong = saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ ...fields, other: '字'.repeat(20_001), version: '1' }), tick())
    expect(tooLong.ok ? null : tooLong.errors.other).toBe('「其他需要说明的问题」不能超过 20000 个字符')
    // Neither the bureau nor another agency reaches the agency's drafts.
    expect(reportPage(db, actorOf(db, 'binjiang.finance'), panel.engagementId, 'evaluation', tick())).toMatchObject({ ok: false, status: 404 })
    expect(saveNarrative(db, actorOf(db, 'hengping.admin'), panel.engagementId, 'evaluation', form({ ...fields, version: '1' }), tick())).toMatchObject({ ok: false, status: 404 })
  })
})

describe('the panel list in reports', () => {
  test('shows 专家A/B/C by default and the names once the lead chooses names (audited)', () => {
    const members = () => {
      const built = buildReportModel(db, panel.engagementId, 'evaluation', { stage: 'draft', generatedAt: tick().toISOString(), verification: null })
      if (!built.ok) throw new Error(JSON.stringify(built))
      return built.value.panel!.members.map((m) => m.displayName)
    }
    expect(members()).toEqual(['专家A', '专家B', '专家C', '专家D', '专家E'])
    expect(setReportNames(db, panel.lead, panel.engagementId, form({ showExpertNames: 'maybe' }), tick())).toMatchObject({ ok: false, status: 400 })
    expect(setReportNames(db, panel.lead, panel.engagementId, form({ showExpertNames: 'names' }), tick())).toMatchObject({ ok: true, value: { showExpertNames: true } })
    expect(members().sort()).toEqual(panel.seats.map((s) => s.name).sort())
    expect(setReportNames(db, panel.lead, panel.engagementId, form({ showExpertNames: 'pseudonyms' }), tick()).ok).toBe(true)
    expect(db.select().from(auditLog).all().filter((r) => r.action === 'panel.report_names')).toHaveLength(2)
  })
})

describe('versions', () => {
  test('a 定稿 waits for scoring to close; drafts are numbered, hashed, stored with both files, and immutable', async () => {
    const early = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'final', note: '' }), tick(), render)
    expect(early.ok ? null : early.errors._form).toMatch(/评分尚未结束/)
    const v1 = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'draft', note: '内部初稿' }), tick(), render)
    expect(v1).toMatchObject({ ok: true, value: { versionNo: 1 } })
    const row = db.select().from(reportVersions).where(eq(reportVersions.versionNo, 1)).get()!
    const files = db.select().from(reportFiles).where(eq(reportFiles.versionId, row.id)).all()
    expect(files.map((f) => [f.format, sha256Hex(f.bytes)])).toEqual([
      ['docx', row.docxSha256],
      ['pdf', row.pdfSha256],
    ])
    // What people wrote is in the version.
    const pdf = await readPdf(files.find((f) => f.format === 'pdf')!.bytes)
    expect(squash(pdf.pages.map((p) => p.text).join(''))).toContain('规范资金台账')
    expect(() => db.update(reportVersions).set({ note: 'x' }).run()).toThrow(/final/)
    expect(() => db.delete(reportFiles).run()).toThrow(/final/)
    const bad = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'printed', note: '' }), tick(), render)
    expect(bad.ok ? null : bad.errors.stage).toBe('请选择报告阶段')
  })

  test('two versions compare section by section', async () => {
    const page = reportPage(db, panel.lead, panel.engagementId, 'evaluation', tick())
    if (!page.ok) throw new Error('page')
    const fields = Object.fromEntries(page.value.sections.map((s) => [s.key, s.text]))
    expect(saveNarrative(db, panel.lead, panel.engagementId, 'evaluation', form({ ...fields, suggestions: '一是完善绩效目标；二是规范资金台账；三是加强满意度调查。', version: String(page.value.narrativeVersion) }), tick()).ok).toBe(true)
    const v2 = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'consultation', note: '' }), tick(), render)
    if (!v2.ok) throw new Error(JSON.stringify(v2))
    const [second, first] = db.select().from(reportVersions).all().sort((a, b) => b.versionNo - a.versionNo)
    const diff = compareVersions(db, panel.lead, panel.engagementId, first!.id, second!.id)!
    const changed = diff.changes.filter((c) => c.kind === 'changed')
    expect(changed.map((c) => c.heading)).toEqual(expect.arrayContaining(['六、有关建议']))
    const suggestions = changed.find((c) => c.heading === '六、有关建议')!
    expect(suggestions.kind === 'changed' && suggestions.parts.some((p) => p.op === 'add' && p.text.includes('加强满意度调查'))).toBe(true)
  })
})

describe('issuing and verification', () => {
  test('a 定稿 after scoring closes is issued with a code on it; /verify knows the code and the exact files', async () => {
    for (const to of ['discussion', 'closed']) {
      const { setScoringPhase, findRound } = await import('../app/services/scoring.server')
      expect(setScoringPhase(db, panel.lead, panel.engagementId, form({ to, version: String(findRound(db, panel.engagementId)!.version) }), tick()).ok).toBe(true)
    }
    const finalDraft = await generateVersion(db, panel.lead, panel.engagementId, 'evaluation', form({ stage: 'final', note: '' }), tick(), render)
    if (!finalDraft.ok) throw new Error(JSON.stringify(finalDraft))
    const draftOnly = db.select().from(reportVersions).where(eq(reportVersions.versionNo, 1)).get()!
    const opts = { publicUrl: 'https://evaldesk.example.cn/', randomBytes: fixedBytes }
    expect(await issueVersion(db, panel.lead, panel.engagementId, form({ versionId: draftOnly.id }), tick(), render, opts)).toMatchObject({ ok: false, status: 409, errors: { _form: '只有定稿可以签发' } })
    // Issuing is the lead's or the agency admin's: a team member (李评) may not.
    const member = actorOf(db, 'mingjian.li')
    expect((await issueVersion(db, member, panel.engagementId, form({ versionId: finalDraft.value.id }), tick(), render, opts)).ok).toBe(false)
    const issuedAt = tick()
    const issued = await issueVersion(db, panel.lead, panel.engagementId, form({ versionId: finalDraft.value.id }), issuedAt, render, opts)
    if (!issued.ok) throw new Error(JSON.stringify(issued))
    expect(issued.value.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    expect(db.select().from(auditLog).all().some((r) => r.action === 'report.issue' && r.afterJson!.includes(issued.value.code))).toBe(true)

    const pdf = versionFile(db, panel.lead, panel.engagementId, issued.value.id, 'pdf')!
    const docx = versionFile(db, panel.lead, panel.engagementId, issued.value.id, 'docx')!
    const text = squash((await readPdf(pdf.bytes)).pages.map((p) => p.text).join(''))
    expect(text).toContain(issued.value.code)
    expect(pdf.filename).toMatch(/（签发稿第4版）\.pdf$/)

    // The same model and issue time give the same bytes: the issued files can be rendered again exactly.
    const row = db.select().from(reportVersions).where(eq(reportVersions.id, issued.value.id)).get()!
    const again = await renderModel(JSON.parse(row.modelJson))
    expect(again.map((f) => f.sha256)).toEqual([row.docxSha256, row.pdfSha256])

    const info = verificationOf(db, issued.value.code.toLowerCase().replace('-', ' '))!
    expect(info).toMatchObject({ code: issued.value.code, agency: '浙江明鉴绩效评价咨询有限公司', bureau: '杭州市滨江区财政局', superseded: false })
    expect(JSON.stringify(info)).not.toMatch(/评分专家|专家A/)
    expect(checkIssuedFile(db, issued.value.code, pdf.bytes, sha256Hex)).toEqual({ format: 'pdf' })
    expect(checkIssuedFile(db, issued.value.code, docx.bytes, sha256Hex)).toEqual({ format: 'docx' })
    const tampered = Uint8Array.from(pdf.bytes)
    tampered[tampered.length - 10] = tampered[tampered.length - 10]! ^ 1
    expect(checkIssuedFile(db, issued.value.code, tampered, sha256Hex)).toEqual({ format: null })
    expect(verificationOf(db, 'ZZZZ-ZZZZ')).toBeUndefined()
  })
})
