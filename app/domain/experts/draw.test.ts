import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils'
import stableStringify from 'fast-json-stable-stringify'
import { describe, expect, it } from 'vitest'
import {
  DRAW_ALGORITHM,
  poolHash,
  randomSeedHex,
  replayDraw,
  runDraw,
  SeededStream,
  validateDrawSpec,
  vacancySpec,
  type DrawRecord,
  type DrawSpec,
  type StoredDrawRecord,
} from './draw'
import legacyRecord from './draw-record-legacy.fixture.json'
import type { PoolExpert } from './eligibility'
import { poolMember as member } from './test-pool'

const SEED = 'a1'.repeat(32)
const context = { reviewDate: '2026-05-20', creditThreshold: 60, maxDrawsPerYear: 3, minCreditGrade: null, creditGradeOrder: [] }

// Given out of id order on purpose: the record must not depend on the order the caller read rows in.
const pool: PoolExpert[] = [
  member('E07', ['education']),
  member('E01', ['finance']),
  member('E02', ['finance', 'audit']),
  member('E03', ['finance'], { conflicted: true }),
  member('E04', ['finance']),
  member('E05', ['education']),
  member('E06', ['education'], { status: 'suspended' }),
  member('E08', ['education', 'management']),
  member('E09', ['management']),
  member('E10', ['law'], { unavailable: [{ from: '2026-05-18', to: '2026-05-22' }] }),
  member('E11', ['law']),
  member('E12', ['it'], { creditScore: 40, drawsThisYear: 3 }),
]
const spec: DrawSpec = {
  size: 5,
  reserveCount: 3,
  quotas: [
    { specialtyCode: 'finance', count: 2 },
    { specialtyCode: 'education', count: 1 },
  ],
  context,
}

function drawn(seedHex = SEED, s: DrawSpec = spec, p: PoolExpert[] = pool): DrawRecord {
  const r = runDraw(seedHex, s, p)
  if (!r.ok) throw new Error(r.message)
  return r.record
}

function refusal(
  seedHex: string,
  s: DrawSpec,
  p: PoolExpert[] = pool,
  labels?: Record<string, string>,
): string {
  const r = runDraw(seedHex, s, p, labels)
  if (r.ok) throw new Error('expected the draw to fail')
  return r.message
}

/** The generator as the algorithm text states it, one hash per uint32, for comparison. */
function uint32At(seedHex: string, k: number): number {
  const input = new Uint8Array(36)
  input.set(hexToBytes(seedHex))
  new DataView(input.buffer).setUint32(32, Math.floor(k / 8))
  return new DataView(sha256(input).buffer).getUint32((k % 8) * 4)
}

describe('randomSeedHex', () => {
  it('writes 32 bytes as 64 lower-case hex digits', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 8)
    expect(randomSeedHex(bytes)).toBe(bytesToHex(bytes))
    expect(randomSeedHex(bytes)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses any other length', () => {
    expect(() => randomSeedHex(new Uint8Array(16))).toThrow(RangeError)
    expect(() => randomSeedHex(new Uint8Array(33))).toThrow(RangeError)
  })
})

describe('SeededStream', () => {
  it('reads SHA-256(seed ‖ uint32be(i)) blocks as big-endian uint32s', () => {
    const stream = new SeededStream(hexToBytes(SEED))
    const n = 2 ** 32
    for (let k = 0; k < 20; k++) expect(stream.below(n)).toBe(uint32At(SEED, k))
  })

  it('rejects values at or above the largest multiple of n instead of folding them (no modulo bias)', () => {
    // With n = 2^31 + 1 only values below n are kept, so about half the stream is skipped.
    const n = 2 ** 31 + 1
    const stream = new SeededStream(hexToBytes(SEED))
    let k = 0
    for (let picks = 0; picks < 20; picks++) {
      while (uint32At(SEED, k) >= n) k++
      expect(stream.below(n)).toBe(uint32At(SEED, k))
      k++
    }
    expect(k).toBeGreaterThan(25)
  })

  it('gives values in range', () => {
    const stream = new SeededStream(hexToBytes(SEED))
    for (let i = 0; i < 500; i++) {
      const v = stream.below(7)
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true)
    }
    expect(stream.below(1)).toBe(0)
  })
})

