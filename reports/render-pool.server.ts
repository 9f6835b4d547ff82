// Rendering runs in worker threads so a 30-page report never blocks the request thread: other users
// keep getting pages while reports generate. One lazily created pool per process.
import os from 'node:os'
import path from 'node:path'
import { Piscina } from 'piscina'
import type { ReportModel } from './model'
import type { RenderJob } from './render-job'
import type { RenderedFile, ReportFormat } from './render'

let pool: Piscina | null = null

/** The worker bootstrap lives beside the sources; resolved from the working directory so the bundled server build finds it too. */
const WORKER_FILE = path.resolve(process.cwd(), 'reports/render-worker.cjs')

export function renderPool(threads?: number): Piscina {
  if (!pool) {
    const max = threads ?? Math.max(1, Math.min(2, os.availableParallelism() - 1))
    // Workers stay warm (fonts parsed, templates compiled) for a while after the last job.
    pool = new Piscina({ filename: WORKER_FILE, minThreads: 0, maxThreads: max, idleTimeout: 120_000 })
  }
  return pool
}

export async function renderInWorker(model: ReportModel, formats: ReportFormat[]): Promise<RenderedFile[]> {
  const job: RenderJob = { model, formats }
  const files = (await renderPool().run(job)) as RenderedFile[]
  return files.map((f) => ({ ...f, bytes: new Uint8Array(f.bytes) }))
}

export async function closeRenderPool(): Promise<void> {
  const p = pool
  pool = null
  await p?.destroy()
}
