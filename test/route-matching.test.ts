import { createRequire } from 'node:module'
import type { AgnosticRouteObject } from '@remix-run/router'
import { describe, expect, it } from 'vitest'

// The server loads the router's CommonJS build (through @remix-run/server-runtime), which
// patches/@remix-run+router+*.patch makes cache its ranked branches and compiled patterns. Vitest
// would resolve the ES build, so load the one the server runs.
const router = createRequire(__filename)('@remix-run/router') as typeof import('@remix-run/router')
const routerSource = createRequire(__filename).resolve('@remix-run/router')

const routes: AgnosticRouteObject[] = [
  {
    id: 'root',
    path: '',
    children: [
      { id: 'login', path: 'login' },
      { id: 'index', index: true },
      {
        id: 'app',
        children: [
          { id: 'score', path: 'expert/seats/:seatId/score' },
          { id: 'seat', path: 'expert/seats/:seatId' },
          { id: 'about', path: ':lang?/about' },
          { id: 'files', path: 'files/*' },
          { id: 'exact', path: 'Exact', caseSensitive: true },
          { id: 'export', path: 'engagements/:id/scores.xlsx' },
        ],
      },
    ],
  },
]

function match(pathname: string) {
  const found = router.matchRoutes(routes, pathname)
  if (!found) return null
  const leaf = found[found.length - 1]!
  return { ids: found.map((m) => m.route.id), params: leaf.params, pathname: leaf.pathname }
}

describe('route matching with the patched router', () => {
  it('the server loads the patched build', async () => {
    const fs = await import('node:fs')
    expect(fs.readFileSync(routerSource, 'utf8')).toContain('rankedBranchesCache')
  })

  it('finds the same routes and params as the router documents, repeatedly', () => {
    for (let round = 0; round < 2; round++) {
      expect(match('/login')).toEqual({ ids: ['root', 'login'], params: {}, pathname: '/login' })
      expect(match('/LOGIN/')).toEqual({ ids: ['root', 'login'], params: {}, pathname: '/LOGIN/' })
      expect(match('/')).toEqual({ ids: ['root', 'index'], params: {}, pathname: '/' })
      expect(match('/expert/seats/01ABC/score')).toEqual({ ids: ['root', 'app', 'score'], params: { seatId: '01ABC' }, pathname: '/expert/seats/01ABC/score' })
      expect(match('/expert/seats/01XYZ')).toEqual({ ids: ['root', 'app', 'seat'], params: { seatId: '01XYZ' }, pathname: '/expert/seats/01XYZ' })
      expect(match('/expert/seats/01ABC/score/more')).toBeNull()
      expect(match('/zh/about')).toEqual({ ids: ['root', 'app', 'about'], params: { lang: 'zh' }, pathname: '/zh/about' })
      expect(match('/about')).toEqual({ ids: ['root', 'app', 'about'], params: { lang: undefined }, pathname: '/about' })
      expect(match('/files/a/b.pdf')).toEqual({ ids: ['root', 'app', 'files'], params: { '*': 'a/b.pdf' }, pathname: '/files/a/b.pdf' })
      expect(match('/Exact')?.ids).toEqual(['root', 'app', 'exact'])
      expect(match('/exact')).toBeNull()
      expect(match('/engagements/7/scores.xlsx')).toEqual({ ids: ['root', 'app', 'export'], params: { id: '7' }, pathname: '/engagements/7/scores.xlsx' })
      expect(match('/engagements/7/scoresXxlsx')).toBeNull()
      expect(match('/nowhere')).toBeNull()
    }
  })

  it('an equal tree built anew (as every server render does) matches with its own route objects', () => {
    const rebuilt = structuredClone(routes)
    const found = router.matchRoutes(rebuilt, '/expert/seats/01ABC/score')!
    expect(found.map((m) => m.route.id)).toEqual(['root', 'app', 'score'])
    // The objects of the tree asked about, not those of the tree first ranked.
    expect(found[2]!.route).toBe(rebuilt[0]!.children![2]!.children![0])
    expect(found[0]!.route).toBe(rebuilt[0])
    expect(found[2]!.params).toEqual({ seatId: '01ABC' })
  })

  it('a tree that differs only in one path is ranked on its own', () => {
    const changed = structuredClone(routes)
    changed[0]!.children![0]!.path = 'signin'
    expect(router.matchRoutes(changed, '/signin')?.map((m) => m.route.id)).toEqual(['root', 'login'])
    expect(router.matchRoutes(changed, '/login')).toBeNull()
    expect(match('/login')?.ids).toEqual(['root', 'login'])
  })

  it('a pattern matched again gives fresh params', () => {
    expect(router.matchPath('/expert/seats/:seatId', '/expert/seats/A')?.params).toEqual({ seatId: 'A' })
    expect(router.matchPath('/expert/seats/:seatId', '/expert/seats/B')?.params).toEqual({ seatId: 'B' })
    expect(router.matchPath({ path: '/expert', end: false }, '/expert/seats/B')?.pathname).toBe('/expert')
    expect(router.matchPath({ path: '/expert', end: true }, '/expert/seats/B')).toBeNull()
  })
})
