// Rendering end to end from each fixture model, in process and in the worker pool: both formats,
// identical bytes for identical models (also across the thread boundary), different bytes when the
// generation time differs.
import { afterAll, describe, expect, test } from 'vitest'
import { FIXTURE_MODELS } from './fixtures/models'
import { REPORT_TYPES } from './model'
import { renderModel } from './render'
import { closeRenderPool, renderInWorker } from './render-pool.server'

afterAll(() => closeRenderPool())

describe('renderModel', () => {
  for (const { code } of REPORT_TYPES) {
    test(`${code}: a DOCX and a PDF, the same bytes twice`, async () => {
      const first = await renderModel(FIXTURE_MODELS[code]())
      expect(first.map((f) => f.format)).toEqual(['docx', 'pdf'])
      expect(Buffer.from(first[0]!.bytes.subarray(0, 2)).toString('latin1')).toBe('PK')
      expect(Buffer.from(first[1]!.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
      const second = await renderModel(FIXTURE_MODELS[code]())
      expect(second.map((f) => f.sha256)).toEqual(first.map((f) => f.sha256))
    })
  }

  test('another generation time gives other bytes', async () => {
    const model = FIXTURE_MODELS.evaluation()
    const a = await renderModel(model)
    const b = await renderModel({ ...model, document: { ...model.document, generatedAt: '2026-07-01T02:00:00.000Z' } })
    expect(b[0]!.sha256).not.toBe(a[0]!.sha256)
    expect(b[1]!.sha256).not.toBe(a[1]!.sha256)
  })
})

describe('the worker pool', () => {
  test('renders the same bytes as the request thread would, for jobs running side by side', async () => {
    const model = FIXTURE_MODELS.evaluation()
    const local = await renderModel(model)
    const [x, y] = await Promise.all([renderInWorker(model, ['docx', 'pdf']), renderInWorker(FIXTURE_MODELS.plan(), ['pdf'])])
    expect(x!.map((f) => f.sha256)).toEqual(local.map((f) => f.sha256))
    expect(y!.map((f) => f.format)).toEqual(['pdf'])
  })
})
