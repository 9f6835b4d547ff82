// The on-screen report (reports/html/ReportView): the same blocks as the DOCX and PDF, as HTML a
// reviewer reads in the browser: numbered headings with link targets, the contents, paragraphs with
// their bold labels, tables whose merged cells keep their rowSpan/colSpan, and bar charts.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { composeDocument } from '../reports/compose'
import { headingsOf, type ReportDocument } from '../reports/document'
import { evaluationModel } from '../reports/fixtures/models'
import { sampleDocument } from '../reports/fixtures/sample-document'
import { ReportView, sectionId } from '../reports/html/ReportView'

const html = (doc: ReportDocument) => renderToStaticMarkup(createElement(ReportView, { document: doc }))

describe('ReportView', () => {
  test('draws the cover, the contents linking to every level 1–2 heading, and each heading as a target', () => {
    const doc = composeDocument(evaluationModel())
    const out = html(doc)
    expect(out).toContain(doc.cover.title.split('\n')[0]!)
    for (const line of doc.cover.lines) expect(out).toContain(`${line.label}：${line.value}`)
    for (const h of headingsOf(doc)) {
      expect(out).toContain(`id="${sectionId(h.anchor)}"`)
      if (h.level <= 2 && doc.toc) expect(out).toContain(`href="#${sectionId(h.anchor)}"`)
    }
    expect(out).toContain('<h2 id=')
    expect(out).toContain('<strong>')
  })

  test('tables keep header rows, merged cells and notes; line breaks become <br>', () => {
    const doc: ReportDocument = {
      ...sampleDocument(),
      body: [
        {
          kind: 'table',
          caption: '表1 指标得分',
          columns: [{ width: 1 }, { width: 2 }, { width: 1, align: 'right' }],
          header: [[{ text: '一级' }, { text: '二级\n指标' }, { text: '得分' }]],
          rows: [[{ text: '决策', rowSpan: 2 }, { text: '立项' }, { text: '9.5' }], [{ text: '目标' }, { text: '8' }], [{ text: '合计', colSpan: 2, bold: true }, { text: '17.5' }]],
          note: '注：得分为专家组合议结果。',
        },
      ],
    }
    const out = html(doc)
    expect(out).toContain('<caption>表1 指标得分</caption>')
    expect(out).toContain('<th style="text-align:center">二级<br/>指标</th>')
    expect(out).toMatch(/<td rowspan="2"[^>]*>决策<\/td>/i)
    expect(out).toMatch(/<td colspan="2"[^>]*><strong>合计<\/strong><\/td>/i)
    // The covered cell's column (得分) keeps its alignment on the row after a rowSpan.
    expect(out).toContain('<td style="text-align:right">8</td>')
    expect(out).toContain('<col style="width:25.00%"/>')
    expect(out).toContain('注：得分为专家组合议结果。')
  })

  test('a bar chart is a captioned list: label, a bar as wide as its share of four fifths of the track, value, note', () => {
    const doc: ReportDocument = {
      ...sampleDocument(),
      body: [{ kind: 'barChart', caption: '图1 各题满意率', bars: [{ label: '总体满意度', share: 0.905, valueText: '90.5%' }, { label: '无人满意', share: 0, valueText: '0.0%' }, { label: '越界', share: 1.5, valueText: '—' }], note: '注：测试。' }],
    }
    const out = html(doc)
    expect(out).toContain('<figcaption>图1 各题满意率</figcaption>')
    expect(out).toContain('<span class="rv-bar-label">总体满意度</span><span class="rv-bar-track"><span class="rv-bar" style="width:72.40%"></span><span>90.5%</span></span>')
    expect(out).toContain('<span class="rv-bar" style="width:0.00%"></span><span>0.0%</span>')
    expect(out).toContain('<span class="rv-bar" style="width:80.00%"></span><span>—</span>')
    expect(out).toContain('注：测试。')
  })

  test('the evaluation report shows its survey chart', () => {
    const out = html(composeDocument(evaluationModel()))
    expect(out).toContain('<figcaption>《受助学生家长满意度调查》各题满意率</figcaption>')
    expect(out).toContain('<span class="rv-bar-label">资助资金发放及时性</span>')
  })

  test('text is escaped, never markup', () => {
    const doc: ReportDocument = { ...sampleDocument(), body: [{ kind: 'paragraph', runs: [{ text: '<script>alert(1)</script>' }] }] }
    const out = html(doc)
    expect(out).not.toContain('<script>')
    expect(out).toContain('&lt;script&gt;')
  })
})
