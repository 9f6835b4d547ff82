// The report-writing child test/crash-kill.test.ts SIGKILLs: takes a rendered report (DOCX and PDF,
// rendered once by the test: rendering is in memory and has no crash behaviour of its own) and
// writes it again and again through the writer the report commands use, printing `ACK <seq>` after
// each generation's files are in place. Run with `node --import tsx`.
import fs from 'node:fs'
import type { RenderedFile } from '../../reports/render'
import { writeReportFiles } from '../../reports/write-files.server'
import { GIVE_UP_MS, reportStem, waitForGo, type ReportWriterArgs } from './crash-protocol'

async function main(args: ReportWriterArgs): Promise<void> {
  await waitForGo()
  const files: RenderedFile[] = args.rendered.map((r) => ({ format: r.format, sha256: r.sha256, bytes: fs.readFileSync(r.path) }))
  fs.writeSync(1, 'READY\n')
  const started = Date.now()
  for (let seq = args.firstSeq; Date.now() - started < GIVE_UP_MS; seq++) {
    writeReportFiles(args.dir, reportStem(seq), files)
    fs.writeSync(1, `ACK ${seq}\n`)
  }
}

main(JSON.parse(process.argv[2]!) as ReportWriterArgs).then(
  () => process.exit(0),
  (error: unknown) => {
    fs.writeSync(2, `${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
