// A ReportDocument drawn as HTML for reading on screen: the same blocks the DOCX and PDF renderers
// draw (cover, front matter, contents, headings, paragraphs, tables with their spans), laid out for a
// browser rather than for A4. Pure presentation: no data access, no clock.
import type { ReactNode } from 'react'
import type { Align, BarChartBlock, Block, ParagraphBlock, ReportDocument, TableBlock, TableCell } from '../document'
import { barShare, headingsOf, placeCells } from '../document'

// A constant (never user text), so it is safe as raw CSS; scoped under .report-view.
const CSS = `
.report-view { background: #fff; border: 1px solid #d9dee7; border-radius: 8px; padding: 2rem clamp(1rem, 4vw, 3rem); line-height: 1.9; font-family: "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Serif SC", serif; color: #1a202c; }
.report-view .rv-cover { text-align: center; padding: 2rem 0 1.5rem; border-bottom: 1px solid #e2e8f0; margin-bottom: 1.5rem; }
.report-view .rv-cover-title { font-size: 1.6rem; font-weight: 700; font-family: "SimHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 0 0 0.5rem; }
.report-view .rv-cover-lines { display: inline-block; text-align: left; margin: 1.25rem auto 0; }
.report-view .rv-cover-lines div { margin: 0.2rem 0; }
.report-view .rv-verification { font-family: monospace; margin-top: 1rem; }
.report-view .rv-toc { border: 1px solid #e2e8f0; border-radius: 6px; padding: 0.75rem 1.25rem; margin: 1rem 0 1.5rem; }
.report-view .rv-toc ol { list-style: none; padding-left: 0; margin: 0; }
.report-view .rv-toc .rv-toc-2 { padding-left: 2em; }
.report-view h2, .report-view h3, .report-view h4, .report-view h5 { font-family: "SimHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif; scroll-margin-top: 1rem; }
.report-view h2 { font-size: 1.3rem; margin: 1.75rem 0 0.75rem; }
.report-view h3 { font-size: 1.15rem; margin: 1.25rem 0 0.5rem; }
.report-view h4, .report-view h5 { font-size: 1rem; margin: 1rem 0 0.4rem; }
.report-view p { margin: 0.35rem 0; }
.report-view .rv-body { text-indent: 2em; }
.report-view .rv-signature { text-align: right; }
.report-view .rv-note { font-size: 0.85rem; color: #4a5568; }
.report-view .rv-table-wrap { overflow-x: auto; margin: 0.75rem 0 1rem; }
.report-view table { border-collapse: collapse; width: 100%; font-size: 0.9rem; line-height: 1.5; font-family: "SimSun", "Noto Serif CJK SC", "Noto Serif SC", serif; }
.report-view caption { font-weight: 700; padding: 0.25rem 0 0.5rem; }
.report-view th, .report-view td { border: 1px solid #718096; padding: 0.3rem 0.45rem; vertical-align: middle; white-space: pre-wrap; }
.report-view th { background: #f1f5f9; }
.report-view .rv-chart { margin: 0.75rem 0 1rem; }
.report-view .rv-chart figcaption { font-weight: 700; text-align: center; }
.report-view .rv-chart ul { list-style: none; padding: 0; margin: 0.5rem 0; font-size: 0.9rem; line-height: 1.5; }
.report-view .rv-chart li { display: grid; grid-template-columns: minmax(6em, 30%) 1fr; gap: 0.6rem; align-items: center; margin: 0.3rem 0; }
.report-view .rv-chart .rv-bar-label { text-align: right; }
.report-view .rv-chart .rv-bar-track { display: flex; align-items: center; gap: 0.4rem; border-left: 1px solid #808080; }
.report-view .rv-chart .rv-bar { display: inline-block; height: 0.8rem; background: #8b1a1a; }
.report-view .rv-page-break { border: none; border-top: 1px dashed #cbd5e0; margin: 1.5rem 0; }
.report-view .rv-front { border-bottom: 1px solid #e2e8f0; padding-bottom: 1rem; margin-bottom: 1rem; }
`

/** The element id a heading's anchor gets, so pages can link to a section. */
export function sectionId(anchor: string): string {
  return `rv-${anchor}`
}

function lines(text: string): ReactNode[] {
  return text.split('\n').flatMap((line, i) => (i === 0 ? [line] : [<br key={`br${i}`} />, line]))
}

const alignStyle = (align: Align | undefined) => (align ? { textAlign: align } : undefined)

function Paragraph({ block }: { block: ParagraphBlock }) {
  const style = block.style ?? 'body'
  return (
    <p className={`rv-${style}`} style={alignStyle(block.align)}>
      {block.runs.map((r, i) => (r.bold ? <strong key={i}>{lines(r.text)}</strong> : <span key={i}>{lines(r.text)}</span>))}
    </p>
  )
}

