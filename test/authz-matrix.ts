// The checked-in expectation of SECURITY.md §12.1: for every route of the built manifest, the status
// each actor gets for GET and for a POST with an unknown intent, against P1's real resources
// (test/helpers/authz-fixture.ts), in every engagement stage. A route without a row fails
// test/authz-matrix.test.ts. Columns, in order (ACTORS): anonymous, system admin, agency A's admin,
// agency A's evaluator on P1's team (not its lead), the expert seated on P1, an expert not seated,
// the expert who declared a conflict on P1 (recused), bureau X's reviewer (P1's client), bureau Y's
// reviewer, P1's unit contact. `L` is a 302 to /login. POST carries `intent=x`: an actor the action
// admits gets its 400 (or 403 where the action refuses what the page shows); a refused one 403/404.
//
// Reading the table against the policy (app/domain/permissions.ts):
// - Another tenant's resource is 404 (bureau Y on P1; agency A on P2, checked separately).
// - Experts reach P1 only through their own seat; the recused expert's seat is gone (404), like a
//   stranger's. The unit never sees the panel, scores, reports in progress, papers or surveys.
// - Expert scores with names (/scores, scores.xlsx) are the lead's and the agency admin's; the team's
//   evaluator gets 404. After 归档 the consolidation page closes with the other management pages.
// - 归档 (archived) is the only stage that changes answers: edit pages and actions of a closed record
//   refuse (403) what they admitted; reads stay.
// - The compare page needs ?from&to (both versions given); monthly fees need ?month (given).
import type { Stage } from '../app/domain/stages'
import type { Resources } from './helpers/authz-fixture'

/** Statuses per actor in ACTORS order, space-separated; `L` = 302 to /login. */
export type Row = {
  get: string
  /** Only for routes with an action. */
  post?: string
  /** Where a stage answers differently. */
  stages?: Partial<Record<Stage, { get?: string; post?: string }>>
}