describe('poolHash', () => {
  it('is the SHA-256 of the canonical JSON of the pool sorted by id', () => {
    const sorted = [...pool].sort((a, b) => (a.id < b.id ? -1 : 1))
    expect(poolHash(pool)).toBe(bytesToHex(sha256(utf8ToBytes(stableStringify(sorted)))))
    expect(poolHash([...pool].reverse())).toBe(poolHash(pool))
  })

  it('changes with any field of any expert', () => {
    const h = poolHash(pool)
    expect(poolHash(pool.map((e) => (e.id === 'E05' ? { ...e, drawsThisYear: 1 } : e)))).not.toBe(h)
    expect(
      poolHash(pool.map((e) => (e.id === 'E05' ? { ...e, specialties: ['education', 'law'] } : e))),
    ).not.toBe(h)
    expect(poolHash(pool.slice(1))).not.toBe(h)
  })
})

describe('the pool JSON a draw returns', () => {
  it('is the canonical text of the recorded pool, the very text the hash was taken over', () => {
    const r = runDraw(SEED, spec, pool)
    if (!r.ok) throw new Error(r.message)
    expect(JSON.parse(r.poolJson)).toEqual(JSON.parse(JSON.stringify(r.record.pool)))
    expect(bytesToHex(sha256(utf8ToBytes(r.poolJson)))).toBe(r.record.poolHash)
    const stored = { ...r.record, pool: JSON.parse(r.poolJson) as PoolExpert[] }
    expect(replayDraw(stored)).toEqual({ matches: true, differences: [] })
  })
})

describe('validateDrawSpec', () => {
  it('accepts an ordinary panel', () => {
    expect(validateDrawSpec(spec)).toEqual([])
    expect(validateDrawSpec({ ...spec, size: 15, reserveCount: 10, quotas: [] })).toEqual([])
    expect(
      validateDrawSpec({
        ...spec,
        size: 3,
        reserveCount: 0,
        quotas: [{ specialtyCode: 'finance', count: 3 }],
      }),
    ).toEqual([])
  })

  it('wants an odd panel size from 3 to 15', () => {
    for (const size of [1, 2, 4, 6, 17, 3.5, Number.NaN]) {
      expect(validateDrawSpec({ ...spec, size, reserveCount: 2, quotas: [] })).toEqual(['专家组人数须为 3 至 15 之间的奇数'])
    }
  })

  it('accepts a one-seat vacancy draw (补抽) without reserves, and replays it exactly', () => {
    const vacancy = vacancySpec('finance', spec.context)
    expect(validateDrawSpec(vacancy)).toEqual([])
    expect(validateDrawSpec({ ...vacancy, reserveCount: 1 })).toEqual(['专家组人数须为 3 至 15 之间的奇数'])
    const pool = Array.from({ length: 6 }, (_, i) => member(`e${i}`, i % 2 === 0 ? ['finance'] : ['law']))
    const drawn = runDraw('ab'.repeat(32), vacancy, pool)
    expect(drawn.ok).toBe(true)
    if (!drawn.ok) return
    expect(drawn.record.seats).toHaveLength(1)
    expect(pool.find((p) => p.id === drawn.record.seats[0]!.expertId)?.specialties).toContain('finance')
    expect(replayDraw(drawn.record).matches).toBe(true)
  })

  it('wants 0 to 10 reserves', () => {
    for (const reserveCount of [-1, 11, 1.5])
      expect(validateDrawSpec({ ...spec, reserveCount })).toEqual(['候补人数须为 0 至 10 之间的整数'])
  })

  it('checks each quota, naming its specialty', () => {
    expect(validateDrawSpec({ ...spec, quotas: [{ specialtyCode: 'finance', count: 0 }] })).toEqual([
      '「财务」专业名额须为不少于 1 的整数',
    ])
    expect(
      validateDrawSpec({ ...spec, quotas: [{ specialtyCode: 'rare', count: 1.5 }] }, { rare: '核安全' }),
    ).toEqual(['「核安全」专业名额须为不少于 1 的整数'])
    expect(
      validateDrawSpec({
        ...spec,
        quotas: [
          { specialtyCode: 'x', count: 1 },
          { specialtyCode: ' ', count: 1 },
        ],
      }),
    ).toEqual(['请选择第 2 项专业名额的专业'])
    expect(
      validateDrawSpec({
        ...spec,
        quotas: [
          { specialtyCode: 'finance', count: 1 },
          { specialtyCode: 'finance', count: 1 },
        ],
      }),
    ).toEqual(['「财务」专业名额重复，请合并为一项'])
  })

  it('keeps the quotas within the panel size', () => {
    expect(
      validateDrawSpec({
        ...spec,
        size: 3,
        quotas: [
          { specialtyCode: 'finance', count: 2 },
          { specialtyCode: 'education', count: 2 },
        ],
      }),
    ).toEqual(['专业名额合计 4 人，超过专家组人数 3 人'])
  })

  it('checks the eligibility settings', () => {
    expect(validateDrawSpec({ ...spec, context: { ...context, reviewDate: '2026-02-30' } })).toEqual([
      '请填写有效的评审日期',
    ])
    expect(validateDrawSpec({ ...spec, context: { ...context, maxDrawsPerYear: 0 } })).toEqual([
      '每位专家年度抽取次数上限须为不少于 1 的整数',
    ])
    expect(validateDrawSpec({ ...spec, context: { ...context, creditThreshold: -1 } })).toEqual([
      '信用分门槛须为不小于 0 的整数',
    ])
    expect(validateDrawSpec({ ...spec, context: { ...context, creditThreshold: null } })).toEqual([])
  })

  it('wants the lowest grade among the policy grades', () => {
    const graded = { ...context, creditGradeOrder: ['A', 'B', 'C', 'D'] }
    expect(validateDrawSpec({ ...spec, context: { ...graded, minCreditGrade: 'C' } })).toEqual([])
    expect(validateDrawSpec({ ...spec, context: { ...graded, minCreditGrade: 'E' } })).toEqual([
      '专家抽取的最低信用等级「E」不在信用政策的等级中',
    ])
    expect(validateDrawSpec({ ...spec, context: { ...context, minCreditGrade: 'C' } })).toEqual([
      '专家抽取的最低信用等级「C」不在信用政策的等级中',
    ])
  })
})

