/** A horizontal bar chart drawn as SVG in JSX: one labelled bar per item, the count at its end. */
export function BarChart({ items, title, labelWidth = 64 }: { items: readonly { label: string; value: number }[]; title: string; labelWidth?: number }) {
  const rowHeight = 28
  const barSpace = 320
  const max = Math.max(1, ...items.map((i) => i.value))
  const height = Math.max(1, items.length) * rowHeight + 8
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${labelWidth + barSpace + 48} ${height}`} width="100%" style={{ maxWidth: 480 }}>
      <title>{title}</title>
      {items.map((item, i) => {
        const y = 4 + i * rowHeight
        const width = Math.round((item.value / max) * barSpace)
        return (
          <g key={item.label}>
            <text x={labelWidth - 8} y={y + rowHeight / 2 + 5} textAnchor="end" fontSize="14">
              {item.label}
            </text>
            <rect x={labelWidth} y={y + 4} width={width} height={rowHeight - 8} fill="#b91c1c" rx="2" />
            <text x={labelWidth + width + 6} y={y + rowHeight / 2 + 5} fontSize="13">
              {item.value}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