// Columns:                                                           anon adm A.ad eval seat unst conf bX  bY  unit
// prettier-ignore
export const MATRIX: Record<string, Row> = {
  '/':                                                         { get: 'L   302 302 302 302 302 302 302 302 302' },
  '/account':                                                  { get: 'L   200 200 200 200 200 200 200 200 200', post: 'L   400 400 400 400 400 400 400 400 400' },
  '/admin/organizations':                                      { get: 'L   200 403 403 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/admin/organizations/:orgId':                               { get: 'L   200 403 403 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/admin/users':                                              { get: 'L   200 403 403 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/audit':                                                    { get: 'L   200 200 403 403 403 403 403 403 403' },
  '/bureau':                                                   { get: 'L   403 403 403 403 403 403 200 200 403' },
  '/bureau/credit-policy':                                     { get: 'L   403 403 403 403 403 403 200 200 403', post: 'L   403 403 403 403 403 403 400 400 403' },
  '/bureau/disclosure':                                        { get: 'L   403 403 403 403 403 403 200 200 403' },
  '/bureau/disclosure/:format':                                { get: 'L   403 403 403 403 403 403 200 200 403' },
  '/bureau/quality-settings':                                  { get: 'L   403 403 403 403 403 403 200 200 403', post: 'L   403 403 403 403 403 403 400 400 403' },
  '/bureau/rectification':                                     { get: 'L   403 403 403 403 403 403 200 200 403' },
  '/bureau/results':                                           { get: 'L   403 403 403 403 403 403 200 200 403' },
  '/credit':                                                   { get: 'L   200 200 200 302 302 302 200 200 403' },
  '/credit.xlsx':                                              { get: 'L   200 200 200 200 200 200 200 200 403' },
  '/credit/:subjectId':                                        { get: 'L   200 200 200 404 404 404 200 200 404', post: 'L   403 400 403 404 404 404 400 400 404' },
  '/credit/:subjectId/files/:fileId':                          { get: 'L   200 200 200 404 404 404 200 200 404' },
  '/credit/:subjectId/report.docx':                            { get: 'L   200 200 200 404 404 404 200 200 404' },
  '/credit/:subjectId/report.pdf':                             { get: 'L   200 200 200 404 404 404 200 200 404' },
  '/dashboard':                                                { get: 'L   200 200 200 200 200 200 200 200 200' },
  '/engagements':                                              { get: 'L   403 200 200 403 403 403 200 200 200' },
  '/engagements/:id':                                          { get: 'L   404 200 200 404 404 404 200 404 200', post: 'L   404 400 400 404 404 404 403 404 403' },
  '/engagements/:id/data':                                     { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 404 404 404' },
  '/engagements/:id/edit':                                     { get: 'L   404 200 200 404 404 404 403 404 403', post: 'L   404 400 400 404 404 404 403 404 403',
                                                                 stages: { archived: { get: 'L   404 403 403 404 404 404 403 404 403', post: 'L   404 403 403 404 404 404 403 404 403' } } },
  '/engagements/:id/expert-ratings':                           { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 403 404 404 404 404 404 404' },
  '/engagements/:id/feedback':                                 { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 404 404 404',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 404 404 404' } } },
  '/engagements/:id/monitoring':                               { get: 'L   404 200 200 404 404 404 200 404 404', post: 'L   404 400 400 404 404 404 403 404 404',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 403 404 404' } } },
  '/engagements/:id/monitoring/report/:format':                { get: 'L   404 200 200 404 404 404 200 404 404' },
  '/engagements/:id/panel':                                    { get: 'L   404 200 200 404 404 404 200 404 404', post: 'L   404 400 400 404 404 404 403 404 403',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 403 404 403' } } },
  '/engagements/:id/panel/draws/:drawId':                      { get: 'L   404 200 200 404 404 404 200 404 404' },
  '/engagements/:id/panel/fees.xlsx':                          { get: 'L   404 200 200 404 404 404 200 404 404' },
  '/engagements/:id/papers':                                   { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 404 404 404' },
  '/engagements/:id/papers/files/:versionId':                  { get: 'L   404 200 200 404 404 404 404 404 404' },
  '/engagements/:id/quality':                                  { get: 'L   404 200 200 404 404 404 200 404 404', post: 'L   404 403 403 404 404 404 400 404 404' },
  '/engagements/:id/rectification':                            { get: 'L   404 200 200 404 404 404 200 404 200', post: 'L   404 400 400 404 404 404 400 404 403' },
  '/engagements/:id/rectification/:itemId':                    { get: 'L   404 200 200 404 404 404 200 404 200', post: 'L   404 400 400 404 404 404 400 404 400' },
  '/engagements/:id/rectification/:itemId/files/:evidenceId':  { get: 'L   404 200 200 404 404 404 200 404 200' },
  '/engagements/:id/reports':                                  { get: 'L   404 200 200 404 404 404 404 404 404' },
  '/engagements/:id/reports/:type':                            { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 403 404 403' },
  '/engagements/:id/reports/:type/compare':                    { get: 'L   404 200 200 404 404 404 404 404 404' },
  '/engagements/:id/reports/files/:versionId/:format':         { get: 'L   404 200 200 404 404 404 404 404 404' },
  '/engagements/:id/requests':                                 { get: 'L   404 200 200 404 404 404 404 404 200', post: 'L   404 400 400 404 404 404 404 404 403',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 404 404 403' } } },
  '/engagements/:id/results':                                  { get: 'L   404 404 404 404 404 404 200 404 404', post: 'L   404 404 404 404 404 404 400 404 404' },
  '/engagements/:id/scores':                                   { get: 'L   404 200 404 404 404 404 404 404 404', post: 'L   404 400 403 404 404 404 403 404 403',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 403 404 403' } } },
  '/engagements/:id/scores.xlsx':                              { get: 'L   404 200 404 404 404 404 404 404 404' },
  '/engagements/:id/sheet':                                    { get: 'L   404 200 200 404 404 404 200 404 200', post: 'L   404 400 400 404 404 404 403 404 403',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 403 404 403' } } },
  '/engagements/:id/sheet/edit':                               { get: 'L   404 200 200 404 404 404 403 404 403', post: 'L   404 400 400 404 404 404 403 404 403',
                                                                 stages: { archived: { get: 'L   404 403 403 404 404 404 403 404 403', post: 'L   404 403 403 404 404 404 403 404 403' } } },
  '/engagements/:id/sheet/export.xlsx':                        { get: 'L   404 200 200 404 404 404 200 404 200' },
  '/engagements/:id/sheet/import':                             { get: 'L   404 200 200 404 404 404 403 404 403', post: 'L   404 400 400 404 404 404 403 404 403',
                                                                 stages: { archived: { get: 'L   404 403 403 404 404 404 403 404 403', post: 'L   404 403 403 404 404 404 403 404 403' } } },
  '/engagements/:id/submission':                               { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 403 404 403' },
  '/engagements/:id/surveys':                                  { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 404 404 404',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 404 404 404' } } },
  '/engagements/:id/surveys/:surveyId':                        { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 404 404 404',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 404 404 404' } } },
  '/engagements/:id/surveys/:surveyId/imports/:importId':      { get: 'L   404 200 200 404 404 404 404 404 404', post: 'L   404 400 400 404 404 404 404 404 404',
                                                                 stages: { archived: { post: 'L   404 403 403 404 404 404 404 404 404' } } },
  '/engagements/new':                                          { get: 'L   403 200 200 403 403 403 403 403 403', post: 'L   403 400 400 403 403 403 403 403 403' },
  '/expert':                                                   { get: 'L   403 403 403 200 200 200 403 403 403' },
  '/expert/seats/:seatId':                                     { get: 'L   403 403 403 200 404 404 403 403 403', post: 'L   403 403 403 400 404 404 403 403 403' },
  '/expert/seats/:seatId/offline':                             { get: 'L   403 403 403 200 404 404 403 403 403', post: 'L   403 403 403 400 404 404 403 403 403' },
  '/expert/seats/:seatId/opinion':                             { get: 'L   403 403 403 404 404 404 403 403 403', post: 'L   403 403 403 400 404 404 403 403 403' },
  '/expert/seats/:seatId/papers/:versionId':                   { get: 'L   404 404 404 200 404 404 404 404 404' },
  '/expert/seats/:seatId/score':                               { get: 'L   403 403 403 200 404 404 403 403 403', post: 'L   403 403 403 400 404 404 403 403 403' },
  '/expert/seats/:seatId/score.xlsx':                          { get: 'L   403 403 403 200 404 404 403 403 403' },
  '/experts':                                                  { get: 'L   200 200 200 403 403 403 403 403 403' },
  '/experts/:expertId':                                        { get: 'L   200 200 200 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/experts/export.xlsx':                                      { get: 'L   200 200 200 403 403 403 403 403 403' },
  '/experts/import':                                           { get: 'L   200 403 403 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/experts/new':                                              { get: 'L   200 403 403 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/experts/specialties':                                      { get: 'L   200 403 403 403 403 403 403 403 403', post: 'L   400 403 403 403 403 403 403 403 403' },
  '/experts/template.xlsx':                                    { get: 'L   200 200 200 403 403 403 403 403 403' },
  '/fee-rates':                                                { get: 'L   403 403 403 403 403 403 200 200 403', post: 'L   403 403 403 403 403 403 400 400 403' },
  '/frameworks':                                               { get: 'L   200 200 200 403 403 403 200 200 403', post: 'L   400 400 400 403 403 403 403 403 403' },
  '/frameworks/:frameworkId':                                  { get: 'L   200 200 200 404 404 404 200 200 404', post: 'L   400 400 400 404 404 404 400 400 404' },
  '/frameworks/:frameworkId/compare':                          { get: 'L   200 200 200 404 404 404 200 200 404' },
  '/frameworks/:frameworkId/versions/:versionId':              { get: 'L   200 200 200 404 404 404 200 200 404', post: 'L   400 403 403 404 404 404 403 403 404' },
  '/frameworks/:frameworkId/versions/:versionId/edit':         { get: 'L   200 403 403 404 404 404 403 403 404', post: 'L   400 403 403 404 404 404 403 403 404' },
  '/frameworks/:frameworkId/versions/:versionId/export.xlsx':  { get: 'L   200 200 200 404 404 404 200 200 404' },
  '/frameworks/import':                                        { get: 'L   200 200 200 403 403 403 403 403 403', post: 'L   400 400 400 403 403 403 403 403 403' },
  '/frameworks/template.xlsx':                                 { get: 'L   200 200 200 403 403 403 200 200 403' },
  '/invite/:token':                                            { get: '404 404 404 404 404 404 404 404 404 404', post: '404 404 404 404 404 404 404 404 404 404' },
  '/login':                                                    { get: '200 302 302 302 302 302 302 302 302 302', post: '400 302 302 302 302 302 302 302 302 302' },
  '/logout':                                                   { get: '302 302 302 302 302 302 302 302 302 302' },
  '/panels/fees.xlsx':                                         { get: 'L   403 200 200 403 403 403 403 403 403' },
  '/requests/:requestId/files/:fileId':                        { get: 'L   404 200 200 404 404 404 404 404 200' },
  '/review':                                                   { get: 'L   403 403 403 403 403 403 200 200 403' },
  '/review/:submissionId':                                     { get: 'L   403 403 403 403 403 403 200 404 403', post: 'L   403 403 403 403 403 403 400 404 403' },
  '/review/:submissionId/files/:format':                       { get: 'L   403 403 403 403 403 403 200 404 403' },
  '/unit/feedback':                                            { get: 'L   403 403 403 403 403 403 403 403 200' },
  '/unit/feedback/:roundId':                                   { get: 'L   403 403 403 403 403 403 403 403 200', post: 'L   403 403 403 403 403 403 403 403 400',
                                                                 stages: { archived: { post: 'L   403 403 403 403 403 403 403 403 403' } } },
  '/unit/feedback/:roundId/:format':                           { get: 'L   403 403 403 403 403 403 403 403 200' },
  '/unit/rectification':                                       { get: 'L   403 403 403 403 403 403 403 403 200' },
  '/unit/requests':                                            { get: 'L   403 403 403 403 403 403 403 403 200', post: 'L   403 403 403 403 403 403 403 403 404' },
  '/users':                                                    { get: 'L   302 200 403 403 403 403 200 200 403', post: 'L   302 400 403 403 403 403 400 400 403' },
  '/users/:userId':                                            { get: 'L   200 200 403 403 403 403 404 404 403', post: 'L   400 400 403 403 403 403 404 404 403' },
  '/verify':                                                   { get: '200 200 200 200 200 200 200 200 200 200', post: '400 400 400 400 400 400 400 400 400 400' },
  '/verify/:code':                                             { get: '200 200 200 200 200 200 200 200 200 200', post: '400 400 400 400 400 400 400 400 400 400' },
}

/** Pathless layouts have no URL of their own; their loaders run under their pages. */
export const LAYOUTS = ['routes/_app']

/** Query strings a page needs to show its content rather than a bad request. */
const QUERIES: Record<string, (r: Resources) => string> = {
  '/engagements/:id/reports/:type/compare': (r) => `?from=${r.consultationVersion}&to=${r.reportVersion}`,
  '/panels/fees.xlsx': () => '?month=2026-06',
}

/** The concrete URL of a route pattern (param names as in the manifest) for these resources. */
export function urlFor(pattern: string, r: Resources): string {
  const segments = pattern.split('/')
  const path = segments
    .map((s, i) => {
      if (!s.startsWith(':')) return s
      const before = segments.slice(0, i).join('/')
      return paramValue(s.slice(1), before, r)
    })
    .join('/')
  return path + (QUERIES[pattern]?.(r) ?? '')
}

function paramValue(name: string, before: string, r: Resources): string {
  switch (name) {
    case 'id': return r.engagement
    case 'orgId': return r.agencyOrg
    case 'userId': return r.user
    case 'frameworkId': return r.framework
    case 'versionId': return before.endsWith('/versions') ? r.frameworkVersion : before.endsWith('/reports/files') ? r.reportVersion : r.paperVersion
    case 'drawId': return r.draw
    case 'seatId': return r.seat
    case 'expertId': return r.expert
    case 'submissionId': return r.submission
    case 'type': return r.reportType
    case 'itemId': return r.rectificationItem
    case 'evidenceId': return r.rectificationEvidence
    case 'surveyId': return r.survey
    case 'importId': return r.surveyImport
    case 'requestId': return r.request
    case 'fileId': return before.startsWith('/credit') ? r.creditFile : r.requestFile
    case 'roundId': return r.feedbackRound
    case 'subjectId': return r.creditSubject
    case 'code': return r.verificationCode
    case 'token': return r.inviteToken
    case 'format': return before.startsWith('/bureau') ? 'xlsx' : 'pdf'
    default: throw new Error(`no resource for :${name} in ${before}`)
  }
}
