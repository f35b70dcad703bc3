/**
 * A client that goes away mid-request (a long poll it no longer needs, a closed tab) aborts the
 * request. Start then rejects the pending handler with the abort reason and, seeing no HTTP
 * status on it, prints it as an uncaught server error. Giving the reason status 499 ("client
 * closed request") makes it what it is, an expected end: nothing is printed, nobody reads the
 * answer.
 */
export const CLIENT_CLOSED_REQUEST = 499

export function treatAbortAsClientClosed(request: Request) {
  const mark = () => {
    const reason: unknown = request.signal.reason
    if ((typeof reason !== 'object' && typeof reason !== 'function') || reason === null) return
    if ('status' in reason || 'statusCode' in reason) return
    Object.defineProperty(reason, 'status', { value: CLIENT_CLOSED_REQUEST, configurable: true })
  }
  if (request.signal.aborted) mark()
  else request.signal.addEventListener('abort', mark, { once: true })
}
