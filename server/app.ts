import crypto from 'node:crypto'
import path from 'node:path'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import express, { type Response } from 'express'
import helmet from 'helmet'
import { databasePath, openDatabase } from '../db/client.server'
import { formBodyGuard, originCheck, publicHostFromAppOrigin, trustProxySetting } from './security'

export async function createApp() {
  const build = loadBuild()
  const app = express()
  // `evaldesk restore` refuses while anyone has the database open (databaseInUse in
  // db/backup.server.ts). The app's own connection opens on the first request; this one is held
  // from the start, so an idle server counts as running too.
  app.locals.databasePresence = holdDatabaseOpen()
  app.disable('x-powered-by')
  app.use((_req, res, next) => {
    res.locals.requestId = crypto.randomUUID()
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64')
    res.set('X-Request-Id', res.locals.requestId)
    next()
  })
  const trustProxy = trustProxySetting(process.env.TRUST_PROXY)
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy)
  const ownOrigin = process.env.APP_ORIGIN?.trim().replace(/\/+$/, '') || null
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          // Remix's hydration data and module loader are inline scripts: each response names its nonce.
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: ownOrigin?.startsWith('https://') ? undefined : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  )
  app.use(originCheck(ownOrigin))
  app.use(formBodyGuard())
  app.use(publicHostFromAppOrigin(ownOrigin))
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  // public/ holds only the build: a catch-all static handler would stat a missing file on every page.
  // Pages carry scores, names and audit entries: no browser or proxy may keep a copy (ASVS 8.2.1).
  // Only the fingerprinted assets above are cacheable.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store')
    next()
  })
  app.all(
    '*',
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext: (req, res) => ({
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        requestId: String(res.locals.requestId),
        cspNonce: String(res.locals.cspNonce),
      }),
    }),
  )
  return { app, build }
}

function holdDatabaseOpen() {
  const db = openDatabase(databasePath(), { readonly: true })
  // A connection takes its shared lock on the first read, not when it is opened.
  db.$client.prepare('SELECT count(*) FROM sqlite_master').get()
  return db
}

function loadBuild(): ServerBuild {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.resolve('build', 'index.js')) as ServerBuild
}
