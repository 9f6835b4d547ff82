// Grade bands (评价等级) by score rate. The national scale (财预〔2020〕10号) is 优 ≥ 90, 良 ≥ 80,
// 中 ≥ 60, 差 < 60 on a 100-point sheet; bureaus may configure their own, checked by validateBands.

export type GradeBand = {
  /** What reports print as the grade, e.g. 优. */
  grade: string
  /** The band as a reader sees it, e.g. 优（90 分及以上）. */
  label: string
  /** Lowest score rate (total / total weight, 0..1) that earns this grade, inclusive. */
  minRate: number
}

export const NATIONAL_BANDS: GradeBand[] = [
  { grade: '优', label: '优（90 分及以上）', minRate: 0.9 },
  { grade: '良', label: '良（80 分至 90 分）', minRate: 0.8 },
  { grade: '中', label: '中（60 分至 80 分）', minRate: 0.6 },
  { grade: '差', label: '差（60 分以下）', minRate: 0 },
]

// A rate or a configured minRate computed another way than one division (0.3 × 3 is
// 0.8999999999999999) can miss a boundary it is mathematically on by a few ulps; it must still
// earn the higher grade. Real rates differ by at least 1 / 10000, far above this slack.
const BOUNDARY_SLACK = 1e-12

/** The first band (highest first) whose minRate the rate reaches; below every band, the lowest band. */
export function gradeOf(rate: number, bands: GradeBand[] = NATIONAL_BANDS): GradeBand {
  if (bands.length === 0) throw new RangeError('grade bands must not be empty')
  const ordered = [...bands].sort((a, b) => b.minRate - a.minRate)
  return ordered.find((band) => rate + BOUNDARY_SLACK >= band.minRate) ?? ordered[ordered.length - 1]!
}

/** Problems with configured bands, in Chinese, each naming the band; empty when the bands are usable. */
export function validateBands(bands: GradeBand[]): string[] {
  if (bands.length === 0) return ['至少需要设置一个等级']
  const problems: string[] = []
  const name = (band: GradeBand, index: number) =>
    `第 ${index + 1} 个等级${band.grade ? `「${band.grade}」` : ''}`
  const seenGrades = new Set<string>()
  const seenLabels = new Set<string>()
  bands.forEach((band, index) => {
    if (band.grade.trim() === '') problems.push(`${name(band, index)}未填写等级名称`)
    else if (seenGrades.has(band.grade)) problems.push(`${name(band, index)}与前面的等级重名`)
    seenGrades.add(band.grade)
    if (band.label.trim() === '') problems.push(`${name(band, index)}未填写说明`)
    else if (seenLabels.has(band.label))
      problems.push(`${name(band, index)}的说明「${band.label}」与前面的等级重复`)
    seenLabels.add(band.label)
    if (!Number.isFinite(band.minRate) || band.minRate < 0 || band.minRate > 1) {
      problems.push(`${name(band, index)}的得分率下限须在 0% 至 100% 之间`)
      return
    }
    const previous = bands[index - 1]
    if (previous && Number.isFinite(previous.minRate) && band.minRate >= previous.minRate) {
      problems.push(`${name(band, index)}的得分率下限须低于上一等级「${previous.grade}」`)
    }
  })
  const last = bands[bands.length - 1]!
  if (last.minRate !== 0) problems.push(`最后一个等级「${last.grade}」的得分率下限须为 0，才能覆盖所有得分`)
  return problems
}

/**
 * Bands 优/良/中/差 from three thresholds in percent of full marks (e.g. 90/80/60, the national
 * scale): what a lead sets when opening scoring. Check the result with validateBands.
 */
export function bandsFromThresholds(excellent: number, good: number, pass: number): GradeBand[] {
  return [
    { grade: '优', label: `优（${excellent} 分及以上）`, minRate: excellent / 100 },
    { grade: '良', label: `良（${good} 分至 ${excellent} 分）`, minRate: good / 100 },
    { grade: '中', label: `中（${pass} 分至 ${good} 分）`, minRate: pass / 100 },
    { grade: '差', label: `差（${pass} 分以下）`, minRate: 0 },
  ]
}
