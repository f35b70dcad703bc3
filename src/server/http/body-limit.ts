/**
 * Request body limits. The request middleware refuses a body by its declared length before
 * anything reads it (Node's parser never delivers more bytes than Content-Length says), and a body
 * without a declared length is refused outright: every browser request of this app has one. Code
 * that reads a body itself uses `readTextWithin`, which stops at the limit instead of buffering.
 */

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Routes with a smaller limit than MAX_REQUEST_BODY_BYTES (the subset request of a shape). */
export const ROUTE_BODY_LIMITS: ReadonlyArray<{ path: string; bytes: number }> = [
  { path: '/api/shape', bytes: 64 * 1024 },
]

/** One chunk of a pushed log (`POST /api/ingest/chunks`); agent-push sends at most 1 MiB. */
export const PUSH_CHUNK_PATH = '/api/ingest/chunks'
export const PUSH_CHUNK_MAX_BYTES = 4 * 1024 * 1024

/** The session log upload streams its body into Postgres and has a limit of its own (UPLOAD_MAX_BYTES). */
export const UPLOAD_PATH = '/api/uploads'

export function bodyLimitFor(
  path: string,
  limits: { MAX_REQUEST_BODY_BYTES: number; UPLOAD_MAX_BYTES: number },
): number {
  if (path === UPLOAD_PATH) return limits.UPLOAD_MAX_BYTES
  if (path === PUSH_CHUNK_PATH) return PUSH_CHUNK_MAX_BYTES
  const route = ROUTE_BODY_LIMITS.find((candidate) => candidate.path === path)
  return route ? Math.min(route.bytes, limits.MAX_REQUEST_BODY_BYTES) : limits.MAX_REQUEST_BODY_BYTES
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than this endpoint accepts (${formatBytes(limit)}).`)
    this.name = 'BodyTooLargeError'
  }
}

export function formatBytes(bytes: number) {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`
  return `${bytes} bytes`
}

export type BodyVerdict = { ok: true } | { ok: false; status: 411 | 413; message: string }

/** Judges a request's body by its headers alone, before a single byte of it is read. */
export function checkDeclaredBodySize(request: Request, limit: number): BodyVerdict {
  if (BODYLESS_METHODS.has(request.method.toUpperCase())) return { ok: true }
  const declared = request.headers.get('content-length')
  if (declared === null) {
    if (request.headers.has('transfer-encoding')) {
      return {
        ok: false,
        status: 411,
        message: 'Send the request body with a Content-Length header; bodies of unknown length are refused.',
      }
    }
    return { ok: true }
  }
  const length = /^\d+$/.test(declared.trim()) ? Number(declared) : Number.NaN
  if (!Number.isSafeInteger(length)) return { ok: false, status: 413, message: 'The Content-Length header is invalid.' }
  if (length > limit) return { ok: false, status: 413, message: new BodyTooLargeError(limit).message }
  return { ok: true }
}

/** Reads a text body, giving up (and cancelling the stream) as soon as it passes `limit` bytes. */
export async function readTextWithin(request: Request, limit: number): Promise<string> {
  return (await readBytesWithin(request, limit)).toString('utf8')
}

/** Reads a body's bytes, giving up (and cancelling the stream) as soon as it passes `limit` bytes. */
export async function readBytesWithin(request: Request, limit: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > limit) {
      await reader.cancel().catch(() => {})
      throw new BodyTooLargeError(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}
