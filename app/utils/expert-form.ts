// The expert record as typed: one set of zod schemas for the web form and the Excel import
// (SECURITY.md §10: every imported row passes the form's own checks), the posted field names the
// form component uses, and the Chinese column labels both show. Safe for the browser bundle.
import { z } from 'zod'
import { dateRangeProblem, emailProblem, isIsoDate, phoneProblem } from '../domain/experts/contact'
import { RELATION_KIND_CODES, TITLE_CODES } from '../domain/experts/vocab'
import { choice, formValues, isoDate, text, type FieldErrors, type FormValues } from './form'

/** The column headers of the workbook, which are also the names of the fields in messages. */
export const EXPERT_FIELD_LABELS = {
  name: '姓名',
  employer: '工作单位',
  title: '职称',
  specialties: '专业领域',
  region: '地区',
  phone: '手机/电话',
  email: '邮箱',
  status: '状态',
  employments: '任职经历',
  relations: '关联关系',
  unavailability: '不可参加日期',
  note: '备注',
} as const

export const MAX_SPECIALTIES_PER_EXPERT = 10
const trimmedString = z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string())

const phone = trimmedString.superRefine((s, ctx) => {
  const problem = s.length > 30 ? '电话号码过长' : phoneProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})
const email = trimmedString.superRefine((s, ctx) => {
  const problem = emailProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

/** A date that may be left blank (an open end); blank becomes null. */
const optionalDate = (label: string) =>
  trimmedString
    .superRefine((s, ctx) => {
      if (s !== '' && !isIsoDate(s)) ctx.addIssue({ code: 'custom', message: `${label}格式应为 年-月-日` })
    })
    .transform((s) => (s === '' ? null : s))

function rangeCheck(v: { fromDate: string; toDate: string | null }, ctx: z.RefinementCtx) {
  const problem = dateRangeProblem(v.fromDate, v.toDate)
  if (problem) ctx.addIssue({ code: 'custom', path: ['toDate'], message: problem })
}

// "|" separates the parts of an entry in the workbook, so a name cannot hold one.
const organization = (label: string) => text({ label, max: 100 }).refine((s) => !/[|｜]/.test(s), `${label}不能包含“|”`)

export const employmentSchema = z
  .object({
    organization: organization('任职单位'),
    fromDate: isoDate('起始日期'),
    toDate: optionalDate('截止日期'),
  })
  .superRefine(rangeCheck)
export type EmploymentInput = z.infer<typeof employmentSchema>

export const relationSchema = z.object({
  kind: choice(RELATION_KIND_CODES, '请选择关系类型'),
  organization: organization('关联单位'),
  note: text({ label: '关系说明', max: 200, required: false }),
})
export type RelationInput = z.infer<typeof relationSchema>

export const unavailabilitySchema = z
  .object({
    fromDate: isoDate('起始日期'),
    toDate: isoDate('截止日期'),
    note: text({ label: '说明', max: 200, required: false }),
  })
  .superRefine(rangeCheck)
export type UnavailabilityInput = z.infer<typeof unavailabilitySchema>

/** The expert's own fields; `specialties` are codes on the form and labels in the workbook. */
export const expertFieldsSchema = z
  .object({
    name: text({ label: '姓名', max: 50 }),
    employer: text({ label: '工作单位', max: 100 }),
    title: choice(TITLE_CODES, '请选择职称'),
    region: text({ label: '地区', max: 50, required: false }),
    phone,
    email,
    note: text({ label: '备注', max: 1000, required: false }),
    specialties: z
      .array(trimmedString.pipe(z.string().max(64, '专业领域选择有误')))
      .transform((list) => [...new Set(list.filter((s) => s !== ''))])
      .pipe(
        z
          .array(z.string())
          .min(1, '请至少选择一个专业领域')
          .max(MAX_SPECIALTIES_PER_EXPERT, `专业领域最多 ${MAX_SPECIALTIES_PER_EXPERT} 个`),
      ),
  })
  .superRefine((v, ctx) => {
    // Someone drawn must be reachable for the invitation.
    if (v.phone === '' && v.email === '') ctx.addIssue({ code: 'custom', path: ['phone'], message: '手机/电话与邮箱至少填写一项' })
  })
export type ExpertFields = z.infer<typeof expertFieldsSchema>

export type ExpertInput = ExpertFields & {
  employments: EmploymentInput[]
  relations: RelationInput[]
  unavailability: UnavailabilityInput[]
}

/** The repeatable row groups of the form: posted names per column, and how many rows are allowed. */
export const EXPERT_ROW_GROUPS = {
  employments: {
    label: EXPERT_FIELD_LABELS.employments,
    max: 30,
    fields: { organization: 'employmentOrganization', fromDate: 'employmentFrom', toDate: 'employmentTo' },
  },
  relations: {
    label: EXPERT_FIELD_LABELS.relations,
    max: 30,
    fields: { kind: 'relationKind', organization: 'relationOrganization', note: 'relationNote' },
  },
  unavailability: {
    label: EXPERT_FIELD_LABELS.unavailability,
    max: 50,
    fields: { fromDate: 'unavailableFrom', toDate: 'unavailableTo', note: 'unavailableNote' },
  },
} as const
export type ExpertRowGroup = keyof typeof EXPERT_ROW_GROUPS

export const EXPERT_ARRAY_FIELDS: readonly string[] = [
  'specialties',
  ...Object.values(EXPERT_ROW_GROUPS).flatMap((g) => Object.values(g.fields) as string[]),
]

const ROW_SCHEMAS = { employments: employmentSchema, relations: relationSchema, unavailability: unavailabilitySchema } as const

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

type RowOf<G extends ExpertRowGroup> = z.infer<(typeof ROW_SCHEMAS)[G]>

/**
 * The rows of one group. Rows left entirely blank are skipped; an error is keyed by the posted
 * field name and the row's index on the page ("employmentFrom.2"), where the form shows it.
 */
function parseRows<G extends ExpertRowGroup>(group: G, values: FormValues, errors: FieldErrors): RowOf<G>[] {
  const spec = EXPERT_ROW_GROUPS[group]
  const columns = Object.entries(spec.fields) as [string, string][]
  const lists = columns.map(([key, name]) => [key, asList(values[name])] as const)
  const count = Math.max(0, ...lists.map(([, list]) => list.length))
  const rows: RowOf<G>[] = []
  for (let i = 0; i < count; i++) {
    const raw = Object.fromEntries(lists.map(([key, list]) => [key, list[i] ?? '']))
    if (Object.values(raw).every((v) => v.trim() === '')) continue
    const parsed = ROW_SCHEMAS[group].safeParse(raw)
    if (parsed.success) rows.push(parsed.data as RowOf<G>)
    else for (const issue of parsed.error.issues) errors[`${spec.fields[issue.path[0] as keyof typeof spec.fields]}.${i}`] ??= issue.message
  }
  if (rows.length > spec.max) errors[group] ??= `${spec.label}最多 ${spec.max} 条`
  return rows
}

export type ParsedExpertForm = { ok: true; data: ExpertInput; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues }

/** The expert form (new and edit share it) -> typed input, or every field's error at once. */
export function parseExpertForm(fd: FormData): ParsedExpertForm {
  const values = formValues(fd, EXPERT_ARRAY_FIELDS)
  const errors: FieldErrors = {}
  const fields = expertFieldsSchema.safeParse({ ...values, specialties: asList(values.specialties) })
  if (!fields.success) for (const issue of fields.error.issues) errors[issue.path.join('.').replace(/\.\d+$/, '') || '_form'] ??= issue.message
  const employments = parseRows('employments', values, errors)
  const relations = parseRows('relations', values, errors)
  const unavailability = parseRows('unavailability', values, errors)
  if (!fields.success || Object.keys(errors).length > 0) return { ok: false, errors, values }
  return { ok: true, values, data: { ...fields.data, employments, relations, unavailability } }
}

/** The stored record as the form posts it: what the edit form starts from. */
export function expertFormValues(input: ExpertInput): FormValues {
  const { employments: e, relations: r, unavailability: u } = EXPERT_ROW_GROUPS
  return {
    name: input.name,
    employer: input.employer,
    title: input.title,
    region: input.region,
    phone: input.phone,
    email: input.email,
    note: input.note,
    specialties: input.specialties,
    [e.fields.organization]: input.employments.map((x) => x.organization),
    [e.fields.fromDate]: input.employments.map((x) => x.fromDate),
    [e.fields.toDate]: input.employments.map((x) => x.toDate ?? ''),
    [r.fields.kind]: input.relations.map((x) => x.kind),
    [r.fields.organization]: input.relations.map((x) => x.organization),
    [r.fields.note]: input.relations.map((x) => x.note),
    [u.fields.fromDate]: input.unavailability.map((x) => x.fromDate),
    [u.fields.toDate]: input.unavailability.map((x) => x.toDate),
    [u.fields.note]: input.unavailability.map((x) => x.note),
  }
}
