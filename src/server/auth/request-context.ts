import type { Principal } from '~/server/repositories/accounts-repository'

/** What the global request middleware (src/start.ts) puts into every request's context. */
export interface RequestAuthContext {
  principal: Principal | undefined
  authTokenHash: string | undefined
  /** The nonce of this HTML response's Content-Security-Policy (undefined for other responses). */
  cspNonce?: string
}

/** The request middleware's result as seen by server functions and server routes (typed `unknown` there). */
export function requestAuthOf(context: unknown): RequestAuthContext {
  const value = (context ?? {}) as Partial<RequestAuthContext>
  return { principal: value.principal, authTokenHash: value.authTokenHash }
}
