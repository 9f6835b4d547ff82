// 绩效运行监控 (双监控, issue 9 item 5): for an engagement of kind 'monitoring' the team keeps the
// monitoring table (target indicators), the budget execution figures and the warning thresholds;
// the commissioning bureau's reviewers read them. Warnings are always computed from the stored rows
// by the domain (app/domain/fieldwork/monitoring.ts), never stored, so they cannot go stale when the
// thresholds change. Each save is one transaction with its audit row, guarded by the sheet's version.
import { createHash } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { monitoringIndicators, monitoringSheets, users } from '../../db/schema'
import { cell, heading, paragraph, type Block, type ReportDocument, type TableCell } from '../../reports/document'
import { renderDocument, type ReportFormat } from '../../reports/render'
import { DIRECTIONS, labelOf } from '../domain/indicators/tree'
import {
  assessBudgetExecution,
  assessIndicator,
  DEFAULT_THRESHOLDS,
  DEVIATION_CAUSES,
  elapsedShare,
  LIKELIHOODS,
  MEASURES,
  monitoringWarnings,
  parseMonitoringIndicator,
  parseThresholdPoints,
  SCHEDULE_BASES,
  thresholdProblems,
  WARNING_LEVELS,
  type BudgetAssessment,
  type MonitoringIndicator,
  type MonitoringIndicatorInput,
  type MonitoringThresholds,
  type MonitoringWarning,
  type ScheduleBasis,
  type WarningLevel,
} from '../domain/fieldwork/monitoring'
import { formatPercent } from '../domain/fieldwork/ratio'
import { formatFenAsWanYuan, parseWanYuanToFen } from '../domain/money'
import { can, type Actor } from '../domain/permissions'
import { cleanText } from '../domain/text'
import { newId } from '../ids.server'
import { appendAudit, auditActor } from '../models/audit.server'
import { engagementResource, type EngagementDetail } from '../models/engagement.server'
import { formValues, type FieldErrors, type FormValues } from '../utils/form'
import { CONFLICT_MESSAGE, engagementForViewer } from './engagement.server'
import { inTransaction } from './transaction.server'

type Failure = { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors; values?: FormValues }
type Result<T> = { ok: true; value: T } | Failure

const NOT_FOUND: Failure = { ok: false, status: 404, errors: { _form: '未找到该监控项目' } }
const FORBIDDEN: Failure = { ok: false, status: 403, errors: { _form: '只有项目组成员可以在项目进行中填报监控数据' } }

export const MAX_MONITORING_ROWS = 200
export const MAX_SUGGESTIONS = 5000
/** The columns of the monitoring table form, each posted once per row. */
export const INDICATOR_FIELDS = ['name', 'unit', 'direction', 'measure', 'annualTarget', 'ytdActual', 'expectedFullYear', 'cause', 'causeNote', 'likelihood', 'remark'] as const satisfies readonly (keyof MonitoringIndicatorInput)[]
export const THRESHOLD_FIELDS = ['budgetYellow', 'budgetRed', 'indicatorYellow', 'indicatorRed'] as const
type ThresholdFormField = (typeof THRESHOLD_FIELDS)[number]

type SheetRow = typeof monitoringSheets.$inferSelect

function monitoringEngagement(db: Db | Tx, actor: Actor, engagementId: string): EngagementDetail | undefined {
  const e = engagementForViewer(db, actor, engagementId)
  return e && e.kind === 'monitoring' && can(actor, 'monitoring.view', engagementResource(e)) ? e : undefined
}

function sheetOf(db: Db | Tx, engagementId: string): SheetRow | undefined {
  return db.select().from(monitoringSheets).where(eq(monitoringSheets.engagementId, engagementId)).get()
}

function thresholdsOf(sheet: SheetRow | undefined): MonitoringThresholds {
  if (!sheet) return DEFAULT_THRESHOLDS
  return { budget: { yellow: sheet.budgetYellow, red: sheet.budgetRed }, indicator: { yellow: sheet.indicatorYellow, red: sheet.indicatorRed } }
}

