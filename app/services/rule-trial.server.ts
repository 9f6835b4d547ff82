// 规则试算: run one leaf's scoring rule on inputs typed into the page, so an agency can check a rule
// (and the sheet it builds) before experts score with it. Read-only; nothing is stored.
import { suggestScore, type RuleInput } from '../domain/indicators/rules'
import { walkTree, type IndicatorTree, type RuleType, type ScoringRule } from '../domain/indicators/tree'

export type TrialField = { name: string; label: string; kind: 'number' | 'checkbox' | 'select'; options?: { value: string; label: string }[]; value: string }

export type RuleTrial = {
  leaves: { code: string; label: string }[]
  chosen: { code: string; name: string; weight: number; ruleType: RuleType; fields: TrialField[] } | null
  result: { ok: true; score: number; reasoning: string } | { ok: false; message: string } | null
}

function fieldsFor(rule: ScoringRule, points: string[], q: URLSearchParams): TrialField[] {
  const v = (name: string) => q.get(name) ?? ''
  switch (rule.type) {
    case 'element':
      return points.map((p, i) => ({ name: `p${i}`, label: `要点${i + 1}：${p}`, kind: 'checkbox', value: q.has(`p${i}`) ? 'on' : '' }))
    case 'formula':
      return [
        { name: 'numerator', label: rule.numerator, kind: 'number', value: v('numerator') },
        { name: 'denominator', label: rule.denominator, kind: 'number', value: v('denominator') },
      ]
    case 'tier':
      return [{ name: 'value', label: rule.measure, kind: 'number', value: v('value') }]
    case 'deduction':
      return [
        { name: 'findings', label: `${rule.counted}（项数）`, kind: 'number', value: v('findings') },
        ...(rule.veto ? [{ name: 'vetoed', label: `存在否决情形：${rule.veto}`, kind: 'checkbox' as const, value: q.has('vetoed') ? 'on' : '' }] : []),
      ]
    case 'qualitative':
      return [
        { name: 'band', label: '档位', kind: 'select', options: rule.bands.map((b, i) => ({ value: String(i), label: `${b.label}（${b.min / 100}%–${b.max / 100}%）` })), value: v('band') },
        { name: 'share', label: '档内得分率（%，可留空）', kind: 'number', value: v('share') },
      ]
    case 'survey':
      return [
        { name: 'satisfied', label: '满意+较满意 样本数', kind: 'number', value: v('satisfied') },
        { name: 'valid', label: '有效样本数', kind: 'number', value: v('valid') },
      ]
  }
}

/** Typed text -> number; blank or garbage becomes NaN, which suggestScore answers with a message. */
const num = (text: string | null) => (text === null || text.trim() === '' ? Number.NaN : Number(text.trim()))

function inputFor(rule: ScoringRule, points: string[], q: URLSearchParams): RuleInput {
  switch (rule.type) {
    case 'element':
      return { type: 'element', passed: points.map((_, i) => q.has(`p${i}`)) }
    case 'formula':
      return { type: 'formula', numerator: num(q.get('numerator')), denominator: num(q.get('denominator')) }
    case 'tier':
      return { type: 'tier', value: num(q.get('value')) }
    case 'deduction':
      return { type: 'deduction', findings: num(q.get('findings')), vetoed: q.has('vetoed') }
    case 'qualitative': {
      const share = q.get('share')
      return { type: 'qualitative', band: num(q.get('band')), ...(share && share.trim() !== '' ? { sharePercent: num(share) } : {}) }
    }
    case 'survey':
      return { type: 'survey', satisfied: num(q.get('satisfied')), valid: num(q.get('valid')) }
  }
}

export function ruleTrial(tree: IndicatorTree, q: URLSearchParams): RuleTrial {
  const leaves = walkTree(tree).filter(({ node }) => node.children.length === 0 && node.rule)
  const picked = leaves.find(({ node }) => node.code === q.get('try'))
  const base = { leaves: leaves.map(({ node, path }) => ({ code: node.code, label: `${node.code} ${path.join(' › ')}` })) }
  if (!picked?.node.rule) return { ...base, chosen: null, result: null }
  const { node } = picked
  const rule = node.rule!
  const chosen = { code: node.code, name: node.name, weight: node.weight, ruleType: rule.type, fields: fieldsFor(rule, node.points, q) }
  const result = q.get('run') === '1' ? suggestScore(rule, node.weight, node.direction, inputFor(rule, node.points, q), node.name) : null
  return { ...base, chosen, result }
}
