import { Transform } from 'node:stream'

import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from '@remix-run/node'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { NonceProvider } from './components/nonce'

// No route streams deferred data, so the abort is only a safety net against a render that never
// ends. It must not fire on a merely busy server: the action behind the page has already committed,
// and aborting would show the user an error for a save that succeeded. The timer stops when the
// render completes.
const ABORT_DELAY = 30_000

/**
 * Unexpected errors: the browser gets the generic error page (Remix strips details in production);
 * the server log gets the stack with the request id that the response carries in X-Request-Id, so a
 * user's report can be matched to the log line (ASVS 7.4.1). Only the path is logged, never the query.
 */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return
  const requestId = context?.requestId ?? '-'
  console.error(`[evaldesk] request ${requestId} failed: ${request.method} ${new URL(request.url).pathname}`)
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
}

/**
 * React 18.3's renderToPipeableStream encodes HTML into 2048-byte buffers and, when a multi-byte
 * character (all of our Chinese text) does not fit at the end, flushes the whole buffer anyway:
 * the unwritten tail goes out as NUL bytes (facebook/react#24985, fixed by #26228 only in React 19).
 * HTML never carries a literal NUL (text is cleaned on input and React escapes output), so a chunk's
 * trailing NULs are always that padding: at most 3, the longest incomplete UTF-8 character.
 */
export function withoutTrailingNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let end = chunk.length
      while (end > 0 && chunk.length - end < 3 && chunk[end - 1] === 0) end--
      callback(null, end === chunk.length ? chunk : chunk.subarray(0, end))
    },
  })
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce
  // Crawlers (and SPA mode) get the whole document at once; browsers get it streamed from the shell.
  const waitForAll = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const ready = () => {
      shellRendered = true
      const body = withoutTrailingNulBytes()
      responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
      resolve(
        new Response(createReadableStreamFromReadable(body), {
          headers: responseHeaders,
          status: responseStatusCode,
        }),
      )
      pipe(body)
    }
    let abortRender = () => {}
    const timer = setTimeout(() => abortRender(), ABORT_DELAY)
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        ...(waitForAll ? {} : { onShellReady: ready }),
        onAllReady() {
          clearTimeout(timer)
          if (waitForAll) ready()
        },
        onShellError(error: unknown) {
          clearTimeout(timer)
          // Remix answers 500 without calling handleError for a shell that failed: log it here.
          console.error(`[evaldesk] render failed: ${request.method} ${new URL(request.url).pathname}`)
          console.error(error instanceof Error ? (error.stack ?? error.message) : error)
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Shell errors are logged in onShellError; only later ones are logged here.
          if (shellRendered) console.error(error)
        },
      },
    )
    abortRender = abort
  })
}
