// Validation of an indicator tree, in Chinese, with enough location (code, path, field) for the
// editor to put each message next to the field and for the Excel import to name the row.
// Errors block publishing a framework version or freezing a sheet; warnings are advice (the 60%
// rule for 产出+效益 is "原则上", so it cannot be an error).

import { ruleProblems, pointsText } from './rules'
import type { IndicatorNode, IndicatorTree } from './tree'
import { isLeaf, MAX_LEVEL, TOTAL_WEIGHT, walkTree } from './tree'

export type ValidationField = 'weight' | 'code' | 'name' | 'rule' | 'level'

export type ValidationIssue = {
  severity: 'error' | 'warning'
  /** The indicator's code; null for issues about the whole tree. */
  code: string | null
  /** Names from the root, joined with " › "; empty for issues about the whole tree. */
  path: string
  field: ValidationField | null
  message: string
}

export const MAX_NODES = 500
export const MAX_NAME_CHARS = 100
export const MAX_POINT_CHARS = 500
export const MAX_TEXT_CHARS = 2000
/** 财预〔2020〕10号: 产出、效益指标权重原则上不低于 60%. */
export const MIN_OUTPUT_OUTCOME_WEIGHT = 6000

const CODE_FORMAT = /^[A-Za-z0-9._-]{1,20}$/
const PATH_SEPARATOR = ' › '
const UNNAMED = '（未命名）'
const LEVEL_NAMES = ['一', '二', '三', '四']

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error')
}

function chars(text: string): number {
  return [...text].length
}

function isWeight(w: number): boolean {
  return Number.isSafeInteger(w) && w >= 0
}

function sumOfWeights(nodes: readonly IndicatorNode[]): number | null {
  if (!nodes.every((n) => isWeight(n.weight))) return null
  const sum = nodes.reduce((s, n) => s + n.weight, 0)
  return Number.isSafeInteger(sum) ? sum : null
}

type Located = { node: IndicatorNode; path: string; depth: number; label: string }

function textIssues(node: IndicatorNode): { field: ValidationField | null; message: string }[] {
  const out: { field: ValidationField | null; message: string }[] = []
  if (chars(node.name) > MAX_NAME_CHARS)
    out.push({ field: 'name', message: `名称不能超过 ${MAX_NAME_CHARS} 个字` })
  node.points.forEach((p, i) => {
    if (chars(p) > MAX_POINT_CHARS)
      out.push({ field: null, message: `评价要点第 ${i + 1} 条不能超过 ${MAX_POINT_CHARS} 个字` })
  })
  const long: [string, string, ValidationField | null][] = [
    ['指标解释', node.explanation, null],
    ['评分标准', node.ruleText, 'rule'],
    ['计算公式', node.formula, null],
    ['计量单位', node.unit, null],
    ['目标值', node.target, null],
    ['佐证材料', node.evidence, null],
  ]
  for (const [label, text, field] of long) {
    if (chars(text) > MAX_TEXT_CHARS) out.push({ field, message: `${label}不能超过 ${MAX_TEXT_CHARS} 个字` })
  }
  return out
}

function structureIssues(
  { node, depth, label }: Located,
  weighted: boolean,
): { field: ValidationField; message: string }[] {
  const out: { field: ValidationField; message: string }[] = []
  if (depth > MAX_LEVEL) {
    out.push({ field: 'level', message: `指标最多四级，${label}位于第 ${depth} 级` })
  } else if (node.level !== depth) {
    out.push({
      field: 'level',
      message: `${label}位于第 ${depth} 级，层级应为 ${depth}（${LEVEL_NAMES[depth - 1]}级指标），填写为 ${String(node.level)}`,
    })
  }
  if (isLeaf(node)) {
    if (weighted && depth < 3)
      out.push({ field: 'level', message: `${label}没有下级指标：末级指标须为三级或四级指标` })
    if (node.rule === null) out.push({ field: 'rule', message: `${label}是末级指标，须设置计分规则` })
    else for (const p of ruleProblems(node.rule, node)) out.push({ field: 'rule', message: `计分规则：${p}` })
  } else if (node.rule !== null) {
    out.push({ field: 'rule', message: `${label}有下级指标，不应设置计分规则（由下级指标计分）` })
  }
  return out
}

