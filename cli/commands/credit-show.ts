// `credit:show <subject-id> [--at YYYY-MM-DD] [--bureau <id>] [--json]`: a credit file's standing on a
// date, from its entries as they stand now, under one bureau's policy: the one named, else the bureau
// the subject last worked for, else the platform default (the output says which).
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { organizations } from '../../db/schema'
import { ENTRY_KINDS, SEVERITIES, SUBJECTS, labelOf } from '../../app/domain/credit/categories'
import { isIsoDate } from '../../app/domain/credit/dates'
import { pointsText, type CreditStanding } from '../../app/domain/credit/evaluate'
import { policyCaption } from '../../app/domain/credit/policy'
import { beijingDate } from '../../app/domain/finance/rectification'
import { bureausOf, resolveSubject, standingOf } from '../../app/services/credit.server'
import { blacklistingText } from '../../reports/compose/credit'
import { CliError, type CommandSpec } from '../framework'

const input = z.object({
  subjectId: z.string().trim().min(1, '请给出信用主体编号（评价机构、从业人员或专家）'),
  at: z.string().trim().refine(isIsoDate, '日期格式应为 YYYY-MM-DD，如 2026-06-30').optional(),
  bureau: z.string().trim().min(1, '请给出财政部门编号').optional(),
  json: z.boolean().default(false),
})

type PolicyBasis = 'option' | 'latest_bureau' | 'default'

const BASIS_TEXT: Record<PolicyBasis, (bureau: string) => string> = {
  option: (bureau) => `按 --bureau 指定的${bureau}的政策`,
  latest_bureau: (bureau) => `按该主体最近服务的${bureau}的政策`,
  default: () => '该主体未服务过任何财政部门，按平台默认政策',
}

const points = (hundredths: number) => hundredths / 100

function entriesJson(standing: CreditStanding) {
  const item = (c: CreditStanding['contributions'][number]) => ({ id: c.entryId, kind: c.kind, kindLabel: labelOf(ENTRY_KINDS, c.kind), severity: c.severity })
  return {
    entries: standing.contributions
      .filter((c) => c.status === 'counted')
      .map((c) => ({ ...item(c), points: points(c.counted), hundredths: c.counted, status: c.amended ? 'amended' : 'active', underAppeal: c.underAppeal })),
    notCounted: standing.contributions.filter((c) => c.status !== 'counted').map((c) => ({ ...item(c), status: c.status })),
  }
}

export const command: CommandSpec<z.infer<typeof input>> = {
  name: 'credit:show',
  summary: { zh: '显示信用主体在某日的信用分、等级、计入的信用记录和失信名单', en: "show a credit file's score, grade, counted entries and blacklisting on a date" },
  configure(cmd) {
    cmd
      .argument('<subjectId>', '信用主体编号（评价机构、从业人员或专家）/ subject id')
      .option('--at <date>', '计算日期 YYYY-MM-DD（默认今天，北京时间）/ date')
      .option('--bureau <id>', '按该财政部门的信用政策计算（默认主体最近服务的财政部门）/ bureau whose policy applies')
      .option('--json', '以 JSON 输出 / print JSON')
  },
  input,
  run({ subjectId, at, bureau, json }, ctx) {
    const db = ctx.openDb({ readonly: true })
    const subject = resolveSubject(db, subjectId)
    if (!subject) throw new CliError(`未找到信用主体：${subjectId}（须为评价机构、从业人员或专家的编号）`)
    let bureauId: string | null
    let basis: PolicyBasis
    if (bureau !== undefined) {
      const org = db.select({ kind: organizations.kind }).from(organizations).where(eq(organizations.id, bureau)).get()
      if (org?.kind !== 'finance_bureau') throw new CliError(`未找到财政部门：${bureau}`)
      bureauId = bureau
      basis = 'option'
    } else {
      bureauId = bureausOf(db, subject)[0]?.id ?? null
      basis = bureauId === null ? 'default' : 'latest_bureau'
    }
    const bureauName = bureauId === null ? null : (db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, bureauId)).get()?.name ?? null)
    const date = at ?? beijingDate(ctx.now)
    const standing = standingOf(db, subject, bureauId, date)
    const b = standing.blacklisting
    if (json) {
      ctx.io.out(
        JSON.stringify(
          {
            subject: { id: subject.id, type: subject.type, typeLabel: labelOf(SUBJECTS, subject.type), name: subject.name },
            policy: { ...standing.policy, caption: policyCaption(standing.policy), bureauId, bureauName, basis },
            date,
            ...entriesJson(standing),
            score: points(standing.score),
            scoreHundredths: standing.score,
            grade: standing.grade,
            gradeLabel: standing.gradeLabel,
            blacklisting: b ? { active: b.active, from: b.from, to: b.to, rule: b.rule } : null,
          },
          null,
          2,
        ),
      )
      return
    }
    ctx.io.out(`信用主体：${subject.name}（${labelOf(SUBJECTS, subject.type)}，${subject.id}）`)
    ctx.io.out(`信用政策：${policyCaption(standing.policy)}，${BASIS_TEXT[basis](bureauName ?? '')}`)
    ctx.io.out(`日期：${date}`)
    const counted = standing.contributions.filter((c) => c.status === 'counted')
    ctx.io.out(`计入的信用记录：${counted.length === 0 ? '无' : `${counted.length} 条`}`)
    for (const c of counted) {
      const severity = c.severity ? `（${labelOf(SEVERITIES, c.severity)}）` : ''
      const notes = [c.amended ? '经申诉变更' : '', c.underAppeal ? '申诉中' : ''].filter(Boolean).join('，')
      ctx.io.out(`  ${labelOf(ENTRY_KINDS, c.kind)}${severity} ${c.counted > 0 ? '+' : ''}${pointsText(c.counted)} 分${notes ? `（${notes}）` : ''}  ${c.entryId}`)
    }
    ctx.io.out('计分说明：')
    for (const line of standing.explanation) ctx.io.out(`  ${line}`)
    ctx.io.out(`信用分 ${pointsText(standing.score)} 分，信用等级 ${standing.gradeLabel}`)
    ctx.io.out(`失信情况：${blacklistingText(b)}`)
  },
}
