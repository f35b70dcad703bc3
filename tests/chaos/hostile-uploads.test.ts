/**
 * Fault: uploads that cannot become a clean session — random bytes, a binary file, a log cut off
 * mid-line, a log with a line over the 16 MiB line limit, and a request whose connection drops
 * half-way. The server stays up, answers each with a status and a message a person can act on,
 * and never keeps a partial session: every stored session has all the events it counts, and every
 * stored upload is complete.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { localOwnerCookie } from '../../dev/app-client'
import { seededRandom } from '../helpers/seeded-random'
import { CHAOS_SCALE, report } from './support/chaos-scale'
import { type ChaosStack, startChaosStack } from './support/chaos-stack'

const FIXTURE = readFileSync(new URL('../fixtures/agent-logs/codex/synthetic-acme-api.jsonl', import.meta.url), 'utf8')
const FIXTURE_SESSION_ID = '019c38dc-6da6-70c2-b8bb-e2544936759c'
const HUGE_LINE_BYTES = 17 * 1024 * 1024

let stack: ChaosStack
let sql: postgres.Sql
let cookie: string

beforeAll(async () => {
  stack = await startChaosStack()
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} })
  cookie = await localOwnerCookie(stack.apps[0].url)
})

afterAll(async () => {
  await sql?.end()
  await stack?.stop()
})

/** The fixture as a log of its own: a fresh session id, so each upload is a new session. */
function freshLog() {
  return FIXTURE.replaceAll(FIXTURE_SESSION_ID, randomUUID())
}

async function upload(name: string, body: Buffer | string) {
  const app = stack.apps[0]
  const response = await fetch(`${app.url}/api/uploads?filename=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { cookie, origin: app.url, 'content-type': 'application/octet-stream' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  })
  return { status: response.status, json: (await response.json()) as { message?: string; sessionId?: string } }
}

/** Sends half the body, then drops the connection: the client crashed or lost its network. */
function abortedUpload(name: string, body: Buffer) {
  const app = stack.apps[0]
  return new Promise<void>((resolve) => {
    const request = httpRequest(`${app.url}/api/uploads?filename=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { cookie, origin: app.url, 'content-type': 'application/octet-stream', 'content-length': body.length },
    })
    request.on('error', () => resolve())
    request.on('close', () => resolve())
    request.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => request.destroy(), 200))
  })
}

it('stays up, explains every refusal and keeps no partial session', async () => {
  const random = seededRandom(1_515)
  const outcomes: { kind: string; status: number; message?: string; sessionId?: string }[] = []
  for (let round = 0; round < CHAOS_SCALE.hostileUploadsPerKind; round++) {
    const randomBytes = random.bytes(64 * 1024)
    outcomes.push({ kind: 'random', ...flatten(await upload('random.jsonl', randomBytes)) })

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32 * 1024)])
    outcomes.push({ kind: 'binary', ...flatten(await upload('screenshot.png', png)) })

    const log = freshLog()
    const cut = 1_000 + random.int(log.length - 2_000)
    outcomes.push({ kind: 'truncated', ...flatten(await upload('truncated.jsonl', log.slice(0, cut))) })

    const lines = freshLog().split('\n')
    const huge = `{"type":"event_msg","payload":{"type":"agent_message","message":"${'x'.repeat(HUGE_LINE_BYTES)}"}}`
    const withHugeLine = [...lines.slice(0, 5), huge, ...lines.slice(5)].join('\n')
    outcomes.push({ kind: 'huge-line', ...flatten(await upload('huge-line.jsonl', withHugeLine)) })

    await abortedUpload('dropped.jsonl', Buffer.from(freshLog()))
    expect((await fetch(`${stack.apps[0].url}/api/health`)).status).toBe(200)
  }

  // No crash, no 5xx; every refusal says what happened.
  expect(stack.apps[0].child()?.exitCode ?? null).toBeNull()
  expect(outcomes.filter((outcome) => outcome.status >= 500)).toEqual([])
  const refusals = outcomes.filter((outcome) => outcome.status >= 400)
  expect(refusals.filter((outcome) => !outcome.message || outcome.message.length < 20)).toEqual([])
  for (const outcome of outcomes.filter(({ kind }) => kind === 'random' || kind === 'binary')) {
    expect(outcome.status, `${outcome.kind}: ${outcome.message}`).toBe(415)
  }
  // A cut-off or over-long line costs that line, not the session.
  for (const outcome of outcomes.filter(({ kind }) => kind === 'truncated' || kind === 'huge-line')) {
    expect(outcome.status, `${outcome.kind}: ${outcome.message}`).toBe(201)
  }

  // Whole sessions only: the ones answered 201 and nothing else; each holds every event it counts.
  const accepted = new Set(outcomes.map((outcome) => outcome.sessionId).filter(Boolean))
  const sessions = await sql<{ id: string; event_count: number; stored: number }[]>`
    select s.id, s.event_count, (select count(*)::int from timeline_events e where e.session_id = s.id) as stored
    from sessions s`
  expect(sessions.map((session) => session.id).sort()).toEqual([...accepted].sort())
  expect(sessions.filter((session) => session.event_count !== session.stored || session.stored === 0)).toEqual([])
  const [{ incomplete }] = await sql<{ incomplete: number }[]>`
    select count(*)::int as incomplete from session_uploads where completed_at is null`
  expect(incomplete).toBe(0)

  const count = (kind: string) => outcomes.filter((outcome) => outcome.kind === kind)
  report('hostile-uploads', {
    uploads: outcomes.length + CHAOS_SCALE.hostileUploadsPerKind,
    random: count('random')
      .map((outcome) => outcome.status)
      .join('/'),
    binary: count('binary')
      .map((outcome) => outcome.status)
      .join('/'),
    truncated: count('truncated')
      .map((outcome) => outcome.status)
      .join('/'),
    hugeLine: count('huge-line')
      .map((outcome) => outcome.status)
      .join('/'),
    dropped: CHAOS_SCALE.hostileUploadsPerKind,
    sessionsKept: sessions.length,
    incompleteUploads: incomplete,
  })
})

function flatten(result: { status: number; json: { message?: string; sessionId?: string } }) {
  return { status: result.status, message: result.json.message, sessionId: result.json.sessionId }
}
