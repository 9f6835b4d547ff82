import { createContext, useContext } from 'react'

// The per-request CSP nonce (server/app.ts) reaches <Scripts> through this context during server
// rendering. In the browser it is empty: browsers hide nonce attributes after parsing anyway.
const NonceContext = createContext('')

export const NonceProvider = NonceContext.Provider

export function useNonce(): string {
  return useContext(NonceContext)
}