/** Stored rows are valid by construction (parsed before insert), in table order. */
function indicatorsOf(db: Db | Tx, engagementId: string): MonitoringIndicator[] {
  return db
    .select()
    .from(monitoringIndicators)
    .where(eq(monitoringIndicators.engagementId, engagementId))
    .orderBy(asc(monitoringIndicators.position))
    .all()
    .map((r) => ({
      name: r.name,
      unit: r.unit,
      direction: r.direction,
      measure: r.measure,
      annualTarget: r.annualTarget,
      ytdActual: r.ytdActual,
      expectedFullYear: r.expectedFullYear,
      cause: r.cause,
      causeNote: r.causeNote,
      likelihood: r.likelihood,
      remark: r.remark,
    }))
}

export type BudgetFigures = { budgetFen: number; spentFen: number; asOf: string; basis: ScheduleBasis }

function budgetOf(sheet: SheetRow | undefined): BudgetFigures | null {
  if (!sheet || sheet.budgetFen === null || sheet.spentFen === null || sheet.asOf === null) return null
  return { budgetFen: sheet.budgetFen, spentFen: sheet.spentFen, asOf: sheet.asOf, basis: sheet.basis }
}

export type MonitoringRowView = MonitoringIndicator & { level: WarningLevel; levelLabel: string; reason: string; deviationRate: string }
export type BudgetView = BudgetFigures & { execution: string; elapsed: string; level: WarningLevel; levelLabel: string; reason: string }

export type MonitoringView = {
  engagement: { id: string; name: string; year: number; agencyName: string; bureauName: string; units: string[]; fundsFen: number; stage: string }
  mayEdit: boolean
  /** The sheet's version; 0 before anything was saved. */
  version: number
  rows: MonitoringRowView[]
  budget: BudgetView | null
  thresholds: MonitoringThresholds
  suggestions: string
  warnings: MonitoringWarning[]
  updated: { at: string; byName: string } | null
}

function assessedBudget(figures: BudgetFigures | null, year: number, t: MonitoringThresholds): { view: BudgetView | null; assessment: BudgetAssessment | null } {
  if (!figures) return { view: null, assessment: null }
  const assessed = assessBudgetExecution({ ...figures, year }, t.budget)
  // Figures stored under another year's engagement no longer fit; show them without a judgement.
  if (!assessed.ok) return { view: { ...figures, execution: '—', elapsed: '—', level: 'none', levelLabel: '—', reason: assessed.problems.map((p) => p.message).join('；') }, assessment: null }
  const a = assessed.value
  return {
    view: { ...figures, execution: formatPercent(a.execution), elapsed: formatPercent(a.elapsed), level: a.level, levelLabel: labelOf(WARNING_LEVELS, a.level), reason: a.reason },
    assessment: a,
  }
}

function viewOf(db: Db | Tx, actor: Actor, e: EngagementDetail): MonitoringView {
  const sheet = sheetOf(db, e.id)
  const thresholds = thresholdsOf(sheet)
  const indicators = indicatorsOf(db, e.id)
  const budget = assessedBudget(budgetOf(sheet), e.year, thresholds)
  const updatedBy = sheet ? db.select({ name: users.displayName }).from(users).where(eq(users.id, sheet.updatedBy)).get() : undefined
  return {
    engagement: { id: e.id, name: e.name, year: e.year, agencyName: e.agencyName, bureauName: e.bureauName, units: e.units.map((u) => u.name), fundsFen: e.fundsFen, stage: e.stage },
    mayEdit: can(actor, 'monitoring.edit', engagementResource(e)),
    version: sheet?.version ?? 0,
    rows: indicators.map((indicator) => {
      const a = assessIndicator(indicator, thresholds.indicator)
      return { ...indicator, level: a.level, levelLabel: labelOf(WARNING_LEVELS, a.level), reason: a.reason, deviationRate: a.deviationRate === null ? '—' : formatPercent(a.deviationRate) }
    }),
    budget: budget.view,
    thresholds,
    suggestions: sheet?.suggestions ?? '',
    warnings: monitoringWarnings(indicators, budget.assessment, thresholds),
    updated: sheet ? { at: sheet.updatedAt, byName: updatedBy?.name ?? '' } : null,
  }
}

