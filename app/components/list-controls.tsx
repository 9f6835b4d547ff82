import { Link, useSearchParams } from '@remix-run/react'

type Choice = { code: string | number; label: string }

/** A filter <select> of a list page's GET form: 全部 first, then the choices. */
export function FilterSelect({ name, label, value, choices }: { name: string; label: string; value: string | number | undefined; choices: readonly Choice[] }) {
  const id = `filter-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ''}>
        <option value="">全部</option>
        {choices.map((c) => (
          <option key={c.code} value={c.code}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  )
}

/** Links to this page with some query parameters changed; null removes one. */
export function useHrefWith(): (changes: Record<string, string | null>) => string {
  const [params] = useSearchParams()
  return (changes) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k)
      else next.set(k, v)
    }
    const s = next.toString()
    return s ? `?${s}` : '?'
  }
}

export function Pager({ page, pages }: { page: number; pages: number }) {
  const hrefWith = useHrefWith()
  if (pages <= 1) return null
  return (
    <nav className="pager" aria-label="分页">
      {page > 1 ? <Link to={hrefWith({ page: String(page - 1) })}>上一页</Link> : <span className="muted">上一页</span>}
      <span>{`第 ${page} / ${pages} 页`}</span>
      {page < pages ? <Link to={hrefWith({ page: String(page + 1) })}>下一页</Link> : <span className="muted">下一页</span>}
    </nav>
  )
}