describe('runDraw', () => {
  it('follows the generator: the first quota seat is candidate (x mod n) of the id-sorted candidates', () => {
    const finance = ['E01', 'E02', 'E04'] // E03 is conflicted
    const limit = Math.floor(2 ** 32 / finance.length) * finance.length
    const x = uint32At(SEED, 0)
    expect(x).toBeLessThan(limit)
    expect(drawn().seats[0]!.expertId).toBe(finance[x % finance.length])
  })

  it('records the draw: sorted snapshot, hash, exclusions with reasons, seats then reserves', () => {
    const record = drawn()
    expect(record.algorithm).toBe(DRAW_ALGORITHM)
    expect(record.seedHex).toBe(SEED)
    expect(record.spec).toEqual(spec)
    expect(record.pool.map((e) => e.id)).toEqual([
      'E01',
      'E02',
      'E03',
      'E04',
      'E05',
      'E06',
      'E07',
      'E08',
      'E09',
      'E10',
      'E11',
      'E12',
    ])
    expect(record.poolHash).toBe(poolHash(pool))
    expect(record.excluded).toEqual([
      { expertId: 'E03', reasons: ['conflict'] },
      { expertId: 'E06', reasons: ['suspended'] },
      { expertId: 'E10', reasons: ['unavailable'] },
      { expertId: 'E12', reasons: ['low_credit', 'over_quota'] },
    ])
    // Pinned: a change here means stored draws would no longer replay.
    expect(record.seats).toEqual(GOLDEN_SEATS)
    expect(record.reserves).toEqual(GOLDEN_RESERVES)
    // Every education expert (E05 E07 E08) took a seat, so that quota has no reserve of its own.
    expect(record.warnings).toEqual(['「教育」专业没有可抽取的候补专家'])
  })

  it('fills quotas with their specialty, open seats after, positions counted separately', () => {
    const record = drawn('0f'.repeat(32))
    const byId = new Map(pool.map((e) => [e.id, e]))
    expect(record.seats.map((s) => [s.specialtyCode, s.position])).toEqual([
      ['finance', 1],
      ['finance', 2],
      ['education', 3],
      [null, 4],
      [null, 5],
    ])
    for (const s of record.seats)
      if (s.specialtyCode) expect(byId.get(s.expertId)!.specialties).toContain(s.specialtyCode)
    expect(record.reserves.map((s) => s.position)).toEqual([1, 2, 3])
  })

  it('draws one reserve per quota first, then open reserves', () => {
    const many = [
      ...pool,
      member('F1', ['finance']),
      member('F2', ['finance']),
      member('D1', ['education']),
      member('Z1', ['law']),
    ]
    const record = drawn(SEED, spec, many)
    const byId = new Map(many.map((e) => [e.id, e]))
    expect(record.reserves.map((r) => r.specialtyCode)).toEqual(['finance', 'education', null])
    expect(byId.get(record.reserves[0]!.expertId)!.specialties).toContain('finance')
    expect(byId.get(record.reserves[1]!.expertId)!.specialties).toContain('education')
  })

  it('stops at the reserve count even before every quota has a reserve', () => {
    const record = drawn(SEED, { ...spec, reserveCount: 1 })
    expect(record.reserves.map((r) => [r.specialtyCode, r.position])).toEqual([['finance', 1]])
    expect(drawn(SEED, { ...spec, reserveCount: 0 }).reserves).toEqual([])
  })

  it('warns, without failing, when reserves run short', () => {
    const tight = pool.filter((e) => e.id !== 'E09' && e.id !== 'E11')
    // 6 eligible (E01 E02 E04 E05 E07 E08): 5 seats, 1 reserve left.
    const record = drawn(SEED, spec, tight)
    expect(record.seats).toHaveLength(5)
    expect(record.reserves).toHaveLength(1)
    expect(record.warnings.some((w) => w === '候补专家不足：需要 3 人，仅抽取 1 人')).toBe(true)
  })

  it('warns when a quota has no reserve of its specialty', () => {
    const record = drawn(SEED, { ...spec, quotas: [{ specialtyCode: 'finance', count: 3 }] })
    expect(record.warnings).toEqual(['「财务」专业没有可抽取的候补专家'])
    expect(record.reserves.map((r) => r.specialtyCode)).toEqual([null, null, null])
  })

  it('fails when a quota cannot be filled, naming the specialty and the numbers', () => {
    expect(refusal(SEED, { ...spec, quotas: [{ specialtyCode: 'finance', count: 4 }] })).toBe(
      '「财务」专业可抽取专家不足：需要 4 人，符合条件的仅 3 人',
    )
    expect(refusal(SEED, { ...spec, quotas: [{ specialtyCode: 'it', count: 1 }] })).toBe(
      '「信息化」专业可抽取专家不足：需要 1 人，没有符合条件的专家',
    )
    expect(
      refusal(SEED, { ...spec, quotas: [{ specialtyCode: 'nuclear', count: 1 }] }, pool, {
        nuclear: '核安全',
      }),
    ).toBe('「核安全」专业可抽取专家不足：需要 1 人，没有符合条件的专家')
  })

  it('counts experts already drawn for an earlier quota as taken', () => {
    // E02 is the only auditor and also does finance; drawing finance ×3 takes E02 before audit.
    expect(
      refusal(SEED, {
        ...spec,
        quotas: [
          { specialtyCode: 'finance', count: 3 },
          { specialtyCode: 'audit', count: 1 },
        ],
      }),
    ).toBe('「审计」专业可抽取专家不足：需要 1 人，没有符合条件的专家')
  })

  it('fails when the open seats cannot be filled', () => {
    const small = pool.slice(0, 5) // E07 E01 E02 E03 E04: 4 eligible
    expect(refusal(SEED, { ...spec, quotas: [] }, small)).toBe(
      '可抽取专家不足：不限专业的席位需要 5 人，其余符合条件的仅 4 人',
    )
    expect(refusal(SEED, { ...spec, quotas: [] }, [])).toBe(
      '可抽取专家不足：不限专业的席位需要 5 人，没有其他符合条件的专家',
    )
  })

  it('refuses a bad seed, a bad spec and duplicate experts', () => {
    expect(refusal('A1'.repeat(32), spec)).toBe('抽取种子须为 64 位十六进制数')
    expect(refusal('a1'.repeat(31), spec)).toBe('抽取种子须为 64 位十六进制数')
    expect(refusal(SEED, { ...spec, size: 4, reserveCount: 20 })).toBe(
      '专家组人数须为 3 至 15 之间的奇数；候补人数须为 0 至 10 之间的整数',
    )
    expect(refusal(SEED, spec, [...pool, member('E05', ['law'])])).toBe('专家库快照中有重复的专家（E05）')
  })

  it('gives the same result for the same seed and a different one for another seed', () => {
    expect(drawn()).toEqual(drawn())
    const seeds = Array.from({ length: 20 }, (_, i) => bytesToHex(sha256(utf8ToBytes(`s${i}`))))
    expect(new Set(seeds.map((s) => JSON.stringify(drawn(s).seats))).size).toBeGreaterThan(1)
  })

  it('keeps only the PoolExpert fields in the snapshot and the spec', () => {
    const extra = pool.map((e) => ({ ...e, phone: '13800000000' }))
    const record = drawn(SEED, { ...spec, note: 'x' } as DrawSpec, extra)
    expect(record.pool).toEqual(drawn().pool)
    expect(record.spec).toEqual(spec)
    expect(record.poolHash).toBe(poolHash(pool))
  })

  it('does not modify the pool it was given', () => {
    const copy = structuredClone(pool)
    drawn()
    expect(pool).toEqual(copy)
  })
})