/** The monitoring page of a monitoring engagement, or undefined (404) for anyone else and any other kind. */
export function monitoringPage(db: Db, actor: Actor, engagementId: string): MonitoringView | undefined {
  const e = monitoringEngagement(db, actor, engagementId)
  return e ? viewOf(db, actor, e) : undefined
}

/** The engagement page's card: rows and warnings counted, for those who may open the page. */
export function monitoringSummary(db: Db, actor: Actor, e: EngagementDetail): { rows: number; red: number; yellow: number } | null {
  if (e.kind !== 'monitoring' || !can(actor, 'monitoring.view', engagementResource(e))) return null
  const view = viewOf(db, actor, e)
  return { rows: view.rows.length, red: view.warnings.filter((w) => w.level === 'red').length, yellow: view.warnings.filter((w) => w.level === 'yellow').length }
}

// ---------------------------------------------------------------------------------------------
// Saving

export type MonitoringIntent = 'indicators' | 'budget' | 'thresholds' | 'suggestions'
export const MONITORING_INTENTS: readonly MonitoringIntent[] = ['indicators', 'budget', 'thresholds', 'suggestions']

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

function one(values: FormValues, key: string): string {
  const v = values[key]
  return typeof v === 'string' ? v : ''
}

/** The table's rows, each parsed by the domain; a row left wholly blank is dropped. Errors are keyed `field.index`. */
export function parseIndicatorRows(values: FormValues, errors: FieldErrors): MonitoringIndicator[] {
  const cols = Object.fromEntries(INDICATOR_FIELDS.map((f) => [f, asList(values[f])])) as Record<(typeof INDICATOR_FIELDS)[number], string[]>
  const count = Math.max(0, ...INDICATOR_FIELDS.map((f) => cols[f].length))
  if (count > MAX_MONITORING_ROWS) {
    errors._form = `监控表最多 ${MAX_MONITORING_ROWS} 行`
    return []
  }
  const rows: MonitoringIndicator[] = []
  const seen = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const input = Object.fromEntries(INDICATOR_FIELDS.map((f) => [f, cols[f][i] ?? ''])) as MonitoringIndicatorInput
    const typed = (['name', 'unit', 'annualTarget', 'ytdActual', 'expectedFullYear', 'cause', 'causeNote', 'remark'] as const).some((f) => cleanText(input[f]) !== '')
    if (!typed) continue
    const name = cleanText(input.name)
    const earlier = seen.get(name)
    if (earlier !== undefined) errors[`name.${i}`] = `第 ${i + 1} 行：指标「${name}」与第 ${earlier + 1} 行重复`
    else if (name !== '') seen.set(name, i)
    const parsed = parseMonitoringIndicator(input)
    if (parsed.ok) rows.push(parsed.value)
    else for (const p of parsed.problems) errors[`${p.field}.${i}`] ??= `第 ${i + 1} 行：${p.message}`
  }
  return rows
}

