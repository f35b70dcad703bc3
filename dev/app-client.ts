/**
 * Talks to the built app the way its browser client does, without a browser: a session cookie,
 * server functions over `POST /_serverFn/<id>` (seroval-encoded input) and shape reads through
 * `/api/shape`.
 */
import { createHash } from 'node:crypto'

/**
 * A server function's wire id: TanStack Start names each one by the SHA-256 of
 * `<source file>--<export>_createServerFn_handler` (see the built server's manifest).
 */
export function serverFunctionPath(file: string, exportName: string) {
  const id = createHash('sha256').update(`${file}--${exportName}_createServerFn_handler`).digest('hex')
  return `/_serverFn/${id}`
}

/** `{ data: { …strings } }` in the client's wire format (seroval's JSON). */
export function serovalStrings(fields: Record<string, string>) {
  const keys = Object.keys(fields)
  const values = keys.map((key) => ({ t: 1, s: fields[key] }))
  return JSON.stringify({
    t: { t: 10, i: 0, p: { k: ['data'], v: [{ t: 10, i: 1, p: { k: keys, v: values }, o: 0 }] }, o: 0 },
    f: 127,
    m: [],
  })
}

/** Local mode: the first page load signs the browser in as the local owner. */
export async function localOwnerCookie(appUrl: string) {
  const response = await fetch(`${appUrl}/`, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } })
  await response.arrayBuffer()
  const cookie = response.headers.getSetCookie().map((value) => value.split(';')[0])
  if (cookie.length === 0) throw new Error(`no session cookie from ${appUrl} (HTTP ${response.status})`)
  return cookie.join('; ')
}

export interface CallResult {
  status: number
  body: string
}

/** Calls a server function as the signed-in browser does (same origin, cookie). */
export async function callServerFunction(
  appUrl: string,
  cookie: string,
  path: string,
  body: string,
  signal?: AbortSignal,
): Promise<CallResult> {
  const response = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers: { 'x-tsr-serverfn': 'true', 'content-type': 'application/json', origin: appUrl, cookie },
    body,
    signal,
  })
  return { status: response.status, body: await response.text() }
}

export const CREATE_TODO = serverFunctionPath('src/server/functions/todos.ts', 'createTodo')

export function createTodoBody(id: string, text: string) {
  return serovalStrings({ id, text })
}
