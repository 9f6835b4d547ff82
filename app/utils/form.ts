// Form parsing shared by every action: one zod schema per form drives parsing, the 400 answer and
// the Chinese message shown beside each field. Safe for the browser bundle (no server imports).
import { z } from 'zod'
import { cleanText } from '../domain/text'

export type FieldErrors = Record<string, string>
export type FormValues = Record<string, string | string[]>

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: FormValues }

/** FormData -> plain object. Keys listed in `arrays` keep every value; others keep the first. */
export function formValues(fd: FormData, arrays: readonly string[] = []): FormValues {
  const out: FormValues = {}
  for (const key of new Set(fd.keys())) {
    const all = fd.getAll(key).map((v) => (typeof v === 'string' ? v : ''))
    out[key] = arrays.includes(key) ? all : (all[0] ?? '')
  }
  return out
}

export function parseForm<S extends z.ZodTypeAny>(
  schema: S,
  fd: FormData,
  arrays: readonly string[] = [],
): FormResult<z.infer<S>> {
  const values = formValues(fd, arrays)
  const parsed = schema.safeParse(values)
  if (parsed.success) return { ok: true, data: parsed.data }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.') || '_form'
    errors[key] ??= issue.message
  }
  // Never echo a password back into the page.
  for (const key of Object.keys(values)) if (/password/i.test(key)) values[key] = ''
  return { ok: false, errors, values }
}

/** A text field: cleaned (NFC, no control characters, trimmed), with Chinese length messages. */
export function text(opts: { label: string; max: number; required?: boolean }) {
  const base = z
    .preprocess((v) => (typeof v === 'string' ? cleanText(v) : ''), z.string())
    .pipe(z.string().max(opts.max, `${opts.label}不能超过 ${opts.max} 个字符`))
  return opts.required === false ? base : base.pipe(z.string().min(1, `请填写${opts.label}`))
}

/** One of a fixed set of codes, e.g. a <select>. */
export function choice<T extends string>(codes: readonly [T, ...T[]], message: string) {
  return z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(codes, { errorMap: () => ({ message }) }))
}

/** An integer typed into a text box, with a Chinese message for anything else. */
export function integer(opts: { label: string; min: number; max: number }) {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d{1,9}\s*$/.test(v) ? Number(v) : Number.NaN),
    z
      .number({ invalid_type_error: `${opts.label}须为整数` })
      .refine((n) => Number.isInteger(n), `${opts.label}须为整数`)
      .refine((n) => n >= opts.min && n <= opts.max, `${opts.label}须在 ${opts.min} 到 ${opts.max} 之间`),
  )
}

// Month 13 or day 00 make an Invalid Date, whose toISOString() throws; 02-30 rolls over to March.
function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
}

/** A calendar date "YYYY-MM-DD" that exists. */
export function isoDate(label: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .min(1, `请填写${label}`)
      .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isRealDate(s), `${label}格式应为 年-月-日`),
  )
}

/** The optimistic-concurrency token carried by every edit form. */
export const versionField = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN),
  z.number({ invalid_type_error: '表单已过期，请刷新后重试' }).int().positive('表单已过期，请刷新后重试'),
)
