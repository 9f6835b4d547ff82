// The random draw (随机抽取) of a panel: auditable and replayable. Everything the result depends on
// (seed, spec, pool snapshot) goes into the record, and the generator is a pure function of the
// seed, so anyone holding the record can recompute the draw and see it was not steered.
//
// Generator (evaldesk-draw-v1): block_i = SHA-256(seed bytes ‖ uint32be(i)), i = 0, 1, …; each block
// read as eight big-endian uint32. A uniform integer in [0, n) rejects values at or above the
// largest multiple of n below 2^32 (no modulo bias). Selection is a partial Fisher–Yates shuffle of
// the candidates sorted by id, so every candidate of a quota has the same chance.

import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils'
import {
  isIsoDate,
  splitEligible,
  type EligibilityContext,
  type ExclusionReason,
  type PoolExpert,
} from './eligibility'
import { DEFAULT_SPECIALTIES } from './vocab'

export const DRAW_ALGORITHM = 'evaldesk-draw-v1'

export const MIN_PANEL_SIZE = 3
export const MAX_PANEL_SIZE = 15
export const MAX_RESERVES = 10

export type Quota = { specialtyCode: string; count: number }
export type DrawSpec = { size: number; reserveCount: number; quotas: Quota[]; context: EligibilityContext }

/**
 * A draw as stored. Records written before credit grades (issue 8) have no creditGrade in the pool
 * and no grade rule in the context; they replay with a null grade and no rule, and their pool
 * keeps no creditGrade key, so its hash is the one they were written with.
 */
export type StoredPoolExpert = Omit<PoolExpert, 'creditGrade'> & { creditGrade?: string | null }
export type StoredContext = Omit<EligibilityContext, 'minCreditGrade' | 'creditGradeOrder'> &
  Partial<Pick<EligibilityContext, 'minCreditGrade' | 'creditGradeOrder'>>
export type StoredDrawSpec = Omit<DrawSpec, 'context'> & { context: StoredContext }

/** position 1..n within seats, and separately 1..m within reserves (the order reserves are called). */
export type DrawnSeat = { expertId: string; specialtyCode: string | null; position: number }

export type DrawRecord = {
  algorithm: typeof DRAW_ALGORITHM
  seedHex: string
  spec: DrawSpec
  /** The full snapshot as given, sorted by id; each expert with exactly the PoolExpert fields. */
  pool: PoolExpert[]
  /** SHA-256 hex of the canonical JSON of `pool`. */
  poolHash: string
  excluded: { expertId: string; reasons: ExclusionReason[] }[]
  seats: DrawnSeat[]
  reserves: DrawnSeat[]
  /** e.g. "候补专家不足：需要 2 人，仅抽取 1 人". */
  warnings: string[]
}

export type StoredDrawRecord = Omit<DrawRecord, 'spec' | 'pool'> & { spec: StoredDrawSpec; pool: StoredPoolExpert[] }

/** code → label of the specialties, for messages; defaults to the seed list. */
export type SpecialtyLabels = Record<string, string>

const DEFAULT_LABELS: SpecialtyLabels = Object.fromEntries(DEFAULT_SPECIALTIES.map((s) => [s.code, s.label]))

function specialtyName(code: string, labels: SpecialtyLabels): string {
  return `「${labels[code] ?? DEFAULT_LABELS[code] ?? code}」`
}

const SEED_HEX = /^[0-9a-f]{64}$/

/** 32 bytes from a cryptographic source (the caller's crypto.getRandomValues) as 64 hex digits. */
export function randomSeedHex(bytes: Uint8Array): string {
  if (bytes.length !== 32) throw new RangeError('a draw seed is exactly 32 bytes')
  return bytesToHex(bytes)
}

