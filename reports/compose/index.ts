// composeDocument: a ReportModel to the rendering-neutral ReportDocument both renderers draw. Pure
// apart from reading the templates; equal models give equal documents (documentId included).
import type { ReportDocument } from '../document'
import type { ReportModel, ReportType } from '../model'
import { composeEvaluation } from './evaluation'
import { composeExAnte } from './ex-ante'
import { composePlan } from './plan'
import { composeScoreSheets } from './score-sheets'

const COMPOSERS: Record<ReportType, (model: ReportModel) => ReportDocument> = {
  evaluation: composeEvaluation,
  'ex-ante': composeExAnte,
  plan: composePlan,
  'score-sheets': composeScoreSheets,
}

export function composeDocument(model: ReportModel): ReportDocument {
  return COMPOSERS[model.type](model)
}

export { documentIdOf, titleOf } from './common'
