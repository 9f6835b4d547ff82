// Reading stored surveys without the upload machinery (no spreadsheet or CSV parser): the
// statistics of the imported responses, for the survey pages and for the report model.
import { and, asc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.server'
import { surveyImports, surveys } from '../../db/schema'
import { surveyStatistics, type Questionnaire, type SurveyResponse, type SurveyStatistics } from '../domain/fieldwork/survey'
import type { SurveyFacts } from '../../reports/model'

type SurveyRow = typeof surveys.$inferSelect
type ImportRow = typeof surveyImports.$inferSelect

export function questionnaireOf(row: Pick<SurveyRow, 'questionnaireJson'>): Questionnaire {
  return JSON.parse(row.questionnaireJson) as Questionnaire
}

function responsesOf(rows: readonly Pick<ImportRow, 'responsesJson'>[]): SurveyResponse[] {
  return rows.flatMap((r) => (r.responsesJson === null ? [] : (JSON.parse(r.responsesJson) as SurveyResponse[])))
}

function importedRows(db: Db | Tx, surveyId: string): ImportRow[] {
  return db
    .select()
    .from(surveyImports)
    .where(and(eq(surveyImports.surveyId, surveyId), eq(surveyImports.status, 'imported')))
    .orderBy(asc(surveyImports.importedAt), asc(surveyImports.id))
    .all()
}

/** The survey's figures over every imported batch. */
export function statisticsOf(db: Db | Tx, survey: SurveyRow): SurveyStatistics {
  return surveyStatistics(questionnaireOf(survey), responsesOf(importedRows(db, survey.id)), { population: survey.population })
}

/** Every survey of the engagement with imported responses, as the evaluation report prints them. */
export function surveysForReport(db: Db | Tx, engagementId: string): SurveyFacts[] {
  return db
    .select()
    .from(surveys)
    .where(and(eq(surveys.engagementId, engagementId), eq(surveys.status, 'collected')))
    .orderBy(asc(surveys.createdAt), asc(surveys.id))
    .all()
    .map((s) => {
      const stats = statisticsOf(db, s)
      return {
        title: s.title,
        indicatorCode: s.indicatorCode,
        sampleSize: stats.sampleSize,
        validResponses: stats.validResponses,
        satisfied: stats.satisfied,
        marginOfError: stats.marginOfError,
        basis: stats.basis,
        population: stats.population,
        items: stats.items.flatMap((item) =>
          item.kind === 'text' ? [] : [{ title: item.title, kind: item.kind, counts: item.distribution.map((d) => ({ label: d.label, count: d.count })), satisfied: item.kind === 'likert' ? item.satisfied : null }],
        ),
      }
    })
}
