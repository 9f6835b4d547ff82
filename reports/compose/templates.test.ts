// Every template is rendered with every fixture (through the composers, with the contexts they
// really build), none is left unused, and a variable a template names but a context lacks fails.
import { describe, expect, it } from 'vitest'
import { headingsOf } from '../document'
import { FIXTURE_MODELS } from '../fixtures/models'
import { REPORT_TYPES, type ReportType } from '../model'
import { baseContext } from './context'
import { composeDocument } from './index'
import { documentText } from './text'
import { compileTemplate, listTemplates, recordingRenders, renderTemplate } from './templates'

const rendered = new Map<ReportType, string[]>()
for (const { code } of REPORT_TYPES) rendered.set(code, recordingRenders(() => composeDocument(FIXTURE_MODELS[code]())).rendered)

describe('templates', () => {
  it.each(REPORT_TYPES.map((t) => t.code))('the %s fixture renders every template of its type, leaving no placeholder of a missing value', (type) => {
    const own = listTemplates().filter((t) => t.startsWith(`${type}/`))
    expect(own.length).toBeGreaterThan(0)
    expect(rendered.get(type)).toEqual(expect.arrayContaining(own))
    expect(documentText(composeDocument(FIXTURE_MODELS[type]()))).not.toMatch(/undefined|NaN|\[object Object\]|\{\{|\}\}/)
  })

  it('no template on disk is left unused by the composers', () => {
    const used = new Set([...rendered.values()].flat())
    expect(listTemplates().filter((t) => !used.has(t))).toEqual([])
  })

  it('every template renders with the base context of every fixture plus what its composer adds', () => {
    // The shared templates (basic information, independence) must work for every report type.
    for (const { code } of REPORT_TYPES) {
      const context = { ...baseContext(FIXTURE_MODELS[code]()), work: '评价', documentName: '报告' }
      expect(renderTemplate('common', 'basic-info', context)).toContain('万元')
      expect(renderTemplate('common', 'independence', context)).toContain('独立、客观、公正')
    }
  })

  it('a variable the context lacks is an error, not a blank', () => {
    const context = baseContext(FIXTURE_MODELS.evaluation())
    const { total: _total, ...scoringWithoutTotal } = context.scoring as Record<string, unknown>
    expect(() => renderTemplate('evaluation', 'conclusion', { ...context, annexes: { scores: 1 }, scoring: scoringWithoutTotal })).toThrow(/evaluation\/conclusion\.hbs: template helper fmtPoints: missing argument/)
    expect(() => renderTemplate('evaluation', 'conclusion', { ...context })).toThrow(/evaluation\/conclusion\.hbs: "scores" not defined/)
  })

  it('strict everywhere: plain lookups, #if/#each on a missing value and helpers with a missing argument all throw', () => {
    expect(() => compileTemplate('{{a}}')({})).toThrow(/"a" not defined/)
    expect(() => compileTemplate('{{#if a}}x{{/if}}')({})).toThrow(/#if: missing argument/)
    expect(() => compileTemplate('{{#unless a}}x{{/unless}}')({})).toThrow(/#unless: missing argument/)
    expect(() => compileTemplate('{{#each a}}x{{/each}}')({})).toThrow(/#each: missing argument/)
    expect(() => compileTemplate('{{fmtPoints a}}')({})).toThrow(/fmtPoints: missing argument/)
    // Present but false or empty is fine, and nothing is HTML-escaped (the output is not HTML).
    expect(compileTemplate('{{#if a}}x{{else}}y{{/if}}{{#each b}}z{{/each}}{{c}}')({ a: false, b: [], c: '<财政&预算>' })).toBe('y<财政&预算>')
    expect(compileTemplate('{{fmtPoints s}}/{{fmtWeight w}}={{fmtRate s w}} {{fmtWan f}}万元 {{fmtDate d}} {{fmtList xs}}{{#each xs}}{{nth @index}}{{/each}}')({ s: 850, w: 1000, f: 1_000000, d: '2025-03-01', xs: ['甲', '乙'] })).toBe(
      '8.50/10=85.00% 1.00万元 2025年3月1日 甲和乙①②',
    )
  })

  it('templates cannot number headings: every heading comes from the composer', () => {
    for (const { code } of REPORT_TYPES) {
      const doc = composeDocument(FIXTURE_MODELS[code]())
      const anchors = headingsOf(doc).map((h) => h.anchor)
      expect(new Set(anchors).size).toBe(anchors.length)
    }
  })
})