function byId(a: { id: string }, b: { id: string }): number {
  // Code-unit order, not localeCompare: the order must be the same on every machine, for replay.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * An expert as the record keeps it: exactly the PoolExpert fields, keys in sorted order, so plain
 * JSON.stringify gives the canonical JSON (several times faster than a generic stable stringify,
 * which matters at 10,000 experts). A stored expert without creditGrade stays without it.
 */
function snapshot(e: StoredPoolExpert): StoredPoolExpert {
  return {
    blacklistedUntil: e.blacklistedUntil,
    conflicted: e.conflicted,
    ...(e.creditGrade === undefined ? {} : { creditGrade: e.creditGrade }),
    creditScore: e.creditScore,
    drawsThisYear: e.drawsThisYear,
    id: e.id,
    name: e.name,
    specialties: [...e.specialties],
    status: e.status,
    title: e.title,
    unavailable: e.unavailable.map((u) => ({ from: u.from, to: u.to })),
  }
}

/** The context with a stored record's missing grade rule read as none. */
function fullContext(context: StoredContext): EligibilityContext {
  return {
    reviewDate: context.reviewDate,
    creditThreshold: context.creditThreshold,
    maxDrawsPerYear: context.maxDrawsPerYear,
    minCreditGrade: context.minCreditGrade ?? null,
    creditGradeOrder: [...(context.creditGradeOrder ?? [])],
  }
}

function copySpec(spec: StoredDrawSpec): DrawSpec {
  return {
    size: spec.size,
    reserveCount: spec.reserveCount,
    quotas: spec.quotas.map((q) => ({ specialtyCode: q.specialtyCode, count: q.count })),
    context: fullContext(spec.context),
  }
}

/**
 * SHA-256 of a text's UTF-8 bytes, as 64 hex digits. The domain's own is pure JavaScript; the
 * server passes the platform's native one, because a 5,000-expert pool is over a megabyte of JSON
 * and the pure one takes most of a draw's budget hashing it. Both give the same digest.
 */
export type Sha256Hex = (text: string) => string

export const portableSha256Hex: Sha256Hex = (text) => bytesToHex(sha256(utf8ToBytes(text)))

/** SHA-256 hex of the canonical JSON (keys sorted) of the pool sorted by id. */
export function poolHash(pool: StoredPoolExpert[], sha256Hex: Sha256Hex = portableSha256Hex): string {
  return sha256Hex(JSON.stringify(pool.map(snapshot).sort(byId)))
}

/**
 * A vacancy draw (补抽) fills one seat that no reserve could take: one expert, no reserves, at most
 * one quota. It is recorded and replayed like any other draw.
 */
export function vacancySpec(specialtyCode: string | null, context: EligibilityContext): DrawSpec {
  return { size: 1, reserveCount: 0, quotas: specialtyCode ? [{ specialtyCode, count: 1 }] : [], context }
}

function isVacancySpec(spec: Pick<DrawSpec, 'size' | 'reserveCount'>): boolean {
  return spec.size === 1 && spec.reserveCount === 0
}

/** Problems with a panel's composition, in Chinese; empty when the draw may run. */
export function validateDrawSpec(spec: StoredDrawSpec, labels: SpecialtyLabels = {}): string[] {
  const problems: string[] = []
  if (
    !isVacancySpec(spec) &&
    (!Number.isInteger(spec.size) ||
    spec.size < MIN_PANEL_SIZE ||
    spec.size > MAX_PANEL_SIZE ||
    spec.size % 2 === 0)
  ) {
    problems.push(`专家组人数须为 ${MIN_PANEL_SIZE} 至 ${MAX_PANEL_SIZE} 之间的奇数`)
  }
  if (!Number.isInteger(spec.reserveCount) || spec.reserveCount < 0 || spec.reserveCount > MAX_RESERVES) {
    problems.push(`候补人数须为 0 至 ${MAX_RESERVES} 之间的整数`)
  }
  const seen = new Set<string>()
  let total = 0
  spec.quotas.forEach((q, i) => {
    if (q.specialtyCode.trim() === '') {
      problems.push(`请选择第 ${i + 1} 项专业名额的专业`)
      return
    }
    if (seen.has(q.specialtyCode))
      problems.push(`${specialtyName(q.specialtyCode, labels)}专业名额重复，请合并为一项`)
    seen.add(q.specialtyCode)
    if (!Number.isInteger(q.count) || q.count < 1)
      problems.push(`${specialtyName(q.specialtyCode, labels)}专业名额须为不少于 1 的整数`)
    else total += q.count
  })
  if (Number.isInteger(spec.size) && total > spec.size)
    problems.push(`专业名额合计 ${total} 人，超过专家组人数 ${spec.size} 人`)
  if (!isIsoDate(spec.context.reviewDate)) problems.push('请填写有效的评审日期')
  if (!Number.isInteger(spec.context.maxDrawsPerYear) || spec.context.maxDrawsPerYear < 1) {
    problems.push('每位专家年度抽取次数上限须为不少于 1 的整数')
  }
  const threshold = spec.context.creditThreshold
  if (threshold !== null && (!Number.isInteger(threshold) || threshold < 0))
    problems.push('信用分门槛须为不小于 0 的整数')
  const { minCreditGrade, creditGradeOrder } = fullContext(spec.context)
  if (minCreditGrade !== null && !creditGradeOrder.includes(minCreditGrade))
    problems.push(`专家抽取的最低信用等级「${minCreditGrade}」不在信用政策的等级中`)
  return problems
}

/** The seeded stream of uniform integers; exported so tests and audit tools can check it directly. */
export class SeededStream {
  private readonly input: Uint8Array
  private counter = 0
  private block: Uint8Array = new Uint8Array(0)
  private offset = 0

  constructor(seed: Uint8Array) {
    this.input = new Uint8Array(seed.length + 4)
    this.input.set(seed)
  }

  private nextUint32(): number {
    if (this.offset + 4 > this.block.length) {
      new DataView(this.input.buffer).setUint32(this.input.length - 4, this.counter)
      this.counter += 1
      this.block = sha256(this.input)
      this.offset = 0
    }
    const b = this.block
    const o = this.offset
    this.offset += 4
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0
  }

  /** Uniform in [0, n), 1 ≤ n ≤ 2^32. */
  below(n: number): number {
    const limit = Math.floor(2 ** 32 / n) * n
    for (;;) {
      const x = this.nextUint32()
      if (x < limit) return x % n
    }
  }
}

/** `count` candidates by a partial Fisher–Yates shuffle; `candidates` is sorted by id and not modified. */
function choose(stream: SeededStream, candidates: PoolExpert[], count: number): PoolExpert[] {
  const a = [...candidates]
  for (let k = 0; k < count; k++) {
    const j = k + stream.below(a.length - k)
    const picked = a[j]!
    a[j] = a[k]!
    a[k] = picked
  }
  return a.slice(0, count)
}

/**
 * `poolJson` is the pool's canonical JSON, the very text `poolHash` is the SHA-256 of: the caller
 * stores it as it is, so a megabyte-sized pool is serialized once, and anyone can check the stored
 * snapshot against the hash without re-canonicalizing it.
 */
export type DrawResult = { ok: true; record: DrawRecord; poolJson: string } | { ok: false; message: string }

/**
 * Draws the panel: each quota in order from the eligible experts of that specialty not yet chosen;
 * then the open seats from all remaining eligible; then reserves, first one per quota (from that
 * specialty, while any remain) and then from all remaining eligible. Too few for a seat fails the
 * draw; too few reserves is a warning.
 */
export function runDraw(
  seedHex: string,
  spec: DrawSpec,
  pool: PoolExpert[],
  labels: SpecialtyLabels = {},
  sha256Hex: Sha256Hex = portableSha256Hex,
): DrawResult {
  // Complete inputs make complete snapshots: every expert keeps its creditGrade.
  return drawFrom(seedHex, spec, pool, labels, sha256Hex) as DrawResult
}

type StoredDrawResult = { ok: true; record: StoredDrawRecord; poolJson: string } | { ok: false; message: string }

function drawFrom(
  seedHex: string,
  spec: StoredDrawSpec,
  pool: StoredPoolExpert[],
  labels: SpecialtyLabels,
  sha256Hex: Sha256Hex,
): StoredDrawResult {
  if (!SEED_HEX.test(seedHex)) return { ok: false, message: '抽取种子须为 64 位十六进制数' }
  const problems = validateDrawSpec(spec, labels)
  if (problems.length > 0) return { ok: false, message: problems.join('；') }
  const sorted = pool.map(snapshot).sort(byId)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id)
      return { ok: false, message: `专家库快照中有重复的专家（${sorted[i]!.id}）` }
  }

  // Only records from before credit grades lack the key; a fresh pool is used as it is.
  const graded = sorted.every((e) => e.creditGrade !== undefined)
    ? (sorted as PoolExpert[])
    : sorted.map((e) => ({ ...e, creditGrade: e.creditGrade ?? null }))
  const { eligible, excluded } = splitEligible(graded, fullContext(spec.context))
  const stream = new SeededStream(hexToBytes(seedHex))
  const taken = new Set<string>()
  const remaining = (specialtyCode: string | null) =>
    eligible.filter(
      (e) => !taken.has(e.id) && (specialtyCode === null || e.specialties.includes(specialtyCode)),
    )
  const take = (into: DrawnSeat[], experts: PoolExpert[], specialtyCode: string | null) => {
    for (const e of experts) {
      taken.add(e.id)
      into.push({ expertId: e.id, specialtyCode, position: into.length + 1 })
    }
  }

  const seats: DrawnSeat[] = []
  let quotaTotal = 0
  for (const q of spec.quotas) {
    const candidates = remaining(q.specialtyCode)
    if (candidates.length < q.count) {
      const found = candidates.length === 0 ? '没有符合条件的专家' : `符合条件的仅 ${candidates.length} 人`
      return {
        ok: false,
        message: `${specialtyName(q.specialtyCode, labels)}专业可抽取专家不足：需要 ${q.count} 人，${found}`,
      }
    }
    take(seats, choose(stream, candidates, q.count), q.specialtyCode)
    quotaTotal += q.count
  }
  const open = spec.size - quotaTotal
  const openCandidates = remaining(null)
  if (openCandidates.length < open) {
    const found =
      openCandidates.length === 0 ? '没有其他符合条件的专家' : `其余符合条件的仅 ${openCandidates.length} 人`
    return { ok: false, message: `可抽取专家不足：不限专业的席位需要 ${open} 人，${found}` }
  }
  take(seats, choose(stream, openCandidates, open), null)

  const reserves: DrawnSeat[] = []
  const warnings: string[] = []
  for (const q of spec.quotas) {
    if (reserves.length >= spec.reserveCount) break
    const candidates = remaining(q.specialtyCode)
    if (candidates.length === 0)
      warnings.push(`${specialtyName(q.specialtyCode, labels)}专业没有可抽取的候补专家`)
    else take(reserves, choose(stream, candidates, 1), q.specialtyCode)
  }
  const rest = remaining(null)
  const more = Math.min(spec.reserveCount - reserves.length, rest.length)
  take(reserves, choose(stream, rest, more), null)
  if (reserves.length < spec.reserveCount)
    warnings.push(`候补专家不足：需要 ${spec.reserveCount} 人，仅抽取 ${reserves.length} 人`)

  const poolJson = JSON.stringify(sorted)
  const record: StoredDrawRecord = {
    algorithm: DRAW_ALGORITHM,
    seedHex,
    spec: copySpec(spec),
    pool: sorted,
    poolHash: sha256Hex(poolJson),
    excluded,
    seats,
    reserves,
    warnings,
  }
  return { ok: true, record, poolJson }
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]!))
}