describe('the credit grade rule', () => {
  const graded: DrawSpec = {
    ...spec,
    context: { ...context, minCreditGrade: 'C', creditGradeOrder: ['A', 'B', 'C', 'D'] },
  }
  const gradedPool = pool.map((e) =>
    e.id === 'E04' ? { ...e, creditGrade: 'D' } : e.id === 'E09' ? { ...e, creditGrade: 'C' } : e,
  )

  it('excludes an expert below the required grade, with the reason, and keeps the grades in the record', () => {
    const record = drawn(SEED, graded, gradedPool)
    expect(record.excluded).toContainEqual({ expertId: 'E04', reasons: ['low_grade'] })
    expect(record.excluded.map((x) => x.expertId)).not.toContain('E09')
    expect(ids(record)).not.toContain('E04')
    expect(record.pool.find((e) => e.id === 'E04')!.creditGrade).toBe('D')
    expect(record.spec.context).toEqual(graded.context)
    expect(replayDraw(JSON.parse(JSON.stringify(record)) as StoredDrawRecord).matches).toBe(true)
  })

  it('finds a grade edited after the draw', () => {
    const record = drawn(SEED, graded, gradedPool)
    const lifted = record.pool.map((e) => (e.id === 'E04' ? { ...e, creditGrade: 'A' } : e))
    expect(replayDraw({ ...record, pool: lifted }).differences).toContain('专家库快照与记录的摘要不一致')
    const r = replayDraw({ ...record, pool: lifted, poolHash: poolHash(lifted) })
    expect(r.differences).toContain('排除名单与重算结果不一致')
  })
})