function Cell({ cell, header, columnAlign }: { cell: TableCell; header: boolean; columnAlign: Align | undefined }) {
  const Tag = header ? 'th' : 'td'
  const content = lines(cell.text)
  return (
    <Tag rowSpan={cell.rowSpan && cell.rowSpan > 1 ? cell.rowSpan : undefined} colSpan={cell.colSpan && cell.colSpan > 1 ? cell.colSpan : undefined} style={alignStyle(cell.align ?? (header ? 'center' : columnAlign))}>
      {cell.bold && !header ? <strong>{content}</strong> : content}
    </Tag>
  )
}

function Table({ block }: { block: TableBlock }) {
  const total = block.columns.reduce((sum, c) => sum + c.width, 0) || 1
  const n = block.columns.length
  return (
    <div className="rv-table-wrap">
      <table>
        {block.caption ? <caption>{block.caption}</caption> : null}
        <colgroup>
          {block.columns.map((c, i) => (
            <col key={i} style={{ width: `${((c.width / total) * 100).toFixed(2)}%` }} />
          ))}
        </colgroup>
        {block.header.length > 0 ? (
          <thead>
            {placeCells(n, block.header).map((row, r) => (
              <tr key={r}>
                {row.map(({ cell, col }, i) => (
                  <Cell key={i} cell={cell} header columnAlign={block.columns[col]?.align} />
                ))}
              </tr>
            ))}
          </thead>
        ) : null}
        <tbody>
          {placeCells(n, block.rows).map((row, r) => (
            <tr key={r}>
              {row.map(({ cell, col }, i) => (
                <Cell key={i} cell={cell} header={false} columnAlign={block.columns[col]?.align} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {block.note ? <p className="rv-note">{lines(block.note)}</p> : null}
    </div>
  )
}

/** A list rather than app/components/bar-chart: that one scales to the largest value, these bars to a share of 1. */
function BarChart({ block }: { block: BarChartBlock }) {
  return (
    <figure className="rv-chart">
      <figcaption>{block.caption}</figcaption>
      <ul>
        {block.bars.map((bar, i) => (
          <li key={i}>
            <span className="rv-bar-label">{bar.label}</span>
            <span className="rv-bar-track">
              {/* A full bar takes four fifths of the track, leaving room for its value after it. */}
              <span className="rv-bar" style={{ width: `${(barShare(bar) * 80).toFixed(2)}%` }} />
              <span>{bar.valueText}</span>
            </span>
          </li>
        ))}
      </ul>
      {block.note ? <p className="rv-note">{lines(block.note)}</p> : null}
    </figure>
  )
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'heading': {
      const Tag = (['h2', 'h3', 'h4', 'h5'] as const)[block.level - 1]!
      return (
        <Tag id={sectionId(block.anchor)} data-level={block.level}>
          {block.text}
        </Tag>
      )
    }
    case 'paragraph':
      return <Paragraph block={block} />
    case 'table':
      return <Table block={block} />
    case 'barChart':
      return <BarChart block={block} />
    case 'pageBreak':
      return <hr className="rv-page-break" />
  }
}

export function ReportView({ document: doc }: { document: ReportDocument }) {
  const toc = doc.toc ? headingsOf(doc).filter((h) => h.level <= 2) : []
  return (
    <article className="report-view" data-testid="report-view">
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <header className="rv-cover">
        <p className="rv-cover-title">{lines(doc.cover.title)}</p>
        {doc.cover.subtitle ? <p>{doc.cover.subtitle}</p> : null}
        {doc.cover.lines.length > 0 ? (
          <div className="rv-cover-lines">
            {doc.cover.lines.map((l, i) => (
              <div key={i}>
                {l.label}：{l.value}
              </div>
            ))}
          </div>
        ) : null}
        {doc.cover.sealNote ? <p className="rv-note">{doc.cover.sealNote}</p> : null}
        {doc.cover.verification ? <p className="rv-verification">报告验证码 {doc.cover.verification.code}</p> : null}
      </header>
      {doc.frontMatter.map((page, i) => (
        <section key={i} className="rv-front">
          {page.map((b, k) => (
            <BlockView key={k} block={b} />
          ))}
        </section>
      ))}
      {doc.toc && toc.length > 0 ? (
        <nav className="rv-toc" aria-label={doc.toc.title}>
          <strong>{doc.toc.title}</strong>
          <ol>
            {toc.map((h) => (
              <li key={h.anchor} className={`rv-toc-${h.level}`}>
                <a href={`#${sectionId(h.anchor)}`}>{h.text}</a>
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      {doc.body.map((b, i) => (
        <BlockView key={i} block={b} />
      ))}
    </article>
  )
}