function sameExclusions(a: DrawRecord['excluded'], b: DrawRecord['excluded']): boolean {
  return sameList(
    a,
    b,
    (x, y) => x.expertId === y.expertId && sameList(x.reasons, y.reasons, (r, q) => r === q),
  )
}

const POOL_HASH_MISMATCH = '专家库快照与记录的摘要不一致'

function describeSeat(s: DrawnSeat | undefined): string {
  return s === undefined ? '无' : `${s.expertId}${s.specialtyCode === null ? '' : `（${s.specialtyCode}）`}`
}

function compareSeats(label: string, recorded: DrawnSeat[], recomputed: DrawnSeat[], differences: string[]) {
  for (let i = 0; i < Math.max(recorded.length, recomputed.length); i++) {
    const r = recorded[i]
    const c = recomputed[i]
    if (
      r === undefined ||
      c === undefined ||
      r.expertId !== c.expertId ||
      r.specialtyCode !== c.specialtyCode ||
      r.position !== c.position
    ) {
      differences.push(`${label}第 ${i + 1} 位不一致：记录为 ${describeSeat(r)}，重算为 ${describeSeat(c)}`)
    }
  }
}

/**
 * Recomputes the draw from the record's seed, spec and pool and compares every recorded output,
 * including the pool hash; `differences` (Chinese) say where a tampered or corrupt record departs.
 */
