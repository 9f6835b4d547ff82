import { describe, expect, it } from 'vitest'
import { beijingDay, chineseDate, chineseNumber, circled, clause, listJoin, percent, period, points, rate, sentence, wanYuan, weight } from './format'

describe('report formatting', () => {
  it('prints scores with two decimals and weights as people write them', () => {
    expect([points(1250), points(0), points(8900)]).toEqual(['12.50', '0.00', '89.00'])
    expect([weight(1500), weight(1250), weight(333), weight(0), weight(10000)]).toEqual(['15', '12.5', '3.33', '0', '100'])
  })

  it('rounds a score rate half up once, to hundredths of a percent', () => {
    expect(rate(250, 300)).toBe('83.33%')
    expect(rate(200, 300)).toBe('66.67%')
    // 1/8 = 12.5% exactly; 1/16 = 6.25%; 1/32 = 3.125% rounds half up to 3.13%.
    expect([rate(100, 800), rate(100, 1600), rate(100, 3200)]).toEqual(['12.50%', '6.25%', '3.13%'])
    expect(rate(5, 0)).toBe('—')
    expect([percent(0.8), percent(0.625)]).toEqual(['80%', '62.5%'])
  })

  it('prints money in 万元 from fen', () => {
    expect(wanYuan(1286_500000)).toBe('1,286.50')
    expect(wanYuan(1)).toBe('0.000001')
  })

  it('dates an instant by the Beijing calendar, and a plain date as it stands', () => {
    expect(chineseDate('2026-06-17T16:00:00.000Z')).toBe('2026年6月18日')
    expect(chineseDate('2026-06-17T15:59:59.999Z')).toBe('2026年6月17日')
    expect(chineseDate('2025-01-01')).toBe('2025年1月1日')
    expect(beijingDay('2026-12-31T16:30:00Z')).toBe('2027-01-01')
    expect(period('2025-01-01', '2025-12-31')).toBe('2025年1月1日至2025年12月31日')
    expect(() => chineseDate('yesterday')).toThrow(RangeError)
  })

  it('counts headings in Chinese numerals and lists in Chinese', () => {
    expect([1, 7, 10, 11, 20, 23, 99].map(chineseNumber)).toEqual(['一', '七', '十', '十一', '二十', '二十三', '九十九'])
    expect(() => chineseNumber(0)).toThrow(RangeError)
    expect([circled(1), circled(20), circled(21)]).toEqual(['①', '⑳', '(21)'])
    expect([listJoin([]), listJoin(['甲']), listJoin(['甲', '乙']), listJoin(['甲', '乙', '丙'])]).toEqual(['', '甲', '甲和乙', '甲、乙和丙'])
  })

  it('ends a freely typed reason as a sentence, and trims one used as a clause', () => {
    expect([sentence('佐证材料不足'), sentence('佐证材料不足。'), sentence(' 见附件（二） '), sentence('')]).toEqual(['佐证材料不足。', '佐证材料不足。', '见附件（二）', ''])
    expect([clause('核对补充材料后予以满分。'), clause('调整判断；\n')]).toEqual(['核对补充材料后予以满分', '调整判断'])
  })
})