describe('a stored record from before credit grades', () => {
  const stored = legacyRecord as StoredDrawRecord

  it('has neither grades in its pool nor a grade rule in its context', () => {
    expect(stored.pool.some((e) => 'creditGrade' in e)).toBe(false)
    expect('minCreditGrade' in stored.spec.context).toBe(false)
    expect(stored.excluded).toContainEqual({ expertId: '01HV0000000000000000000003', reasons: ['blacklisted', 'low_credit'] })
  })

  it('still replays exactly, its pool hash unchanged', () => {
    expect(poolHash(stored.pool)).toBe(stored.poolHash)
    expect(replayDraw(stored)).toEqual({ matches: true, differences: [] })
  })

  it('does not pass with a grade slipped into its pool', () => {
    const edited = stored.pool.map((e, i) => (i === 0 ? { ...e, creditGrade: null } : e))
    expect(replayDraw({ ...stored, pool: edited }).differences).toEqual(['专家库快照与记录的摘要不一致'])
    const demoted = stored.pool.map((e) => (e.id === stored.seats[0]!.expertId ? { ...e, creditGrade: 'D' } : e))
    const withRule = {
      ...stored,
      pool: demoted,
      poolHash: poolHash(demoted),
      spec: { ...stored.spec, context: { ...stored.spec.context, minCreditGrade: 'C', creditGradeOrder: ['A', 'B', 'C', 'D'] } },
    }
    expect(replayDraw(withRule).matches).toBe(false)
  })
})