export function replayDraw(
  record: StoredDrawRecord,
  sha256Hex: Sha256Hex = portableSha256Hex,
): { matches: boolean; differences: string[] } {
  if (record.algorithm !== DRAW_ALGORITHM) {
    return {
      matches: false,
      differences: [`抽取算法「${String(record.algorithm)}」无法重算，本系统使用 ${DRAW_ALGORITHM}`],
    }
  }
  const replay = drawFrom(record.seedHex, record.spec, record.pool, {}, sha256Hex)
  if (!replay.ok) {
    const hashProblem = poolHash(record.pool, sha256Hex) === record.poolHash ? [] : [POOL_HASH_MISMATCH]
    return { matches: false, differences: [...hashProblem, `按记录重算失败：${replay.message}`] }
  }
  const again = replay.record
  const differences: string[] = []
  // runDraw hashed the same snapshot, sorted: the record's hash must be that one.
  if (again.poolHash !== record.poolHash) differences.push(POOL_HASH_MISMATCH)
  if (record.pool.some((e, i) => e.id !== again.pool[i]!.id)) differences.push('专家库快照未按编号排序')
  if (!sameExclusions(record.excluded, again.excluded)) differences.push('排除名单与重算结果不一致')
  compareSeats('席位', record.seats, again.seats, differences)
  compareSeats('候补', record.reserves, again.reserves, differences)
  if (!sameList(record.warnings, again.warnings, (a, b) => a === b))
    differences.push('提示信息与重算结果不一致')
  return { matches: differences.length === 0, differences }
}
