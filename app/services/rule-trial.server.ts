// 规则试算: run one leaf's scoring rule on inputs typed into the page, so an agency can check a rule
// (and the sheet it builds) before experts score with it. Read-only; nothing is stored.
import { CHECKED, ruleFields, ruleInputOf, type RuleField, type RuleValues } from '../domain/indicators/rule-inputs'
import { suggestScore } from '../domain/indicators/rules'
import { walkTree, type IndicatorTree, type RuleType, type ScoringRule } from '../domain/indicators/tree'

export type TrialField = RuleField & { value: string }

export type RuleTrial = {
  leaves: { code: string; label: string }[]
  chosen: { code: string; name: string; weight: number; ruleType: RuleType; fields: TrialField[] } | null
  result: { ok: true; score: number; reasoning: string } | { ok: false; message: string } | null
}

function fieldsFor(rule: ScoringRule, points: string[], q: URLSearchParams): TrialField[] {
  return ruleFields(rule, points).map((f) => ({ ...f, value: f.kind === 'checkbox' ? (q.has(f.name) ? CHECKED : '') : (q.get(f.name) ?? '') }))
}

const valuesOf = (fields: TrialField[]): RuleValues => Object.fromEntries(fields.map((f) => [f.name, f.value]))

export function ruleTrial(tree: IndicatorTree, q: URLSearchParams): RuleTrial {
  const leaves = walkTree(tree).filter(({ node }) => node.children.length === 0 && node.rule)
  const picked = leaves.find(({ node }) => node.code === q.get('try'))
  const base = { leaves: leaves.map(({ node, path }) => ({ code: node.code, label: `${node.code} ${path.join(' › ')}` })) }
  if (!picked?.node.rule) return { ...base, chosen: null, result: null }
  const { node } = picked
  const rule = node.rule!
  const fields = fieldsFor(rule, node.points, q)
  const chosen = { code: node.code, name: node.name, weight: node.weight, ruleType: rule.type, fields }
  const result = q.get('run') === '1' ? suggestScore(rule, node.weight, node.direction, ruleInputOf(rule, node.points, valuesOf(fields)), node.name) : null
  return { ...base, chosen, result }
}
