/** The Chinese message under one cell of a table form (a row's field has no label of its own). */
export function CellError({ error }: { error?: string }) {
  return error ? (
    <p className="field-error" role="alert">
      {error}
    </p>
  ) : null
}