function ids(record: DrawRecord): string[] {
  return [...record.seats, ...record.reserves].map((s) => s.expertId)
}

describe('replayDraw', () => {
  const record = drawn()

  it('matches a faithful record, also after a JSON round trip', () => {
    expect(replayDraw(record)).toEqual({ matches: true, differences: [] })
    expect(replayDraw(JSON.parse(JSON.stringify(record)) as DrawRecord)).toEqual({
      matches: true,
      differences: [],
    })
  })

  it('finds a changed seat and says which', () => {
    const other = record.reserves[0]!.expertId
    const tampered = {
      ...record,
      seats: record.seats.map((s, i) => (i === 3 ? { ...s, expertId: other } : s)),
    }
    const r = replayDraw(tampered)
    expect(r.matches).toBe(false)
    expect(r.differences).toEqual([`席位第 4 位不一致：记录为 ${other}，重算为 ${record.seats[3]!.expertId}`])
  })

  it('finds swapped, missing or extra reserves', () => {
    expect(replayDraw({ ...record, reserves: [...record.reserves].reverse() }).matches).toBe(false)
    const fewer = replayDraw({ ...record, reserves: record.reserves.slice(0, 2) })
    expect(fewer.differences).toEqual([
      `候补第 3 位不一致：记录为 无，重算为 ${record.reserves[2]!.expertId}`,
    ])
  })

  it('finds a changed pool entry through the hash', () => {
    const tampered = {
      ...record,
      pool: record.pool.map((e) => (e.id === 'E11' ? { ...e, name: '改名' } : e)),
    }
    expect(replayDraw(tampered)).toEqual({ matches: false, differences: ['专家库快照与记录的摘要不一致'] })
  })

  it('finds a changed eligibility fact even when the hash was recomputed to fit', () => {
    const pool2 = record.pool.map((e) => (e.id === 'E03' ? { ...e, conflicted: false } : e))
    const r = replayDraw({ ...record, pool: pool2, poolHash: poolHash(pool2) })
    expect(r.matches).toBe(false)
    expect(r.differences).toContain('排除名单与重算结果不一致')
  })

  it('finds a changed seed', () => {
    const r = replayDraw({ ...record, seedHex: 'b2'.repeat(32) })
    expect(r.matches).toBe(false)
    expect(r.differences.length).toBeGreaterThan(0)
  })

  it('finds a reordered snapshot, edited warnings and an unknown algorithm', () => {
    const reordered = [...record.pool].reverse()
    expect(replayDraw({ ...record, pool: reordered }).differences).toEqual(['专家库快照未按编号排序'])
    expect(replayDraw({ ...record, warnings: ['候补专家不足'] }).differences).toEqual([
      '提示信息与重算结果不一致',
    ])
    const alien = { ...record, algorithm: 'other-v9' } as unknown as DrawRecord
    expect(replayDraw(alien)).toEqual({
      matches: false,
      differences: ['抽取算法「other-v9」无法重算，本系统使用 evaldesk-draw-v1'],
    })
  })

  it('reports a record whose spec no longer draws', () => {
    const r = replayDraw({ ...record, spec: { ...spec, quotas: [{ specialtyCode: 'finance', count: 5 }] } })
    expect(r).toEqual({
      matches: false,
      differences: ['按记录重算失败：「财务」专业可抽取专家不足：需要 5 人，符合条件的仅 3 人'],
    })
  })
})

// Cross-checked against an independent implementation of the algorithm text (Python hashlib).
const GOLDEN_SEATS: DrawRecord['seats'] = [
  { expertId: 'E02', specialtyCode: 'finance', position: 1 },
  { expertId: 'E01', specialtyCode: 'finance', position: 2 },
  { expertId: 'E08', specialtyCode: 'education', position: 3 },
  { expertId: 'E05', specialtyCode: null, position: 4 },
  { expertId: 'E07', specialtyCode: null, position: 5 },
]
const GOLDEN_RESERVES: DrawRecord['reserves'] = [
  { expertId: 'E04', specialtyCode: 'finance', position: 1 },
  { expertId: 'E09', specialtyCode: null, position: 2 },
  { expertId: 'E11', specialtyCode: null, position: 3 },
]
