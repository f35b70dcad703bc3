/**
 * Start parses a server function's payload (seroval's JSON) before any of our code runs, and a
 * payload it cannot parse (truncated JSON, invalid UTF-8, plain JSON that is not seroval's format,
 * absurd nesting) becomes a 500 carrying the parser's message. The request middleware checks the
 * payload first, so a malformed request is the caller's 400 with a sentence instead.
 */
import { HttpError } from './errors'

/** Our inputs nest a few levels (seroval adds about four JSON levels per object); 10k-deep overflows the stack. */
export const MAX_PAYLOAD_DEPTH = 128

function malformed(reason: string): HttpError {
  return new HttpError(400, `The request could not be read: ${reason}. Reload the page and try again.`, 'invalid_input')
}

/** Throws a 400 HttpError unless the server-function request carries a payload Start can decode. */
export async function assertReadableServerFnPayload(request: Request): Promise<void> {
  const method = request.method.toUpperCase()
  if (method === 'GET') {
    const payload = new URL(request.url).searchParams.get('payload')
    if (payload !== null) checkPayloadText(payload)
    return
  }
  const contentType = request.headers.get('content-type') ?? ''
  // Start parses only JSON bodies here; form posts are decoded by the platform's own parser.
  if (method !== 'POST' || !contentType.includes('application/json')) return
  const bytes = await request.clone().arrayBuffer()
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw malformed('the body is not valid UTF-8')
  }
  checkPayloadText(text)
}

function checkPayloadText(text: string) {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw malformed(text.trim() === '' ? 'the body is empty' : 'the body is not valid JSON')
  }
  if (!isRecord(parsed) || !isRecord(parsed.t) || typeof parsed.t.t !== 'number') {
    throw malformed('the body is not in the format the app sends')
  }
  if (depthExceeds(parsed, MAX_PAYLOAD_DEPTH)) throw malformed(`the body nests deeper than ${MAX_PAYLOAD_DEPTH} levels`)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Iterative, so the check itself cannot overflow the stack it protects. */
function depthExceeds(root: unknown, limit: number) {
  const stack: [unknown, number][] = [[root, 1]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number]
    if (depth > limit) return true
    if (typeof value !== 'object' || value === null) continue
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}
