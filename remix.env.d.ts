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
  }
}
export {}
