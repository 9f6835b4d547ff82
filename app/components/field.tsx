import type { ReactNode } from 'react'

type FieldProps = {
  name: string
  /** When one page holds several forms with the same fields, each needs its own ids. */
  id?: string
  label: string
  error?: string
  hint?: ReactNode
  children: (props: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode
}

/** Label, control and the Chinese error message beside it. */
export function Field({ name, id: ownId, label, error, hint, children }: FieldProps) {
  const id = ownId ?? `f-${name}`
  const errorId = error ? `${id}-error` : undefined
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'aria-invalid': Boolean(error), 'aria-describedby': errorId })}
      {hint ? <p className="hint">{hint}</p> : null}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}

export function FormError({ error }: { error?: string }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null
}
