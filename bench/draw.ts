// `npm run bench:draw`: the random draw from a pool of 10,000 experts, 500 of them conflicted.
// Prints timings (median / p95, milliseconds, pool hash included); asserts nothing. Target: median ≤ 50 ms.
// The pool is hashed with Node's SHA-256, as the panel service does (the domain's portable hash is
// the default only where no native one is given).
import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils'
import { replayDraw, runDraw, type DrawRecord, type DrawSpec } from '../app/domain/experts/draw'
import { nativeSha256Hex } from '../app/services/panel.server'
import type { PoolExpert } from '../app/domain/experts/eligibility'
import { DEFAULT_SPECIALTIES, TITLE_CODES } from '../app/domain/experts/vocab'

const POOL = Number(process.env.BENCH_EXPERTS ?? 10_000)
const CONFLICTED = Number(process.env.BENCH_CONFLICTED ?? 500)
const RUNS = Number(process.env.BENCH_RUNS ?? 200)
const REVIEW_DATE = '2026-05-20'

/** A small deterministic generator, so every run measures the same data. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function makePool(): PoolExpert[] {
  const random = rng(20260520)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const codes = DEFAULT_SPECIALTIES.map((s) => s.code)
  const conflicted = new Set<number>()
  while (conflicted.size < Math.min(CONFLICTED, POOL)) conflicted.add(Math.floor(random() * POOL))
  return Array.from({ length: POOL }, (_, i) => {
    const roll = random()
    const creditScore = random() < 0.5 ? null : 60 + Math.floor(random() * 41)
    return {
      // ULID-like ids: 26 characters, so sorting and hashing cost what they will in production.
      id: `01J${String((i * 7919) % 1_000_003).padStart(7, '0')}${'X'.repeat(16)}`,
      name: `专家${i}`,
      title: pick(TITLE_CODES),
      specialties: [...new Set([pick(codes), pick(codes)])],
      status: roll < 0.03 ? 'suspended' : roll < 0.05 ? 'retired' : 'active',
      creditScore,
      creditGrade: creditScore === null ? null : creditScore >= 90 ? 'A' : creditScore >= 80 ? 'B' : creditScore >= 61 ? 'C' : 'D',
      blacklistedUntil: random() < 0.01 ? '2027-12-31' : null,
      unavailable: random() < 0.05 ? [{ from: '2026-05-18', to: '2026-05-22' }] : [],
      drawsThisYear: Math.floor(random() * 4),
      conflicted: conflicted.has(i),
    }
  })
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: sorted[Math.floor(sorted.length / 2)]!,
    p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!,
  }
}

function main() {
  const pool = makePool()
  const spec: DrawSpec = {
    size: 5,
    reserveCount: 2,
    quotas: [
      { specialtyCode: 'finance', count: 1 },
      { specialtyCode: 'education', count: 1 },
    ],
    context: { reviewDate: REVIEW_DATE, creditThreshold: 60, maxDrawsPerYear: 3, minCreditGrade: 'C', creditGradeOrder: ['A', 'B', 'C', 'D'] },
  }
  const seeds = Array.from({ length: RUNS + 3 }, (_, i) => bytesToHex(sha256(utf8ToBytes(`bench-${i}`))))

  const drawTimes: number[] = []
  const replayTimes: number[] = []
  let last: DrawRecord | null = null
  seeds.forEach((seed, i) => {
    const t = process.hrtime.bigint()
    const r = runDraw(seed, spec, pool, {}, nativeSha256Hex)
    const elapsed = Number(process.hrtime.bigint() - t) / 1e6
    if (!r.ok) throw new Error(r.message)
    last = r.record
    const t2 = process.hrtime.bigint()
    if (!replayDraw(r.record, nativeSha256Hex).matches) throw new Error('replay did not match')
    // The first three runs warm the JIT and are not counted.
    if (i >= 3) {
      drawTimes.push(elapsed)
      replayTimes.push(Number(process.hrtime.bigint() - t2) / 1e6)
    }
  })

  const record = last as DrawRecord | null
  console.log(
    `专家库 ${pool.length} 人（回避 ${CONFLICTED} 人），本次排除 ${record?.excluded.length ?? 0} 人；5 席（财务 1 + 教育 1）+ 2 名候补；抽取 ${RUNS} 次，种子各不相同。\n`,
  )
  console.log(`${'操作'.padEnd(14, '　')}  中位数(ms)   p95(ms)`)
  for (const [label, samples] of [
    ['抽取（含专家库摘要）', drawTimes],
    ['重算核验', replayTimes],
  ] as const) {
    const { median, p95 } = stats(samples)
    console.log(`${label.padEnd(14, '　')}  ${median.toFixed(3).padStart(9)}  ${p95.toFixed(3).padStart(9)}`)
  }
  console.log(`\n目标：抽取中位数 ≤ 50 ms（实测 ${stats(drawTimes).median.toFixed(1)} ms）`)
}

main()
