// The NUL-padding workaround for React 18's streamed HTML (app/entry.server.tsx).
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { describe, expect, test } from 'vitest'
import { withoutTrailingNulBytes } from '../app/entry.server'

async function through(chunks: Buffer[]): Promise<string> {
  return text(Readable.from(chunks).pipe(withoutTrailingNulBytes()))
}

describe('withoutTrailingNulBytes', () => {
  test('drops the padding React leaves when a Chinese character does not fit a chunk', async () => {
    const first = Buffer.concat([Buffer.from('<p>指标'), Buffer.from([0, 0])])
    const second = Buffer.from('体系</p>')
    await expect(through([first, second])).resolves.toBe('<p>指标体系</p>')
  })

  test('leaves chunks without padding untouched, and never eats more than three bytes', async () => {
    await expect(through([Buffer.from('评价'), Buffer.from('机构')])).resolves.toBe('评价机构')
    const four = Buffer.concat([Buffer.from('a'), Buffer.from([0, 0, 0, 0])])
    await expect(through([four])).resolves.toBe('a\u0000')
  })
})
