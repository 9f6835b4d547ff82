// Test support: reads a PDF back with pdfjs-dist (a devDependency, pure JavaScript: no system tool),
// page by page — text items with positions, the printed page label, TOC links and their targets —
// plus the outline. Not for production code.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

export type TextItem = { str: string; x: number; y: number; width: number }

export type ReadPage = {
  /** 0-based physical index. */
  index: number
  items: TextItem[]
  /** All text of the page with whitespace removed, in drawing order. */
  text: string
  /** The printed page number from the footer 「— N —」, '' when there is none (cover). */
  label: string
  /** Internal links: named destination and the physical page it resolves to. */
  links: { dest: string; target: number; rect: number[] }[]
}

export type OutlineNode = { title: string; items: OutlineNode[] }

export type ReadPdf = { pages: ReadPage[]; outline: OutlineNode[] }

export const squash = (s: string): string => s.replace(/\s+/g, '')

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise
  try {
    const pages: ReadPage[] = []
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const page = await pdf.getPage(n)
      const content = await page.getTextContent()
      const items: TextItem[] = []
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue
        items.push({ str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width })
      }
      const label = items.map((i) => /^—\s*(\S+)\s*—$/.exec(i.str.trim())?.[1]).find((l) => l !== undefined) ?? ''
      const links: ReadPage['links'] = []
      for (const annotation of (await page.getAnnotations()) as { subtype: string; dest?: unknown; rect: number[] }[]) {
        if (annotation.subtype !== 'Link' || typeof annotation.dest !== 'string') continue
        const dest = await pdf.getDestination(annotation.dest)
        const ref = dest?.[0] as { num: number; gen: number } | undefined
        links.push({ dest: annotation.dest, target: ref ? await pdf.getPageIndex(ref) : -1, rect: annotation.rect })
      }
      pages.push({ index: n - 1, items, text: squash(items.map((i) => i.str).join('')), label, links })
    }
    const toNodes = (nodes: { title: string; items: unknown[] }[] | null): OutlineNode[] =>
      (nodes ?? []).map((o) => ({ title: o.title, items: toNodes(o.items as { title: string; items: unknown[] }[]) }))
    return { pages, outline: toNodes(await pdf.getOutline()) }
  } finally {
    await pdf.destroy()
  }
}
