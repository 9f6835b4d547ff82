// The route manifest of the production build (build/index.js, the same one startServer runs), for
// tests that walk every route: a new route is covered without anyone adding it to a list.
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'

export type ManifestRoute = { id: string; path?: string; index?: boolean; parentId?: string; module: Record<string, unknown> }

export function builtRoutes(): Record<string, ManifestRoute> {
  return (createRequire(__filename)(path.resolve('build', 'index.js')) as ServerBuild).routes as unknown as Record<string, ManifestRoute>
}

/** The URL pattern of a built route, param names as the manifest has them (`/credit/:subjectId/report.pdf`). */
export function patternOf(routes: Record<string, ManifestRoute>, id: string): string {
  const parts: string[] = []
  for (let r: ManifestRoute | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) {
    if (r.path) parts.unshift(...r.path.split('/').filter(Boolean))
  }
  return '/' + parts.join('/')
}