function parseBudget(values: FormValues, year: number, t: MonitoringThresholds, errors: FieldErrors): BudgetFigures | null {
  const budget = parseWanYuanToFen(one(values, 'budget'))
  const spent = parseWanYuanToFen(one(values, 'spent'))
  if (!budget.ok) errors.budget = budget.message === '请填写金额' ? '请填写预算金额' : `预算金额：${budget.message}`
  if (!spent.ok) errors.spent = spent.message === '请填写金额' ? '请填写已支出金额' : `已支出金额：${spent.message}`
  const basisCode = one(values, 'basis')
  const basis = SCHEDULE_BASES.find((b) => b.code === basisCode)?.code
  if (!basis) errors.basis = '请选择序时进度计算方式'
  const asOf = one(values, 'asOf').trim()
  if (asOf === '') errors.asOf = '请填写监控截止日期'
  else if (budget.ok && spent.ok && basis) {
    const assessed = assessBudgetExecution({ budgetFen: budget.value, spentFen: spent.value, asOf, year, basis }, t.budget)
    const keys = { budgetFen: 'budget', spentFen: 'spent', asOf: 'asOf' } as const
    if (!assessed.ok) for (const p of assessed.problems) errors[keys[p.field]] ??= p.message
  } else {
    const elapsed = elapsedShare(asOf, year, basis ?? 'month')
    if (!elapsed.ok) errors.asOf = elapsed.message
  }
  if (Object.keys(errors).length > 0 || !budget.ok || !spent.ok || !basis) return null
  return { budgetFen: budget.value, spentFen: spent.value, asOf, basis }
}

function parseThresholds(values: FormValues, errors: FieldErrors): MonitoringThresholds | null {
  const points: Partial<Record<ThresholdFormField, number>> = {}
  for (const field of THRESHOLD_FIELDS) {
    const parsed = parseThresholdPoints(one(values, field))
    if (parsed.ok) points[field] = parsed.value
    else errors[field] = parsed.message
  }
  const { budgetYellow, budgetRed, indicatorYellow, indicatorRed } = points
  // Each pair is checked for order as soon as both of its numbers parse, the other pair standing in with its defaults.
  const budget = budgetYellow !== undefined && budgetRed !== undefined ? { yellow: budgetYellow, red: budgetRed } : null
  const indicator = indicatorYellow !== undefined && indicatorRed !== undefined ? { yellow: indicatorYellow, red: indicatorRed } : null
  const t: MonitoringThresholds = { budget: budget ?? DEFAULT_THRESHOLDS.budget, indicator: indicator ?? DEFAULT_THRESHOLDS.indicator }
  const formField: Record<string, ThresholdFormField> = { 'budget.yellow': 'budgetYellow', 'budget.red': 'budgetRed', 'indicator.yellow': 'indicatorYellow', 'indicator.red': 'indicatorRed' }
  for (const p of thresholdProblems(t)) errors[formField[p.field]!] ??= p.message
  if (!budget || !indicator) return null
  return Object.keys(errors).length > 0 ? null : t
}

type Change =
  | { intent: 'indicators'; rows: MonitoringIndicator[] }
  | { intent: 'budget'; budget: BudgetFigures }
  | { intent: 'thresholds'; thresholds: MonitoringThresholds }
  | { intent: 'suggestions'; suggestions: string }

function parseChange(intent: MonitoringIntent, values: FormValues, e: EngagementDetail, current: MonitoringThresholds, errors: FieldErrors): Change | null {
  switch (intent) {
    case 'indicators': {
      const rows = parseIndicatorRows(values, errors)
      return Object.keys(errors).length > 0 ? null : { intent, rows }
    }
    case 'budget': {
      const budget = parseBudget(values, e.year, current, errors)
      return budget ? { intent, budget } : null
    }
    case 'thresholds': {
      const thresholds = parseThresholds(values, errors)
      return thresholds ? { intent, thresholds } : null
    }
    case 'suggestions': {
      const suggestions = cleanText(one(values, 'suggestions'))
      if (suggestions.length > MAX_SUGGESTIONS) errors.suggestions = `下一步工作建议不能超过 ${MAX_SUGGESTIONS} 个字符`
      return Object.keys(errors).length > 0 ? null : { intent, suggestions }
    }
  }
}

function sheetPatch(change: Change): Partial<typeof monitoringSheets.$inferInsert> {
  switch (change.intent) {
    case 'indicators':
      return {}
    case 'budget':
      return { ...change.budget }
    case 'thresholds': {
      const { budget, indicator } = change.thresholds
      return { budgetYellow: budget.yellow, budgetRed: budget.red, indicatorYellow: indicator.yellow, indicatorRed: indicator.red }
    }
    case 'suggestions':
      return { suggestions: change.suggestions }
  }
}

