import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EXPERT_RATING_CODES, type ExpertRating } from './categories'
import { aspectsText, checkExpertRating, weakestRating, type RatingAspect } from './expert-rating'

const all = (r: ExpertRating): Record<RatingAspect, string> => ({ attendance: r, professionalism: r, independence: r, timeliness: r })

describe('checkExpertRating', () => {
  it('names every aspect left unrated and refuses an unknown overall', () => {
    const result = checkExpertRating({ aspects: { attendance: 'competent', professionalism: 'bogus' }, overall: 'perfect', comment: '' })
    expect(result).toEqual({
      ok: false,
      problems: { 'aspect.professionalism': '请评价「专业水平」', 'aspect.independence': '请评价「独立性」', 'aspect.timeliness': '请评价「及时性」', overall: '请选择综合评价' },
    })
  })

  it('follows the weakest aspect when no overall is chosen', () => {
    const result = checkExpertRating({ aspects: { ...all('excellent'), timeliness: 'competent' }, overall: '', comment: '' })
    expect(result).toMatchObject({ ok: true, value: { overall: 'competent', followsWeakest: true } })
  })

  it('needs a comment for 基本称职 and 不称职', () => {
    for (const r of ['basically_competent', 'incompetent'] as const) {
      const refused = checkExpertRating({ aspects: all(r), overall: '', comment: '' })
      expect(refused.ok).toBe(false)
      if (!refused.ok) expect(refused.problems.comment).toContain('须填写评语')
      expect(checkExpertRating({ aspects: all(r), overall: '', comment: '两次未按时到场' }).ok).toBe(true)
    }
  })

  it('needs a comment when the overall departs from the weakest aspect', () => {
    const aspects = { ...all('excellent'), attendance: 'competent' }
    const refused = checkExpertRating({ aspects, overall: 'excellent', comment: '' })
    expect(refused).toEqual({ ok: false, problems: { comment: '综合评价「优秀」与最低单项「称职」不一致，须在评语中说明理由' } })
    expect(checkExpertRating({ aspects, overall: 'excellent', comment: '迟到系航班延误，专业意见突出' })).toMatchObject({ ok: true, value: { overall: 'excellent', followsWeakest: false } })
  })

  it('the weakest is never better than any aspect', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EXPERT_RATING_CODES), { minLength: 1, maxLength: 4 }), (ratings) => {
        const weakest = EXPERT_RATING_CODES.indexOf(weakestRating(ratings))
        expect(ratings.every((r) => EXPERT_RATING_CODES.indexOf(r) <= weakest)).toBe(true)
        expect(ratings).toContain(weakestRating(ratings))
      }),
    )
  })

  it('describes the aspects in order', () => {
    expect(aspectsText({ attendance: 'competent', professionalism: 'excellent', independence: 'competent', timeliness: 'incompetent' })).toBe('出勤 称职、专业水平 优秀、独立性 称职、及时性 不称职')
  })
})
