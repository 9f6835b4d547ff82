import { describe, expect, test } from 'vitest'
import { hasRuleValues, parseRuleValues, ruleFields, ruleInputOf, ruleValueLines } from './rule-inputs'
import type { ScoringRule } from './tree'

const deduction: ScoringRule = {
  type: 'deduction',
  counted: '不合规事项',
  perFinding: { unit: 'points', amount: 100 },
  veto: '存在截留、挤占、挪用',
}
const qualitative: ScoringRule = {
  type: 'qualitative',
  bands: [
    { label: '达成', min: 8000, max: 10000 },
    { label: '未达成', min: 0, max: 8000 },
  ],
}

describe('rule fields and values', () => {
  test('numbers as typed: separators and full-width digits accepted, anything else refused by label', () => {
    const fields = ruleFields(deduction, [])
    const read = (form: Record<string, string>) => parseRuleValues(fields, (n) => form[n])
    expect(read({ findings: ' 1,200 ', vetoed: 'on' })).toEqual({
      ok: true,
      values: { findings: '1200', vetoed: 'on' },
    })
    expect(read({ findings: '３' })).toEqual({ ok: true, values: { findings: '3', vetoed: '' } })
    for (const bad of ['三', 'NaN', 'Infinity', '1e3', '0x10', '1.2.3', '9'.repeat(21)]) {
      expect(read({ findings: bad }), bad).toEqual({
        ok: false,
        errors: { findings: '「不合规事项（项数）」须为数字' },
      })
    }
  })

  test('a select takes only its options; blank means not yet assessed', () => {
    const fields = ruleFields(qualitative, [])
    expect(parseRuleValues(fields, (n) => ({ band: '1' })[n])).toEqual({
      ok: true,
      values: { band: '1', share: '' },
    })
    expect(parseRuleValues(fields, (n) => ({ band: '2' })[n])).toEqual({
      ok: false,
      errors: { band: '请从列表中选择「档位」' },
    })
    expect(hasRuleValues(fields, { band: '', share: '' })).toBe(false)
  })

  test('values become the rule input and the lines an expert reads', () => {
    const fields = ruleFields(deduction, [])
    expect(ruleInputOf(deduction, [], { findings: '2', vetoed: '' })).toEqual({
      type: 'deduction',
      findings: 2,
      vetoed: false,
    })
    expect(ruleInputOf(deduction, [], {})).toEqual({ type: 'deduction', findings: Number.NaN, vetoed: false })
    expect(ruleValueLines(fields, { findings: '2', vetoed: '' })).toEqual([
      { label: '不合规事项（项数）', value: '2' },
      { label: '存在否决情形：存在截留、挤占、挪用', value: '否' },
    ])
    expect(ruleValueLines(ruleFields(qualitative, []), { band: '0', share: '' })).toEqual([
      { label: '档位', value: '达成（80%–100%）' },
    ])
  })
})
