import { describe, expect, it } from 'vitest'
import { placeCells, type ParagraphBlock, type TableBlock } from '../document'
import { creditModel } from '../fixtures/credit-model'
import { blacklistingText, composeCreditReport, creditReportFileName, entryStatusLabel } from './credit'

const textOf = (b: ParagraphBlock) => b.runs.map((r) => r.text).join('')
const tables = (doc: ReturnType<typeof composeCreditReport>) => doc.body.filter((b): b is TableBlock => b.kind === 'table')
const paragraphs = (doc: ReturnType<typeof composeCreditReport>) => doc.body.filter((b): b is ParagraphBlock => b.kind === 'paragraph').map(textOf)

describe('credit report document', () => {
  const model = creditModel()
  const doc = composeCreditReport(model)

  it('names the subject, its kind, the date and the policy on the cover', () => {
    expect(doc.cover.title).toBe('浙江测试绩效评价咨询有限公司\n信用报告')
    expect(doc.cover.lines).toEqual([
      { label: '主体名称', value: '浙江测试绩效评价咨询有限公司' },
      { label: '主体类别', value: '评价机构' },
      { label: '信用政策', value: '默认信用政策（第 1 版）' },
      { label: '出具日期', value: '2026年3月1日' },
    ])
    expect(doc.meta.documentId).toMatch(/^[0-9a-f]{32}$/)
    expect(composeCreditReport(creditModel()).meta.documentId).toBe(doc.meta.documentId)
    expect(creditReportFileName(model)).toBe('浙江测试绩效评价咨询有限公司-信用报告-2026-03-01')
  })

  it('states score, grade and the active blacklisting, and explains the score line by line', () => {
    const headings = doc.body.flatMap((b) => (b.kind === 'heading' ? [b.text] : []))
    expect(headings).toEqual(['一、信用状况', '二、计分说明', '三、信用记录', '四、申诉记录', '五、各财政部门信用政策下的信用状况'])
    const text = paragraphs(doc)
    expect(text[0]).toBe('截至2026年3月1日，依据杭州市滨江区财政局的默认信用政策（第 1 版），浙江测试绩效评价咨询有限公司的信用分为 55 分，信用等级为 D（60 分以下）。')
    expect(text).toContain('失信情况：列入失信名单：2026-02-10 至 2029-02-09（经查实虚假报告、串通或数据造假（较重及以上），3 年）')
    for (const line of model.standing.explanation) expect(text).toContain(line)
  })

  it('lists every entry with points as recorded and as counted, and its status', () => {
    const [entries, appeals, bureaus] = tables(doc)
    for (const t of tables(doc)) placeCells(t.columns.length, t.rows)
    expect(entries!.header[0]!.map((c) => c.text)).toEqual(['日期', '类别', '严重程度', '分值（记录/计入）', '出具方', '状态', '说明'])
    expect(entries!.rows.map((r) => [r[0]!.text, r[2]!.text, r[3]!.text, r[5]!.text])).toEqual([
      ['2024-05-10', '轻微', '−3 / 0', '已过期'],
      ['2025-12-01', '—', '+5 / +5', '有效'],
      ['2025-12-20', '一般', '−10 / 0', '已撤销'],
      ['2026-01-05', '一般（原严重）', '−10 / −10', '已变更'],
      ['2026-02-10', '严重', '−40 / −40', '申诉中'],
    ])
    expect(appeals!.rows.map((r) => [r[0]!.text, r[1]!.text, r[4]!.text, r[6]!.text])).toEqual([
      ['2025-12-20 恶意低价', '2025-12-22', '撤销', '复核成本测算属实'],
      ['2026-01-05 违规转包或出借资质', '2026-01-08', '变更（严重程度改为一般）', '转包范围有限，降为一般'],
      ['2026-02-10 虚假或误导性报告', '2026-02-15', '待处理', '—'],
    ])
    expect(bureaus!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['杭州市滨江区财政局', '默认信用政策（第 1 版）', '55', 'D', '2026-02-10 至 2029-02-09'],
      ['杭州市西湖区财政局', '西湖区信用政策（第 2 版）', '45', 'D', '2026-02-10 至 2029-02-09'],
    ])
  })

  it('an empty file reads 暂无 and, with one bureau, has no per-bureau section', () => {
    const empty = { ...creditModel(1), entries: [], appeals: [], policyBureau: null }
    const d = composeCreditReport({ ...empty, standing: { ...empty.standing, contributions: [], blacklisting: null, blacklistings: [] } })
    expect(d.body.flatMap((b) => (b.kind === 'heading' ? [b.text] : []))).toHaveLength(4)
    expect(tables(d)).toEqual([])
    expect(paragraphs(d)).toEqual(expect.arrayContaining(['暂无信用记录。', '暂无申诉记录。', '失信情况：无']))
    expect(paragraphs(d)[0]).toContain('依据平台默认信用政策（第 1 版）')
  })

  it('words blacklisting and entry status', () => {
    const rule = { id: 'r', label: '规则', years: 1 }
    expect(blacklistingText(null)).toBe('无')
    expect(blacklistingText({ active: false, from: '2024-01-01', to: '2024-12-31', rule, triggeredBy: [] })).toBe('无（曾列入失信名单：2024-01-01 至 2024-12-31（规则，1 年），已届满）')
    expect(entryStatusLabel({ status: 'active', appealPending: false }, { status: 'not_yet_effective' })).toBe('未生效')
    expect(entryStatusLabel({ status: 'revoked', appealPending: true }, undefined)).toBe('已撤销')
  })
})
