// The DOCX opens in another word processor than the one it was written for: LibreOffice (headless, as
// installed by .ci/run) converts the sample report to PDF, and the text comes back out of that PDF.
// soffice and pdftotext are required, never skipped: test/ensure-browser.mjs installs them.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headingsOf } from '../reports/document'
import { renderDocx } from '../reports/docx/render-docx'
import { sampleDocument, sampleIndicators } from '../reports/fixtures/sample-document'

const FONTCONFIG = path.resolve('reports/docx/fontconfig/fonts.conf')
const INSTALL =
  "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk poppler-utils'"

function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeout: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `${command} ${args.join(' ')} failed: ${error.message}\n${stderr}\n（缺少时请运行：${INSTALL}）`,
          ),
        )
      else resolve(stdout)
    })
  })
}

const squeeze = (s: string) => s.replace(/\s+/g, '')

describe('the sample report in LibreOffice', () => {
  const doc = sampleDocument()
  let dir: string
  let pdf: string
  let text: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaldesk-docx-'))
    const docx = path.join(dir, 'report.docx')
    fs.writeFileSync(docx, await renderDocx(doc))
    // A profile of its own, so a running LibreOffice or another test cannot lock it; fontconfig aliases
    // for the Chinese faces for this child only.
    await run(
      'soffice',
      [
        `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        docx,
      ],
      {
        env: { ...process.env, FONTCONFIG_FILE: FONTCONFIG, HOME: dir },
        timeout: 180_000,
      },
    )
    pdf = path.join(dir, 'report.pdf')
    text = squeeze(await run('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { timeout: 60_000 }))
  }, 240_000)

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('converts to a PDF of about thirty pages', async () => {
    const info = await run('pdfinfo', [pdf], { timeout: 60_000 })
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])
    expect(pages).toBeGreaterThanOrEqual(25)
    expect(pages).toBeLessThanOrEqual(45)
  })

  it('keeps the cover, every heading, every indicator, the total and grade, and the verification code', () => {
    for (const line of doc.cover.title.split('\n')) expect(text).toContain(squeeze(line))
    for (const h of headingsOf(doc)) expect(text).toContain(squeeze(h.text))
    const indicators = sampleIndicators()
    for (const ind of indicators) expect(text).toContain(ind.name)
    expect(text).toContain(indicators.reduce((s, x) => s + x.score, 0).toFixed(2))
    expect(text).toContain('评价等级：良')
    expect(text).toContain('报告验证码：K7M2-Q9XD')
    expect(text).toContain('—1—')
  })

  it('draws serif faces for 仿宋/宋体 and a sans face for 黑体 through the fontconfig aliases', async () => {
    const fonts = await run('pdffonts', [pdf], { timeout: 60_000 })
    expect(fonts).toMatch(/NotoSerifCJK/)
    expect(fonts).toMatch(/NotoSansCJK/)
  })
})