const AUDIT_ACTIONS: Record<MonitoringIntent, string> = {
  indicators: 'monitoring.indicators.save',
  budget: 'monitoring.budget.save',
  thresholds: 'monitoring.thresholds.save',
  suggestions: 'monitoring.suggestions.save',
}

function auditState(tx: Tx, engagementId: string, intent: MonitoringIntent): unknown {
  const sheet = sheetOf(tx, engagementId)
  switch (intent) {
    case 'indicators':
      return indicatorsOf(tx, engagementId)
    case 'budget':
      return budgetOf(sheet)
    case 'thresholds':
      return thresholdsOf(sheet)
    case 'suggestions':
      return sheet?.suggestions ?? ''
  }
}

/**
 * One save of the monitoring page: the table (rows replaced as a whole), the budget execution, the
 * thresholds or the suggestions. The form carries the sheet's version (0 before the first save);
 * a stale one answers 409 and nothing changes.
 */
export function saveMonitoring(db: Db, actor: Actor, engagementId: string, intent: MonitoringIntent, fd: FormData, now: Date): Result<{ version: number; warnings: number }> {
  const values = formValues(fd, intent === 'indicators' ? INDICATOR_FIELDS : [])
  return inTransaction(db, (tx): Result<{ version: number; warnings: number }> => {
    const e = monitoringEngagement(tx, actor, engagementId)
    if (!e) return NOT_FOUND
    if (!can(actor, 'monitoring.edit', engagementResource(e))) return FORBIDDEN
    const sheet = sheetOf(tx, e.id)
    const posted = /^\d{1,9}$/.test(one(values, 'version')) ? Number(one(values, 'version')) : Number.NaN
    if (posted !== (sheet?.version ?? 0)) return { ok: false, status: 409, errors: { _form: CONFLICT_MESSAGE }, values }
    const errors: FieldErrors = {}
    const change = parseChange(intent, values, e, thresholdsOf(sheet), errors)
    if (!change) return { ok: false, status: 400, errors, values }

    const before = auditState(tx, e.id, intent)
    const version = (sheet?.version ?? 0) + 1
    const stamp = { updatedBy: actor.userId, updatedAt: now.toISOString(), version }
    if (sheet) tx.update(monitoringSheets).set({ ...sheetPatch(change), ...stamp }).where(eq(monitoringSheets.engagementId, e.id)).run()
    else tx.insert(monitoringSheets).values({ engagementId: e.id, ...sheetPatch(change), ...stamp }).run()
    if (change.intent === 'indicators') {
      tx.delete(monitoringIndicators).where(eq(monitoringIndicators.engagementId, e.id)).run()
      if (change.rows.length > 0) tx.insert(monitoringIndicators).values(change.rows.map((r, position) => ({ id: newId(), engagementId: e.id, position, ...r }))).run()
    }
    appendAudit(tx, { actor: auditActor(actor), action: AUDIT_ACTIONS[intent], entity: 'engagement', entityId: e.id, before, after: auditState(tx, e.id, intent), at: now })
    return { ok: true, value: { version, warnings: viewOf(tx, actor, e).warnings.length } }
  })
}

// ---------------------------------------------------------------------------------------------
// The monitoring report (监控报告)

export function monitoringReportTitle(engagementName: string): string {
  return engagementName.endsWith('绩效运行监控') ? `${engagementName}报告` : `${engagementName}绩效运行监控报告`
}

const YTD_HEADER = '当年累计执行情况'

/** As the central form (136号) heads it, 「1–7月执行情况」, once the cut-off date is known. */
function ytdHeader(view: MonitoringView): string {
  const month = view.budget ? Number(view.budget.asOf.slice(5, 7)) : 0
  return month >= 1 && month <= 12 ? `1–${month}月执行情况` : YTD_HEADER
}

