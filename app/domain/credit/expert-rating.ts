// The agency's rating of an expert after an engagement (专家履职评价, REFERENCE.md §6): four aspects,
// each 优秀/称职/基本称职/不称职, and an overall rating that goes into the expert's credit file.
//
// The overall rating follows the weakest aspect unless the rater chooses otherwise: a panel is only
// as sound as its weakest duty (an expert who scored well but broke independence did not do the job),
// so the weakest aspect is the honest default. Choosing another overall is allowed — the rater knows
// the weight of the lapse — but the comment must then say why, as it must for any rating below 称职,
// because the expert may appeal and the issuer will have to stand by the reason.
import { EXPERT_RATINGS, EXPERT_RATING_ASPECTS, EXPERT_RATING_CODES, labelOf, type ExpertRating } from './categories'

export type RatingAspect = (typeof EXPERT_RATING_ASPECTS)[number]['code']
export const RATING_ASPECT_CODES = EXPERT_RATING_ASPECTS.map((a) => a.code) as [RatingAspect, ...RatingAspect[]]

export const MAX_RATING_COMMENT = 1000

/** Ratings that need a written comment whatever the aspects say. */
const NEEDS_COMMENT: readonly ExpertRating[] = ['basically_competent', 'incompetent']

export function isExpertRating(code: string): code is ExpertRating {
  return (EXPERT_RATING_CODES as readonly string[]).includes(code)
}

export const ratingLabel = (code: ExpertRating): string => labelOf(EXPERT_RATINGS, code)

/** The weakest of the given ratings (EXPERT_RATINGS runs best to worst). */
export function weakestRating(ratings: readonly ExpertRating[]): ExpertRating {
  return ratings.reduce<ExpertRating>((worst, r) => (EXPERT_RATING_CODES.indexOf(r) > EXPERT_RATING_CODES.indexOf(worst) ? r : worst), 'excellent')
}

export type ExpertRatingInput = {
  /** Per aspect the code typed, or '' when none was chosen. */
  aspects: Partial<Record<RatingAspect, string>>
  /** '' follows the weakest aspect. */
  overall: string
  comment: string
}

export type CheckedExpertRating = { aspects: Record<RatingAspect, ExpertRating>; overall: ExpertRating; followsWeakest: boolean; comment: string }

/** Problems keyed by form field: `aspect.<code>`, `overall`, `comment`. */
export function checkExpertRating(input: ExpertRatingInput): { ok: true; value: CheckedExpertRating } | { ok: false; problems: Record<string, string> } {
  const problems: Record<string, string> = {}
  const aspects: Partial<Record<RatingAspect, ExpertRating>> = {}
  for (const aspect of EXPERT_RATING_ASPECTS) {
    const typed = input.aspects[aspect.code] ?? ''
    if (isExpertRating(typed)) aspects[aspect.code] = typed
    else problems[`aspect.${aspect.code}`] = `请评价「${aspect.label}」`
  }
  if (input.overall !== '' && !isExpertRating(input.overall)) problems.overall = '请选择综合评价'
  if (input.comment.length > MAX_RATING_COMMENT) problems.comment = `评语不能超过 ${MAX_RATING_COMMENT} 个字符`
  if (Object.keys(problems).length > 0) return { ok: false, problems }

  const complete = aspects as Record<RatingAspect, ExpertRating>
  const weakest = weakestRating(Object.values(complete))
  const overall = input.overall === '' ? weakest : (input.overall as ExpertRating)
  const followsWeakest = overall === weakest
  if (input.comment === '') {
    if (NEEDS_COMMENT.includes(overall)) problems.comment = `综合评价为「${ratingLabel(overall)}」，须填写评语说明理由`
    else if (!followsWeakest) problems.comment = `综合评价「${ratingLabel(overall)}」与最低单项「${ratingLabel(weakest)}」不一致，须在评语中说明理由`
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems }
  return { ok: true, value: { aspects: complete, overall, followsWeakest, comment: input.comment } }
}

/** 「出勤 称职、专业水平 优秀、…」 for the credit entry's description and the audit. */
export function aspectsText(aspects: Record<RatingAspect, ExpertRating>): string {
  return EXPERT_RATING_ASPECTS.map((a) => `${a.label} ${ratingLabel(aspects[a.code])}`).join('、')
}
