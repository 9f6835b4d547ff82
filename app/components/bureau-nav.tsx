import { Form, NavLink } from '@remix-run/react'

const PAGES = [
  { to: '/bureau', label: '年度概览' },
  { to: '/bureau/results', label: '结果应用汇总' },
  { to: '/bureau/rectification', label: '整改情况' },
  { to: '/bureau/disclosure', label: '结果公开' },
] as const

/** The bureau pages' year picker (a GET form, works without JavaScript) and links between them. */
export function BureauYearBar({ year, years }: { year: number; years: readonly number[] }) {
  const choices = years.includes(year) ? years : [year, ...years]
  return (
    <div className="toolbar">
      <Form method="get" className="toolbar">
        <div className="field">
          <label htmlFor="bureau-year">评价年度</label>
          <select id="bureau-year" name="year" defaultValue={year}>
            {choices.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">查看</button>
      </Form>
      <nav aria-label="财政局页面">
        {PAGES.map((p) => (
          <NavLink key={p.to} to={`${p.to}?year=${year}`} end className="button">
            {p.label}
          </NavLink>
        ))}
      </nav>
    </div>
  )
}
