import { describe, expect, it } from 'vitest'
import { composeDocument } from '../../../reports/compose'
import { evaluationModel } from '../../../reports/fixtures/models'
import { sampleDocument } from '../../../reports/fixtures/sample-document'
import { walkTree } from '../indicators/tree'
import { anchorOptions, daysBetween, findAnchor, submissionStatusLabel, submitBlocker } from './review'

describe('comment anchors', () => {
  it('are the level 1–2 headings by text, once each, and the leaf indicators by code', () => {
    const model = evaluationModel()
    const doc = composeDocument(model)
    const { sections, indicators } = anchorOptions(doc, model.sheet.tree)
    expect(sections.length).toBeGreaterThan(5)
    expect(new Set(sections.map((s) => s.anchor)).size).toBe(sections.length)
    expect(sections.map((s) => s.value)).toContain('section:六、有关建议')
    expect(indicators.length).toBeGreaterThan(0)
    for (const i of indicators) expect(i.value).toBe(`indicator:${i.anchor}`)
    const nodes = walkTree(model.sheet.tree).map(({ node }) => node)
    expect(indicators.map((i) => i.anchor)).toEqual(nodes.filter((n) => n.children.length === 0).map((n) => n.code))
    expect(findAnchor({ sections, indicators }, 'section:六、有关建议')?.kind).toBe('section')
    expect(findAnchor({ sections, indicators }, 'section:不存在的章节')).toBeUndefined()
    expect(findAnchor({ sections, indicators }, '六、有关建议')).toBeUndefined()
  })

  it('a document without a sheet offers sections only; level-3 headings are not anchors', () => {
    const doc = sampleDocument()
    const { sections, indicators } = anchorOptions(doc, null)
    expect(indicators).toEqual([])
    const deep = [...doc.body].filter((b) => b.kind === 'heading' && b.level > 2).map((b) => (b.kind === 'heading' ? b.text : ''))
    for (const text of deep) expect(sections.some((s) => s.anchor === text)).toBe(false)
  })
})

describe('when a new round may start', () => {
  it('always at first; never while one waits or after acceptance; after a return once every comment is answered', () => {
    expect(submitBlocker(null)).toBeNull()
    expect(submitBlocker({ status: 'pending', unanswered: 0 })).toMatch(/审核中/)
    expect(submitBlocker({ status: 'accepted', unanswered: 0 })).toBe('报告已验收，不能再次提交')
    expect(submitBlocker({ status: 'returned', unanswered: 2 })).toBe('请先逐条答复财政局的审核意见（尚有 2 条未答复）')
    expect(submitBlocker({ status: 'returned', unanswered: 0 })).toBeNull()
  })
})

describe('days waiting', () => {
  it('counts whole days, never negative, and reads nonsense as zero', () => {
    expect(daysBetween('2026-06-01T08:00:00.000Z', '2026-06-04T07:59:59.000Z')).toBe(2)
    expect(daysBetween('2026-06-01T08:00:00.000Z', '2026-06-04T08:00:00.000Z')).toBe(3)
    expect(daysBetween('2026-06-04T08:00:00.000Z', '2026-06-01T08:00:00.000Z')).toBe(0)
    expect(daysBetween('x', '2026-06-01T08:00:00.000Z')).toBe(0)
    expect(submissionStatusLabel('returned')).toBe('已退回')
  })
})