function weightIssues({ node, label }: Located): { field: ValidationField; message: string }[] {
  if (!isWeight(node.weight)) return [{ field: 'weight', message: '权重须为不小于 0 的分值，最多两位小数' }]
  if (isLeaf(node)) return node.weight > 0 ? [] : [{ field: 'weight', message: `${label}的权重须大于 0` }]
  const sum = sumOfWeights(node.children)
  if (sum === null || sum === node.weight) return []
  return [
    {
      field: 'weight',
      message: `${label}的下级指标权重合计 ${pointsText(sum)} 分，应等于本级权重 ${pointsText(node.weight)} 分`,
    },
  ]
}

function treeWeightIssues(tree: IndicatorTree): ValidationIssue[] {
  const issue = (severity: 'error' | 'warning', message: string): ValidationIssue => ({
    severity,
    code: null,
    path: '',
    field: 'weight',
    message,
  })
  const out: ValidationIssue[] = []
  const total = sumOfWeights(tree.roots)
  if (total !== null && total !== TOTAL_WEIGHT)
    out.push(issue('error', `一级指标权重合计 ${pointsText(total)} 分，应为 ${pointsText(TOTAL_WEIGHT)} 分`))
  const output = tree.roots.filter((r) => r.name.includes('产出'))
  const outcome = tree.roots.filter((r) => r.name.includes('效益') || r.name.includes('效果'))
  const resultSum = sumOfWeights([...output, ...outcome.filter((r) => !output.includes(r))])
  if (
    output.length > 0 &&
    outcome.length > 0 &&
    resultSum !== null &&
    resultSum < MIN_OUTPUT_OUTCOME_WEIGHT
  ) {
    const outcomeWord = outcome.some((r) => r.name.includes('效益')) ? '效益' : '效果'
    out.push(
      issue(
        'warning',
        `产出、${outcomeWord}指标权重合计 ${pointsText(resultSum)} 分，原则上不低于 ${pointsText(MIN_OUTPUT_OUTCOME_WEIGHT)} 分（财预〔2020〕10号）`,
      ),
    )
  }
  return out
}

/** Every problem of the tree, tree-wide issues first, then each indicator's in pre-order. */
export function validateTree(tree: IndicatorTree): ValidationIssue[] {
  if (tree.roots.length === 0)
    return [{ severity: 'error', code: null, path: '', field: null, message: '指标体系为空' }]
  const located: Located[] = walkTree(tree).map(({ node, path }) => {
    const names = path.map((name) => name.trim() || UNNAMED)
    return {
      node,
      path: names.join(PATH_SEPARATOR),
      depth: path.length,
      label: `「${names[names.length - 1]}」`,
    }
  })
  const issues: ValidationIssue[] = []
  if (located.length > MAX_NODES) {
    issues.push({
      severity: 'error',
      code: null,
      path: '',
      field: null,
      message: `指标数量 ${located.length} 个，超过上限 ${MAX_NODES} 个`,
    })
  }
  if (tree.weighted) issues.push(...treeWeightIssues(tree))

  const firstPathOfCode = new Map<string, string>()
  for (const here of located) {
    const { node, path } = here
    const code = node.code.trim() === '' ? null : node.code
    const add = (severity: 'error' | 'warning', field: ValidationField | null, message: string) =>
      issues.push({ severity, code, path, field, message })

    if (node.name.trim() === '') add('error', 'name', '指标名称不能为空')
    if (code === null) add('error', 'code', '编码不能为空')
    else if (!CODE_FORMAT.test(code))
      add('error', 'code', `编码「${code}」只能由字母、数字和 . - _ 组成，最多 20 个字符`)
    else {
      const first = firstPathOfCode.get(code)
      if (first === undefined) firstPathOfCode.set(code, path)
      else add('error', 'code', `编码 ${code} 重复（${first} 与 ${path}）`)
    }
    for (const i of structureIssues(here, tree.weighted)) add('error', i.field, i.message)
    if (tree.weighted) for (const i of weightIssues(here)) add('error', i.field, i.message)
    for (const i of textIssues(node)) add('error', i.field, i.message)
  }
  return issues
}