const MONITORING_COLUMNS: readonly { header: string; width: number }[] = [
  { header: '绩效指标', width: 14 },
  { header: '指标性质', width: 7 },
  { header: '年度指标值', width: 8 },
  { header: YTD_HEADER, width: 8 },
  { header: '全年预计完成情况', width: 8 },
  { header: '偏差率', width: 8 },
  { header: '偏差原因', width: 13 },
  { header: '完成目标可能性', width: 9 },
  { header: '预警', width: 7 },
  { header: '备注', width: 9 },
]

function withUnit(value: string, row: MonitoringIndicator): string {
  return row.measure === 'quantitative' && row.unit !== '' ? `${value} ${row.unit}` : value
}

function causeText(row: MonitoringIndicator): string {
  if (row.cause === null) return '—'
  const label = labelOf(DEVIATION_CAUSES, row.cause)
  return row.causeNote === '' ? label : `${label}：${row.causeNote}`
}

function indicatorRow(row: MonitoringRowView): TableCell[] {
  const center = { align: 'center' } as const
  return [
    cell(row.name),
    cell(`${labelOf(DIRECTIONS, row.direction)}·${labelOf(MEASURES, row.measure)}`, center),
    cell(withUnit(row.annualTarget, row), center),
    cell(withUnit(row.ytdActual, row), center),
    cell(withUnit(row.expectedFullYear, row), center),
    cell(row.deviationRate, center),
    cell(causeText(row)),
    cell(labelOf(LIKELIHOODS, row.likelihood), center),
    cell(row.level === 'none' ? '—' : row.levelLabel, { align: 'center', bold: row.level !== 'none' }),
    cell(row.remark === '' ? '—' : row.remark),
  ]
}

function pointsText(hundredths: number): string {
  return String(hundredths / 100)
}

function budgetBlocks(view: MonitoringView): Block[] {
  const b = view.budget
  if (!b) return [paragraph('尚未填报预算执行情况。')]
  const basis = b.basis === 'day' ? '按日计算（已过天数 ÷ 全年天数）' : '按月计算（截止月份 ÷ 12）'
  return [
    paragraph(`截至 ${b.asOf}，项目预算 ${formatFenAsWanYuan(b.budgetFen)} 万元，已支出 ${formatFenAsWanYuan(b.spentFen)} 万元。序时进度${basis}。`),
    {
      kind: 'table',
      caption: '预算执行与序时进度',
      columns: [{ width: 12 }, { width: 12 }, { width: 10 }, { width: 10 }, { width: 10 }],
      header: [['预算金额（万元）', '已支出（万元）', '预算执行率', '序时进度', '预警'].map((h) => cell(h, { bold: true, align: 'center' }))],
      rows: [[cell(formatFenAsWanYuan(b.budgetFen), { align: 'right' }), cell(formatFenAsWanYuan(b.spentFen), { align: 'right' }), cell(b.execution, { align: 'center' }), cell(b.elapsed, { align: 'center' }), cell(b.level === 'none' ? '正常' : b.levelLabel, { align: 'center', bold: b.level !== 'none' })]],
      note: b.reason,
    },
  ]
}

function warningBlocks(view: MonitoringView): Block[] {
  const t = view.thresholds
  const rule = `预警规则：预算执行率落后序时进度 ${pointsText(t.budget.yellow)} 个百分点为黄色预警、${pointsText(t.budget.red)} 个百分点为红色预警；绩效指标全年预计完成值较年度指标值的偏差达到 ${pointsText(t.indicator.yellow)}% 为黄色预警、${pointsText(t.indicator.red)}% 为红色预警，完成目标可能性为「完全不可能」的为红色预警。`
  const byName = new Map(view.rows.map((r) => [r.name, r]))
  const lines = view.warnings.map((w) => {
    const row = byName.get(w.subject)
    const cause = row && row.cause !== null ? `偏差原因：${causeText(row)}。` : ''
    return paragraph(`【${labelOf(WARNING_LEVELS, w.level)}】${w.subject}：${w.message}。${cause}`)
  })
  return [paragraph(rule, 'note'), ...(lines.length === 0 ? [paragraph('本次监控未发现黄色或红色预警。')] : lines)]
}

