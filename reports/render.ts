// One report model → the document both formats draw → DOCX and PDF bytes with their SHA-256.
// The only entry point for rendering: the web (through the worker pool), the CLI and the benchmark.
import crypto from 'node:crypto'
import { composeDocument } from './compose'
import type { ReportDocument } from './document'
import { renderDocx } from './docx/render-docx'
import type { ReportModel } from './model'
import { renderPdf } from './pdf/render-pdf'

export type ReportFormat = 'docx' | 'pdf'
export const REPORT_FORMATS: readonly ReportFormat[] = ['docx', 'pdf']

export type RenderedFile = { format: ReportFormat; bytes: Uint8Array; sha256: string }

export const sha256Hex = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex')

export async function renderDocument(doc: ReportDocument, formats: readonly ReportFormat[]): Promise<RenderedFile[]> {
  const out: RenderedFile[] = []
  for (const format of formats) {
    const bytes = format === 'docx' ? await renderDocx(doc) : await renderPdf(doc)
    out.push({ format, bytes, sha256: sha256Hex(bytes) })
  }
  return out
}

export function renderModel(model: ReportModel, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<RenderedFile[]> {
  return renderDocument(composeDocument(model), formats)
}
