import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils'
import { describe, expect, it } from 'vitest'
import {
  DECLARATION_TEXT,
  DECLARATION_VERSION,
  declarationTextHash,
  factsFingerprint,
  needsRecertification,
  type DeclarationFacts,
} from './declaration'

const facts: DeclarationFacts = {
  engagementId: 'ENG1',
  unitIds: ['U2', 'U1'],
  sheetVersionId: 'SV1',
  employments: [
    { organization: '浙江大学', fromDate: '2010-09-01', toDate: null },
    { organization: '杭州市财政局', fromDate: '2001-07-01', toDate: '2010-08-31' },
  ],
}

describe('the declaration text', () => {
  it('has eight numbered clauses covering conflicts, confidentiality and consequences', () => {
    for (const n of ['一、', '二、', '三、', '四、', '五、', '六、', '七、', '八、'])
      expect(DECLARATION_TEXT).toContain(n)
    for (const term of ['被评价单位', '主管部门', '评价机构', '回避', '保密', '独立', '不正当利益', '信用'])
      expect(DECLARATION_TEXT).toContain(term)
    expect(DECLARATION_VERSION).toBe('v1-2026')
  })

  it('hashes the text as UTF-8 SHA-256', () => {
    expect(declarationTextHash()).toBe(bytesToHex(sha256(utf8ToBytes(DECLARATION_TEXT))))
    expect(declarationTextHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(declarationTextHash(`${DECLARATION_TEXT} `)).not.toBe(declarationTextHash())
  })
})

describe('factsFingerprint', () => {
  it('is a SHA-256 hex independent of the order of units and employments', () => {
    const fp = factsFingerprint(facts)
    expect(fp).toMatch(/^[0-9a-f]{64}$/)
    expect(
      factsFingerprint({ ...facts, unitIds: ['U1', 'U2'], employments: [...facts.employments].reverse() }),
    ).toBe(fp)
  })

  it('changes when a unit is added, the sheet version changes or an employment is recorded', () => {
    const fp = factsFingerprint(facts)
    expect(factsFingerprint({ ...facts, unitIds: [...facts.unitIds, 'U3'] })).not.toBe(fp)
    expect(factsFingerprint({ ...facts, sheetVersionId: 'SV2' })).not.toBe(fp)
    expect(factsFingerprint({ ...facts, sheetVersionId: null })).not.toBe(fp)
    expect(
      factsFingerprint({
        ...facts,
        employments: [...facts.employments, { organization: '某公司', fromDate: '2026-01-01', toDate: null }],
      }),
    ).not.toBe(fp)
    expect(
      factsFingerprint({
        ...facts,
        employments: [{ ...facts.employments[0]!, toDate: '2026-06-30' }, facts.employments[1]!],
      }),
    ).not.toBe(fp)
    expect(factsFingerprint({ ...facts, engagementId: 'ENG2' })).not.toBe(fp)
  })

  it('ignores extra properties on employment rows', () => {
    const rows = facts.employments.map((e) => ({ ...e, id: 'ROW' }))
    expect(factsFingerprint({ ...facts, employments: rows })).toBe(factsFingerprint(facts))
  })
})

describe('needsRecertification', () => {
  const fp = factsFingerprint(facts)

  it('asks for a first signature', () => {
    expect(needsRecertification(null, fp)).toBe(true)
  })

  it('accepts a signature on the current text and facts', () => {
    expect(needsRecertification({ textVersion: DECLARATION_VERSION, factsHash: fp }, fp)).toBe(false)
  })

  it('asks again after the facts or the text version change', () => {
    expect(
      needsRecertification(
        { textVersion: DECLARATION_VERSION, factsHash: fp },
        factsFingerprint({ ...facts, sheetVersionId: 'SV2' }),
      ),
    ).toBe(true)
    expect(needsRecertification({ textVersion: 'v0-2025', factsHash: fp }, fp)).toBe(true)
  })
})
