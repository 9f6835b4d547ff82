// PDF rendering time for the ~30-page sample report: `npx tsx reports/pdf/bench.ts [runs]`.
// Prints the cold first render (font files read and parsed), then warm wall-clock and CPU times
// (CPU time is steadier than wall time on a shared 2-core machine) and the peak RSS.
import { sampleDocument } from '../fixtures/sample-document'
import { renderPdf } from './render-pdf'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20)
  const doc = sampleDocument()
  let t = performance.now()
  const first = await renderPdf(doc)
  const cold = performance.now() - t
  for (let i = 0; i < 3; i += 1) await renderPdf(doc)
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i += 1) {
    const c = process.cpuUsage()
    t = performance.now()
    await renderPdf(doc)
    wall.push(performance.now() - t)
    const used = process.cpuUsage(c)
    cpu.push((used.user + used.system) / 1000)
  }
  const fmt = (v: number) => v.toFixed(1)
  console.log(`sample report: ${first.length} bytes`)
  console.log(`cold first render: ${fmt(cold)} ms`)
  console.log(`warm, ${runs} runs: wall median ${fmt(median(wall))} ms (min ${fmt(Math.min(...wall))}, max ${fmt(Math.max(...wall))}); CPU median ${fmt(median(cpu))} ms`)
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
}

void main()
