// The worker side of the render pool: a plain-data job in, bytes out (a copy of a few hundred KB,
// cheaper than thinking about transfer lists).
import type { ReportModel } from './model'
import { renderModel, type RenderedFile, type ReportFormat } from './render'

export type RenderJob = { model: ReportModel; formats: ReportFormat[] }

export default function renderJob(job: RenderJob): Promise<RenderedFile[]> {
  return renderModel(job.model, job.formats)
}