/** The monitoring report as the document both renderers draw. */
export function monitoringReportDocument(view: MonitoringView, generatedAt: string): ReportDocument {
  const e = view.engagement
  const title = monitoringReportTitle(e.name)
  const reportDate = generatedAt.slice(0, 10)
  const red = view.warnings.filter((w) => w.level === 'red').length
  const yellow = view.warnings.length - red
  const suggestions = view.suggestions.split(/\n+/).map((s) => s.trim()).filter((s) => s !== '')
  return {
    meta: { title, subject: '绩效运行监控报告', author: e.agencyName, createdAt: generatedAt, documentId: createHash('sha256').update(JSON.stringify([view, generatedAt])).digest('hex').slice(0, 32) },
    cover: {
      title,
      subtitle: '',
      lines: [
        { label: '委托单位', value: e.bureauName },
        { label: '被监控单位', value: e.units.join('、') },
        { label: '监控机构', value: e.agencyName },
        { label: '报告日期', value: reportDate },
      ],
      sealNote: '（监控机构盖章）',
      verification: null,
    },
    runningHeader: title,
    frontMatter: [],
    toc: null,
    body: [
      heading(1, '一、基本情况', 'basic'),
      paragraph(`项目名称：${e.name}。预算年度：${e.year} 年。被监控单位：${e.units.join('、') || '—'}。项目资金：${formatFenAsWanYuan(e.fundsFen)} 万元。本次监控绩效指标 ${view.rows.length} 项，发现红色预警 ${red} 项、黄色预警 ${yellow} 项。`),
      heading(1, '二、预算执行情况', 'budget'),
      ...budgetBlocks(view),
      heading(1, '三、绩效目标实现情况', 'indicators'),
      view.rows.length === 0
        ? paragraph('尚未填报绩效指标监控情况。')
        : {
            kind: 'table',
            caption: '项目支出绩效目标执行监控表',
            columns: MONITORING_COLUMNS.map((c) => ({ width: c.width })),
            header: [MONITORING_COLUMNS.map((c) => cell(c.header === YTD_HEADER ? ytdHeader(view) : c.header, { bold: true, align: 'center' }))],
            rows: view.rows.map(indicatorRow),
            note: '偏差率 = |全年预计完成值 − 年度指标值| ÷ 年度指标值；定性指标不计算偏差率。',
          },
      heading(1, '四、预警情况及原因分析', 'warnings'),
      ...warningBlocks(view),
      heading(1, '五、下一步工作建议', 'suggestions'),
      ...(suggestions.length === 0 ? [paragraph('（未填写）')] : suggestions.map((s) => paragraph(s))),
    ],
  }
}

export const MONITORING_REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
}

export function isMonitoringReportFormat(x: string | undefined): x is ReportFormat {
  return x === 'docx' || x === 'pdf'
}

/**
 * 生成监控报告: the report of the stored figures in one format, its generation audited. Undefined
 * (404) for whoever may not read the monitoring page. A few pages, so rendered in process.
 */
export async function monitoringReportFile(db: Db, actor: Actor, engagementId: string, format: ReportFormat, now: Date): Promise<{ bytes: Uint8Array; filename: string } | undefined> {
  const view = inTransaction(db, (tx) => {
    const e = monitoringEngagement(tx, actor, engagementId)
    if (!e) return undefined
    const v = viewOf(tx, actor, e)
    appendAudit(tx, { actor: auditActor(actor), action: 'monitoring.report.generate', entity: 'engagement', entityId: e.id, after: { format, version: v.version, warnings: v.warnings.length }, at: now })
    return v
  })
  if (!view) return undefined
  const [file] = await renderDocument(monitoringReportDocument(view, now.toISOString()), [format])
  return { bytes: file!.bytes, filename: monitoringReportTitle(view.engagement.name) }
}
