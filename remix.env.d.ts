/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

declare module '@remix-run/node' {
  // Single fetch: loaders and actions return plain data, typed end to end.
  interface Future {
    v3_singleFetch: true
  }
  interface AppLoadContext {
    /** The client's address as the server entry sees it (proxy-aware when TRUST_PROXY is set). */
    clientIp: string
    /** Random id of this request, also sent as X-Request-Id and written beside any logged error. */
    requestId: string
    /** Per-request nonce that lets Remix's own inline scripts run under the CSP. */
    cspNonce: string
  }
}
export {}
